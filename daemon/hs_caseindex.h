/*  =========================================================================
    hs_caseindex - the `caseindex` table: what the store keeps per enterprise

    An enterprise is named by its unified social credit code, else by its
    normalised name in a street:
        cc/<credit code>
        nm/<street>/<normalised name>
    Under that name alone, its early-warning window (the record is
    hs_windows'); under the name, a 0x1f byte and a category, the open case
    of the enterprise in that category (its id), which a report joins
    (SPEC §3). So a new dispute's correlation key and its enterprise's
    window sort side by side and share their page: one page a new case
    dirties, not two (store format 5; before it, a correlation key was
    `nm/<street>/<category>/<name>` or `cc/<code>/<category>` and the
    window lived in the `windows` table under `e/` and the name).
    A normalised name holds no byte below 0x30 but the ones of multi-byte
    characters, a street code no `/`, so the forms read back unambiguously.
    This class spells these keys; nothing else does.
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
//  correlation keys between them; the visitor gets the enterprise's name
//  and the record. Returns 0, or -1 if the store failed.
int hs_caseindex_windows (hs_store_t *store, const void *from, size_t from_size,
                          hs_store_walk_fn *visit, void *arg);

//  Whether a key of the table is a window record (else a correlation key).
bool hs_caseindex_is_window (const void *key, size_t size);

//  A correlation key in its format-5 form, for one written before
//  (hs_idkey_map_fn, for hs_idkey_move_work): true with `fresh` filled if
//  `key` is of the older form.
bool hs_caseindex_map (const void *key, size_t size, uint8_t *fresh, size_t *fresh_size);

//  Normalise an enterprise name for matching: case, spaces, punctuation
//  and full-width forms folded. Writes at most `size` bytes.
void hs_caseindex_normalise (const char *name, char *dest, size_t size);

void hs_caseindex_test (bool verbose);

#endif
