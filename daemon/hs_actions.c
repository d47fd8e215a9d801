/*  =========================================================================
    hs_actions - the action items (督办事项) a meeting's minutes decide

    An item's ladder is hs_ladder's: with d its time (due - decided),
    rung 1 at due, rung 2 at due + d, rung 3 at due + 2d, on plain time
    (a meeting sets a date), each rung again every meetings/action_repeat.
    =========================================================================
*/

#include "hs_actions.h"
#include "hs_ladder.h"
#include "hs_meeting_table.h"
#include "hs_cases.h"

struct _hs_actions_t {
    hs_txn_t *txn;              //  borrowed
    hs_stats_t *stats;          //  borrowed
    hs_timers_t *timers;        //  borrowed
    hs_config_t *config;        //  borrowed
    hs_meeting_rec_t *meeting;  //  the meeting in hand (a timer's, a done item's)
    hs_pack_t *body;            //  a body being packed
    hs_pack_t *record;          //  a record being packed
};

hs_actions_t *
hs_actions_new (hs_txn_t *txn, hs_stats_t *stats, hs_timers_t *timers, hs_config_t *config)
{
    hs_actions_t *self = (hs_actions_t *) zmalloc (sizeof (hs_actions_t));
    self->txn = txn;
    self->stats = stats;
    self->timers = timers;
    self->config = config;
    self->meeting = (hs_meeting_rec_t *) zmalloc (sizeof (hs_meeting_rec_t));
    self->body = hs_pack_new ();
    self->record = hs_pack_new ();
    return self;
}

void
hs_actions_destroy (hs_actions_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_actions_t *self = *self_p;
        free (self->meeting);
        hs_pack_destroy (&self->body);
        hs_pack_destroy (&self->record);
        free (self);
        *self_p = NULL;
    }
}

void hs_actions_set_config (hs_actions_t *self, hs_config_t *config) { self->config = config; }

static const hs_policy_t *s_policy (hs_actions_t *self) { return hs_rules_policy (self->config->rules); }

//  Read item `index` of the minutes' (checked) actions.
static void
s_item_fields (const msgpack_object *entry, char *owner, char *case_id, const char **text,
               size_t *text_size, int64_t *due)
{
    hs_proto_strcpy (hs_proto_get (entry, "owner"), owner, HS_CODE_MAX + 1);
    if (hs_proto_strcpy (hs_proto_get (entry, "case"), case_id, HS_ID_MAX + 1))
        *case_id = 0;
    const msgpack_object *value = hs_proto_get (entry, "text");
    *text = value->via.str.ptr;
    *text_size = value->via.str.size;
    *due = hs_proto_int (entry, "due", 0);
}

int
hs_actions_check (hs_actions_t *self, const hs_meeting_rec_t *meeting,
                  const hs_minutes_t *minutes, hs_why_t *why)
{
    if (!minutes->actions)
        return 0;
    uint32_t count = minutes->actions->via.array.size;
    if (meeting->action_count + count > HS_MEETING_MAX_ACTIONS)
        return hs_refuse (why, "bad_value", "meeting '%s' can have at most %d action items",
                          meeting->id, HS_MEETING_MAX_ACTIONS);
    int64_t now = hs_txn_now (self->txn);
    hs_case_t *kase = (hs_case_t *) malloc (sizeof (hs_case_t));
    int rc = 0;
    for (uint32_t index = 0; index < count && rc == 0; index++) {
        char owner [HS_CODE_MAX + 1], case_id [HS_ID_MAX + 1];
        const char *text;
        size_t text_size;
        int64_t due;
        s_item_fields (&minutes->actions->via.array.ptr [index], owner, case_id, &text,
                       &text_size, &due);
        const hs_unit_t *unit = hs_units_find (self->config->units, owner);
        if (!unit || unit->kind == HS_UNIT_ROLE) {
            hs_why (why, "unknown_unit", "action item %u: '%s' is not an agency or street of "
                    "ours", index + 1, owner);
            rc = 1;
        }
        else
        if (due <= now) {
            hs_why (why, "bad_value", "action item %u is due before now", index + 1);
            rc = 1;
        }
        else
        if (*case_id) {
            rc = hs_cases_load (hs_txn_store (self->txn), case_id, kase);
            if (rc == 1)
                hs_why (why, "unknown_case", "action item %u: no case '%s'", index + 1, case_id);
        }
    }
    free (kase);
    return rc;
}

//  The meeting's one action timer at the earliest next of its items.
static int
s_schedule (hs_actions_t *self, hs_meeting_rec_t *meeting)
{
    int64_t first = 0;
    for (size_t index = 0; index < meeting->action_count; index++)
        first = hs_ladder_sooner (first, meeting->actions [index].next);
    return hs_timers_move (self->timers, &meeting->timer_at, first, HS_TIMER_ACTION, meeting->id);
}

