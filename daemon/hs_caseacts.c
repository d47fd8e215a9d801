/*  =========================================================================
    hs_caseacts - what people of the mechanism decide on a case

    Every check comes before anything is stored, so that a refused act
    leaves no trace but its dead letter. A merge joins the absorbed case's
    history to the target's (up to HS_CASEACTS_HISTORY entries); a split
    reads the case's stored reports again to fold its facts without the
    one split off.
    =========================================================================
*/

#include "hs_caseacts.h"
#include "hs_filing.h"
#include "hs_cases.h"
#include "hs_intake.h"
#include "hs_ledger.h"
#include "hs_log.h"

#define HS_CASEACTS_HISTORY 10000       //  history entries a merge copies

struct _hs_caseacts_t {
    hs_casework_t *casework;    //  borrowed
    hs_stats_t *stats;          //  borrowed
    hs_notices_t *notices;      //  borrowed
    hs_config_t *config;        //  borrowed
    hs_case_t *split;           //  a case split off, in hand
};

hs_caseacts_t *
hs_caseacts_new (hs_casework_t *casework, hs_stats_t *stats, hs_notices_t *notices,
                 hs_config_t *config)
{
    hs_caseacts_t *self = (hs_caseacts_t *) zmalloc (sizeof (hs_caseacts_t));
    self->casework = casework;
    self->stats = stats;
    self->notices = notices;
    self->config = config;
    self->split = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    return self;
}

void
hs_caseacts_destroy (hs_caseacts_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        free ((*self_p)->split);
        free (*self_p);
        *self_p = NULL;
    }
}

void hs_caseacts_set_config (hs_caseacts_t *self, hs_config_t *config) { self->config = config; }

//  The authority each act needs.
static const hs_act_t s_authority [HS_CASE_ACT_COUNT] = {
    [HS_CASE_ACT_CLOSE] = HS_ACT_CLOSE, [HS_CASE_ACT_REJECT_CLOSURE] = HS_ACT_REJECT_CLOSURE,
    [HS_CASE_ACT_FOLLOWUP] = HS_ACT_FOLLOWUP, [HS_CASE_ACT_REGRADE] = HS_ACT_REGRADE,
    [HS_CASE_ACT_MERGE] = HS_ACT_MERGE, [HS_CASE_ACT_SPLIT] = HS_ACT_SPLIT,
    [HS_CASE_ACT_MUTE] = HS_ACT_MUTE, [HS_CASE_ACT_UNMUTE] = HS_ACT_MUTE,
    [HS_CASE_ACT_REROUTE] = HS_ACT_REROUTE, [HS_CASE_ACT_INSIST] = HS_ACT_REROUTE
};

static hs_store_t *
s_store (hs_caseacts_t *self)
{
    return hs_txn_store (hs_casework_txn (self->casework));
}

//  A stored report read again: the event at `seq` decoded, its street one
//  of ours still; `event_case` (HS_ID_MAX + 1) the case it came with.
//  `unpacked` holds what `report` borrows. Returns 0, 1 if it is not a
//  report that reads again (`why` says so), -1 if the store failed.
static int
s_reread (hs_caseacts_t *self, uint64_t seq, msgpack_unpacked *unpacked, hs_report_t *report,
          const hs_unit_t **street, char *event_case, hs_why_t *why)
{
    hs_event_read_t event;
    int rc = hs_ledger_event (s_store (self), seq, &event);
    if (rc)
        return rc < 0? -1: hs_refuse (why, "bad_value", "no event %llu", (unsigned long long) seq);
    if (!streq (event.type, "report"))
        return hs_refuse (why, "bad_value", "event %llu is not a report", (unsigned long long) seq);
    hs_strcpy (event_case, HS_ID_MAX + 1, event.case_id);
    hs_limits_t limits;
    hs_limits_stored (&limits);
    hs_why_t failed;
    if (hs_proto_unpack_map (event.body, event.body_size, &limits, unpacked, &failed)
    ||  hs_report_decode (&unpacked->data, &limits, INT64_MAX / 4, report, &failed)
    ||  hs_intake_street (self->config->units, report, street, &failed))
        return hs_refuse (why, "bad_value", "report %llu does not read again: %s",
                         (unsigned long long) seq, failed.detail);
    return 0;
}

