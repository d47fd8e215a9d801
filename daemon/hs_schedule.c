/*  =========================================================================
    hs_schedule - the regular meetings called on their plans
    =========================================================================
*/

#include "hs_schedule.h"
#include "hs_log.h"

static const hs_meta_t s_next_meta [HS_PLAN_COUNT] = { HS_META_PLENARY_NEXT, HS_META_OFFICE_NEXT };
//  The meeting last requested on each plan: new rules never plan it again.
static const hs_meta_t s_last_meta [HS_PLAN_COUNT] = { HS_META_PLENARY_LAST, HS_META_OFFICE_LAST };

struct _hs_schedule_t {
    hs_txn_t *txn;              //  borrowed
    hs_meetings_t *meetings;    //  borrowed
    hs_config_t *config;        //  borrowed
    int64_t next [HS_PLAN_COUNT];       //  the next meeting's time, as committed (0: none)
    int64_t staged [HS_PLAN_COUNT];     //  ... as the open transaction set it
    bool is_staged [HS_PLAN_COUNT];
    bool replan;                //  the rules changed
    bool replanned;             //  ... and the open transaction planned afresh
    hs_pack_t *agenda;          //  a plan's agenda, packed ...
    msgpack_unpacked unpacked;  //  ... and as the call's object
};

static void
s_commit (void *arg)
{
    hs_schedule_t *self = (hs_schedule_t *) arg;
    for (int kind = 0; kind < HS_PLAN_COUNT; kind++)
        if (self->is_staged [kind])
            self->next [kind] = self->staged [kind];
    memset (self->is_staged, 0, sizeof (self->is_staged));
    if (self->replanned)
        self->replan = self->replanned = false;
}

static void
s_abort (void *arg)
{
    hs_schedule_t *self = (hs_schedule_t *) arg;
    memset (self->is_staged, 0, sizeof (self->is_staged));
    self->replanned = false;
}

hs_schedule_t *
hs_schedule_new (hs_txn_t *txn, hs_meetings_t *meetings, hs_config_t *config)
{
    hs_schedule_t *self = (hs_schedule_t *) zmalloc (sizeof (hs_schedule_t));
    self->txn = txn;
    self->meetings = meetings;
    self->config = config;
    self->agenda = hs_pack_new ();
    msgpack_unpacked_init (&self->unpacked);
    hs_store_t *store = hs_txn_store (txn);
    if (hs_store_view_begin (store) == 0) {
        for (int kind = 0; kind < HS_PLAN_COUNT; kind++) {
            uint64_t at = 0;
            hs_store_meta_get (store, s_next_meta [kind], 0, &at);
            self->next [kind] = (int64_t) at;
        }
        hs_store_view_end (store);
    }
    hs_txn_participant_t participant = { "schedule", NULL, s_commit, s_abort, NULL, self };
    hs_txn_join (txn, &participant);
    return self;
}

void
hs_schedule_destroy (hs_schedule_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_schedule_t *self = *self_p;
        hs_txn_leave (self->txn, self);
        hs_pack_destroy (&self->agenda);
        msgpack_unpacked_destroy (&self->unpacked);
        free (self);
        *self_p = NULL;
    }
}

void
hs_schedule_set_config (hs_schedule_t *self, hs_config_t *config)
{
    self->config = config;
    self->replan = true;
}

int64_t
hs_schedule_next (hs_schedule_t *self)
{
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    int64_t next = 0;
    for (int kind = 0; kind < HS_PLAN_COUNT; kind++) {
        if (!self->next [kind])
            continue;
        int64_t due = self->next [kind] - policy->plans [kind].notice_ms;
        if (next == 0 || due < next)
            next = due;
    }
    return next;
}

