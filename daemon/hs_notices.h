/*  =========================================================================
    hs_notices - what the daemon tells people: alerts and warnings

    Two kinds of published message say something to someone: an alert
    about a case (`alert.<level>.<street>`: its life, its handling and
    supervision, a meeting without quorum) and a warning (`warning.<kind>`: early warnings,
    work prompts, feeds, quorum, the store). This class packs each one,
    stores it as an event under its seq and queues it for publishing, in
    the open transaction, and counts it.
    =========================================================================
*/

#ifndef HS_NOTICES_H_INCLUDED
#define HS_NOTICES_H_INCLUDED

#include "hs_txn.h"
#include "hs_stats.h"

typedef struct _hs_notices_t hs_notices_t;

//  Notices for the work `txn` runs, counted in `stats` (both borrowed).
hs_notices_t *hs_notices_new (hs_txn_t *txn, hs_stats_t *stats);
void hs_notices_destroy (hs_notices_t **self_p);

//  An alert about a case. `units` and `reasons` (NULL-terminated) are the
//  case's own when NULL; `cause` is the message that caused it (NULL: the
//  clock did); `more` what an alert about handling adds (may be NULL).
//  The case's last_seq becomes the alert's. Returns 0 or -1.
int hs_notices_alert (hs_notices_t *self, hs_case_t *kase, const char *kind,
                      int previous_level, const hs_cause_t *cause, const char *const *units,
                      const char *const *reasons, const hs_alert_more_t *more);

//  A report upward (汇报) about a case, to each of `targets` (district,
//  city) from district `from`: `report` first (首报), followup (续报) or
//  final (终报), `changed` what a follow-up or final reports (NULL for the
//  first). The case remembers what it reported. Returns 0 or -1.
int hs_notices_upward (hs_notices_t *self, hs_case_t *kase, const char *from,
                       const char *const *targets, const char *report,
                       const char *const *changed);

//  A warning; its seq and at are filled in. Returns 0 or -1.
int hs_notices_warning (hs_notices_t *self, hs_warning_t *warning);

void hs_notices_test (bool verbose);

#endif
