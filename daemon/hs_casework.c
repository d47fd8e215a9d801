/*  =========================================================================
    hs_casework - cases: reports in, classification, the ladder, updates,
                  the closed loop's steps

    A case's level moves only by its facts (the severity rules) or by a
    person (a regrade): supervision chases the handling (hs_handling) and
    never raises it. The counts of open and overdue cases (meta) follow
    each save: a case carries what they counted of it when it was read.
    =========================================================================
*/

#include "hs_casework.h"
#include "hs_cases.h"
#include "hs_filing.h"
#include "hs_intake.h"
#include "hs_ledger.h"
#include "hs_log.h"

struct _hs_casework_t {
    hs_txn_t *txn;              //  borrowed
    hs_stats_t *stats;          //  borrowed
    hs_notices_t *notices;      //  borrowed
    hs_warnings_t *warnings;    //  borrowed
    hs_meetings_t *meetings;    //  borrowed
    hs_timers_t *timers;        //  borrowed
    hs_config_t *config;        //  borrowed
    hs_handling_t *handling;    //  the routed units' handling and supervision
    hs_filing_t *filing;        //  borrowed, or NULL: closed cases' filing (归档)
    hs_case_t *cases [2];       //  the cases in hand (a merge holds two)
    hs_decision_t decision;     //  the last classification
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
    self->handling = hs_handling_new (txn, stats, notices, timers, config);
    self->cases [0] = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    self->cases [1] = (hs_case_t *) zmalloc (sizeof (hs_case_t));
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
        hs_handling_destroy (&self->handling);
        free (self->cases [0]);
        free (self->cases [1]);
        hs_pack_destroy (&self->record);
        hs_pack_destroy (&self->body);
        free (self);
        *self_p = NULL;
    }
}

void
hs_casework_set_config (hs_casework_t *self, hs_config_t *config)
{
    self->config = config;
    hs_handling_set_config (self->handling, config);
}

void hs_casework_set_filing (hs_casework_t *self, hs_filing_t *filing) { self->filing = filing; }
hs_case_t *hs_casework_case (hs_casework_t *self, int which) { return self->cases [which & 1]; }
hs_handling_t *hs_casework_handling (hs_casework_t *self) { return self->handling; }
hs_txn_t *hs_casework_txn (hs_casework_t *self) { return self->txn; }

int
hs_casework_load (hs_casework_t *self, const char *case_id, hs_case_t *kase)
{
    return hs_cases_load (hs_txn_store (self->txn), case_id, kase);
}

//  A case reported upward whose level or lead changed, that closed or
//  opened again: a follow-up (续报) or the final report (终报), to the
//  targets of the ladder's top.
static int
s_upward_check (hs_casework_t *self, hs_case_t *kase)
{
    if (!kase->upward || (kase->upward == 2 && kase->closed))
        return 0;
    const char *changed [5];
    size_t count = 0;
    if (kase->upward == 2)
        changed [count++] = "reopened";
    if (kase->level != kase->upward_level)
        changed [count++] = "level";
    if (!streq (kase->lead, kase->upward_lead))
        changed [count++] = "lead";
    if (kase->closed)
        changed [count++] = kase->stage == HS_STAGE_MERGED? "merged": "closed";
    changed [count] = NULL;
    if (count == 0)
        return 0;
    hs_ladder_actions_t actions;
    hs_rules_actions (self->config->rules, -1, HS_LEVEL_CRITICAL, &actions);
    return hs_notices_upward (self->notices, kase, self->config->district, actions.escalate,
                              kase->closed? "final": "followup", changed);
}

