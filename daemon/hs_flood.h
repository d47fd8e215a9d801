/*  =========================================================================
    hs_flood - the flood limit: a token bucket per source unit

    A unit may send `rate` messages a second after a burst of `burst`.
    The bucket is charged inside the transaction and follows it: a unit of
    work that is redone (the map grew) or not committed charges nothing,
    so each message is charged exactly once. Time is the real monotonic
    clock as the unit of work began, so a redo sees the same time.
    =========================================================================
*/

#ifndef HS_FLOOD_H_INCLUDED
#define HS_FLOOD_H_INCLUDED

#include "hs_txn.h"

typedef struct _hs_flood_t hs_flood_t;

//  Buckets for the work `txn` runs (joins it). Caller owns the result.
hs_flood_t *hs_flood_new (hs_txn_t *txn);
void hs_flood_destroy (hs_flood_t **self_p);

//  Charge one message to `unit` under `rate` a second and `burst`; true
//  if its bucket is empty (the message is refused, and not charged).
bool hs_flood_refuse (hs_flood_t *self, const char *unit, int64_t rate, int64_t burst);

void hs_flood_test (bool verbose);

#endif
