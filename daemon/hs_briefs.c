/*  =========================================================================
    hs_briefs - briefings (通报): daily and weekly, and those from below

    Alert kinds of older stores are still counted: `overdue` (0.4's
    supervision alert) with the supervision notices in `overdue_alerts`;
    `resolved` as before (in 0.4 it ended the case; now it is the lead's
    办结, awaiting the office's review, and `closed` ends it).
    =========================================================================
*/

#include "hs_briefs.h"
#include "hs_ledger.h"
#include "hs_meeting_table.h"
#include "hs_prompts.h"
#include "hs_inspections.h"

#define TALLY_MAX 256           //  streets (or categories) named in one briefing
#define CHASED_MAX 256          //  chased units counted in one period
#define NAMED_MAX 64            //  chased units a briefing lists (most notices first)
#define PROMPTS_MAX 32          //  work prompts a briefing lists (the first of the period)

//  A period's marks, by briefing: daily 0, weekly 1.
static const struct {
    const char *period;
    hs_meta_t from, seq, next;
} s_periods [2] = {
    { "daily", HS_META_BRIEF_DAILY_FROM, HS_META_BRIEF_DAILY_SEQ, HS_META_BRIEF_DAILY_NEXT },
    { "weekly", HS_META_BRIEF_WEEKLY_FROM, HS_META_BRIEF_WEEKLY_SEQ, HS_META_BRIEF_WEEKLY_NEXT }
};

struct _hs_briefs_t {
    hs_txn_t *txn;              //  borrowed
    hs_stats_t *stats;          //  borrowed
    hs_config_t *config;        //  borrowed
    int64_t next [2];           //  when each is next due, as committed
    int64_t staged [2];         //  ... as the open transaction set it (0: unchanged)
    hs_pack_t *body;
};

//  What one briefing counts. Names are copied (events' bytes do not
//  outlive their visit).
typedef struct {
    hs_brief_t brief;
    char street_names [TALLY_MAX][HS_CODE_MAX + 1];
    hs_tally_t streets [TALLY_MAX];
    hs_tally_t categories [HS_CATEGORY_COUNT];
    char unit_names [CHASED_MAX][HS_CODE_MAX + 1];
    hs_brief_notices_t chased [CHASED_MAX];     //  supervision notices per chased unit
    size_t chased_count;
    const char *named [NAMED_MAX + 1];          //  those circulated (通报)
    char prompt_ids [PROMPTS_MAX][HS_ID_MAX + 1];   //  work prompts issued in the period
    size_t prompt_ids_count;
    hs_prompt_rec_t prompts [PROMPTS_MAX];      //  ... as they are now
    hs_meeting_rec_t meeting;                   //  a meeting read, for its action items
    hs_inspection_rec_t plan;                   //  an inspection plan read, for its rectifications
} s_count_t;

//  Whether a case is past due on some clock, as its record says: the one
//  place that reads it.
static bool
s_case_overdue (const hs_case_t *kase)
{
    return kase->overdue_sent;
}

static void
s_commit (void *arg)
{
    hs_briefs_t *self = (hs_briefs_t *) arg;
    for (int index = 0; index < 2; index++)
        if (self->staged [index])
            self->next [index] = self->staged [index];
    memset (self->staged, 0, sizeof (self->staged));
}

static void
s_abort (void *arg)
{
    hs_briefs_t *self = (hs_briefs_t *) arg;
    memset (self->staged, 0, sizeof (self->staged));
}

hs_briefs_t *
hs_briefs_new (hs_txn_t *txn, hs_stats_t *stats, hs_config_t *config)
{
    hs_briefs_t *self = (hs_briefs_t *) zmalloc (sizeof (hs_briefs_t));
    self->txn = txn;
    self->stats = stats;
    self->config = config;
    self->body = hs_pack_new ();
    hs_store_t *store = hs_txn_store (txn);
    if (hs_store_view_begin (store) == 0) {
        for (int index = 0; index < 2; index++) {
            uint64_t at = 0;
            hs_store_meta_get (store, s_periods [index].next, 0, &at);
            self->next [index] = (int64_t) at;
        }
        hs_store_view_end (store);
    }
    hs_txn_participant_t participant = { "briefs", NULL, s_commit, s_abort, NULL, self };
    hs_txn_join (txn, &participant);
    return self;
}

