/*  =========================================================================
    hs_prompts - work prompts (工作提示): the office guides the streets

    A prompt's id is "<district>-p<seq of the prompt message>". The
    message is stored as an event of type `prompt` in the history of each
    case it names; what is published about it (prompt.issued, .signed,
    .notice) is stored under type `workprompt`. A street's signature is
    stored as a `promptsign` event.
    =========================================================================
*/

#include "hs_prompts.h"
#include "hs_ladder.h"
#include "hs_ledger.h"
#include "hs_cases.h"

struct _hs_prompts_t {
    hs_txn_t *txn;              //  borrowed
    hs_stats_t *stats;          //  borrowed
    hs_timers_t *timers;        //  borrowed
    hs_config_t *config;        //  borrowed
    hs_prompt_rec_t *prompt;    //  the prompt in hand
    hs_case_t *kase;            //  a case a prompt names, being looked up
    hs_pack_t *body;            //  a body being packed
    hs_pack_t *record;          //  a record being packed
};

int
hs_prompts_load (hs_store_t *store, const char *id, hs_prompt_rec_t *prompt)
{
    const void *data;
    size_t size;
    int rc = hs_store_get (store, HS_TABLE_PROMPTS, id, strlen (id), &data, &size);
    if (rc)
        return rc;
    return hs_prompt_rec_decode (data, size, prompt);
}

int
hs_prompts_save (hs_store_t *store, const hs_prompt_rec_t *prompt, hs_pack_t *pack)
{
    hs_pack_reset (pack);
    hs_prompt_rec_encode (prompt, pack);
    return hs_store_put (store, HS_TABLE_PROMPTS, prompt->id, strlen (prompt->id),
                         hs_pack_data (pack), hs_pack_size (pack));
}

hs_prompts_t *
hs_prompts_new (hs_txn_t *txn, hs_stats_t *stats, hs_timers_t *timers, hs_config_t *config)
{
    hs_prompts_t *self = (hs_prompts_t *) zmalloc (sizeof (hs_prompts_t));
    self->txn = txn;
    self->stats = stats;
    self->timers = timers;
    self->config = config;
    self->prompt = (hs_prompt_rec_t *) zmalloc (sizeof (hs_prompt_rec_t));
    self->kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    self->body = hs_pack_new ();
    self->record = hs_pack_new ();
    return self;
}

void
hs_prompts_destroy (hs_prompts_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_prompts_t *self = *self_p;
        free (self->prompt);
        free (self->kase);
        hs_pack_destroy (&self->body);
        hs_pack_destroy (&self->record);
        free (self);
        *self_p = NULL;
    }
}

void hs_prompts_set_config (hs_prompts_t *self, hs_config_t *config) { self->config = config; }

static const hs_policy_t *s_policy (hs_prompts_t *self) { return hs_rules_policy (self->config->rules); }

//  The streets the message names into the prompt: each a street of ours
//  (its code or short name), or every street when it says "streets".
//  Returns 0, or 1 refused (`why` set).
static int
s_streets (hs_prompts_t *self, const hs_prompt_in_t *in, hs_prompt_rec_t *prompt, hs_why_t *why)
{
    hs_units_t *units = self->config->units;
    if (!in->streets) {
        for (size_t index = 0; index < hs_units_size (units); index++) {
            const hs_unit_t *unit = hs_units_at (units, index);
            if (unit->kind == HS_UNIT_STREET && hs_prompt_rec_add_street (prompt, unit->code))
                return hs_refuse (why, "bad_value", "more than %d streets: name them",
                                 HS_PROMPT_MAX_STREETS);
        }
        return prompt->street_count? 0: hs_refuse (why, "unknown_unit", "units.cfg has no streets");
    }
    for (uint32_t index = 0; index < in->streets->via.array.size; index++) {
        char name [HS_CODE_MAX + 1];
        hs_proto_strcpy (&in->streets->via.array.ptr [index], name, sizeof (name));
        const hs_unit_t *unit = hs_units_street (units, name);
        if (!unit)
            return hs_refuse (why, "unknown_unit", "'%s' is not a street of ours", name);
        hs_prompt_rec_add_street (prompt, unit->code);
    }
    return 0;
}

