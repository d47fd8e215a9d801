/*  =========================================================================
    hs_warnings - early warnings (预警) and work prompts (工作提示)

    Each stored report is counted in the early-warning windows
    (hs_windows, kept in the store's `windows` table in the same
    transaction), and what it makes cross becomes a warning.enterprise,
    warning.street or warning.prompt to the recipients the rules name.
    The caller acts on an enterprise crossing itself (the rules may raise
    the case). Also: building the windows once from a store written before
    they lived in it, and forgetting the windows of enterprises nobody has
    reported for a whole window, a bounded step at a time.
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

//  Count a stored report (about `kase`, in `street`) and warn of what it
//  made cross; *enterprise says whether the enterprise window crossed.
//  Returns 0 or -1.
int hs_warnings_report (hs_warnings_t *self, hs_case_t *kase, const hs_report_t *report,
                        const char *street, bool *enterprise);

//  A store from before the windows lived in it: build them from the
//  reports the longest window can still see (a unit of work of its own).
//  Returns 0 or -1.
int hs_warnings_upgrade (hs_warnings_t *self);

//  One bounded pruning step (a read view, and a unit of work only if
//  something is stale). Call every few seconds.
void hs_warnings_prune (hs_warnings_t *self);

//  Enterprise windows forgotten so far.
uint64_t hs_warnings_pruned (hs_warnings_t *self);

void hs_warnings_test (bool verbose);

#endif
