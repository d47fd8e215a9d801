/*  =========================================================================
    hs_proposals - major problems and policy proposals (重大问题及对策建议)

    A proposal's id is "<district>-j<seq of the proposal message>". The
    message is stored as an event of type `proposal` in the history of
    each case it names; an opinion as an `opinion` event. What is
    published about a proposal is stored under type `consult`; its
    circulation and its outcome (upward, closed) join the history of each
    case it names too.
    =========================================================================
*/

#include "hs_proposals.h"
#include "hs_ladder.h"
#include "hs_ledger.h"
#include "hs_cases.h"

struct _hs_proposals_t {
    hs_txn_t *txn;              //  borrowed
    hs_stats_t *stats;          //  borrowed
    hs_timers_t *timers;        //  borrowed
    hs_config_t *config;        //  borrowed
    hs_proposal_rec_t *proposal;    //  the proposal in hand
    hs_case_t *kase;            //  a case a proposal names, being looked up
    hs_pack_t *body;            //  a body being packed
    hs_pack_t *record;          //  a record being packed
};

int
hs_proposals_load (hs_store_t *store, const char *id, hs_proposal_rec_t *proposal)
{
    const void *data;
    size_t size;
    int rc = hs_store_get (store, HS_TABLE_PROPOSALS, id, strlen (id), &data, &size);
    if (rc)
        return rc;
    return hs_proposal_rec_decode (data, size, proposal);
}

int
hs_proposals_save (hs_store_t *store, const hs_proposal_rec_t *proposal, hs_pack_t *pack)
{
    hs_pack_reset (pack);
    hs_proposal_rec_encode (proposal, pack);
    return hs_store_put (store, HS_TABLE_PROPOSALS, proposal->id, strlen (proposal->id),
                         hs_pack_data (pack), hs_pack_size (pack));
}

hs_proposals_t *
hs_proposals_new (hs_txn_t *txn, hs_stats_t *stats, hs_timers_t *timers, hs_config_t *config)
{
    hs_proposals_t *self = (hs_proposals_t *) zmalloc (sizeof (hs_proposals_t));
    self->txn = txn;
    self->stats = stats;
    self->timers = timers;
    self->config = config;
    self->proposal = (hs_proposal_rec_t *) zmalloc (sizeof (hs_proposal_rec_t));
    self->kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    self->body = hs_pack_new ();
    self->record = hs_pack_new ();
    return self;
}

void
hs_proposals_destroy (hs_proposals_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_proposals_t *self = *self_p;
        free (self->proposal);
        free (self->kase);
        hs_pack_destroy (&self->body);
        hs_pack_destroy (&self->record);
        free (self);
        *self_p = NULL;
    }
}

void hs_proposals_set_config (hs_proposals_t *self, hs_config_t *config) { self->config = config; }

static const hs_policy_t *
s_policy (hs_proposals_t *self)
{
    return hs_rules_policy (self->config->rules);
}

//  The proposal's one timer at the first next notice of its members.
static int
s_schedule (hs_proposals_t *self, hs_proposal_rec_t *proposal)
{
    int64_t first = 0;
    for (size_t index = 0; index < proposal->member_count; index++)
        first = hs_ladder_sooner (first, proposal->members [index].next);
    return hs_timers_move (self->timers, &proposal->timer_at, first, HS_TIMER_PROPOSAL,
                           proposal->id);
}

