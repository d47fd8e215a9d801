/*  =========================================================================
    hs_cases - dispute cases: correlation of reports, and the case record

    A case gathers the reports about one enterprise's dispute of one
    category while it is open (SPEC §3): matched by unified social credit
    code, else by normalised enterprise name + street. It keeps the largest
    head count and amount seen, the union of flags, reporting units and
    routed units, and its level, which never falls. Case records live in
    the store (cases + caseindex); this class owns their layout.
    =========================================================================
*/

#ifndef HS_CASES_H_INCLUDED
#define HS_CASES_H_INCLUDED

#include "hs_store.h"
#include "hs_rules.h"
#include "../protocol/hs_proto.h"

#define HS_CASE_MAX_SOURCES 16
#define HS_CASE_MAX_UNITS   48
#define HS_CASE_MAX_REASONS 32
#define HS_CASE_OPEN        -1  //  status before any update

typedef struct {
    char id [HS_ID_MAX + 1];                //  "<district>-<seq of first report>"
    int level;                              //  current level; never falls
    int category;
    char street [HS_CODE_MAX + 1];          //  street unit code
    char enterprise [HS_NAME_MAX + 1];      //  name as first reported
    char credit_code [HS_CREDIT_CODE_LEN + 1];
    int ownership;                          //  -1 unknown
    char sector [HS_SECTOR_MAX + 1];
    int64_t workers;                        //  largest reported
    int64_t amount;                         //  largest reported, -1 unknown
    uint32_t flags;                         //  union
    char sources [HS_CASE_MAX_SOURCES][HS_CODE_MAX + 1];
    size_t source_count;
    char units [HS_CASE_MAX_UNITS][HS_CODE_MAX + 1];    //  everyone it went to
    size_t unit_count;
    char reasons [HS_CASE_MAX_REASONS][HS_CODE_MAX + 1]; //  rules that fired last
    size_t reason_count;
    char rules_version [41];                //  rule set of the last classification
    int status;                             //  HS_CASE_OPEN or an hs_status_t
    bool closed;                            //  resolved or closed: out of correlation
    int64_t opened;                         //  `at` of the first report
    int64_t updated;                        //  `at` of the latest report or update
    uint64_t first_seq;                     //  seq of the first report
    uint64_t last_seq;                      //  seq of the latest event about it
    uint64_t reports;                       //  reports joined
    int64_t clock_start;                    //  supervision: current period began
    int64_t due_at;                         //  an update is due by (0: not supervised)
    int64_t escalate_at;                    //  past this the case rises a level
    bool overdue_sent;                      //  the overdue alert went out this period
} hs_case_t;

//  Find the open case a report belongs to (inside the store's write
//  transaction). Returns 0 with `kase` loaded, 1 if there is none, -1 on
//  error.
int hs_cases_find (hs_store_t *store, const hs_report_t *report, const char *street,
                   hs_case_t *kase);

//  Load a case by id. Returns 0, 1 if there is none, -1 on error.
int hs_cases_load (hs_store_t *store, const char *case_id, hs_case_t *kase);

//  Save a case and keep the correlation index in step: an open case is
//  indexed under its keys, a closed one removed. `pack` is scratch space.
//  Returns 0 or -1.
int hs_cases_save (hs_store_t *store, const hs_case_t *kase, hs_pack_t *pack);

//  Start a new case from its first report.
void hs_case_open (hs_case_t *kase, const char *case_id, uint64_t seq,
                   const hs_report_t *report, const char *street);

//  Join a report to the case: max of workers and amount, union of flags
//  and sources; the first known ownership, sector and credit code stay.
void hs_case_merge (hs_case_t *kase, uint64_t seq, const hs_report_t *report);

//  Record a classification: level (never lowered), units (union), the
//  rules that fired and the rule set's version.
void hs_case_classified (hs_case_t *kase, const hs_decision_t *decision, const char *version);

//  True if the unit has been routed to or notified about the case.
bool hs_case_has_unit (const hs_case_t *kase, const char *unit);

//  The facts the rules look at. `sources` must hold HS_CASE_MAX_SOURCES+1
//  pointers; everything stays borrowed from the case.
void hs_case_facts (const hs_case_t *kase, hs_facts_t *facts, const char **sources);

//  The case's units or reasons as a NULL-terminated list; `list` must hold
//  HS_CASE_MAX_UNITS+1 (or HS_CASE_MAX_REASONS+1) pointers.
void hs_case_units (const hs_case_t *kase, const char **list);
void hs_case_reasons (const hs_case_t *kase, const char **list);

//  Encode / decode the stored record. decode returns 0 or -1.
void hs_case_encode (const hs_case_t *kase, hs_pack_t *pack);
int hs_case_decode (const void *data, size_t size, hs_case_t *kase);

//  Normalise an enterprise name for matching: case, spaces, punctuation
//  and full-width forms folded. Writes at most `size` bytes.
void hs_cases_normalise (const char *name, char *dest, size_t size);

void hs_cases_test (bool verbose);

#endif
