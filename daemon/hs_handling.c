/*  =========================================================================
    hs_handling - each routed unit's handling of a case, and supervision

    A clock's rungs fall at 1x, 2x and 3x its due time after its start
    (working days from 24 h up, hs_calendar); `next` is when its next
    notice is due: the next rung, or the rung reached again after
    `repeat`. A notice that comes due while the daemon is down is sent
    once when it starts, at the highest rung reached by then.
    =========================================================================
*/

#include "hs_handling.h"
#include "hs_ladder.h"
#include "hs_units.h"
#include "hs_log.h"

#include "hs_cases.h"

struct _hs_handling_t {
    hs_txn_t *txn;              //  borrowed
    hs_stats_t *stats;          //  borrowed
    hs_notices_t *notices;      //  borrowed
    hs_timers_t *timers;        //  borrowed
    hs_config_t *config;        //  borrowed
};

hs_handling_t *
hs_handling_new (hs_txn_t *txn, hs_stats_t *stats, hs_notices_t *notices, hs_timers_t *timers,
                 hs_config_t *config)
{
    hs_handling_t *self = (hs_handling_t *) zmalloc (sizeof (hs_handling_t));
    self->txn = txn;
    self->stats = stats;
    self->notices = notices;
    self->timers = timers;
    self->config = config;
    return self;
}

void
hs_handling_destroy (hs_handling_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        free (*self_p);
        *self_p = NULL;
    }
}

void hs_handling_set_config (hs_handling_t *self, hs_config_t *config) { self->config = config; }

static const hs_policy_t *
s_policy (hs_handling_t *self)
{
    return hs_rules_policy (self->config->rules);
}

//  The time `times` due periods after `start`, at the case's level.
static int64_t
s_rung_at (hs_handling_t *self, const hs_case_t *kase, int clock, int64_t start, int times)
{
    int level = kase->level < 0? HS_LEVEL_GENERAL: kase->level;
    return hs_calendar_due (self->config->calendar, start,
                            times * s_policy (self)->clock_ms [clock][level]);
}

static void
s_clock_start (hs_handling_t *self, const hs_case_t *kase, hs_handler_t *handler, int clock,
               int64_t start)
{
    hs_duty_clock_t *duty = &handler->clocks [clock];
    duty->start = start;
    duty->due = s_rung_at (self, kase, clock, start, 1);
    duty->next = duty->due;
    duty->rung = HS_RUNG_NONE;
    duty->notices = 0;
}

static void
s_clock_stop (hs_handler_t *handler, int clock)
{
    handler->clocks [clock].next = 0;
}

//  A handler's clocks as its state and role say, from `now`.
static void
s_start_all (hs_handling_t *self, const hs_case_t *kase, hs_handler_t *handler, int64_t now)
{
    for (int clock = 0; clock < HS_CLOCK_COUNT; clock++)
        s_clock_stop (handler, clock);
    if (!hs_handler_active (handler) || handler->state == HS_HANDLER_DONE)
        return;
    if (handler->state == HS_HANDLER_ROUTED)
        s_clock_start (self, kase, handler, HS_CLOCK_SIGN, now);
    if (handler->lead)
        s_clock_start (self, kase, handler, HS_CLOCK_PROGRESS, now);
    s_clock_start (self, kase, handler, HS_CLOCK_RESOLVE, now);
}

//  Some running clock past its first due time?
static void
s_overdue (hs_case_t *kase)
{
    bool overdue = false;
    for (size_t index = 0; index < kase->handler_count; index++)
        for (int clock = 0; clock < HS_CLOCK_COUNT; clock++)
            overdue |= kase->handlers [index].clocks [clock].next
                    && kase->handlers [index].clocks [clock].rung > HS_RUNG_NONE;
    kase->overdue_sent = overdue;
}

static void
s_set_lead (hs_handling_t *self, hs_case_t *kase, const char *lead)
{
    int64_t now = hs_txn_now (self->txn);
    hs_strcpy (kase->lead, sizeof (kase->lead), lead? lead: "");
    for (size_t index = 0; index < kase->handler_count; index++) {
        hs_handler_t *handler = &kase->handlers [index];
        bool was = handler->lead;
        handler->lead = lead && streq (handler->unit, lead);
        if (was && !handler->lead)
            s_clock_stop (handler, HS_CLOCK_PROGRESS);
        else
        if (!was && handler->lead && hs_handler_active (handler)
        &&  handler->state != HS_HANDLER_DONE && kase->stage == HS_STAGE_OPEN)
            s_clock_start (self, kase, handler, HS_CLOCK_PROGRESS, now);
    }
}