void
hs_briefs_destroy (hs_briefs_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_briefs_t *self = *self_p;
        hs_pack_destroy (&self->body);
        free (self);
        *self_p = NULL;
    }
}

void hs_briefs_set_config (hs_briefs_t *self, hs_config_t *config) { self->config = config; }

int64_t
hs_briefs_next (hs_briefs_t *self)
{
    int64_t next = 0;
    for (int index = 0; index < 2; index++)
        if (self->next [index] && (next == 0 || self->next [index] < next))
            next = self->next [index];
    return next;
}

static void
s_tally (hs_tally_t *tally, char (*names)[HS_CODE_MAX + 1], size_t *count, size_t max,
         const char *name)
{
    for (size_t index = 0; index < *count; index++)
        if (streq (tally [index].name, name)) {
            tally [index].count++;
            return;
        }
    if (*count < max) {
        const char *kept = name;
        if (names) {
            hs_strcpy (names [*count], HS_CODE_MAX + 1, name);
            kept = names [*count];
        }
        tally [*count].name = kept;
        tally [(*count)++].count = 1;
    }
}

//  A supervision notice to `unit` at `rung` (remind | supervise |
//  circulate); another rung, or no unit, is not one.
//  A unit's row, made when first named; NULL past CHASED_MAX (more units
//  than a district has).
static hs_brief_notices_t *
s_unit_row (s_count_t *count, const char *unit)
{
    size_t index = 0;
    while (index < count->chased_count && !streq (count->chased [index].unit, unit))
        index++;
    if (index == count->chased_count) {
        if (count->chased_count == CHASED_MAX)
            return NULL;
        hs_strcpy (count->unit_names [index], HS_CODE_MAX + 1, unit);
        memset (&count->chased [index], 0, sizeof (count->chased [index]));
        count->chased [index].unit = count->unit_names [index];
        count->chased_count++;
    }
    return &count->chased [index];
}

static void
s_count_notice (s_count_t *count, const char *unit, const char *rung)
{
    hs_brief_notices_t *notices = *unit? s_unit_row (count, unit): NULL;
    if (!notices)
        return;
    if (streq (rung, "remind"))
        notices->remind++;
    else
    if (streq (rung, "supervise"))
        notices->supervise++;
    else
    if (streq (rung, "circulate"))
        notices->circulate++;
}

//  A work prompt said in the period: issued (listed, as it is now), or a
//  street late to sign for one (a supervision notice to that street); or
//  a member unit late with its opinion on a proposal (one to that unit).
static void
s_count_prompt (s_count_t *count, const hs_event_read_t *event)
{
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    if (hs_proto_unpack_stored (event->body, event->body_size, &unpacked) == 0) {
        const msgpack_object *body = &unpacked.data;
        char unit [HS_CODE_MAX + 1], rung [16];
        if (streq (event->topic, "prompt.issued") && count->prompt_ids_count < PROMPTS_MAX
        &&  hs_proto_strcpy (hs_proto_get (body, "prompt"), count->prompt_ids
                             [count->prompt_ids_count], HS_ID_MAX + 1) == 0)
            count->prompt_ids_count++;
        else
        if ((streq (event->topic, "prompt.notice") || streq (event->topic, "proposal.notice"))
        &&  hs_proto_strcpy (hs_proto_get (body, "unit"), unit, sizeof (unit)) == 0
        &&  hs_proto_strcpy (hs_proto_get (body, "rung"), rung, sizeof (rung)) == 0)
            s_count_notice (count, unit, rung);
    }
    msgpack_unpacked_destroy (&unpacked);
}

