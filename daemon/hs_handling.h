/*  =========================================================================
    hs_handling - each routed unit's handling of a case, and supervision

    The closed loop of SPEC §3 (办理): every agency or street a case is
    routed to becomes a handler (protocol/hs_handler) with its own state
    (routed -> signed -> done, or returned) and clocks (sign-off,
    progress, resolution); one leads (主办, by the rules' `lead`), the
    others assist (协办). Supervision (督促检查) is a ladder per handler and
    clock: past due 催办 to the unit, past twice 督办 to the office (and
    the convener at major and above), past three times 通报, each rung
    sent again every `repeat` until the unit acts. It never changes the
    case's level. A case has one timer (`s`) at its first due notice, or
    at the end of a mute; this class keeps it in step.
    =========================================================================
*/

#ifndef HS_HANDLING_H_INCLUDED
#define HS_HANDLING_H_INCLUDED

#include "hs_notices.h"
#include "hs_timers.h"
#include "hs_config.h"

typedef struct _hs_handling_t hs_handling_t;

//  Handling in the units of work `txn` runs (all borrowed; `config`
//  until hs_handling_set_config). Caller owns the result.
hs_handling_t *hs_handling_new (hs_txn_t *txn, hs_stats_t *stats, hs_notices_t *notices,
                                hs_timers_t *timers, hs_config_t *config);
void hs_handling_destroy (hs_handling_t **self_p);

void hs_handling_set_config (hs_handling_t *self, hs_config_t *config);

//  A classification routed the case: every routed agency or street not
//  yet handling it becomes a handler, its clocks started. `leveled`: the
//  case is new or reached another level: the lead follows the rules, and
//  every running clock starts again at the level's due times.
void hs_handling_route (hs_handling_t *self, hs_case_t *kase, const char *const *routed,
                        const char *lead, bool leveled);

//  May `update->source` say what the update says (sign, return, resolve:
//  only a unit handling the case; not twice; not once done)? Returns 0,
//  or 1 with `why` set. Nothing changes.
int hs_handling_check (hs_handling_t *self, hs_case_t *kase, const hs_update_t *update,
                       hs_why_t *why);

//  Take a checked update (sign, return, progress, resolve, failed) on an
//  open or resolved case: the sender's state and clocks, the stage, and
//  the alerts it sets off. Returns 0, or -1 if the store failed.
//  `cause` names the update in the alerts.
int hs_handling_update (hs_handling_t *self, hs_case_t *kase, const hs_update_t *update,
                        const hs_cause_t *cause);

//  The case's mute ended (cause NULL) or was lifted: the alert `unmuted`
//  to `notices/unmuted`, with `more` (may be NULL). Returns 0 or -1.
int hs_handling_unmuted (hs_handling_t *self, hs_case_t *kase, const hs_cause_t *cause,
                         const hs_alert_more_t *more);

//  Every clock stops (the case resolved, closed, merged).
void hs_handling_stop (hs_case_t *kase);

//  Every active handler's clocks start again (re-opened, sent back).
void hs_handling_restart (hs_handling_t *self, hs_case_t *kase);

//  The case opens again: re-opened (`everyone`: each handler neither
//  removed nor returned takes up its part again, done or not) or sent
//  back (the lead takes up its part again); then their clocks start.
void hs_handling_reopen (hs_handling_t *self, hs_case_t *kase, bool everyone);

//  Add units as handlers, take units off, set the lead (a reroute); make
//  a returned unit handle the case again (insist). Return 0, or 1 with
//  `why` set.
int hs_handling_reroute (hs_handling_t *self, hs_case_t *kase, const hs_case_act_t *act,
                         hs_why_t *why);
int hs_handling_insist (hs_handling_t *self, hs_case_t *kase, const char *unit, hs_why_t *why);

//  The case's supervision timer came due (HS_TIMER_SUPERVISE): a mute
//  that ended, every notice due. Returns 0 or -1.
int hs_handling_timer (hs_handling_t *self, hs_case_t *kase, const hs_timer_t *timer);

//  Set the case's timer at its first due notice (or its mute's end), in
//  the transaction, if it moved. Returns 0 or -1.
int hs_handling_schedule (hs_handling_t *self, hs_case_t *kase);

//  A case from before per-unit handling (0.4): its routed units become
//  handlers, signed if they ever sent an update (`updated` names them,
//  NULL-terminated); its one clock carries over as the lead's progress
//  clock. Returns 0 or -1.
int hs_handling_upgrade (hs_handling_t *self, hs_case_t *kase, const char *const *updated);

void hs_handling_test (bool verbose);

#endif