//  Add `unit` as a handler (routed now), if it is an agency or a street
//  and not on the case yet; a removed one comes back. Returns the handler
//  or NULL.
static hs_handler_t *
s_add (hs_handling_t *self, hs_case_t *kase, const char *unit)
{
    const hs_unit_t *known = hs_units_find (self->config->units, unit);
    if (!known || known->kind == HS_UNIT_ROLE)
        return NULL;
    hs_handler_t *handler = hs_case_handler (kase, unit);
    if (handler && handler->state != HS_HANDLER_REMOVED)
        return handler;
    if (!handler) {
        if (kase->handler_count >= HS_CASE_MAX_HANDLERS)
            return NULL;
        handler = &kase->handlers [kase->handler_count++];
    }
    memset (handler, 0, sizeof (*handler));
    hs_strcpy (handler->unit, sizeof (handler->unit), unit);
    hs_case_add_unit (kase, unit);
    handler->state = HS_HANDLER_ROUTED;
    handler->routed = hs_txn_now (self->txn);
    handler->lead = streq (kase->lead, unit);
    if (kase->stage == HS_STAGE_OPEN)
        s_start_all (self, kase, handler, handler->routed);
    return handler;
}

void
hs_handling_route (hs_handling_t *self, hs_case_t *kase, const char *const *routed,
                   const char *lead, bool leveled)
{
    for (size_t index = 0; routed && routed [index]; index++)
        s_add (self, kase, routed [index]);
    if (leveled && lead && !streq (kase->lead, lead) && !kase->lead_held)
        s_set_lead (self, kase, lead);
    if (leveled && kase->stage == HS_STAGE_OPEN)
        hs_handling_restart (self, kase);
    s_overdue (kase);
}

void
hs_handling_stop (hs_case_t *kase)
{
    for (size_t index = 0; index < kase->handler_count; index++)
        for (int clock = 0; clock < HS_CLOCK_COUNT; clock++)
            s_clock_stop (&kase->handlers [index], clock);
    kase->overdue_sent = false;
}

void
hs_handling_reopen (hs_handling_t *self, hs_case_t *kase, bool everyone)
{
    for (size_t index = 0; index < kase->handler_count; index++) {
        hs_handler_t *handler = &kase->handlers [index];
        if (handler->state == HS_HANDLER_DONE && (everyone || handler->lead))
            handler->state = HS_HANDLER_SIGNED;
    }
    hs_handling_restart (self, kase);
}

void
hs_handling_restart (hs_handling_t *self, hs_case_t *kase)
{
    int64_t now = hs_txn_now (self->txn);
    for (size_t index = 0; index < kase->handler_count; index++)
        s_start_all (self, kase, &kase->handlers [index], now);
    s_overdue (kase);
}

//  Recipients of a supervision notice at `rung` about `unit`.
static void
s_recipients (hs_handling_t *self, const hs_case_t *kase, int rung, const char *unit,
              const char **list, size_t max)
{
    const hs_policy_t *policy = s_policy (self);
    size_t size = hs_ladder_told (policy, rung, unit, list, max);
    if (rung == HS_RUNG_SUPERVISE && kase->level >= HS_LEVEL_MAJOR)
        hs_policy_told (policy, HS_NOTICE_SUPERVISE_MAJOR, unit, list, size, max);
}

