/*  =========================================================================
    hs_warnings - early warnings (预警) and work prompts (工作提示)

    Disputes, not reports: a case is counted when it begins (a new case,
    one split off) or begins again (re-opened), never when a report joins
    it; the unit, street and petition office reporting one gathering are
    one dispute. The enterprise window counts under the case's credit
    code, else its normalised name in the case's street (any category);
    the street and category windows count in the case's street.

    Where the windows' state lives: an enterprise's (an hs_windows record)
    in the enterprise's one `caseindex` record with its open cases (store
    format 8, hs_caseindex), so a new case writes one record for both; the
    few street and category states in the `windows` table. Meta `windows` says which
    layout a store has (S_WINDOWS_*); hs_warnings_upgrade brings an older
    one to this.
    =========================================================================
*/

#include "hs_warnings.h"
#include "hs_cases.h"
#include "hs_caseindex.h"
#include "hs_idkey.h"
#include "hs_ledger.h"
#include "hs_log.h"

#define PRUNE_STEP 4096         //  window states looked at in one pruning step
#define S_KEY_MAX HS_CASEINDEX_KEY_MAX         //  an enterprise's name in the index

//  Meta `windows`: 0 none kept (0.3), 1 kept, counting reports (0.4),
//  2 kept, counting disputes, 3 the same, an enterprise's beside its
//  correlation keys (store format 5).
#define S_WINDOWS_DISPUTES 2
#define S_WINDOWS_BESIDE   3

struct _hs_warnings_t {
    hs_txn_t *txn;              //  borrowed
    hs_notices_t *notices;      //  borrowed
    hs_config_t *config;        //  borrowed: the configuration in force
    hs_windows_t *windows;      //  the windows under its policy
    uint8_t prune_from [HS_WINDOWS_KEY_MAX + 2];    //  where pruning goes on
    size_t prune_from_size;
    uint64_t pruned;            //  enterprise windows forgotten
};

//  The windows keep their state in the store, in the open transaction:
//  an enterprise's (`e/` and its name) in the case index, the others in
//  the `windows` table.
static bool
s_enterprise_window (const char *key)
{
    return key [0] == 'e' && key [1] == '/';
}

static int
s_windows_get (void *arg, const char *key, const void **data, size_t *size)
{
    hs_store_t *store = hs_txn_store ((hs_txn_t *) arg);
    if (s_enterprise_window (key))
        return hs_caseindex_window (store, key + 2, strlen (key + 2), data, size);
    return hs_store_get (store, HS_TABLE_WINDOWS, key, strlen (key), data, size);
}

static int
s_windows_put (void *arg, const char *key, const void *data, size_t size)
{
    hs_store_t *store = hs_txn_store ((hs_txn_t *) arg);
    if (s_enterprise_window (key))
        return hs_caseindex_window_put (store, key + 2, strlen (key + 2), data, size);
    return hs_store_put (store, HS_TABLE_WINDOWS, key, strlen (key), data, size);
}

static int
s_prepare (void *arg)
{
    return hs_windows_flush (((hs_warnings_t *) arg)->windows);
}

static void
s_abort (void *arg)
{
    hs_windows_forget (((hs_warnings_t *) arg)->windows);
}

static void
s_windows_new (hs_warnings_t *self)
{
    hs_windows_io_t io = { s_windows_get, s_windows_put, self->txn };
    hs_windows_destroy (&self->windows);
    self->windows = hs_windows_new (hs_rules_policy (self->config->rules),
                                    hs_rules_policy (self->config->rules)->prompt_rearm, &io);
}

hs_warnings_t *
hs_warnings_new (hs_txn_t *txn, hs_notices_t *notices, hs_config_t *config)
{
    hs_warnings_t *self = (hs_warnings_t *) zmalloc (sizeof (hs_warnings_t));
    self->txn = txn;
    self->notices = notices;
    self->config = config;
    s_windows_new (self);
    hs_txn_participant_t participant = { "warnings", s_prepare, NULL, s_abort, NULL, self };
    hs_txn_join (txn, &participant);
    return self;
}