//  Publish a meeting.* body packed in self->body, about `case_id` (or NULL).
static int
s_emit (hs_actions_t *self, uint64_t seq, const char *topic, const char *case_id)
{
    hs_event_t event = {
        .seq = seq, .type = "meeting", .topic = topic, .case_id = case_id,
        .body = hs_pack_data (self->body), .body_size = hs_pack_size (self->body), .level = -1
    };
    return hs_txn_emit (self->txn, &event);
}

int
hs_actions_take (hs_actions_t *self, hs_meeting_rec_t *meeting, const hs_minutes_t *minutes)
{
    int64_t now = hs_txn_now (self->txn);
    size_t first = meeting->action_count;
    uint32_t count = minutes->actions? minutes->actions->via.array.size: 0;
    //  Told: those the meeting was for, and the owners.
    const char *to [HS_MEETING_MAX_INVITED + HS_MEETING_MAX_CHAIRS + HS_MEETING_MAX_ACTIONS + 1];
    size_t told = 0;
    for (size_t index = 0; index < meeting->chair_count; index++)
        to [told++] = meeting->chairs [index];
    for (size_t index = 0; index < meeting->invited_count; index++)
        to [told++] = meeting->invited [index];
    for (uint32_t index = 0; index < count && meeting->action_count < HS_MEETING_MAX_ACTIONS; index++) {
        hs_action_item_t *item = &meeting->actions [meeting->action_count++];
        const char *text;
        size_t text_size;
        memset (item, 0, sizeof (*item));
        s_item_fields (&minutes->actions->via.array.ptr [index], item->owner, item->case_id,
                       &text, &text_size, &item->due);
        snprintf (item->text, sizeof (item->text), "%.*s", (int) text_size, text);
        item->start = now;
        item->next = item->due;
        bool known = false;
        for (size_t at = 0; at < told; at++)
            known = known || streq (to [at], item->owner);
        if (!known)
            to [told++] = item->owner;
    }
    to [told] = NULL;
    hs_minutes_out_t out = {
        .seq = hs_txn_next_seq (self->txn), .meeting = meeting, .decisions = minutes->decisions,
        .first = first, .count = meeting->action_count - first, .note = minutes->note,
        .note_size = minutes->note_size, .to = to, .at = now
    };
    hs_pack_reset (self->body);
    hs_minutes_out_encode (&out, self->body);
    if (s_emit (self, out.seq, "meeting.minutes", meeting->case_count? meeting->cases [0]: NULL))
        return -1;
    return s_schedule (self, meeting);
}

//  Item `index` chased or done: a meeting.action, to `to`.
static int
s_action (hs_actions_t *self, hs_meeting_rec_t *meeting, size_t index, const char *kind,
          const char *const *to, const char *reason, const char *source, const char *update)
{
    const char *reasons [] = { reason, NULL };
    hs_action_out_t out = {
        .seq = hs_txn_next_seq (self->txn), .meeting = meeting, .index = index, .kind = kind,
        .to = to, .reasons = reasons, .source = source, .update = update,
        .at = hs_txn_now (self->txn)
    };
    hs_pack_reset (self->body);
    hs_action_out_encode (&out, self->body);
    const char *case_id = meeting->actions [index].case_id;
    return s_emit (self, out.seq, "meeting.action", *case_id? case_id: NULL);
}

//  Item `index` is due at `now`: its notice at the rung reached, and the next.
static int
s_notice (hs_actions_t *self, hs_meeting_rec_t *meeting, size_t index, int64_t now)
{
    hs_action_item_t *item = &meeting->actions [index];
    int rung = hs_ladder_climb (item->start, item->due, now, s_policy (self)->action_repeat_ms,
                                &item->rung, &item->notices, &item->next);
    const char *to [HS_RULES_MAX_OUT + 2];
    hs_ladder_told (s_policy (self), rung, item->owner, to, sizeof (to) / sizeof (to [0]));
    char reason [32];
    hs_strjoin (reason, sizeof (reason), "action.", hs_rung_name (rung), NULL);
    hs_stats_count (self->stats, HS_STAT_OVERDUE, 1);
    return s_action (self, meeting, index, "notice", to, reason, NULL, NULL);
}

int
hs_actions_timer (hs_actions_t *self, const hs_timer_t *timer)
{
    hs_store_t *store = hs_txn_store (self->txn);
    hs_meeting_rec_t *meeting = self->meeting;
    int rc = hs_meeting_table_load (store, timer->id, meeting);
    if (rc)
        return rc < 0? -1: 0;
    if (timer->due != meeting->timer_at)
        return 0;                       //  moved on since it was set
    meeting->timer_at = 0;
    int64_t now = hs_txn_now (self->txn);
    for (size_t index = 0; index < meeting->action_count; index++) {
        const hs_action_item_t *item = &meeting->actions [index];
        if (item->next && item->next <= now && s_notice (self, meeting, index, now))
            return -1;
    }
    return s_schedule (self, meeting) || hs_meeting_table_save (store, meeting, self->record)? -1: 0;
}