int
hs_casework_save (hs_casework_t *self, hs_case_t *kase)
{
    if (s_upward_check (self, kase))
        return -1;
    bool open = !kase->closed, overdue = kase->overdue_sent && !kase->closed;
    self->open_delta += (int) open - (int) kase->counted_open;
    self->overdue_delta += (int) overdue - (int) kase->counted_overdue;
    kase->counted_open = open;
    kase->counted_overdue = overdue;
    if (hs_handling_schedule (self->handling, kase))
        return -1;
    return hs_cases_save (hs_txn_store (self->txn), kase, self->record);
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
    //  首报: the first report upward; after it, what changes is reported
    //  by the follow-ups (hs_casework_save).
    if (actions.escalate [0] && !kase->upward
    &&  hs_notices_upward (self->notices, kase, self->config->district, actions.escalate,
                           "first", NULL))
        return -1;
    return 0;
}

//  Classify the case (its facts changed, or it is new): the units it is
//  routed to become handlers.
void
hs_casework_classify (hs_casework_t *self, hs_case_t *kase, int previous)
{
    hs_intake_classify (self->config->rules, kase, &self->decision);
    if (self->decision.level != self->decision.rules_level)
        hs_case_add_reason (kase, "regrade");     //  a person's level holds
    hs_handling_route (self->handling, kase, self->decision.routed, self->decision.lead,
                       kase->level != previous);
}

int
hs_casework_moved (hs_casework_t *self, hs_case_t *kase, int previous, const char *kind,
                   const hs_cause_t *cause, const char *note, size_t note_size)
{
    if (kase->level == previous)
        return 0;
    if (kase->level > previous)
        hs_stats_count (self->stats, HS_STAT_ESCALATED, 1);
    hs_alert_more_t more = { .note = note, .note_size = note_size, .satisfied = -1 };
    if (hs_notices_alert (self->notices, kase, kind, previous, cause, NULL, NULL, &more))
        return -1;
    hs_log_case (HS_LOG_INFO, kase->id, kase->last_seq, cause? cause->source: NULL,
                 hs_level_name (kase->level), "case %s %s: %s to %s", kase->id, kind,
                 previous < 0? "-": hs_level_name (previous), hs_level_name (kase->level));
    return kase->level > previous? s_ladder (self, kase, previous): 0;
}

int
hs_casework_reclassify (hs_casework_t *self, hs_case_t *kase, const hs_cause_t *cause)
{
    int previous = kase->level;
    hs_casework_classify (self, kase, previous);
    return hs_casework_moved (self, kase, previous, "escalated", cause, NULL, 0);
}

int
hs_casework_began (hs_casework_t *self, hs_case_t *kase, const hs_cause_t *cause)
{
    bool enterprise = false;
    if (hs_warnings_case (self->warnings, kase, &enterprise))
        return -1;
    if (!enterprise || (kase->flags & (1u << HS_FLAG_REPEAT)))
        return 0;
    //  The newest of repeated disputes is flagged; the rules see the flag,
    //  and the alert says why.
    kase->flags |= 1u << HS_FLAG_REPEAT;
    int previous = kase->level;
    hs_casework_classify (self, kase, previous);
    hs_case_add_reason (kase, "warning.enterprise");
    return hs_casework_moved (self, kase, previous, "escalated", cause, NULL, 0);
}

int
hs_casework_reopen (hs_casework_t *self, hs_case_t *kase, const hs_cause_t *cause,
                    const hs_alert_more_t *more)
{
    bool was_closed = kase->closed;
    kase->closed = false;
    kase->stage = HS_STAGE_OPEN;
    kase->reopened++;
    hs_handling_reopen (self->handling, kase, true);
    if (hs_filing_reopened (self->filing, kase)
    ||  hs_notices_alert (self->notices, kase, "reopened", -1, cause, NULL, NULL, more))
        return -1;
    return was_closed? hs_casework_began (self, kase, cause): 0;
}

