/*  =========================================================================
    hs_caseindex - the `caseindex` table: what the store keeps per enterprise

    An enterprise is named by its unified social credit code, else by its
    normalised name in a street:
        cc/<credit code>
        nm/<street>/<normalised name>
    and under that name the table keeps one record (store format 8): its
    early-warning window (the window record is hs_windows') and the open
    case of the enterprise in each category (its id), which a report joins
    (SPEC §3). So a new dispute's correlation and its enterprise's window
    are one B-tree entry, its name written once: one page a new case
    dirties, and no second key to spell, find and compare.
    Before format 8 they were entries of their own: the window under the
    name alone and each case under the name, a 0x1f byte and the category
    (formats 5 to 7; before 5, `nm/<street>/<category>/<name>` or
    `cc/<code>/<category>`, the window in the `windows` table under `e/`).
    hs_caseindex_map respells the oldest keys; hs_caseindex_merge_work
    merges format 7's. A normalised name holds no byte below 0x30 but the
    ones of multi-byte characters, a street code no `/`, so the forms read
    back unambiguously. This class spells these keys and this record;
    nothing else does.
    =========================================================================
*/

#ifndef HS_CASEINDEX_H_INCLUDED
#define HS_CASEINDEX_H_INCLUDED

#include "hs_store.h"
#include "hs_idkey.h"

#define HS_CASEINDEX_KEY_MAX 480

//  An enterprise's name in the index: `credit_code` when it is not empty
//  (NULL: the name form), else "nm/<street>/<normalised name>". Writes at
//  most HS_CASEINDEX_KEY_MAX bytes, NUL-terminated; returns the length.
size_t hs_caseindex_enterprise (const char *credit_code, const char *street, const char *name,
                                char *key);

//  The open case of an enterprise in a category: its id into `case_id`
//  (`size` bytes). Returns 0, 1 if there is none, -1 on error.
int hs_caseindex_case (hs_store_t *store, const char *enterprise, int category, char *case_id,
                       size_t size);

//  Index, or no longer index, a case under the enterprise and category.
//  Returns 0 or -1.
int hs_caseindex_set (hs_store_t *store, const char *enterprise, int category,
                      const char *case_id);
int hs_caseindex_unset (hs_store_t *store, const char *enterprise, int category);

//  The enterprise's window record (`enterprise` is `size` bytes): get
//  returns 0 with it borrowed as hs_store_get lends it, 1 if there is
//  none, -1 on error; put and del return 0 or -1.
int hs_caseindex_window (hs_store_t *store, const void *enterprise, size_t size,
                         const void **data, size_t *data_size);
int hs_caseindex_window_put (hs_store_t *store, const void *enterprise, size_t size,
                             const void *data, size_t data_size);
int hs_caseindex_window_del (hs_store_t *store, const void *enterprise, size_t size);

//  Visit the window records in key order from the first key at or after
//  `from` (`from_size` 0: the start), as hs_store_walk does, skipping the
//  enterprises with none; the visitor gets the enterprise's name and the
//  window record. Returns 0, or -1 if the store failed.
int hs_caseindex_windows (hs_store_t *store, const void *from, size_t from_size,
                          hs_store_walk_fn *visit, void *arg);

//  Visit every indexed case in key order: its enterprise's name, its
//  category and its id. A record that does not decode is visited once,
//  with category -1 and no id. A visitor returns 0 to go on, anything
//  else to stop. Returns 0, or -1 if the store failed.
typedef int (hs_caseindex_case_fn) (const void *enterprise, size_t size, int category,
                                    const char *case_id, void *arg);
int hs_caseindex_cases (hs_store_t *store, hs_caseindex_case_fn *visit, void *arg);

//  Whether a key of the table is an enterprise's name (else a correlation
//  key of formats 5 to 7).
bool hs_caseindex_is_window (const void *key, size_t size);

//  Store format 8, a work function for the write transaction (hs_txn_run):
//  merges at most 5,000 of the table's entries of format 7 (a correlation
//  key; a window record alone) into their enterprises' records, from the
//  first key at or after `from`, looking at no more than 20 times that
//  many; sets `next` where the next chunk starts, `chunk` to how many it
//  merged, `dropped` to how many it found that were not entries of any
//  format (deleted, and logged) and `done` when the table has no more. Run
//  it again after each commit with `from` = `next` until done; a chunk run
//  twice does the same. The enterprise's window must sort before its keys
//  (format 5 on).
typedef struct {
    hs_store_t *store;
    uint8_t from [HS_CASEINDEX_KEY_MAX];
    size_t from_size;                   //  0: from the first key
    uint8_t next [HS_CASEINDEX_KEY_MAX];
    size_t next_size;
    size_t chunk;
    size_t dropped;
    bool done;
} hs_caseindex_merge_t;

int hs_caseindex_merge_work (void *arg);

//  A correlation key in its format-5 form, for one written before
//  (hs_idkey_map_fn, for hs_idkey_move_work): true with `fresh` filled if
//  `key` is of the older form.
bool hs_caseindex_map (const void *key, size_t size, uint8_t *fresh, size_t *fresh_size);

//  Normalise an enterprise name for matching: case, spaces, punctuation
//  and full-width forms folded. Writes at most `size` bytes.
void hs_caseindex_normalise (const char *name, char *dest, size_t size);

void hs_caseindex_test (bool verbose);

#endif
