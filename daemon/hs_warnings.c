/*  =========================================================================
    hs_warnings - early warnings (预警) and work prompts (工作提示)

    The enterprise window counts under the credit code, else the
    normalised name in its street (any category); the street and category
    windows count each report in the report's own street (as the upgrade
    does), whatever case it joined.
    =========================================================================
*/

#include "hs_warnings.h"
#include "hs_cases.h"
#include "hs_ledger.h"
#include "hs_log.h"

#define PRUNE_STEP 4096         //  window states looked at in one pruning step

struct _hs_warnings_t {
    hs_txn_t *txn;              //  borrowed
    hs_notices_t *notices;      //  borrowed
    hs_config_t *config;        //  borrowed: the configuration in force
    hs_windows_t *windows;      //  the windows under its policy
    uint8_t prune_from [HS_WINDOWS_KEY_MAX + 2];    //  where pruning goes on
    size_t prune_from_size;
    uint64_t pruned;            //  enterprise windows forgotten
};

//  The windows keep their state in the store, in the open transaction.
static int
s_windows_get (void *arg, const char *key, const void **data, size_t *size)
{
    hs_txn_t *txn = (hs_txn_t *) arg;
    return hs_store_get (hs_txn_store (txn), HS_TABLE_WINDOWS, key, strlen (key), data, size);
}

static int
s_windows_put (void *arg, const char *key, const void *data, size_t size)
{
    hs_txn_t *txn = (hs_txn_t *) arg;
    return hs_store_put (hs_txn_store (txn), HS_TABLE_WINDOWS, key, strlen (key), data, size);
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
                                    HS_WINDOWS_REARM_DEFAULT, &io);
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

static void
s_enterprise_key (const hs_report_t *report, const char *street, char *key, size_t size)
{
    if (*report->credit_code)
        hs_strjoin (key, size, "cc/", report->credit_code, NULL);
    else {
        char normal [HS_NAME_MAX + 1];
        hs_cases_normalise (report->enterprise, normal, sizeof (normal));
        hs_strjoin (key, size, "nm/", street, "/", normal, NULL);
    }
}

int
hs_warnings_report (hs_warnings_t *self, hs_case_t *kase, const hs_report_t *report,
                    const char *street, bool *enterprise)
{
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    char key [HS_NAME_MAX + HS_CODE_MAX + 8];
    s_enterprise_key (report, street, key, sizeof (key));
    hs_crossings_t crossed;
    *enterprise = false;
    if (hs_windows_add (self->windows, key, street, report->category, hs_txn_now (self->txn),
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
            .kind = "street", .street = street, .category = -1,
            .count = crossed.street_count, .window_ms = policy->street_window_ms,
            .units = hs_policy_recipients (policy, HS_NOTICE_STREET), .reasons = reasons
        };
        if (hs_notices_warning (self->notices, &warning))
            return -1;
    }
    if (crossed.prompt) {
        const char *reasons [] = { "warning.prompt", NULL };
        hs_warning_t warning = {
            .kind = "prompt", .category = report->category, .count = crossed.street_total,
            .window_ms = policy->prompt_window_ms, .streets = crossed.streets,
            .units = hs_policy_recipients (policy, HS_NOTICE_PROMPT), .reasons = reasons
        };
        if (hs_notices_warning (self->notices, &warning))
            return -1;
    }
    return 0;
}

//  ---------------------------------------------------------------------
//  A store written before the windows were kept in it (0.3): build them
//  once from the stored reports the longest window can still see, by
//  reading events backwards to the horizon and counting them in order.
//  Crossings already announced stay announced. Marks the store as done.

typedef struct {
    hs_warnings_t *self;
    int64_t horizon;            //  oldest daemon time the windows see
    zlistx_t *reports;          //  report bodies (zchunk_t) with their time, newest first
} s_upgrade_t;

static void
s_chunk_free (void **item)
{
    zchunk_t *chunk = (zchunk_t *) *item;
    zchunk_destroy (&chunk);
    *item = NULL;
}

static int
s_upgrade_visit (uint64_t seq, const hs_event_read_t *event, void *arg)
{
    (void) seq;
    s_upgrade_t *upgrade = (s_upgrade_t *) arg;
    if (!event)
        return 0;
    if (event->at < upgrade->horizon)
        return 1;
    if (streq (event->type, "report")) {
        //  The time first, then the body.
        zchunk_t *chunk = zchunk_new (&event->at, sizeof (int64_t));
        zchunk_extend (chunk, event->body, event->body_size);
        zlistx_add_start (upgrade->reports, chunk);
    }
    return 0;
}

