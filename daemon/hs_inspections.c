/*  =========================================================================
    hs_inspections - inspection (督查): plans, results, rectifications

    A plan's id is "<district>-i<seq of the plan message>", a
    rectification's "<plan>-r<n>". The four inbound messages are stored
    as events of their own types (inspect, inspectplan, finding,
    rectified); what is published about a plan (inspection.plan,
    .approved, .returned, .result, .notice, .rectified, .complete) is
    stored under type `inspection`.
    =========================================================================
*/

#include "hs_inspections.h"
#include "hs_ladder.h"

struct _hs_inspections_t {
    hs_txn_t *txn;                  //  borrowed
    hs_stats_t *stats;              //  borrowed
    hs_timers_t *timers;            //  borrowed
    hs_config_t *config;            //  borrowed
    hs_inspection_rec_t *plan;      //  the plan in hand
    hs_inspection_rec_t *other;     //  the plan it revises
    hs_pack_t *body;                //  a body being packed
    hs_pack_t *record;              //  a record being packed
};

//  Room for who is told: every unit of a plan, its owners, and the rules'.
#define S_TOLD_MAX (2 * HS_INSPECTION_MAX_UNITS + HS_RULES_MAX_OUT + 2)

int
hs_inspections_load (hs_store_t *store, const char *id, hs_inspection_rec_t *plan)
{
    const void *data;
    size_t size;
    int rc = hs_store_get (store, HS_TABLE_INSPECTIONS, id, strlen (id), &data, &size);
    if (rc)
        return rc;
    return hs_inspection_rec_decode (data, size, plan);
}

int
hs_inspections_save (hs_store_t *store, const hs_inspection_rec_t *plan, hs_pack_t *pack)
{
    hs_pack_reset (pack);
    hs_inspection_rec_encode (plan, pack);
    return hs_store_put (store, HS_TABLE_INSPECTIONS, plan->id, strlen (plan->id),
                         hs_pack_data (pack), hs_pack_size (pack));
}

typedef struct {
    hs_inspection_rec_t *plan;
    hs_inspections_fn *visit;
    void *arg;
} s_walk_t;

static int
s_walk_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) key;
    (void) key_size;
    s_walk_t *walk = (s_walk_t *) arg;
    if (hs_inspection_rec_decode (data, size, walk->plan))
        return 0;
    return walk->visit (walk->plan, walk->arg);
}

int
hs_inspections_walk (hs_store_t *store, hs_inspection_rec_t *plan, hs_inspections_fn *visit,
                     void *arg)
{
    s_walk_t walk = { plan, visit, arg };
    return hs_store_walk (store, HS_TABLE_INSPECTIONS, NULL, 0, false, s_walk_visit, &walk) < 0?
           -1: 0;
}

hs_inspections_t *
hs_inspections_new (hs_txn_t *txn, hs_stats_t *stats, hs_timers_t *timers, hs_config_t *config)
{
    hs_inspections_t *self = (hs_inspections_t *) zmalloc (sizeof (hs_inspections_t));
    self->txn = txn;
    self->stats = stats;
    self->timers = timers;
    self->config = config;
    self->plan = (hs_inspection_rec_t *) zmalloc (sizeof (hs_inspection_rec_t));
    self->other = (hs_inspection_rec_t *) zmalloc (sizeof (hs_inspection_rec_t));
    self->body = hs_pack_new ();
    self->record = hs_pack_new ();
    return self;
}

void
hs_inspections_destroy (hs_inspections_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_inspections_t *self = *self_p;
        free (self->plan);
        free (self->other);
        hs_pack_destroy (&self->body);
        hs_pack_destroy (&self->record);
        free (self);
        *self_p = NULL;
    }
}

void hs_inspections_set_config (hs_inspections_t *self, hs_config_t *config) { self->config = config; }

static const hs_policy_t *s_policy (hs_inspections_t *self) { return hs_rules_policy (self->config->rules); }

//  May `unit` do `act`? Refused (not_authorized) if not.
static int
s_may (hs_inspections_t *self, hs_act_t act, hs_msg_t *msg, const char *what)
{
    if (hs_policy_may (s_policy (self), act, msg->unit, false))
        return 0;
    char who [160];
    hs_policy_who (s_policy (self), act, who, sizeof (who));
    return hs_refuse (&msg->why, "not_authorized", "only %s %s, not '%s'", who, what, msg->unit);
}