int
hs_casework_close (hs_casework_t *self, hs_case_t *kase, const hs_cause_t *cause,
                   const hs_alert_more_t *more)
{
    kase->closed = true;
    kase->stage = HS_STAGE_CLOSED;
    kase->muted_until = 0;              //  out of supervision: the close says so
    hs_handling_stop (kase);
    if (hs_filing_closed (self->filing, kase)
    ||  hs_notices_alert (self->notices, kase, "closed", -1, cause, NULL, NULL, more))
        return -1;
    hs_log_case (HS_LOG_INFO, kase->id, kase->last_seq, cause? cause->source: NULL, "closed",
                 "case %s closed", kase->id);
    return 0;
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
    hs_case_t *kase = self->cases [0];
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
    }
    else {
        previous_level = kase->level;
        hs_case_merge (kase, seq, report);
    }
    hs_casework_classify (self, kase, previous_level);
    hs_event_t event = {
        .seq = seq, .type = "report", .topic = msg->topic, .case_id = kase->id,
        .body = msg->body, .body_size = msg->body_size, .level = self->decision.level,
        .reasons = self->decision.reasons, .rules_version = hs_rules_version (self->config->rules)
    };
    if (hs_txn_record (self->txn, &event))
        return -1;
    msg->seq = seq;
    hs_stats_count (self->stats, HS_STAT_REPORTS, 1);
    hs_log_case (HS_LOG_DEBUG, kase->id, seq, report->source, NULL, "report %s accepted",
                 report->id);
    hs_cause_t cause = { report->source, report->id, true, NULL };
    if (is_new) {
        rc = hs_notices_alert (self->notices, kase, "new", -1, &cause, NULL, NULL, NULL);
        hs_log_case (HS_LOG_INFO, kase->id, kase->last_seq, report->source,
                     hs_level_name (kase->level), "case %s opened: %s, %s", kase->id,
                     hs_level_name (kase->level), kase->street);
        if (rc == 0)
            rc = s_ladder (self, kase, -1);
        //  A new dispute counts in the early-warning windows; a report
        //  that joins an open case is the same dispute and never does.
        if (rc == 0)
            rc = hs_casework_began (self, kase, &cause);
    }
    else
        rc = hs_casework_moved (self, kase, previous_level, "escalated", &cause, NULL, 0);
    if (rc == 0)
        rc = hs_casework_save (self, kase);
    return rc? -1: 0;
}

int
hs_casework_update (void *arg, hs_msg_t *msg)
{
    hs_casework_t *self = (hs_casework_t *) arg;
    hs_update_t *update = &msg->as.update;
    hs_case_t *kase = self->cases [0];
    int rc = hs_casework_load (self, update->case_id, kase);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        hs_why (&msg->why, "unknown_case", "no case '%s'", update->case_id);
        return 1;
    }
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    const hs_handler_t *handler = hs_case_handler (kase, update->source);
    bool routed = handler && handler->state != HS_HANDLER_REMOVED;
    if (!hs_policy_may (policy, HS_ACT_UPDATE, update->source, routed)) {
        hs_why (&msg->why, "not_routed", "unit '%s' is not routed on case '%s'",
                update->source, update->case_id);
        return 1;
    }
    bool close = update->status == HS_STATUS_CLOSED;
    if (close && !hs_policy_may (policy, HS_ACT_CLOSE, update->source, false)) {
        char who [128];
        hs_policy_who (policy, HS_ACT_CLOSE, who, sizeof (who));
        hs_why (&msg->why, "not_authorized", "only %s may close a case: '%s' reports it "
                "resolved (办结) for review", who, update->source);
        return 1;
    }
    if (hs_filing_refuse (kase, &msg->why))
        return 1;
    if (kase->stage == HS_STAGE_MERGED
    || (kase->stage == HS_STAGE_CLOSED && update->status != HS_STATUS_FAILED)) {
        hs_why (&msg->why, "case_closed", "case '%s' is %s%s%s", kase->id,
                hs_stage_name (kase->stage), *kase->merged_into? " into ": "", kase->merged_into);
        return 1;
    }
    if (close && kase->stage != HS_STAGE_RESOLVED) {
        hs_why (&msg->why, "bad_state", "case '%s' is not resolved by its lead yet", kase->id);
        return 1;
    }
    if (kase->stage != HS_STAGE_CLOSED && !close
    &&  hs_handling_check (self->handling, kase, update, &msg->why))
        return 1;
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
    hs_cause_t cause = { update->source, update->id, false, update->person };
    hs_alert_more_t more = { .note = update->note, .note_size = update->note_size,
                             .satisfied = -1 };
    //  New facts first (a growing crowd rises through the rules, once),
    //  then the unit's own step; a case closed opens again first.
    int64_t workers = kase->workers, amount = kase->amount;
    uint32_t flags = kase->flags;
    if (!close)
        hs_case_facts_join (kase, update->workers, update->amount, update->flags);
    bool moved = kase->workers != workers || kase->amount != amount || kase->flags != flags;
    if (kase->stage == HS_STAGE_CLOSED)     //  failed after closure: open again
        rc = hs_casework_reopen (self, kase, &cause, &more)
          || (moved && hs_casework_reclassify (self, kase, &cause))? -1: 0;
    else
    if (close)
        rc = hs_casework_close (self, kase, &cause, &more);
    else {
        rc = moved? hs_casework_reclassify (self, kase, &cause): 0;
        if (rc == 0)
            rc = hs_handling_update (self->handling, kase, update, &cause);
    }
    if (rc == 0)
        rc = hs_casework_save (self, kase);
    return rc? -1: 0;
}