//  One handler's clock came due at `now`: its notice, and the next. A
//  muted case's notice is counted and held, not published.
static int
s_notice (hs_handling_t *self, hs_case_t *kase, hs_handler_t *handler, int clock, int64_t now)
{
    hs_duty_clock_t *duty = &handler->clocks [clock];
    int rung = HS_RUNG_REMIND;
    while (rung < HS_RUNG_CIRCULATE && now >= s_rung_at (self, kase, clock, duty->start, rung + 1))
        rung++;
    if (rung < duty->rung)
        rung = duty->rung;
    duty->rung = rung;
    duty->notices++;
    int level = kase->level < 0? HS_LEVEL_GENERAL: kase->level;
    int64_t again = hs_calendar_due (self->config->calendar, now, s_policy (self)->repeat_ms [level]);
    duty->next = again;
    if (rung < HS_RUNG_CIRCULATE) {
        int64_t climb = s_rung_at (self, kase, clock, duty->start, rung + 1);
        if (climb < duty->next)
            duty->next = climb;
    }
    if (kase->muted_until > now)
        return 0;
    const char *units [HS_RULES_MAX_OUT + 1];
    s_recipients (self, kase, rung, handler->unit, units, HS_RULES_MAX_OUT + 1);
    char reason [32];
    hs_strjoin (reason, sizeof (reason), "supervision.", hs_rung_name (rung), NULL);
    const char *reasons [] = { reason, NULL };
    hs_alert_more_t more = {
        .unit = handler->unit, .clock = hs_clock_name (clock), .rung = hs_rung_name (rung),
        .count = duty->notices, .due = duty->due, .late_ms = now - duty->due, .satisfied = -1
    };
    hs_stats_count (self->stats, HS_STAT_OVERDUE, 1);
    if (hs_notices_alert (self->notices, kase, "supervision", -1, NULL, units, reasons, &more))
        return -1;
    hs_log_case (HS_LOG_NOTICE, kase->id, kase->last_seq, handler->unit, reason,
                 "case %s supervised: %s of %s", kase->id, reason, handler->unit);
    return 0;
}

int
hs_handling_timer (hs_handling_t *self, hs_case_t *kase, const hs_timer_t *timer)
{
    if (timer->due != kase->timer_at)
        return 0;                       //  moved on since it was set
    kase->timer_at = 0;
    int64_t now = hs_txn_now (self->txn);
    if (kase->muted_until && now >= kase->muted_until) {
        kase->muted_until = 0;
        if (hs_handling_unmuted (self, kase, NULL, NULL))
            return -1;
    }
    if (kase->stage == HS_STAGE_OPEN)
        for (size_t index = 0; index < kase->handler_count; index++)
            for (int clock = 0; clock < HS_CLOCK_COUNT; clock++) {
                hs_handler_t *handler = &kase->handlers [index];
                if (handler->clocks [clock].next && handler->clocks [clock].next <= now
                &&  s_notice (self, kase, handler, clock, now))
                    return -1;
            }
    s_overdue (kase);
    return hs_handling_schedule (self, kase);
}

int
hs_handling_schedule (hs_handling_t *self, hs_case_t *kase)
{
    int64_t first = kase->muted_until;     //  its end is said, and the ladder goes on
    if (kase->stage == HS_STAGE_OPEN)
        for (size_t index = 0; index < kase->handler_count; index++)
            for (int clock = 0; clock < HS_CLOCK_COUNT; clock++)
                first = hs_ladder_sooner (first, kase->handlers [index].clocks [clock].next);
    return hs_timers_move (self->timers, &kase->timer_at, first, HS_TIMER_SUPERVISE, kase->id);
}

int
hs_handling_unmuted (hs_handling_t *self, hs_case_t *kase, const hs_cause_t *cause,
                     const hs_alert_more_t *more)
{
    const char *units [HS_RULES_MAX_OUT + 1];
    hs_policy_told (s_policy (self), HS_NOTICE_UNMUTED, NULL, units, 0, HS_RULES_MAX_OUT + 1);
    const char *reasons [] = { "unmuted", NULL };
    return hs_notices_alert (self->notices, kase, "unmuted", -1, cause, units, reasons, more);
}

//  An alert about an update from `unit`. `notice`: who is told (the
//  case's units when HS_NOTICE_COUNT, those and the notice's recipients
//  when `and_case`); the reasons are the case's when `own_reasons`, else
//  the kind.
static int
s_alert (hs_handling_t *self, hs_case_t *kase, const char *kind, hs_notice_t notice,
         bool and_case, const hs_update_t *update, const hs_cause_t *cause, const char *unit)
{
    const char *units [HS_CASE_MAX_UNITS + HS_RULES_MAX_OUT + 1];
    size_t size = 0, max = sizeof (units) / sizeof (units [0]);
    if (and_case || notice == HS_NOTICE_COUNT) {
        hs_case_units (kase, units);
        size = kase->unit_count;
    }
    if (notice != HS_NOTICE_COUNT)
        hs_policy_told (s_policy (self), notice, unit, units, size, max);
    const char *reasons [] = { kind, NULL };
    bool own_reasons = streq (kind, "resolved") || streq (kind, "reopened");
    hs_alert_more_t more = { .unit = unit, .note = update->note, .note_size = update->note_size,
                             .satisfied = -1 };
    return hs_notices_alert (self->notices, kase, kind, -1, cause, units,
                             own_reasons? NULL: reasons, &more);
}