//  The checks of each act on `kase` (and `other`, a merge's target, or a
//  split's report read into `report`). Returns 0 or 1 with `why`.
static int
s_check (hs_caseacts_t *self, const hs_case_act_t *act, hs_case_t *kase, hs_case_t *other,
         hs_why_t *why)
{
    int64_t now = hs_txn_now (hs_casework_txn (self->casework));
    if (kase->stage == HS_STAGE_MERGED)
        return hs_refuse (why, "bad_state", "case '%s' was merged into '%s'", kase->id,
                          kase->merged_into);
    if (hs_filing_refuse (kase, why))
        return 1;
    bool closed = kase->stage == HS_STAGE_CLOSED;
    switch (act->act) {
        case HS_CASE_ACT_CLOSE:
        case HS_CASE_ACT_REJECT_CLOSURE:
            if (kase->stage != HS_STAGE_RESOLVED)
                return hs_refuse (why, "bad_state", "case '%s' is %s, not resolved by its lead",
                                  kase->id, hs_stage_name (kase->stage));
            return 0;
        case HS_CASE_ACT_FOLLOWUP:
            if (!closed)
                return hs_refuse (why, "bad_state", "case '%s' is not closed: a follow-up (回访) "
                                  "comes after closure", kase->id);
            return 0;
        case HS_CASE_ACT_REGRADE:
            if (act->level == kase->level)
                return hs_refuse (why, "bad_value", "case '%s' is %s already", kase->id,
                                  hs_level_name (kase->level));
            break;
        case HS_CASE_ACT_MERGE: {
            if (streq (act->into, kase->id))
                return hs_refuse (why, "bad_value", "a case cannot be merged into itself");
            int rc = hs_casework_load (self->casework, act->into, other);
            if (rc < 0)
                return -1;
            if (rc == 1)
                return hs_refuse (why, "unknown_case", "no case '%s'", act->into);
            if (other->closed || kase->closed)
                return hs_refuse (why, "bad_state", "both cases must be open to merge");
            return 0;
        }
        case HS_CASE_ACT_SPLIT: {
            if ((uint64_t) act->report == kase->first_seq)
                return hs_refuse (why, "bad_value", "seq %lld is case '%s''s first report",
                                  (long long) act->report, kase->id);
            int rc = hs_ledger_history_has (s_store (self), kase->id, (uint64_t) act->report);
            if (rc)
                return rc < 0? -1: hs_refuse (why, "bad_value", "seq %lld is not in case '%s'",
                                             (long long) act->report, kase->id);
            msgpack_unpacked unpacked;
            msgpack_unpacked_init (&unpacked);
            hs_report_t report;
            const hs_unit_t *street;
            char event_case [HS_ID_MAX + 1];
            rc = s_reread (self, (uint64_t) act->report, &unpacked, &report, &street, event_case,
                           why);
            msgpack_unpacked_destroy (&unpacked);
            if (rc)
                return rc;
            //  A case merged in keeps its reports: its own first one above all.
            if (!streq (event_case, kase->id))
                return hs_refuse (why, "bad_value", "report %lld came with case '%s', merged into "
                                  "'%s': it stays", (long long) act->report, event_case, kase->id);
            break;
        }
        case HS_CASE_ACT_MUTE:
            if (act->until <= now || act->until > now + hs_rules_policy (self->config->rules)->mute_max_ms)
                return hs_refuse (why, "bad_value", "'until' must be after now and within "
                                  "supervision/mute_max");
            break;
        case HS_CASE_ACT_UNMUTE:
            if (!kase->muted_until)
                return hs_refuse (why, "bad_state", "case '%s' is not muted", kase->id);
            break;
        default:
            break;
    }
    if (closed)
        return hs_refuse (why, "bad_state", "case '%s' is closed: re-open it first (a failed "
                         "update, an unsatisfied follow-up)", kase->id);
    return 0;
}

