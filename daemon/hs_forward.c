/*  =========================================================================
    hs_forward - a district forwarding to its city (the upstream section)

    The queue holds the seqs of committed events still to go up; the head
    is the one outstanding. Events a unit of work emits join the tail as
    they are emitted, and leave it again if the work is not committed.
    =========================================================================
*/

#include "hs_forward.h"
#include "hs_ledger.h"
#include "hs_guard.h"
#include "hs_log.h"

struct _hs_forward_t {
    hs_txn_t *txn;              //  borrowed
    hs_config_t *config;        //  borrowed: district, upstream/*
    hs_upstream_t *upstream;    //  the link
    zcert_t *cert;              //  ours up there, with security on
    zlistx_t *topics;           //  topic prefixes forwarded (char *)
    uint64_t *queue;            //  seqs of events still to go up
    size_t head, tail, max;
    size_t staged_tail;         //  the tail when the transaction began
    bool staging;               //  the open transaction has pushed
    uint64_t through;           //  every forwardable event up to it is upstream
    uint64_t fseq;              //  messages stored upstream so far (their fseq)
    uint64_t saved_through, saved_fseq;     //  as last committed
    uint64_t staged_through;    //  what the open transaction writes
    uint64_t stored, refused;
    hs_pack_t *pack;            //  the message going up
};

static bool
s_forwardable (hs_forward_t *self, const char *topic)
{
    for (const char *prefix = (const char *) zlistx_first (self->topics); prefix;
         prefix = (const char *) zlistx_next (self->topics))
        if (strncmp (topic, prefix, strlen (prefix)) == 0)
            return true;
    return false;
}

static void
s_push (hs_forward_t *self, uint64_t seq)
{
    if (self->head > 0 && self->head == self->tail)
        self->head = self->tail = self->staged_tail = 0;
    if (self->tail == self->max) {
        self->max = self->max? self->max * 2: 64;
        self->queue = (uint64_t *) realloc (self->queue, self->max * sizeof (uint64_t));
        assert (self->queue);
    }
    self->queue [self->tail++] = seq;
}

static void
s_emitted (void *arg, uint64_t seq, const char *topic)
{
    hs_forward_t *self = (hs_forward_t *) arg;
    if (!s_forwardable (self, topic))
        return;
    if (!self->staging) {
        self->staging = true;
        self->staged_tail = self->tail;
    }
    s_push (self, seq);
}

//  The marks go in the transaction when they moved, not with every one.
static int
s_prepare (void *arg)
{
    hs_forward_t *self = (hs_forward_t *) arg;
    hs_store_t *store = hs_txn_store (self->txn);
    self->staged_through = self->through;
    //  Nothing waits to go up: everything committed so far is up (once
    //  this commits: an aborted transaction's seqs are given again).
    if (self->head == self->tail && !hs_upstream_busy (self->upstream))
        self->staged_through = hs_txn_peek_seq (self->txn) - 1;
    if (self->staged_through != self->saved_through || self->fseq != self->saved_fseq)
        return hs_store_meta_put (store, HS_META_FORWARDED_THROUGH, self->staged_through)
            || hs_store_meta_put (store, HS_META_FORWARD_FSEQ, self->fseq)? -1: 0;
    return 0;
}

static void
s_commit (void *arg)
{
    hs_forward_t *self = (hs_forward_t *) arg;
    self->through = self->staged_through;
    self->saved_through = self->staged_through;
    self->saved_fseq = self->fseq;
    self->staging = false;
}

static void
s_abort (void *arg)
{
    hs_forward_t *self = (hs_forward_t *) arg;
    if (self->staging)
        self->tail = self->staged_tail;
    self->staging = false;
}

static int
s_scan_visit (uint64_t seq, const hs_event_read_t *event, void *arg)
{
    hs_forward_t *self = (hs_forward_t *) arg;
    if (event && s_forwardable (self, event->topic))
        s_push (self, seq);
    return 0;
}

