/*  =========================================================================
    hs_casework - cases: reports in, classification, the ladder, updates,
                  supervision

    A report opens a case or joins the open case of the same enterprise
    and category (hs_cases), which is classified under the rules
    (hs_intake); a new case, or one that rose a level, is alerted and
    climbs the ladder (the office, the convener, a meeting, reports
    upward), and the units it is routed to handle it (hs_handling). A new
    dispute counts in the early warnings (hs_warnings); a report joining
    an open case does not. An update from a unit on the case signs for
    it, returns it, reports progress (maybe new facts: a larger crowd
    rises through the rules, once) or resolves it; the office closes it.
    The steps a person takes (hs_caseacts) use the same operations. The
    counts of open and overdue cases (meta) follow each save.
    =========================================================================
*/

#ifndef HS_CASEWORK_H_INCLUDED
#define HS_CASEWORK_H_INCLUDED

#include "hs_ingest.h"
#include "hs_notices.h"
#include "hs_warnings.h"
#include "hs_meetings.h"
#include "hs_timers.h"
#include "hs_handling.h"

typedef struct _hs_casework_t hs_casework_t;

//  Case work in the units of work `txn` runs (joins it; all borrowed,
//  `config` until hs_casework_set_config). Caller owns the result.
hs_casework_t *hs_casework_new (hs_txn_t *txn, hs_stats_t *stats, hs_notices_t *notices,
                                hs_warnings_t *warnings, hs_meetings_t *meetings,
                                hs_timers_t *timers, hs_config_t *config);
void hs_casework_destroy (hs_casework_t **self_p);

void hs_casework_set_config (hs_casework_t *self, hs_config_t *config);

//  Handlers of report.<unit> and update.<unit> (hs_ingest_handler_fn).
int hs_casework_report (void *self, hs_msg_t *msg);
int hs_casework_update (void *self, hs_msg_t *msg);

//  A case's supervision timer (HS_TIMER_SUPERVISE; a 0.4 store's
//  HS_TIMER_OVERDUE and HS_TIMER_ESCALATE do nothing). Returns 0 or -1.
int hs_casework_timer (hs_casework_t *self, const hs_timer_t *timer);

//  Closed cases are filed (归档) by `filing` (borrowed; NULL: never).
typedef struct _hs_filing_t hs_filing_t;
void hs_casework_set_filing (hs_casework_t *self, hs_filing_t *filing);

//  The operations the steps of people (hs_caseacts) share, inside the
//  transaction. The two case buffers (0, 1), the handling, the txn.
hs_case_t *hs_casework_case (hs_casework_t *self, int which);
hs_handling_t *hs_casework_handling (hs_casework_t *self);
hs_txn_t *hs_casework_txn (hs_casework_t *self);

//  Load a case (0, 1 if there is none, -1); save it, with its timer and
//  the counts of open and overdue cases in step (0 or -1).
int hs_casework_load (hs_casework_t *self, const char *case_id, hs_case_t *kase);
int hs_casework_save (hs_casework_t *self, hs_case_t *kase);

//  Classify a case (new: `previous` -1) and route it: the units it goes
//  to become handlers; a new level restarts their clocks.
void hs_casework_classify (hs_casework_t *self, hs_case_t *kase, int previous);

//  Classify a case whose facts changed; if its level moved, an alert of
//  kind `escalated` and the ladder over the levels passed. `cause` is the
//  message that changed them. Returns 0 or -1.
int hs_casework_reclassify (hs_casework_t *self, hs_case_t *kase, const hs_cause_t *cause);

//  The case's level moved from `previous` (a person's regrade, or the
//  rules): an alert of `kind` with the note, and the ladder if it rose.
int hs_casework_moved (hs_casework_t *self, hs_case_t *kase, int previous, const char *kind,
                       const hs_cause_t *cause, const char *note, size_t note_size);

//  A dispute began (a new case, one split off) or began again (re-opened):
//  counted in the early warnings; repeated, it is flagged `repeat`.
int hs_casework_began (hs_casework_t *self, hs_case_t *kase, const hs_cause_t *cause);

//  Open a resolved or closed case again (alert `reopened`, clocks start
//  again); close one (alert `closed`, out of correlation and supervision).
//  `more`: the alert's note and answer (may be NULL).
int hs_casework_reopen (hs_casework_t *self, hs_case_t *kase, const hs_cause_t *cause,
                        const hs_alert_more_t *more);
int hs_casework_close (hs_casework_t *self, hs_case_t *kase, const hs_cause_t *cause,
                       const hs_alert_more_t *more);

//  Bring an older store's cases up to date, each step once, in a unit of
//  work of its own: count the overdue cases (before 0.4), put the cases
//  in order for the api's queries (before 0.5), give open cases per-unit
//  handling (before 0.5). Returns 0 or -1.
int hs_casework_upgrade (hs_casework_t *self);

//  For the self tests of this class and those above it: fill `msg` as the
//  ingest's opening would, for a report about one enterprise in caoyang
//  (`case_id` NULL) or an update of that case, the body packed into `pack`.
void hs_casework_test_message (hs_msg_t *msg, hs_pack_t *pack, const char *id,
                               const char *source, int64_t workers, const char *case_id,
                               int status);

void hs_casework_test (bool verbose);

#endif