//  A unit of ours that is inspected or owns a rectification: a street
//  (its code or short name) or an agency. NULL if none.
static const char *
s_unit (hs_inspections_t *self, const char *name)
{
    const hs_unit_t *unit = hs_units_street (self->config->units, name);
    if (!unit)
        unit = hs_units_find (self->config->units, name);
    return unit && unit->kind != HS_UNIT_ROLE? unit->code: NULL;
}

//  Load the plan `id` into self->plan; refused unknown_inspection if none.
static int
s_load (hs_inspections_t *self, const char *id, hs_msg_t *msg)
{
    int rc = hs_inspections_load (hs_txn_store (self->txn), id, self->plan);
    return rc? rc < 0? -1: hs_refuse (&msg->why, "unknown_inspection", "no inspection plan "
                                      "'%s'", id): 0;
}

//  Store the message under its seq, as an event of `type`.
static int
s_record (hs_inspections_t *self, hs_msg_t *msg, const char *type)
{
    msg->seq = hs_txn_next_seq (self->txn);
    hs_event_t event = {
        .seq = msg->seq, .type = type, .topic = msg->topic, .body = msg->body,
        .body_size = msg->body_size, .level = -1
    };
    return hs_txn_record (self->txn, &event);
}

//  The plan's one timer at the first next notice of its rectifications.
static int
s_schedule (hs_inspections_t *self, hs_inspection_rec_t *plan)
{
    int64_t first = plan->state == HS_INSPECTION_DRAFTED? plan->decide_next: 0;
    for (size_t index = 0; index < plan->rectify_count; index++)
        first = hs_ladder_sooner (first, plan->rectify [index].next);
    return hs_timers_move (self->timers, &plan->timer_at, first, HS_TIMER_INSPECTION, plan->id);
}

//  Publish inspection.<kind> about the plan in hand. Returns 0 or -1.
static int
s_say (hs_inspections_t *self, hs_inspection_out_t *out)
{
    out->seq = hs_txn_next_seq (self->txn);
    out->plan = self->plan;
    out->at = hs_txn_now (self->txn);
    hs_pack_reset (self->body);
    hs_inspection_out_encode (out, self->body);
    char topic [32];
    hs_strjoin (topic, sizeof (topic), "inspection.", out->kind, NULL);
    hs_event_t event = {
        .seq = out->seq, .type = "inspection", .topic = topic, .body = hs_pack_data (self->body),
        .body_size = hs_pack_size (self->body), .level = -1
    };
    return hs_txn_emit (self->txn, &event);
}

//  `code` into the list `to` of `*told`, once.
static void
s_to (const char **to, size_t *told, const char *code)
{
    for (size_t index = 0; index < *told; index++)
        if (streq (to [index], code))
            return;
    if (*told + 1 < S_TOLD_MAX) {
        to [(*told)++] = code;
        to [*told] = NULL;
    }
}

//  The units and items of the message into the plan in hand.
static int
s_fill (hs_inspections_t *self, const hs_inspect_in_t *in, hs_why_t *why)
{
    hs_inspection_rec_t *plan = self->plan;
    for (uint32_t index = 0; index < in->units->via.array.size; index++) {
        char name [HS_CODE_MAX + 1];
        hs_proto_strcpy (&in->units->via.array.ptr [index], name, sizeof (name));
        const char *code = s_unit (self, name);
        if (!code)
            return hs_refuse (why, "unknown_unit", "'%s' is no street or agency of ours", name);
        hs_inspection_rec_add_unit (plan, code);
    }
    for (uint32_t index = 0; index < in->items->via.array.size; index++) {
        const msgpack_object *item = &in->items->via.array.ptr [index];
        hs_inspection_rec_add_item (plan, item->via.str.ptr, item->via.str.size);
    }
    return 0;
}

