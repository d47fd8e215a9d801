/*  =========================================================================
    hs_store - the durable store: one LMDB environment, one writer

    Owns the LMDB environment and every transaction on it, the tables
    (sub-databases) and their names; each table's key layout and records
    belong to one class, which alone spells them:
        events, history, dedup      hs_ledger (records: protocol/hs_event, hs_words)
        cases, caseorder, opencases hs_cases
        caseindex                   hs_caseindex: an enterprise's open cases and its
                                    window (the window's record: hs_windows)
        timers                      hs_timers
        meetings                    hs_meetings (records: protocol/hs_meeting_rec)
        prompts                     hs_prompts (records: protocol/hs_prompt_rec)
        proposals                   hs_proposals (records: protocol/hs_proposal_rec)
        filed                       hs_filing: filed cases by the time they were filed
        inspections                 hs_inspections (records: protocol/hs_inspection_rec)
        feeds                       hs_feeds
        windows                     hs_windows (through hs_warnings): streets, categories
        deadletter                  number (u64, BE) -> a rejected message (hs_reject)
        meta                        name (hs_meta_t, here) -> u64 (BE)
    Only hs_txn begins, commits and aborts the write transaction. Other
    threads read through their own handle (hs_store_reader_new) in views
    that never block the writer.
    Everything a batch writes goes into one write transaction, committed
    durably (fsync) by hs_store_commit: group commit. Sequence numbers are
    allocated inside the transaction and stored with it, so a crash before
    commit leaves no trace and a seq is never reused.
    Bytes handed out by getters are borrowed from LMDB and valid only until
    the transaction ends; nothing outside this class sees an MDB_val.
    =========================================================================
*/

#ifndef HS_STORE_H_INCLUDED
#define HS_STORE_H_INCLUDED

#include <czmq.h>

typedef struct _hs_store_t hs_store_t;

//  The sub-databases, for the generic accessors below.
typedef enum {
    HS_TABLE_EVENTS = 0,
    HS_TABLE_DEDUP,
    HS_TABLE_CASES,
    HS_TABLE_CASEINDEX,
    HS_TABLE_DEADLETTER,
    HS_TABLE_HISTORY,
    HS_TABLE_TIMERS,
    HS_TABLE_MEETINGS,
    HS_TABLE_FEEDS,
    HS_TABLE_META,
    HS_TABLE_WINDOWS,
    HS_TABLE_CASEORDER,
    HS_TABLE_OPENCASES,
    HS_TABLE_PROMPTS,
    HS_TABLE_PROPOSALS,
    HS_TABLE_FILED,
    HS_TABLE_INSPECTIONS,
    HS_TABLE_COUNT
} hs_table_t;

//  The store's named counters and marks (the `meta` table), one name each.
typedef enum {
    HS_META_NEXT_SEQ = 0,           //  the seq the next event gets
    HS_META_NEXT_DEAD,              //  the number the next dead letter gets
    HS_META_CLOCK,                  //  the daemon's clock at the last commit
    HS_META_PUBLISHED_THROUGH,      //  every event up to it has been published
    HS_META_OPEN_CASES,             //  cases not closed
    HS_META_OVERDUE_CASES,          //  open cases whose overdue alert went out
    HS_META_WINDOWS,                //  the early-warning windows live in the store: 1
                                    //  counting reports (0.4), 2 counting disputes
    HS_META_FORWARDED_THROUGH,      //  every forwardable event up to it went up
    HS_META_FORWARD_FSEQ,           //  messages stored upstream so far
    HS_META_BRIEF_DAILY_FROM,       //  the daily briefing's period began (daemon ms)
    HS_META_BRIEF_DAILY_SEQ,        //  ... at this seq
    HS_META_BRIEF_DAILY_NEXT,       //  ... and the next one is due
    HS_META_BRIEF_WEEKLY_FROM,
    HS_META_BRIEF_WEEKLY_SEQ,
    HS_META_BRIEF_WEEKLY_NEXT,
    HS_META_CASE_ORDER,             //  1: caseorder and opencases are built
    HS_META_FORMAT,                 //  the store's layout version (HS_STORE_FORMAT)
    HS_META_CLOCK_DRILL,            //  1: the clock was last a drill's (hs_clock)
    HS_META_CLOCK_RESETS,           //  times an operator set the clock back (hs_clock)
    HS_META_HANDLING,               //  1: open cases have per-unit handling (hs_casework)
    HS_META_PLENARY_NEXT,           //  the next regular plenary meets then (hs_schedule)
    HS_META_OFFICE_NEXT,            //  ... and the next regular office meeting
    HS_META_PLENARY_LAST,           //  the last regular plenary requested meets then
    HS_META_OFFICE_LAST,            //  ... and the last regular office meeting
    HS_META_COUNT
} hs_meta_t;

