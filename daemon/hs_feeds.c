/*  =========================================================================
    hs_feeds - feeders: gaps in their fseq, and silence

    "Heard again" alone is written at most once a second per feeder (a
    restart may then see it up to a second earlier than it was).
    =========================================================================
*/

#include "hs_feeds.h"
#include "hs_log.h"

typedef struct {
    hs_feed_state_t state;
    int64_t saved_heard;        //  `heard` as last written to the store
} s_feed_t;

struct _hs_feeds_t {
    hs_txn_t *txn;              //  borrowed
    hs_notices_t *notices;      //  borrowed
    hs_config_t *config;        //  borrowed
    zhashx_t *feeds;            //  source unit -> s_feed_t
    bool dirty;                 //  the open transaction changed a feeder
    hs_pack_t *pack;            //  a state being written
};

static void
s_free (void **item)
{
    free (*item);
    *item = NULL;
}

static int
s_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    hs_feeds_t *self = (hs_feeds_t *) arg;
    s_feed_t *feed = (s_feed_t *) zmalloc (sizeof (s_feed_t));
    if (key_size <= HS_CODE_MAX && hs_feed_state_decode (data, size, &feed->state) == 0) {
        char source [HS_CODE_MAX + 1];
        memcpy (source, key, key_size);
        source [key_size] = 0;
        feed->saved_heard = feed->state.heard;
        zhashx_update (self->feeds, source, feed);
    }
    else
        free (feed);
    return 0;
}

static int
s_load (hs_feeds_t *self)
{
    zhashx_purge (self->feeds);
    hs_store_t *store = hs_txn_store (self->txn);
    if (hs_store_view_begin (store))
        return -1;
    int rc = hs_store_walk (store, HS_TABLE_FEEDS, NULL, 0, false, s_visit, self);
    hs_store_view_end (store);
    return rc;
}

static void
s_commit (void *arg)
{
    ((hs_feeds_t *) arg)->dirty = false;
}

//  Not committed: what is in memory may be ahead of the store; read back.
static void
s_abort (void *arg)
{
    hs_feeds_t *self = (hs_feeds_t *) arg;
    if (self->dirty && s_load (self))
        hs_log_error ("hs_feeds: the feeders' state could not be read back");
    self->dirty = false;
}

hs_feeds_t *
hs_feeds_new (hs_txn_t *txn, hs_notices_t *notices, hs_config_t *config)
{
    hs_feeds_t *self = (hs_feeds_t *) zmalloc (sizeof (hs_feeds_t));
    self->txn = txn;
    self->notices = notices;
    self->config = config;
    self->feeds = zhashx_new ();
    zhashx_set_destructor (self->feeds, s_free);
    self->pack = hs_pack_new ();
    if (s_load (self)) {
        hs_feeds_destroy (&self);
        return NULL;
    }
    hs_txn_participant_t participant = { "feeds", NULL, s_commit, s_abort, NULL, self };
    hs_txn_join (txn, &participant);
    return self;
}

void
hs_feeds_destroy (hs_feeds_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_feeds_t *self = *self_p;
        hs_txn_leave (self->txn, self);
        zhashx_destroy (&self->feeds);
        hs_pack_destroy (&self->pack);
        free (self);
        *self_p = NULL;
    }
}

void hs_feeds_set_config (hs_feeds_t *self, hs_config_t *config) { self->config = config; }
size_t hs_feeds_size (hs_feeds_t *self) { return zhashx_size (self->feeds); }

size_t
hs_feeds_silent (hs_feeds_t *self)
{
    size_t silent = 0;
    for (s_feed_t *feed = (s_feed_t *) zhashx_first (self->feeds); feed;
         feed = (s_feed_t *) zhashx_next (self->feeds))
        silent += feed->state.silent;
    return silent;
}

static int
s_save (hs_feeds_t *self, const char *source, s_feed_t *feed)
{
    self->dirty = true;
    feed->saved_heard = feed->state.heard;
    hs_pack_reset (self->pack);
    hs_feed_state_encode (&feed->state, self->pack);
    return hs_store_put (hs_txn_store (self->txn), HS_TABLE_FEEDS, source, strlen (source),
                         hs_pack_data (self->pack), hs_pack_size (self->pack));
}

static int
s_warn (hs_feeds_t *self, hs_warning_t *warning)
{
    const char *reasons [] = { "feed", NULL };
    warning->topic = "warning.feed";
    warning->category = -1;
    warning->units = hs_policy_recipients (hs_rules_policy (self->config->rules), HS_NOTICE_FEED);
    warning->reasons = reasons;
    return hs_notices_warning (self->notices, warning);
}

