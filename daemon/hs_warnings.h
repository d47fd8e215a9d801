/*  =========================================================================
    hs_warnings - early warnings (预警) and work prompts (工作提示)

    Each dispute that begins, or begins again, is counted in the
    early-warning windows (hs_windows, kept in the store's `windows` table
    in the same transaction), and what it makes cross becomes a
    warning.enterprise, warning.street or warning.prompt (a suggested work
    prompt, for the office to issue) to the recipients the rules name.
    The caller acts on an enterprise crossing itself (the case is flagged
    `repeat`). Also: building the windows once from the cases of a store
    whose windows did not count disputes, and forgetting the windows of
    enterprises with no new case for a whole window, a bounded step at a
    time.
    =========================================================================
*/

#ifndef HS_WARNINGS_H_INCLUDED
#define HS_WARNINGS_H_INCLUDED

#include "hs_notices.h"
#include "hs_windows.h"
#include "hs_config.h"

typedef struct _hs_warnings_t hs_warnings_t;

//  Warnings for the work `txn` runs (joins it: the windows' held state is
//  written in its prepare, dropped in its abort). Borrows all arguments;
//  `config` until hs_warnings_set_config. Caller owns the result.
hs_warnings_t *hs_warnings_new (hs_txn_t *txn, hs_notices_t *notices, hs_config_t *config);
void hs_warnings_destroy (hs_warnings_t **self_p);

//  A reloaded configuration: windows under its policy, between two units
//  of work.
void hs_warnings_set_config (hs_warnings_t *self, hs_config_t *config);

//  Count a case that began (new, or split off) or began again
//  (re-opened) in the windows, and warn of what it made cross; never
//  call it for a report that joins a case. *enterprise says whether the
//  enterprise window crossed (the caller flags the case `repeat`).
//  Inside the transaction. Returns 0 or -1.
int hs_warnings_case (hs_warnings_t *self, const hs_case_t *kase, bool *enterprise);

//  Until casework calls hs_warnings_case: counts the case only when this
//  report opened it (kase->reports == 1). To be removed.
int hs_warnings_report (hs_warnings_t *self, hs_case_t *kase, const hs_report_t *report,
                        const char *street, bool *enterprise);

//  A store whose windows do not count disputes (0.3: none kept; 0.4:
//  meta `windows` 1, counting reports): build them once from the cases
//  the longest window can still see, and set meta `windows` to 2 (a unit
//  of work of its own). Nothing to do on a store already at 2. Returns 0
//  or -1.
int hs_warnings_upgrade (hs_warnings_t *self);

//  One bounded pruning step (a read view, and a unit of work only if
//  something is stale). Call every few seconds.
void hs_warnings_prune (hs_warnings_t *self);

//  Enterprise windows forgotten so far.
uint64_t hs_warnings_pruned (hs_warnings_t *self);

void hs_warnings_test (bool verbose);

#endif