//  The layout this build writes, kept in meta `format`. A store without it
//  is from before the version was kept (0.4 and earlier, format 0): the
//  engine's upgrades bring it up to date, then it is marked. A store with a
//  higher one is from a newer build: refused, never written.
#define HS_STORE_FORMAT 9

//  A meta name as stored ("next_seq", "brief.daily.from", ...).
const char *hs_store_meta_name (hs_meta_t meta);

//  A walk's visitor: return 0 to go on, anything else to stop. Key and
//  data are borrowed until the visitor returns.
typedef int (hs_store_walk_fn) (const void *key, size_t key_size,
                                const void *data, size_t size, void *arg);

typedef struct {
    uint64_t next_seq;          //  the seq the next event will get
    uint64_t events;            //  entries per sub-database
    uint64_t dedup;
    uint64_t cases;
    uint64_t open_cases;        //  the meta counter kept by the engine
    uint64_t index_keys;        //  entries in caseindex
    uint64_t deadletters;
    int64_t map_size;           //  current map size, bytes
    int64_t map_used;           //  bytes in use (pages * page size)
} hs_store_stats_t;

//  Open (creating if needed) the store in folder `path`. Clears stale
//  reader slots. Returns a new store (caller owns it), or NULL with a
//  message in `error`.
hs_store_t *hs_store_new (const char *path, int64_t map_size, int64_t map_size_max,
                          char *error, size_t error_size);

//  Open an existing store read-only, for tools (verify, backup), safely
//  beside a running daemon. Only views can be used on it.
hs_store_t *hs_store_open_readonly (const char *path, char *error, size_t error_size);

//  A handle for another thread's read views of the same environment (the
//  api's): views only, never a write transaction. A view held on it keeps
//  the writer from resizing the map until the view ends, so views must be
//  short. Destroy it before the writer's handle. Caller owns it.
hs_store_t *hs_store_reader_new (hs_store_t *writer);

//  A consistent, compacted copy of the store into `folder` (created; it
//  must hold no data.mdb yet), taken while the store may be in use.
//  Returns 0, or -1 with `error` set.
int hs_store_backup (hs_store_t *self, const char *folder, char *error, size_t error_size);

//  Close the store. Aborts a transaction left open.
void hs_store_destroy (hs_store_t **self_p);

//  Begin the write transaction. Returns 0 or -1 (logged).
int hs_store_begin (hs_store_t *self);

//  Commit the write transaction durably. Returns 0, or -1 (logged) with
//  the transaction gone and nothing of it stored.
int hs_store_commit (hs_store_t *self);

//  Abandon the write transaction; nothing of it is stored.
void hs_store_abort (hs_store_t *self);

//  True if the last failure was the map being full. hs_store_grow then
//  doubles the map (up to the maximum): returns 0 if it grew, -1 if it is
//  at the maximum. Call only with no transaction open.
bool hs_store_map_full (hs_store_t *self);
int hs_store_grow (hs_store_t *self);

//  True if the last failure was lack of room that growing cannot fix: the
//  disk is full, or the map is full at its maximum.
bool hs_store_no_room (hs_store_t *self);