int
hs_feeds_heard (hs_feeds_t *self, const char *source, int64_t fseq, bool heartbeat)
{
    s_feed_t *feed = (s_feed_t *) zhashx_lookup (self->feeds, source);
    if (!feed) {
        feed = (s_feed_t *) zmalloc (sizeof (s_feed_t));
        zhashx_insert (self->feeds, source, feed);
    }
    hs_feed_state_t *state = &feed->state;
    bool changed = false;
    if (state->silent) {
        state->silent = false;
        changed = true;
        hs_warning_t warning = {
            .kind = "resumed", .source = source, .count = -1, .last_heard = state->heard
        };
        if (s_warn (self, &warning))
            return -1;
    }
    state->heard = hs_txn_now (self->txn);
    if (heartbeat && !state->beats) {
        state->beats = true;            //  opted in: its silence is watched from now on
        changed = true;
    }
    if (fseq > 0) {
        int64_t expected = state->fseq + 1;
        int64_t last_missing = heartbeat? fseq: fseq - 1;
        if (fseq == 1 && state->fseq > 1)
            hs_log_notice ("hs_feeds: feeder %s started counting again at 1", source);
        else
        if (last_missing >= expected) {
            hs_warning_t warning = {
                .kind = "gap", .source = source, .from = expected, .to = last_missing,
                .count = last_missing - expected + 1
            };
            if (s_warn (self, &warning))
                return -1;
            state->gap_at = state->heard;
            changed = true;
        }
        if (fseq > state->fseq || fseq == 1) {
            changed |= state->fseq != fseq;
            state->fseq = fseq;
        }
    }
    if (!changed && feed->saved_heard && state->heard - feed->saved_heard < 1000)
        return 0;
    return s_save (self, source, feed);
}

int
hs_feeds_silence (hs_feeds_t *self)
{
    int64_t now = hs_txn_now (self->txn);
    for (s_feed_t *feed = (s_feed_t *) zhashx_first (self->feeds); feed;
         feed = (s_feed_t *) zhashx_next (self->feeds)) {
        if (!feed->state.beats || feed->state.silent
        ||  feed->state.heard + self->config->silence_ms > now)
            continue;
        const char *source = (const char *) zhashx_cursor (self->feeds);
        feed->state.silent = true;
        hs_warning_t warning = {
            .kind = "silent", .source = source, .count = -1, .window_ms = self->config->silence_ms,
            .last_heard = feed->state.heard
        };
        if (s_warn (self, &warning) || s_save (self, source, feed))
            return -1;
    }
    return 0;
}

int64_t
hs_feeds_next_silence (hs_feeds_t *self)
{
    int64_t next = 0;
    for (s_feed_t *feed = (s_feed_t *) zhashx_first (self->feeds); feed;
         feed = (s_feed_t *) zhashx_next (self->feeds))
        if (feed->state.beats && !feed->state.silent
        &&  (next == 0 || feed->state.heard + self->config->silence_ms < next))
            next = feed->state.heard + self->config->silence_ms;
    return next;
}

//  Each feeder of the store's `feeds` table, read in the caller's view.
typedef struct {
    hs_health_feeder_t *rows;
    size_t max, count;
    int64_t now, silence_ms;
} s_list_t;

static int
s_list_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_list_t *list = (s_list_t *) arg;
    hs_feed_state_t state;
    if (list->count >= list->max)
        return 1;
    if (key_size == 0 || key_size > HS_CODE_MAX || hs_feed_state_decode (data, size, &state))
        return 0;
    hs_health_feeder_t *row = &list->rows [list->count++];
    memcpy (row->unit, key, key_size);
    row->unit [key_size] = 0;
    row->last = state.heard;
    row->state = state.silent? "silent":
                 state.gap_at && list->now - state.gap_at < list->silence_ms? "gap": "ok";
    return 0;
}

int
hs_feeds_list (hs_store_t *store, const hs_config_t *config, int64_t now,
               hs_health_feeder_t *rows, size_t max, size_t *count)
{
    s_list_t list = { rows, max, 0, now, config->silence_ms };
    int rc = hs_store_walk (store, HS_TABLE_FEEDS, NULL, 0, false, s_list_visit, &list);
    *count = list.count;
    return rc < 0? -1: 0;
}

//  ---------------------------------------------------------------------
//  Self test

typedef struct {
    hs_feeds_t *feeds;
    const char *source;
    int64_t fseq;
    bool heartbeat;
    bool fail;
} s_test_t;

static int
s_test_heard (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    if (hs_feeds_heard (test->feeds, test->source, test->fseq, test->heartbeat))
        return -1;
    return test->fail? -1: 0;
}

static int
s_test_silence (void *arg)
{
    return hs_feeds_silence (((s_test_t *) arg)->feeds);
}

//  The next warning.feed: its kind and source.
static void
s_test_expect (zsock_t *watcher, const char *kind, const char *source)
{
    zmsg_t *msg = zmsg_recv (watcher);
    assert (msg);
    zframe_t *body = zmsg_last (msg);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0);
    char text [HS_CODE_MAX + 1];
    assert (hs_proto_strcpy (hs_proto_get (&unpacked.data, "kind"), text, sizeof (text)) == 0);
    assert (streq (text, kind));
    assert (hs_proto_strcpy (hs_proto_get (&unpacked.data, "source"), text, sizeof (text)) == 0);
    assert (streq (text, source));
    msgpack_unpacked_destroy (&unpacked);
    zmsg_destroy (&msg);
}

