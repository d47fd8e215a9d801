/*  =========================================================================
    hs_case - the case record: one dispute as the store keeps it

    A case gathers the reports about one enterprise's dispute of one
    category while it is open (SPEC §3). Its record keeps the largest head
    count and amount seen, the union of flags, reporting units and routed
    units, and its level, which never falls. This class owns the record's
    layout (a msgpack map, also what the api's case replies carry) and the
    changes a report makes to it; correlation and storage are hs_cases'.
    =========================================================================
*/

#ifndef HS_CASE_H_INCLUDED
#define HS_CASE_H_INCLUDED

#include "hs_pack.h"
#include "hs_inbound.h"

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

//  Start a new case from its first report.
void hs_case_open (hs_case_t *kase, const char *case_id, uint64_t seq,
                   const hs_report_t *report, const char *street);

//  Join a report to the case: max of workers and amount, union of flags
//  and sources; the first known ownership, sector and credit code stay.
void hs_case_merge (hs_case_t *kase, uint64_t seq, const hs_report_t *report);

//  Record a classification: the level (never lowered), the units (a
//  union; NULL-terminated), the rules that fired (replacing the last
//  ones) and the rule set's version.
void hs_case_classified (hs_case_t *kase, int level, const char *const *units,
                         const char *const *reasons, const char *version);

//  Add one reason to the case's current reasons (why it rose), once.
void hs_case_add_reason (hs_case_t *kase, const char *reason);

//  True if the unit has been routed to or notified about the case.
bool hs_case_has_unit (const hs_case_t *kase, const char *unit);

//  The case's units, reasons or sources as a NULL-terminated list; `list`
//  must hold HS_CASE_MAX_UNITS+1 (HS_CASE_MAX_REASONS+1,
//  HS_CASE_MAX_SOURCES+1) pointers, borrowed from the case.
void hs_case_units (const hs_case_t *kase, const char **list);
void hs_case_reasons (const hs_case_t *kase, const char **list);
void hs_case_sources (const hs_case_t *kase, const char **list);

//  Encode / decode the stored record. decode returns 0 or -1.
void hs_case_encode (const hs_case_t *kase, hs_pack_t *pack);
int hs_case_decode (const void *data, size_t size, hs_case_t *kase);

void hs_case_test (bool verbose);

#endif
