/*  =========================================================================
    hs_txn - the one owner of the write transaction

    The outbox holds each message end to end: topic size (1 byte), topic,
    body size (4 bytes, native order), body. It lives only between a
    work's first emit and its commit (or abort).
    =========================================================================
*/

#include "hs_txn.h"
#include "hs_ledger.h"
#include "hs_guard.h"
#include "hs_log.h"

struct _hs_txn_t {
    hs_store_t *store;          //  borrowed
    hs_clock_t *clock;          //  borrowed
    hs_bus_t *bus;              //  borrowed: where the outbox goes
    hs_txn_participant_t *participants;
    size_t participant_count;
    size_t participant_max;
    hs_pack_t *record;          //  an event record being encoded
    hs_pack_t *scratch;         //  lent to the work
    zchunk_t *outbox;           //  messages to publish after commit
    uint64_t outbox_seq;        //  the highest seq in the outbox
    uint64_t published_through; //  every event up to this seq has been sent
    uint64_t republish_upto;    //  the last run's last seq: resend up to it
    uint64_t last_sent;         //  the highest seq this run has published
    int64_t republish_at;       //  zclock_mono () of the resend, or 0
    bool fault_after_commit;    //  HUISHANGD_FAULT=after-commit
    bool open;                  //  inside a unit of work
    int64_t now;                //  the clock, read once per unit of work
    int64_t mono;               //  zclock_mono () when it began
    int64_t commit_us_last;     //  the last commit's duration
    int64_t commit_us_max;      //  the longest
    hs_histogram_t commit_seconds;
};

hs_txn_t *
hs_txn_new (hs_store_t *store, hs_clock_t *clock, hs_bus_t *bus)
{
    hs_txn_t *self = (hs_txn_t *) zmalloc (sizeof (hs_txn_t));
    self->store = store;
    self->clock = clock;
    self->bus = bus;
    self->record = hs_pack_new ();
    self->scratch = hs_pack_new ();
    self->outbox = zchunk_new (NULL, 64 * 1024);
    const double bounds [] = { 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1 };
    hs_metrics_histogram_init (&self->commit_seconds, bounds, 10);
    uint64_t next_seq = 1;
    if (hs_store_view_begin (store) == 0) {
        //  Until the resend at start, the mark stays where the last run left it.
        hs_store_meta_get (store, HS_META_PUBLISHED_THROUGH, 0, &self->published_through);
        hs_store_meta_get (store, HS_META_NEXT_SEQ, 1, &next_seq);
        hs_store_view_end (store);
    }
    self->republish_upto = next_seq - 1;
    //  What the last run committed but may not have sent goes out again a
    //  second after start, once subscribers have had time to reconnect.
    if (self->republish_upto > self->published_through)
        self->republish_at = zclock_mono () + 1000;
    else
        self->published_through = self->republish_upto;
    const char *fault = getenv ("HUISHANGD_FAULT");
    self->fault_after_commit = fault && streq (fault, "after-commit");
    return self;
}

void
hs_txn_destroy (hs_txn_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_txn_t *self = *self_p;
        zchunk_destroy (&self->outbox);
        hs_pack_destroy (&self->record);
        hs_pack_destroy (&self->scratch);
        free (self->participants);
        free (self);
        *self_p = NULL;
    }
}

void
hs_txn_join (hs_txn_t *self, const hs_txn_participant_t *participant)
{
    if (self->participant_count == self->participant_max) {
        self->participant_max = self->participant_max? self->participant_max * 2: 16;
        self->participants = (hs_txn_participant_t *) realloc (self->participants,
                              self->participant_max * sizeof (hs_txn_participant_t));
        assert (self->participants);
    }
    self->participants [self->participant_count++] = *participant;
}

void
hs_txn_leave (hs_txn_t *self, void *arg)
{
    size_t kept = 0;
    for (size_t index = 0; index < self->participant_count; index++)
        if (self->participants [index].arg != arg)
            self->participants [kept++] = self->participants [index];
    self->participant_count = kept;
}

hs_store_t *hs_txn_store (hs_txn_t *self) { return self->store; }
int64_t hs_txn_now (hs_txn_t *self) { return self->now; }
int64_t hs_txn_mono (hs_txn_t *self) { return self->mono; }
hs_pack_t *hs_txn_scratch (hs_txn_t *self) { return self->scratch; }
int64_t hs_txn_commit_us_last (hs_txn_t *self) { return self->commit_us_last; }
int64_t hs_txn_commit_us_max (hs_txn_t *self) { return self->commit_us_max; }
const hs_histogram_t *hs_txn_commit_seconds (hs_txn_t *self) { return &self->commit_seconds; }
int64_t hs_txn_republish_at (hs_txn_t *self) { return self->republish_at; }

