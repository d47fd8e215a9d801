/*  =========================================================================
    hs_actions - the action items (督办事项) a meeting's minutes decide

    Each decision of a meeting that someone must carry out is an action
    item: an owner unit, a text, a due time, maybe the case it is about. It
    is kept in its meeting's record (protocol/hs_meeting_rec) and chased
    like any clock of a case (§三(四) 督促检查): past its due time a
    reminder to the owner (催办), past twice the time the office supervises
    (督办), past three times the owner is named (通报), the rung reached
    again every `meetings/action_repeat`, until the owner (or those
    `authority/action` names) reports it done on `action.<unit>`. Each
    meeting has one timer for its items, replaced as they move.
    =========================================================================
*/

#ifndef HS_ACTIONS_H_INCLUDED
#define HS_ACTIONS_H_INCLUDED

#include "hs_ingest.h"
#include "hs_notices.h"
#include "hs_timers.h"

typedef struct _hs_actions_t hs_actions_t;

//  Action items in the work `txn` runs (all borrowed; `config` until
//  hs_actions_set_config). Caller owns the result.
hs_actions_t *hs_actions_new (hs_txn_t *txn, hs_stats_t *stats, hs_timers_t *timers,
                              hs_config_t *config);
void hs_actions_destroy (hs_actions_t **self_p);

void hs_actions_set_config (hs_actions_t *self, hs_config_t *config);

//  May the minutes' action items be added to `meeting`: each owner an
//  agency or street of ours, each case an existing one, each due after
//  now, room for all? Returns 0, 1 with `why` set, -1 if the store failed.
//  Nothing changes.
int hs_actions_check (hs_actions_t *self, const hs_meeting_rec_t *meeting,
                      const hs_minutes_t *minutes, hs_why_t *why);

//  Add them to `meeting` (checked), each chased from now, and publish the
//  minutes (`meeting.minutes`) with them. The caller saves the meeting.
//  Returns 0 or -1.
int hs_actions_take (hs_actions_t *self, hs_meeting_rec_t *meeting, const hs_minutes_t *minutes);

//  Handler of action.<unit> (hs_ingest_handler_fn): an item done.
int hs_actions_done (void *self, hs_msg_t *msg);

//  A meeting's action timer (HS_TIMER_ACTION): the notices that are due.
//  Returns 0 or -1.
int hs_actions_timer (hs_actions_t *self, const hs_timer_t *timer);

void hs_actions_test (bool verbose);

#endif
