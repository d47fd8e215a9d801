/*  =========================================================================
    hs_briefs - briefings (通报): daily and weekly, and those from below

    At the local times the rules give, a briefing counts the period's
    events (new cases by level, street and category, resolutions, overdue
    alerts, escalations, meetings, warnings) and the open cases, and is
    published as brief.daily or brief.weekly to the briefing recipients;
    the weekly one is also reported upward (汇报) as escalate.<to>, to each
    weekly_up recipient. Where each period began and when the next is due
    are meta marks, written in the transaction that publishes it.
    A lower level's briefing (brief.<unit>, at a city) is stored once and
    published on as brief.district.
    =========================================================================
*/

#ifndef HS_BRIEFS_H_INCLUDED
#define HS_BRIEFS_H_INCLUDED

#include "hs_ingest.h"

typedef struct _hs_briefs_t hs_briefs_t;

//  Briefings in the work `txn` runs (all borrowed; `config` until
//  hs_briefs_set_config). Reads when the next is due. Caller owns the
//  result.
hs_briefs_t *hs_briefs_new (hs_txn_t *txn, hs_stats_t *stats, hs_config_t *config);
void hs_briefs_destroy (hs_briefs_t **self_p);

void hs_briefs_set_config (hs_briefs_t *self, hs_config_t *config);

//  Inside the transaction: give each briefing a next time if it has none
//  (the first start), and, if `fire`, publish those that are due.
//  Returns 0 or -1.
int hs_briefs_schedule (hs_briefs_t *self, bool fire);

//  When the next briefing is due (daemon clock), 0 if none is scheduled.
int64_t hs_briefs_next (hs_briefs_t *self);

//  Handler of brief.<unit> (hs_ingest_handler_fn).
int hs_briefs_from_below (void *self, hs_msg_t *msg);

void hs_briefs_test (bool verbose);

#endif