//  A rectification (整改) late: a supervision notice to its owner.
static void
s_count_rectify (s_count_t *count, const hs_event_read_t *event)
{
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    char owner [HS_CODE_MAX + 1], rung [16];
    if (hs_proto_unpack_stored (event->body, event->body_size, &unpacked) == 0
    &&  hs_proto_strcpy (hs_proto_get (&unpacked.data, "owner"), owner, sizeof (owner)) == 0
    &&  hs_proto_strcpy (hs_proto_get (&unpacked.data, "rung"), rung, sizeof (rung)) == 0)
        s_count_notice (count, owner, rung);
    msgpack_unpacked_destroy (&unpacked);
}

//  The prompts issued in the period, as they are now (one that cannot be
//  read is left out: the briefing still goes).
static void
s_read_prompts (s_count_t *count, hs_store_t *store)
{
    hs_brief_t *brief = &count->brief;
    for (size_t index = 0; index < count->prompt_ids_count; index++)
        if (hs_prompts_load (store, count->prompt_ids [index],
                             &count->prompts [brief->prompt_count]) == 0)
            brief->prompt_count++;
    brief->prompts = count->prompts;
}

//  Most notices first; of as many, the more circulated, then by name.
static int
s_chased_compare (const void *a, const void *b)
{
    const hs_brief_notices_t *one = (const hs_brief_notices_t *) a;
    const hs_brief_notices_t *two = (const hs_brief_notices_t *) b;
    int64_t first = one->remind + one->supervise + one->circulate;
    int64_t second = two->remind + two->supervise + two->circulate;
    if (first != second)
        return first > second? -1: 1;
    if (one->circulate != two->circulate)
        return one->circulate > two->circulate? -1: 1;
    return strcmp (one->unit, two->unit);
}

//  The period's notices into the briefing: the first NAMED_MAX units,
//  and those of them circulated.
static void
s_count_chased (s_count_t *count)
{
    hs_brief_t *brief = &count->brief;
    qsort (count->chased, count->chased_count, sizeof (hs_brief_notices_t), s_chased_compare);
    brief->supervision = count->chased;
    brief->supervision_count = count->chased_count < NAMED_MAX? count->chased_count: NAMED_MAX;
    size_t named = 0;
    for (size_t index = 0; index < brief->supervision_count; index++)
        if (count->chased [index].circulate)
            count->named [named++] = count->chased [index].unit;
    count->named [named] = NULL;
    brief->named = count->named;
}

static int
s_count_event (uint64_t seq, const hs_event_read_t *event, void *arg)
{
    (void) seq;
    s_count_t *count = (s_count_t *) arg;
    hs_brief_t *brief = &count->brief;
    if (!event)
        return 0;
    if (streq (event->type, "alert")) {
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        if (hs_proto_unpack_stored (event->body, event->body_size, &unpacked) == 0) {
            const msgpack_object *body = &unpacked.data;
            char kind [16] = "", text [HS_CODE_MAX + 1] = "";
            hs_proto_strcpy (hs_proto_get (body, "kind"), kind, sizeof (kind));
            if (streq (kind, "new")) {
                brief->new_total++;
                hs_proto_strcpy (hs_proto_get (body, "level"), text, sizeof (text));
                int level = hs_level_parse (text);
                if (level >= 0)
                    brief->new_by_level [level]++;
                if (hs_proto_strcpy (hs_proto_get (body, "street"), text, sizeof (text)) == 0)
                    s_tally (count->streets, count->street_names, &brief->street_count, TALLY_MAX, text);
                if (hs_proto_strcpy (hs_proto_get (body, "category"), text, sizeof (text)) == 0
                &&  hs_category_parse (text) >= 0)
                    s_tally (count->categories, NULL, &brief->category_count, HS_CATEGORY_COUNT,
                             hs_category_name (hs_category_parse (text)));
            }
            else
            if (streq (kind, "resolved"))
                brief->resolved++;
            else
            if (streq (kind, "closed"))
                brief->closed++;
            else
            if (streq (kind, "reopened"))
                brief->reopened++;
            else
            if (streq (kind, "supervision")) {
                brief->overdue_alerts++;
                char rung [16];
                if (hs_proto_strcpy (hs_proto_get (body, "unit"), text, sizeof (text)))
                    *text = 0;
                if (hs_proto_strcpy (hs_proto_get (body, "rung"), rung, sizeof (rung)))
                    *rung = 0;
                s_count_notice (count, text, rung);
            }
            else
            if (streq (kind, "overdue"))
                brief->overdue_alerts++;
            else
            if (streq (kind, "escalated"))
                brief->escalated++;
        }
        msgpack_unpacked_destroy (&unpacked);
    }
    else
    if (streq (event->type, "meeting") && streq (event->topic, "meeting.request"))
        brief->meetings_requested++;    //  not the closed, minutes and action items
    else
    if (streq (event->type, "minutes"))
        brief->meetings_held++;
    else
    if (streq (event->type, "warning"))
        brief->warnings++;
    else
    if (streq (event->type, "workprompt") || streq (event->type, "consult"))
        s_count_prompt (count, event);
    else
    if (streq (event->type, "inspection") && streq (event->topic, "inspection.notice"))
        s_count_rectify (count, event);
    return 0;
}