//  Publish proposal.<kind> about the proposal in hand (member `member`
//  for opinion and notice); `cases`: it joins the history of each case
//  the proposal names. Returns 0 or -1; *seq (if asked) its seq.
static int
s_say (hs_proposals_t *self, const char *kind, size_t member, const char *const *to,
       const char *const *reasons, const char *update, bool cases, uint64_t *seq)
{
    hs_proposal_rec_t *proposal = self->proposal;
    hs_proposal_out_t out = {
        .seq = hs_txn_next_seq (self->txn), .proposal = proposal, .kind = kind,
        .member = member, .update = update, .to = to, .reasons = reasons,
        .at = hs_txn_now (self->txn)
    };
    hs_pack_reset (self->body);
    hs_proposal_out_encode (&out, self->body);
    char topic [32];
    hs_strjoin (topic, sizeof (topic), "proposal.", kind, NULL);
    hs_event_t event = {
        .seq = out.seq, .type = "consult", .topic = topic, .body = hs_pack_data (self->body),
        .body_size = hs_pack_size (self->body), .level = -1
    };
    if (hs_txn_emit (self->txn, &event))
        return -1;
    for (size_t index = 0; cases && index < proposal->case_count; index++)
        if (hs_ledger_history_add (hs_txn_store (self->txn), proposal->cases [index], out.seq,
                                   "consult"))
            return -1;
    if (seq)
        *seq = out.seq;
    return 0;
}

//  The member units asked, then the drafter: into `to` (room `max`).
static void
s_members_and_source (const hs_proposal_rec_t *proposal, const char **to, size_t max)
{
    size_t told = 0;
    for (size_t index = 0; index < proposal->member_count && told + 2 < max; index++)
        to [told++] = proposal->members [index].unit;
    if (!hs_proposal_rec_member ((hs_proposal_rec_t *) proposal, proposal->source))
        to [told++] = proposal->source;
    to [told] = NULL;
}

//  The member units asked (notices/proposal, the drafter not among them)
//  and the cases named into the proposal. Returns 0, 1 refused (`why`
//  set), or -1 if the store failed.
static int
s_fill (hs_proposals_t *self, const hs_proposal_in_t *in, hs_proposal_rec_t *proposal,
        hs_why_t *why)
{
    const char *const *members = hs_policy_recipients (s_policy (self), HS_NOTICE_PROPOSAL);
    for (size_t index = 0; members [index]; index++)
        if (!streq (members [index], proposal->source)
        &&  hs_proposal_rec_add_member (proposal, members [index]))
            return hs_refuse (why, "bad_value", "notices/proposal names more than %d units",
                              HS_PROPOSAL_MAX_MEMBERS);
    if (!proposal->member_count)
        return hs_refuse (why, "unknown_unit", "notices/proposal names no member unit but '%s'",
                          proposal->source);
    for (uint32_t index = 0; in->cases && index < in->cases->via.array.size; index++) {
        char case_id [HS_ID_MAX + 1];
        hs_proto_strcpy (&in->cases->via.array.ptr [index], case_id, sizeof (case_id));
        int rc = hs_cases_load (hs_txn_store (self->txn), case_id, self->kase);
        if (rc)
            return rc < 0? -1: hs_refuse (why, "unknown_case", "no case '%s'", case_id);
        hs_proposal_rec_add_case (proposal, case_id);
    }
    return 0;
}

int
hs_proposals_draft (void *arg, hs_msg_t *msg)
{
    hs_proposals_t *self = (hs_proposals_t *) arg;
    const hs_proposal_in_t *in = &msg->as.proposal;
    const hs_policy_t *policy = s_policy (self);
    hs_store_t *store = hs_txn_store (self->txn);
    if (!hs_policy_may (policy, HS_ACT_PROPOSAL, msg->unit, false)) {
        char who [160];
        hs_policy_who (policy, HS_ACT_PROPOSAL, who, sizeof (who));
        return hs_refuse (&msg->why, "not_authorized", "only %s drafts a major problem or "
                         "policy proposal, not '%s'", who, msg->unit);
    }
    int64_t now = hs_txn_now (self->txn);
    hs_proposal_rec_t *proposal = self->proposal;
    hs_proposal_rec_init (proposal, "", msg->unit, in->kind, in->title, in->title_size,
                          in->text, in->text_size, now,
                          in->due? in->due: now + policy->proposal_opinions_ms);
    int rc = s_fill (self, in, proposal, &msg->why);
    if (rc)
        return rc;
    msg->seq = hs_txn_next_seq (self->txn);
    snprintf (proposal->id, sizeof (proposal->id), "%s-j%llu", self->config->district,
              (unsigned long long) msg->seq);
    hs_event_t event = {
        .seq = msg->seq, .type = "proposal", .topic = msg->topic, .body = msg->body,
        .body_size = msg->body_size, .level = -1
    };
    if (hs_txn_record (self->txn, &event))
        return -1;
    for (size_t index = 0; index < proposal->case_count; index++)
        if (hs_ledger_history_add (store, proposal->cases [index], msg->seq, "proposal"))
            return -1;
    const char *to [HS_PROPOSAL_MAX_MEMBERS + 2];
    s_members_and_source (proposal, to, sizeof (to) / sizeof (to [0]));
    return s_say (self, "circulated", 0, to, NULL, NULL, true, NULL)
        || s_schedule (self, proposal) || hs_proposals_save (store, proposal, self->record)? -1: 0;
}