void
hs_warnings_destroy (hs_warnings_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_warnings_t *self = *self_p;
        hs_windows_destroy (&self->windows);
        free (self);
        *self_p = NULL;
    }
}

void
hs_warnings_set_config (hs_warnings_t *self, hs_config_t *config)
{
    self->config = config;
    s_windows_new (self);
}

uint64_t hs_warnings_pruned (hs_warnings_t *self) { return self->pruned; }

//  The enterprise a case is about: its credit code, else its normalised
//  name in the case's street (at least S_KEY_MAX bytes at `key`).
static void
s_enterprise_key (const hs_case_t *kase, char *key)
{
    hs_caseindex_enterprise (kase->credit_code, kase->street, kase->enterprise, key);
}

int
hs_warnings_case (hs_warnings_t *self, const hs_case_t *kase, bool *enterprise)
{
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    char key [S_KEY_MAX];
    s_enterprise_key (kase, key);
    hs_crossings_t crossed;
    *enterprise = false;
    if (hs_windows_add (self->windows, key, kase->street, kase->category, hs_txn_now (self->txn),
                        &crossed))
        return -1;
    if (crossed.enterprise) {
        const char *reasons [] = { "warning.enterprise", NULL };
        hs_warning_t warning = {
            .kind = "enterprise", .case_id = kase->id, .enterprise = kase->enterprise,
            .credit_code = kase->credit_code, .street = kase->street, .category = -1,
            .count = crossed.enterprise_count, .window_ms = policy->enterprise_window_ms,
            .units = hs_policy_recipients (policy, HS_NOTICE_ENTERPRISE), .reasons = reasons
        };
        if (hs_notices_warning (self->notices, &warning))
            return -1;
        *enterprise = true;
    }
    if (crossed.street) {
        const char *reasons [] = { "warning.street", NULL };
        hs_warning_t warning = {
            .kind = "street", .street = kase->street, .category = -1,
            .count = crossed.street_count, .window_ms = policy->street_window_ms,
            .units = hs_policy_recipients (policy, HS_NOTICE_STREET), .reasons = reasons
        };
        if (hs_notices_warning (self->notices, &warning))
            return -1;
    }
    if (crossed.prompt) {
        //  A counter does not write guidance: the office is told, and
        //  issues the work prompt (工作提示) itself.
        const char *reasons [] = { "warning.prompt", NULL };
        hs_warning_t warning = {
            .kind = "prompt", .category = kase->category, .count = crossed.street_total,
            .window_ms = policy->prompt_window_ms, .streets = crossed.streets, .suggested = true,
            .units = hs_policy_recipients (policy, HS_NOTICE_PROMPT), .reasons = reasons
        };
        if (hs_notices_warning (self->notices, &warning))
            return -1;
    }
    return 0;
}

int
hs_warnings_report (hs_warnings_t *self, hs_case_t *kase, const hs_report_t *report,
                    const char *street, bool *enterprise)
{
    (void) report;
    (void) street;
    *enterprise = false;
    return kase->reports == 1? hs_warnings_case (self, kase, enterprise): 0;
}

//  ---------------------------------------------------------------------
//  A store whose windows do not count disputes: 0.3 kept none, 0.4 kept
//  them in the store but counted reports (meta `windows` 1). Build them
//  once from the cases: every case begun within the longest window
//  counts, at the daemon time of its first event (its `opened`, the
//  reporter's time, if that event is gone), in time order. What was kept
//  before is dropped first. Crossings the rebuild passes are marked
//  fired, not announced again. Marks the store S_WINDOWS_BESIDE.

