/*  =========================================================================
    hs_filing - the archive (档案): closed cases filed (归档) after a quiet
                period

    §三(五) of the seed: the office keeps the mechanism's archive. When
    the office closes a case (审核办结) its filing is set for `archive/
    quiet` later (rules.cfg, plain time, shipped 7d): the time for the
    follow-up (回访), which may open the case again and so takes the
    filing back; closed again, it is set again from the new closure. When
    the quiet period is over and the case is still closed it is filed:
    the time in its record (`filed`), an entry in the `filed` table
    (hs_filed), and `case.filed`, stored in its history and
    published to `notices/filed`. A filed case is settled: an update or
    a step on it is refused (`case_filed`), so a dispute that returns is
    a new case. A merged case is never filed: its history is the other
    case's. Each closed case has one timer (kind f) at its filing, taken
    in the transaction that files it, so a filing due while the daemon was
    down happens at its start, once.
    =========================================================================
*/

#ifndef HS_FILING_H_INCLUDED
#define HS_FILING_H_INCLUDED

#include "hs_ingest.h"
#include "hs_timers.h"
#include "hs_config.h"

typedef struct _hs_filing_t hs_filing_t;

//  Filing in the work `txn` runs (all borrowed; `config` until
//  hs_filing_set_config). Caller owns the result.
hs_filing_t *hs_filing_new (hs_txn_t *txn, hs_timers_t *timers, hs_config_t *config);
void hs_filing_destroy (hs_filing_t **self_p);

void hs_filing_set_config (hs_filing_t *self, hs_config_t *config);

//  Inside the transaction, on a case in hand that its caller saves: it
//  was closed (its filing set, `archive/quiet` from now), or opened again
//  (its filing taken back). A NULL self does nothing. Returns 0 or -1.
int hs_filing_closed (hs_filing_t *self, hs_case_t *kase);
int hs_filing_reopened (hs_filing_t *self, hs_case_t *kase);

//  A filed case takes no update and no step: 1 with `why` (case_filed)
//  if it is filed, else 0.
int hs_filing_refuse (const hs_case_t *kase, hs_why_t *why);

//  A case's filing timer (HS_TIMER_FILING): files it if it is still
//  closed and the timer is its own. Returns 0 or -1.
int hs_filing_timer (hs_filing_t *self, const hs_timer_t *timer);

void hs_filing_test (bool verbose);

#endif