int
hs_inspections_plan (void *arg, hs_msg_t *msg)
{
    hs_inspections_t *self = (hs_inspections_t *) arg;
    const hs_inspect_in_t *in = &msg->as.inspect;
    hs_store_t *store = hs_txn_store (self->txn);
    if (s_may (self, HS_ACT_INSPECT_PLAN, msg, "draft inspection plans"))
        return 1;
    if (*in->plan) {                    //  a returned plan revised
        int rc = s_load (self, in->plan, msg);
        if (rc)
            return rc;
        if (self->plan->state != HS_INSPECTION_RETURNED)
            return hs_refuse (&msg->why, "bad_state", "only a returned plan is revised: '%s' "
                              "is %s", in->plan, hs_inspection_state_name (self->plan->state));
        memcpy (self->other, self->plan, sizeof (hs_inspection_rec_t));
    }
    hs_inspection_rec_t *plan = self->plan;
    hs_inspection_rec_init (plan, "", msg->unit, in->title, in->title_size, in->start, in->end,
                            hs_txn_now (self->txn));
    int rc = s_fill (self, in, &msg->why);
    if (rc || s_record (self, msg, "inspect"))
        return rc? rc: -1;
    snprintf (plan->id, sizeof (plan->id), "%s-i%llu", self->config->district,
              (unsigned long long) msg->seq);
    if (*in->plan) {
        hs_strcpy (plan->revises, sizeof (plan->revises), in->plan);
        self->other->state = HS_INSPECTION_REVISED;
        hs_strcpy (self->other->revised_by, sizeof (self->other->revised_by), plan->id);
        if (hs_inspections_save (store, self->other, self->record))
            return -1;
    }
    plan->decide_next = plan->drafted + s_policy (self)->inspect_decide_ms;
    const char *to [S_TOLD_MAX];
    hs_policy_told (s_policy (self), HS_NOTICE_INSPECT_PLAN, NULL, to, 0, S_TOLD_MAX);
    hs_inspection_out_t out = { .kind = "plan", .to = to, .update = in->id };
    return s_say (self, &out) || s_schedule (self, plan)
        || hs_inspections_save (store, plan, self->record)? -1: 0;
}

int
hs_inspections_decide (void *arg, hs_msg_t *msg)
{
    hs_inspections_t *self = (hs_inspections_t *) arg;
    const hs_inspect_decision_t *in = &msg->as.decision;
    if (s_may (self, HS_ACT_INSPECT_APPROVE, msg, "approve or return inspection plans"))
        return 1;
    int rc = s_load (self, in->plan, msg);
    if (rc)
        return rc;
    hs_inspection_rec_t *plan = self->plan;
    if (plan->state != HS_INSPECTION_DRAFTED)
        return hs_refuse (&msg->why, "bad_state", "plan '%s' is %s: only a drafted plan is "
                          "decided", plan->id, hs_inspection_state_name (plan->state));
    if (s_record (self, msg, "inspectplan"))
        return -1;
    plan->state = in->approve? HS_INSPECTION_APPROVED: HS_INSPECTION_RETURNED;
    hs_strcpy (plan->decider, sizeof (plan->decider), msg->unit);
    plan->decided_at = hs_txn_now (self->txn);
    snprintf (plan->note, sizeof (plan->note), "%.*s", (int) in->note_size,
              in->note? in->note: "");
    //  To who drafted it; approved, to the units inspected too.
    const char *to [S_TOLD_MAX];
    size_t told = 0;
    to [0] = NULL;
    s_to (to, &told, plan->source);
    for (size_t index = 0; in->approve && index < plan->unit_count; index++)
        s_to (to, &told, plan->units [index].unit);
    plan->decide_next = 0;
    hs_inspection_out_t out = { .kind = in->approve? "approved": "returned", .to = to,
                                .update = in->id };
    return s_say (self, &out) || s_schedule (self, plan)
        || hs_inspections_save (hs_txn_store (self->txn), plan, self->record)? -1: 0;
}

//  Every result in and every rectification done: the plan is complete.
static int
s_complete (hs_inspections_t *self)
{
    hs_inspection_rec_t *plan = self->plan;
    if (!hs_inspection_rec_finished (plan))
        return 0;
    plan->state = HS_INSPECTION_COMPLETE;
    const char *to [S_TOLD_MAX];
    size_t told = hs_policy_told (s_policy (self), HS_NOTICE_INSPECT_PLAN, NULL, to, 0,
                                  S_TOLD_MAX);
    s_to (to, &told, plan->source);
    hs_inspection_out_t out = { .kind = "complete", .to = to };
    return s_say (self, &out);
}