//  The update's sender as a handler of the case, or NULL.
static hs_handler_t *
s_sender (hs_case_t *kase, const hs_update_t *update)
{
    hs_handler_t *handler = hs_case_handler (kase, update->source);
    return handler && handler->state != HS_HANDLER_REMOVED? handler: NULL;
}

int
hs_handling_check (hs_handling_t *self, hs_case_t *kase, const hs_update_t *update,
                   hs_why_t *why)
{
    (void) self;
    hs_handler_t *handler = s_sender (kase, update);
    int status = update->status;
    if ((status == HS_STATUS_SIGNED || status == HS_STATUS_RETURNED || status == HS_STATUS_RESOLVED)
    &&  !handler)
        return hs_refuse (why, "not_routed", "only a unit handling case '%s' may say '%s' "
                          "(the office closes or sends back: act.office)", kase->id,
                          hs_status_name (status));
    if (status == HS_STATUS_SIGNED && handler->state == HS_HANDLER_DONE)
        return hs_refuse (why, "bad_state", "'%s' has finished its part of case '%s'",
                          handler->unit, kase->id);
    if (status == HS_STATUS_RETURNED
    && (handler->state == HS_HANDLER_DONE || handler->state == HS_HANDLER_RETURNED))
        return hs_refuse (why, "bad_state", "'%s' cannot return case '%s': it is %s",
                          handler->unit, kase->id, hs_handler_state_name (handler->state));
    if (status == HS_STATUS_RESOLVED && !hs_handler_active (handler))
        return hs_refuse (why, "bad_state", "'%s' returned case '%s'", handler->unit, kase->id);
    return 0;
}

int
hs_handling_update (hs_handling_t *self, hs_case_t *kase, const hs_update_t *update,
                    const hs_cause_t *cause)
{
    int64_t now = hs_txn_now (self->txn);
    hs_handler_t *handler = s_sender (kase, update);
    switch (update->status) {
        case HS_STATUS_SIGNED:
            if (handler->state != HS_HANDLER_SIGNED) {
                bool was_returned = handler->state == HS_HANDLER_RETURNED;
                handler->state = HS_HANDLER_SIGNED;
                handler->signed_at = now;
                s_clock_stop (handler, HS_CLOCK_SIGN);
                if (was_returned && kase->stage == HS_STAGE_OPEN)
                    s_start_all (self, kase, handler, now);
            }
            break;
        case HS_STATUS_RETURNED:
            handler->state = HS_HANDLER_RETURNED;
            for (int clock = 0; clock < HS_CLOCK_COUNT; clock++)
                s_clock_stop (handler, clock);
            if (s_alert (self, kase, "returned", HS_NOTICE_RETURNED, false, update, cause,
                         handler->unit))
                return -1;
            break;
        case HS_STATUS_RESOLVED:
            if (handler->state == HS_HANDLER_ROUTED)
                handler->signed_at = now;
            handler->state = HS_HANDLER_DONE;
            handler->done = now;
            for (int clock = 0; clock < HS_CLOCK_COUNT; clock++)
                s_clock_stop (handler, clock);
            if (handler->lead && kase->stage == HS_STAGE_OPEN) {
                //  办结: the whole case waits for the office's review.
                kase->stage = HS_STAGE_RESOLVED;
                hs_handling_stop (kase);
                hs_stats_count (self->stats, HS_STAT_RESOLVED, 1);
                if (s_alert (self, kase, "resolved", HS_NOTICE_REVIEW, true, update, cause,
                             handler->unit))
                    return -1;
            }
            break;
        case HS_STATUS_FAILED: {
            //  Mediation failed, whoever says so: the lead's progress is due again.
            hs_handler_t *lead = *kase->lead? hs_case_handler (kase, kase->lead): NULL;
            if (lead && hs_handler_active (lead) && lead->state != HS_HANDLER_DONE
            &&  kase->stage == HS_STAGE_OPEN)
                s_clock_start (self, kase, lead, HS_CLOCK_PROGRESS, now);
            if (kase->stage == HS_STAGE_RESOLVED) {
                kase->stage = HS_STAGE_OPEN;
                kase->reopened++;
                hs_handling_reopen (self, kase, true);
                if (s_alert (self, kase, "reopened", HS_NOTICE_COUNT, false, update, cause, NULL))
                    return -1;
            }
            else
            if (s_alert (self, kase, "failed", HS_NOTICE_FAILED, false, update, cause, NULL))
                return -1;
            break;
        }
        default:                        //  accepted, mediating: progress
            if (handler && hs_handler_active (handler)) {
                if (handler->state == HS_HANDLER_ROUTED) {
                    handler->state = HS_HANDLER_SIGNED;
                    handler->signed_at = now;
                    s_clock_stop (handler, HS_CLOCK_SIGN);
                }
                handler->progress = now;
                if (handler->lead && kase->stage == HS_STAGE_OPEN)
                    s_clock_start (self, kase, handler, HS_CLOCK_PROGRESS, now);
            }
            break;
    }
    s_overdue (kase);
    return 0;
}