typedef struct {
    int64_t at;                 //  when it began, daemon clock
    uint64_t seq;               //  its first seq: ties in order
    int category;
    char street [HS_CODE_MAX + 1];
    char key [S_KEY_MAX];       //  its enterprise's key
} s_begun_t;

typedef struct {
    hs_warnings_t *self;
    hs_store_t *store;
    int64_t horizon;            //  oldest daemon time the windows see
    hs_case_t *kase;            //  scratch
    s_begun_t *begun;           //  the cases the windows see
    size_t count, size;
    zlistx_t *stale;            //  keys (zchunk_t) of the windows kept before
    zlistx_t *stale_beside;     //  ... and of enterprises' in the case index
    int rc;
} s_upgrade_t;

static void
s_chunk_free (void **item)
{
    zchunk_t *chunk = (zchunk_t *) *item;
    zchunk_destroy (&chunk);
    *item = NULL;
}

//  A walk's visitor: each key into the list (zlistx_t of zchunk_t) `arg`.
static int
s_upgrade_stale (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) data;
    (void) size;
    zlistx_add_end ((zlistx_t *) arg, zchunk_new (key, key_size));
    return 0;
}

static int
s_upgrade_case (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) key;
    (void) key_size;
    s_upgrade_t *upgrade = (s_upgrade_t *) arg;
    hs_case_t *kase = upgrade->kase;
    if (hs_case_decode (data, size, kase) || !*kase->street
    ||  kase->category < 0 || kase->category >= HS_CATEGORY_COUNT)
        return 0;                       //  not one the windows can place
    //  The store failing stops the rebuild; an event gone or unreadable
    //  only leaves the case its `opened`.
    int64_t at = kase->opened;
    const void *raw;
    size_t raw_size;
    hs_event_read_t event;
    int rc = hs_ledger_event_raw (upgrade->store, kase->first_seq, &raw, &raw_size);
    if (rc < 0) {
        upgrade->rc = -1;
        return 1;
    }
    if (rc == 0 && hs_event_decode (raw, raw_size, &event) == 0)
        at = event.at;
    if (at < upgrade->horizon)
        return 0;
    if (upgrade->count == upgrade->size) {
        upgrade->size = upgrade->size? 2 * upgrade->size: 256;
        upgrade->begun = (s_begun_t *) realloc (upgrade->begun, upgrade->size * sizeof (s_begun_t));
        assert (upgrade->begun);
    }
    s_begun_t *begun = &upgrade->begun [upgrade->count++];
    begun->at = at;
    begun->seq = kase->first_seq;
    begun->category = kase->category;
    hs_strcpy (begun->street, sizeof (begun->street), kase->street);
    s_enterprise_key (kase, begun->key);
    return 0;
}

static int
s_begun_compare (const void *a, const void *b)
{
    const s_begun_t *one = (const s_begun_t *) a, *two = (const s_begun_t *) b;
    if (one->at != two->at)
        return one->at < two->at? -1: 1;
    return one->seq < two->seq? -1: one->seq > two->seq;
}

