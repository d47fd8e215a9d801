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
//  Self test: a case record in hand, closed, opened again, closed again,
//  as hs_casework does (the integration test drives the whole daemon)

typedef enum { S_CLOSE, S_REOPEN, S_CLOCK, S_STALE } s_step_t;

typedef struct {
    hs_filing_t *filing;
    hs_timers_t *timers;
    hs_case_t *kase;
    hs_pack_t *pack;
    s_step_t step;
    hs_timer_t stale;
    size_t filings;             //  filing timers taken
} s_test_t;

static int
s_test_work (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    hs_store_t *store = hs_txn_store (test->filing->txn);
    hs_case_t *kase = test->kase;
    if (test->step == S_CLOCK) {
        hs_timer_t taken [8];
        size_t count;
        if (hs_timers_take (test->timers, hs_txn_now (test->filing->txn), taken, 8, &count))
            return -1;
        for (size_t index = 0; index < count; index++) {
            assert (taken [index].kind == HS_TIMER_FILING);
            test->filings++;
            if (hs_filing_timer (test->filing, &taken [index]))
                return -1;
        }
        return 0;
    }
    if (test->step == S_STALE)
        return hs_filing_timer (test->filing, &test->stale);
    assert (hs_cases_load (store, "putuo-1", kase) == 0);
    kase->stage = test->step == S_CLOSE? HS_STAGE_CLOSED: HS_STAGE_OPEN;
    kase->closed = test->step == S_CLOSE;
    int rc = test->step == S_CLOSE? hs_filing_closed (test->filing, kase):
                                    hs_filing_reopened (test->filing, kase);
    return rc || hs_cases_save (store, kase, test->pack)? -1: 0;
}

static int
s_test_open (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    hs_report_t report;
    memset (&report, 0, sizeof (report));
    hs_strcpy (report.id, sizeof (report.id), "r1");
    hs_strcpy (report.source, sizeof (report.source), "street.caoyang");
    hs_strcpy (report.enterprise, sizeof (report.enterprise), "上海某某制衣有限公司");
    report.ownership = -1;
    report.amount = -1;
    report.workers = 12;
    hs_case_open (test->kase, "putuo-1", 1, &report, "street.caoyang");
    const char *units [] = { "street.caoyang", NULL };
    hs_case_classified (test->kase, HS_LEVEL_SIGNIFICANT, HS_LEVEL_SIGNIFICANT, units, NULL, "v");
    return hs_cases_save (hs_txn_store (test->filing->txn), test->kase, test->pack);
}

static void
s_test_load (hs_txn_fixture_t *fixture, hs_case_t *kase)
{
    assert (hs_store_view_begin (fixture->store) == 0);
    assert (hs_cases_load (fixture->store, "putuo-1", kase) == 0);
    hs_store_view_end (fixture->store);
}

//  The api's `filed` over [since, until): how many cases it gives.
static int64_t
s_test_query (hs_txn_fixture_t *fixture, int64_t since, int64_t until, hs_pack_t *pack)
{
    hs_pack_t *args = hs_pack_new ();
    hs_filed_request_encode (args, since, until, "");
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
    int64_t count = hs_proto_int (&unpacked.data, "count", -1);
    msgpack_unpacked_destroy (&unpacked);
    hs_pack_destroy (&args);
    return count;
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
    hs_timers_t *timers = hs_timers_new (fixture->store);
    hs_txn_participant_t participant = { "timers", NULL, s_test_settle_yes, s_test_settle_no,
                                         NULL, timers };
    hs_txn_join (txn, &participant);
    hs_filing_t *filing = hs_filing_new (txn, timers, fixture->config);
    hs_case_t *kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    s_test_t test = { filing, timers, (hs_case_t *) zmalloc (sizeof (hs_case_t)), hs_pack_new (),
                      S_CLOSE, { 0, HS_TIMER_FILING, "putuo-1" }, 0 };
    int64_t quiet = hs_rules_policy (fixture->config->rules)->archive_quiet_ms;
    assert (quiet == 7 * 86400000LL);
    assert (hs_txn_run (txn, s_test_open, &test) == 0);

    //  Closed: its filing a quiet period after the closure, its one timer.
    assert (hs_txn_run (txn, s_test_work, &test) == 0);
    s_test_load (fixture, kase);
    assert (kase->closed_at && kase->file_at == kase->closed_at + quiet && !kase->filed);
    assert (hs_timers_next (timers) == kase->file_at);
    //  Opened again (a failed follow-up) before then: the filing taken back.
    test.step = S_REOPEN;
    assert (hs_txn_run (txn, s_test_work, &test) == 0);
    s_test_load (fixture, kase);
    assert (kase->file_at == 0 && !kase->filed && hs_timers_next (timers) == 0);
    //  Closed again; a timer that is not its own (the first closure's, had
    //  it been left) files nothing.
    test.step = S_CLOSE;
    assert (hs_txn_run (txn, s_test_work, &test) == 0);
    s_test_load (fixture, kase);
    assert (kase->file_at == kase->closed_at + quiet);
    test.stale.due = kase->file_at - 1;
    test.step = S_STALE;
    assert (hs_txn_run (txn, s_test_work, &test) == 0);
    s_test_load (fixture, kase);
    assert (!kase->filed && kase->file_at == test.stale.due + 1);
    assert (zmsg_recv_nowait (watcher) == NULL);
    assert (hs_filing_refuse (kase, &(hs_why_t) { .code = NULL }) == 0);

    //  The quiet period passes: filed once, said once.
    zclock_sleep (250);
    test.step = S_CLOCK;
    assert (hs_txn_run (txn, s_test_work, &test) == 0 && test.filings == 1);
    s_test_load (fixture, kase);
    assert (kase->filed >= kase->closed_at + quiet && kase->file_at == 0);
    assert (kase->last_seq > 0);
    zmsg_t *said = zmsg_recv (watcher);
    assert (said);
    char *topic = zmsg_popstr (said);
    assert (topic && streq (topic, "case.filed"));
    zstr_free (&topic);
    zmsg_destroy (&said);
    assert (hs_txn_run (txn, s_test_work, &test) == 0 && test.filings == 1);
    assert (zmsg_recv_nowait (watcher) == NULL);
    //  Settled: what would change it is refused.
    hs_why_t why = { .code = NULL };
    assert (hs_filing_refuse (kase, &why) == 1 && streq (why.code, "case_filed"));

    //  The api's `filed`: the case within its period, none outside it.
    assert (s_test_query (fixture, kase->filed, kase->filed + 1, test.pack) == 1);
    assert (s_test_query (fixture, 0, kase->filed, test.pack) == 0);
    assert (s_test_query (fixture, kase->filed + 1, 0, test.pack) == 0);
    assert (s_test_query (fixture, 0, 0, test.pack) == 1);
    free (kase);
    free (test.kase);
    hs_pack_destroy (&test.pack);
    hs_filing_destroy (&filing);
    hs_timers_destroy (&timers);
    zsock_destroy (&watcher);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
