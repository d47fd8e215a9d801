/*  =========================================================================
    hs_flood - the flood limit: a token bucket per source unit
    =========================================================================
*/

#include "hs_flood.h"

typedef struct {
    double tokens;
    int64_t refilled;           //  zclock_mono () of the last refill
    double saved_tokens;        //  as the open transaction found it
    int64_t saved_refilled;
    bool touched;               //  the open transaction charged it
} s_bucket_t;

struct _hs_flood_t {
    hs_txn_t *txn;              //  borrowed
    zhashx_t *buckets;          //  unit -> s_bucket_t
    zlistx_t *touched;          //  the buckets the open transaction charged (borrowed)
    int64_t since;              //  what is read now arrived after this (zclock_mono)
};

static void
s_free (void **item)
{
    free (*item);
    *item = NULL;
}

static void
s_commit (void *arg)
{
    hs_flood_t *self = (hs_flood_t *) arg;
    for (s_bucket_t *bucket = (s_bucket_t *) zlistx_first (self->touched); bucket;
         bucket = (s_bucket_t *) zlistx_next (self->touched))
        bucket->touched = false;
    zlistx_purge (self->touched);
}

static void
s_abort (void *arg)
{
    hs_flood_t *self = (hs_flood_t *) arg;
    for (s_bucket_t *bucket = (s_bucket_t *) zlistx_first (self->touched); bucket;
         bucket = (s_bucket_t *) zlistx_next (self->touched)) {
        bucket->tokens = bucket->saved_tokens;
        bucket->refilled = bucket->saved_refilled;
        bucket->touched = false;
    }
    zlistx_purge (self->touched);
}

hs_flood_t *
hs_flood_new (hs_txn_t *txn)
{
    hs_flood_t *self = (hs_flood_t *) zmalloc (sizeof (hs_flood_t));
    self->txn = txn;
    self->buckets = zhashx_new ();
    zhashx_set_destructor (self->buckets, s_free);
    self->touched = zlistx_new ();
    self->since = INT64_MIN;
    hs_txn_participant_t participant = { "flood", NULL, s_commit, s_abort, NULL, self };
    hs_txn_join (txn, &participant);
    return self;
}

void
hs_flood_destroy (hs_flood_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_flood_t *self = *self_p;
        zlistx_destroy (&self->touched);
        zhashx_destroy (&self->buckets);
        free (self);
        *self_p = NULL;
    }
}

void hs_flood_window (hs_flood_t *self, int64_t since) { self->since = since; }

bool
hs_flood_refuse (hs_flood_t *self, const char *unit, int64_t rate, int64_t burst)
{
    int64_t now = hs_txn_mono (self->txn);
    //  (No window told, or a clock that went back: the window is now.)
    int64_t since = self->since == INT64_MIN || self->since > now? now: self->since;
    s_bucket_t *bucket = (s_bucket_t *) zhashx_lookup (self->buckets, unit);
    if (!bucket) {
        //  A new unit: full as the window began.
        bucket = (s_bucket_t *) zmalloc (sizeof (s_bucket_t));
        bucket->tokens = (double) burst;
        bucket->refilled = since;
        zhashx_insert (self->buckets, unit, bucket);
    }
    if (!bucket->touched) {
        bucket->saved_tokens = bucket->tokens;
        bucket->saved_refilled = bucket->refilled;
        bucket->touched = true;
        zlistx_add_end (self->touched, bucket);
    }
    //  As the bucket stood when the window began: capped at the burst.
    if (bucket->refilled < since) {
        bucket->tokens += (double) (since - bucket->refilled) * (double) rate / 1000.0;
        bucket->refilled = since;
        if (bucket->tokens > (double) burst)
            bucket->tokens = (double) burst;
    }
    //  Then what it earned in the window, uncapped: those messages came
    //  at any time since, and a unit under its rate had them to spend.
    if (now > bucket->refilled) {
        bucket->tokens += (double) (now - bucket->refilled) * (double) rate / 1000.0;
        bucket->refilled = now;
    }
    //  burst + rate * window at most: what a unit under its rate can have
    //  sent since the window began (leftovers of an earlier one included).
    double cap = (double) burst + (double) (now - since) * (double) rate / 1000.0;
    if (bucket->tokens > cap)
        bucket->tokens = cap;
    if (bucket->tokens >= 1) {
        bucket->tokens -= 1;
        return false;
    }
    return true;
}

//  ---------------------------------------------------------------------
//  Self test

typedef struct {
    hs_flood_t *flood;
    int messages;
    int refused;
    bool fail;
    const char *unit;
} s_test_t;

static int
s_test_work (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    test->refused = 0;
    for (int index = 0; index < test->messages; index++)
        test->refused += hs_flood_refuse (test->flood, test->unit, 1, 10);
    return test->fail? -1: 0;
}

void
hs_flood_test (bool verbose)
{
    if (verbose)
        printf (" * hs_flood: ");
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_flood", 0, 1);
    hs_config_t *config = fixture->config;
    hs_store_t *store = fixture->store;
    hs_bus_t *bus = fixture->bus;
    hs_txn_t *txn = fixture->txn;
    (void) config;
    (void) store;
    (void) bus;
    s_test_t test = { hs_flood_new (txn), 8, 0, true, "hrss" };
    //  Work that is not committed charges nothing, however often it runs.
    for (int round = 0; round < 3; round++)
        assert (hs_txn_run (txn, s_test_work, &test) == -1 && test.refused == 0);
    //  Committed, it charges: a burst of 10, then refusals.
    test.fail = false;
    assert (hs_txn_run (txn, s_test_work, &test) == 0 && test.refused == 0);
    assert (hs_txn_run (txn, s_test_work, &test) == 0 && test.refused == 6);

    //  What one drain reads arrived since the socket was last seen empty:
    //  100 s ago at 1 a second, a unit under its rate sent up to 10 + 100.
    test.unit = "street.wanli";
    hs_flood_window (test.flood, zclock_mono () - 100000);
    test.messages = 60;
    assert (hs_txn_run (txn, s_test_work, &test) == 0 && test.refused == 0);
    assert (hs_txn_run (txn, s_test_work, &test) == 0 && test.refused >= 9 && test.refused <= 11);
    //  ... and never more: the next window (now) starts it at the burst at most.
    hs_flood_window (test.flood, zclock_mono ());
    assert (hs_txn_run (txn, s_test_work, &test) == 0 && test.refused == 60);
    //  A unit first heard in a window that begins now: its burst.
    test.unit = "street.caoyang";
    assert (hs_txn_run (txn, s_test_work, &test) == 0 && test.refused == 50);
    hs_flood_destroy (&test.flood);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