hs_forward_t *
hs_forward_new (hs_txn_t *txn, hs_config_t *config, char *error, size_t error_size)
{
    hs_forward_t *self = (hs_forward_t *) zmalloc (sizeof (hs_forward_t));
    self->txn = txn;
    self->config = config;
    self->pack = hs_pack_new ();
    self->topics = zlistx_new ();
    zlistx_set_destructor (self->topics, (zlistx_destructor_fn *) zstr_free);
    char **topics = hs_zpl_words (config->upstream_topics, NULL);
    for (char **topic = topics; *topic; topic++)
        zlistx_add_end (self->topics, strdup (*topic));
    hs_zpl_words_free (&topics);
    const char *server_key = NULL;
    zcert_t *server = NULL;
    //  CURVE up there whenever we have a certificate for it, whatever our
    //  own sockets do.
    if (config->upstream_cert || config->upstream_server_cert) {
        self->cert = config->upstream_cert? zcert_load (config->upstream_cert): NULL;
        server = config->upstream_server_cert? zcert_load (config->upstream_server_cert): NULL;
        if (!self->cert || !*zcert_secret_txt (self->cert)
        ||  streq (zcert_secret_txt (self->cert), "0000000000000000000000000000000000000000")
        ||  !server) {
            snprintf (error, error_size, "upstream/cert and upstream/server_cert must name our "
                      "certificate (with its _secret file) and the upper daemon's public one "
                      "(%s, %s)", config->upstream_cert? config->upstream_cert: "unset",
                      config->upstream_server_cert? config->upstream_server_cert: "unset");
            zcert_destroy (&server);
            hs_forward_destroy (&self);
            return NULL;
        }
        server_key = zcert_public_txt (server);
    }
    self->upstream = hs_upstream_new (config->upstream_submit, config->upstream_timeout_ms,
                                      self->cert, server_key);
    zcert_destroy (&server);
    hs_store_t *store = hs_txn_store (txn);
    int rc = hs_store_view_begin (store);
    if (rc == 0) {
        hs_store_meta_get (store, HS_META_FORWARDED_THROUGH, 0, &self->through);
        hs_store_meta_get (store, HS_META_FORWARD_FSEQ, 0, &self->fseq);
        rc = hs_ledger_walk (store, self->through + 1, false, s_scan_visit, self);
        hs_store_view_end (store);
    }
    if (rc) {
        snprintf (error, error_size, "cannot read the events still to go up to %s",
                  config->upstream_submit);
        hs_forward_destroy (&self);
        return NULL;
    }
    self->saved_through = self->through;
    self->saved_fseq = self->fseq;
    if (self->tail)
        hs_log_notice ("hs_forward: %zu events wait to go up to %s", self->tail,
                       config->upstream_submit);
    hs_txn_participant_t participant = { "forward", s_prepare, s_commit, s_abort, s_emitted, self };
    hs_txn_join (txn, &participant);
    return self;
}

void
hs_forward_destroy (hs_forward_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_forward_t *self = *self_p;
        hs_upstream_destroy (&self->upstream);
        zcert_destroy (&self->cert);
        zlistx_destroy (&self->topics);
        hs_pack_destroy (&self->pack);
        free (self->queue);
        free (self);
        *self_p = NULL;
    }
}

zsock_t *hs_forward_socket (hs_forward_t *self) { return hs_upstream_socket (self->upstream); }
int64_t hs_forward_wait_ms (hs_forward_t *self) { return hs_upstream_wait_ms (self->upstream); }
uint64_t hs_forward_stored (hs_forward_t *self) { return self->stored; }
uint64_t hs_forward_refused (hs_forward_t *self) { return self->refused; }
uint64_t hs_forward_retries (hs_forward_t *self) { return hs_upstream_retries (self->upstream); }
uint64_t hs_forward_backlog (hs_forward_t *self) { return self->tail - self->head; }

//  Build the message that carries event `seq` up into self->pack.
//  Returns 0, 1 if there is nothing to send for it, -1 if the store failed.
static int
s_build (hs_forward_t *self, uint64_t seq, char *topic, size_t topic_size)
{
    hs_store_t *store = hs_txn_store (self->txn);
    if (hs_store_view_begin (store))
        return -1;
    hs_event_read_t event;
    int rc = hs_ledger_event (store, seq, &event);
    if (rc == 0 && !hs_proto_sound (event.body, event.body_size)) {
        char what [96];
        snprintf (what, sizeof (what), "event %llu's body is not what was stored: not sent up",
                  (unsigned long long) seq);
        hs_guard_damaged (what);
        rc = 1;
    }
    if (rc == 0) {
        char id [HS_ID_MAX + 1];
        snprintf (id, sizeof (id), "%s-%llu", self->config->district, (unsigned long long) seq);
        hs_forwarded_t forwarded = {
            .id = id, .unit = self->config->upstream_unit, .district = self->config->district,
            .event_topic = event.topic, .fseq = (int64_t) self->fseq + 1, .now = event.at
        };
        rc = hs_forwarded_encode (&forwarded, event.body, event.body_size, topic, topic_size,
                                  self->pack);
        if (rc < 0) {
            hs_log_error ("hs_forward: event %llu cannot be read: it will not go up",
                          (unsigned long long) seq);
            rc = 1;
        }
    }
    else
        rc = rc < 0? -1: 1;
    hs_store_view_end (store);
    return rc;
}

