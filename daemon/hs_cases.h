/*  =========================================================================
    hs_cases - dispute cases in the store: correlation and the case tables

    Owns how cases are found and kept: the `cases` table (case id -> the
    record of protocol/hs_case; the id in its key form, hs_idkey, so that
    a new case is appended); `caseindex` (hs_caseindex), the correlation keys of
    open cases (SPEC §3): a report joins the open case of the same
    enterprise and category, matched by unified social credit code, else
    by normalised enterprise name + street; and the order tables
    `caseorder` and `opencases` (newest first, with what the api filters
    on), so that a query reads about as many cases as it shows. And what
    the rules see of a case (its facts) and what a classification changes
    in it.
    =========================================================================
*/

#ifndef HS_CASES_H_INCLUDED
#define HS_CASES_H_INCLUDED

#include "hs_store.h"
#include "hs_rules.h"
#include "../protocol/hs_protocol.h"

//  Find the open case a report belongs to (inside the store's write
//  transaction). Returns 0 with `kase` loaded, 1 if there is none, -1 on
//  error.
int hs_cases_find (hs_store_t *store, const hs_report_t *report, const char *street,
                   hs_case_t *kase);

//  The record of a case as stored (borrowed until the transaction or view
//  ends). Returns 0, 1 if there is none, -1 on error.
int hs_cases_record (hs_store_t *store, const char *case_id, const void **data, size_t *size);

//  Load a case by id. Returns 0, 1 if there is none, -1 on error.
int hs_cases_load (hs_store_t *store, const char *case_id, hs_case_t *kase);

//  Save a case and keep the correlation index in step: an open case is
//  indexed under its keys, a closed one removed. `pack` is scratch space.
//  Returns 0 or -1.
int hs_cases_save (hs_store_t *store, const hs_case_t *kase, hs_pack_t *pack);

//  Rewrite stored case records of an older form (a map, before store
//  format 3) in the compact one, a chunk at a time: a work function for
//  the write transaction (hs_txn_run), which rewrites at most
//  HS_CASES_COMPACT_CHUNK of them from the first key after `from`
//  (`from_size` 0: the start), and says where the next chunk starts
//  (`next`), whether the table's end was reached (`done`) and how many it
//  rewrote (`chunk`). It reads only `from`: run again for the same chunk
//  (hs_txn_run does when the map had to grow), it does the same. The
//  caller copies `next` into `from` after each commit, until `done`; each
//  transaction stays well within what LMDB lets one dirty. Returns 0 or -1.
#define HS_CASES_COMPACT_CHUNK 5000
#define HS_CASES_KEY_MAX 512            //  longer than any LMDB key
typedef struct {
    hs_store_t *store;
    uint8_t from [HS_CASES_KEY_MAX];
    size_t from_size;
    uint8_t next [HS_CASES_KEY_MAX];
    size_t next_size;
    bool done;
    size_t chunk;
} hs_cases_compaction_t;
int hs_cases_compact_work (void *arg);

//  What the order tables keep of a case: what the api's filters look at.
typedef struct {
    int level;
    bool overdue;               //  its overdue alert went out (this period)
    int status;                 //  HS_CASE_OPEN or an hs_status_t
    bool closed;
    int64_t opened;
    char street [HS_CODE_MAX + 1];
    char id [HS_ID_MAX + 1];
} hs_case_summary_t;

//  Read a summary from the order tables' bytes. Returns 0 or -1.
int hs_cases_summary_decode (const void *data, size_t size, hs_case_summary_t *summary);

//  Visit cases newest first (by the seq of their first report): the open
//  ones only, or all; from the newest, or from the one just older than
//  `before` (a first-report seq; 0: from the newest). The visitor gets
//  each case's first seq and summary (borrowed) and returns 0 to go on.
//  Returns 0, or -1 if the store failed.
typedef int (hs_cases_order_fn) (uint64_t first_seq, const hs_case_summary_t *summary, void *arg);
int hs_cases_walk (hs_store_t *store, bool open_only, uint64_t before, hs_cases_order_fn *visit,
                   void *arg);

//  A store from before the order tables: build them (inside the write
//  transaction), once; *count says how many cases it took. Returns 0 or -1.
int hs_cases_order (hs_store_t *store, size_t *count);

//  The facts the rules look at. `sources` must hold HS_CASE_MAX_SOURCES+1
//  pointers; everything stays borrowed from the case.
void hs_cases_facts (const hs_case_t *kase, hs_facts_t *facts, const char **sources);

//  Record a classification in the case (see hs_case_classified).
void hs_cases_classified (hs_case_t *kase, const hs_decision_t *decision, const char *version);

void hs_cases_test (bool verbose);

#endif
