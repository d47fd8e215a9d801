/*  =========================================================================
    hs_filing - the archive (档案): closed cases filed (归档) after a quiet
                period

    The filing's event is of type `filing` (published: case.filed), about
    the case, so the case's history holds it and replay carries it; the
    `filed` table (hs_filed) lists the filed cases in the order filed.
    =========================================================================
*/

#include "hs_filing.h"
#include "hs_cases.h"
#include "hs_filed.h"
#include "../protocol/hs_filing_msg.h"

struct _hs_filing_t {
    hs_txn_t *txn;              //  borrowed
    hs_timers_t *timers;        //  borrowed
    hs_config_t *config;        //  borrowed
    hs_case_t *kase;            //  the case being filed
    hs_pack_t *body;            //  a body being packed
    hs_pack_t *record;          //  a record being packed
};

hs_filing_t *
hs_filing_new (hs_txn_t *txn, hs_timers_t *timers, hs_config_t *config)
{
    hs_filing_t *self = (hs_filing_t *) zmalloc (sizeof (hs_filing_t));
    self->txn = txn;
    self->timers = timers;
    self->config = config;
    self->kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    self->body = hs_pack_new ();
    self->record = hs_pack_new ();
    return self;
}

void
hs_filing_destroy (hs_filing_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_filing_t *self = *self_p;
        free (self->kase);
        hs_pack_destroy (&self->body);
        hs_pack_destroy (&self->record);
        free (self);
        *self_p = NULL;
    }
}

void hs_filing_set_config (hs_filing_t *self, hs_config_t *config) { self->config = config; }

static const hs_policy_t *s_policy (hs_filing_t *self) { return hs_rules_policy (self->config->rules); }

int
hs_filing_closed (hs_filing_t *self, hs_case_t *kase)
{
    if (!self)
        return 0;
    int64_t now = hs_txn_now (self->txn);
    kase->closed_at = now;
    return hs_timers_move (self->timers, &kase->file_at, now + s_policy (self)->archive_quiet_ms,
                           HS_TIMER_FILING, kase->id);
}

int
hs_filing_reopened (hs_filing_t *self, hs_case_t *kase)
{
    if (!self)
        return 0;
    return hs_timers_move (self->timers, &kase->file_at, 0, HS_TIMER_FILING, kase->id);
}