static int
s_merge (hs_caseacts_t *self, hs_msg_t *msg, hs_case_t *kase, hs_case_t *into)
{
    const hs_case_act_t *act = &msg->as.act;
    //  The act itself is in both histories, however long the joined one.
    if (hs_ledger_history_add (s_store (self), into->id, msg->seq, "act"))
        return -1;
    hs_case_absorb (into, kase);
    //  Its units that the target lacks handle it too, from now.
    const char *adopted [HS_CASE_MAX_HANDLERS + 1];
    size_t count = 0;
    for (size_t index = 0; index < kase->handler_count; index++)
        if (hs_handler_active (&kase->handlers [index]))
            adopted [count++] = kase->handlers [index].unit;
    adopted [count] = NULL;
    hs_handling_route (hs_casework_handling (self->casework), into, adopted, NULL, false);
    kase->closed = true;
    kase->stage = HS_STAGE_MERGED;
    kase->muted_until = 0;              //  out of supervision: the merge says so
    hs_strcpy (kase->merged_into, sizeof (kase->merged_into), into->id);
    hs_handling_stop (kase);
    const char *reasons [] = { "merged", NULL };
    hs_alert_more_t more = { .into = into->id, .note = act->reason, .note_size = act->reason_size,
                             .satisfied = -1 };
    hs_cause_t cause = { act->source, act->id, false, act->person };
    //  The absorbed case leaves correlation before the target takes its keys.
    if (hs_notices_alert (self->notices, kase, "merged", -1, &cause, NULL, reasons, &more)
    ||  hs_ledger_history_join (s_store (self), kase->id, into->id, HS_CASEACTS_HISTORY)
    ||  hs_casework_save (self->casework, kase)
    ||  hs_casework_reclassify (self->casework, into, &cause)
    ||  hs_casework_save (self->casework, into))
        return -1;
    return 0;
}

//  Fold the case's facts again from its reports, leaving one out.
typedef struct {
    hs_caseacts_t *self;
    hs_case_t *kase;
    uint64_t skip;
    int rc;
} s_fold_t;

static int
s_fold_visit (uint64_t seq, const char *type, void *arg)
{
    s_fold_t *fold = (s_fold_t *) arg;
    if (!streq (type, "report") || seq == fold->skip)
        return 0;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    hs_report_t report;
    const hs_unit_t *street;
    char event_case [HS_ID_MAX + 1];
    hs_why_t why;
    int rc = s_reread (fold->self, seq, &unpacked, &report, &street, event_case, &why);
    if (rc == 0)
        hs_case_merge (fold->kase, seq, &report);
    msgpack_unpacked_destroy (&unpacked);
    return rc < 0? -1: 0;           //  one that does not read again is left out
}

static int
s_split (hs_caseacts_t *self, hs_msg_t *msg, hs_case_t *kase)
{
    const hs_case_act_t *act = &msg->as.act;
    hs_store_t *store = s_store (self);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    hs_report_t report;
    const hs_unit_t *street;
    char event_case [HS_ID_MAX + 1];
    hs_why_t why;
    //  Checked before (s_check): it reads again.
    int rc = s_reread (self, (uint64_t) act->report, &unpacked, &report, &street, event_case,
                       &why)? -1: 0;
    hs_case_t *split = self->split;
    if (rc == 0) {
        char case_id [HS_ID_MAX + 1];
        snprintf (case_id, sizeof (case_id), "%s-%llu", self->config->district,
                  (unsigned long long) msg->seq);
        hs_case_open (split, case_id, (uint64_t) act->report, &report, street->code);
        hs_strcpy (split->split_from, sizeof (split->split_from), kase->id);
    }
    msgpack_unpacked_destroy (&unpacked);
    if (rc)
        return -1;
    //  The old case: its facts from its other reports; its level stays
    //  (a person regrades it if it should fall).
    uint32_t repeat = kase->flags & (1u << HS_FLAG_REPEAT);
    uint64_t last_seq = kase->last_seq;
    kase->workers = 0;
    kase->amount = -1;
    kase->flags = repeat;
    kase->source_count = 0;
    kase->reports = 0;
    //  The report leaves the old case's history for the new one's.
    if (hs_ledger_history_move (store, kase->id, (uint64_t) act->report, split->id))
        return -1;
    s_fold_t fold = { self, kase, (uint64_t) act->report, 0 };
    if (hs_ledger_history_walk (store, kase->id, s_fold_visit, &fold) < 0)
        return -1;
    kase->last_seq = last_seq;
    hs_cause_t cause = { act->source, act->id, false, act->person };
    if (hs_casework_reclassify (self->casework, kase, &cause))
        return -1;
    //  The new one: a dispute of its own.
    hs_casework_classify (self->casework, split, -1);
    hs_case_add_reason (split, "split");
    hs_stats_count (self->stats, HS_STAT_CASES_OPENED, 1);
    if (hs_ledger_history_add (store, split->id, msg->seq, "act"))
        return -1;
    if (hs_casework_moved (self->casework, split, -1, "new", &cause, act->reason, act->reason_size)
    ||  hs_casework_began (self->casework, split, &cause)
    ||  hs_casework_save (self->casework, split))
        return -1;
    return 0;
}