static int
s_count_case (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) key;
    (void) key_size;
    s_count_t *count = (s_count_t *) arg;
    hs_brief_t *brief = &count->brief;
    hs_case_t kase;
    if (hs_case_decode (data, size, &kase))
        return 0;
    if (!kase.closed) {
        brief->open++;
        brief->open_by_level [kase.level]++;
        brief->overdue += s_case_overdue (&kase);
    }
    //  Each unit's sign-offs and parts done in the period, and how long
    //  after it was routed.
    for (size_t index = 0; index < kase.handler_count; index++) {
        const hs_handler_t *handler = &kase.handlers [index];
        bool sign = handler->signed_at >= brief->since && handler->signed_at < brief->until
                 && handler->signed_at >= handler->routed;
        bool done = handler->done >= brief->since && handler->done < brief->until
                 && handler->done >= handler->routed;
        hs_brief_notices_t *row = sign || done? s_unit_row (count, handler->unit): NULL;
        if (row && sign) {
            row->signed_count++;
            row->sign_ms += handler->signed_at - handler->routed;
        }
        if (row && done) {
            row->resolved_count++;
            row->resolve_ms += handler->done - handler->routed;
        }
    }
    return 0;
}

//  A meeting's action items not done yet, and those of them past due.
static int
s_count_meeting (const hs_meeting_rec_t *meeting, void *arg)
{
    s_count_t *count = (s_count_t *) arg;
    for (size_t index = 0; index < meeting->action_count; index++) {
        const hs_action_item_t *item = &meeting->actions [index];
        if (!item->done) {
            count->brief.actions_open++;
            count->brief.actions_late += count->brief.until >= item->due;
        }
    }
    return 0;
}

//  An inspection plan's rectifications not done yet, and those past due.
static int
s_count_plan (const hs_inspection_rec_t *plan, void *arg)
{
    s_count_t *count = (s_count_t *) arg;
    for (size_t index = 0; index < plan->rectify_count; index++)
        if (!plan->rectify [index].done_at) {
            count->brief.rectify_open++;
            count->brief.rectify_late += count->brief.until >= plan->rectify [index].due;
        }
    return 0;
}

//  Is `day` a day the briefing goes out? Working days only (the
//  calendar: no briefing on a public holiday, one on a make-up working
//  day). The weekly one: the first working day of its week on or after
//  the configured weekday; a week without one has none (the next covers
//  both weeks).
static bool
s_brief_day (hs_calendar_t *calendar, const hs_policy_t *policy, bool weekly, int64_t day)
{
    if (!hs_calendar_is_workday (calendar, day))
        return false;
    if (!weekly)
        return true;
    int weekday = hs_calendar_weekday (day);
    if (weekday < policy->brief_weekly_weekday)
        return false;
    for (int64_t earlier = day - (weekday - policy->brief_weekly_weekday); earlier < day; earlier++)
        if (hs_calendar_is_workday (calendar, earlier))
            return false;
    return true;
}