//  The rectifications a result asks, checked before anything is stored.
static int
s_check_rectify (hs_inspections_t *self, const hs_finding_in_t *in, hs_why_t *why)
{
    size_t count = in->rectify? in->rectify->via.array.size: 0;
    if (self->plan->rectify_count + count > HS_INSPECTION_MAX_RECTIFY)
        return hs_refuse (why, "bad_value", "a plan holds at most %d rectifications",
                          HS_INSPECTION_MAX_RECTIFY);
    for (size_t index = 0; index < count; index++) {
        char owner [HS_CODE_MAX + 1];
        hs_proto_strcpy (hs_proto_get (&in->rectify->via.array.ptr [index], "owner"), owner,
                         sizeof (owner));
        if (!s_unit (self, owner))
            return hs_refuse (why, "unknown_unit", "rectification %zu: '%s' is no street or "
                              "agency of ours", index + 1, owner);
    }
    return 0;
}

int
hs_inspections_finding (void *arg, hs_msg_t *msg)
{
    hs_inspections_t *self = (hs_inspections_t *) arg;
    const hs_finding_in_t *in = &msg->as.finding;
    if (s_may (self, HS_ACT_INSPECT_RESULT, msg, "record inspection results"))
        return 1;
    int rc = s_load (self, in->plan, msg);
    if (rc)
        return rc;
    hs_inspection_rec_t *plan = self->plan;
    if (plan->state != HS_INSPECTION_APPROVED)
        return hs_refuse (&msg->why, "bad_state", "plan '%s' is %s: results are recorded on "
                          "an approved plan", plan->id, hs_inspection_state_name (plan->state));
    const char *code = s_unit (self, in->unit);
    if (!code)
        return hs_refuse (&msg->why, "unknown_unit", "'%s' is no street or agency of ours",
                          in->unit);
    hs_inspection_unit_t *unit = hs_inspection_rec_unit (plan, code);
    if (!unit)
        return hs_refuse (&msg->why, "not_invited", "plan '%s' does not inspect '%s'",
                          plan->id, code);
    if (unit->found_at)
        return hs_refuse (&msg->why, "bad_state", "the result of '%s' on '%s' is recorded "
                          "already", code, plan->id);
    rc = s_check_rectify (self, in, &msg->why);
    if (rc || s_record (self, msg, "finding"))
        return rc? rc: -1;
    int64_t now = hs_txn_now (self->txn);
    unit->found_at = now;
    unit->seq = msg->seq;
    snprintf (unit->findings, sizeof (unit->findings), "%.*s", (int) in->findings_size,
              in->findings);
    //  To the unit inspected, the owners, and those who supervise.
    const char *to [S_TOLD_MAX];
    size_t told = 0;
    to [0] = NULL;
    s_to (to, &told, code);
    for (uint32_t index = 0; in->rectify && index < in->rectify->via.array.size; index++) {
        const msgpack_object *item = &in->rectify->via.array.ptr [index];
        char owner [HS_CODE_MAX + 1];
        hs_proto_strcpy (hs_proto_get (item, "owner"), owner, sizeof (owner));
        const msgpack_object *text = hs_proto_get (item, "text");
        hs_rectify_t *fix = hs_inspection_rec_add_rectify (plan, code, s_unit (self, owner),
                                                           text->via.str.ptr, text->via.str.size,
                                                           now, hs_proto_int (item, "due", 0));
        s_to (to, &told, fix->owner);
    }
    told = hs_policy_told (s_policy (self), HS_NOTICE_SUPERVISE, NULL, to, told, S_TOLD_MAX);
    hs_inspection_out_t out = { .kind = "result", .unit = (size_t) (unit - plan->units),
                                .to = to, .update = in->id };
    return s_say (self, &out) || s_complete (self) || s_schedule (self, plan)
        || hs_inspections_save (hs_txn_store (self->txn), plan, self->record)? -1: 0;
}