//  A time as the district reads it: "2026-04-10 09:30".
static char *
s_when (hs_calendar_t *calendar, int64_t ms, char *text, size_t size)
{
    int year, month, mday;
    int64_t day = hs_calendar_day (calendar, ms);
    int minute = hs_calendar_minute (calendar, ms);
    hs_calendar_date (day, &year, &month, &mday);
    snprintf (text, size, "%04d-%02d-%02d %02d:%02d", year, month, mday, minute / 60, minute % 60);
    return text;
}

//  The first meeting of the plan `kind` after `after` that is not wholly
//  past at `now` (0: none); those passed are logged.
static int64_t
s_plan_after (int kind, const hs_plan_t *plan, hs_calendar_t *calendar, int64_t after, int64_t now)
{
    int64_t at = hs_plan_next (plan, calendar, after);
    for (int round = 0; at && at <= now && round < 64; round++) {
        char when [32];
        hs_log_warning ("the regular %s meeting of %s (district time) passed while the daemon "
                        "was down: not requested", hs_plan_kind_name ((hs_plan_kind_t) kind),
                        s_when (calendar, at, when, sizeof (when)));
        at = hs_plan_next (plan, calendar, at);
    }
    return at;
}

//  Stage the plan's next meeting, in the store and in memory.
static int
s_stage (hs_schedule_t *self, int kind, int64_t at)
{
    self->staged [kind] = at;
    self->is_staged [kind] = true;
    return hs_store_meta_put (hs_txn_store (self->txn), s_next_meta [kind], (uint64_t) at);
}

//  Request the meeting of the plan at `time`.
static int
s_request (hs_schedule_t *self, int kind, const hs_plan_t *plan, int64_t time)
{
    hs_pack_reset (self->agenda);
    hs_call_agenda_encode ((const char *const *) plan->agenda, self->agenda);
    if (msgpack_unpack_next (&self->unpacked, (const char *) hs_pack_data (self->agenda),
                             hs_pack_size (self->agenda), NULL) != MSGPACK_UNPACK_SUCCESS)
        return -1;
    return hs_meetings_regular (self->meetings, (hs_plan_kind_t) kind, time, plan->place,
                                &self->unpacked.data);
}

int
hs_schedule_run (hs_schedule_t *self, bool fire)
{
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    hs_calendar_t *calendar = self->config->calendar;
    int64_t now = hs_txn_now (self->txn);
    for (int kind = 0; kind < HS_PLAN_COUNT; kind++) {
        const hs_plan_t *plan = &policy->plans [kind];
        int64_t next = self->next [kind];
        if (plan->every == HS_PLAN_NONE) {
            if (next && s_stage (self, kind, 0))
                return -1;
            continue;
        }
        //  A first plan, or new rules for one not yet requested: the first
        //  meeting whose notice is still ahead.
        if (next == 0 || (self->replan && next - plan->notice_ms > now)) {
            uint64_t last;
            if (hs_store_meta_get (hs_txn_store (self->txn), s_last_meta [kind], 0, &last))
                return -1;
            int64_t at = hs_plan_next (plan, calendar, (int64_t) last > now? (int64_t) last: now);
            for (int round = 0; at && at - plan->notice_ms <= now && round < 64; round++)
                at = hs_plan_next (plan, calendar, at);
            if (at != next && s_stage (self, kind, at))
                return -1;
            next = at;
        }
        if (!fire || !next || next - plan->notice_ms > now)
            continue;
        if (next > now) {
            if (s_request (self, kind, plan, next)
            ||  hs_store_meta_put (hs_txn_store (self->txn), s_last_meta [kind], (uint64_t) next))
                return -1;
        }
        else {
            char when [32];
            hs_log_warning ("the regular %s meeting of %s (district time) passed while the "
                            "daemon was down: not requested", hs_plan_kind_name ((hs_plan_kind_t) kind),
                            s_when (calendar, next, when, sizeof (when)));
        }
        if (s_stage (self, kind, s_plan_after (kind, plan, calendar, next, now)))
            return -1;
    }
    self->replanned = self->replan;
    return 0;
}
