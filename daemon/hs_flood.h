/*  =========================================================================
    hs_flood - the flood limit: a token bucket per source unit

    A unit may send `rate` messages a second after a burst of `burst`.
    The bucket is charged inside the transaction and follows it: a unit of
    work that is redone (the map grew) or not committed charges nothing,
    so each message is charged exactly once. Time is the real monotonic
    clock as the unit of work began, so a redo sees the same time.

    The bucket counts by arrival, not by reading. libzmq tells no arrival
    time, but what one drain of a socket reads arrived after the socket
    was last seen empty (`since`, hs_flood_window). A unit that kept to
    its rate sent at most burst + rate * (now - since) in that window, so
    a bucket is capped at `burst` only as it stood at `since`, and earns
    its rate from then on without that cap: a stall of the reader (a long
    commit, a busy machine) never turns a unit under its rate into
    rejections, and a unit over it still gets no more than burst + rate *
    window over the window (hs_ingest says when a socket was seen empty).
    Messages that name no unit of ours share one bucket of their own (the
    unit ""), so unattributed traffic has one global budget.
    =========================================================================
*/

#ifndef HS_FLOOD_H_INCLUDED
#define HS_FLOOD_H_INCLUDED

#include "hs_txn.h"

typedef struct _hs_flood_t hs_flood_t;

//  Buckets for the work `txn` runs (joins it). Caller owns the result.
hs_flood_t *hs_flood_new (hs_txn_t *txn);
void hs_flood_destroy (hs_flood_t **self_p);

//  What the next units of work read arrived after `since` (zclock_mono
//  ms): when the socket they come from was last seen empty.
void hs_flood_window (hs_flood_t *self, int64_t since);

//  Charge one message to `unit` under `rate` a second and `burst`; true
//  if its bucket is empty (the message is refused, and not charged).
bool hs_flood_refuse (hs_flood_t *self, const char *unit, int64_t rate, int64_t burst);

void hs_flood_test (bool verbose);

#endif