static int
s_upgrade_work (void *arg)
{
    hs_warnings_t *self = (hs_warnings_t *) arg;
    hs_store_t *store = hs_txn_store (self->txn);
    s_upgrade_t upgrade = { self, hs_txn_now (self->txn) - hs_windows_horizon (self->windows),
                            zlistx_new () };
    zlistx_set_destructor (upgrade.reports, s_chunk_free);
    int rc = hs_ledger_walk (store, 0, true, s_upgrade_visit, &upgrade);
    for (zchunk_t *chunk = (zchunk_t *) zlistx_first (upgrade.reports); chunk && rc == 0;
         chunk = (zchunk_t *) zlistx_next (upgrade.reports)) {
        int64_t at;
        memcpy (&at, zchunk_data (chunk), sizeof (at));
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        hs_report_t report;
        hs_why_t why;
        if (hs_proto_unpack_stored (zchunk_data (chunk) + sizeof (at),
                                    zchunk_size (chunk) - sizeof (at), &unpacked) == 0
        &&  hs_report_decode (&unpacked.data, &self->config->limits, INT64_MAX / 4, &report, &why) == 0) {
            const hs_unit_t *street = hs_units_street (self->config->units,
                                                       *report.street? report.street: report.source);
            if (street) {
                char key [HS_NAME_MAX + HS_CODE_MAX + 8];
                s_enterprise_key (&report, street->code, key, sizeof (key));
                hs_crossings_t crossed;
                rc = hs_windows_add (self->windows, key, street->code, report.category, at, &crossed);
            }
        }
        msgpack_unpacked_destroy (&unpacked);
    }
    size_t count = zlistx_size (upgrade.reports);
    zlistx_destroy (&upgrade.reports);
    if (rc == 0)
        rc = hs_store_meta_put (store, HS_META_WINDOWS, 1);
    if (rc == 0 && count)
        hs_log_notice ("hs_warnings: early-warning windows built from %zu recent reports "
                       "(a store from before they were kept in it)", count);
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
    if (rc == 0 && !windows)
        rc = hs_txn_run (self->txn, s_upgrade_work, self);
    return rc;
}

//  ---------------------------------------------------------------------
//  Forget the windows of enterprises nobody has reported for a window:
//  a bounded step each time, going round the table.

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
    if (key_size > HS_WINDOWS_KEY_MAX)
        return 0;
    memcpy (prune->last, key, key_size);
    prune->last_size = key_size;
    if (hs_windows_stale (prune->self->windows, (const char *) key, key_size, data, size,
                          prune->now)) {
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
        rc = hs_store_del (store, HS_TABLE_WINDOWS, prune->keys [index], prune->sizes [index]);
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
        int rc = hs_store_walk (store, HS_TABLE_WINDOWS,
                                self->prune_from_size? self->prune_from: NULL,
                                self->prune_from_size, false, s_prune_visit, prune);
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
//  Self test: the counting itself is hs_windows' test; here, that what
//  crosses becomes a warning to the rules' recipients, in the transaction.

typedef struct {
    hs_warnings_t *warnings;
    hs_case_t *kase;
    hs_report_t report;
    bool enterprise;
} s_test_t;

static int
s_test_work (void *arg)
{
    s_test_t *test = (s_test_t *) arg;
    return hs_warnings_report (test->warnings, test->kase, &test->report, "street.wanli",
                               &test->enterprise);
}

void
hs_warnings_test (bool verbose)
{
    if (verbose)
        printf (" * hs_warnings: ");
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_warnings", 1780000000000LL, 1);
    hs_config_t *config = fixture->config;
    hs_store_t *store = fixture->store;
    hs_txn_t *txn = fixture->txn;
    zsock_t *watcher = hs_txn_fixture_watch (fixture, "warning.");
    hs_stats_t *stats = hs_stats_new (txn);
    hs_notices_t *notices = hs_notices_new (txn, stats);
    s_test_t test;
    memset (&test, 0, sizeof (test));
    test.warnings = hs_warnings_new (txn, notices, config);
    test.kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    hs_report_t report = { .id = "h1", .source = "hrss", .street = "wanli", .enterprise = "某厂",
                           .ownership = -1, .category = HS_CATEGORY_LAYOFF, .workers = 40,
                           .amount = -1, .at = 1 };
    test.report = report;
    hs_case_open (test.kase, "putuo-1", 1, &report, "street.wanli");
    //  The third report about the enterprise within its window crosses it.
    for (int index = 0; index < 3; index++) {
        assert (hs_txn_run (txn, s_test_work, &test) == 0);
        assert (test.enterprise == (index == 2));
    }
    zmsg_t *msg = zmsg_recv (watcher);
    assert (msg);
    char *topic = zmsg_popstr (msg);
    assert (streq (topic, "warning.enterprise"));
    zframe_t *body = zmsg_pop (msg);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0);
    const msgpack_object *units = hs_proto_get (&unpacked.data, "units");
    char unit [32];
    assert (units && units->via.array.size == 1);
    assert (hs_proto_strcpy (&units->via.array.ptr [0], unit, sizeof (unit)) == 0);
    assert (streq (unit, "office"));
    assert (hs_proto_int (&unpacked.data, "count", 0) == 3);
    msgpack_unpacked_destroy (&unpacked);
    zframe_destroy (&body);
    zstr_free (&topic);
    zmsg_destroy (&msg);
    //  A new store is marked as keeping its windows once upgraded.
    assert (hs_warnings_upgrade (test.warnings) == 0);
    uint64_t windows = 0;
    assert (hs_store_view_begin (store) == 0);
    assert (hs_store_meta_get (store, HS_META_WINDOWS, 0, &windows) == 0 && windows == 1);
    hs_store_view_end (store);
    hs_warnings_prune (test.warnings);
    assert (hs_warnings_pruned (test.warnings) == 0);

    free (test.kase);
    hs_warnings_destroy (&test.warnings);
    hs_notices_destroy (&notices);
    hs_stats_destroy (&stats);
    zsock_destroy (&watcher);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