//  Load the proposal `id` names into the one in hand. Returns 0, 1 if
//  there is none (`why` set), -1 if the store failed.
static int
s_named (hs_proposals_t *self, const char *id, hs_why_t *why)
{
    int rc = hs_proposals_load (hs_txn_store (self->txn), id, self->proposal);
    return rc == 1? hs_refuse (why, "unknown_proposal", "no major problem or policy proposal "
                               "'%s'", id): rc;
}

//  Is the proposal in hand still open? 0, or 1 with `why` set.
static int
s_open (hs_proposals_t *self, hs_why_t *why)
{
    const hs_proposal_rec_t *proposal = self->proposal;
    if (proposal->state == HS_PROPOSAL_OPEN)
        return 0;
    return hs_refuse (why, "bad_state", "proposal '%s' was decided (%s) by the minutes of '%s'",
                      proposal->id, hs_proposal_state_name (proposal->state), proposal->meeting);
}

int
hs_proposals_opinion (void *arg, hs_msg_t *msg)
{
    hs_proposals_t *self = (hs_proposals_t *) arg;
    const hs_opinion_in_t *in = &msg->as.opinion;
    hs_store_t *store = hs_txn_store (self->txn);
    hs_proposal_rec_t *proposal = self->proposal;
    int rc = s_named (self, in->proposal, &msg->why);
    if (rc)
        return rc;
    hs_proposal_member_t *member = hs_proposal_rec_member (proposal, msg->unit);
    if (!member)
        return hs_refuse (&msg->why, "not_invited", "proposal '%s' asked %zu member units, "
                         "not '%s'", proposal->id, proposal->member_count, msg->unit);
    if (member->answered)
        return hs_refuse (&msg->why, "bad_state", "'%s' gave its opinion on '%s' already",
                         msg->unit, proposal->id);
    rc = s_open (self, &msg->why);
    if (rc)
        return rc;
    msg->seq = hs_txn_next_seq (self->txn);
    hs_event_t event = {
        .seq = msg->seq, .type = "opinion", .topic = msg->topic, .body = msg->body,
        .body_size = msg->body_size, .level = -1
    };
    if (hs_txn_record (self->txn, &event))
        return -1;
    member->opinion = in->opinion;
    snprintf (member->note, sizeof (member->note), "%.*s", (int) in->note_size,
              in->note? in->note: "");
    member->answered = hs_txn_now (self->txn);
    member->next = 0;
    const char *to [HS_RULES_MAX_OUT + 3];
    size_t told = hs_ladder_told_done (s_policy (self), member->unit, to,
                                       sizeof (to) / sizeof (to [0]) - 1);
    bool known = false;
    for (size_t index = 0; index < told; index++)
        known = known || streq (to [index], proposal->source);
    if (!known) {
        to [told++] = proposal->source;
        to [told] = NULL;
    }
    return s_say (self, "opinion", (size_t) (member - proposal->members), to, NULL, in->id,
                  false, NULL)
        || s_schedule (self, proposal) || hs_proposals_save (store, proposal, self->record)? -1: 0;
}

