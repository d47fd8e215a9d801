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
#include "hs_handler.h"

#define HS_CASE_MAX_SOURCES 16
#define HS_CASE_MAX_UNITS   48
#define HS_CASE_MAX_REASONS 32
#define HS_CASE_OPEN        -1  //  status before any update
#define HS_CASE_MAX_MERGED  16

//  Where a case is in its closed loop (SPEC §3, 办理).
typedef enum {
    HS_STAGE_OPEN = 0,          //  being handled
    HS_STAGE_RESOLVED,          //  办结: the lead says it is done; the office reviews
    HS_STAGE_CLOSED,            //  审核办结: the office closed it
    HS_STAGE_MERGED,            //  the office merged it into another case
    HS_STAGE_COUNT
} hs_stage_t;

const char *hs_stage_name (int stage);
int hs_stage_parse (const char *name);

typedef struct {
    char id [HS_ID_MAX + 1];                //  "<district>-<seq of first report>"
    int level;                              //  current level; falls only by a regrade
    int rules_level;                        //  what the severity rules said last
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
    int stage;                              //  hs_stage_t
    bool closed;                            //  closed or merged: out of correlation
    int64_t opened;                         //  `at` of the first report
    int64_t updated;                        //  `at` of the latest report or update
    uint64_t first_seq;                     //  seq of the first report
    uint64_t last_seq;                      //  seq of the latest event about it
    uint64_t reports;                       //  reports joined
    bool overdue_sent;                      //  some handler's clock is past due
    char lead [HS_CODE_MAX + 1];            //  主办 unit, "" if none
    hs_handler_t handlers [HS_CASE_MAX_HANDLERS];   //  the routed units' handling
    size_t handler_count;
    int64_t timer_at;                       //  the case's supervision timer (0: none)
    int64_t muted_until;                    //  supervision notices held until (0: not)
    int followup;                           //  回访: -1 none, 0 not satisfied, 1 satisfied
    uint32_t reopened;                      //  times re-opened
    char merged_into [HS_ID_MAX + 1];       //  stage merged: the case it went into
    char merged_from [HS_CASE_MAX_MERGED][HS_ID_MAX + 1];
    size_t merged_count;
    char split_from [HS_ID_MAX + 1];        //  split off this case (its report, the act)
    char meeting [HS_ID_MAX + 1];           //  its latest special meeting request, or ""
    bool lead_held;                         //  a person named the lead (reroute): the rules keep it
    int upward;                             //  reported upward: 0 not, 1 first sent, 2 final sent
    int upward_level;                       //  the level, the lead at the last report upward
    char upward_lead [HS_CODE_MAX + 1];
    int64_t closed_at;                      //  when the office last closed it (0: never)
    int64_t file_at;                        //  its filing timer (归档, hs_filing), 0: none
    int64_t filed;                          //  when it was filed, 0: not filed
    int64_t legacy_due;                     //  a 0.4 record's due_at (the upgrade's)
    bool legacy;                            //  a record from before per-unit handling
    //  Not stored: what the store's counts (meta open_cases, overdue_cases)
    //  counted of this case when it was read (hs_casework keeps them).
    bool counted_open;
    bool counted_overdue;
} hs_case_t;

//  Start a new case from its first report.
void hs_case_open (hs_case_t *kase, const char *case_id, uint64_t seq,
                   const hs_report_t *report, const char *street);

//  Join a report to the case: max of workers and amount, union of flags
//  and sources; the first known ownership, sector and credit code stay.
void hs_case_merge (hs_case_t *kase, uint64_t seq, const hs_report_t *report);

//  Record a classification: the level, what the severity rules said
//  (`rules_level`), the units (a union; NULL-terminated), the rules that
//  fired (replacing the last ones) and the rule set's version.
void hs_case_classified (hs_case_t *kase, int level, int rules_level, const char *const *units,
                         const char *const *reasons, const char *version);

//  Join facts an update carries: a larger head count or amount, flags.
void hs_case_facts_join (hs_case_t *kase, int64_t workers, int64_t amount, uint32_t flags);

//  Take in a case merged into this one: the larger facts, the union of
//  flags, sources and units, its reports counted, its id remembered.
void hs_case_absorb (hs_case_t *kase, const hs_case_t *absorbed);

//  The handler of `unit`, or NULL.
hs_handler_t *hs_case_handler (hs_case_t *kase, const char *unit);

//  Add one reason to the case's current reasons (why it rose), once.
void hs_case_add_reason (hs_case_t *kase, const char *reason);

//  Add a unit to those routed to or notified about the case, once.
void hs_case_add_unit (hs_case_t *kase, const char *unit);

//  True if the unit has been routed to or notified about the case.
bool hs_case_has_unit (const hs_case_t *kase, const char *unit);

//  The case's units, reasons or sources as a NULL-terminated list; `list`
//  must hold HS_CASE_MAX_UNITS+1 (HS_CASE_MAX_REASONS+1,
//  HS_CASE_MAX_SOURCES+1) pointers, borrowed from the case.
void hs_case_units (const hs_case_t *kase, const char **list);
void hs_case_reasons (const hs_case_t *kase, const char **list);
void hs_case_sources (const hs_case_t *kase, const char **list);

//  The case as a map with named fields: what the api's case replies
//  carry (PROTOCOL §6), and the stored record of stores before format 3.
//  decode_map returns 0 or -1.
void hs_case_encode_map (const hs_case_t *kase, hs_pack_t *pack);
int hs_case_decode_map (const void *data, size_t size, hs_case_t *kase);

//  The stored record (protocol/hs_case_rec): compact, no names. decode
//  also reads a record of an older store (a map). Returns 0 or -1.
void hs_case_encode (const hs_case_t *kase, hs_pack_t *pack);
int hs_case_decode (const void *data, size_t size, hs_case_t *kase);

//  True if a stored record is compact: the layout this build writes (4),
//  or the one stores of formats 3 to 6 keep (3), which it reads.
bool hs_case_record_compact (const void *data, size_t size);

//  For the self tests: a report of `workers` workers, `category`, at `at`,
//  from street.caoyang on a clothing firm; then a case opened from it as
//  `id` (seq `seq`), to free.
hs_case_t *hs_case_test_new (hs_report_t *report, int category, int64_t workers, int64_t at,
                             const char *id, uint64_t seq);

void hs_case_test (bool verbose);
void hs_case_rec_test (bool verbose);

#endif
