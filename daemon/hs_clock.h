/*  =========================================================================
    hs_clock - the daemon's own clock

    Due times, windows and briefings run on this clock, never on reporters'
    `at`. It is the wall clock, except that it never runs backwards across
    a restart (it resumes from the last committed reading if that is
    later), and that for drills and tests it can start at a chosen instant
    and run N times faster (--time-start, --time-scale).

    Where it resumes from is decided once, at start (hs_clock_resume), from
    the store's last reading and whether that came from a drill:
      - a drill (--time-start or --time-scale) resumes from the later of its
        start and the stored reading, as before, and marks the store;
      - the real clock after a drill goes back to the real time: drill time
        never leaks into a real run (--clock-keep: continue the drill's);
      - the real clock after a real run resumes from the later of the two,
        never backwards; a stored reading more than store/max_skew ahead
        (a wrong system clock before NTP, a store from before the drill
        mark) is a loud warning, kept until the operator restarts once with
        --clock-reset, which sets it back to the real time;
    each setting back is logged and counted in meta `clock.resets`.
    =========================================================================
*/

#ifndef HS_CLOCK_H_INCLUDED
#define HS_CLOCK_H_INCLUDED

#include <czmq.h>
#include "hs_store.h"

typedef struct _hs_clock_t hs_clock_t;

//  A clock that reads `start_ms` now and advances `scale` ms per real ms.
hs_clock_t *hs_clock_new (int64_t start_ms, double scale);
void hs_clock_destroy (hs_clock_t **self_p);

//  The time now, Unix ms. Never decreases.
int64_t hs_clock_now (hs_clock_t *self);

//  Real milliseconds until the clock reads `target_ms` (0 if past).
int64_t hs_clock_real_wait (hs_clock_t *self, int64_t target_ms);

double hs_clock_scale (hs_clock_t *self);

//  How the daemon's clock is to start.
typedef struct {
    int64_t real_ms;            //  the wall clock now (zclock_time)
    int64_t time_start;         //  --time-start, or 0
    double scale;               //  --time-scale (1: real)
    int64_t max_skew_ms;        //  store/max_skew: further ahead is a warning
    bool reset;                 //  --clock-reset: back to the real time
    bool keep;                  //  --clock-keep: a drill's time continues
    int64_t utc_offset_ms;      //  the district's wall time, for what the log says
} hs_clock_setup_t;

//  Where the clock starts, given the store's last reading (0: none) and
//  whether a drill made it. Pure (the self test drives it); *ahead_ms is
//  how far a kept reading is ahead of the real clock past max_skew (else
//  0), *set_back true if the clock goes back.
int64_t hs_clock_start (const hs_clock_setup_t *setup, int64_t stored, bool stored_drill,
                        int64_t *ahead_ms, bool *set_back);

//  The daemon's clock for `store`: reads its meta, decides (above), logs
//  loudly what needs the operator. Caller owns it. hs_clock_mark_work then
//  records the decision in the store (a hs_txn_run work; arg the clock).
hs_clock_t *hs_clock_resume (hs_store_t *store, const hs_clock_setup_t *setup);
int hs_clock_mark_work (void *arg);

//  True if this start set the clock back behind the store's last reading
//  (`from`) to `to`, with why: "reset" (--clock-reset) or "drill".
bool hs_clock_set_back (hs_clock_t *self, int64_t *from, int64_t *to, const char **why);

//  How far ahead of the real clock this process's daemon clock resumed,
//  past store/max_skew (0: not): health says degraded while it is.
int64_t hs_clock_ahead_ms (void);

void hs_clock_test (bool verbose);

#endif