//  Member `index` has not answered by `now`: its notice at the rung
//  reached, and the next.
static int
s_notice (hs_proposals_t *self, size_t index, int64_t now)
{
    hs_proposal_rec_t *proposal = self->proposal;
    hs_proposal_member_t *member = &proposal->members [index];
    int rung = hs_ladder_climb (proposal->issued, proposal->due, now,
                                s_policy (self)->proposal_repeat_ms, &member->rung,
                                &member->notices, &member->next);
    const char *to [HS_RULES_MAX_OUT + 2];
    hs_ladder_told (s_policy (self), rung, member->unit, to, sizeof (to) / sizeof (to [0]));
    char reason [32];
    hs_strjoin (reason, sizeof (reason), "proposal.", hs_rung_name (rung), NULL);
    const char *reasons [] = { reason, NULL };
    hs_stats_count (self->stats, HS_STAT_OVERDUE, 1);
    return s_say (self, "notice", index, to, reasons, NULL, false, NULL);
}

int
hs_proposals_timer (hs_proposals_t *self, const hs_timer_t *timer)
{
    hs_store_t *store = hs_txn_store (self->txn);
    hs_proposal_rec_t *proposal = self->proposal;
    int rc = hs_proposals_load (store, timer->id, proposal);
    if (rc)
        return rc < 0? -1: 0;
    if (timer->due != proposal->timer_at)
        return 0;                       //  moved on since it was set
    proposal->timer_at = 0;
    int64_t now = hs_txn_now (self->txn);
    for (size_t index = 0; proposal->state == HS_PROPOSAL_OPEN
                           && index < proposal->member_count; index++) {
        int64_t next = proposal->members [index].next;
        if (next && next <= now && s_notice (self, index, now))
            return -1;
    }
    return s_schedule (self, proposal) || hs_proposals_save (store, proposal, self->record)? -1: 0;
}

int
hs_proposals_check_agenda (hs_proposals_t *self, const msgpack_object *ids, hs_why_t *why)
{
    for (uint32_t index = 0; ids && index < ids->via.array.size; index++) {
        char id [HS_ID_MAX + 1];
        hs_proto_strcpy (&ids->via.array.ptr [index], id, sizeof (id));
        int rc = s_named (self, id, why);
        if (rc == 0)
            rc = s_open (self, why);
        if (rc)
            return rc;
    }
    return 0;
}

int
hs_proposals_tabled (hs_proposals_t *self, const char *meeting_id, const msgpack_object *ids)
{
    hs_store_t *store = hs_txn_store (self->txn);
    for (uint32_t index = 0; ids && index < ids->via.array.size; index++) {
        char id [HS_ID_MAX + 1];
        hs_proto_strcpy (&ids->via.array.ptr [index], id, sizeof (id));
        if (hs_proposals_load (store, id, self->proposal))
            return -1;                  //  checked: it is there
        hs_proposal_rec_add_meeting (self->proposal, meeting_id);
        if (hs_proposals_save (store, self->proposal, self->record))
            return -1;
    }
    return 0;
}

int
hs_proposals_check_decided (hs_proposals_t *self, const char *meeting_id,
                            const msgpack_object *decisions, hs_why_t *why)
{
    for (uint32_t index = 0; decisions && index < decisions->via.array.size; index++) {
        char id [HS_ID_MAX + 1];
        bool passed;
        hs_proposal_decision (decisions, index, id, &passed);
        int rc = s_named (self, id, why);
        if (rc == 0)
            rc = s_open (self, why);
        if (rc)
            return rc;
        if (!hs_proposal_rec_on_agenda (self->proposal, meeting_id))
            return hs_refuse (why, "bad_value", "meeting '%s' was not called to discuss "
                              "proposal '%s' (call.<unit> `proposals`)", meeting_id, id);
        //  Consulted first (须经成员单位协商): passed only once every member
        //  has answered or the opinions' time is over. Not passing it
        //  needs no wait.
        size_t unanswered = 0;
        for (size_t member = 0; member < self->proposal->member_count; member++)
            if (!self->proposal->members [member].answered)
                unanswered++;
        if (passed && unanswered && hs_txn_now (self->txn) < self->proposal->due)
            return hs_refuse (why, "bad_state", "proposal '%s' cannot pass yet: %zu member "
                              "unit(s) have not given their opinion (opinion.<unit>) and "
                              "the opinions are not due yet", id, unanswered);
    }
    return 0;
}