int
hs_handling_reroute (hs_handling_t *self, hs_case_t *kase, const hs_case_act_t *act,
                     hs_why_t *why)
{
    for (size_t index = 0; index < act->add_count + act->remove_count; index++) {
        const char *unit = index < act->add_count? act->add [index]:
                           act->remove [index - act->add_count];
        const hs_unit_t *known = hs_units_find (self->config->units, unit);
        if (!known || known->kind == HS_UNIT_ROLE)
            return hs_refuse (why, "unknown_unit", "'%s' is not an agency or street of ours", unit);
    }
    for (size_t index = 0; index < act->remove_count; index++) {
        hs_handler_t *handler = hs_case_handler (kase, act->remove [index]);
        if (!handler || handler->state == HS_HANDLER_REMOVED)
            return hs_refuse (why, "bad_value", "'%s' is not handling case '%s'",
                              act->remove [index], kase->id);
    }
    bool changed = act->remove_count > 0 || (*act->lead && !streq (act->lead, kase->lead));
    for (size_t index = 0; index < act->add_count; index++) {
        hs_handler_t *before = hs_case_handler (kase, act->add [index]);
        changed |= !before || before->state == HS_HANDLER_REMOVED;
        if (!s_add (self, kase, act->add [index]))
            return hs_refuse (why, "bad_value", "case '%s' has no room for '%s'", kase->id,
                              act->add [index]);
    }
    if (!changed)
        return hs_refuse (why, "bad_value", "the reroute changes nothing on case '%s'", kase->id);
    for (size_t index = 0; index < act->remove_count; index++) {
        hs_handler_t *handler = hs_case_handler (kase, act->remove [index]);
        handler->state = HS_HANDLER_REMOVED;
        for (int clock = 0; clock < HS_CLOCK_COUNT; clock++)
            s_clock_stop (handler, clock);
        if (handler->lead)
            s_set_lead (self, kase, NULL);
    }
    if (*act->lead) {
        hs_handler_t *handler = hs_case_handler (kase, act->lead);
        if (!handler || !hs_handler_active (handler))
            return hs_refuse (why, "bad_value", "the lead '%s' must be a unit handling case '%s'",
                              act->lead, kase->id);
        s_set_lead (self, kase, act->lead);
        kase->lead_held = true;
    }
    const hs_handler_t *lead = *kase->lead? hs_case_handler (kase, kase->lead): NULL;
    if (!lead || lead->state == HS_HANDLER_REMOVED)
        return hs_refuse (why, "bad_value", "case '%s' needs a lead: removing it needs a 'lead' "
                         "naming another unit handling it", kase->id);
    s_overdue (kase);
    return 0;
}

int
hs_handling_insist (hs_handling_t *self, hs_case_t *kase, const char *unit, hs_why_t *why)
{
    hs_handler_t *handler = hs_case_handler (kase, unit);
    if (!handler || handler->state != HS_HANDLER_RETURNED)
        return hs_refuse (why, "bad_state", "'%s' has not returned case '%s'", unit, kase->id);
    handler->state = HS_HANDLER_ROUTED;
    handler->routed = hs_txn_now (self->txn);
    if (kase->stage == HS_STAGE_OPEN)
        s_start_all (self, kase, handler, handler->routed);
    s_overdue (kase);
    return 0;
}

