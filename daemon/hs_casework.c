/*  =========================================================================
    hs_casework - cases: reports in, classification, the ladder, updates,
                  supervision

    A case has one supervision timer at a time: the overdue one, which
    sets the rise's when it fires. Timers that find their case moved on
    (the clock restarted, the case closed) do nothing.
    =========================================================================
*/

#include "hs_casework.h"
#include "hs_cases.h"
#include "hs_intake.h"
#include "hs_log.h"

struct _hs_casework_t {
    hs_txn_t *txn;              //  borrowed
    hs_stats_t *stats;          //  borrowed
    hs_notices_t *notices;      //  borrowed
    hs_warnings_t *warnings;    //  borrowed
    hs_meetings_t *meetings;    //  borrowed
    hs_timers_t *timers;        //  borrowed
    hs_config_t *config;        //  borrowed
    hs_case_t *kase;            //  the case in hand
    hs_decision_t decision;     //  its last classification
    hs_pack_t *record;          //  a case record being packed
    hs_pack_t *body;            //  a body being packed
    int64_t open_delta;         //  open cases the open transaction added (or closed)
    int64_t overdue_delta;      //  overdue open cases it added (or took away)
};

//  Add a delta to a meta counter (never below 0).
static int
s_meta_add (hs_store_t *store, hs_meta_t meta, int64_t delta)
{
    uint64_t count;
    if (delta == 0)
        return 0;
    if (hs_store_meta_get (store, meta, 0, &count))
        return -1;
    count = delta < 0 && count < (uint64_t) -delta? 0: count + delta;
    return hs_store_meta_put (store, meta, count);
}

static int
s_prepare (void *arg)
{
    hs_casework_t *self = (hs_casework_t *) arg;
    hs_store_t *store = hs_txn_store (self->txn);
    return s_meta_add (store, HS_META_OPEN_CASES, self->open_delta)
        || s_meta_add (store, HS_META_OVERDUE_CASES, self->overdue_delta)? -1: 0;
}

static void
s_settle (void *arg)
{
    hs_casework_t *self = (hs_casework_t *) arg;
    self->open_delta = 0;
    self->overdue_delta = 0;
}

hs_casework_t *
hs_casework_new (hs_txn_t *txn, hs_stats_t *stats, hs_notices_t *notices, hs_warnings_t *warnings,
                 hs_meetings_t *meetings, hs_timers_t *timers, hs_config_t *config)
{
    hs_casework_t *self = (hs_casework_t *) zmalloc (sizeof (hs_casework_t));
    self->txn = txn;
    self->stats = stats;
    self->notices = notices;
    self->warnings = warnings;
    self->meetings = meetings;
    self->timers = timers;
    self->config = config;
    self->kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    self->record = hs_pack_new ();
    self->body = hs_pack_new ();
    hs_txn_participant_t participant = { "cases", s_prepare, s_settle, s_settle, NULL, self };
    hs_txn_join (txn, &participant);
    return self;
}

void
hs_casework_destroy (hs_casework_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_casework_t *self = *self_p;
        free (self->kase);
        hs_pack_destroy (&self->record);
        hs_pack_destroy (&self->body);
        free (self);
        *self_p = NULL;
    }
}

void hs_casework_set_config (hs_casework_t *self, hs_config_t *config) { self->config = config; }

//  Set a case's overdue and closed flags, keeping the count of open
//  overdue cases in step.
static void
s_flags (hs_casework_t *self, hs_case_t *kase, bool overdue_sent, bool closed)
{
    bool before = kase->overdue_sent && !kase->closed;
    bool after = overdue_sent && !closed;
    self->overdue_delta += (int) after - (int) before;
    kase->overdue_sent = overdue_sent;
    kase->closed = closed;
}

