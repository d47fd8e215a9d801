/*  =========================================================================
    hs_rekey - store formats 4, 5 and 8: records moved to their current keys
    =========================================================================
*/

#include "hs_rekey.h"
#include "hs_idkey.h"
#include "hs_caseindex.h"
#include "hs_ledger.h"
#include "hs_log.h"

static const struct {
    hs_table_t table;
    hs_idkey_map_fn *map;
    uint64_t format;                    //  the format whose keys these are
    const char *what;                   //  for the log
} s_tables [] = {
    { HS_TABLE_CASES, hs_idkey_map, 4, "keyed in numeric order" },
    { HS_TABLE_HISTORY, hs_ledger_history_map, 4, "keyed in numeric order" },
    { HS_TABLE_MEETINGS, hs_idkey_map, 4, "keyed in numeric order" },
    { HS_TABLE_CASEINDEX, hs_caseindex_map, 5, "keyed beside their enterprise's window" }
};

//  The store's format as committed. Returns 0 or -1.
static int
s_format (hs_store_t *store, uint64_t *format)
{
    if (hs_store_view_begin (store))
        return -1;
    int rc = hs_store_meta_get (store, HS_META_FORMAT, 0, format);
    hs_store_view_end (store);
    return rc;
}

int
hs_rekey_store (hs_txn_t *txn)
{
    hs_store_t *store = hs_txn_store (txn);
    uint64_t format = 0;
    int rc = s_format (store, &format);
    for (size_t index = 0; rc == 0 && index < sizeof (s_tables) / sizeof (s_tables [0]); index++) {
        if (format >= s_tables [index].format)
            continue;
        hs_idkey_move_t move = { .store = store, .table = s_tables [index].table,
                                 .map = s_tables [index].map };
        size_t moved = 0;
        do {
            rc = hs_txn_run (txn, hs_idkey_move_work, &move);
            if (rc)
                break;
            moved += move.chunk;
            memcpy (move.from, move.next, move.next_size);  //  committed: on to the next
            move.from_size = move.next_size;
        } while (!move.done);
        if (rc == 0 && moved)
            hs_log_notice ("hs_rekey: %zu %s records %s (store format %llu)", moved,
                           hs_store_table_name (move.table), s_tables [index].what,
                           (unsigned long long) s_tables [index].format);
    }
    return rc;
}

int
hs_rekey_merge (hs_txn_t *txn)
{
    hs_store_t *store = hs_txn_store (txn);
    uint64_t format = 0;
    int rc = s_format (store, &format);
    if (rc || format >= 8)
        return rc;
    hs_caseindex_merge_t *merge = (hs_caseindex_merge_t *) zmalloc (sizeof (hs_caseindex_merge_t));
    merge->store = store;
    size_t merged = 0, dropped = 0;
    do {
        rc = hs_txn_run (txn, hs_caseindex_merge_work, merge);
        if (rc)
            break;
        merged += merge->chunk;
        dropped += merge->dropped;
        memcpy (merge->from, merge->next, merge->next_size);    //  committed: on to the next
        merge->from_size = merge->next_size;
    } while (!merge->done);
    free (merge);
    if (rc == 0 && (merged || dropped))
        hs_log_notice ("hs_rekey: %zu caseindex entries merged into one record an enterprise, "
                       "%zu dropped (store format 8)", merged, dropped);
    return rc;
}

//  ---------------------------------------------------------------------
//  Self test: a store keyed as format 3 keyed it is moved, whole, once.

static int
s_test_put (void *arg)
{
    hs_store_t *store = (hs_store_t *) arg;
    char id [HS_ID_MAX + 1];
    uint8_t key [HS_ID_MAX + 9];
    for (int number = 1; number <= 12; number++) {
        snprintf (id, sizeof (id), "putuo-%d", number);
        size_t size = strlen (id);
        memcpy (key, id, size + 1);
        hs_store_be64_put (key + size + 1, (uint64_t) number);
        if (hs_store_put (store, HS_TABLE_CASES, id, size, "case", 4)
        ||  hs_store_put (store, HS_TABLE_HISTORY, key, size + 9, "report", 6))
            return -1;
        snprintf (id, sizeof (id), "putuo-m%d", number);
        if (hs_store_put (store, HS_TABLE_MEETINGS, id, strlen (id), "meeting", 7))
            return -1;
    }
    //  Format 4's correlation keys, the category before the name.
    if (hs_store_put (store, HS_TABLE_CASEINDEX, "nm/street.wanli/layoff/甲厂", 29, "putuo-1", 7)
    ||  hs_store_put (store, HS_TABLE_CASEINDEX, "cc/91310107MA1G8F4X2X/injury", 28, "putuo-2", 7))
        return -1;
    return hs_store_put (store, HS_TABLE_CASES, "office", 6, "odd", 3)
        || hs_store_meta_put (store, HS_META_FORMAT, 3)? -1: 0;
}