int
hs_handling_upgrade (hs_handling_t *self, hs_case_t *kase, const char *const *updated)
{
    int64_t now = hs_txn_now (self->txn);
    const char *units [HS_CASE_MAX_UNITS + 1];
    hs_case_units (kase, units);
    kase->stage = kase->closed? HS_STAGE_CLOSED: HS_STAGE_OPEN;
    kase->followup = -1;
    for (size_t index = 0; units [index]; index++) {
        hs_handler_t *handler = s_add (self, kase, units [index]);
        if (!handler)
            continue;
        handler->routed = kase->opened < now? kase->opened: now;
        if (hs_zpl_words_have (updated, handler->unit)) {
            handler->state = HS_HANDLER_SIGNED;
            handler->signed_at = handler->routed;
            s_clock_stop (handler, HS_CLOCK_SIGN);
        }
    }
    //  The lead by today's rules; the old clock carries over as its
    //  progress clock.
    hs_decision_t decision;
    const char *sources [HS_CASE_MAX_SOURCES + 1];
    hs_facts_t facts;
    hs_cases_facts (kase, &facts, sources);
    hs_rules_classify_case (self->config->rules, &facts, kase->level, kase->level, &decision);
    if (decision.lead)
        s_set_lead (self, kase, decision.lead);
    hs_handler_t *lead = *kase->lead? hs_case_handler (kase, kase->lead): NULL;
    if (lead && kase->legacy_due && kase->stage == HS_STAGE_OPEN) {
        hs_duty_clock_t *duty = &lead->clocks [HS_CLOCK_PROGRESS];
        duty->due = kase->legacy_due;
        duty->next = kase->legacy_due;
        int level = kase->level < 0? HS_LEVEL_GENERAL: kase->level;
        duty->start = kase->legacy_due - s_policy (self)->clock_ms [HS_CLOCK_PROGRESS][level];
    }
    if (kase->stage != HS_STAGE_OPEN)
        hs_handling_stop (kase);
    kase->legacy = false;
    s_overdue (kase);
    return hs_handling_schedule (self, kase);
}

//  ---------------------------------------------------------------------
//  Self test: a case routed to two units; the lead's clocks; one unit
//  signs, the other climbs 催办 -> 督办 -> 通报 and repeats, the level
//  never moving; a return stops its clocks.

static int
s_test_work (void *arg)
{
    void **args = (void **) arg;
    hs_handling_t *self = (hs_handling_t *) args [0];
    hs_case_t *kase = (hs_case_t *) args [1];
    const hs_timer_t *timer = (const hs_timer_t *) args [2];
    const hs_update_t *update = (const hs_update_t *) args [3];
    if (update)
        return hs_handling_update (self, kase, update, NULL);
    if (timer)
        return hs_handling_timer (self, kase, timer);
    const char *routed [] = { "street.caoyang", "hrss", NULL };
    hs_handling_route (self, kase, routed, "street.caoyang", true);
    return hs_handling_schedule (self, kase);
}