//  The next local time a briefing is due after `now`.
static int64_t
s_due_after (hs_briefs_t *self, bool weekly, int64_t now)
{
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    hs_calendar_t *calendar = self->config->calendar;
    int minute = weekly? policy->brief_weekly_minute: policy->brief_daily_minute;
    int64_t first = hs_calendar_day (calendar, now);
    for (int64_t day = first; day < first + 400; day++) {
        if (!s_brief_day (calendar, policy, weekly, day))
            continue;
        int64_t at = hs_calendar_at (calendar, day, minute);
        if (at > now)
            return at;
    }
    return hs_calendar_at (calendar, first + 7, minute);    //  a calendar of no working days
}

static int
s_emit (hs_briefs_t *self, hs_brief_t *brief, const char *type, const char *topic)
{
    brief->seq = hs_txn_next_seq (self->txn);
    hs_pack_reset (self->body);
    hs_brief_encode (brief, self->body);
    hs_event_t event = {
        .seq = brief->seq, .type = type, .topic = topic, .body = hs_pack_data (self->body),
        .body_size = hs_pack_size (self->body), .level = -1
    };
    return hs_txn_emit (self->txn, &event);
}

//  Publish one briefing for the period that ends now, and schedule the
//  next. The weekly one also goes upward (汇报).
static int
s_brief (hs_briefs_t *self, int which)
{
    hs_store_t *store = hs_txn_store (self->txn);
    int64_t now = hs_txn_now (self->txn);
    s_count_t *count = (s_count_t *) zmalloc (sizeof (s_count_t));
    hs_brief_t *brief = &count->brief;
    brief->period = s_periods [which].period;
    brief->district = self->config->district;
    brief->new_by_street = count->streets;
    brief->new_by_category = count->categories;
    brief->until = now;
    brief->at = now;
    brief->units = hs_policy_recipients (hs_rules_policy (self->config->rules), HS_NOTICE_BRIEFS);
    uint64_t from, from_seq;
    int rc = hs_store_meta_get (store, s_periods [which].from, (uint64_t) now, &from)
          || hs_store_meta_get (store, s_periods [which].seq, 1, &from_seq)? -1: 0;
    brief->since = (int64_t) from;
    if (rc == 0)
        rc = hs_ledger_walk (store, from_seq, false, s_count_event, count);
    if (rc == 0)
        rc = hs_store_walk (store, HS_TABLE_CASES, NULL, 0, false, s_count_case, count);
    if (rc == 0)
        rc = hs_meeting_table_walk (store, &count->meeting, s_count_meeting, count);
    if (rc == 0)
        rc = hs_inspections_walk (store, &count->plan, s_count_plan, count);
    s_read_prompts (count, store);
    s_count_chased (count);
    char topic [32];
    hs_strjoin (topic, sizeof (topic), "brief.", brief->period, NULL);
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    if (rc == 0) {
        hs_stats_count (self->stats, HS_STAT_BRIEFS, 1);
        rc = s_emit (self, brief, "brief", topic);
    }
    for (const char *const *to = hs_policy_recipients (policy, HS_NOTICE_WEEKLY_UP);
         rc == 0 && which == 1 && *to; to++) {
        brief->to = *to;
        hs_strjoin (topic, sizeof (topic), "escalate.", *to, NULL);
        hs_stats_count (self->stats, HS_STAT_ESCALATIONS, 1);
        rc = s_emit (self, brief, "escalate", topic);
    }
    free (count);
    int64_t next = s_due_after (self, which == 1, now);
    if (rc == 0)
        rc = hs_store_meta_put (store, s_periods [which].from, (uint64_t) now)
          || hs_store_meta_put (store, s_periods [which].seq, hs_txn_peek_seq (self->txn))
          || hs_store_meta_put (store, s_periods [which].next, (uint64_t) next)? -1: 0;
    self->staged [which] = next;
    return rc;
}

