/*  =========================================================================
    hs_filed - the `filed` table: filed cases (归档) in the order filed

    This class alone spells its keys (the time a case was filed, u64
    big-endian on the daemon's clock, then the case id; empty values).
    Each function works inside whatever transaction or view the store has
    open.
    =========================================================================
*/

#ifndef HS_FILED_H_INCLUDED
#define HS_FILED_H_INCLUDED

#include "hs_store.h"
#include "../protocol/hs_protocol.h"

//  Note that case `case_id` was filed at `filed`. Returns 0 or -1.
int hs_filed_put (hs_store_t *store, int64_t filed, const char *case_id);

//  Read a key back (verify): when, and the case. Returns 0, or -1 if it
//  is malformed. `case_id` holds HS_ID_MAX + 1.
int hs_filed_parse (const void *key, size_t key_size, int64_t *filed, char *case_id);

//  The api's `filed` (read-only, inside a view): the cases filed in
//  [since, until) (0: no bound), in the order they were filed, at most
//  `limit` (1-1000, default 100) after the cursor `after` (a previous
//  reply's `next`). Returns 0, or -1 with `why` (bad_type, bad_value,
//  store).
int hs_filed_query (hs_store_t *store, const msgpack_object *args, hs_pack_t *reply,
                    hs_why_t *why);

#endif