//  The cases the message names into the prompt: each must exist.
//  Returns 0, 1 refused (`why` set), or -1 if the store failed.
static int
s_cases (hs_prompts_t *self, const hs_prompt_in_t *in, hs_prompt_rec_t *prompt, hs_why_t *why)
{
    for (uint32_t index = 0; in->cases && index < in->cases->via.array.size; index++) {
        char case_id [HS_ID_MAX + 1];
        hs_proto_strcpy (&in->cases->via.array.ptr [index], case_id, sizeof (case_id));
        int rc = hs_cases_load (hs_txn_store (self->txn), case_id, self->kase);
        if (rc)
            return rc < 0? -1: hs_refuse (why, "unknown_case", "no case '%s'", case_id);
        hs_prompt_rec_add_case (prompt, case_id);
    }
    return 0;
}

//  The prompt's one timer at the first next notice of its streets.
static int
s_schedule (hs_prompts_t *self, hs_prompt_rec_t *prompt)
{
    int64_t first = 0;
    for (size_t index = 0; index < prompt->street_count; index++)
        first = hs_ladder_sooner (first, prompt->streets [index].next);
    return hs_timers_move (self->timers, &prompt->timer_at, first, HS_TIMER_PROMPT, prompt->id);
}

//  Publish prompt.<kind> about the prompt in hand (street `street` for
//  signed and notice). Returns 0 or -1.
static int
s_say (hs_prompts_t *self, const char *kind, size_t street, const char *const *to,
       const char *const *reasons, const hs_prompt_sign_t *sign)
{
    hs_prompt_out_t out = {
        .seq = hs_txn_next_seq (self->txn), .prompt = self->prompt, .kind = kind,
        .street = street, .note = sign? sign->note: NULL, .note_size = sign? sign->note_size: 0,
        .update = sign? sign->id: NULL, .to = to, .reasons = reasons, .at = hs_txn_now (self->txn)
    };
    hs_pack_reset (self->body);
    hs_prompt_out_encode (&out, self->body);
    char topic [32];
    hs_strjoin (topic, sizeof (topic), "prompt.", kind, NULL);
    hs_event_t event = {
        .seq = out.seq, .type = "workprompt", .topic = topic, .body = hs_pack_data (self->body),
        .body_size = hs_pack_size (self->body), .level = -1
    };
    return hs_txn_emit (self->txn, &event);
}

int
hs_prompts_issue (void *arg, hs_msg_t *msg)
{
    hs_prompts_t *self = (hs_prompts_t *) arg;
    const hs_prompt_in_t *in = &msg->as.prompt;
    const hs_policy_t *policy = s_policy (self);
    hs_store_t *store = hs_txn_store (self->txn);
    if (!hs_policy_may (policy, HS_ACT_PROMPT, msg->unit, false)) {
        char who [160];
        hs_policy_who (policy, HS_ACT_PROMPT, who, sizeof (who));
        return hs_refuse (&msg->why, "not_authorized", "only %s issues work prompts, not '%s'",
                         who, msg->unit);
    }
    int64_t now = hs_txn_now (self->txn);
    hs_prompt_rec_t *prompt = self->prompt;
    hs_prompt_rec_init (prompt, "", msg->unit, in->title, in->title_size, in->guidance,
                        in->guidance_size, now, in->due? in->due: now + policy->prompt_sign_ms);
    int rc = s_streets (self, in, prompt, &msg->why);
    if (rc == 0)
        rc = s_cases (self, in, prompt, &msg->why);
    if (rc)
        return rc;
    msg->seq = hs_txn_next_seq (self->txn);
    snprintf (prompt->id, sizeof (prompt->id), "%s-p%llu", self->config->district,
              (unsigned long long) msg->seq);
    hs_event_t event = {
        .seq = msg->seq, .type = "prompt", .topic = msg->topic, .body = msg->body,
        .body_size = msg->body_size, .level = -1
    };
    if (hs_txn_record (self->txn, &event))
        return -1;
    for (size_t index = 0; index < prompt->case_count; index++)
        if (hs_ledger_history_add (store, prompt->cases [index], msg->seq, "prompt"))
            return -1;
    //  To the streets, then those who supervise their signing.
    const char *to [HS_PROMPT_MAX_STREETS + HS_RULES_MAX_OUT + 2];
    size_t told = 0;
    for (size_t index = 0; index < prompt->street_count; index++)
        to [told++] = prompt->streets [index].unit;
    to [told] = NULL;
    hs_policy_told (policy, HS_NOTICE_SUPERVISE, NULL, to, told, sizeof (to) / sizeof (to [0]));
    return s_say (self, "issued", 0, to, NULL, NULL) || s_schedule (self, prompt)
        || hs_prompts_save (store, prompt, self->record)? -1: 0;
}

