/*  =========================================================================
    hs_deadletters - rejected messages kept in a bounded ring

    A rejected message is kept (hs_reject packs it) so an operator can see
    what came, but what anybody can send must never be able to fill the
    store. The dead-letter table is a ring: at most `max` records and
    `bytes` bytes of them (store/deadletters, store/deadletter_bytes); to
    keep a new one the oldest go, counted (deadletters_dropped). And the
    map keeps room for what is accepted: once the room left in the map
    (hs_store_room, less what this unit of work wrote here) is below
    `reserve` (store/deadletter_reserve), no dead letter is kept at all,
    counted (deadletters_skipped), so rejected bytes cannot push a known
    unit's report into store_full.
    The ring's size is learned from the table on first use (an old store
    may hold many more: it shrinks by a bounded number a put) and staged
    with the transaction, like everything else.
    =========================================================================
*/

#ifndef HS_DEADLETTERS_H_INCLUDED
#define HS_DEADLETTERS_H_INCLUDED

#include "hs_txn.h"
#include "hs_stats.h"

typedef struct _hs_deadletters_t hs_deadletters_t;

//  The ring for the work `txn` runs (joins it), counted in `stats`
//  (borrowed). Caller owns the result.
hs_deadletters_t *hs_deadletters_new (hs_txn_t *txn, hs_stats_t *stats);
void hs_deadletters_destroy (hs_deadletters_t **self_p);

//  Keep one record, inside the open transaction, in a ring of `max`
//  records and `bytes` bytes, while the map has `reserve` bytes of room
//  besides. Returns 0 (kept, or counted as not kept), or -1 if the store
//  failed.
int hs_deadletters_put (hs_deadletters_t *self, const void *data, size_t size,
                        int64_t max, int64_t bytes, int64_t reserve);

//  Records and bytes in the ring, as last committed.
uint64_t hs_deadletters_count (hs_deadletters_t *self);
uint64_t hs_deadletters_bytes (hs_deadletters_t *self);

void hs_deadletters_test (bool verbose);

#endif
