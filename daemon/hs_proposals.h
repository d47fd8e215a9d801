/*  =========================================================================
    hs_proposals - major problems and policy proposals (重大问题及对策建议):
                   consulted on, discussed, only then reported upward

    Seed §三(一): a major problem or policy proposal is reported upward
    only after the member units of the mechanism were consulted and a
    meeting discussed and passed it. The office (`authority/proposal`)
    drafts one on proposal.<unit> — a title, the text, maybe the cases it
    concerns and the opinions' due time — and it is circulated to the
    member units (`notices/proposal`) as proposal.circulated. Each answers
    on opinion.<unit>: agree, or amend with a note (proposal.opinion);
    until it does it is chased on hs_ladder's rungs, plain time from the
    draft to the due time (催办, 督办, 通报, again every
    `proposals/repeat`: proposal.notice). A meeting called on call.<unit>
    with the proposal among its `proposals` discusses it; its minutes
    (`proposals`: [{id, passed}]) decide it: passed, it goes upward
    (`notices/proposal_up`, proposal.upward) with every member's opinion
    and note, who never answered, the meeting and its minutes' seq; not
    passed, it is closed (proposal.closed) and never sent up. Decided, it
    is chased no more. This class owns the `proposals` table (records:
    protocol/hs_proposal_rec); a proposal has one timer (kind j) at the
    first next notice of its members.
    =========================================================================
*/

#ifndef HS_PROPOSALS_H_INCLUDED
#define HS_PROPOSALS_H_INCLUDED

#include "hs_ingest.h"
#include "hs_timers.h"

typedef struct _hs_proposals_t hs_proposals_t;

//  Proposals in the work `txn` runs (all borrowed; `config` until
//  hs_proposals_set_config). Caller owns the result.
hs_proposals_t *hs_proposals_new (hs_txn_t *txn, hs_stats_t *stats, hs_timers_t *timers,
                                  hs_config_t *config);
void hs_proposals_destroy (hs_proposals_t **self_p);

void hs_proposals_set_config (hs_proposals_t *self, hs_config_t *config);

//  Handlers of proposal.<unit> (one drafted) and opinion.<unit> (a
//  member's opinion), as hs_ingest_handler_fn.
int hs_proposals_draft (void *self, hs_msg_t *msg);
int hs_proposals_opinion (void *self, hs_msg_t *msg);

//  A proposal's timer (HS_TIMER_PROPOSAL): the notices that are due to
//  the members that have not answered. Returns 0 or -1.
int hs_proposals_timer (hs_proposals_t *self, const hs_timer_t *timer);

//  A meeting called to discuss `ids` (a checked array of ids, or NULL):
//  may it (each an open proposal)? Returns 0, 1 with `why` set, or -1 if
//  the store failed; nothing changes. Then, once the meeting `meeting_id`
//  is requested, each notes it. Returns 0 or -1.
int hs_proposals_check_agenda (hs_proposals_t *self, const msgpack_object *ids, hs_why_t *why);
int hs_proposals_tabled (hs_proposals_t *self, const char *meeting_id, const msgpack_object *ids);

//  Minutes of `meeting_id` decide `decisions` (checked maps {id, passed},
//  or NULL): may they (each open, on that meeting's agenda)? Returns 0, 1
//  with `why` set, -1 if the store failed; nothing changes. Then, the
//  minutes stored under `minutes_seq`, each is decided: sent upward or
//  closed. Returns 0 or -1.
int hs_proposals_check_decided (hs_proposals_t *self, const char *meeting_id,
                                const msgpack_object *decisions, hs_why_t *why);
int hs_proposals_decided (hs_proposals_t *self, const char *meeting_id, uint64_t minutes_seq,
                          const msgpack_object *decisions);

//  Load / save a proposal in the store (inside a transaction or a view).
//  load returns 0, 1 if there is no such proposal, -1 on error.
int hs_proposals_load (hs_store_t *store, const char *id, hs_proposal_rec_t *proposal);
int hs_proposals_save (hs_store_t *store, const hs_proposal_rec_t *proposal, hs_pack_t *pack);

void hs_proposals_test (bool verbose);

#endif
