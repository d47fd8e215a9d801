/*  =========================================================================
    hs_meetings - meetings: requests, answers, quorum, minutes

    A meeting's id is "<district>-m<seq of its request>". The lead unit
    must attend for a quorum, so it is always invited.
    =========================================================================
*/

#include "hs_meetings.h"
#include "hs_actions.h"
#include "hs_proposals.h"
#include "hs_cases.h"
#include "hs_ledger.h"

struct _hs_meetings_t {
    hs_txn_t *txn;              //  borrowed
    hs_stats_t *stats;          //  borrowed
    hs_notices_t *notices;      //  borrowed
    hs_timers_t *timers;        //  borrowed
    hs_config_t *config;        //  borrowed
    hs_meeting_rec_t *meeting;  //  the meeting in hand
    hs_meeting_rec_t *older;    //  a request a later one supersedes
    hs_case_t *kase;            //  a case in hand
    hs_actions_t *actions;      //  borrowed: the minutes' action items, or NULL
    hs_proposals_t *proposals;  //  borrowed: the proposals meetings decide, or NULL
    hs_pack_t *body;            //  a body being packed
    hs_pack_t *record;          //  a record being packed
};

bool
hs_meetings_quorum (const hs_meeting_rec_t *meeting, const hs_policy_t *policy)
{
    return hs_meeting_rec_quorum (meeting, policy->lead, policy->quorum_percent);
}

hs_meetings_t *
hs_meetings_new (hs_txn_t *txn, hs_stats_t *stats, hs_notices_t *notices, hs_timers_t *timers,
                 hs_config_t *config)
{
    hs_meetings_t *self = (hs_meetings_t *) zmalloc (sizeof (hs_meetings_t));
    self->txn = txn;
    self->stats = stats;
    self->notices = notices;
    self->timers = timers;
    self->config = config;
    self->meeting = (hs_meeting_rec_t *) zmalloc (sizeof (hs_meeting_rec_t));
    self->older = (hs_meeting_rec_t *) zmalloc (sizeof (hs_meeting_rec_t));
    self->kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    self->body = hs_pack_new ();
    self->record = hs_pack_new ();
    return self;
}

void
hs_meetings_destroy (hs_meetings_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_meetings_t *self = *self_p;
        free (self->meeting);
        free (self->older);
        free (self->kase);
        hs_pack_destroy (&self->body);
        hs_pack_destroy (&self->record);
        free (self);
        *self_p = NULL;
    }
}

void hs_meetings_set_config (hs_meetings_t *self, hs_config_t *config) { self->config = config; }
void hs_meetings_set_actions (hs_meetings_t *self, hs_actions_t *actions) { self->actions = actions; }
void hs_meetings_set_proposals (hs_meetings_t *self, hs_proposals_t *proposals) { self->proposals = proposals; }
const hs_meeting_rec_t *hs_meetings_last (hs_meetings_t *self) { return self->meeting; }

//  The case's earlier special meeting, not held, is closed for `successor`
//  (meeting.closed to those it went to): never reminded, never short of a
//  quorum. Returns 0 or -1.
static int
s_supersede (hs_meetings_t *self, hs_case_t *kase, const char *successor)
{
    hs_store_t *store = hs_txn_store (self->txn);
    hs_meeting_rec_t *older = self->older;
    int rc = *kase->meeting? hs_meeting_table_load (store, kase->meeting, older): 1;
    if (rc)
        return rc < 0? -1: 0;
    if (older->held || *older->superseded_by)
        return 0;
    hs_strcpy (older->superseded_by, sizeof (older->superseded_by), successor);
    const char *to [HS_MEETING_MAX_INVITED + HS_MEETING_MAX_CHAIRS + 1];
    size_t count = 0;
    for (size_t index = 0; index < older->chair_count; index++)
        to [count++] = older->chairs [index];
    for (size_t index = 0; index < older->invited_count; index++)
        to [count++] = older->invited [index];
    to [count] = NULL;
    const char *reasons [] = { "superseded", NULL };
    hs_meeting_closed_t closed = {
        .seq = hs_txn_next_seq (self->txn), .meeting_id = older->id, .case_id = kase->id,
        .superseded_by = successor, .to = to, .reasons = reasons, .at = hs_txn_now (self->txn)
    };
    hs_pack_reset (self->body);
    hs_meeting_closed_encode (&closed, self->body);
    kase->last_seq = closed.seq;
    hs_event_t event = {
        .seq = closed.seq, .type = "meeting", .topic = "meeting.closed", .case_id = kase->id,
        .body = hs_pack_data (self->body), .body_size = hs_pack_size (self->body), .level = -1
    };
    return hs_txn_emit (self->txn, &event)
        || hs_meeting_table_save (store, older, self->record)? -1: 0;
}