static int
s_upgrade_work (void *arg)
{
    s_upgrade_t *upgrade = (s_upgrade_t *) arg;
    hs_warnings_t *self = upgrade->self;
    hs_store_t *store = upgrade->store;
    upgrade->count = 0;
    upgrade->rc = 0;
    zlistx_purge (upgrade->stale);
    zlistx_purge (upgrade->stale_beside);
    hs_windows_forget (self->windows);
    upgrade->horizon = hs_txn_now (self->txn) - hs_windows_horizon (self->windows);
    int rc = hs_store_walk (store, HS_TABLE_WINDOWS, NULL, 0, false, s_upgrade_stale,
                            upgrade->stale);
    for (zchunk_t *chunk = (zchunk_t *) zlistx_first (upgrade->stale); chunk && rc == 0;
         chunk = (zchunk_t *) zlistx_next (upgrade->stale))
        rc = hs_store_del (store, HS_TABLE_WINDOWS, zchunk_data (chunk), zchunk_size (chunk));
    if (rc == 0)
        rc = hs_caseindex_windows (store, NULL, 0, s_upgrade_stale, upgrade->stale_beside);
    for (zchunk_t *chunk = (zchunk_t *) zlistx_first (upgrade->stale_beside); chunk && rc == 0;
         chunk = (zchunk_t *) zlistx_next (upgrade->stale_beside))
        rc = hs_caseindex_window_del (store, zchunk_data (chunk), zchunk_size (chunk));
    if (rc == 0)
        rc = hs_store_walk (store, HS_TABLE_CASES, NULL, 0, false, s_upgrade_case, upgrade)
          || upgrade->rc? -1: 0;
    if (rc == 0 && upgrade->count)
        qsort (upgrade->begun, upgrade->count, sizeof (s_begun_t), s_begun_compare);
    for (size_t index = 0; index < upgrade->count && rc == 0; index++) {
        s_begun_t *begun = &upgrade->begun [index];
        hs_crossings_t crossed;
        rc = hs_windows_add (self->windows, begun->key, begun->street, begun->category,
                             begun->at, &crossed);
    }
    if (rc == 0)
        rc = hs_store_meta_put (store, HS_META_WINDOWS, S_WINDOWS_BESIDE);
    return rc;
}

//  A store of format 4 kept an enterprise's window in the `windows` table
//  under `e/` and its name: moved to the case index, under its name, a
//  chunk a transaction (hs_idkey_move_work, across); then marked.
static bool
s_window_map (const void *key, size_t size, uint8_t *fresh, size_t *fresh_size)
{
    const uint8_t *name = (const uint8_t *) key + 2;
    if (size < 3 || memcmp (key, "e/", 2) != 0 || size - 2 >= HS_CASEINDEX_KEY_MAX - 1
    ||  !hs_caseindex_is_window (name, size - 2))
        return false;
    memcpy (fresh, name, size - 2);
    *fresh_size = size - 2;
    return true;
}

static int
s_mark_beside (void *arg)
{
    return hs_store_meta_put ((hs_store_t *) arg, HS_META_WINDOWS, S_WINDOWS_BESIDE);
}

static int
s_move_enterprises (hs_warnings_t *self)
{
    hs_store_t *store = hs_txn_store (self->txn);
    hs_idkey_move_t move = { .store = store, .table = HS_TABLE_WINDOWS, .map = s_window_map,
                             .across = true, .to = HS_TABLE_CASEINDEX };
    size_t moved = 0;
    int rc = 0;
    do {
        rc = hs_txn_run (self->txn, hs_idkey_move_work, &move);
        moved += rc? 0: move.chunk;
        memcpy (move.from, move.next, move.next_size);      //  committed: on to the next
        move.from_size = move.next_size;
    } while (rc == 0 && !move.done);
    if (rc == 0)
        rc = hs_txn_run (self->txn, s_mark_beside, store);
    if (rc == 0 && moved)
        hs_log_notice ("hs_warnings: %zu enterprises' early-warning windows moved beside their "
                       "correlation keys (store format 5)", moved);
    return rc;
}

int
hs_warnings_upgrade (hs_warnings_t *self)
{
    uint64_t windows = 0;
    hs_store_t *store = hs_txn_store (self->txn);
    if (hs_store_view_begin (store))
        return -1;
    int rc = hs_store_meta_get (store, HS_META_WINDOWS, 0, &windows);
    hs_store_view_end (store);
    if (rc || windows >= S_WINDOWS_BESIDE)
        return rc;
    if (windows == S_WINDOWS_DISPUTES)
        return s_move_enterprises (self);
    s_upgrade_t upgrade = { .self = self, .store = store, .stale = zlistx_new (),
                            .stale_beside = zlistx_new (),
                            .kase = (hs_case_t *) zmalloc (sizeof (hs_case_t)) };
    zlistx_set_destructor (upgrade.stale, s_chunk_free);
    zlistx_set_destructor (upgrade.stale_beside, s_chunk_free);
    rc = hs_txn_run (self->txn, s_upgrade_work, &upgrade);
    if (rc == 0 && (upgrade.count || zlistx_size (upgrade.stale)))
        hs_log_notice ("hs_warnings: early-warning windows built from %zu recent cases "
                       "(a store whose windows %s)", upgrade.count,
                       windows? "counted reports, not disputes": "were not kept in it");
    zlistx_destroy (&upgrade.stale);
    zlistx_destroy (&upgrade.stale_beside);
    free (upgrade.begun);
    free (upgrade.kase);
    return rc;
}