void
hs_feeds_test (bool verbose)
{
    if (verbose)
        printf (" * hs_feeds: ");
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_feeds", 1780000000000LL, 100000);
    hs_config_t *config = fixture->config;
    hs_txn_t *txn = fixture->txn;
    config->silence_ms = 60000;
    zsock_t *watcher = hs_txn_fixture_watch (fixture, "warning.feed");
    zsock_set_rcvtimeo (watcher, 2000);
    hs_stats_t *stats = hs_stats_new (txn);
    hs_notices_t *notices = hs_notices_new (txn, stats);
    s_test_t test = { hs_feeds_new (txn, notices, config), "street.wanli", 1, false, false };
    assert (test.feeds);
    assert (hs_txn_run (txn, s_test_heard, &test) == 0);
    //  A jump from 1 to 5: 2..4 went missing.
    test.fseq = 5;
    assert (hs_txn_run (txn, s_test_heard, &test) == 0);
    zmsg_t *msg = zmsg_recv (watcher);
    assert (msg);
    zframe_t *body = zmsg_last (msg);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0);
    assert (hs_proto_int (&unpacked.data, "from", 0) == 2 && hs_proto_int (&unpacked.data, "to", 0) == 4);
    msgpack_unpacked_destroy (&unpacked);
    zmsg_destroy (&msg);
    //  The api's list says so for a while (feeds/silence), then ok again.
    hs_health_feeder_t rows [4];
    size_t count;
    hs_store_t *store = hs_txn_store (txn);
    int64_t now = hs_txn_now (txn);
    assert (hs_store_view_begin (store) == 0);
    assert (hs_feeds_list (store, config, now, rows, 4, &count) == 0 && count == 1);
    assert (streq (rows [0].unit, "street.wanli") && streq (rows [0].state, "gap")
            && rows [0].last > 0 && rows [0].last <= now);
    assert (hs_feeds_list (store, config, now + 60001, rows, 4, &count) == 0
            && streq (rows [0].state, "ok"));
    hs_store_view_end (store);
    //  Not committed: memory is put back to what the store holds, and the
    //  same jump is a gap again next time.
    test.fseq = 9;
    test.fail = true;
    assert (hs_txn_run (txn, s_test_heard, &test) == -1);
    assert (hs_feeds_size (test.feeds) == 1);
    test.fail = false;
    //  A feeder that only sends reports never opted in: its silence is
    //  not watched. The clock runs 100000 times fast: a minute passes in
    //  under a millisecond.
    assert (hs_feeds_next_silence (test.feeds) == 0);
    zclock_sleep (5);
    assert (hs_txn_run (txn, s_test_silence, &test) == 0);
    assert (hs_feeds_silent (test.feeds) == 0);
    //  One that sent a heartbeat did: silent once, past feeds/silence.
    test.source = "street.taopu";
    test.fseq = 0;
    test.heartbeat = true;
    assert (hs_txn_run (txn, s_test_heard, &test) == 0);
    assert (hs_feeds_next_silence (test.feeds) != 0);
    zclock_sleep (5);
    assert (hs_txn_run (txn, s_test_silence, &test) == 0);
    assert (hs_txn_run (txn, s_test_silence, &test) == 0);
    assert (hs_feeds_silent (test.feeds) == 1 && hs_feeds_next_silence (test.feeds) == 0);
    s_test_expect (watcher, "silent", "street.taopu");
    assert (hs_store_view_begin (store) == 0);
    assert (hs_feeds_list (store, config, hs_txn_now (txn), rows, 4, &count) == 0 && count == 2);
    assert (streq (rows [0].unit, "street.taopu") && streq (rows [0].state, "silent"));
    assert (hs_feeds_list (store, config, hs_txn_now (txn), rows, 1, &count) == 0 && count == 1);
    hs_store_view_end (store);
    hs_feeds_destroy (&test.feeds);
    //  Read back from the store as it was left, the opt-in too: heard
    //  again (a report now), it is watched again.
    test.feeds = hs_feeds_new (txn, notices, config);
    assert (hs_feeds_size (test.feeds) == 2 && hs_feeds_silent (test.feeds) == 1);
    test.heartbeat = false;
    assert (hs_txn_run (txn, s_test_heard, &test) == 0);
    s_test_expect (watcher, "resumed", "street.taopu");
    assert (hs_feeds_silent (test.feeds) == 0 && hs_feeds_next_silence (test.feeds) != 0);
    hs_feeds_destroy (&test.feeds);
    hs_notices_destroy (&notices);
    hs_stats_destroy (&stats);
    zsock_destroy (&watcher);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