//  A meeting requested: published, stored, its quorum checked at half the
//  time to `deadline`, its minutes due `meetings/minutes_due` after it.
static int
s_request (hs_meetings_t *self, const char *kind, hs_case_t *kase,
           const char *const *participants, const char *const *chairs, const char *urgency,
           int64_t deadline, const char *const *reasons, const hs_call_t *call)
{
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    int64_t now = hs_txn_now (self->txn);
    uint64_t seq = hs_txn_next_seq (self->txn);
    char meeting_id [HS_ID_MAX + 1];
    snprintf (meeting_id, sizeof (meeting_id), "%s-m%llu", self->config->district,
              (unsigned long long) seq);
    hs_meeting_t request = {
        .seq = seq, .meeting_id = meeting_id, .case_id = kase? kase->id: NULL, .kind = kind,
        .level = kase? kase->level: -1, .participants = participants, .chairs = chairs,
        .urgency = urgency, .deadline = deadline, .reasons = reasons, .call = call, .at = now
    };
    hs_pack_reset (self->body);
    hs_meeting_encode (&request, self->body);
    hs_stats_count (self->stats, HS_STAT_MEETINGS, 1);
    if (kase)
        kase->last_seq = seq;
    hs_event_t event = {
        .seq = seq, .type = "meeting", .topic = "meeting.request", .case_id = kase? kase->id: NULL,
        .body = hs_pack_data (self->body), .body_size = hs_pack_size (self->body), .level = -1,
        .meeting = &request
    };
    if (hs_txn_emit (self->txn, &event))
        return -1;
    hs_meeting_rec_init (self->meeting, meeting_id, kind, kase? kase->level: -1,
                         kase? kase->id: NULL, kase? kase->street: "", participants,
                         chairs, urgency, now, deadline);
    if (streq (kind, "office"))
        hs_meeting_rec_invite (self->meeting, "office");
    else
        hs_meeting_rec_invite (self->meeting, policy->lead);
    for (uint32_t index = 0; call && call->cases && index < call->cases->via.array.size; index++) {
        char case_id [HS_ID_MAX + 1];
        if (hs_proto_strcpy (&call->cases->via.array.ptr [index], case_id, sizeof (case_id)) == 0)
            hs_meeting_rec_add_case (self->meeting, case_id);
    }
    if (hs_meeting_table_save (hs_txn_store (self->txn), self->meeting, self->record)
    || (kase && s_supersede (self, kase, meeting_id)))
        return -1;
    if (kase)
        hs_strcpy (kase->meeting, sizeof (kase->meeting), meeting_id);
    return hs_timers_add (self->timers, now + (deadline - now) / 2, HS_TIMER_QUORUM, meeting_id)
        || hs_timers_add (self->timers, deadline + policy->minutes_due_ms, HS_TIMER_MINUTES,
                          meeting_id)? -1: 0;
}

int
hs_meetings_request (hs_meetings_t *self, const char *kind, hs_case_t *kase,
                     const char *const *participants, const char *urgency, int64_t deadline_ms,
                     const char *const *reasons)
{
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    return s_request (self, kind, kase, participants, policy->chairs, urgency,
                      hs_txn_now (self->txn) + deadline_ms, reasons, NULL);
}

//  Does every case of `cases` (checked case ids, or NULL) exist? Returns
//  0, 1 with `why` set, -1 if the store failed.
static int
s_cases_exist (hs_meetings_t *self, const msgpack_object *cases, hs_why_t *why)
{
    for (uint32_t index = 0; cases && index < cases->via.array.size; index++) {
        char case_id [HS_ID_MAX + 1];
        hs_proto_strcpy (&cases->via.array.ptr [index], case_id, sizeof (case_id));
        int rc = hs_cases_load (hs_txn_store (self->txn), case_id, self->kase);
        if (rc) {
            if (rc == 1)
                hs_why (why, "unknown_case", "no case '%s'", case_id);
            return rc;
        }
    }
    return 0;
}