//  ---------------------------------------------------------------------
//  Forget the windows of enterprises nobody has reported for a window:
//  a bounded step each time, going round the case index's window records.

typedef struct {
    hs_warnings_t *self;
    int64_t now;
    size_t visited;
    size_t count;
    uint8_t keys [PRUNE_STEP][HS_WINDOWS_KEY_MAX + 1];
    size_t sizes [PRUNE_STEP];
    uint8_t last [HS_WINDOWS_KEY_MAX + 1];
    size_t last_size;
} s_prune_t;

static int
s_prune_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_prune_t *prune = (s_prune_t *) arg;
    if (key_size + 2 > HS_WINDOWS_KEY_MAX)
        return 0;
    memcpy (prune->last, key, key_size);
    prune->last_size = key_size;
    char window [HS_WINDOWS_KEY_MAX + 1] = "e/";        //  as hs_windows names it
    memcpy (window + 2, key, key_size);
    if (hs_windows_stale (prune->self->windows, window, key_size + 2, data, size, prune->now)) {
        memcpy (prune->keys [prune->count], key, key_size);
        prune->sizes [prune->count++] = key_size;
    }
    return ++prune->visited == PRUNE_STEP || prune->count == PRUNE_STEP;
}

static int
s_prune_work (void *arg)
{
    s_prune_t *prune = (s_prune_t *) arg;
    hs_store_t *store = hs_txn_store (prune->self->txn);
    int rc = 0;
    for (size_t index = 0; index < prune->count && rc == 0; index++)
        rc = hs_caseindex_window_del (store, prune->keys [index], prune->sizes [index]);
    return rc;
}

void
hs_warnings_prune (hs_warnings_t *self)
{
    hs_store_t *store = hs_txn_store (self->txn);
    s_prune_t *prune = (s_prune_t *) zmalloc (sizeof (s_prune_t));
    prune->self = self;
    //  Stale by the time of the last unit of work: the clock only moves on.
    prune->now = hs_txn_now (self->txn);
    if (hs_store_view_begin (store) == 0) {
        int rc = hs_caseindex_windows (store, self->prune_from, self->prune_from_size,
                                       s_prune_visit, prune);
        hs_store_view_end (store);
        if (rc == 0 && (prune->count == 0 || hs_txn_run (self->txn, s_prune_work, prune) == 0)) {
            //  Next time on from just past the last key seen; at the end, round again.
            if (prune->visited == PRUNE_STEP || prune->count == PRUNE_STEP) {
                memcpy (self->prune_from, prune->last, prune->last_size);
                self->prune_from [prune->last_size] = 0;        //  the next key up
                self->prune_from_size = prune->last_size + 1;
            }
            else
                self->prune_from_size = 0;
            self->pruned += prune->count;
        }
    }
    free (prune);
}

//  ---------------------------------------------------------------------
//  Self test: the counting itself is hs_windows' test; here, that cases
//  (not reports) are counted, that what crosses becomes a warning to the
//  rules' recipients, in the transaction, and the rebuild of old windows.