int
hs_inspections_rectified (void *arg, hs_msg_t *msg)
{
    hs_inspections_t *self = (hs_inspections_t *) arg;
    const hs_rectified_t *in = &msg->as.rectified;
    char plan_id [HS_ID_MAX + 1];
    if (hs_inspection_rec_plan_of (in->item, plan_id, sizeof (plan_id)))
        return hs_refuse (&msg->why, "unknown_inspection", "'%s' is no rectification: they "
                          "are PLAN-rN", in->item);
    int rc = s_load (self, plan_id, msg);
    if (rc)
        return rc;
    hs_inspection_rec_t *plan = self->plan;
    hs_rectify_t *fix = hs_inspection_rec_rectify (plan, in->item);
    if (!fix)
        return hs_refuse (&msg->why, "unknown_inspection", "plan '%s' has no rectification "
                          "'%s'", plan->id, in->item);
    if (!streq (msg->unit, fix->owner)
    &&  s_may (self, HS_ACT_RECTIFIED, msg, "(or its owner) report a rectification done"))
        return 1;
    if (fix->done_at)
        return hs_refuse (&msg->why, "bad_state", "rectification '%s' is done already", fix->id);
    if (s_record (self, msg, "rectified"))
        return -1;
    fix->done_at = hs_txn_now (self->txn);
    fix->next = 0;
    const char *to [S_TOLD_MAX];
    hs_ladder_told_done (s_policy (self), fix->owner, to, S_TOLD_MAX);
    hs_inspection_out_t out = { .kind = "rectified", .item = (size_t) (fix - plan->rectify),
                                .to = to, .note = in->note, .note_size = in->note_size,
                                .update = in->id };
    return s_say (self, &out) || s_complete (self) || s_schedule (self, plan)
        || hs_inspections_save (hs_txn_store (self->txn), plan, self->record)? -1: 0;
}

//  Rectification `index` is not done by `now`: its notice at the rung
//  reached, and the next.
static int
s_notice (hs_inspections_t *self, size_t index, int64_t now)
{
    hs_rectify_t *fix = &self->plan->rectify [index];
    int rung = hs_ladder_climb (fix->set, fix->due, now, s_policy (self)->inspect_repeat_ms,
                                &fix->rung, &fix->notices, &fix->next);
    const char *to [S_TOLD_MAX];
    hs_ladder_told (s_policy (self), rung, fix->owner, to, S_TOLD_MAX);
    char reason [32];
    hs_strjoin (reason, sizeof (reason), "inspection.", hs_rung_name (rung), NULL);
    const char *reasons [] = { reason, NULL };
    hs_stats_count (self->stats, HS_STAT_OVERDUE, 1);
    hs_inspection_out_t out = { .kind = "notice", .item = index, .to = to, .reasons = reasons };
    return s_say (self, &out);
}

int
hs_inspections_timer (hs_inspections_t *self, const hs_timer_t *timer)
{
    hs_store_t *store = hs_txn_store (self->txn);
    hs_inspection_rec_t *plan = self->plan;
    int rc = hs_inspections_load (store, timer->id, plan);
    if (rc)
        return rc < 0? -1: 0;
    if (timer->due != plan->timer_at)
        return 0;                       //  moved on since it was set
    plan->timer_at = 0;
    int64_t now = hs_txn_now (self->txn);
    if (plan->state == HS_INSPECTION_DRAFTED && plan->decide_next
    &&  plan->decide_next <= now) {     //  not decided: the convener is reminded, again later
        plan->reminders++;
        plan->decide_next = now + s_policy (self)->inspect_decide_ms;
        const char *to [S_TOLD_MAX];
        hs_policy_told (s_policy (self), HS_NOTICE_INSPECT_PLAN, NULL, to, 0, S_TOLD_MAX);
        hs_inspection_out_t out = { .kind = "reminder", .to = to };
        if (s_say (self, &out))
            return -1;
    }
    for (size_t index = 0; index < plan->rectify_count; index++) {
        int64_t next = plan->rectify [index].next;
        if (next && next <= now && s_notice (self, index, now))
            return -1;
    }
    return s_schedule (self, plan) || hs_inspections_save (store, plan, self->record)? -1: 0;
}

//  ---------------------------------------------------------------------
//  Self test

typedef struct {
    hs_inspections_t *inspections;
    hs_timers_t *timers;
    hs_msg_t *msg;
    int rc;                     //  the handler's
    size_t fired;               //  timers taken
} s_test_t;

static int
s_test_handle (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    hs_inspections_t *self = test->inspections;
    hs_msg_t *msg = test->msg;
    test->rc = msg->kind == HS_MSG_INSPECT? hs_inspections_plan (self, msg):
               msg->kind == HS_MSG_INSPECTPLAN? hs_inspections_decide (self, msg):
               msg->kind == HS_MSG_FINDING? hs_inspections_finding (self, msg):
                                            hs_inspections_rectified (self, msg);
    return test->rc < 0? -1: 0;
}