int
hs_caseacts_act (void *arg, hs_msg_t *msg)
{
    hs_caseacts_t *self = (hs_caseacts_t *) arg;
    const hs_case_act_t *act = &msg->as.act;
    hs_casework_t *casework = self->casework;
    hs_case_t *kase = hs_casework_case (casework, 0);
    hs_case_t *other = hs_casework_case (casework, 1);
    int rc = hs_casework_load (casework, act->case_id, kase);
    if (rc < 0)
        return -1;
    if (rc == 1)
        return hs_refuse (&msg->why, "unknown_case", "no case '%s'", act->case_id);
    //  Who may: the authority table, on this case.
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    const hs_handler_t *handler = hs_case_handler (kase, act->source);
    bool routed = handler && hs_handler_active (handler);
    if (!hs_policy_may_on (policy, s_authority [act->act], act->source, routed,
                           streq (act->source, kase->street))) {
        char who [160];
        hs_policy_who (policy, s_authority [act->act], who, sizeof (who));
        return hs_refuse (&msg->why, "not_authorized", "only %s may %s a case, not '%s'", who,
                          hs_case_act_name (act->act), act->source);
    }
    rc = s_check (self, act, kase, other, &msg->why);
    if (rc)
        return rc;
    hs_txn_t *txn = hs_casework_txn (casework);
    hs_handling_t *handling = hs_casework_handling (casework);
    if (act->act == HS_CASE_ACT_REROUTE || act->act == HS_CASE_ACT_INSIST) {
        //  Checked on a copy: nothing may change before the act is stored.
        hs_case_t *trial = self->split;
        *trial = *kase;
        rc = act->act == HS_CASE_ACT_REROUTE? hs_handling_reroute (handling, trial, act, &msg->why):
                                              hs_handling_insist (handling, trial, act->unit, &msg->why);
        if (rc)
            return rc;
    }
    uint64_t seq = hs_txn_next_seq (txn);
    hs_event_t event = {
        .seq = seq, .type = "act", .topic = msg->topic, .case_id = kase->id,
        .body = msg->body, .body_size = msg->body_size, .level = -1
    };
    if (hs_txn_record (txn, &event))
        return -1;
    msg->seq = seq;
    kase->last_seq = seq;
    hs_stats_count (self->stats, HS_STAT_ACTS, 1);
    hs_alert_more_t more = { .note = act->reason? act->reason: act->note,
                             .note_size = act->reason? act->reason_size: act->note_size,
                             .satisfied = -1 };
    hs_cause_t cause = { act->source, act->id, false, act->person };
    int previous = kase->level;
    rc = 0;
    switch (act->act) {
        case HS_CASE_ACT_CLOSE:
            rc = hs_casework_close (casework, kase, &cause, &more);
            break;
        case HS_CASE_ACT_REJECT_CLOSURE: {
            kase->stage = HS_STAGE_OPEN;
            hs_handling_reopen (handling, kase, false);
            more.unit = *kase->lead? kase->lead: NULL;
            const char *units [HS_RULES_MAX_OUT + 2];
            hs_policy_told (policy, HS_NOTICE_SENT_BACK, more.unit, units, 0,
                            sizeof (units) / sizeof (units [0]));
            const char *reasons [] = { "sent_back", NULL };
            rc = hs_notices_alert (self->notices, kase, "sent_back", -1, &cause, units, reasons,
                                   &more);
            break;
        }
        case HS_CASE_ACT_FOLLOWUP:
            kase->followup = act->satisfied;
            more.satisfied = act->satisfied;
            if (act->satisfied)
                break;
            //  Not satisfied: the case opens again, its clocks with it.
            rc = hs_casework_reopen (casework, kase, &cause, &more);
            break;
        case HS_CASE_ACT_REGRADE:
            kase->level = act->level;
            hs_casework_classify (casework, kase, previous);
            hs_case_add_reason (kase, "regrade");
            rc = hs_casework_moved (casework, kase, previous, "regraded", &cause, more.note,
                                    more.note_size);
            break;
        case HS_CASE_ACT_MERGE:
            rc = s_merge (self, msg, kase, other);
            break;
        case HS_CASE_ACT_SPLIT:
            rc = s_split (self, msg, kase);
            break;
        case HS_CASE_ACT_MUTE:
            kase->muted_until = act->until;
            break;
        case HS_CASE_ACT_UNMUTE:
            //  Lifted by a person: said now, and the notices that are due
            //  go out as the timer finds them.
            kase->muted_until = 0;
            rc = hs_handling_unmuted (handling, kase, &cause, &more);
            break;
        case HS_CASE_ACT_REROUTE:
        case HS_CASE_ACT_INSIST:
            *kase = *self->split;
            kase->last_seq = seq;
            break;
        default:
            break;
    }
    if (rc == 0)
        rc = hs_casework_save (casework, kase);
    return rc? -1: 0;
}