void
hs_forward_tick (hs_forward_t *self)
{
    uint64_t seq;
    char reason [300];
    bool reopened;
    hs_upstream_result_t result = hs_upstream_poll (self->upstream, &seq, reason, sizeof (reason),
                                                    &reopened);
    if (result != HS_UPSTREAM_NOTHING) {
        assert (self->head < self->tail && self->queue [self->head] == seq);
        self->head++;
        self->fseq++;
        self->through = seq;
        if (result == HS_UPSTREAM_STORED)
            self->stored++;
        else {
            self->refused++;
            hs_log_error ("hs_forward: %s refused event %llu, which will not go up: %s",
                          self->config->upstream_submit, (unsigned long long) seq, reason);
        }
    }
    //  Between transactions, everything in the queue is committed.
    while (!hs_upstream_busy (self->upstream) && self->head < self->tail) {
        char topic [HS_TOPIC_MAX + 1];
        seq = self->queue [self->head];
        int rc = s_build (self, seq, topic, sizeof (topic));
        if (rc < 0)
            break;                      //  the store: try again next turn
        if (rc == 0)
            hs_upstream_send (self->upstream, topic, hs_pack_data (self->pack),
                              hs_pack_size (self->pack), seq);
        else
            self->head++;               //  nothing to send for it
    }
}

//  ---------------------------------------------------------------------
//  Self test: an escalation goes up as a report, once, and the marks move.

static int
s_test_emit (void *arg)
{
    hs_txn_t *txn = (hs_txn_t *) arg;
    const char *units [] = { "hrss", NULL };
    const char *reasons [] = { "critical.workers", NULL };
    hs_escalation_t escalation = {
        .seq = hs_txn_next_seq (txn), .to = "city", .from = "putuo", .case_id = "putuo-1",
        .level = HS_LEVEL_CRITICAL, .category = HS_CATEGORY_LAYOFF, .street = "street.caoyang",
        .enterprise = "某厂", .workers = 150, .amount = -1, .units = units, .reasons = reasons,
        .at = hs_txn_now (txn)
    };
    hs_pack_t *body = hs_txn_scratch (txn);
    hs_pack_reset (body);
    hs_escalation_encode (&escalation, body);
    hs_event_t event = {
        .seq = escalation.seq, .type = "escalate", .topic = "escalate.city", .case_id = "putuo-1",
        .body = hs_pack_data (body), .body_size = hs_pack_size (body), .level = -1
    };
    return hs_txn_emit (txn, &event);
}

static int
s_test_nothing (void *arg)
{
    (void) arg;
    return 0;
}

void
hs_forward_test (bool verbose)
{
    if (verbose)
        printf (" * hs_forward: ");
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_forward", 1780000000000LL, 1);
    hs_config_t *config = fixture->config;
    hs_config_set (&config->upstream_submit, "inproc://hs_forward_test_city");
    hs_config_set (&config->upstream_unit, "street.putuo");
    zsock_t *city = zsock_new_router ("inproc://hs_forward_test_city");
    assert (city);
    zsock_set_rcvtimeo (city, 2000);
    char error [256];
    hs_forward_t *forward = hs_forward_new (fixture->txn, config, error, sizeof (error));
    assert (forward && hs_forward_backlog (forward) == 0);
    assert (hs_txn_run (fixture->txn, s_test_emit, fixture->txn) == 0);
    assert (hs_forward_backlog (forward) == 1);
    hs_forward_tick (forward);
    zmsg_t *msg = zmsg_recv (city);
    assert (msg && zmsg_size (msg) == 4);
    zframe_t *identity = zmsg_pop (msg);
    zframe_t *delimiter = zmsg_pop (msg);
    char *topic = zmsg_popstr (msg);
    assert (streq (topic, "report.street.putuo"));
    zstr_free (&topic);
    zmsg_destroy (&msg);
    //  The city stored it: forwarding moves on.
    hs_pack_t *pack = hs_pack_new ();
    hs_submit_reply_t reply = { .status = HS_SUBMIT_OK, .seq = 7 };
    hs_submit_reply_encode (&reply, pack);
    msg = zmsg_new ();
    zmsg_append (msg, &identity);
    zmsg_append (msg, &delimiter);
    zmsg_addstr (msg, "ok");
    zmsg_addmem (msg, hs_pack_data (pack), hs_pack_size (pack));
    zmsg_send (&msg, city);
    for (int tries = 0; tries < 100 && hs_forward_stored (forward) == 0; tries++) {
        zclock_sleep (10);
        hs_forward_tick (forward);
    }
    assert (hs_forward_stored (forward) == 1 && hs_forward_backlog (forward) == 0);
    //  The next commit writes where forwarding got.
    assert (hs_txn_run (fixture->txn, s_test_nothing, NULL) == 0);
    uint64_t through, fseq;
    assert (hs_store_view_begin (fixture->store) == 0);
    assert (hs_store_meta_get (fixture->store, HS_META_FORWARDED_THROUGH, 0, &through) == 0);
    assert (hs_store_meta_get (fixture->store, HS_META_FORWARD_FSEQ, 0, &fseq) == 0);
    hs_store_view_end (fixture->store);
    assert (through == 1 && fseq == 1);
    hs_pack_destroy (&pack);
    hs_forward_destroy (&forward);
    zsock_destroy (&city);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