int
hs_meetings_call (void *arg, hs_msg_t *msg)
{
    hs_meetings_t *self = (hs_meetings_t *) arg;
    const hs_call_t *call = &msg->as.call;
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    bool plenary = streq (call->kind, "plenary");
    hs_act_t may = plenary? HS_ACT_PLENARY: HS_ACT_OFFICE_MEETING;
    if (!hs_policy_may (policy, may, call->source, false)) {
        char who [160];
        hs_policy_who (policy, may, who, sizeof (who));
        hs_why (&msg->why, "not_authorized", "only %s calls %s, not '%s'", who,
                plenary? "a plenary (全体会议)": "an office meeting (办公室会议)", call->source);
        return 1;
    }
    if (call->time <= hs_txn_now (self->txn)) {
        hs_why (&msg->why, "bad_value", "the meeting's 'time' is not after now");
        return 1;
    }
    int rc = s_cases_exist (self, call->cases, &msg->why);
    if (rc == 0 && call->proposals)
        rc = self->proposals? hs_proposals_check_agenda (self->proposals, call->proposals,
                                                         &msg->why):
             hs_refuse (&msg->why, "bad_value", "this daemon takes no proposals");
    if (rc)
        return rc;
    msg->seq = hs_txn_next_seq (self->txn);
    hs_event_t event = {
        .seq = msg->seq, .type = "call", .topic = msg->topic, .body = msg->body,
        .body_size = msg->body_size, .level = -1
    };
    if (hs_txn_record (self->txn, &event))
        return -1;
    const char *reasons [] = { plenary? "plenary.called": "office.called", NULL };
    const char *const *participants = plenary? hs_units_members (self->config->units):
                                      hs_policy_recipients (policy, HS_NOTICE_OFFICE_MEETING);
    if (s_request (self, call->kind, NULL, participants,
                   plenary? policy->chairs: policy->office_chairs, "normal", call->time,
                   reasons, call))
        return -1;
    return call->proposals && hs_proposals_tabled (self->proposals, self->meeting->id,
                                                   call->proposals)? -1: 0;
}

int
hs_meetings_regular (hs_meetings_t *self, hs_plan_kind_t kind, int64_t time, const char *place,
                     const msgpack_object *agenda)
{
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    bool plenary = kind == HS_PLAN_PLENARY;
    const char *const *chairs = plenary? policy->chairs: policy->office_chairs;
    hs_call_t call = {
        .time = time, .place = place, .place_size = strlen (place), .agenda = agenda
    };
    hs_strcpy (call.kind, sizeof (call.kind), hs_plan_kind_name (kind));
    hs_strcpy (call.source, sizeof (call.source), chairs [0]);
    const char *reasons [] = { plenary? "plenary.scheduled": "office.scheduled", NULL };
    const char *const *participants = plenary? hs_units_members (self->config->units):
                                      hs_policy_recipients (policy, HS_NOTICE_OFFICE_MEETING);
    return s_request (self, call.kind, NULL, participants, chairs, "normal", time, reasons, &call);
}

static int
s_plenary_work (void *arg)
{
    hs_meetings_t *self = (hs_meetings_t *) arg;
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    const char *reasons [] = { "plenary.called", NULL };
    return hs_meetings_request (self, "plenary", NULL, hs_units_members (self->config->units),
                                "normal", policy->plenary_deadline_ms, reasons);
}

int
hs_meetings_plenary (hs_meetings_t *self, const char *source, const char *signer, hs_why_t *why)
{
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    char who [256];
    hs_policy_who (policy, HS_ACT_PLENARY, who, sizeof (who));
    if (!*source || !hs_policy_may (policy, HS_ACT_PLENARY, source, false)) {
        hs_why (why, "not_authorized", "only %s calls a plenary (send source = one of them)", who);
        return 1;
    }
    if (signer && !streq (signer, source)) {
        hs_why (why, "not_authorized", "a plenary for '%s' came with the key of '%s'", source, signer);
        return 1;
    }
    return hs_txn_run (self->txn, s_plenary_work, self)? -1: 0;
}

//  Load the meeting a message names. Returns 0, 1 if there is none (the
//  message is refused), or -1 if the store failed.
static int
s_named (hs_meetings_t *self, hs_msg_t *msg, const char *meeting_id)
{
    int rc = hs_meeting_table_load (hs_txn_store (self->txn), meeting_id, self->meeting);
    if (rc == 1)
        hs_why (&msg->why, "unknown_meeting", "no meeting '%s'", meeting_id);
    return rc;
}

