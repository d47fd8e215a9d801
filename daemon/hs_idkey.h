/*  =========================================================================
    hs_idkey - an id as the store keys it: in the order of its number

    Case and meeting ids end in a number (`putuo-9`, `putuo-m12`). As
    text, `putuo-10` sorts before `putuo-9`, so a new case would land in
    the middle of its table, splitting half-full pages, where it could
    have been appended. The key form puts one byte before the id's final
    run of digits, the run's length (1 to 20): `putuo-` 0x01 `9` <
    `putuo-` 0x02 `10`. An id never holds a byte below 0x21 (ids are
    tokens), so the form reads back unambiguously, and an id with no final
    digits is keyed as it is. Stores before format 4 keyed ids as text:
    lookups here try that form too, and hs_idkey_upgrade rewrites them.
    The tables' owners (hs_cases, hs_ledger's history, hs_meeting_table)
    spell their keys with these functions; nothing else does.
    =========================================================================
*/

#ifndef HS_IDKEY_H_INCLUDED
#define HS_IDKEY_H_INCLUDED

#include "hs_store.h"
#include "../protocol/hs_protocol.h"

//  The longest key form of an id: the id and the length byte.
#define HS_IDKEY_MAX (HS_ID_MAX + 1)

//  The key form of `id` (HS_IDKEY_MAX bytes at `key`). Returns its size,
//  0 if the id is empty or longer than HS_ID_MAX.
size_t hs_idkey_put (uint8_t *key, const char *id);

//  The id a key names, in either form, into `id` (`id_size` bytes).
//  Returns 0, or -1 if the bytes are no id's key.
int hs_idkey_get (const void *key, size_t size, char *id, size_t id_size);

//  Read the record stored under an id in `table`: under its key form,
//  else (a store not yet upgraded) under its text. Returns 0 with the
//  record borrowed as hs_store_get lends it, 1 if there is none, -1 if
//  the store failed.
int hs_idkey_lookup (hs_store_t *store, hs_table_t table, const char *id, const void **data,
                     size_t *size);

//  A key's form in this version: fills `fresh` (its size in `fresh_size`)
//  and returns true if `key` is of an older form, false if it is current
//  (or no key this knows). For tables keyed by the id alone.
typedef bool (hs_idkey_map_fn) (const void *key, size_t size, uint8_t *fresh, size_t *fresh_size);
bool hs_idkey_map (const void *key, size_t size, uint8_t *fresh, size_t *fresh_size);

//  The longest key an upgrade moves: longer than any LMDB key.
#define HS_IDKEY_MOVE_KEY_MAX 512
#define HS_IDKEY_CHUNK 5000

//  An upgrade of one table's keys to the current form, a chunk at a time:
//  hs_idkey_move_work, a work function for the write transaction
//  (hs_txn_run), moves at most HS_IDKEY_CHUNK records whose key `map`
//  says is of an older form, from the first key at or after `from`, and
//  looks at no more than 20 times that many; it sets `next` where the
//  next chunk starts, `chunk` to how many it moved and `done` when the
//  table has no more. Run it again after each commit with `from` = `next`
//  until done. A chunk run twice (the map grew) does the same. With
//  `across` the records move to the table `to` instead, under the key
//  `map` gives (a record already there is the newer one, as within one).
typedef struct {
    hs_store_t *store;
    hs_table_t table;
    hs_idkey_map_fn *map;
    bool across;                        //  into `to`, not `table`
    hs_table_t to;
    uint8_t from [HS_IDKEY_MOVE_KEY_MAX];
    size_t from_size;                   //  0: from the first key
    uint8_t next [HS_IDKEY_MOVE_KEY_MAX];
    size_t next_size;
    size_t chunk;
    bool done;
} hs_idkey_move_t;

int hs_idkey_move_work (void *arg);

void hs_idkey_test (bool verbose);

#endif
