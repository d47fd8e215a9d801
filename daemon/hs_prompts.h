/*  =========================================================================
    hs_prompts - work prompts (工作提示): the office guides the streets

    §二 of the seed: the office analyses and guides the grassroots. When
    one category of dispute spreads across streets the daemon only
    suggests a prompt (warning.prompt, `suggested`); a person at the
    office writes it — a title, the guidance (指导意见), the streets it
    goes to, maybe the cases it is about, a due time — and issues it on
    prompt.<unit> (the units `authority/prompt` names). Each street it
    names signs for it (签收) on promptsign.<unit>; until it does, it is
    chased on hs_ladder's rungs, plain time from the prompt's issue to
    its due time: 催办 at due, 督办 at twice the time, 通报 at three
    times, the rung reached again every `prompts/repeat`. This class
    owns the `prompts` table (records: protocol/hs_prompt_rec); a prompt
    has one timer (kind p) at the first next notice of its streets,
    replaced as they move, taken in the transaction that acts on it.
    =========================================================================
*/

#ifndef HS_PROMPTS_H_INCLUDED
#define HS_PROMPTS_H_INCLUDED

#include "hs_ingest.h"
#include "hs_timers.h"

typedef struct _hs_prompts_t hs_prompts_t;

//  Work prompts in the work `txn` runs (all borrowed; `config` until
//  hs_prompts_set_config). Caller owns the result.
hs_prompts_t *hs_prompts_new (hs_txn_t *txn, hs_stats_t *stats, hs_timers_t *timers,
                              hs_config_t *config);
void hs_prompts_destroy (hs_prompts_t **self_p);

void hs_prompts_set_config (hs_prompts_t *self, hs_config_t *config);

//  Handlers of prompt.<unit> (a prompt issued) and promptsign.<unit> (a
//  street signed for one), as hs_ingest_handler_fn.
int hs_prompts_issue (void *self, hs_msg_t *msg);
int hs_prompts_sign (void *self, hs_msg_t *msg);

//  A prompt's timer (HS_TIMER_PROMPT): the notices that are due to the
//  streets that have not signed. Returns 0 or -1.
int hs_prompts_timer (hs_prompts_t *self, const hs_timer_t *timer);

//  Load / save a prompt in the store (inside a transaction or a view).
//  load returns 0, 1 if there is no such prompt, -1 on error.
int hs_prompts_load (hs_store_t *store, const char *id, hs_prompt_rec_t *prompt);
int hs_prompts_save (hs_store_t *store, const hs_prompt_rec_t *prompt, hs_pack_t *pack);

void hs_prompts_test (bool verbose);

#endif