uint64_t
hs_txn_next_seq (hs_txn_t *self)
{
    assert (self->open);
    return hs_store_next_seq (self->store);
}

uint64_t
hs_txn_peek_seq (hs_txn_t *self)
{
    return hs_store_peek_seq (self->store);
}

int
hs_txn_record (hs_txn_t *self, hs_event_t *event)
{
    assert (self->open);
    event->at = self->now;
    return hs_ledger_record (self->store, event, self->record);
}

int
hs_txn_emit (hs_txn_t *self, hs_event_t *event)
{
    if (hs_txn_record (self, event))
        return -1;
    size_t length = strlen (event->topic);
    assert (length <= HS_TOPIC_MAX);
    uint8_t topic_size = (uint8_t) length;
    uint32_t body_size = (uint32_t) event->body_size;
    zchunk_extend (self->outbox, &topic_size, 1);
    zchunk_extend (self->outbox, event->topic, topic_size);
    zchunk_extend (self->outbox, &body_size, 4);
    zchunk_extend (self->outbox, event->body, body_size);
    if (event->seq > self->outbox_seq)
        self->outbox_seq = event->seq;
    for (size_t index = 0; index < self->participant_count; index++)
        if (self->participants [index].emitted)
            self->participants [index].emitted (self->participants [index].arg, event->seq,
                                                event->topic);
    return 0;
}

static void
s_abort_all (hs_txn_t *self)
{
    for (size_t index = 0; index < self->participant_count; index++)
        if (self->participants [index].abort)
            self->participants [index].abort (self->participants [index].arg);
    zchunk_set (self->outbox, NULL, 0);
    self->outbox_seq = 0;
}

//  One attempt at a unit of work in one transaction. Returns 0 if it
//  committed, -1 if not (everything staged is dropped).
static int
s_attempt (hs_txn_t *self, hs_txn_work_fn *work, void *arg)
{
    zchunk_set (self->outbox, NULL, 0);
    self->outbox_seq = 0;
    if (hs_store_begin (self->store))
        return -1;
    self->open = true;
    //  Note how far publishing had got: what a crash between a commit and
    //  its publishing held back is sent again at the next start. (Written
    //  with the next commit, so no transaction of its own is needed.)
    int rc = hs_store_meta_put (self->store, HS_META_PUBLISHED_THROUGH, self->published_through);
    if (rc == 0)
        rc = work (arg);
    for (size_t index = 0; rc == 0 && index < self->participant_count; index++)
        if (self->participants [index].prepare)
            rc = self->participants [index].prepare (self->participants [index].arg);
    if (rc == 0)
        rc = hs_store_meta_put (self->store, HS_META_CLOCK, (uint64_t) self->now);
    self->open = false;
    if (rc)
        hs_store_abort (self->store);
    else {
        int64_t start = zclock_usecs ();
        rc = hs_store_commit (self->store);
        self->commit_us_last = zclock_usecs () - start;
        if (rc == 0)
            hs_metrics_observe (&self->commit_seconds, (double) self->commit_us_last / 1e6);
        if (self->commit_us_last > self->commit_us_max)
            self->commit_us_max = self->commit_us_last;
    }
    if (rc) {
        s_abort_all (self);
        return -1;
    }
    for (size_t index = 0; index < self->participant_count; index++)
        if (self->participants [index].commit)
            self->participants [index].commit (self->participants [index].arg);
    return 0;
}

int
hs_txn_run (hs_txn_t *self, hs_txn_work_fn *work, void *arg)
{
    assert (!self->open);
    self->now = hs_clock_now (self->clock);
    self->mono = zclock_mono ();
    int rc = s_attempt (self, work, arg);
    while (rc && hs_store_map_full (self->store) && hs_store_grow (self->store) == 0)
        rc = s_attempt (self, work, arg);
    if (rc)
        return -1;
    if (self->fault_after_commit && zchunk_size (self->outbox)) {
        hs_log_error ("hs_txn: HUISHANGD_FAULT=after-commit: dying between commit and publish");
        _exit (3);
    }
    //  Committed: now, and only now, tell the world.
    const uint8_t *next = zchunk_data (self->outbox);
    const uint8_t *end = next + zchunk_size (self->outbox);
    while (next < end) {
        const uint8_t *topic = next + 1;
        uint32_t body_size;
        memcpy (&body_size, topic + next [0], 4);
        hs_bus_publish_mem (self->bus, topic, next [0], topic + next [0] + 4, body_size);
        next = topic + next [0] + 4 + body_size;
    }
    zchunk_set (self->outbox, NULL, 0);
    if (self->outbox_seq > self->last_sent)
        self->last_sent = self->outbox_seq;
    if (self->republish_at == 0 && self->last_sent > self->published_through)
        self->published_through = self->last_sent;
    return 0;
}