int
hs_casework_timer (hs_casework_t *self, const hs_timer_t *timer)
{
    if (timer->kind != HS_TIMER_SUPERVISE)
        return 0;                       //  a 0.4 clock: the upgrade set new ones
    hs_case_t *kase = self->cases [0];
    int rc = hs_casework_load (self, timer->id, kase);
    if (rc)
        return rc < 0? -1: 0;
    if (hs_handling_timer (self->handling, kase, timer))
        return -1;
    return hs_casework_save (self, kase);
}

//  A store from before the count of overdue cases was kept.
static int
s_overdue_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) key;
    (void) key_size;
    hs_casework_t *self = (hs_casework_t *) arg;
    if (hs_case_decode (data, size, self->cases [0]) == 0)
        self->overdue_delta += self->cases [0]->overdue_sent && !self->cases [0]->closed;
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

//  A store from before per-unit handling (0.4): every open case's routed
//  units become handlers, those that ever sent an update signed, and its
//  one clock carries over as the lead's progress clock.
typedef struct {
    hs_casework_t *self;
    zlistx_t *ids;              //  the cases' ids
    const char *units [HS_CASE_MAX_UNITS + 1];  //  units that sent an update
    size_t unit_count;
    char names [HS_CASE_MAX_UNITS][HS_CODE_MAX + 1];
} s_handling_up_t;

static int
s_open_visit (uint64_t first_seq, const hs_case_summary_t *summary, void *arg)
{
    (void) first_seq;
    zlistx_add_end (((s_handling_up_t *) arg)->ids, (void *) summary->id);
    return 0;
}

static int
s_updater_visit (uint64_t seq, const char *type, void *arg)
{
    s_handling_up_t *up = (s_handling_up_t *) arg;
    hs_event_read_t event;
    if (!streq (type, "update") || up->unit_count >= HS_CASE_MAX_UNITS
    ||  hs_ledger_event (hs_txn_store (up->self->txn), seq, &event)
    ||  strncmp (event.topic, "update.", 7))
        return 0;
    const char *unit = event.topic + 7;
    if (!hs_zpl_words_have (up->units, unit)) {
        hs_strcpy (up->names [up->unit_count], HS_CODE_MAX + 1, unit);
        up->units [up->unit_count] = up->names [up->unit_count];
        up->units [++up->unit_count] = NULL;
    }
    return 0;
}

