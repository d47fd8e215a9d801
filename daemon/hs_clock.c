/*  =========================================================================
    hs_clock - the daemon's own clock
    =========================================================================
*/

#include "hs_clock.h"

struct _hs_clock_t {
    int64_t start_ms;           //  what the clock read at creation
    int64_t mono_start;         //  zclock_mono () at creation
    double scale;               //  clock ms per real ms
    int64_t last;               //  the last reading, to stay monotonic
};

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
    if (verbose)
        printf ("OK\n");
}