//  What the ladder sets off when a case reaches a new level.
static int
s_ladder (hs_casework_t *self, hs_case_t *kase, int from_level)
{
    hs_ladder_actions_t actions;
    hs_rules_actions (self->config->rules, from_level, kase->level, &actions);
    const char *reasons [HS_CASE_MAX_REASONS + 1];
    hs_case_reasons (kase, reasons);
    if (actions.meeting
    &&  hs_meetings_request (self->meetings, "special", kase,
                             actions.meeting_members? hs_units_members (self->config->units):
                                                      self->decision.routed,
                             actions.meeting, actions.deadline_ms, reasons))
        return -1;
    const char *units [HS_CASE_MAX_UNITS + 1];
    hs_case_units (kase, units);
    for (size_t index = 0; actions.escalate [index]; index++) {
        uint64_t seq = hs_txn_next_seq (self->txn);
        hs_escalation_t escalation = {
            .seq = seq, .to = actions.escalate [index], .from = self->config->district,
            .case_id = kase->id, .level = kase->level, .category = kase->category,
            .street = kase->street, .enterprise = kase->enterprise, .workers = kase->workers,
            .amount = kase->amount, .flags = kase->flags, .units = units, .reasons = reasons,
            .at = hs_txn_now (self->txn)
        };
        hs_pack_reset (self->body);
        hs_escalation_encode (&escalation, self->body);
        char topic [HS_TOPIC_MAX + 1];
        hs_strjoin (topic, sizeof (topic), "escalate.", actions.escalate [index], NULL);
        hs_stats_count (self->stats, HS_STAT_ESCALATIONS, 1);
        kase->last_seq = seq;
        hs_event_t event = {
            .seq = seq, .type = "escalate", .topic = topic, .case_id = kase->id,
            .body = hs_pack_data (self->body), .body_size = hs_pack_size (self->body), .level = -1
        };
        if (hs_txn_emit (self->txn, &event))
            return -1;
    }
    return 0;
}

//  (Re)start the case's supervision clock at its level: the overdue alert
//  at the due time, the rise at twice it (below critical).
static int
s_supervise (hs_casework_t *self, hs_case_t *kase)
{
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    int64_t due = policy->due_ms [kase->level];
    int64_t now = hs_txn_now (self->txn);
    kase->clock_start = now;
    kase->due_at = hs_calendar_due (self->config->calendar, now, due);
    kase->escalate_at = kase->level < HS_LEVEL_CRITICAL?
                        hs_calendar_due (self->config->calendar, now, 2 * due): 0;
    s_flags (self, kase, false, kase->closed);
    return hs_timers_add (self->timers, kase->due_at, HS_TIMER_OVERDUE, kase->id);
}

//  Raise a case by `levels` (at most to critical) for a reason beyond
//  severity: re-route at the new level, alert, climb the ladder, restart
//  supervision. A case already at the top only restarts its clock.
static int
s_raise (hs_casework_t *self, hs_case_t *kase, int levels, const char *reason,
         const char *source, const char *message_id, bool from_update)
{
    int previous = kase->level;
    int target = previous + levels;
    kase->level = target >= HS_LEVEL_COUNT? HS_LEVEL_CRITICAL: target;
    hs_intake_classify (self->config->rules, kase, &self->decision);
    hs_case_add_reason (kase, reason);
    if (kase->level > previous) {
        hs_stats_count (self->stats, HS_STAT_ESCALATED, 1);
        if (hs_notices_alert (self->notices, kase, "escalated", previous, source, message_id,
                              from_update, NULL, NULL)
        ||  s_ladder (self, kase, previous))
            return -1;
    }
    return s_supervise (self, kase);
}

