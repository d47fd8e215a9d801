/*  =========================================================================
    hs_deadletters - rejected messages kept in a bounded ring

    The table's keys grow (hs_store_deadletter_put numbers them), so the
    oldest is always the first: a cursor's first step, no index needed.
    =========================================================================
*/

#include "hs_deadletters.h"
#include "hs_log.h"

#define EVICT_MAX   64          //  oldest records dropped per put, at most (an old,
                                //  larger table shrinks over many puts, not at once)

typedef struct {
    uint64_t count;             //  records in the ring
    uint64_t bytes;             //  their bytes (values only)
} s_size_t;

struct _hs_deadletters_t {
    hs_txn_t *txn;              //  borrowed
    hs_stats_t *stats;          //  borrowed
    bool loaded;                //  the size has been learned from the table
    s_size_t size;              //  as the open transaction sees it
    s_size_t saved;             //  as last committed
    uint64_t written;           //  bytes put by the open transaction
    bool touched;               //  the open transaction changed the ring
    bool saved_loaded;          //  `loaded` as last committed
    bool warned;                //  the reserve was hit (logged once a spell)
};

static void
s_commit (void *arg)
{
    hs_deadletters_t *self = (hs_deadletters_t *) arg;
    self->saved = self->size;
    self->saved_loaded = self->loaded;
    self->written = 0;
    self->touched = false;
}

static void
s_abort (void *arg)
{
    hs_deadletters_t *self = (hs_deadletters_t *) arg;
    if (self->touched) {
        self->size = self->saved;
        self->loaded = self->saved_loaded;
    }
    self->written = 0;
    self->touched = false;
}

hs_deadletters_t *
hs_deadletters_new (hs_txn_t *txn, hs_stats_t *stats)
{
    hs_deadletters_t *self = (hs_deadletters_t *) zmalloc (sizeof (hs_deadletters_t));
    self->txn = txn;
    self->stats = stats;
    hs_txn_participant_t participant = { "deadletters", NULL, s_commit, s_abort, NULL, self };
    hs_txn_join (txn, &participant);
    return self;
}

void
hs_deadletters_destroy (hs_deadletters_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        free (*self_p);
        *self_p = NULL;
    }
}

uint64_t hs_deadletters_count (hs_deadletters_t *self) { return self->saved.count; }
uint64_t hs_deadletters_bytes (hs_deadletters_t *self) { return self->saved.bytes; }

static int
s_add_size (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) key; (void) key_size; (void) data;
    s_size_t *total = (s_size_t *) arg;
    total->count++;
    total->bytes += size;
    return 0;
}

//  The oldest record: its key and size.
typedef struct {
    uint8_t key [8];
    size_t key_size;
    size_t size;
    bool found;
} s_oldest_t;

static int
s_first (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) data;
    s_oldest_t *oldest = (s_oldest_t *) arg;
    oldest->key_size = key_size < sizeof (oldest->key)? key_size: sizeof (oldest->key);
    memcpy (oldest->key, key, oldest->key_size);
    oldest->size = size;
    oldest->found = true;
    return 1;
}

int
hs_deadletters_put (hs_deadletters_t *self, const void *data, size_t size,
                    int64_t max, int64_t bytes, int64_t reserve)
{
    hs_store_t *store = hs_txn_store (self->txn);
    if (!self->touched) {
        self->saved = self->size;
        self->saved_loaded = self->loaded;
        self->touched = true;
    }
    if (!self->loaded) {
        //  Once: what the table holds (bounded by the ring, or an old store's).
        memset (&self->size, 0, sizeof (self->size));
        if (hs_store_walk (store, HS_TABLE_DEADLETTER, NULL, 0, false, s_add_size, &self->size))
            return -1;
        self->loaded = true;
    }
    int64_t room = hs_store_room (store) - (int64_t) self->written;
    if (room < reserve || (int64_t) size > bytes || max == 0) {
        hs_stats_count (self->stats, HS_STAT_DEADLETTERS_SKIPPED, 1);
        if (!self->warned && room < reserve) {
            hs_log_warning ("hs_deadletters: the map has %lld bytes of room, less than "
                            "store/deadletter_reserve (%lld): rejected messages are counted, "
                            "not kept", (long long) room, (long long) reserve);
            self->warned = true;
        }
        return 0;
    }
    self->warned = false;
    for (int evicted = 0; evicted < EVICT_MAX && self->size.count
         && ((int64_t) self->size.count + 1 > max || (int64_t) (self->size.bytes + size) > bytes);
         evicted++) {
        s_oldest_t oldest = { .found = false };
        if (hs_store_walk (store, HS_TABLE_DEADLETTER, NULL, 0, false, s_first, &oldest))
            return -1;
        if (!oldest.found) {
            memset (&self->size, 0, sizeof (self->size));
            break;
        }
        if (hs_store_del (store, HS_TABLE_DEADLETTER, oldest.key, oldest.key_size))
            return -1;
        self->size.count--;
        self->size.bytes -= oldest.size < self->size.bytes? oldest.size: self->size.bytes;
        hs_stats_count (self->stats, HS_STAT_DEADLETTERS_DROPPED, 1);
    }
    if ((int64_t) self->size.count + 1 > max || (int64_t) (self->size.bytes + size) > bytes) {
        //  Still over (an old table, shrinking): this one is not kept.
        hs_stats_count (self->stats, HS_STAT_DEADLETTERS_SKIPPED, 1);
        return 0;
    }
    if (hs_store_deadletter_put (store, data, size))
        return -1;
    self->size.count++;
    self->size.bytes += size;
    self->written += size;
    return 0;
}