static int
s_handling_work (void *arg)
{
    hs_casework_t *self = (hs_casework_t *) arg;
    hs_store_t *store = hs_txn_store (self->txn);
    s_handling_up_t up = { .self = self, .ids = zlistx_new () };
    zlistx_set_duplicator (up.ids, (zlistx_duplicator_fn *) strdup);
    zlistx_set_destructor (up.ids, (zlistx_destructor_fn *) zstr_free);
    int rc = hs_cases_walk (store, false, 0, s_open_visit, &up);
    size_t count = 0;
    hs_case_t *kase = self->cases [0];
    for (const char *id = (const char *) zlistx_first (up.ids); rc == 0 && id;
         id = (const char *) zlistx_next (up.ids)) {
        if (hs_casework_load (self, id, kase) || !kase->legacy)
            continue;
        if (kase->closed) {             //  closed: its stage is all it lacks
            kase->legacy = false;
            rc = hs_casework_save (self, kase);
            continue;
        }
        up.unit_count = 0;
        up.units [0] = NULL;
        rc = hs_ledger_history_walk (store, id, s_updater_visit, &up)
          || hs_handling_upgrade (self->handling, kase, up.units)
          || hs_casework_save (self, kase)? -1: 0;
        count++;
    }
    zlistx_destroy (&up.ids);
    if (rc == 0 && count)
        hs_log_notice ("hs_casework: %zu open cases given per-unit handling (a store from "
                       "before 0.5); their clocks carry over", count);
    return rc? -1: hs_store_meta_put (store, HS_META_HANDLING, 1);
}

static int
s_handling_upgrade (hs_casework_t *self)
{
    hs_store_t *store = hs_txn_store (self->txn);
    uint64_t done = 0;
    if (hs_store_view_begin (store))
        return -1;
    int rc = hs_store_meta_get (store, HS_META_HANDLING, 0, &done);
    hs_store_view_end (store);
    return rc? -1: done? 0: hs_txn_run (self->txn, s_handling_work, self);
}

//  Store format 3: every case record in the compact form.
static int
s_compact_upgrade (hs_casework_t *self)
{
    hs_cases_compaction_t up = { .store = hs_txn_store (self->txn) };
    uint64_t format = 0;
    if (hs_store_view_begin (up.store))
        return -1;
    int rc = hs_store_meta_get (up.store, HS_META_FORMAT, 0, &format);
    hs_store_view_end (up.store);
    size_t rewritten = 0;
    while (rc == 0 && format < 3) {
        rc = hs_txn_run (self->txn, hs_cases_compact_work, &up);
        rewritten += rc? 0: up.chunk;
        if (rc || up.done)
            break;
        memcpy (up.from, up.next, up.next_size);    //  committed: on to the next chunk
        up.from_size = up.next_size;
    }
    if (rc == 0 && rewritten)
        hs_log_notice ("hs_casework: %zu case records rewritten compact (store format 3)",
                       rewritten);
    return rc? -1: 0;
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
    if (rc == 0)
        rc = s_handling_upgrade (self);
    if (rc == 0)
        rc = s_compact_upgrade (self);
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
        if (taken [index].kind != HS_TIMER_QUORUM && taken [index].kind != HS_TIMER_ACTION
        &&  taken [index].kind != HS_TIMER_MINUTES && taken [index].kind != HS_TIMER_PROMPT
        &&  taken [index].kind != HS_TIMER_PROPOSAL
        &&  hs_casework_timer (clock->casework, &taken [index]))
            return -1;
    clock->fired += count;
    return 0;
}

static void s_test_settle_yes (void *arg) { hs_timers_settle ((hs_timers_t *) arg, true); }
static void s_test_settle_no (void *arg) { hs_timers_settle ((hs_timers_t *) arg, false); }

