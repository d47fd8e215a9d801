/*  =========================================================================
    hs_clock - the daemon's own clock

    Due times, windows and briefings run on this clock, never on reporters'
    `at`. It is the wall clock, except that it never runs backwards across
    a restart (it resumes from the last committed reading if that is
    later), and that for drills and tests it can start at a chosen instant
    and run N times faster (--time-start, --time-scale).
    =========================================================================
*/

#ifndef HS_CLOCK_H_INCLUDED
#define HS_CLOCK_H_INCLUDED

#include <czmq.h>

typedef struct _hs_clock_t hs_clock_t;

//  A clock that reads `start_ms` now and advances `scale` ms per real ms.
hs_clock_t *hs_clock_new (int64_t start_ms, double scale);
void hs_clock_destroy (hs_clock_t **self_p);

//  The time now, Unix ms. Never decreases.
int64_t hs_clock_now (hs_clock_t *self);

//  Real milliseconds until the clock reads `target_ms` (0 if past).
int64_t hs_clock_real_wait (hs_clock_t *self, int64_t target_ms);

double hs_clock_scale (hs_clock_t *self);

void hs_clock_test (bool verbose);

#endif
