/*  =========================================================================
    hs_notices - what the daemon tells people: alerts and warnings
    =========================================================================
*/

#include "hs_notices.h"
#include "hs_units.h"

struct _hs_notices_t {
    hs_txn_t *txn;              //  borrowed
    hs_stats_t *stats;          //  borrowed
    hs_pack_t *body;            //  the body being packed
};

hs_notices_t *
hs_notices_new (hs_txn_t *txn, hs_stats_t *stats)
{
    hs_notices_t *self = (hs_notices_t *) zmalloc (sizeof (hs_notices_t));
    self->txn = txn;
    self->stats = stats;
    self->body = hs_pack_new ();
    return self;
}

void
hs_notices_destroy (hs_notices_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_notices_t *self = *self_p;
        hs_pack_destroy (&self->body);
        free (self);
        *self_p = NULL;
    }
}

int
hs_notices_alert (hs_notices_t *self, hs_case_t *kase, const char *kind, int previous_level,
                  const hs_cause_t *cause, const char *const *units, const char *const *reasons,
                  const hs_alert_more_t *more)
{
    const char *case_units [HS_CASE_MAX_UNITS + 1];
    const char *case_reasons [HS_CASE_MAX_REASONS + 1];
    hs_case_units (kase, case_units);
    hs_case_reasons (kase, case_reasons);
    hs_alert_t alert = {
        .seq = hs_txn_next_seq (self->txn), .kind = kind, .case_id = kase->id,
        .level = kase->level, .previous_level = previous_level, .category = kase->category,
        .street = kase->street, .enterprise = kase->enterprise, .workers = kase->workers,
        .amount = kase->amount, .flags = kase->flags,
        .units = units? units: case_units, .reasons = reasons? reasons: case_reasons,
        .cause = cause, .more = more, .at = hs_txn_now (self->txn)
    };
    hs_pack_reset (self->body);
    hs_alert_encode (&alert, self->body);
    char topic [HS_TOPIC_MAX + 1];
    hs_alert_topic (kase->level, kase->street, topic, sizeof (topic));
    hs_stats_alert (self->stats, kase->level);
    kase->last_seq = alert.seq;
    hs_event_t event = {
        .seq = alert.seq, .type = "alert", .topic = topic, .case_id = kase->id,
        .body = hs_pack_data (self->body), .body_size = hs_pack_size (self->body), .level = -1,
        .alert = &alert
    };
    return hs_txn_emit (self->txn, &event);
}

int
hs_notices_upward (hs_notices_t *self, hs_case_t *kase, const char *from,
                   const char *const *targets, const char *report, const char *const *changed)
{
    const char *units [HS_CASE_MAX_UNITS + 1];
    const char *reasons [HS_CASE_MAX_REASONS + 1];
    hs_case_units (kase, units);
    hs_case_reasons (kase, reasons);
    for (size_t index = 0; targets [index]; index++) {
        hs_escalation_t escalation = {
            .seq = hs_txn_next_seq (self->txn), .to = targets [index], .from = from,
            .case_id = kase->id, .level = kase->level, .category = kase->category,
            .street = kase->street, .enterprise = kase->enterprise, .workers = kase->workers,
            .amount = kase->amount, .flags = kase->flags, .units = units, .reasons = reasons,
            .report = report, .changed = changed, .at = hs_txn_now (self->txn)
        };
        hs_pack_reset (self->body);
        hs_escalation_encode (&escalation, self->body);
        char topic [HS_TOPIC_MAX + 1];
        hs_escalate_topic (targets [index], topic, sizeof (topic));
        hs_stats_count (self->stats, HS_STAT_ESCALATIONS, 1);
        kase->last_seq = escalation.seq;
        hs_event_t event = {
            .seq = escalation.seq, .type = "escalate", .topic = topic, .case_id = kase->id,
            .body = hs_pack_data (self->body), .body_size = hs_pack_size (self->body), .level = -1,
            .escalation = &escalation
        };
        if (hs_txn_emit (self->txn, &event))
            return -1;
    }
    kase->upward = streq (report, "final")? 2: 1;
    kase->upward_level = kase->level;
    hs_strcpy (kase->upward_lead, sizeof (kase->upward_lead), kase->lead);
    return 0;
}

int
hs_notices_warning (hs_notices_t *self, hs_warning_t *warning)
{
    char topic [HS_TOPIC_MAX + 1];
    if (warning->topic)
        hs_strcpy (topic, sizeof (topic), warning->topic);
    else
        hs_strjoin (topic, sizeof (topic), "warning.", warning->kind, NULL);
    warning->seq = hs_txn_next_seq (self->txn);
    warning->at = hs_txn_now (self->txn);
    hs_pack_reset (self->body);
    hs_warning_encode (warning, self->body);
    hs_stats_count (self->stats, HS_STAT_WARNINGS, 1);
    hs_event_t event = {
        .seq = warning->seq, .type = "warning", .topic = topic, .case_id = warning->case_id,
        .body = hs_pack_data (self->body), .body_size = hs_pack_size (self->body), .level = -1
    };
    return hs_txn_emit (self->txn, &event);
}

//  ---------------------------------------------------------------------
//  Self test

typedef struct {
    hs_notices_t *notices;
    hs_case_t *kase;
} s_test_t;

static int
s_test_work (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    const char *office [] = { "office", NULL };
    const char *reasons [] = { "warning.street", NULL };
    hs_warning_t warning = {
        .kind = "street", .street = "street.wanli", .category = -1, .count = 10,
        .units = office, .reasons = reasons
    };
    hs_cause_t cause = { "hrss", "h1", true, NULL };
    return hs_notices_alert (test->notices, test->kase, "new", -1, &cause, NULL, NULL, NULL)
        || hs_notices_warning (test->notices, &warning);
}

void
hs_notices_test (bool verbose)
{
    if (verbose)
        printf (" * hs_notices: ");
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_notices", 1780000000000LL, 1);
    hs_txn_t *txn = fixture->txn;
    zsock_t *watcher = hs_txn_fixture_watch (fixture, "");
    hs_stats_t *stats = hs_stats_new (txn);
    s_test_t test = { hs_notices_new (txn, stats), (hs_case_t *) zmalloc (sizeof (hs_case_t)) };
    hs_report_t report = { .id = "h1", .source = "hrss", .street = "wanli", .enterprise = "某厂",
                           .ownership = -1, .category = HS_CATEGORY_LAYOFF, .workers = 40,
                           .amount = -1, .at = 1 };
    hs_case_open (test.kase, "putuo-1", 1, &report, "street.wanli");
    test.kase->level = HS_LEVEL_MAJOR;
    assert (hs_txn_run (txn, s_test_work, &test) == 0);
    assert (test.kase->last_seq == 1);
    assert (hs_stats_get (stats, HS_STAT_ALERTS) == 1 && hs_stats_get (stats, HS_STAT_WARNINGS) == 1);
    char *topic = zstr_recv (watcher);
    assert (topic && streq (topic, "alert.major.wanli"));
    zstr_free (&topic);
    zsock_flush (watcher);
    topic = zstr_recv (watcher);
    assert (topic && streq (topic, "warning.street"));
    zstr_free (&topic);
    free (test.kase);
    hs_notices_destroy (&test.notices);
    hs_stats_destroy (&stats);
    zsock_destroy (&watcher);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