int
hs_meetings_rsvp (void *arg, hs_msg_t *msg)
{
    hs_meetings_t *self = (hs_meetings_t *) arg;
    hs_rsvp_t *rsvp = &msg->as.rsvp;
    hs_meeting_rec_t *meeting = self->meeting;
    int rc = s_named (self, msg, rsvp->meeting_id);
    if (rc)
        return rc;
    if (*meeting->superseded_by) {
        hs_why (&msg->why, "bad_state", "meeting '%s' was closed for '%s': answer that one",
                rsvp->meeting_id, meeting->superseded_by);
        return 1;
    }
    if (hs_meeting_rec_answer (meeting, rsvp->source, rsvp->attend)) {
        hs_why (&msg->why, "not_invited", "unit '%s' is not invited to '%s'",
                rsvp->source, rsvp->meeting_id);
        return 1;
    }
    msg->seq = hs_txn_next_seq (self->txn);
    hs_event_t event = {
        .seq = msg->seq, .type = "rsvp", .topic = msg->topic,
        .case_id = meeting->case_count? meeting->cases [0]: NULL,
        .body = msg->body, .body_size = msg->body_size, .level = -1
    };
    if (hs_txn_record (self->txn, &event)
    ||  hs_meeting_table_save (hs_txn_store (self->txn), meeting, self->record))
        return -1;
    hs_stats_count (self->stats, HS_STAT_RSVPS, 1);
    return 0;
}

int
hs_meetings_minutes (void *arg, hs_msg_t *msg)
{
    hs_meetings_t *self = (hs_meetings_t *) arg;
    hs_minutes_t *minutes = &msg->as.minutes;
    hs_store_t *store = hs_txn_store (self->txn);
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    if (!hs_policy_may (policy, HS_ACT_MINUTES, msg->unit, false)) {
        char who [256];
        hs_policy_who (policy, HS_ACT_MINUTES, who, sizeof (who));
        hs_why (&msg->why, "not_authorized", "only %s records minutes, not '%s'", who, msg->unit);
        return 1;
    }
    hs_meeting_rec_t *meeting = self->meeting;
    int rc = s_named (self, msg, minutes->meeting_id);
    if (rc)
        return rc;
    for (uint32_t index = 0; minutes->followup && index < minutes->followup->via.array.size; index++) {
        char code [HS_CODE_MAX + 1];
        if (hs_proto_strcpy (&minutes->followup->via.array.ptr [index], code, sizeof (code))
        ||  !hs_units_find (self->config->units, code)) {
            hs_why (&msg->why, "unknown_unit", "follow-up unit is not a unit of ours");
            return 1;
        }
    }
    //  Every case the minutes cover must exist; they join the meeting's.
    rc = s_cases_exist (self, minutes->cases, &msg->why);
    if (rc)
        return rc;
    for (uint32_t index = 0; minutes->cases && index < minutes->cases->via.array.size; index++) {
        char case_id [HS_ID_MAX + 1];
        hs_proto_strcpy (&minutes->cases->via.array.ptr [index], case_id, sizeof (case_id));
        hs_meeting_rec_add_case (meeting, case_id);
    }
    if (minutes->actions && !self->actions) {
        hs_why (&msg->why, "bad_value", "this daemon takes no action items");
        return 1;
    }
    rc = self->actions? hs_actions_check (self->actions, meeting, minutes, &msg->why): 0;
    if (rc == 0 && minutes->proposals)
        rc = self->proposals? hs_proposals_check_decided (self->proposals, meeting->id,
                                                          minutes->proposals, &msg->why):
             hs_refuse (&msg->why, "bad_value", "this daemon takes no proposals");
    if (rc)
        return rc;
    msg->seq = hs_txn_next_seq (self->txn);
    hs_event_t event = {
        .seq = msg->seq, .type = "minutes", .topic = msg->topic, .body = msg->body,
        .body_size = msg->body_size, .level = -1
    };
    if (hs_txn_record (self->txn, &event))
        return -1;
    //  The minutes go into each covered case's history (会议纪要); a case
    //  reported upward reports the meeting's outcome (续报).
    hs_ladder_actions_t actions;
    hs_rules_actions (self->config->rules, -1, HS_LEVEL_CRITICAL, &actions);
    const char *changed [] = { "minutes", NULL };
    for (size_t index = 0; index < meeting->case_count; index++) {
        if (hs_ledger_history_add (store, meeting->cases [index], msg->seq, "minutes"))
            return -1;
        rc = hs_cases_load (store, meeting->cases [index], self->kase);
        if (rc < 0)
            return -1;
        if (rc == 0 && self->kase->upward == 1
        && (hs_notices_upward (self->notices, self->kase, self->config->district,
                               actions.escalate, "followup", changed)
        ||  hs_cases_save (store, self->kase, self->record)))
            return -1;
    }
    meeting->held = true;
    hs_stats_count (self->stats, HS_STAT_MINUTES, 1);
    //  Published (会议纪要), with the action items they set, chased from now.
    if (self->actions && hs_actions_take (self->actions, meeting, minutes))
        return -1;
    //  Then the proposals they decide: upward, or closed.
    if (minutes->proposals
    &&  hs_proposals_decided (self->proposals, meeting->id, msg->seq, minutes->proposals))
        return -1;
    return hs_meeting_table_save (store, meeting, self->record);
}