int
hs_proposals_decided (hs_proposals_t *self, const char *meeting_id, uint64_t minutes_seq,
                      const msgpack_object *decisions)
{
    hs_store_t *store = hs_txn_store (self->txn);
    hs_proposal_rec_t *proposal = self->proposal;
    for (uint32_t index = 0; decisions && index < decisions->via.array.size; index++) {
        char id [HS_ID_MAX + 1];
        bool passed;
        hs_proposal_decision (decisions, index, id, &passed);
        if (hs_proposals_load (store, id, proposal))
            return -1;                  //  checked: it is there
        proposal->state = passed? HS_PROPOSAL_PASSED: HS_PROPOSAL_REJECTED;
        hs_strcpy (proposal->meeting, sizeof (proposal->meeting), meeting_id);
        proposal->minutes = minutes_seq;
        proposal->decided = hs_txn_now (self->txn);
        for (size_t member = 0; member < proposal->member_count; member++)
            proposal->members [member].next = 0;        //  chased no more
        int rc;
        if (passed)
            rc = s_say (self, "upward", 0, hs_policy_recipients (s_policy (self),
                        HS_NOTICE_PROPOSAL_UP), NULL, NULL, true, &proposal->upward);
        else {
            const char *to [HS_PROPOSAL_MAX_MEMBERS + 2];
            s_members_and_source (proposal, to, sizeof (to) / sizeof (to [0]));
            const char *reasons [] = { "proposal.not_passed", NULL };
            rc = s_say (self, "closed", 0, to, reasons, NULL, true, NULL);
        }
        if (rc || s_schedule (self, proposal) || hs_proposals_save (store, proposal, self->record))
            return -1;
    }
    return 0;
}

//  ---------------------------------------------------------------------
//  Self test

typedef struct {
    hs_proposals_t *proposals;
    hs_msg_t *msg;
    int rc;                     //  the handler's
    size_t fired;               //  timers taken
} s_test_t;

static int
s_test_handle (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    test->rc = test->msg->kind == HS_MSG_PROPOSAL? hs_proposals_draft (test->proposals, test->msg):
                                                   hs_proposals_opinion (test->proposals, test->msg);
    return test->rc < 0? -1: 0;
}

static int
s_test_clock (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    hs_timer_t taken [8];
    size_t count;
    if (hs_timers_take (test->proposals->timers, hs_txn_now (test->proposals->txn), taken, 8,
                        &count))
        return -1;
    for (size_t index = 0; index < count; index++)
        if (hs_proposals_timer (test->proposals, &taken [index]))
            return -1;
    test->fired += count;
    return 0;
}

//  Run one message from `unit` through the handler; its refusal code.
static const char *
s_test_send (s_test_t *test, hs_txn_t *txn, hs_msg_kind_t kind, const char *unit)
{
    hs_msg_t *msg = test->msg;
    msg->kind = kind;
    msg->unit = unit;
    msg->topic = kind == HS_MSG_PROPOSAL? "proposal.office": "opinion.unit";
    msg->body = (const uint8_t *) "\x80";
    msg->body_size = 1;
    msg->seq = 0;
    assert (hs_txn_run (txn, s_test_handle, test) == 0);
    return test->rc? msg->why.code: NULL;
}

static char *
s_test_recv (zsock_t *watcher)
{
    zmsg_t *message = zmsg_recv (watcher);
    assert (message);
    char *topic = zmsg_popstr (message);
    zmsg_destroy (&message);
    return topic;
}

