/*  =========================================================================
    hs_store_test - the store's self test (it stands in for hs_txn, the one
    owner of the write transaction, which is above the store)
    =========================================================================
*/

#include "hs_store.h"

//  The test stands in for hs_txn, which is above this class.
void
hs_store_test (bool verbose)
{
    if (verbose)
        printf (" * hs_store: ");
    char error [256];
    char *path = zsys_sprintf ("/tmp/hs_store_test.%d", getpid ());
    hs_store_t *store = hs_store_new (path, 1 << 20, 1 << 24, error, sizeof (error));
    assert (store);
    assert (hs_store_begin (store) == 0);
    uint64_t first = hs_store_next_seq (store);
    assert (first == 1);
    uint8_t key [8];
    hs_store_be64_put (key, first);
    assert (hs_store_put (store, HS_TABLE_EVENTS, key, 8, "hello", 5) == 0);
    assert (hs_store_put (store, HS_TABLE_DEDUP, "r/hrss/1", 8, key, 8) == 0);
    assert (hs_store_put (store, HS_TABLE_CASEINDEX, "cc/x", 4, "putuo-1", 7) == 0);
    assert (hs_store_commit (store) == 0);

    //  An aborted transaction leaves no trace and reuses no seq.
    assert (hs_store_begin (store) == 0);
    assert (hs_store_next_seq (store) == 2);
    assert (hs_store_put (store, HS_TABLE_DEDUP, "r/hrss/2", 8, key, 8) == 0);
    hs_store_abort (store);
    assert (hs_store_begin (store) == 0);
    const void *data;
    size_t size;
    assert (hs_store_get (store, HS_TABLE_DEDUP, "r/hrss/2", 8, &data, &size) == 1);
    assert (hs_store_get (store, HS_TABLE_DEDUP, "r/hrss/1", 8, &data, &size) == 0
         && size == 8 && hs_store_be64_get (data) == 1);
    assert (hs_store_get (store, HS_TABLE_CASEINDEX, "cc/x", 4, &data, &size) == 0
         && size == 7 && memcmp (data, "putuo-1", 7) == 0);
    assert (hs_store_del (store, HS_TABLE_CASEINDEX, "cc/x", 4) == 0);
    assert (hs_store_get (store, HS_TABLE_CASEINDEX, "cc/x", 4, &data, &size) == 1);
    assert (hs_store_deadletter_put (store, "bad", 3) == 0);
    assert (hs_store_commit (store) == 0);
    hs_store_destroy (&store);
    assert (!store);

    //  Reopened: the counter continues.
    store = hs_store_new (path, 1 << 20, 1 << 24, error, sizeof (error));
    assert (store);
    hs_store_stats_t stats;
    assert (hs_store_stats (store, &stats) == 0);
    assert (stats.next_seq == 2 && stats.events == 1 && stats.deadletters == 1);
    assert (stats.open_cases == 0);

    //  A full map is reported, grows, and the batch can be redone.
    assert (hs_store_begin (store) == 0);
    char blob [4096];
    memset (blob, 'x', sizeof (blob));
    int rc = 0;
    for (int index = 0; rc == 0 && index < 1000; index++)
    {
        hs_store_be64_put (key, hs_store_next_seq (store));
        rc = hs_store_put (store, HS_TABLE_EVENTS, key, 8, blob, sizeof (blob));
    }
    assert (rc == -1 && hs_store_map_full (store));
    hs_store_abort (store);
    assert (hs_store_grow (store) == 0);
    assert (hs_store_grow (store) == 0);
    assert (hs_store_begin (store) == 0);
    for (int index = 0; index < 500; index++)
    {
        hs_store_be64_put (key, hs_store_next_seq (store));
        assert (hs_store_put (store, HS_TABLE_EVENTS, key, 8, blob, sizeof (blob)) == 0);
    }
    assert (hs_store_commit (store) == 0);
    assert (hs_store_stats (store, &stats) == 0);
    assert (stats.events == 501 && stats.next_seq == 502);
    hs_store_destroy (&store);

    hs_store_remove (path);
    zstr_free (&path);
    if (verbose)
        printf ("OK\n");
}