//  Send again every published-type event after the last noted
//  published_through: at least once, subscribers deduplicate by seq.
typedef struct {
    hs_txn_t *self;
    uint64_t count;
} s_republish_t;

static int
s_republish_visit (uint64_t seq, const hs_event_read_t *event, void *arg)
{
    s_republish_t *republish = (s_republish_t *) arg;
    if (seq > republish->self->republish_upto)
        return 1;                       //  this run's own: already sent live
    if (event && hs_event_published (event->type)
    &&  !hs_proto_sound (event->body, event->body_size)) {
        //  Not what was stored (a byte changed inside it): not sent, said.
        char what [96];
        snprintf (what, sizeof (what), "event %llu's body is not what was stored: not sent again",
                  (unsigned long long) seq);
        hs_guard_damaged (what);
        return 0;
    }
    if (event && hs_event_published (event->type)) {
        hs_bus_publish_mem (republish->self->bus, event->topic, strlen (event->topic),
                            event->body, event->body_size);
        republish->count++;
    }
    return 0;
}

void
hs_txn_republish (hs_txn_t *self)
{
    self->republish_at = 0;
    uint64_t through = 0;
    if (hs_store_view_begin (self->store))
        return;
    hs_store_meta_get (self->store, HS_META_PUBLISHED_THROUGH, 0, &through);
    s_republish_t republish = { self, 0 };
    if (hs_ledger_walk_published (self->store, through + 1, s_republish_visit, &republish))
        hs_log_error ("hs_txn: the events after seq %llu could not all be read to send again",
                      (unsigned long long) through);
    hs_store_view_end (self->store);
    //  Everything up to the last run's end, and all this run sent, is out.
    if (self->republish_upto > self->published_through)
        self->published_through = self->republish_upto;
    if (self->last_sent > self->published_through)
        self->published_through = self->last_sent;
    if (republish.count)
        hs_log_notice ("hs_txn: sent again %llu events committed by the last run after seq %llu",
                       (unsigned long long) republish.count, (unsigned long long) through);
}

//  ---------------------------------------------------------------------
//  The fixture for self tests

hs_txn_fixture_t *
hs_txn_fixture_new (const char *name, int64_t start, double scale)
{
    hs_txn_fixture_t *self = (hs_txn_fixture_t *) zmalloc (sizeof (hs_txn_fixture_t));
    char error [256];
    self->path = zsys_sprintf ("/tmp/%s_test.%d", name, getpid ());
    self->config = hs_config_load (NULL, error, sizeof (error));
    assert (self->config);
    const char *kinds [] = { "ingest", "submit", "publish", "api" };
    char **endpoints [] = { &self->config->ingest, &self->config->submit,
                            &self->config->publish, &self->config->api };
    for (int index = 0; index < 4; index++) {
        char *endpoint = zsys_sprintf ("inproc://%s_test_%s", name, kinds [index]);
        hs_config_set (endpoints [index], endpoint);
        zstr_free (&endpoint);
    }
    hs_config_set (&self->config->store_path, self->path);
    self->store = hs_store_new (self->path, 1 << 20, 1 << 26, error, sizeof (error));
    assert (self->store);
    self->bus = hs_bus_new (self->config, error, sizeof (error));
    assert (self->bus);
    self->clock = hs_clock_new (start, scale);
    self->txn = hs_txn_new (self->store, self->clock, self->bus);
    return self;
}

zsock_t *
hs_txn_fixture_watch (hs_txn_fixture_t *self, const char *prefix)
{
    zsock_t *watcher = zsock_new_sub (self->config->publish, prefix);
    assert (watcher);
    zsock_set_rcvtimeo (watcher, 2000);
    //  Let the subscription reach the publisher before anything goes out.
    zclock_sleep (50);
    hs_bus_subscriptions (self->bus);
    return watcher;
}

void
hs_txn_fixture_destroy (hs_txn_fixture_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_txn_fixture_t *self = *self_p;
        hs_txn_destroy (&self->txn);
        hs_clock_destroy (&self->clock);
        hs_bus_destroy (&self->bus);
        hs_store_destroy (&self->store);
        hs_store_remove (self->path);
        hs_config_destroy (&self->config);
        zstr_free (&self->path);
        free (self);
        *self_p = NULL;
    }
}

//  ---------------------------------------------------------------------
//  Self test

typedef struct {
    hs_txn_t *txn;
    int fill;                   //  bytes of filler to write (to fill the map)
    int prepared, committed, aborted, emitted;
    int staged;                 //  what the work counted, staged
    int counted;                //  ... and what committed
} s_probe_t;