int
hs_casework_report (void *arg, hs_msg_t *msg)
{
    hs_casework_t *self = (hs_casework_t *) arg;
    hs_report_t *report = &msg->as.report;
    const hs_unit_t *street;
    if (hs_intake_street (self->config->units, report, &street, &msg->why))
        return 1;
    hs_store_t *store = hs_txn_store (self->txn);
    uint64_t seq = hs_txn_next_seq (self->txn);
    hs_case_t *kase = self->kase;
    int rc = hs_cases_find (store, report, street->code, kase);
    if (rc < 0)
        return -1;
    bool is_new = rc == 1;
    int previous_level = -1;
    if (is_new) {
        char case_id [HS_ID_MAX + 1];
        snprintf (case_id, sizeof (case_id), "%s-%llu", self->config->district,
                  (unsigned long long) seq);
        hs_case_open (kase, case_id, seq, report, street->code);
        hs_stats_count (self->stats, HS_STAT_CASES_OPENED, 1);
        self->open_delta++;
    }
    else {
        previous_level = kase->level;
        hs_case_merge (kase, seq, report);
    }
    hs_intake_classify (self->config->rules, kase, &self->decision);
    hs_event_t event = {
        .seq = seq, .type = "report", .topic = msg->topic, .case_id = kase->id,
        .body = msg->body, .body_size = msg->body_size, .level = self->decision.level,
        .reasons = self->decision.reasons, .rules_version = hs_rules_version (self->config->rules)
    };
    if (hs_txn_record (self->txn, &event))
        return -1;
    msg->seq = seq;
    hs_stats_count (self->stats, HS_STAT_REPORTS, 1);
    rc = 0;
    if (is_new)
        rc = hs_notices_alert (self->notices, kase, "new", -1, report->source, report->id,
                               false, NULL, NULL);
    else
    if (kase->level > previous_level) {
        hs_stats_count (self->stats, HS_STAT_ESCALATED, 1);
        rc = hs_notices_alert (self->notices, kase, "escalated", previous_level, report->source,
                               report->id, false, NULL, NULL);
    }
    if (rc == 0 && kase->level > previous_level)
        rc = s_ladder (self, kase, previous_level);
    if (rc == 0 && kase->level > previous_level)
        rc = s_supervise (self, kase);
    bool enterprise = false;
    if (rc == 0)
        rc = hs_warnings_report (self->warnings, kase, report, street->code, &enterprise);
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    if (rc == 0 && enterprise && policy->enterprise_raise > 0)
        rc = s_raise (self, kase, policy->enterprise_raise, "warning.enterprise", report->source,
                      report->id, false);
    if (rc == 0)
        rc = hs_cases_save (store, kase, self->record);
    return rc? -1: 0;
}

int
hs_casework_update (void *arg, hs_msg_t *msg)
{
    hs_casework_t *self = (hs_casework_t *) arg;
    hs_update_t *update = &msg->as.update;
    hs_store_t *store = hs_txn_store (self->txn);
    hs_case_t *kase = self->kase;
    int rc = hs_cases_load (store, update->case_id, kase);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        hs_why (&msg->why, "unknown_case", "no case '%s'", update->case_id);
        return 1;
    }
    const hs_unit_t *unit = hs_units_find (self->config->units, update->source);
    bool routed = hs_case_has_unit (kase, update->source) && unit && unit->kind != HS_UNIT_ROLE;
    if (!hs_policy_may (hs_rules_policy (self->config->rules), HS_ACT_UPDATE, update->source, routed)) {
        hs_why (&msg->why, "not_routed", "unit '%s' is not routed on case '%s'",
                update->source, update->case_id);
        return 1;
    }
    uint64_t seq = hs_txn_next_seq (self->txn);
    hs_event_t event = {
        .seq = seq, .type = "update", .topic = msg->topic, .case_id = kase->id,
        .body = msg->body, .body_size = msg->body_size, .level = -1
    };
    if (hs_txn_record (self->txn, &event))
        return -1;
    msg->seq = seq;
    hs_stats_count (self->stats, HS_STAT_UPDATES, 1);
    kase->status = update->status;
    kase->last_seq = seq;
    if (update->at > kase->updated)
        kase->updated = update->at;
    rc = 0;
    if (update->status == HS_STATUS_RESOLVED || update->status == HS_STATUS_CLOSED) {
        //  Out of supervision; its timers find it closed and do nothing.
        kase->due_at = 0;
        kase->escalate_at = 0;
        if (!kase->closed) {
            s_flags (self, kase, kase->overdue_sent, true);
            hs_stats_count (self->stats, HS_STAT_RESOLVED, 1);
            self->open_delta--;
            rc = hs_notices_alert (self->notices, kase, "resolved", -1, update->source, update->id,
                                   true, NULL, NULL);
        }
    }
    else
    if (update->status == HS_STATUS_FAILED) {
        //  Mediation failed: supervision re-opens one level higher.
        if (kase->closed)
            self->open_delta++;
        s_flags (self, kase, kase->overdue_sent, false);
        rc = s_raise (self, kase, 1, "update.failed", update->source, update->id, true);
    }
    else
    if (routed && !kase->closed)
        rc = s_supervise (self, kase);          //  progress: the clock starts again
    if (rc == 0)
        rc = hs_cases_save (store, kase, self->record);
    return rc? -1: 0;
}