void
hs_casework_test_message (hs_msg_t *msg, hs_pack_t *pack, const char *id, const char *source,
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
    hs_casework_test_message (msg, pack, "a1", "street.caoyang", 12, NULL, 0);
    assert (hs_txn_run (txn, s_test_report, &test) == 0 && test.rc == 0 && msg->seq == 1);
    char *topic = zstr_recv (watcher);
    assert (topic && streq (topic, "alert.significant.caoyang"));
    zstr_free (&topic);
    zsock_flush (watcher);
    assert (hs_timers_next (timers) > 1780000000000LL);
    //  The same enterprise, 35 workers: it joins the case, which rises.
    hs_casework_test_message (msg, pack, "u1", "union", 35, NULL, 0);
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
    hs_casework_test_message (msg, pack, "c1", "court", 0, "putuo-1", HS_STATUS_MEDIATING);
    assert (hs_txn_run (txn, s_test_update, &test) == 0 && test.rc == 1);
    assert (streq (msg->why.code, "not_routed"));

    //  Days later (a few hundred milliseconds) nobody has reported
    //  progress: the overdue alert, to the office.
    zclock_sleep (300);
    s_clock_t clock = { casework, timers, txn, 0 };
    assert (hs_txn_run (txn, s_test_clock, &clock) == 0 && clock.fired >= 1);
    //  Supervision: notices to units late on their clocks; the level stays.
    assert (hs_stats_get (stats, HS_STAT_OVERDUE) >= 1);
    zmsg_t *alert = zmsg_recv (watcher);
    assert (alert);
    char *first = zmsg_popstr (alert);
    assert (first && streq (first, "alert.major.caoyang"));
    zstr_free (&first);
    zframe_t *body = zmsg_last (alert);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0);
    char kind [16];
    assert (hs_proto_strcpy (hs_proto_get (&unpacked.data, "kind"), kind, sizeof (kind)) == 0);
    assert (streq (kind, "supervision"));
    assert (hs_proto_get (&unpacked.data, "rung") && hs_proto_get (&unpacked.data, "clock"));
    msgpack_unpacked_destroy (&unpacked);
    zmsg_destroy (&alert);
    zsock_flush (watcher);
    //  The office may not close what the lead has not resolved; a
    //  co-handler's resolution is its part only.
    hs_casework_test_message (msg, pack, "o1", "office", 0, "putuo-1", HS_STATUS_CLOSED);
    assert (hs_txn_run (txn, s_test_update, &test) == 0 && test.rc == 1);
    assert (streq (msg->why.code, "bad_state"));
    hs_casework_test_message (msg, pack, "j1", "justice", 0, "putuo-1", HS_STATUS_RESOLVED);
    assert (hs_txn_run (txn, s_test_update, &test) == 0 && test.rc == 0);
    assert (hs_stats_get (stats, HS_STAT_RESOLVED) == 0);
    //  The hrss leads at major: it resolves (办结), the office closes it:
    //  out of supervision, the count follows.
    hs_casework_test_message (msg, pack, "h1", "hrss", 0, "putuo-1", HS_STATUS_RESOLVED);
    assert (hs_txn_run (txn, s_test_update, &test) == 0 && test.rc == 0);
    assert (hs_stats_get (stats, HS_STAT_RESOLVED) == 1);
    hs_casework_test_message (msg, pack, "o2", "office", 0, "putuo-1", HS_STATUS_CLOSED);
    assert (hs_txn_run (txn, s_test_update, &test) == 0 && test.rc == 0);
    assert (hs_store_view_begin (fixture->store) == 0);
    assert (hs_store_meta_get (fixture->store, HS_META_OPEN_CASES, 0, &open_cases) == 0
         && open_cases == 0);
    hs_store_view_end (fixture->store);
    //  A street's `closed` is not the office's review.
    hs_casework_test_message (msg, pack, "s9", "street.caoyang", 0, "putuo-1", HS_STATUS_CLOSED);
    assert (hs_txn_run (txn, s_test_update, &test) == 0 && test.rc == 1);
    assert (streq (msg->why.code, "not_authorized"));

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