//  ---------------------------------------------------------------------
//  Self test

typedef struct {
    hs_deadletters_t *ring;
    int puts;
    size_t size;
    int64_t max, bytes, reserve;
    bool fail;
} s_test_t;

static int
s_test_work (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    char record [2048];
    for (int index = 0; index < test->puts; index++) {
        memset (record, 'a' + index % 26, sizeof (record));
        if (hs_deadletters_put (test->ring, record, test->size, test->max, test->bytes, test->reserve))
            return -1;
    }
    return test->fail? -1: 0;
}

static uint64_t
s_table (hs_txn_fixture_t *fixture)
{
    uint64_t count = 0;
    hs_store_view_begin (fixture->store);
    hs_store_count (fixture->store, HS_TABLE_DEADLETTER, &count);
    hs_store_view_end (fixture->store);
    return count;
}

void
hs_deadletters_test (bool verbose)
{
    if (verbose)
        printf (" * hs_deadletters: ");
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_deadletters", 0, 1);
    hs_stats_t *stats = hs_stats_new (fixture->txn);
    hs_deadletters_t *ring = hs_deadletters_new (fixture->txn, stats);
    //  A ring of 10 records: 25 puts keep the last 10, the oldest dropped.
    s_test_t test = { ring, 25, 100, 10, 1 << 20, 0, false };
    assert (hs_txn_run (fixture->txn, s_test_work, &test) == 0);
    assert (hs_deadletters_count (ring) == 10 && s_table (fixture) == 10);
    assert (hs_deadletters_bytes (ring) == 1000);
    assert (hs_stats_get (stats, HS_STAT_DEADLETTERS_DROPPED) == 15);
    //  Work not committed changes nothing.
    test.fail = true;
    assert (hs_txn_run (fixture->txn, s_test_work, &test) == -1);
    assert (hs_deadletters_count (ring) == 10 && s_table (fixture) == 10);
    assert (hs_stats_get (stats, HS_STAT_DEADLETTERS_DROPPED) == 15);
    //  By bytes: 2000 bytes of 1000-byte records holds 2.
    test.fail = false;
    test.size = 1000;
    test.bytes = 2000;
    test.puts = 3;
    assert (hs_txn_run (fixture->txn, s_test_work, &test) == 0);
    assert (hs_deadletters_count (ring) == 2 && s_table (fixture) == 2);
    //  A ring learns its size from the table, as after a restart.
    hs_deadletters_t *again = hs_deadletters_new (fixture->txn, stats);
    test.ring = again;
    test.puts = 1;
    assert (hs_txn_run (fixture->txn, s_test_work, &test) == 0);
    assert (hs_deadletters_count (again) == 2 && s_table (fixture) == 2);
    //  Below the reserve of room in the map: not kept, counted.
    test.reserve = INT64_MAX;
    test.puts = 5;
    assert (hs_txn_run (fixture->txn, s_test_work, &test) == 0);
    assert (s_table (fixture) == 2);
    assert (hs_stats_get (stats, HS_STAT_DEADLETTERS_SKIPPED) == 5);
    hs_deadletters_destroy (&again);
    hs_deadletters_destroy (&ring);
    hs_stats_destroy (&stats);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