//  ---------------------------------------------------------------------
//  Self test

typedef struct {
    hs_casework_t *casework;
    hs_caseacts_t *caseacts;
    hs_msg_t *msg;
    int rc;
} s_test_t;

static int
s_test_run (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    hs_msg_t *msg = test->msg;
    test->rc = msg->kind == HS_MSG_ACT? hs_caseacts_act (test->caseacts, msg):
               msg->kind == HS_MSG_UPDATE? hs_casework_update (test->casework, msg):
                                           hs_casework_report (test->casework, msg);
    return test->rc < 0? -1: 0;
}

//  Fill `msg` with an act as the ingest's opening would.
static void
s_test_act (hs_msg_t *msg, const char *id, const char *source,
            const char *case_id, int kind, const char *reason)
{
    memset (msg, 0, sizeof (*msg));
    msg->kind = HS_MSG_ACT;
    hs_case_act_t *act = &msg->as.act;
    hs_strcpy (act->id, sizeof (act->id), id);
    hs_strcpy (act->source, sizeof (act->source), source);
    hs_strcpy (act->case_id, sizeof (act->case_id), case_id);
    act->act = kind;
    act->reason = reason;
    act->reason_size = reason? strlen (reason): 0;
    act->level = -1;
    act->satisfied = -1;
    act->at = 1780000000000LL;
}

static int
s_test_send (s_test_t *test, hs_txn_t *txn, hs_pack_t *pack)
{
    hs_msg_t *msg = test->msg;
    if (msg->kind == HS_MSG_ACT) {
        hs_pack_reset (pack);
        hs_case_act_encode (&msg->as.act, pack);
        msg->body = hs_pack_data (pack);
        msg->body_size = hs_pack_size (pack);
        msg->unit = msg->as.act.source;
        msg->topic = "act.test";
    }
    assert (hs_txn_run (txn, s_test_run, test) == 0);
    return test->rc;
}

//  The kinds of the alerts published since the last call, space-separated.
static void
s_test_kinds (zsock_t *watcher, char *kinds, size_t size)
{
    *kinds = 0;
    zmsg_t *alert;
    while ((alert = zmsg_recv_nowait (watcher))) {
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        zframe_t *body = zmsg_last (alert);
        char kind [32] = "";
        if (hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0)
            hs_proto_strcpy (hs_proto_get (&unpacked.data, "kind"), kind, sizeof (kind));
        hs_strjoin (kinds + strlen (kinds), size - strlen (kinds), *kinds? " ": "", kind, NULL);
        msgpack_unpacked_destroy (&unpacked);
        zmsg_destroy (&alert);
    }
}