int
hs_prompts_sign (void *arg, hs_msg_t *msg)
{
    hs_prompts_t *self = (hs_prompts_t *) arg;
    const hs_prompt_sign_t *sign = &msg->as.sign;
    hs_store_t *store = hs_txn_store (self->txn);
    hs_prompt_rec_t *prompt = self->prompt;
    int rc = hs_prompts_load (store, sign->item, prompt);
    if (rc)
        return rc < 0? -1: hs_refuse (&msg->why, "unknown_prompt", "no work prompt '%s'",
                                     sign->item);
    hs_prompt_street_t *street = hs_prompt_rec_street (prompt, msg->unit);
    if (!street)
        return hs_refuse (&msg->why, "not_invited", "work prompt '%s' is not for '%s': it goes "
                         "to %zu streets", prompt->id, msg->unit, prompt->street_count);
    if (street->signed_at)
        return hs_refuse (&msg->why, "bad_state", "'%s' signed for '%s' already", msg->unit,
                         prompt->id);
    msg->seq = hs_txn_next_seq (self->txn);
    hs_event_t event = {
        .seq = msg->seq, .type = "promptsign", .topic = msg->topic, .body = msg->body,
        .body_size = msg->body_size, .level = -1
    };
    if (hs_txn_record (self->txn, &event))
        return -1;
    street->signed_at = hs_txn_now (self->txn);
    street->next = 0;
    const char *to [HS_RULES_MAX_OUT + 2];
    hs_ladder_told_done (s_policy (self), street->unit, to, sizeof (to) / sizeof (to [0]));
    return s_say (self, "signed", (size_t) (street - prompt->streets), to, NULL, sign)
        || s_schedule (self, prompt) || hs_prompts_save (store, prompt, self->record)? -1: 0;
}

//  Street `index` has not signed by `now`: its notice at the rung
//  reached, and the next.
static int
s_notice (hs_prompts_t *self, size_t index, int64_t now)
{
    hs_prompt_rec_t *prompt = self->prompt;
    hs_prompt_street_t *street = &prompt->streets [index];
    int rung = hs_ladder_climb (prompt->issued, prompt->due, now, s_policy (self)->prompt_repeat_ms,
                                &street->rung, &street->notices, &street->next);
    const char *to [HS_RULES_MAX_OUT + 2];
    hs_ladder_told (s_policy (self), rung, street->unit, to, sizeof (to) / sizeof (to [0]));
    char reason [32];
    hs_strjoin (reason, sizeof (reason), "prompt.", hs_rung_name (rung), NULL);
    const char *reasons [] = { reason, NULL };
    hs_stats_count (self->stats, HS_STAT_OVERDUE, 1);
    return s_say (self, "notice", index, to, reasons, NULL);
}

int
hs_prompts_timer (hs_prompts_t *self, const hs_timer_t *timer)
{
    hs_store_t *store = hs_txn_store (self->txn);
    hs_prompt_rec_t *prompt = self->prompt;
    int rc = hs_prompts_load (store, timer->id, prompt);
    if (rc)
        return rc < 0? -1: 0;
    if (timer->due != prompt->timer_at)
        return 0;                       //  moved on since it was set
    prompt->timer_at = 0;
    int64_t now = hs_txn_now (self->txn);
    for (size_t index = 0; index < prompt->street_count; index++) {
        int64_t next = prompt->streets [index].next;
        if (next && next <= now && s_notice (self, index, now))
            return -1;
    }
    return s_schedule (self, prompt) || hs_prompts_save (store, prompt, self->record)? -1: 0;
}

//  ---------------------------------------------------------------------
//  Self test

typedef struct {
    hs_prompts_t *prompts;
    hs_timers_t *timers;
    hs_msg_t *msg;
    int rc;                     //  the handler's
    size_t fired;               //  timers taken
} s_test_t;

static int
s_test_handle (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    test->rc = test->msg->kind == HS_MSG_PROMPT? hs_prompts_issue (test->prompts, test->msg):
                                                 hs_prompts_sign (test->prompts, test->msg);
    return test->rc < 0? -1: 0;
}

static int
s_test_clock (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    hs_timer_t taken [8];
    size_t count;
    if (hs_timers_take (test->timers, hs_txn_now (test->prompts->txn), taken, 8, &count))
        return -1;
    for (size_t index = 0; index < count; index++)
        if (hs_prompts_timer (test->prompts, &taken [index]))
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
    msg->topic = kind == HS_MSG_PROMPT? "prompt.office": "promptsign.street";
    msg->body = (const uint8_t *) "\x80";
    msg->body_size = 1;
    msg->seq = 0;
    assert (hs_txn_run (txn, s_test_handle, test) == 0);
    return test->rc? msg->why.code: NULL;
}