static int
s_probe_prepare (void *arg)
{
    ((s_probe_t *) arg)->prepared++;
    return 0;
}

static void
s_probe_commit (void *arg)
{
    s_probe_t *probe = (s_probe_t *) arg;
    probe->committed++;
    probe->counted += probe->staged;
    probe->staged = 0;
}

static void
s_probe_abort (void *arg)
{
    s_probe_t *probe = (s_probe_t *) arg;
    probe->aborted++;
    probe->staged = 0;
}

static void
s_probe_emitted (void *arg, uint64_t seq, const char *topic)
{
    (void) seq;
    (void) topic;
    ((s_probe_t *) arg)->emitted++;
}

static int
s_probe_work (void *arg)
{
    s_probe_t *probe = (s_probe_t *) arg;
    hs_pack_t *body = hs_txn_scratch (probe->txn);
    hs_pack_reset (body);
    hs_hello_encode ("probe", body);
    hs_event_t event = {
        .seq = hs_txn_next_seq (probe->txn), .type = "warning", .topic = "warning.test",
        .body = hs_pack_data (body), .body_size = hs_pack_size (body), .level = -1
    };
    if (hs_txn_emit (probe->txn, &event))
        return -1;
    probe->staged++;
    //  Filler that does not fit a small map: the map grows, the work is done again.
    char filler [4096];
    memset (filler, 'x', sizeof (filler));
    hs_store_t *store = hs_txn_store (probe->txn);
    for (int index = 0; index < probe->fill; index++) {
        char key [32];
        snprintf (key, sizeof (key), "fill-%d", index);
        if (hs_store_put (store, HS_TABLE_FEEDS, key, strlen (key), filler, sizeof (filler)))
            return -1;
    }
    return 0;
}

void
hs_txn_test (bool verbose)
{
    if (verbose)
        printf (" * hs_txn: ");
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_txn", 1780000000000LL, 1);
    hs_store_t *store = fixture->store;
    hs_bus_t *bus = fixture->bus;
    hs_clock_t *clock = fixture->clock;
    hs_txn_t *txn = fixture->txn;
    zsock_t *watcher = hs_txn_fixture_watch (fixture, "warning.");
    s_probe_t probe = { .txn = txn };
    hs_txn_participant_t participant = {
        "probe", s_probe_prepare, s_probe_commit, s_probe_abort, s_probe_emitted, &probe
    };
    hs_txn_join (txn, &participant);

    //  A unit of work commits, its participants follow, its event goes out.
    assert (hs_txn_run (txn, s_probe_work, &probe) == 0);
    assert (probe.prepared == 1 && probe.committed == 1 && probe.aborted == 0);
    assert (probe.counted == 1 && probe.emitted == 1);
    char *topic = zstr_recv (watcher);
    assert (topic && streq (topic, "warning.test"));
    zstr_free (&topic);
    zsock_flush (watcher);

    //  A map too small for the work: it grows and the work is redone; the
    //  participant counts the work once, the event goes out once, with the
    //  seq after the first.
    probe.fill = 600;
    assert (hs_txn_run (txn, s_probe_work, &probe) == 0);
    assert (probe.aborted >= 1 && probe.counted == 2);
    zmsg_t *msg = zmsg_recv (watcher);
    assert (msg && zmsg_size (msg) == 2);
    zframe_t *body = zmsg_last (msg);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0);
    msgpack_unpacked_destroy (&unpacked);
    zmsg_destroy (&msg);
    assert (hs_store_view_begin (store) == 0);
    hs_event_read_t event;
    assert (hs_ledger_event (store, 2, &event) == 0 && streq (event.type, "warning"));
    assert (hs_ledger_event (store, 3, &event) == 1);
    uint64_t through, clock_value;
    assert (hs_store_meta_get (store, HS_META_PUBLISHED_THROUGH, 0, &through) == 0 && through == 1);
    assert (hs_store_meta_get (store, HS_META_CLOCK, 0, &clock_value) == 0
         && (int64_t) clock_value >= 1780000000000LL);
    hs_store_view_end (store);

    hs_txn_destroy (&fixture->txn);
    assert (!fixture->txn);
    //  The mark on disk trails by one commit: a restart sends seq 2 again.
    txn = fixture->txn = hs_txn_new (store, clock, bus);
    assert (hs_txn_republish_at (txn) != 0);        //  seq 2's mark was not written yet
    hs_txn_republish (txn);
    topic = zstr_recv (watcher);
    assert (topic && streq (topic, "warning.test"));
    zstr_free (&topic);
    zsock_destroy (&watcher);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