int
hs_actions_done (void *arg, hs_msg_t *msg)
{
    hs_actions_t *self = (hs_actions_t *) arg;
    hs_action_done_t *done = &msg->as.action;
    hs_store_t *store = hs_txn_store (self->txn);
    hs_meeting_rec_t *meeting = self->meeting;
    char meeting_id [HS_ID_MAX + 1];
    size_t index;
    int rc = hs_action_item_parse (done->item, meeting_id, sizeof (meeting_id), &index);
    rc = rc? 1: hs_meeting_table_load (store, meeting_id, meeting);
    if (rc < 0)
        return -1;
    if (rc || index >= meeting->action_count)
        return hs_refuse (&msg->why, "unknown_item", "no action item '%s'", done->item);
    hs_action_item_t *item = &meeting->actions [index];
    if (!streq (done->source, item->owner)
    &&  !hs_policy_may (s_policy (self), HS_ACT_ACTION, done->source, false)) {
        char who [160];
        hs_policy_who (s_policy (self), HS_ACT_ACTION, who, sizeof (who));
        return hs_refuse (&msg->why, "not_authorized", "only its owner '%s' or %s may say "
                          "item '%s' is done", item->owner, who, done->item);
    }
    if (item->done)
        return hs_refuse (&msg->why, "bad_state", "item '%s' is done already", done->item);
    msg->seq = hs_txn_next_seq (self->txn);
    hs_event_t event = {
        .seq = msg->seq, .type = "action", .topic = msg->topic,
        .case_id = *item->case_id? item->case_id: NULL,
        .body = msg->body, .body_size = msg->body_size, .level = -1
    };
    if (hs_txn_record (self->txn, &event))
        return -1;
    item->done = hs_txn_now (self->txn);
    item->next = 0;
    //  Said to those who chased it: the office, and the owner.
    const char *to [HS_RULES_MAX_OUT + 2];
    hs_ladder_told_done (s_policy (self), item->owner, to, sizeof (to) / sizeof (to [0]));
    if (s_action (self, meeting, index, "done", to, "action.done", done->source, done->id)
    ||  s_schedule (self, meeting) || hs_meeting_table_save (store, meeting, self->record))
        return -1;
    return 0;
}

//  ---------------------------------------------------------------------
//  Self test

typedef struct {
    hs_actions_t *actions;
    hs_meeting_rec_t *meeting;
    hs_minutes_t *minutes;
    hs_msg_t *msg;
    int rc;
} s_test_t;

//  Minutes with their items for a stored meeting.
static int
s_test_minutes (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    hs_why_t why;
    test->rc = hs_actions_check (test->actions, test->meeting, test->minutes, &why);
    if (test->rc == 0 && hs_actions_take (test->actions, test->meeting, test->minutes))
        return -1;
    return hs_meeting_table_save (hs_txn_store (test->actions->txn), test->meeting,
                                  test->actions->record);
}

static int
s_test_due (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    hs_timer_t taken [4];
    size_t count;
    if (hs_timers_take (test->actions->timers, hs_txn_now (test->actions->txn), taken, 4, &count))
        return -1;
    test->rc = (int) count;
    for (size_t index = 0; index < count; index++)
        if (hs_actions_timer (test->actions, &taken [index]))
            return -1;
    return 0;
}

static int
s_test_done (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    test->rc = hs_actions_done (test->actions, test->msg);
    return test->rc < 0? -1: 0;
}

//  The next message's topic and kind ("" when none).
static void
s_test_next (zsock_t *watcher, char *topic, char *kind)
{
    *topic = *kind = 0;
    zmsg_t *message = zmsg_recv (watcher);
    assert (message);
    char *name = zmsg_popstr (message);
    zframe_t *body = zmsg_last (message);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0);
    strcpy (topic, name);
    hs_proto_strcpy (hs_proto_get (&unpacked.data, "kind"), kind, 16);
    msgpack_unpacked_destroy (&unpacked);
    zstr_free (&name);
    zmsg_destroy (&message);
}

static void s_test_settle_yes (void *arg) { hs_timers_settle ((hs_timers_t *) arg, true); }
static void s_test_settle_no (void *arg) { hs_timers_settle ((hs_timers_t *) arg, false); }

static msgpack_object
s_test_str (const char *text)
{
    msgpack_object object = { .type = MSGPACK_OBJECT_STR };
    object.via.str.ptr = text;
    object.via.str.size = (uint32_t) strlen (text);
    return object;
}