int
hs_briefs_schedule (hs_briefs_t *self, bool fire)
{
    hs_store_t *store = hs_txn_store (self->txn);
    int64_t now = hs_txn_now (self->txn);
    for (int which = 0; which < 2; which++) {
        uint64_t next;
        if (hs_store_meta_get (store, s_periods [which].next, 0, &next))
            return -1;
        if (next == 0) {
            //  The first period starts now, with the next event.
            int64_t due = s_due_after (self, which == 1, now);
            if (hs_store_meta_put (store, s_periods [which].next, (uint64_t) due)
            ||  hs_store_meta_put (store, s_periods [which].from, (uint64_t) now)
            ||  hs_store_meta_put (store, s_periods [which].seq, hs_txn_peek_seq (self->txn)))
                return -1;
            self->staged [which] = due;
        }
        else
        if (fire && (int64_t) next <= now && s_brief (self, which))
            return -1;
    }
    return 0;
}

int
hs_briefs_from_below (void *arg, hs_msg_t *msg)
{
    hs_briefs_t *self = (hs_briefs_t *) arg;
    hs_brief_in_t *brief = &msg->as.brief;
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    if (!hs_policy_may (policy, HS_ACT_BRIEF_UP, msg->unit, false)) {
        hs_why (&msg->why, "not_authorized", "only a lower level (a street or district unit) "
                "sends its briefings up, not '%s'", msg->unit);
        return 1;
    }
    uint64_t seq = hs_txn_next_seq (self->txn);
    hs_pack_reset (self->body);
    hs_brief_district_encode (seq, brief->source, brief->id, hs_txn_now (self->txn), brief->brief,
                              self->body);
    hs_event_t event = {
        .seq = seq, .type = "brief", .topic = "brief.district", .body = hs_pack_data (self->body),
        .body_size = hs_pack_size (self->body), .level = -1
    };
    if (hs_txn_emit (self->txn, &event))
        return -1;
    msg->seq = seq;
    hs_stats_count (self->stats, HS_STAT_BRIEFS, 1);
    return 0;
}

//  ---------------------------------------------------------------------
//  Self test

static int
s_test_schedule (void *arg)
{
    return hs_briefs_schedule ((hs_briefs_t *) arg, true);
}

//  The period's alerts, as the store keeps them (only the keys the
//  briefing reads): supervision notices, and kinds old and new.
static int
s_test_alerts (void *arg)
{
    hs_txn_t *txn = (hs_txn_t *) arg;
    static const char *alerts [][3] = {
        { "supervision", "street.wanli", "remind" }, { "supervision", "street.wanli", "remind" },
        { "supervision", "hrss", "remind" }, { "supervision", "street.wanli", "supervise" },
        { "supervision", "police", "circulate" }, { "supervision", "street.wanli", "circulate" },
        { "supervision", "", "remind" }, { "overdue", NULL, NULL }, { "closed", NULL, NULL },
        { "resolved", NULL, NULL }, { "reopened", NULL, NULL }
    };
    hs_pack_t *body = hs_pack_new ();
    int rc = 0;
    for (size_t index = 0; index < sizeof (alerts) / sizeof (alerts [0]) && rc == 0; index++) {
        hs_pack_reset (body);
        if (alerts [index][1])
            hs_request_encode (body, "kind", alerts [index][0], "unit", alerts [index][1],
                               "rung", alerts [index][2], NULL);
        else
            hs_request_encode (body, "kind", alerts [index][0], NULL);
        hs_event_t event = {
            .seq = hs_txn_next_seq (txn), .type = "alert", .topic = "alert.general.wanli",
            .body = hs_pack_data (body), .body_size = hs_pack_size (body), .level = -1
        };
        rc = hs_txn_emit (txn, &event);
    }
    hs_pack_destroy (&body);
    return rc;
}

