/*  =========================================================================
    hs_clock - the daemon's own clock
    =========================================================================
*/

#include "hs_clock.h"
#include "hs_log.h"

struct _hs_clock_t {
    int64_t start_ms;           //  what the clock read at creation
    int64_t mono_start;         //  zclock_mono () at creation
    double scale;               //  clock ms per real ms
    int64_t last;               //  the last reading, to stay monotonic
    hs_store_t *store;          //  borrowed: where hs_clock_mark_work records, or NULL
    bool drill;                 //  started as a drill (--time-start, --time-scale)
    bool set_back;              //  started behind the store's last reading ...
    int64_t set_back_from;      //  ... which was this
    bool set_back_reset;        //  ... because --clock-reset asked (else: a drill's)
};

//  What hs_clock_ahead_ms tells health: one daemon per process.
static int64_t s_ahead_ms;

hs_clock_t *
hs_clock_new (int64_t start_ms, double scale)
{
    hs_clock_t *self = (hs_clock_t *) zmalloc (sizeof (hs_clock_t));
    self->start_ms = start_ms;
    self->mono_start = zclock_mono ();
    self->scale = scale > 0? scale: 1;
    self->last = start_ms;
    return self;
}

void
hs_clock_destroy (hs_clock_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        free (*self_p);
        *self_p = NULL;
    }
}

int64_t
hs_clock_now (hs_clock_t *self)
{
    int64_t now = self->start_ms + (int64_t) ((double) (zclock_mono () - self->mono_start) * self->scale);
    if (now > self->last)
        self->last = now;
    return self->last;
}

int64_t
hs_clock_real_wait (hs_clock_t *self, int64_t target_ms)
{
    int64_t now = hs_clock_now (self);
    if (target_ms <= now)
        return 0;
    return (int64_t) ((double) (target_ms - now) / self->scale) + 1;
}

double hs_clock_scale (hs_clock_t *self) { return self->scale; }

int64_t
hs_clock_start (const hs_clock_setup_t *setup, int64_t stored, bool stored_drill,
                int64_t *ahead_ms, bool *set_back)
{
    bool drill = setup->time_start || setup->scale != 1;
    int64_t wanted = setup->time_start? setup->time_start: setup->real_ms;
    *ahead_ms = 0;
    *set_back = false;
    if (stored <= wanted)
        return wanted;
    //  The stored reading is ahead of where this start would put it.
    if (setup->reset || (!drill && stored_drill && !setup->keep)) {
        *set_back = true;
        return wanted;
    }
    if (!drill && stored - setup->real_ms > setup->max_skew_ms)
        *ahead_ms = stored - setup->real_ms;
    return stored;
}

//  A clock reading as the district's wall time (calendar/utc_offset, not
//  the machine's TZ), for the operator.
static const char *
s_local (int64_t ms, int64_t utc_offset_ms, char *text, size_t size)
{
    time_t seconds = (time_t) ((ms + utc_offset_ms) / 1000);
    struct tm wall;
    gmtime_r (&seconds, &wall);
    strftime (text, size, "%Y-%m-%dT%H:%M", &wall);
    return text;
}

hs_clock_t *
hs_clock_resume (hs_store_t *store, const hs_clock_setup_t *setup)
{
    uint64_t stored = 0, stored_drill = 0;
    if (hs_store_view_begin (store) == 0) {
        hs_store_meta_get (store, HS_META_CLOCK, 0, &stored);
        hs_store_meta_get (store, HS_META_CLOCK_DRILL, 0, &stored_drill);
        hs_store_view_end (store);
    }
    int64_t ahead = 0;
    bool set_back = false;
    int64_t start = hs_clock_start (setup, (int64_t) stored, stored_drill != 0, &ahead, &set_back);
    char was [32], now [32];
    if (set_back)
        hs_log_warning ("hs_clock: the clock goes back from %s, the store's last reading%s, to %s%s",
                        s_local ((int64_t) stored, setup->utc_offset_ms, was, sizeof (was)),
                        stored_drill? " (a drill's)": "", s_local (start, setup->utc_offset_ms, now, sizeof (now)),
                        setup->reset? " (--clock-reset)": ": a drill's time is not kept "
                        "(--clock-keep keeps it)");
    if (ahead)
        hs_log_error ("hs_clock: THE STORE'S CLOCK IS %lld DAYS %02lld:%02lld AHEAD of the real "
                      "clock (%s, against %s): due times, alerts and briefings are dated ahead. "
                      "If the real clock is right, restart once with --clock-reset",
                      (long long) (ahead / 86400000), (long long) (ahead / 3600000 % 24),
                      (long long) (ahead / 60000 % 60), s_local ((int64_t) stored, setup->utc_offset_ms, was, sizeof (was)),
                      s_local (setup->real_ms, setup->utc_offset_ms, now, sizeof (now)));
    s_ahead_ms = ahead;
    hs_clock_t *self = hs_clock_new (start, setup->scale);
    self->store = store;
    self->drill = setup->time_start || setup->scale != 1;
    self->set_back = set_back;
    self->set_back_from = (int64_t) stored;
    self->set_back_reset = setup->reset;
    return self;
}