int
hs_casework_timer (hs_casework_t *self, const hs_timer_t *timer)
{
    hs_store_t *store = hs_txn_store (self->txn);
    hs_case_t *kase = self->kase;
    int rc = hs_cases_load (store, timer->id, kase);
    if (rc)
        return rc < 0? -1: 0;
    if (kase->closed)
        return 0;
    if (timer->kind == HS_TIMER_OVERDUE && kase->due_at == timer->due && !kase->overdue_sent) {
        s_flags (self, kase, true, kase->closed);
        hs_stats_count (self->stats, HS_STAT_OVERDUE, 1);
        const char *reasons [] = { "supervision.overdue", NULL };
        const char *const *recipients = hs_policy_recipients (hs_rules_policy (self->config->rules),
                                                              HS_NOTICE_OVERDUE);
        rc = hs_notices_alert (self->notices, kase, "overdue", -1, NULL, NULL, false, recipients,
                               reasons);
        if (rc == 0 && kase->escalate_at)
            rc = hs_timers_add (self->timers, kase->escalate_at, HS_TIMER_ESCALATE, kase->id);
    }
    else
    if (timer->kind == HS_TIMER_ESCALATE && kase->escalate_at == timer->due)
        rc = s_raise (self, kase, 1, "supervision.escalated", NULL, NULL, false);
    else
        return 0;
    return rc? -1: hs_cases_save (store, kase, self->record);
}

//  A store from before the count of overdue cases was kept.
static int
s_overdue_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) key;
    (void) key_size;
    hs_casework_t *self = (hs_casework_t *) arg;
    if (hs_case_decode (data, size, self->kase) == 0)
        self->overdue_delta += self->kase->overdue_sent && !self->kase->closed;
    return 0;
}

static int
s_upgrade_work (void *arg)
{
    hs_casework_t *self = (hs_casework_t *) arg;
    hs_store_t *store = hs_txn_store (self->txn);
    int rc = hs_store_walk (store, HS_TABLE_CASES, NULL, 0, false, s_overdue_visit, self);
    if (rc == 0)
        rc = hs_store_meta_put (store, HS_META_OVERDUE_CASES, (uint64_t) self->overdue_delta);
    self->overdue_delta = 0;        //  written whole, not added
    return rc;
}

//  A store from before the order tables (0.4): build them.
static int
s_order_work (void *arg)
{
    hs_casework_t *self = (hs_casework_t *) arg;
    size_t count;
    if (hs_cases_order (hs_txn_store (self->txn), &count))
        return -1;
    if (count)
        hs_log_notice ("hs_casework: %zu cases put in order for the api's queries "
                       "(a store from before the order tables)", count);
    return 0;
}

int
hs_casework_upgrade (hs_casework_t *self)
{
    hs_store_t *store = hs_txn_store (self->txn);
    uint64_t overdue = 0, ordered = 0;
    if (hs_store_view_begin (store))
        return -1;
    int rc = hs_store_meta_get (store, HS_META_OVERDUE_CASES, UINT64_MAX, &overdue)
          || hs_store_meta_get (store, HS_META_CASE_ORDER, 0, &ordered)? -1: 0;
    hs_store_view_end (store);
    if (rc == 0 && overdue == UINT64_MAX)
        rc = hs_txn_run (self->txn, s_upgrade_work, self);
    if (rc == 0 && !ordered)
        rc = hs_txn_run (self->txn, s_order_work, self);
    return rc;
}