typedef struct {
    zlistx_t *keys;             //  what each key names, in key order
    bool history;
} s_test_walk_t;

static int
s_test_keys (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) data;
    (void) size;
    s_test_walk_t *walk = (s_test_walk_t *) arg;
    zlistx_t *keys = walk->keys;
    char id [HS_ID_MAX + 1];
    uint64_t seq;
    if (walk->history) {
        assert (hs_ledger_history_parse (key, key_size, id, sizeof (id), &seq) == 0);
        uint8_t fresh [HS_IDKEY_MAX + 9];
        size_t fresh_size;
        assert (!hs_ledger_history_map (key, key_size, fresh, &fresh_size));
        zlistx_add_end (keys, zsys_sprintf ("%s/%llu", id, (unsigned long long) seq));
    }
    else {
        assert (hs_idkey_get (key, key_size, id, sizeof (id)) == 0);
        uint8_t fresh [HS_IDKEY_MAX];
        assert (hs_idkey_put (fresh, id) == key_size && memcmp (fresh, key, key_size) == 0);
        zlistx_add_end (keys, strdup (id));
    }
    return 0;
}

void
hs_rekey_test (bool verbose)
{
    if (verbose)
        printf (" * hs_rekey: ");
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_rekey", 1780000000000LL, 1);
    hs_store_t *store = fixture->store;
    assert (hs_txn_run (fixture->txn, s_test_put, store) == 0);
    assert (hs_rekey_store (fixture->txn) == 0);
    hs_table_t tables [] = { HS_TABLE_CASES, HS_TABLE_HISTORY, HS_TABLE_MEETINGS };
    const char *expected [] = { "putuo-9", "putuo-10", "putuo-9/9", "putuo-10/10", "putuo-m9",
                                "putuo-m10" };
    for (int index = 0; index < 3; index++) {
        zlistx_t *keys = zlistx_new ();
        zlistx_set_destructor (keys, (zlistx_destructor_fn *) zstr_free);
        s_test_walk_t walk = { keys, tables [index] == HS_TABLE_HISTORY };
        assert (hs_store_view_begin (store) == 0);
        assert (hs_store_walk (store, tables [index], NULL, 0, false, s_test_keys, &walk) == 0);
        hs_store_view_end (store);
        assert (zlistx_size (keys) == (index == 0? 13: 12));
        //  numeric order: 9 comes right before 10 ("office", a case id
        //  with no number, is first)
        char *key = (char *) zlistx_first (keys);
        for (int place = index == 0? 0: 1; place < 9; place++)
            key = (char *) zlistx_next (keys);
        assert (streq (key, expected [2 * index]));
        assert (streq ((char *) zlistx_next (keys), expected [2 * index + 1]));
        zlistx_destroy (&keys);
    }
    //  The correlation keys in format 5's form, their enterprise first,
    //  then (format 8) in their enterprise's record.
    uint64_t entries = 0;
    assert (hs_store_view_begin (store) == 0);
    assert (hs_store_count (store, HS_TABLE_CASEINDEX, &entries) == 0 && entries == 2);
    hs_store_view_end (store);
    assert (hs_rekey_merge (fixture->txn) == 0);
    char case_id [HS_ID_MAX + 1];
    assert (hs_store_view_begin (store) == 0);
    assert (hs_caseindex_case (store, "nm/street.wanli/甲厂", HS_CATEGORY_LAYOFF, case_id,
                               sizeof (case_id)) == 0 && streq (case_id, "putuo-1"));
    assert (hs_caseindex_case (store, "cc/91310107MA1G8F4X2X", HS_CATEGORY_INJURY, case_id,
                               sizeof (case_id)) == 0 && streq (case_id, "putuo-2"));
    assert (hs_store_count (store, HS_TABLE_CASEINDEX, &entries) == 0 && entries == 2);
    hs_store_view_end (store);
    //  Marked format 5, it is left alone; before, a second run moves nothing.
    assert (hs_rekey_store (fixture->txn) == 0);
    assert (hs_txn_run (fixture->txn, hs_store_format_work, store) == 0);
    assert (hs_rekey_store (fixture->txn) == 0);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