//  Read one published message; its topic and, if asked, an int key.
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

void
hs_prompts_test (bool verbose)
{
    if (verbose)
        printf (" * hs_prompts: ");
    //  A clock 3600 times fast: an hour a second.
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_prompts", 1780000000000LL, 3600);
    hs_txn_t *txn = fixture->txn;
    zsock_t *watcher = hs_txn_fixture_watch (fixture, "prompt.");
    hs_stats_t *stats = hs_stats_new (txn);
    hs_timers_t *timers = hs_timers_new (fixture->store);
    hs_prompts_t *prompts = hs_prompts_new (txn, stats, timers, fixture->config);
    hs_msg_t *msg = (hs_msg_t *) zmalloc (sizeof (hs_msg_t));
    s_test_t test = { prompts, timers, msg, 0, 0 };

    //  Only the office issues one; to every street, due in half an hour.
    msg->as.prompt.title = "欠薪排查";
    msg->as.prompt.title_size = strlen (msg->as.prompt.title);
    msg->as.prompt.guidance = "各街镇排查辖区工地";
    msg->as.prompt.guidance_size = strlen (msg->as.prompt.guidance);
    msg->as.prompt.due = 1780000000000LL + 1800 * 1000;
    assert (streq (s_test_send (&test, txn, HS_MSG_PROMPT, "hrss"), "not_authorized"));
    assert (!s_test_send (&test, txn, HS_MSG_PROMPT, "office"));
    char id [HS_ID_MAX + 1];
    snprintf (id, sizeof (id), "putuo-p%llu", (unsigned long long) msg->seq);
    int64_t due;
    char *topic = s_test_recv (watcher, "due", &due);
    assert (streq (topic, "prompt.issued") && due == msg->as.prompt.due);
    zstr_free (&topic);
    hs_prompt_rec_t *prompt = (hs_prompt_rec_t *) zmalloc (sizeof (hs_prompt_rec_t));
    assert (hs_store_view_begin (fixture->store) == 0);
    assert (hs_prompts_load (fixture->store, id, prompt) == 0);
    hs_store_view_end (fixture->store);
    assert (prompt->street_count == 10 && prompt->timer_at == due);

    //  A street signs, once; a unit it does not name, an unknown prompt: refused.
    hs_strcpy (msg->as.sign.item, sizeof (msg->as.sign.item), id);
    hs_strcpy (msg->as.sign.id, sizeof (msg->as.sign.id), "s-1");
    assert (!s_test_send (&test, txn, HS_MSG_PROMPTSIGN, "street.caoyang"));
    topic = s_test_recv (watcher, NULL, NULL);
    assert (streq (topic, "prompt.signed"));
    zstr_free (&topic);
    assert (streq (s_test_send (&test, txn, HS_MSG_PROMPTSIGN, "street.caoyang"), "bad_state"));
    assert (streq (s_test_send (&test, txn, HS_MSG_PROMPTSIGN, "hrss"), "not_invited"));
    hs_strcpy (msg->as.sign.item, sizeof (msg->as.sign.item), "putuo-p999");
    assert (streq (s_test_send (&test, txn, HS_MSG_PROMPTSIGN, "street.wanli"), "unknown_prompt"));

    //  Past due the nine others are reminded (催办), each once a rung.
    zclock_sleep (600);
    assert (hs_txn_run (txn, s_test_clock, &test) == 0 && test.fired == 1);
    for (int index = 0; index < 9; index++) {
        int64_t count;
        topic = s_test_recv (watcher, "count", &count);
        assert (streq (topic, "prompt.notice") && count == 1);
        zstr_free (&topic);
    }
    assert (hs_stats_get (stats, HS_STAT_OVERDUE) == 9);
    assert (hs_store_view_begin (fixture->store) == 0);
    assert (hs_prompts_load (fixture->store, id, prompt) == 0);
    hs_store_view_end (fixture->store);
    assert (prompt->streets [1].rung == HS_RUNG_REMIND && prompt->streets [0].rung == HS_RUNG_NONE);
    assert (prompt->timer_at == 2 * due - prompt->issued);     //  督办 at twice the time
    free (prompt);
    free (msg);
    hs_prompts_destroy (&prompts);
    hs_timers_destroy (&timers);
    hs_stats_destroy (&stats);
    zsock_destroy (&watcher);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