//  ---------------------------------------------------------------------
//  Self test: a report opens a case, a second joins and raises it, an
//  update from a unit not on the case is refused, one from a routed unit
//  closes it; supervision alerts the office when an update is overdue.

typedef struct {
    hs_casework_t *casework;
    hs_msg_t *msg;
    int rc;
} s_test_t;

static int
s_test_report (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    test->rc = hs_casework_report (test->casework, test->msg);
    return test->rc < 0? -1: 0;
}

static int
s_test_update (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    test->rc = hs_casework_update (test->casework, test->msg);
    return test->rc < 0? -1: 0;
}

typedef struct {
    hs_casework_t *casework;
    hs_timers_t *timers;
    hs_txn_t *txn;
    size_t fired;
} s_clock_t;

//  What the engine's clockwork does for case timers.
static int
s_test_clock (void *arg)
{
    s_clock_t *clock = (s_clock_t *) arg;
    hs_timer_t taken [8];
    size_t count;
    if (hs_timers_take (clock->timers, hs_txn_now (clock->txn), taken, 8, &count))
        return -1;
    for (size_t index = 0; index < count; index++)
        if (taken [index].kind != HS_TIMER_QUORUM
        &&  hs_casework_timer (clock->casework, &taken [index]))
            return -1;
    clock->fired += count;
    return 0;
}

static void s_test_settle_yes (void *arg) { hs_timers_settle ((hs_timers_t *) arg, true); }
static void s_test_settle_no (void *arg) { hs_timers_settle ((hs_timers_t *) arg, false); }

//  Fill `msg` as the ingest's opening would, for a report or an update.
static void
s_test_message (hs_msg_t *msg, hs_pack_t *pack, const char *id, const char *source,
                int64_t workers, const char *case_id, int status)
{
    memset (msg, 0, sizeof (*msg));
    hs_pack_reset (pack);
    if (case_id) {
        msg->kind = HS_MSG_UPDATE;
        hs_update_t *update = &msg->as.update;
        hs_strcpy (update->id, sizeof (update->id), id);
        hs_strcpy (update->source, sizeof (update->source), source);
        hs_strcpy (update->case_id, sizeof (update->case_id), case_id);
        update->status = status;
        update->at = 1780000000000LL;
        hs_update_encode (update, pack);
    }
    else {
        msg->kind = HS_MSG_REPORT;
        hs_report_t *report = &msg->as.report;
        hs_strcpy (report->id, sizeof (report->id), id);
        hs_strcpy (report->source, sizeof (report->source), source);
        hs_strcpy (report->street, sizeof (report->street), "caoyang");
        hs_strcpy (report->enterprise, sizeof (report->enterprise), "上海某某制衣有限公司");
        report->ownership = -1;
        report->amount = -1;
        report->category = HS_CATEGORY_WAGE_ARREARS;
        report->workers = workers;
        report->at = 1780000000000LL;
        hs_report_encode (report, pack);
    }
    msg->body = hs_pack_data (pack);
    msg->body_size = hs_pack_size (pack);
    msg->unit = source;
    msg->topic = case_id? "update.test": "report.test";
}