//  A meeting whose minutes are late (会议纪要 not recorded by its time +
//  meetings/minutes_due): the office is reminded, once.
static int
s_minutes_late (hs_meetings_t *self, hs_meeting_rec_t *meeting)
{
    if (meeting->held || *meeting->superseded_by)
        return 0;
    const char *const *to = hs_policy_recipients (hs_rules_policy (self->config->rules),
                                                  HS_NOTICE_MINUTES);
    const char *case_id = meeting->case_count? meeting->cases [0]: NULL;
    hs_reminder_t reminder = {
        .seq = hs_txn_next_seq (self->txn), .meeting_id = meeting->id, .case_id = case_id,
        .to = to, .about = "minutes", .deadline = meeting->deadline, .at = hs_txn_now (self->txn)
    };
    hs_pack_reset (self->body);
    hs_reminder_encode (&reminder, self->body);
    hs_stats_count (self->stats, HS_STAT_REMINDERS, 1);
    hs_event_t event = {
        .seq = reminder.seq, .type = "reminder", .topic = "meeting.reminder", .case_id = case_id,
        .body = hs_pack_data (self->body), .body_size = hs_pack_size (self->body), .level = -1
    };
    return hs_txn_emit (self->txn, &event);
}

int
hs_meetings_timer (hs_meetings_t *self, const hs_timer_t *timer)
{
    hs_store_t *store = hs_txn_store (self->txn);
    hs_meeting_rec_t *meeting = self->meeting;
    int rc = hs_meeting_table_load (store, timer->id, meeting);
    if (rc)
        return rc < 0? -1: 0;
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    if (timer->kind == HS_TIMER_MINUTES)
        return s_minutes_late (self, meeting);
    if (meeting->held || meeting->reminded || *meeting->superseded_by
    ||  hs_meetings_quorum (meeting, policy))
        return 0;
    meeting->reminded = true;
    const char *missing [HS_MEETING_MAX_INVITED + HS_MEETING_MAX_CHAIRS + 1];
    hs_meeting_rec_unanswered (meeting, missing);
    const char *case_id = meeting->case_count? meeting->cases [0]: NULL;
    hs_reminder_t reminder = {
        .seq = hs_txn_next_seq (self->txn), .meeting_id = meeting->id, .case_id = case_id,
        .to = missing, .about = "quorum", .deadline = meeting->deadline,
        .at = hs_txn_now (self->txn)
    };
    hs_pack_reset (self->body);
    hs_reminder_encode (&reminder, self->body);
    hs_stats_count (self->stats, HS_STAT_REMINDERS, 1);
    hs_event_t event = {
        .seq = reminder.seq, .type = "reminder", .topic = "meeting.reminder", .case_id = case_id,
        .body = hs_pack_data (self->body), .body_size = hs_pack_size (self->body), .level = -1
    };
    if (hs_txn_emit (self->txn, &event))
        return -1;
    const char *const *recipients = hs_policy_recipients (policy, HS_NOTICE_NO_QUORUM);
    const char *reasons [] = { "meeting.no_quorum", NULL };
    if (case_id) {
        rc = hs_cases_load (store, case_id, self->kase);
        if (rc < 0)
            return -1;
        if (rc == 0 && (hs_notices_alert (self->notices, self->kase, "warning", -1, NULL,
                                          recipients, reasons, NULL)
                    ||  hs_cases_save (store, self->kase, self->record)))
            return -1;
    }
    else {
        hs_warning_t warning = {
            .kind = "quorum", .meeting_id = meeting->id, .category = -1, .count = -1,
            .units = recipients, .reasons = reasons
        };
        if (hs_notices_warning (self->notices, &warning))
            return -1;
    }
    return hs_meeting_table_save (store, meeting, self->record);
}

//  ---------------------------------------------------------------------
//  Self test

typedef struct {
    hs_meetings_t *meetings;
    hs_msg_t *msg;
    int rc;
} s_test_t;