typedef struct {
    hs_warnings_t *warnings;
    hs_txn_t *txn;
    hs_case_t *kase;
    hs_report_t report;
    bool joined;                //  a report joining the case (through the old call)
    bool enterprise;
    hs_case_t *stored [2];      //  cases an old store holds
    int64_t old_windows;        //  meta `windows` of that store
} s_test_t;

static int
s_test_work (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    if (test->joined) {
        test->kase->reports = 2;
        return hs_warnings_report (test->warnings, test->kase, &test->report, "street.wanli",
                                   &test->enterprise);
    }
    return hs_warnings_case (test->warnings, test->kase, &test->enterprise);
}

//  A store as 0.4 (or 0.3) left it: two cases, and windows that counted
//  reports (crossed and fired for enterprise T).
static int
s_test_old_store (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    hs_store_t *store = hs_txn_store (test->txn);
    hs_pack_t *pack = hs_pack_new ();
    int rc = 0;
    for (int index = 0; index < 2 && rc == 0; index++)
        rc = hs_cases_save (store, test->stored [index], pack);
    hs_pack_destroy (&pack);
    uint8_t fired [2 + 3 * 8] = { 1, 3 };
    for (int index = 0; index < 3; index++)
        hs_store_be64_put (fired + 2 + 8 * index, (uint64_t) hs_txn_now (test->txn) - 10);
    if (test->old_windows == S_WINDOWS_DISPUTES) {
        //  Format 4: T's two cases counted, not fired, in `windows`.
        fired [0] = 0;
        fired [1] = 2;
        hs_store_be64_put (fired + 2, (uint64_t) test->stored [0]->opened);
        hs_store_be64_put (fired + 10, (uint64_t) test->stored [1]->opened);
        if (rc == 0)
            rc = hs_store_put (store, HS_TABLE_WINDOWS, "e/cc/T", 6, fired, 2 + 2 * 8);
        //  ... and no entry under T's name alone (its cases' were
        //  `cc/T/<category>`, in a format hs_rekey respells)
        if (rc == 0)
            rc = hs_store_del (store, HS_TABLE_CASEINDEX, "cc/T", 4) < 0? -1: 0;
    }
    else
    if (rc == 0 && test->old_windows)
        rc = hs_store_put (store, HS_TABLE_WINDOWS, "e/cc/T", 6, fired, sizeof (fired));
    if (rc == 0)
        rc = hs_store_meta_put (store, HS_META_WINDOWS, (uint64_t) test->old_windows);
    return rc;
}

//  Take T's window away, as if the third case had never come.
static int
s_test_forget_t (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    hs_store_t *store = hs_txn_store (test->txn);
    return hs_caseindex_window_del (store, "cc/T", 4);
}

//  The next warning: its topic, and its body (caller destroys it).
static char *
s_test_recv (zsock_t *watcher, msgpack_unpacked *unpacked, zframe_t **body)
{
    zmsg_t *msg = zmsg_recv (watcher);
    assert (msg);
    char *topic = zmsg_popstr (msg);
    *body = zmsg_pop (msg);         //  what `unpacked` points into: the caller frees it
    msgpack_unpacked_init (unpacked);
    assert (hs_proto_unpack_stored (zframe_data (*body), zframe_size (*body), unpacked) == 0);
    zmsg_destroy (&msg);
    return topic;
}

static void
s_test_case (hs_case_t *kase, const char *id, const char *name, const char *credit_code,
             const char *street, int category, int64_t opened)
{
    hs_report_t report = { .id = "r", .source = "hrss", .ownership = -1, .category = category,
                           .workers = 5, .amount = -1, .at = opened };
    hs_strcpy (report.enterprise, sizeof (report.enterprise), name);
    hs_strcpy (report.credit_code, sizeof (report.credit_code), credit_code);
    hs_case_open (kase, id, 1, &report, street);
    kase->level = HS_LEVEL_GENERAL;
}

