/*  =========================================================================
    hs_schedule - the regular meetings called on their plans

    Each plan of rules.cfg (hs_plan: meetings/plenary, meetings/office)
    has its next meeting in the store's meta (plenary.next, office.next).
    When its notice begins (the meeting's time less meetings/<kind>/
    notice) the meeting is requested as if its chair had called it
    (hs_meetings_regular), and the one after is planned. Across a restart
    nothing is requested twice (the next time moves in the transaction
    that requests it); a meeting whose notice began while the daemon was
    down is requested at start if it is still ahead, and one wholly missed
    is logged and skipped. A reload that changes a plan plans its next
    meeting afresh (one already requested stands).
    =========================================================================
*/

#ifndef HS_SCHEDULE_H_INCLUDED
#define HS_SCHEDULE_H_INCLUDED

#include "hs_txn.h"
#include "hs_config.h"
#include "hs_meetings.h"

typedef struct _hs_schedule_t hs_schedule_t;

//  The schedule of `config`'s plans, requesting through `meetings` in
//  `txn`'s transactions (all borrowed). Reads the next times from the
//  store. Caller owns the result.
hs_schedule_t *hs_schedule_new (hs_txn_t *txn, hs_meetings_t *meetings, hs_config_t *config);
void hs_schedule_destroy (hs_schedule_t **self_p);

//  New rules: plans not yet requested are planned afresh.
void hs_schedule_set_config (hs_schedule_t *self, hs_config_t *config);

//  Inside the transaction: give each plan its next meeting if it has
//  none, and, if `fire`, request those whose notice has begun. Returns 0
//  or -1.
int hs_schedule_run (hs_schedule_t *self, bool fire);

//  When the next request is due (daemon clock), 0 if none.
int64_t hs_schedule_next (hs_schedule_t *self);

#endif
