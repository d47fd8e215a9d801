/*  =========================================================================
    hs_casework - cases: reports in, classification, the ladder, updates,
                  supervision

    A report opens a case or joins the open case of the same enterprise
    and category (hs_cases), which is classified under the rules
    (hs_intake); a new case, or one that rose a level, is alerted and
    climbs the ladder (the office, the convener, a meeting, reports
    upward) and its supervision clock starts. An update from a unit the
    authority table allows records progress, closes the case, or re-opens
    it a level higher. Supervision: past the due time an overdue alert,
    past twice the due time the case rises a level. The counts of open
    and overdue cases (meta) follow the transaction.
    =========================================================================
*/

#ifndef HS_CASEWORK_H_INCLUDED
#define HS_CASEWORK_H_INCLUDED

#include "hs_ingest.h"
#include "hs_notices.h"
#include "hs_warnings.h"
#include "hs_meetings.h"
#include "hs_timers.h"

typedef struct _hs_casework_t hs_casework_t;

//  Case work in the units of work `txn` runs (joins it; all borrowed,
//  `config` until hs_casework_set_config). Caller owns the result.
hs_casework_t *hs_casework_new (hs_txn_t *txn, hs_stats_t *stats, hs_notices_t *notices,
                                hs_warnings_t *warnings, hs_meetings_t *meetings,
                                hs_timers_t *timers, hs_config_t *config);
void hs_casework_destroy (hs_casework_t **self_p);

void hs_casework_set_config (hs_casework_t *self, hs_config_t *config);

//  Handlers of report.<unit> and update.<unit> (hs_ingest_handler_fn).
int hs_casework_report (void *self, hs_msg_t *msg);
int hs_casework_update (void *self, hs_msg_t *msg);

//  A case's supervision timer (HS_TIMER_OVERDUE or HS_TIMER_ESCALATE).
//  Returns 0 or -1.
int hs_casework_timer (hs_casework_t *self, const hs_timer_t *timer);

//  Bring an older store's cases up to date, each step once, in a unit of
//  work of its own: count the overdue cases (before 0.4), put the cases
//  in order for the api's queries (before 0.5). Returns 0 or -1.
int hs_casework_upgrade (hs_casework_t *self);

void hs_casework_test (bool verbose);

#endif