void
hs_warnings_test (bool verbose)
{
    if (verbose)
        printf (" * hs_warnings: ");
    int64_t start = 1780000000000LL;
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_warnings", start, 1);
    hs_config_t *config = fixture->config;
    hs_store_t *store = fixture->store;
    hs_txn_t *txn = fixture->txn;
    zsock_t *watcher = hs_txn_fixture_watch (fixture, "warning.");
    hs_stats_t *stats = hs_stats_new (txn);
    hs_notices_t *notices = hs_notices_new (txn, stats);
    s_test_t test;
    memset (&test, 0, sizeof (test));
    test.warnings = hs_warnings_new (txn, notices, config);
    test.txn = txn;
    test.kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    s_test_case (test.kase, "putuo-1", "某厂", "", "street.wanli", HS_CATEGORY_LAYOFF, start);
    hs_report_t report = { .id = "h1", .source = "hrss", .street = "wanli", .enterprise = "某厂",
                           .ownership = -1, .category = HS_CATEGORY_LAYOFF, .workers = 40,
                           .amount = -1, .at = 1 };
    test.report = report;
    //  One dispute reported by three units is one case: counted once.
    assert (hs_txn_run (txn, s_test_work, &test) == 0 && !test.enterprise);
    test.joined = true;
    for (int index = 0; index < 3; index++)
        assert (hs_txn_run (txn, s_test_work, &test) == 0 && !test.enterprise);
    test.joined = false;
    //  The same name in another street is another enterprise.
    s_test_case (test.kase, "putuo-5", "某 厂", "", "street.taopu", HS_CATEGORY_OTHER, start);
    assert (hs_txn_run (txn, s_test_work, &test) == 0 && !test.enterprise);
    //  Two more disputes of the enterprise in its street (any category,
    //  the name folded alike): the third case crosses.
    s_test_case (test.kase, "putuo-6", "某厂", "", "street.wanli", HS_CATEGORY_CONTRACT, start);
    assert (hs_txn_run (txn, s_test_work, &test) == 0 && !test.enterprise);
    s_test_case (test.kase, "putuo-7", "某 厂", "", "street.wanli", HS_CATEGORY_OTHER, start);
    assert (hs_txn_run (txn, s_test_work, &test) == 0 && test.enterprise);
    msgpack_unpacked unpacked;
    zframe_t *body;
    char *topic = s_test_recv (watcher, &unpacked, &body);
    assert (streq (topic, "warning.enterprise"));
    const msgpack_object *units = hs_proto_get (&unpacked.data, "units");
    char text [32];
    //  To the office and the hrss (SPEC §3), as rules.cfg says.
    assert (units && units->via.array.size == 2);
    assert (hs_proto_strcpy (&units->via.array.ptr [0], text, sizeof (text)) == 0);
    assert (streq (text, "office"));
    assert (hs_proto_strcpy (&units->via.array.ptr [1], text, sizeof (text)) == 0);
    assert (streq (text, "hrss"));
    assert (hs_proto_int (&unpacked.data, "count", 0) == 3);
    assert (hs_proto_strcpy (hs_proto_get (&unpacked.data, "case"), text, sizeof (text)) == 0
         && streq (text, "putuo-7"));
    assert (!hs_proto_get (&unpacked.data, "suggested"));
    msgpack_unpacked_destroy (&unpacked);
    zframe_destroy (&body);
    zstr_free (&topic);
    //  Cases of one category begun in three streets: a suggested prompt.
    s_test_case (test.kase, "putuo-8", "乙厂", "", "street.zhenru", HS_CATEGORY_LAYOFF, start);
    assert (hs_txn_run (txn, s_test_work, &test) == 0);
    s_test_case (test.kase, "putuo-9", "丙厂", "", "street.ganquan", HS_CATEGORY_LAYOFF, start);
    assert (hs_txn_run (txn, s_test_work, &test) == 0);
    topic = s_test_recv (watcher, &unpacked, &body);
    assert (streq (topic, "warning.prompt"));
    assert (hs_proto_bool (&unpacked.data, "suggested"));
    assert (hs_proto_int (&unpacked.data, "count", 0) == 3);
    const msgpack_object *streets = hs_proto_get (&unpacked.data, "streets");
    assert (streets && streets->via.array.size == 3);
    msgpack_unpacked_destroy (&unpacked);
    zframe_destroy (&body);
    zstr_free (&topic);

    //  A store from 0.4: its windows counted reports (T's window fired,
    //  three reports). Rebuilt from its two cases of T, the third crosses.
    int64_t now = hs_txn_now (txn);
    test.stored [0] = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    test.stored [1] = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    s_test_case (test.stored [0], "putuo-20", "T厂", "T", "street.wanli", HS_CATEGORY_LAYOFF, now - 3600000);
    s_test_case (test.stored [1], "putuo-21", "T厂", "T", "street.taopu", HS_CATEGORY_INJURY, now - 60000);
    //  No event of theirs is stored here: they count from their `opened`.
    test.stored [0]->first_seq = 900000;
    test.stored [1]->first_seq = 900001;
    //  Then, a store from 0.3 (no windows), then one of format 4 (T's
    //  window in `windows`: moved beside T's correlation keys).
    int64_t olds [] = { 1, 0, S_WINDOWS_DISPUTES };
    for (int pass = 0; pass < 3; pass++) {
        test.old_windows = olds [pass];
        assert (hs_txn_run (txn, s_test_old_store, &test) == 0);
        assert (hs_warnings_upgrade (test.warnings) == 0);
        //  (at start, hs_rekey_merge then makes the moved window a record
        //  of store format 8)
        hs_caseindex_merge_t merge = { .store = store };
        assert (hs_txn_run (txn, hs_caseindex_merge_work, &merge) == 0 && merge.done);
        assert (merge.chunk == (pass == 2? 1: 0));
        uint64_t windows = 0;
        const void *data;
        size_t size;
        assert (hs_store_view_begin (store) == 0);
        assert (hs_store_meta_get (store, HS_META_WINDOWS, 0, &windows) == 0
                && windows == S_WINDOWS_BESIDE);
        assert (hs_caseindex_window (store, "cc/T", 4, &data, &size) == 0);
        assert (size == 2 + 2 * 8 && ((const uint8_t *) data) [0] == 0);
        assert (hs_store_get (store, HS_TABLE_WINDOWS, "e/cc/T", 6, &data, &size) == 1);
        hs_store_view_end (store);
        s_test_case (test.kase, "putuo-22", "T厂", "T", "street.caoyang", HS_CATEGORY_OTHER, now);
        assert (hs_txn_run (txn, s_test_work, &test) == 0 && test.enterprise);
        topic = s_test_recv (watcher, &unpacked, &body);
        assert (streq (topic, "warning.enterprise"));
        assert (hs_proto_int (&unpacked.data, "count", 0) == 3);
        msgpack_unpacked_destroy (&unpacked);
        zframe_destroy (&body);
        zstr_free (&topic);
        //  The third case is forgotten again for the next pass.
        assert (hs_txn_run (txn, s_test_forget_t, &test) == 0);
    }
    //  Once done, not again.
    assert (hs_warnings_upgrade (test.warnings) == 0);
    s_test_case (test.kase, "putuo-23", "T厂", "T", "street.caoyang", HS_CATEGORY_OTHER, now);
    assert (hs_txn_run (txn, s_test_work, &test) == 0 && !test.enterprise);
    hs_warnings_prune (test.warnings);
    assert (hs_warnings_pruned (test.warnings) == 0);

    free (test.stored [0]);
    free (test.stored [1]);
    free (test.kase);
    hs_warnings_destroy (&test.warnings);
    hs_notices_destroy (&notices);
    hs_stats_destroy (&stats);
    zsock_destroy (&watcher);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