int
hs_clock_mark_work (void *arg)
{
    hs_clock_t *self = (hs_clock_t *) arg;
    uint64_t drill = 0, resets = 0;
    if (!self->store
    ||  hs_store_meta_get (self->store, HS_META_CLOCK_DRILL, 0, &drill)
    ||  hs_store_meta_get (self->store, HS_META_CLOCK_RESETS, 0, &resets))
        return -1;
    int rc = 0;
    if (drill != (uint64_t) self->drill)
        rc = hs_store_meta_put (self->store, HS_META_CLOCK_DRILL, self->drill);
    //  Run once, at start (a redo of that unit of work counts it again
    //  from the same meta, so once).
    if (rc == 0 && self->set_back)
        rc = hs_store_meta_put (self->store, HS_META_CLOCK_RESETS, resets + 1);
    return rc;
}

bool
hs_clock_set_back (hs_clock_t *self, int64_t *from, int64_t *to, const char **why)
{
    *from = self->set_back_from;
    *to = self->start_ms;
    *why = self->set_back_reset? "reset": "drill";
    return self->set_back;
}

int64_t hs_clock_ahead_ms (void) { return s_ahead_ms; }

void
hs_clock_test (bool verbose)
{
    if (verbose)
        printf (" * hs_clock: ");
    hs_clock_t *clock = hs_clock_new (1000000, 1000);
    int64_t first = hs_clock_now (clock);
    assert (first >= 1000000);
    zclock_sleep (20);
    int64_t second = hs_clock_now (clock);
    assert (second - first >= 15000);          //  20 real ms at 1000x
    assert (hs_clock_real_wait (clock, second + 100000) <= 101);
    assert (hs_clock_real_wait (clock, first) == 0);
    hs_clock_destroy (&clock);
    assert (!clock);

    //  Where a start resumes. Real clock 1e12; a day is 86.4e6 ms.
    int64_t day = 86400000, real = 1000000000000LL, ahead;
    bool back;
    hs_clock_setup_t setup = { .real_ms = real, .scale = 1, .max_skew_ms = day };
    assert (hs_clock_start (&setup, real - 5, false, &ahead, &back) == real && !back && !ahead);
    //  A little ahead: kept (never backwards), no warning; far ahead: kept, loud.
    assert (hs_clock_start (&setup, real + 5, false, &ahead, &back) == real + 5 && !ahead);
    assert (hs_clock_start (&setup, real + 9 * day, false, &ahead, &back) == real + 9 * day
         && ahead == 9 * day && !back);
    //  ... until the operator says --clock-reset.
    setup.reset = true;
    assert (hs_clock_start (&setup, real + 9 * day, false, &ahead, &back) == real && back && !ahead);
    setup.reset = false;
    //  A drill's reading is not kept on the real clock, unless asked.
    assert (hs_clock_start (&setup, real + 9 * day, true, &ahead, &back) == real && back);
    setup.keep = true;
    assert (hs_clock_start (&setup, real + 9 * day, true, &ahead, &back) == real + 9 * day && !back);
    setup.keep = false;
    //  A drill starts where it says, or later if the store is later.
    setup.time_start = real + 3000 * day;
    assert (hs_clock_start (&setup, real, false, &ahead, &back) == real + 3000 * day);
    assert (hs_clock_start (&setup, real + 4000 * day, true, &ahead, &back) == real + 4000 * day
         && !ahead && !back);
    if (verbose)
        printf ("OK\n");
}