void
hs_briefs_test (bool verbose)
{
    if (verbose)
        printf (" * hs_briefs: ");
    //  Monday 2026-06-01 08:29:50 in Shanghai, the clock 60 times fast: the
    //  daily briefing (08:30) is due in 10 s, a sixth of a second here.
    int64_t start = 1780273790000LL;
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_briefs", start, 60);
    hs_txn_t *txn = fixture->txn;
    zsock_t *watcher = hs_txn_fixture_watch (fixture, "brief.");
    hs_stats_t *stats = hs_stats_new (txn);
    hs_briefs_t *briefs = hs_briefs_new (txn, stats, fixture->config);
    assert (hs_briefs_next (briefs) == 0);
    assert (hs_txn_run (txn, s_test_schedule, briefs) == 0);    //  the first times only
    assert (hs_briefs_next (briefs) == start + 10000);
    assert (hs_txn_run (txn, s_test_alerts, txn) == 0);
    zclock_sleep (300);
    assert (hs_txn_run (txn, s_test_schedule, briefs) == 0);
    zmsg_t *msg = zmsg_recv (watcher);
    assert (msg);
    char *topic = zmsg_popstr (msg);
    assert (streq (topic, "brief.daily"));
    zframe_t *body = zmsg_pop (msg);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0);
    //  The period began with the first schedule, a little after the start.
    int64_t since = hs_proto_int (&unpacked.data, "since", 0);
    assert (since >= start && since < start + 10000);
    const msgpack_object *units = hs_proto_get (&unpacked.data, "units");
    assert (units && units->type == MSGPACK_OBJECT_ARRAY && units->via.array.size > 10);
    //  Supervision notices per chased unit, most first; the circulated named.
    const msgpack_object *chased = hs_proto_get (&unpacked.data, "supervision");
    assert (chased && chased->type == MSGPACK_OBJECT_ARRAY && chased->via.array.size == 3);
    const msgpack_object *first = &chased->via.array.ptr [0];
    char text [HS_CODE_MAX + 1];
    assert (hs_proto_strcpy (hs_proto_get (first, "unit"), text, sizeof (text)) == 0);
    assert (streq (text, "street.wanli"));
    assert (hs_proto_int (first, "remind", 0) == 2 && hs_proto_int (first, "supervise", 0) == 1
         && hs_proto_int (first, "circulate", 0) == 1);
    assert (hs_proto_strcpy (hs_proto_get (&chased->via.array.ptr [1], "unit"), text,
                             sizeof (text)) == 0 && streq (text, "police"));
    const msgpack_object *named = hs_proto_get (&unpacked.data, "named");
    assert (named && named->type == MSGPACK_OBJECT_ARRAY && named->via.array.size == 2);
    assert (hs_proto_strcpy (&named->via.array.ptr [1], text, sizeof (text)) == 0
         && streq (text, "police"));
    //  Every notice (and 0.4's overdue) counts as an overdue alert.
    assert (hs_proto_int (&unpacked.data, "overdue_alerts", 0) == 8);
    assert (hs_proto_int (&unpacked.data, "closed", 0) == 1
         && hs_proto_int (&unpacked.data, "resolved", 0) == 1
         && hs_proto_int (&unpacked.data, "reopened", 0) == 1);
    msgpack_unpacked_destroy (&unpacked);
    zframe_destroy (&body);
    zstr_free (&topic);
    zmsg_destroy (&msg);
    //  Next: the weekly one, today (Monday) at 09:00.
    assert (hs_briefs_next (briefs) == start + 1810000);
    assert (hs_stats_get (stats, HS_STAT_BRIEFS) == 1);
    //  Working days only: the make-up Saturday before the Spring Festival
    //  has its daily briefing, the festival none; the weekly one (Monday)
    //  skips the week all holiday and goes on the Tuesday after it.
    assert (s_due_after (briefs, false, 1770944400000LL) == 1771029000000LL);
    assert (s_due_after (briefs, false, 1771030800000LL) == 1771893000000LL);
    assert (s_due_after (briefs, true, 1770598800000LL - 1) == 1770598800000LL);
    assert (s_due_after (briefs, true, 1770688800000LL) == 1771894800000LL);
    hs_briefs_destroy (&briefs);
    hs_stats_destroy (&stats);
    zsock_destroy (&watcher);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