int
hs_filing_refuse (const hs_case_t *kase, hs_why_t *why)
{
    if (!kase->filed)
        return 0;
    char when [32];
    time_t seconds = (time_t) (kase->filed / 1000);
    struct tm tm;
    gmtime_r (&seconds, &tm);
    strftime (when, sizeof (when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return hs_refuse (why, "case_filed", "case '%s' was filed (归档) at %s: it is settled; "
                      "a dispute that returns is a new report", kase->id, when);
}

int
hs_filing_timer (hs_filing_t *self, const hs_timer_t *timer)
{
    hs_store_t *store = hs_txn_store (self->txn);
    hs_case_t *kase = self->kase;
    int rc = hs_cases_load (store, timer->id, kase);
    if (rc)
        return rc < 0? -1: 0;
    if (kase->file_at != timer->due)
        return 0;                       //  taken back or set again since
    kase->file_at = 0;
    if (kase->stage == HS_STAGE_CLOSED && !kase->filed) {
        int64_t now = hs_txn_now (self->txn);
        kase->filed = now;
        if (hs_filed_put (store, now, kase->id))
            return -1;
        hs_filed_out_t out = {
            .seq = hs_txn_next_seq (self->txn), .case_id = kase->id,
            .level = hs_level_name (kase->level), .street = kase->street,
            .enterprise = kase->enterprise, .closed = kase->closed_at,
            .quiet_ms = timer->due - kase->closed_at, .reopened = kase->reopened,
            .to = hs_policy_recipients (s_policy (self), HS_NOTICE_FILED), .at = now
        };
        hs_pack_reset (self->body);
        hs_filed_out_encode (&out, self->body);
        hs_event_t event = {
            .seq = out.seq, .type = "filing", .topic = "case.filed", .case_id = kase->id,
            .body = hs_pack_data (self->body), .body_size = hs_pack_size (self->body),
            .level = -1
        };
        if (hs_txn_emit (self->txn, &event))
            return -1;
        kase->last_seq = out.seq;
    }
    return hs_cases_save (store, kase, self->record);
}

//  ---------------------------------------------------------------------
//  Self test

#include "hs_casework.h"

typedef struct {
    hs_casework_t *casework;
    hs_filing_t *filing;
    hs_timers_t *timers;
    hs_msg_t *msg;
    int rc;
    size_t filings;             //  filing timers taken
    hs_timer_t stale;
} s_test_t;

static int
s_test_stale (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    return hs_filing_timer (test->filing, &test->stale);
}

static int
s_test_update (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    test->rc = test->msg->kind == HS_MSG_UPDATE? hs_casework_update (test->casework, test->msg):
                                                  hs_casework_report (test->casework, test->msg);
    return test->rc < 0? -1: 0;
}

static int
s_test_clock (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    hs_timer_t taken [16];
    size_t count;
    if (hs_timers_take (test->timers, hs_txn_now (hs_casework_txn (test->casework)), taken, 16,
                        &count))
        return -1;
    for (size_t index = 0; index < count; index++) {
        bool filing = taken [index].kind == HS_TIMER_FILING;
        test->filings += filing;
        if (filing? hs_filing_timer (test->filing, &taken [index]):
                    hs_casework_timer (test->casework, &taken [index]))
            return -1;
    }
    return 0;
}

static const char *
s_test_send (s_test_t *test, hs_txn_t *txn, hs_pack_t *pack, const char *id, const char *source,
             int status)
{
    hs_casework_test_message (test->msg, pack, id, source, 0, status < 0? NULL: "putuo-1",
                              status < 0? 0: status);
    if (status < 0)
        test->msg->as.report.workers = 12;
    assert (hs_txn_run (txn, s_test_update, test) == 0);
    return test->rc? test->msg->why.code: NULL;
}

static void
s_test_load (hs_txn_fixture_t *fixture, hs_case_t *kase)
{
    assert (hs_store_view_begin (fixture->store) == 0);
    assert (hs_cases_load (fixture->store, "putuo-1", kase) == 0);
    hs_store_view_end (fixture->store);
}

static void s_test_settle_yes (void *arg) { hs_timers_settle ((hs_timers_t *) arg, true); }
static void s_test_settle_no (void *arg) { hs_timers_settle ((hs_timers_t *) arg, false); }

void
hs_filing_test (bool verbose)
{
    if (verbose)
        printf (" * hs_filing: ");
    //  An hour a millisecond: the shipped quiet period (7d) is 168 ms.
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_filing", 1780000000000LL, 3600000);
    hs_txn_t *txn = fixture->txn;
    zsock_t *watcher = hs_txn_fixture_watch (fixture, "case.");
    hs_stats_t *stats = hs_stats_new (txn);
    hs_notices_t *notices = hs_notices_new (txn, stats);
    hs_timers_t *timers = hs_timers_new (fixture->store);
    hs_txn_participant_t participant = { "timers", NULL, s_test_settle_yes, s_test_settle_no,
                                         NULL, timers };
    hs_txn_join (txn, &participant);
    hs_warnings_t *warnings = hs_warnings_new (txn, notices, fixture->config);
    hs_meetings_t *meetings = hs_meetings_new (txn, stats, notices, timers, fixture->config);
    hs_casework_t *casework = hs_casework_new (txn, stats, notices, warnings, meetings, timers,
                                               fixture->config);
    hs_filing_t *filing = hs_filing_new (txn, timers, fixture->config);
    hs_casework_set_filing (casework, filing);
    hs_pack_t *pack = hs_pack_new ();
    s_test_t test = { casework, filing, timers, (hs_msg_t *) zmalloc (sizeof (hs_msg_t)), 0, 0,
                      { 0, HS_TIMER_FILING, "" } };
    hs_case_t *kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    int64_t quiet = hs_rules_policy (fixture->config->rules)->archive_quiet_ms;
    assert (quiet == 7 * 86400000LL);

    //  12 workers, led by the street: it resolves, the office closes it,
    //  and its filing is set a quiet period after the closure.
    assert (!s_test_send (&test, txn, pack, "r1", "street.caoyang", -1));
    assert (!s_test_send (&test, txn, pack, "u1", "street.caoyang", HS_STATUS_RESOLVED));
    assert (!s_test_send (&test, txn, pack, "o1", "office", HS_STATUS_CLOSED));
    s_test_load (fixture, kase);
    assert (kase->stage == HS_STAGE_CLOSED && kase->closed_at && !kase->filed);
    assert (kase->file_at == kase->closed_at + quiet);
    //  Mediation failed after all (回访): open again, the filing taken back.
    assert (!s_test_send (&test, txn, pack, "u2", "street.caoyang", HS_STATUS_FAILED));
    s_test_load (fixture, kase);
    assert (kase->stage == HS_STAGE_OPEN && kase->file_at == 0 && !kase->filed);
    assert (!s_test_send (&test, txn, pack, "u3", "street.caoyang", HS_STATUS_RESOLVED));
    assert (!s_test_send (&test, txn, pack, "o2", "office", HS_STATUS_CLOSED));
    s_test_load (fixture, kase);
    assert (kase->file_at == kase->closed_at + quiet);
    //  A timer that is not the case's own (the first closure's, had it
    //  been left) files nothing.
    test.stale.due = kase->file_at - 1;
    test.stale.kind = HS_TIMER_FILING;
    hs_strcpy (test.stale.id, sizeof (test.stale.id), "putuo-1");
    assert (hs_txn_run (txn, s_test_stale, &test) == 0);
    s_test_load (fixture, kase);
    assert (!kase->filed && kase->file_at == test.stale.due + 1);
    assert (zmsg_recv_nowait (watcher) == NULL);

    //  The quiet period passes: filed once, said once, in its history.
    zclock_sleep (250);
    assert (hs_txn_run (txn, s_test_clock, &test) == 0 && test.filings == 1);
    s_test_load (fixture, kase);
    assert (kase->filed >= kase->closed_at + quiet && kase->file_at == 0);
    zmsg_t *said = zmsg_recv (watcher);
    assert (said);
    char *topic = zmsg_popstr (said);
    assert (topic && streq (topic, "case.filed"));
    zstr_free (&topic);
    zmsg_destroy (&said);
    assert (hs_txn_run (txn, s_test_clock, &test) == 0 && test.filings == 1);
    assert (zmsg_recv_nowait (watcher) == NULL);
    //  Settled: a failed follow-up is refused, and stores nothing.
    uint64_t next = hs_txn_peek_seq (txn);
    assert (streq (s_test_send (&test, txn, pack, "u4", "street.caoyang", HS_STATUS_FAILED),
                   "case_filed"));
    assert (hs_txn_peek_seq (txn) == next);

    //  The api's `filed`: the case within its period, none outside it.
    hs_pack_t *args = hs_pack_new ();
    for (int round = 0; round < 3; round++) {
        hs_pack_reset (args);
        hs_map_t map;
        hs_map_begin (&map, args);
        hs_map_int (&map, "since", round == 2? kase->filed + 1: kase->filed);
        hs_map_int (&map, "until", round == 1? kase->filed: kase->filed + 1);
        hs_map_end (&map);
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        assert (hs_proto_unpack_stored (hs_pack_data (args), hs_pack_size (args), &unpacked) == 0);
        hs_why_t why = { .code = NULL };
        hs_pack_reset (pack);
        assert (hs_store_view_begin (fixture->store) == 0);
        assert (hs_filed_query (fixture->store, &unpacked.data, pack, &why) == 0);
        hs_store_view_end (fixture->store);
        msgpack_unpacked_destroy (&unpacked);
        msgpack_unpacked_init (&unpacked);
        assert (hs_proto_unpack_stored (hs_pack_data (pack), hs_pack_size (pack), &unpacked) == 0);
        assert (hs_proto_int (&unpacked.data, "count", -1) == (round == 0));
        msgpack_unpacked_destroy (&unpacked);
    }
    hs_pack_destroy (&args);
    free (kase);
    free (test.msg);
    hs_pack_destroy (&pack);
    hs_filing_destroy (&filing);
    hs_casework_destroy (&casework);
    hs_meetings_destroy (&meetings);
    hs_warnings_destroy (&warnings);
    hs_timers_destroy (&timers);
    hs_notices_destroy (&notices);
    hs_stats_destroy (&stats);
    zsock_destroy (&watcher);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