void
hs_actions_test (bool verbose)
{
    if (verbose)
        printf (" * hs_actions: ");
    //  The ladder's times are hs_ladder's (its self test).
    //  An hour a millisecond: the items' days pass at once.
    int64_t start = 1780000000000LL;
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_actions", start, 3600000);
    zsock_t *watcher = hs_txn_fixture_watch (fixture, "meeting.");
    hs_stats_t *stats = hs_stats_new (fixture->txn);
    hs_timers_t *timers = hs_timers_new (fixture->store);
    hs_txn_participant_t participant = { "timers", NULL, s_test_settle_yes, s_test_settle_no,
                                         NULL, timers };
    hs_txn_join (fixture->txn, &participant);
    hs_actions_t *self = hs_actions_new (fixture->txn, stats, timers, fixture->config);
    hs_meeting_rec_t *meeting = (hs_meeting_rec_t *) zmalloc (sizeof (hs_meeting_rec_t));
    const char *invited [] = { "hrss", "street.caoyang", NULL };
    const char *chairs [] = { "convener", NULL };
    hs_meeting_rec_init (meeting, "putuo-m1", "plenary", -1, NULL, "", invited, chairs,
                         "normal", start, start + 3600000);
    //  Minutes with two items, one of an owner who is no unit of ours (as
    //  hs_minutes_decode leaves them: msgpack objects, here made by hand).
    msgpack_object_kv fields [2][3];
    msgpack_object items [2], actions;
    for (int index = 0; index < 2; index++) {
        const char *owner = index? "nobody": "hrss";
        fields [index][0].key = s_test_str ("owner");
        fields [index][0].val = s_test_str (owner);
        fields [index][1].key = s_test_str ("text");
        fields [index][1].val = s_test_str ("核实欠薪数额");
        fields [index][2].key = s_test_str ("due");
        fields [index][2].val.type = MSGPACK_OBJECT_POSITIVE_INTEGER;
        fields [index][2].val.via.u64 = (uint64_t) (start + 300 * 3600000LL);  //  300 ms on
        items [index].type = MSGPACK_OBJECT_MAP;
        items [index].via.map.size = 3;
        items [index].via.map.ptr = fields [index];
    }
    actions.type = MSGPACK_OBJECT_ARRAY;
    actions.via.array.size = 2;
    actions.via.array.ptr = items;
    hs_minutes_t minutes = { .actions = &actions };
    s_test_t test = { self, meeting, &minutes, NULL, 0 };
    assert (hs_txn_run (fixture->txn, s_test_minutes, &test) == 0 && test.rc == 1);
    assert (meeting->action_count == 0);                    //  refused: nothing added
    actions.via.array.size = 1;                             //  the good one only
    assert (hs_txn_run (fixture->txn, s_test_minutes, &test) == 0 && test.rc == 0);
    assert (meeting->action_count == 1 && meeting->timer_at == start + 300 * 3600000LL);
    char topic [64], kind [16];
    s_test_next (watcher, topic, kind);
    assert (streq (topic, "meeting.minutes"));
    //  Days pass: the item is chased, each notice once.
    zclock_sleep (350);
    assert (hs_txn_run (fixture->txn, s_test_due, &test) == 0 && test.rc == 1);
    s_test_next (watcher, topic, kind);
    assert (streq (topic, "meeting.action") && streq (kind, "notice"));
    assert (hs_txn_run (fixture->txn, s_test_due, &test) == 0);
    //  Its owner says it is done; again is refused.
    hs_msg_t *msg = (hs_msg_t *) zmalloc (sizeof (hs_msg_t));
    msg->kind = HS_MSG_ACTION;
    msg->topic = "action.hrss";
    msg->body = (const uint8_t *) "\x80";
    msg->body_size = 1;
    strcpy (msg->as.action.source, "hrss");
    strcpy (msg->as.action.id, "d1");
    strcpy (msg->as.action.item, "putuo-m1-a1");
    test.msg = msg;
    assert (hs_txn_run (fixture->txn, s_test_done, &test) == 0 && test.rc == 0);
    assert (hs_txn_run (fixture->txn, s_test_done, &test) == 0 && test.rc == 1);
    assert (streq (msg->why.code, "bad_state"));
    strcpy (msg->as.action.item, "putuo-m1-a7");
    assert (hs_txn_run (fixture->txn, s_test_done, &test) == 0 && test.rc == 1);
    assert (streq (msg->why.code, "unknown_item"));
    assert (hs_timers_next (timers) == 0);                  //  chased no more
    free (msg);
    free (meeting);
    hs_actions_destroy (&self);
    hs_timers_destroy (&timers);
    hs_stats_destroy (&stats);
    zsock_destroy (&watcher);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
