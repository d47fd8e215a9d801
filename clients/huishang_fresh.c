/*  =========================================================================
    huishang_fresh - is the daemon still answering? (hs.heartbeat)
    =========================================================================
*/

#include <czmq.h>
#include "huishang_fresh.h"

void
huishang_fresh_init (huishang_fresh_t *self, int64_t interval_ms)
{
    memset (self, 0, sizeof (*self));
    self->interval_ms = interval_ms > 0? interval_ms: 0;
    self->heard_mono = zclock_mono ();
    self->heard_wall = zclock_time ();
}

bool
huishang_fresh_beat (huishang_fresh_t *self, const msgpack_object *body)
{
    hs_pulse_t beat;
    if (hs_pulse_decode (body, &beat))
        return false;
    self->last = beat;
    self->beats++;
    self->heard_mono = zclock_mono ();
    self->heard_wall = beat.wall;
    if (beat.interval_ms > 0)
        self->interval_ms = beat.interval_ms;
    bool back = self->stale;
    self->stale = false;
    return back;
}

int64_t
huishang_fresh_silent_ms (huishang_fresh_t *self)
{
    return zclock_mono () - self->heard_mono;
}

int64_t
huishang_fresh_wait (huishang_fresh_t *self)
{
    if (self->stale || self->interval_ms <= 0)
        return -1;
    int64_t left = HS_HEARTBEAT_MISSED * self->interval_ms - huishang_fresh_silent_ms (self);
    return left > 0? left: 0;
}

bool
huishang_fresh_check (huishang_fresh_t *self)
{
    if (self->stale || self->interval_ms <= 0
    ||  huishang_fresh_silent_ms (self) < HS_HEARTBEAT_MISSED * self->interval_ms)
        return false;
    self->stale = true;
    return true;
}

void
huishang_fresh_test (bool verbose)
{
    (void) verbose;
    huishang_fresh_t fresh;
    huishang_fresh_init (&fresh, 20);
    assert (!huishang_fresh_check (&fresh) && !fresh.stale);
    assert (huishang_fresh_wait (&fresh) > 0 && huishang_fresh_wait (&fresh) <= 60);
    zclock_sleep (70);
    assert (huishang_fresh_check (&fresh) && fresh.stale);
    assert (!huishang_fresh_check (&fresh));            //  said once
    assert (huishang_fresh_wait (&fresh) == -1);
    //  A beat ends it, and tells its interval.
    hs_pack_t *pack = hs_pack_new ();
    hs_pulse_t beat = { 1000, 9, 123456, 30 };
    hs_pulse_encode (&beat, pack);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (msgpack_unpack_next (&unpacked, (const char *) hs_pack_data (pack),
                                 hs_pack_size (pack), NULL) == MSGPACK_UNPACK_SUCCESS);
    assert (huishang_fresh_beat (&fresh, &unpacked.data));
    assert (!fresh.stale && fresh.heard_wall == 123456 && fresh.interval_ms == 30);
    assert (fresh.last.next_seq == 9 && fresh.beats == 1);
    assert (!huishang_fresh_beat (&fresh, &unpacked.data));     //  was not stale
    assert (!huishang_fresh_beat (&fresh, NULL));               //  not a beat
    msgpack_unpacked_destroy (&unpacked);
    hs_pack_destroy (&pack);
    //  No heartbeat configured: never stale.
    huishang_fresh_init (&fresh, 0);
    zclock_sleep (5);
    assert (!huishang_fresh_check (&fresh) && huishang_fresh_wait (&fresh) == -1);
}