static int
s_test_clock (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    hs_timer_t taken [8];
    size_t count;
    if (hs_timers_take (test->timers, hs_txn_now (test->inspections->txn), taken, 8, &count))
        return -1;
    for (size_t index = 0; index < count; index++)
        if (hs_inspections_timer (test->inspections, &taken [index]))
            return -1;
    test->fired += count;
    return 0;
}

//  Run the message in hand, of `kind` from `unit`; its refusal code.
static const char *
s_test_send (s_test_t *test, hs_txn_t *txn, hs_msg_kind_t kind, const char *unit)
{
    hs_msg_t *msg = test->msg;
    msg->kind = kind;
    msg->unit = unit;
    msg->topic = "inspect.test";
    msg->body = (const uint8_t *) "\x80";
    msg->body_size = 1;
    msg->seq = 0;
    assert (hs_txn_run (txn, s_test_handle, test) == 0);
    return test->rc? msg->why.code: NULL;
}

//  The next topic published (its body's `key` into *value, if asked).
static char *
s_test_recv (zsock_t *watcher, const char *key, int64_t *value)
{
    zmsg_t *message = zmsg_recv (watcher);
    assert (message);
    char *topic = zmsg_popstr (message);
    zframe_t *body = zmsg_pop (message);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0);
    if (key)
        *value = hs_proto_int (&unpacked.data, key, -1);
    msgpack_unpacked_destroy (&unpacked);
    zframe_destroy (&body);
    zmsg_destroy (&message);
    return topic;
}

static void
s_test_expect (zsock_t *watcher, const char *expected)
{
    char *topic = s_test_recv (watcher, NULL, NULL);
    assert (streq (topic, expected));
    zstr_free (&topic);
}

