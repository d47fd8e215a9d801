/*  =========================================================================
    hs_inspections - inspection (督查): a plan drafted by the office,
                     approved by the convener, carried out; the results
                     per unit and the rectifications (整改) they ask

    §三(四) of the seed: 会商机制办公室拟定督查方案，报召集人同意后组织
    实施. The office (authority/inspect_plan) drafts a plan on
    inspect.<unit> — a title, the units and streets inspected, the items
    checked, its dates; it goes to the convener (notices/inspect_plan),
    who approves or returns it with a note on inspectplan.<unit>
    (authority/inspect_approve); a returned plan is revised by a new one
    naming it (`plan`). Once approved, each unit's result is recorded on
    finding.<unit> (authority/inspect_result) with the rectifications it
    asks, each with an owner unit and a due date; each is chased on
    hs_ladder's rungs, plain time from the result to its due date: 催办 at
    due, 督办 at twice the time, 通报 at three times, the rung reached
    again every `inspections/repeat`, until its owner (or
    authority/rectified) reports it done on rectified.<unit>. When every
    unit's result is in and every rectification done, the plan is
    complete. This class owns the `inspections` table (records:
    protocol/hs_inspection_rec); a plan has one timer (kind i) at the
    first next notice of its rectifications, taken in the transaction
    that acts on it.
    =========================================================================
*/

#ifndef HS_INSPECTIONS_H_INCLUDED
#define HS_INSPECTIONS_H_INCLUDED

#include "hs_ingest.h"
#include "hs_timers.h"

typedef struct _hs_inspections_t hs_inspections_t;

//  Inspections in the work `txn` runs (all borrowed; `config` until
//  hs_inspections_set_config). Caller owns the result.
hs_inspections_t *hs_inspections_new (hs_txn_t *txn, hs_stats_t *stats, hs_timers_t *timers,
                                      hs_config_t *config);
void hs_inspections_destroy (hs_inspections_t **self_p);

void hs_inspections_set_config (hs_inspections_t *self, hs_config_t *config);

//  Handlers of inspect.<unit> (a plan drafted), inspectplan.<unit> (the
//  convener's decision), finding.<unit> (a unit's result) and
//  rectified.<unit> (a rectification done), as hs_ingest_handler_fn.
int hs_inspections_plan (void *self, hs_msg_t *msg);
int hs_inspections_decide (void *self, hs_msg_t *msg);
int hs_inspections_finding (void *self, hs_msg_t *msg);
int hs_inspections_rectified (void *self, hs_msg_t *msg);

//  A plan's timer (HS_TIMER_INSPECTION): the notices that are due to the
//  owners of rectifications not done. Returns 0 or -1.
int hs_inspections_timer (hs_inspections_t *self, const hs_timer_t *timer);

//  Load / save a plan in the store (inside a transaction or a view).
//  load returns 0, 1 if there is no such plan, -1 on error.
int hs_inspections_load (hs_store_t *store, const char *id, hs_inspection_rec_t *plan);
int hs_inspections_save (hs_store_t *store, const hs_inspection_rec_t *plan, hs_pack_t *pack);

//  Visit every plan, decoded into `plan` (the caller's, reused; the
//  briefings count rectifications with it); the visitor returns 0 to go
//  on. Records that do not decode are left out. Returns 0, or -1 if the
//  store failed.
typedef int (hs_inspections_fn) (const hs_inspection_rec_t *plan, void *arg);
int hs_inspections_walk (hs_store_t *store, hs_inspection_rec_t *plan, hs_inspections_fn *visit,
                         void *arg);

void hs_inspections_test (bool verbose);

#endif