//  Bytes the map can still take: how far it may grow (map_size_max) less
//  the pages in use as last committed (free pages inside are not
//  counted: a low estimate). Cheap: no transaction.
int64_t hs_store_room (hs_store_t *self);

//  Change how far the map may grow (a reloaded configuration).
void hs_store_set_max (hs_store_t *self, int64_t map_size_max);

//  Allocate the next event seq inside the transaction.
uint64_t hs_store_next_seq (hs_store_t *self);

//  The seq the next allocation would give, without taking it.
uint64_t hs_store_peek_seq (hs_store_t *self);

//  Keep a rejected message. Returns 0 or -1.
int hs_store_deadletter_put (hs_store_t *self, const void *data, size_t size);

//  Counts and sizes, from committed state. Returns 0 or -1.
int hs_store_stats (hs_store_t *self, hs_store_stats_t *stats);

//  Generic access to a table, inside the write transaction or a read view.
//  get: 0 found (bytes borrowed until the transaction ends), 1 absent,
//  -1 error. put, del: 0 or -1 (del of an absent key is 0).
int hs_store_get (hs_store_t *self, hs_table_t table, const void *key, size_t key_size,
                  const void **data, size_t *size);
int hs_store_put (hs_store_t *self, hs_table_t table, const void *key, size_t key_size,
                  const void *data, size_t size);
int hs_store_del (hs_store_t *self, hs_table_t table, const void *key, size_t key_size);

//  Visit entries in key order from the first key >= `from` (NULL: the
//  start), or backwards from the last entry when `reverse`. Returns 0 when
//  the walk ended or the visitor stopped it, -1 on error.
int hs_store_walk (hs_store_t *self, hs_table_t table, const void *from, size_t from_size,
                   bool reverse, hs_store_walk_fn *visit, void *arg);

//  A table's name as stored ("events", ...).
const char *hs_store_table_name (hs_table_t table);

//  Clear the reader slots of processes that died inside a read (a check
//  killed on a damaged page, a reader killed by an operator): until then
//  their snapshot pins every page freed since, and the file grows. At
//  open and from time to time (hs_engine). Returns the slots cleared.
int hs_store_readers_check (hs_store_t *self);

//  Visit LMDB's own free-page table (its records, raw) in a view, as
//  hs_store_walk does: a check reads every page the writer will read.
int hs_store_walk_free (hs_store_t *self, hs_store_walk_fn *visit, void *arg);

//  The number of entries in a table, inside the write transaction or a
//  view. Returns 0 or -1.
int hs_store_count (hs_store_t *self, hs_table_t table, uint64_t *count);

//  Visit entries backwards from the last key < `before`. Returns as
//  hs_store_walk.
int hs_store_walk_before (hs_store_t *self, hs_table_t table, const void *before,
                          size_t before_size, hs_store_walk_fn *visit, void *arg);

//  A read-only view of committed state for queries, when no write
//  transaction is open. Returns 0 or -1. End it before the next batch.
int hs_store_view_begin (hs_store_t *self);
void hs_store_view_end (hs_store_t *self);

//  The transaction the open view reads (LMDB's txnid): two views with the
//  same id read the same store.
uint64_t hs_store_view_id (hs_store_t *self);

//  Named counters in the meta table. get gives `fallback` when absent.
int hs_store_meta_get (hs_store_t *self, hs_meta_t meta, uint64_t fallback, uint64_t *value);
int hs_store_meta_put (hs_store_t *self, hs_meta_t meta, uint64_t value);

//  Big-endian u64 keys, as every numeric key in the store is written.
void hs_store_be64_put (uint8_t *bytes, uint64_t value);
uint64_t hs_store_be64_get (const uint8_t *bytes);

//  Delete a store's files and its folder (tests and tools; never while
//  a store is open on it). Returns 0 or -1.
int hs_store_remove (const char *path);

//  A work function (hs_txn_run) that marks the store as of HS_STORE_FORMAT
//  once the upgrades are done; `arg` is the store. Returns 0 or -1.
int hs_store_format_work (void *arg);

void hs_store_test (bool verbose);

#endif
