/*  =========================================================================
    huishang_fresh - is the daemon still answering? (hs.heartbeat)

    The daemon publishes hs.heartbeat every interval (PROTOCOL.md §4.18);
    a viewer that hears none for HS_HEARTBEAT_MISSED intervals says the
    daemon is not answering, and says so again when beats come back.
    watch and top keep one of these beside their SUB socket.
    =========================================================================
*/

#ifndef HUISHANG_FRESH_H_INCLUDED
#define HUISHANG_FRESH_H_INCLUDED

#include "../protocol/hs_heartbeat_msg.h"

typedef struct {
    int64_t interval_ms;        //  expected beat interval (config, then each beat's); 0: none
    int64_t heard_mono;         //  zclock_mono () of the last beat, or of the start
    int64_t heard_wall;         //  the last beat's `wall` (real time), or the start's
    int64_t beats;              //  beats heard
    bool stale;                 //  no beat for HS_HEARTBEAT_MISSED intervals
    hs_pulse_t last;            //  the last beat
} huishang_fresh_t;

//  Start watching, expecting a beat every interval_ms (server/heartbeat
//  of the config; 0: the daemon sends none, never stale until one comes).
void huishang_fresh_init (huishang_fresh_t *self, int64_t interval_ms);

//  A hs.heartbeat body came. Returns true if it ends a stale spell.
bool huishang_fresh_beat (huishang_fresh_t *self, const msgpack_object *body);

//  Look at the time: returns true if the daemon has just become stale.
bool huishang_fresh_check (huishang_fresh_t *self);

//  Milliseconds until it would become stale (-1: never, or it is).
int64_t huishang_fresh_wait (huishang_fresh_t *self);

//  How long without a beat (ms).
int64_t huishang_fresh_silent_ms (huishang_fresh_t *self);

void huishang_fresh_test (bool verbose);

#endif