void
hs_casework_test (bool verbose)
{
    if (verbose)
        printf (" * hs_casework: ");
    //  The clock runs an hour a millisecond: supervision's days pass at once.
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_casework", 1780000000000LL, 3600000);
    hs_config_t *config = fixture->config;
    hs_txn_t *txn = fixture->txn;
    zsock_t *watcher = hs_txn_fixture_watch (fixture, "alert.");
    hs_stats_t *stats = hs_stats_new (txn);
    hs_notices_t *notices = hs_notices_new (txn, stats);
    hs_timers_t *timers = hs_timers_new (fixture->store);
    hs_txn_participant_t participant = { "timers", NULL, s_test_settle_yes, s_test_settle_no,
                                         NULL, timers };
    hs_txn_join (txn, &participant);
    hs_warnings_t *warnings = hs_warnings_new (txn, notices, config);
    hs_meetings_t *meetings = hs_meetings_new (txn, stats, notices, timers, config);
    hs_casework_t *casework = hs_casework_new (txn, stats, notices, warnings, meetings, timers, config);
    hs_pack_t *pack = hs_pack_new ();
    hs_msg_t *msg = (hs_msg_t *) zmalloc (sizeof (hs_msg_t));
    s_test_t test = { casework, msg, 0 };

    //  12 workers: a significant case, alerted, with its clock running.
    s_test_message (msg, pack, "a1", "street.caoyang", 12, NULL, 0);
    assert (hs_txn_run (txn, s_test_report, &test) == 0 && test.rc == 0 && msg->seq == 1);
    char *topic = zstr_recv (watcher);
    assert (topic && streq (topic, "alert.significant.caoyang"));
    zstr_free (&topic);
    zsock_flush (watcher);
    assert (hs_timers_next (timers) > 1780000000000LL);
    //  The same enterprise, 35 workers: it joins the case, which rises.
    s_test_message (msg, pack, "u1", "union", 35, NULL, 0);
    assert (hs_txn_run (txn, s_test_report, &test) == 0 && test.rc == 0);
    topic = zstr_recv (watcher);
    assert (topic && streq (topic, "alert.major.caoyang"));
    zstr_free (&topic);
    zsock_flush (watcher);
    assert (hs_stats_get (stats, HS_STAT_CASES_OPENED) == 1 && hs_stats_get (stats, HS_STAT_ESCALATED) == 1);
    assert (hs_stats_get (stats, HS_STAT_MEETINGS) == 1);
    uint64_t open_cases;
    assert (hs_store_view_begin (fixture->store) == 0);
    assert (hs_store_meta_get (fixture->store, HS_META_OPEN_CASES, 0, &open_cases) == 0
         && open_cases == 1);
    hs_store_view_end (fixture->store);

    //  A unit the case does not name may not update it.
    s_test_message (msg, pack, "c1", "court", 0, "putuo-1", HS_STATUS_MEDIATING);
    assert (hs_txn_run (txn, s_test_update, &test) == 0 && test.rc == 1);
    assert (streq (msg->why.code, "not_routed"));

    //  Days later (a few hundred milliseconds) nobody has reported
    //  progress: the overdue alert, to the office.
    zclock_sleep (300);
    s_clock_t clock = { casework, timers, txn, 0 };
    assert (hs_txn_run (txn, s_test_clock, &clock) == 0 && clock.fired >= 1);
    assert (hs_stats_get (stats, HS_STAT_OVERDUE) == 1);
    zmsg_t *alert = zmsg_recv (watcher);
    assert (alert);
    zframe_t *body = zmsg_last (alert);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0);
    char kind [16], unit [16];
    assert (hs_proto_strcpy (hs_proto_get (&unpacked.data, "kind"), kind, sizeof (kind)) == 0);
    assert (streq (kind, "overdue"));
    const msgpack_object *units = hs_proto_get (&unpacked.data, "units");
    assert (units && units->via.array.size == 1
         && hs_proto_strcpy (&units->via.array.ptr [0], unit, sizeof (unit)) == 0
         && streq (unit, "office"));
    msgpack_unpacked_destroy (&unpacked);
    zmsg_destroy (&alert);
    //  The hrss resolves it: closed, out of supervision, the count follows.
    s_test_message (msg, pack, "h1", "hrss", 0, "putuo-1", HS_STATUS_RESOLVED);
    assert (hs_txn_run (txn, s_test_update, &test) == 0 && test.rc == 0);
    topic = zstr_recv (watcher);
    assert (topic && streq (topic, "alert.major.caoyang"));
    zstr_free (&topic);
    assert (hs_store_view_begin (fixture->store) == 0);
    assert (hs_store_meta_get (fixture->store, HS_META_OPEN_CASES, 0, &open_cases) == 0
         && open_cases == 0);
    hs_store_view_end (fixture->store);
    assert (hs_stats_get (stats, HS_STAT_RESOLVED) == 1);

    free (msg);
    hs_pack_destroy (&pack);
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