//  A case as stored, read in a view of its own.
static int
s_test_load (hs_txn_fixture_t *fixture, hs_casework_t *casework, const char *id, hs_case_t *kase)
{
    assert (hs_store_view_begin (fixture->store) == 0);
    int rc = hs_casework_load (casework, id, kase);
    hs_store_view_end (fixture->store);
    return rc;
}

static void s_test_settle_yes (void *arg) { hs_timers_settle ((hs_timers_t *) arg, true); }
static void s_test_settle_no (void *arg) { hs_timers_settle ((hs_timers_t *) arg, false); }

void
hs_caseacts_test (bool verbose)
{
    if (verbose)
        printf (" * hs_caseacts: ");
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_caseacts", 1780000000000LL, 1);
    hs_txn_t *txn = fixture->txn;
    zsock_t *watcher = hs_txn_fixture_watch (fixture, "alert.");
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
    hs_caseacts_t *self = hs_caseacts_new (casework, stats, notices, fixture->config);
    hs_pack_t *pack = hs_pack_new ();
    hs_msg_t *msg = (hs_msg_t *) zmalloc (sizeof (hs_msg_t));
    s_test_t test = { casework, self, msg, 0 };
    char kinds [256];
    hs_case_t *kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));

    //  12 workers: significant, led by the street.
    hs_casework_test_message (msg, pack, "r1", "street.caoyang", 12, NULL, 0);
    assert (s_test_send (&test, txn, pack) == 0 && msg->seq == 1);
    s_test_kinds (watcher, kinds, sizeof (kinds));
    //  Only those the authority names may act; the refusal stores nothing.
    s_test_act (msg, "a1", "street.caoyang", "putuo-1", HS_CASE_ACT_REGRADE, "提级");
    msg->as.act.level = HS_LEVEL_MAJOR;
    assert (s_test_send (&test, txn, pack) == 1 && streq (msg->why.code, "not_authorized"));
    s_test_act (msg, "a2", "office", "putuo-9", HS_CASE_ACT_CLOSE, NULL);
    assert (s_test_send (&test, txn, pack) == 1 && streq (msg->why.code, "unknown_case"));
    s_test_act (msg, "a3", "office", "putuo-1", HS_CASE_ACT_CLOSE, NULL);
    assert (s_test_send (&test, txn, pack) == 1 && streq (msg->why.code, "bad_state"));
    assert (hs_stats_get (stats, HS_STAT_ACTS) == 0);
    //  The convener regrades it up: the ladder of major, the level holds.
    s_test_act (msg, "a4", "convener", "putuo-1", HS_CASE_ACT_REGRADE, "媒体关注");
    msg->as.act.level = HS_LEVEL_MAJOR;
    assert (s_test_send (&test, txn, pack) == 0);
    s_test_kinds (watcher, kinds, sizeof (kinds));
    assert (streq (kinds, "regraded"));
    assert (s_test_load (fixture, casework, "putuo-1", kase) == 0);
    assert (kase->level == HS_LEVEL_MAJOR && kase->rules_level == HS_LEVEL_SIGNIFICANT);
    assert (hs_stats_get (stats, HS_STAT_MEETINGS) == 1 && hs_stats_get (stats, HS_STAT_ACTS) == 1);
    //  The lead resolves; the office sends it back, then closes it.
    const char *lead = "hrss";          //  major: hrss leads (rules.cfg lead)
    assert (streq (kase->lead, lead));
    hs_casework_test_message (msg, pack, "u1", lead, 0, "putuo-1", HS_STATUS_RESOLVED);
    assert (s_test_send (&test, txn, pack) == 0);
    s_test_act (msg, "a5", "office", "putuo-1", HS_CASE_ACT_REJECT_CLOSURE, "缺凭证");
    assert (s_test_send (&test, txn, pack) == 0);
    assert (s_test_load (fixture, casework, "putuo-1", kase) == 0 && kase->stage == HS_STAGE_OPEN);
    hs_casework_test_message (msg, pack, "u2", lead, 0, "putuo-1", HS_STATUS_RESOLVED);
    assert (s_test_send (&test, txn, pack) == 0);
    s_test_act (msg, "a6", "office", "putuo-1", HS_CASE_ACT_CLOSE, NULL);
    assert (s_test_send (&test, txn, pack) == 0);
    s_test_kinds (watcher, kinds, sizeof (kinds));
    assert (streq (kinds, "resolved sent_back resolved closed"));
    assert (s_test_load (fixture, casework, "putuo-1", kase) == 0 && kase->stage == HS_STAGE_CLOSED);
    //  Closed: a mute is refused; the union's unsatisfied follow-up opens it.
    s_test_act (msg, "a7", "office", "putuo-1", HS_CASE_ACT_MUTE, "暂缓");
    msg->as.act.until = hs_txn_now (txn) + 3600000;
    assert (s_test_send (&test, txn, pack) == 1 && streq (msg->why.code, "bad_state"));
    s_test_act (msg, "a8", "union", "putuo-1", HS_CASE_ACT_FOLLOWUP, NULL);
    msg->as.act.satisfied = 0;
    assert (s_test_send (&test, txn, pack) == 0);
    s_test_kinds (watcher, kinds, sizeof (kinds));
    assert (streq (kinds, "reopened"));
    assert (s_test_load (fixture, casework, "putuo-1", kase) == 0);
    assert (kase->stage == HS_STAGE_OPEN && kase->followup == 0 && kase->reopened == 1);
    //  Muted, then lifted: said both times it ends.
    s_test_act (msg, "a9", "office", "putuo-1", HS_CASE_ACT_MUTE, "春节");
    msg->as.act.until = hs_txn_now (txn) + 3600000;
    assert (s_test_send (&test, txn, pack) == 0);
    s_test_act (msg, "a10", "office", "putuo-1", HS_CASE_ACT_UNMUTE, "恢复");
    assert (s_test_send (&test, txn, pack) == 0);
    s_test_kinds (watcher, kinds, sizeof (kinds));
    assert (streq (kinds, "unmuted"));
    assert (s_test_load (fixture, casework, "putuo-1", kase) == 0 && kase->muted_until == 0);
    //  A second case of the same firm, in another category... merged in.
    hs_casework_test_message (msg, pack, "r2", "street.caoyang", 3, NULL, 0);
    msg->as.report.category = HS_CATEGORY_LAYOFF;
    hs_pack_reset (pack);
    hs_report_encode (&msg->as.report, pack);
    msg->body = hs_pack_data (pack);
    msg->body_size = hs_pack_size (pack);
    assert (s_test_send (&test, txn, pack) == 0);
    char other [HS_ID_MAX + 1];
    snprintf (other, sizeof (other), "putuo-%llu", (unsigned long long) msg->seq);
    s_test_act (msg, "a11", "office", other, HS_CASE_ACT_MERGE, "同一纠纷");
    hs_strcpy (msg->as.act.into, sizeof (msg->as.act.into), other);
    assert (s_test_send (&test, txn, pack) == 1 && streq (msg->why.code, "bad_value"));
    hs_strcpy (msg->as.act.into, sizeof (msg->as.act.into), "putuo-1");
    assert (s_test_send (&test, txn, pack) == 0);
    assert (s_test_load (fixture, casework, other, kase) == 0);
    assert (kase->stage == HS_STAGE_MERGED && streq (kase->merged_into, "putuo-1"));
    assert (s_test_load (fixture, casework, "putuo-1", kase) == 0);
    assert (kase->merged_count == 1 && streq (kase->merged_from [0], other));
    //  Nothing more on an absorbed case.
    s_test_act (msg, "a12", "office", other, HS_CASE_ACT_REGRADE, "x");
    msg->as.act.level = HS_LEVEL_GENERAL;
    assert (s_test_send (&test, txn, pack) == 1 && streq (msg->why.code, "bad_state"));
    assert (hs_stats_get (stats, HS_STAT_ACTS) == 7);

    free (kase);
    free (msg);
    hs_pack_destroy (&pack);
    hs_caseacts_destroy (&self);
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