static int
s_test_request (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    const char *participants [] = { "hrss", "legal", "street.caoyang", NULL };
    const char *reasons [] = { "major.workers", NULL };
    return hs_meetings_request (test->meetings, "special", NULL, participants, "normal",
                                24 * 3600 * 1000LL, reasons);
}

static int
s_test_rsvp (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    test->rc = hs_meetings_rsvp (test->meetings, test->msg);
    return test->rc < 0? -1: 0;
}

static int
s_test_quorum (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    hs_timer_t timer = { 0, HS_TIMER_QUORUM, "" };
    hs_strcpy (timer.id, sizeof (timer.id), hs_meetings_last (test->meetings)->id);
    return hs_meetings_timer (test->meetings, &timer);
}

void
hs_meetings_test (bool verbose)
{
    if (verbose)
        printf (" * hs_meetings: ");
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_meetings", 1780000000000LL, 1);
    hs_config_t *config = fixture->config;
    hs_txn_t *txn = fixture->txn;
    zsock_t *watcher = hs_txn_fixture_watch (fixture, "");
    hs_stats_t *stats = hs_stats_new (txn);
    hs_notices_t *notices = hs_notices_new (txn, stats);
    hs_timers_t *timers = hs_timers_new (fixture->store);
    hs_meetings_t *meetings = hs_meetings_new (txn, stats, notices, timers, config);
    hs_msg_t *msg = (hs_msg_t *) zmalloc (sizeof (hs_msg_t));
    s_test_t test = { meetings, msg, 0 };

    //  A request: stored, published, the lead always invited.
    assert (hs_txn_run (txn, s_test_request, &test) == 0);
    const hs_meeting_rec_t *meeting = hs_meetings_last (meetings);
    assert (streq (meeting->id, "putuo-m1") && meeting->invited_count == 3);
    char *topic = zstr_recv (watcher);
    assert (topic && streq (topic, "meeting.request"));
    zstr_free (&topic);
    zsock_flush (watcher);

    //  An answer from an invited unit counts; one from another is refused.
    msg->kind = HS_MSG_RSVP;
    msg->topic = "rsvp.legal";
    msg->body = (const uint8_t *) "\x80";
    msg->body_size = 1;
    strcpy (msg->as.rsvp.source, "legal");
    strcpy (msg->as.rsvp.meeting_id, "putuo-m1");
    msg->as.rsvp.attend = true;
    assert (hs_txn_run (txn, s_test_rsvp, &test) == 0 && test.rc == 0 && msg->seq > 1);
    strcpy (msg->as.rsvp.source, "court");
    assert (hs_txn_run (txn, s_test_rsvp, &test) == 0 && test.rc == 1);
    assert (streq (msg->why.code, "not_invited"));
    strcpy (msg->as.rsvp.meeting_id, "putuo-m99");
    assert (hs_txn_run (txn, s_test_rsvp, &test) == 0 && test.rc == 1);
    assert (streq (msg->why.code, "unknown_meeting"));

    //  At half the deadline, no quorum: those who have not answered are
    //  reminded, and the no-quorum recipients warned (a plenary: no case).
    assert (hs_txn_run (txn, s_test_quorum, &test) == 0);
    topic = zstr_recv (watcher);
    assert (topic && streq (topic, "meeting.reminder"));
    zstr_free (&topic);
    zsock_flush (watcher);
    topic = zstr_recv (watcher);
    assert (topic && streq (topic, "warning.quorum"));
    zstr_free (&topic);
    zsock_flush (watcher);
    assert (hs_stats_get (stats, HS_STAT_REMINDERS) == 1);
    //  Once only.
    assert (hs_txn_run (txn, s_test_quorum, &test) == 0);
    assert (hs_stats_get (stats, HS_STAT_REMINDERS) == 1);

    //  A plenary is the convener's to call.
    hs_why_t why;
    assert (hs_meetings_plenary (meetings, "hrss", NULL, &why) == 1);
    assert (streq (why.code, "not_authorized") && strstr (why.detail, "convener"));
    assert (hs_meetings_plenary (meetings, "convener", "hrss", &why) == 1);
    assert (hs_meetings_plenary (meetings, "convener", NULL, &why) == 0);
    assert (streq (hs_meetings_last (meetings)->kind, "plenary"));

    free (msg);
    hs_meetings_destroy (&meetings);
    hs_timers_destroy (&timers);
    hs_notices_destroy (&notices);
    hs_stats_destroy (&stats);
    zsock_destroy (&watcher);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