void
hs_handling_test (bool verbose)
{
    if (verbose)
        printf (" * hs_handling: ");
    //  Six minutes a millisecond: days of supervision in a second.
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_handling", 1780000000000LL, 360000);
    zsock_t *watcher = hs_txn_fixture_watch (fixture, "alert.");
    hs_stats_t *stats = hs_stats_new (fixture->txn);
    hs_notices_t *notices = hs_notices_new (fixture->txn, stats);
    hs_timers_t *timers = hs_timers_new (fixture->store);
    hs_handling_t *self = hs_handling_new (fixture->txn, stats, notices, timers, fixture->config);
    hs_case_t *kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    hs_report_t report = { .id = "r1", .source = "street.caoyang", .enterprise = "某厂",
                           .ownership = -1, .category = HS_CATEGORY_LAYOFF, .workers = 3,
                           .amount = -1, .at = 1780000000000LL };
    hs_case_open (kase, "putuo-1", 1, &report, "street.caoyang");
    kase->level = HS_LEVEL_GENERAL;
    void *args [4] = { self, kase, NULL, NULL };
    assert (hs_txn_run (fixture->txn, s_test_work, args) == 0);
    assert (kase->handler_count == 2 && streq (kase->lead, "street.caoyang"));
    hs_handler_t *street = hs_case_handler (kase, "street.caoyang");
    hs_handler_t *hrss = hs_case_handler (kase, "hrss");
    assert (street->lead && !hrss->lead);
    assert (street->clocks [HS_CLOCK_PROGRESS].next && !hrss->clocks [HS_CLOCK_PROGRESS].next);
    assert (hrss->clocks [HS_CLOCK_SIGN].next && kase->timer_at == hrss->clocks [HS_CLOCK_SIGN].due);
    //  The street signs; the hrss neither signs nor returns.
    hs_update_t update = { .id = "u1", .source = "street.caoyang", .case_id = "putuo-1",
                           .status = HS_STATUS_SIGNED, .amount = -1 };
    hs_why_t why;
    assert (hs_handling_check (self, kase, &update, &why) == 0);
    args [3] = &update;
    assert (hs_txn_run (fixture->txn, s_test_work, args) == 0);
    args [3] = NULL;
    assert (street->state == HS_HANDLER_SIGNED && !street->clocks [HS_CLOCK_SIGN].next);
    update.status = HS_STATUS_RETURNED;
    strcpy (update.source, "court");
    assert (hs_handling_check (self, kase, &update, &why) == 1 && streq (why.code, "not_routed"));
    //  Days pass: each timer sends what is due, rung by rung.
    int rungs [HS_RUNG_COUNT] = { 0 };
    //  Ten hours a round: a round late under load skips no rung (a day apart).
    for (int round = 0; round < 60 && rungs [HS_RUNG_CIRCULATE] < 2; round++) {
        zclock_sleep (100);
        hs_timer_t timer = { .due = kase->timer_at, .kind = HS_TIMER_SUPERVISE };
        strcpy (timer.id, kase->id);
        args [2] = &timer;
        assert (hs_txn_run (fixture->txn, s_test_work, args) == 0);
        zmsg_t *alert;
        while ((alert = zmsg_recv_nowait (watcher))) {
            msgpack_unpacked unpacked;
            msgpack_unpacked_init (&unpacked);
            zframe_t *body = zmsg_last (alert);
            assert (hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0);
            char text [32] = "", unit [32] = "", level [32] = "";
            assert (hs_proto_strcpy (hs_proto_get (&unpacked.data, "kind"), text, sizeof (text)) == 0
                 && streq (text, "supervision"));
            assert (hs_proto_strcpy (hs_proto_get (&unpacked.data, "level"), level, sizeof (level)) == 0
                 && streq (level, "general"));
            hs_proto_strcpy (hs_proto_get (&unpacked.data, "unit"), unit, sizeof (unit));
            hs_proto_strcpy (hs_proto_get (&unpacked.data, "rung"), text, sizeof (text));
            if (streq (unit, "hrss") && hs_rung_parse (text) > 0)
                rungs [hs_rung_parse (text)]++;
            msgpack_unpacked_destroy (&unpacked);
            zmsg_destroy (&alert);
        }
    }
    assert (rungs [HS_RUNG_REMIND] >= 1 && rungs [HS_RUNG_SUPERVISE] >= 1);
    assert (rungs [HS_RUNG_CIRCULATE] >= 2);        //  repeated
    assert (kase->level == HS_LEVEL_GENERAL && kase->overdue_sent);
    //  The hrss returns it: its clocks stop.
    update.status = HS_STATUS_RETURNED;
    strcpy (update.source, "hrss");
    update.note = "不属本单位职责";
    update.note_size = strlen (update.note);
    assert (hs_handling_check (self, kase, &update, &why) == 0);
    args [3] = &update;
    assert (hs_txn_run (fixture->txn, s_test_work, args) == 0);
    assert (hrss->state == HS_HANDLER_RETURNED && !hrss->clocks [HS_CLOCK_SIGN].next);
    assert (hs_handling_check (self, kase, &update, &why) == 1 && streq (why.code, "bad_state"));
    free (kase);
    hs_handling_destroy (&self);
    hs_timers_destroy (&timers);
    hs_notices_destroy (&notices);
    hs_stats_destroy (&stats);
    zsock_destroy (&watcher);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
