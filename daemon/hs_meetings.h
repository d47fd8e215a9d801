/*  =========================================================================
    hs_meetings - meetings: requests, answers, quorum, minutes

    A special meeting (专题会议) comes from the ladder for a case; a plenary
    (全体会议) is called by those the authority table allows (the
    convener). A request is stored (the `meetings` table: the record of
    protocol/hs_meeting_rec), published as meeting.request, and checked at
    half its deadline: short of a quorum, those who have not answered are
    reminded and the no-quorum recipients alerted. Answers (rsvp.<unit>)
    and minutes (minutes.office: the meeting held, the cases it covered,
    each case's history noting it) come in through hs_ingest.
    =========================================================================
*/

#ifndef HS_MEETINGS_H_INCLUDED
#define HS_MEETINGS_H_INCLUDED

#include "hs_ingest.h"
#include "hs_notices.h"
#include "hs_timers.h"
#include "hs_meeting_table.h"

typedef struct _hs_meetings_t hs_meetings_t;

//  Meetings in the work `txn` runs (all borrowed; `config` until
//  hs_meetings_set_config). Caller owns the result.
hs_meetings_t *hs_meetings_new (hs_txn_t *txn, hs_stats_t *stats, hs_notices_t *notices,
                                hs_timers_t *timers, hs_config_t *config);
void hs_meetings_destroy (hs_meetings_t **self_p);

void hs_meetings_set_config (hs_meetings_t *self, hs_config_t *config);

//  The action items minutes decide go to `actions` (borrowed); without,
//  minutes with action items are refused.
struct _hs_actions_t;
void hs_meetings_set_actions (hs_meetings_t *self, struct _hs_actions_t *actions);

//  The proposals (重大问题及对策建议) a meeting is called to discuss and
//  its minutes decide go to `proposals` (borrowed); without, a call or
//  minutes naming proposals are refused.
struct _hs_proposals_t;
void hs_meetings_set_proposals (hs_meetings_t *self, struct _hs_proposals_t *proposals);

//  Request a meeting, inside the transaction: `kase` is NULL for a
//  plenary. Lists are NULL-terminated. Returns 0 or -1; the request is
//  then hs_meetings_last's.
int hs_meetings_request (hs_meetings_t *self, const char *kind, hs_case_t *kase,
                         const char *const *participants, const char *urgency,
                         int64_t deadline_ms, const char *const *reasons);

//  The meeting last requested (borrowed until the next request).
const hs_meeting_rec_t *hs_meetings_last (hs_meetings_t *self);

//  Call a plenary for `source` (its own unit; `signer`, with security,
//  the unit of the key it came with), as a unit of work of its own.
//  Returns 0, 1 if it is not allowed (`why` set), -1 if the store failed.
int hs_meetings_plenary (hs_meetings_t *self, const char *source, const char *signer,
                         hs_why_t *why);

//  A regular meeting of the plan `kind` (hs_plan), inside the
//  transaction: requested as a call.<unit> of the chair would (called_by
//  its first chair, reason plenary.scheduled or office.scheduled), to
//  meet at `time` at `place` with `agenda` (an array of texts, borrowed).
//  Returns 0 or -1.
int hs_meetings_regular (hs_meetings_t *self, hs_plan_kind_t kind, int64_t time, const char *place,
                         const msgpack_object *agenda);

//  Handlers of rsvp.<unit>, minutes.<unit> and call.<unit> (a plenary or
//  an office meeting called, with its time, place and agenda)
//  (hs_ingest_handler_fn).
int hs_meetings_rsvp (void *self, hs_msg_t *msg);
int hs_meetings_minutes (void *self, hs_msg_t *msg);
int hs_meetings_call (void *self, hs_msg_t *msg);

//  The quorum check at half a meeting's deadline (an HS_TIMER_QUORUM), or
//  its minutes late (an HS_TIMER_MINUTES).
//  Returns 0 or -1.
int hs_meetings_timer (hs_meetings_t *self, const hs_timer_t *timer);


//  True if the answers so far make a quorum under the policy: one of its
//  chairs, its lead unit and its share of the invited attend.
bool hs_meetings_quorum (const hs_meeting_rec_t *meeting, const hs_policy_t *policy);

void hs_meetings_test (bool verbose);

#endif