void
hs_inspections_test (bool verbose)
{
    if (verbose)
        printf (" * hs_inspections: ");
    //  A clock 3600 times fast: an hour a second.
    int64_t start = 1780000000000LL;
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_inspections", start, 3600);
    hs_txn_t *txn = fixture->txn;
    zsock_t *watcher = hs_txn_fixture_watch (fixture, "inspection.");
    hs_stats_t *stats = hs_stats_new (txn);
    hs_timers_t *timers = hs_timers_new (fixture->store);
    hs_inspections_t *inspections = hs_inspections_new (txn, stats, timers, fixture->config);
    hs_msg_t *msg = (hs_msg_t *) zmalloc (sizeof (hs_msg_t));
    s_test_t test = { inspections, timers, msg, 0, 0 };

    //  A plan, as the office sends it, through its decoder.
    hs_limits_t limits;
    hs_limits_default (&limits);
    hs_pack_t *body = hs_pack_new ();
    const char *units [] = { "hrss", "caoyang", NULL };
    const char *items [] = { "工资专户落实情况", NULL };
    hs_inspect_encode ("i-1", "office", start, "根治欠薪专项督查", units, items, start,
                       start + 86400000, NULL, body);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    hs_why_t why;
    assert (hs_proto_unpack_map (hs_pack_data (body), hs_pack_size (body), &limits, &unpacked,
                                 &why) == 0);
    assert (hs_inspect_decode (&unpacked.data, &limits, start, &msg->as.inspect, &why) == 0);
    assert (streq (s_test_send (&test, txn, HS_MSG_INSPECT, "hrss"), "not_authorized"));
    assert (!s_test_send (&test, txn, HS_MSG_INSPECT, "office"));
    char id [HS_ID_MAX + 1];
    snprintf (id, sizeof (id), "putuo-i%llu", (unsigned long long) msg->seq);
    s_test_expect (watcher, "inspection.plan");

    //  The convener decides a drafted plan once; results wait for approval.
    hs_strcpy (msg->as.finding.plan, sizeof (msg->as.finding.plan), id);
    hs_strcpy (msg->as.finding.unit, sizeof (msg->as.finding.unit), "hrss");
    msg->as.finding.findings = "台账不全";
    msg->as.finding.findings_size = strlen (msg->as.finding.findings);
    assert (streq (s_test_send (&test, txn, HS_MSG_FINDING, "office"), "bad_state"));
    memset (&msg->as.decision, 0, sizeof (msg->as.decision));
    hs_strcpy (msg->as.decision.plan, sizeof (msg->as.decision.plan), id);
    msg->as.decision.approve = true;
    assert (streq (s_test_send (&test, txn, HS_MSG_INSPECTPLAN, "office"), "not_authorized"));
    assert (!s_test_send (&test, txn, HS_MSG_INSPECTPLAN, "convener"));
    s_test_expect (watcher, "inspection.approved");
    assert (streq (s_test_send (&test, txn, HS_MSG_INSPECTPLAN, "convener"), "bad_state"));
    hs_strcpy (msg->as.decision.plan, sizeof (msg->as.decision.plan), "putuo-i999");
    assert (streq (s_test_send (&test, txn, HS_MSG_INSPECTPLAN, "convener"),
                   "unknown_inspection"));

    //  hrss's result asks one rectification of itself, due in half an hour.
    hs_rectify_t fix = { .due = start + 1800 * 1000 };
    strcpy (fix.owner, "hrss");
    strcpy (fix.text, "补齐台账");
    hs_pack_t *result = hs_pack_new ();
    hs_finding_encode ("x-1", "office", start, id, "street.wanli", "台账不全", &fix, 1, result);
    msgpack_unpacked fix_list;
    msgpack_unpacked_init (&fix_list);
    assert (hs_proto_unpack_map (hs_pack_data (result), hs_pack_size (result), &limits,
                                 &fix_list, &why) == 0);
    assert (hs_finding_decode (&fix_list.data, &limits, start, &msg->as.finding, &why) == 0);
    assert (streq (s_test_send (&test, txn, HS_MSG_FINDING, "office"), "not_invited"));
    hs_strcpy (msg->as.finding.unit, sizeof (msg->as.finding.unit), "hrss");
    assert (!s_test_send (&test, txn, HS_MSG_FINDING, "office"));
    s_test_expect (watcher, "inspection.result");
    assert (streq (s_test_send (&test, txn, HS_MSG_FINDING, "office"), "bad_state"));

    //  Past due it is reminded (催办), once.
    zclock_sleep (600);
    assert (hs_txn_run (txn, s_test_clock, &test) == 0 && test.fired == 1);
    int64_t count;
    char *topic = s_test_recv (watcher, "count", &count);
    assert (streq (topic, "inspection.notice") && count == 1);
    zstr_free (&topic);
    hs_inspection_rec_t *plan = (hs_inspection_rec_t *) zmalloc (sizeof (hs_inspection_rec_t));
    assert (hs_store_view_begin (fixture->store) == 0);
    assert (hs_inspections_load (fixture->store, id, plan) == 0);
    hs_store_view_end (fixture->store);
    assert (plan->rectify [0].rung == HS_RUNG_REMIND && plan->timer_at
         && plan->timer_at == 2 * plan->rectify [0].due - plan->rectify [0].set);

    //  Done by its owner, once; not by another unit.
    memset (&msg->as.rectified, 0, sizeof (msg->as.rectified));
    snprintf (msg->as.rectified.item, sizeof (msg->as.rectified.item), "%.56s-r1", id);
    assert (streq (s_test_send (&test, txn, HS_MSG_RECTIFIED, "street.wanli"), "not_authorized"));
    assert (!s_test_send (&test, txn, HS_MSG_RECTIFIED, "hrss"));
    s_test_expect (watcher, "inspection.rectified");
    assert (streq (s_test_send (&test, txn, HS_MSG_RECTIFIED, "hrss"), "bad_state"));
    snprintf (msg->as.rectified.item, sizeof (msg->as.rectified.item), "%.56s-r9", id);
    assert (streq (s_test_send (&test, txn, HS_MSG_RECTIFIED, "hrss"), "unknown_inspection"));
    assert (hs_store_view_begin (fixture->store) == 0);
    assert (hs_inspections_load (fixture->store, id, plan) == 0);
    hs_store_view_end (fixture->store);
    assert (plan->state == HS_INSPECTION_APPROVED && plan->rectify [0].done_at
         && !plan->timer_at);      //  caoyang's result is still to come

    msgpack_unpacked_destroy (&fix_list);
    msgpack_unpacked_destroy (&unpacked);
    hs_pack_destroy (&result);
    hs_pack_destroy (&body);
    free (plan);
    free (msg);
    hs_inspections_destroy (&inspections);
    hs_timers_destroy (&timers);
    hs_stats_destroy (&stats);
    zsock_destroy (&watcher);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