void
hs_proposals_test (bool verbose)
{
    if (verbose)
        printf (" * hs_proposals: ");
    //  A clock 3600 times fast: an hour a second.
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_proposals", 1780000000000LL, 3600);
    hs_txn_t *txn = fixture->txn;
    zsock_t *watcher = hs_txn_fixture_watch (fixture, "proposal.");
    hs_stats_t *stats = hs_stats_new (txn);
    hs_timers_t *timers = hs_timers_new (fixture->store);
    hs_proposals_t *proposals = hs_proposals_new (txn, stats, timers, fixture->config);
    hs_msg_t *msg = (hs_msg_t *) zmalloc (sizeof (hs_msg_t));
    s_test_t test = { proposals, msg, 0, 0 };

    //  Only the office drafts one; to every member unit, due in half an hour.
    hs_proposal_in_t *in = &msg->as.proposal;
    strcpy (in->kind, "problem");
    in->title = "欠薪应急周转金";
    in->title_size = strlen (in->title);
    in->text = "建议设立欠薪应急周转金";
    in->text_size = strlen (in->text);
    in->due = 1780000000000LL + 1800 * 1000;
    assert (streq (s_test_send (&test, txn, HS_MSG_PROPOSAL, "hrss"), "not_authorized"));
    assert (!s_test_send (&test, txn, HS_MSG_PROPOSAL, "office"));
    char id [HS_ID_MAX + 1];
    snprintf (id, sizeof (id), "putuo-j%llu", (unsigned long long) msg->seq);
    char *topic = s_test_recv (watcher);
    assert (streq (topic, "proposal.circulated"));
    zstr_free (&topic);
    hs_proposal_rec_t *proposal = (hs_proposal_rec_t *) zmalloc (sizeof (hs_proposal_rec_t));
    assert (hs_store_view_begin (fixture->store) == 0);
    assert (hs_proposals_load (fixture->store, id, proposal) == 0);
    hs_store_view_end (fixture->store);
    size_t members = proposal->member_count;
    assert (members == hs_units_size (fixture->config->units) - 5   //  the five roles
         && proposal->timer_at == in->due && streq (proposal->kind, "problem"));

    //  A member answers, once; a unit not asked, an unknown id: refused.
    hs_opinion_in_t *opinion = &msg->as.opinion;
    memset (opinion, 0, sizeof (*opinion));
    hs_strcpy (opinion->proposal, sizeof (opinion->proposal), id);
    hs_strcpy (opinion->id, sizeof (opinion->id), "k-1");
    opinion->opinion = HS_OPINION_AMEND;
    opinion->note = "明确追偿";
    opinion->note_size = strlen (opinion->note);
    assert (!s_test_send (&test, txn, HS_MSG_OPINION, "legal"));
    topic = s_test_recv (watcher);
    assert (streq (topic, "proposal.opinion"));
    zstr_free (&topic);
    assert (streq (s_test_send (&test, txn, HS_MSG_OPINION, "legal"), "bad_state"));
    assert (streq (s_test_send (&test, txn, HS_MSG_OPINION, "convener"), "not_invited"));
    hs_strcpy (opinion->proposal, sizeof (opinion->proposal), "putuo-j999");
    assert (streq (s_test_send (&test, txn, HS_MSG_OPINION, "hrss"), "unknown_proposal"));

    //  Past due the others are reminded (催办), each once.
    zclock_sleep (600);
    assert (hs_txn_run (txn, s_test_clock, &test) == 0 && test.fired == 1);
    for (size_t index = 0; index < members - 1; index++) {
        topic = s_test_recv (watcher);
        assert (streq (topic, "proposal.notice"));
        zstr_free (&topic);
    }
    assert (hs_stats_get (stats, HS_STAT_OVERDUE) == members - 1);
    assert (hs_store_view_begin (fixture->store) == 0);
    assert (hs_proposals_load (fixture->store, id, proposal) == 0);
    hs_store_view_end (fixture->store);
    hs_proposal_member_t *legal = hs_proposal_rec_member (proposal, "legal");
    assert (legal && legal->rung == HS_RUNG_NONE && legal->opinion == HS_OPINION_AMEND);
    assert (proposal->members [0].rung == HS_RUNG_REMIND);
    assert (proposal->timer_at == 2 * proposal->due - proposal->issued);
    free (proposal);
    free (msg);
    hs_proposals_destroy (&proposals);
    hs_timers_destroy (&timers);
    hs_stats_destroy (&stats);
    zsock_destroy (&watcher);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
