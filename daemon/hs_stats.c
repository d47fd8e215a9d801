/*  =========================================================================
    hs_stats - what the daemon counts, and what it tells about itself
    =========================================================================
*/

#include "hs_stats.h"
#include "hs_cases.h"
#include "hs_log.h"

//  Every reason code of PROTOCOL.md §5, in its order: each has its
//  series from the start, so that increase() sees the first one.
const char *hs_stats_reasons [] = {
    "frames", "envelope", "bad_topic", "unknown_topic", "unknown_unit", "oversized", "malformed",
    "too_large", "unattributed", "too_deep", "not_a_map", "missing_field", "bad_type",
    "bad_value", "bad_version", "bad_credit_code", "source_mismatch", "unknown_street",
    "unknown_case", "not_routed", "case_closed", "case_filed", "bad_state", "unknown_meeting",
    "unknown_item", "unknown_prompt", "unknown_proposal", "not_invited", "not_authorized",
    "unknown_inspection", "spoofing", "rate_limited", "store_full", "store_error", NULL
};

typedef struct {
    uint64_t results [4];       //  committed, by hs_submit_status_t
    uint64_t staged [4];        //  in the open transaction
} s_source_t;

struct _hs_stats_t {
    uint64_t counts [HS_STAT_COUNT];            //  committed
    uint64_t staged [HS_STAT_COUNT];            //  in the open transaction
    uint64_t alerts_by_level [HS_LEVEL_COUNT];
    uint64_t staged_by_level [HS_LEVEL_COUNT];
    zhashx_t *sources;          //  unit -> s_source_t
    uint64_t received;          //  inbound messages read
    uint64_t lost;              //  messages the store could not take
    uint64_t batches;           //  ingest transactions committed
    uint64_t batch_last;        //  messages in the last batch
    uint64_t batch_largest;     //  most messages in one batch
    hs_histogram_t batch_sizes; //  messages per committed batch
    int64_t start_time_ms;      //  the real clock when made (the process's start)
};

static void
s_free (void **item)
{
    free (*item);
    *item = NULL;
}

static void
s_commit (void *arg)
{
    hs_stats_t *self = (hs_stats_t *) arg;
    for (int stat = 0; stat < HS_STAT_COUNT; stat++)
        self->counts [stat] += self->staged [stat];
    for (int level = 0; level < HS_LEVEL_COUNT; level++)
        self->alerts_by_level [level] += self->staged_by_level [level];
    for (s_source_t *source = (s_source_t *) zhashx_first (self->sources); source;
         source = (s_source_t *) zhashx_next (self->sources))
        for (int kind = 0; kind < 4; kind++) {
            source->results [kind] += source->staged [kind];
            source->staged [kind] = 0;
        }
    memset (self->staged, 0, sizeof (self->staged));
    memset (self->staged_by_level, 0, sizeof (self->staged_by_level));
    hs_log_case_flush ();               //  the lines about cases, as their counts
}

static void
s_abort (void *arg)
{
    hs_stats_t *self = (hs_stats_t *) arg;
    memset (self->staged, 0, sizeof (self->staged));
    memset (self->staged_by_level, 0, sizeof (self->staged_by_level));
    for (s_source_t *source = (s_source_t *) zhashx_first (self->sources); source;
         source = (s_source_t *) zhashx_next (self->sources))
        memset (source->staged, 0, sizeof (source->staged));
    hs_log_case_drop ();
}

hs_stats_t *
hs_stats_new (hs_txn_t *txn)
{
    hs_stats_t *self = (hs_stats_t *) zmalloc (sizeof (hs_stats_t));
    self->sources = zhashx_new ();
    zhashx_set_destructor (self->sources, s_free);
    const double bounds [] = { 1, 4, 16, 64, 256, 1024, 4096, 16384 };
    hs_metrics_histogram_init (&self->batch_sizes, bounds, 8);
    self->start_time_ms = zclock_time ();
    hs_txn_participant_t participant = { "stats", NULL, s_commit, s_abort, NULL, self };
    hs_txn_join (txn, &participant);
    return self;
}

void
hs_stats_destroy (hs_stats_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_stats_t *self = *self_p;
        zhashx_destroy (&self->sources);
        free (self);
        *self_p = NULL;
    }
}

void
hs_stats_count (hs_stats_t *self, hs_stat_t stat, uint64_t count)
{
    assert (stat < HS_STAT_COUNT);
    self->staged [stat] += count;
}

void
hs_stats_alert (hs_stats_t *self, int level)
{
    self->staged [HS_STAT_ALERTS]++;
    if (level >= 0 && level < HS_LEVEL_COUNT)
        self->staged_by_level [level]++;
}

void
hs_stats_source (hs_stats_t *self, const char *unit, hs_submit_status_t result, bool committed)
{
    s_source_t *source = (s_source_t *) zhashx_lookup (self->sources, unit);
    if (!source) {
        //  Units come from the config, so the table stays small; past its
        //  bound, what cannot be named is counted as "-".
        if (zhashx_size (self->sources) >= HS_STATS_MAX_SOURCES - 1 && strcmp (unit, "-")) {
            hs_stats_source (self, "-", result, committed);
            return;
        }
        source = (s_source_t *) zmalloc (sizeof (s_source_t));
        zhashx_insert (self->sources, unit, source);
    }
    if (committed)
        source->results [result]++;
    else
        source->staged [result]++;
}

void hs_stats_received (hs_stats_t *self, uint64_t count) { self->received += count; }
void hs_stats_lost (hs_stats_t *self, uint64_t count) { self->lost += count; }

void
hs_stats_batch (hs_stats_t *self, size_t size)
{
    self->batches++;
    hs_metrics_observe (&self->batch_sizes, (double) size);
    self->batch_last = size;
    if (size > self->batch_largest)
        self->batch_largest = size;
}

uint64_t
hs_stats_get (hs_stats_t *self, hs_stat_t stat)
{
    assert (stat < HS_STAT_COUNT);
    return self->counts [stat];
}

void
hs_stats_fill (hs_stats_t *self, hs_stats_snapshot_t *snapshot)
{
    hs_health_counters_t *c = &snapshot->counters;
    c->received = self->received;
    c->reports = self->counts [HS_STAT_REPORTS];
    c->updates = self->counts [HS_STAT_UPDATES];
    c->rsvps = self->counts [HS_STAT_RSVPS];
    c->minutes = self->counts [HS_STAT_MINUTES];
    c->duplicates = self->counts [HS_STAT_DUPLICATES];
    c->lost = self->lost;
    c->cases_opened = self->counts [HS_STAT_CASES_OPENED];
    c->escalated = self->counts [HS_STAT_ESCALATED];
    c->resolved = self->counts [HS_STAT_RESOLVED];
    c->acts = self->counts [HS_STAT_ACTS];
    c->alerts = self->counts [HS_STAT_ALERTS];
    c->overdue = self->counts [HS_STAT_OVERDUE];
    c->meetings = self->counts [HS_STAT_MEETINGS];
    c->reminders = self->counts [HS_STAT_REMINDERS];
    c->escalations = self->counts [HS_STAT_ESCALATIONS];
    c->warnings = self->counts [HS_STAT_WARNINGS];
    c->briefs = self->counts [HS_STAT_BRIEFS];
    c->timers = self->counts [HS_STAT_TIMERS];
    c->heartbeats = self->counts [HS_STAT_HEARTBEATS];
    c->spoofing = self->counts [HS_STAT_SPOOFING];
    c->deadletters_dropped = self->counts [HS_STAT_DEADLETTERS_DROPPED];
    c->deadletters_skipped = self->counts [HS_STAT_DEADLETTERS_SKIPPED];
    c->batches = self->batches;
    c->batch_last = self->batch_last;
    c->batch_largest = self->batch_largest;
    memcpy (snapshot->alerts_by_level, self->alerts_by_level, sizeof (snapshot->alerts_by_level));
    snapshot->source_count = 0;
    for (s_source_t *source = (s_source_t *) zhashx_first (self->sources);
         source && snapshot->source_count < HS_STATS_MAX_SOURCES;
         source = (s_source_t *) zhashx_next (self->sources)) {
        hs_stats_source_t *entry = &snapshot->sources [snapshot->source_count++];
        hs_strcpy (entry->unit, sizeof (entry->unit), (const char *) zhashx_cursor (self->sources));
        memcpy (entry->results, source->results, sizeof (entry->results));
    }
    snapshot->batch_sizes = self->batch_sizes;
    snapshot->start_time_ms = self->start_time_ms;
}

int64_t
hs_stats_clock (const hs_stats_snapshot_t *snapshot, int64_t mono)
{
    int64_t elapsed = mono > snapshot->clock_mono? mono - snapshot->clock_mono: 0;
    return snapshot->clock_at + (int64_t) ((double) elapsed * snapshot->time_scale);
}

void
hs_stats_health (const hs_stats_snapshot_t *snapshot, const hs_store_stats_t *store,
                 hs_health_t *health)
{
    health->status = !snapshot->no_room && !snapshot->store_trouble? "ok": "degraded";
    health->version = HS_VERSION;
    health->uptime_ms = zclock_mono () - snapshot->started_mono;
    health->at = hs_stats_clock (snapshot, zclock_mono ());
    health->time_scale = snapshot->time_scale;
    health->counters = snapshot->counters;
    health->counters.next_seq = store->next_seq;
    health->rejections = snapshot->reasons;
    health->rejection_count = snapshot->reason_count;
    health->store.events = store->events;
    health->store.dedup = store->dedup;
    health->store.cases = store->cases;
    health->store.open_cases = store->open_cases;
    health->store.index_keys = store->index_keys;
    health->store.deadletters = store->deadletters;
    health->store.map_size = store->map_size;
    health->store.map_used = store->map_used;
    health->store.full = snapshot->no_room;
}

void
hs_stats_metrics (const hs_stats_snapshot_t *snapshot, const hs_store_stats_t *store,
                  const char *district, const char *rules_version, int64_t map_size_max,
                  hs_metrics_t *page)
{
    const hs_health_counters_t *c = &snapshot->counters;
    hs_metrics_reset (page);
    hs_metrics_family (page, "huishang_info", "gauge", "The running daemon: version, district, rules.");
    hs_metrics_sample (page, 1, "version", HS_VERSION, "district", district,
                       "rules_version", rules_version, NULL);
    hs_metrics_family (page, "huishang_uptime_seconds", "gauge", "Seconds since the daemon started.");
    hs_metrics_sample (page, (double) (zclock_mono () - snapshot->started_mono) / 1000.0, NULL);
    hs_metrics_family (page, "huishang_start_time_seconds", "gauge",
                       "When the daemon started, Unix seconds (the real clock, drill or not).");
    hs_metrics_sample (page, (double) (snapshot->start_time_ms / 1000), NULL);
    hs_metrics_family (page, "huishang_messages_total", "counter",
                       "Inbound messages by the unit their topic names (- none of ours) and result.");
    static const char *results [] = { "other", "accepted", "duplicate", "rejected" };
    for (size_t index = 0; index < snapshot->source_count; index++)
        for (int kind = 0; kind < 4; kind++)
            if (snapshot->sources [index].results [kind])
                hs_metrics_sample (page, (double) snapshot->sources [index].results [kind],
                                   "source", snapshot->sources [index].unit,
                                   "result", results [kind], NULL);
    struct { const char *name, *help; uint64_t value; } counters [] = {
        { "huishang_reports_total", "Reports accepted and stored.", c->reports },
        { "huishang_updates_total", "Case updates accepted and stored.", c->updates },
        { "huishang_duplicates_total", "Messages seen before (source and id), answered with the first seq.", c->duplicates },
        { "huishang_lost_total", "Messages the store could not take (rejected as store_full or store_error).", c->lost },
        { "huishang_cases_opened_total", "Cases opened.", c->cases_opened },
        { "huishang_meetings_total", "Meeting requests.", c->meetings },
        { "huishang_warnings_total", "Early warnings and work prompts (warning.*).", c->warnings },
        { "huishang_escalations_total", "escalate.district and escalate.city messages.", c->escalations },
        { "huishang_published_total", "Messages published.", c->published },
        { "huishang_publish_overflows_total", "Times a subscriber's queue was full (messages dropped for it).", c->publish_overflows },
        { "huishang_subscriptions_refused_total", "Subscriptions to no topic we publish (not applied).", c->subscriptions_refused },
        { "huishang_subscribers_cut_total", "Subscriber connections cut off: too many subscriptions, or revoked.", c->subscribers_cut },
        { "huishang_deadletters_dropped_total", "Oldest dead letters dropped to keep the ring in store/deadletters and deadletter_bytes.", c->deadletters_dropped },
        { "huishang_deadletters_skipped_total", "Rejected messages counted but not kept (under store/deadletter_reserve of room).", c->deadletters_skipped },
        { NULL, NULL, 0 }
    };
    for (int index = 0; counters [index].name; index++) {
        hs_metrics_family (page, counters [index].name, "counter", counters [index].help);
        hs_metrics_sample (page, (double) counters [index].value, NULL);
    }
    hs_metrics_family (page, "huishang_rejections_total", "counter", "Rejected messages by reason.");
    for (int known = 0; hs_stats_reasons [known]; known++) {
        double count = 0;
        for (size_t index = 0; index < snapshot->reason_count; index++)
            if (streq (snapshot->reasons [index].name, hs_stats_reasons [known]))
                count = (double) snapshot->reasons [index].count;
        hs_metrics_sample (page, count, "reason", hs_stats_reasons [known], NULL);
    }
    //  A code no list names (a newer one): shown once it has happened.
    for (size_t index = 0; index < snapshot->reason_count; index++) {
        bool listed = false;
        for (int known = 0; hs_stats_reasons [known] && !listed; known++)
            listed = streq (snapshot->reasons [index].name, hs_stats_reasons [known]);
        if (!listed && snapshot->reasons [index].count)
            hs_metrics_sample (page, (double) snapshot->reasons [index].count,
                               "reason", snapshot->reasons [index].name, NULL);
    }
    hs_metrics_family (page, "huishang_alerts_total", "counter", "Alerts by the case's level.");
    for (int level = 0; level < HS_LEVEL_COUNT; level++)
        hs_metrics_sample (page, (double) snapshot->alerts_by_level [level],
                           "level", hs_level_name (level), NULL);
    hs_metrics_histogram (page, "huishang_commit_batch_size", "Messages per committed batch.",
                          &snapshot->batch_sizes);
    hs_metrics_histogram (page, "huishang_commit_seconds", "Time to commit a transaction (fsync included).",
                          &snapshot->commit_seconds);
    struct { const char *name, *help; double value; } gauges [] = {
        { "huishang_store_map_bytes", "The LMDB map's current size.", (double) store->map_size },
        { "huishang_store_used_bytes", "Bytes of the map in use.", (double) store->map_used },
        { "huishang_store_map_max_bytes", "How far the map may grow (store/map_size_max).", (double) map_size_max },
        { "huishang_store_events", "Events stored.", (double) store->events },
        { "huishang_deadletters", "Rejected messages kept as dead letters.", (double) store->deadletters },
        { "huishang_feeders", "Feeders heard from (by their fseq or heartbeats).", (double) snapshot->feeders },
        { "huishang_feeders_silent", "Feeders silent for feeds/silence or longer.", (double) snapshot->feeders_silent },
        { "huishang_subscriptions", "Live subscriptions on the publish socket.", (double) c->subscriptions },
        { "huishang_subscribers", "Connections to the publish socket.", (double) c->subscribers },
        { "huishang_store_ok", "1 if the store takes what comes, 0 if full or failing.",
          !snapshot->no_room && !snapshot->store_trouble? 1: 0 },
        { NULL, NULL, 0 }
    };
    for (int index = 0; gauges [index].name; index++) {
        hs_metrics_family (page, gauges [index].name, "gauge", gauges [index].help);
        hs_metrics_sample (page, gauges [index].value, NULL);
    }
    hs_metrics_family (page, "huishang_windows_pruned_total", "counter",
                       "Early-warning windows of enterprises forgotten (a whole window without a report).");
    hs_metrics_sample (page, (double) snapshot->windows_pruned, NULL);
    if (snapshot->forwarding) {
        struct { const char *name, *type, *help; double value; } forwarding [] = {
            { "huishang_forwarded_total", "counter", "Events stored by the level above (upstream).",
              (double) snapshot->forwarded },
            { "huishang_forward_refused_total", "counter", "Events the level above refused for good.",
              (double) snapshot->forward_refused },
            { "huishang_forward_retries_total", "counter", "Times a forwarded event was sent again "
              "(no answer in upstream/timeout, or not now).", (double) snapshot->forward_retries },
            { "huishang_forward_backlog", "gauge", "Committed events still to go up.",
              (double) snapshot->forward_backlog },
            { NULL, NULL, NULL, 0 }
        };
        for (int index = 0; forwarding [index].name; index++) {
            hs_metrics_family (page, forwarding [index].name, forwarding [index].type,
                               forwarding [index].help);
            hs_metrics_sample (page, forwarding [index].value, NULL);
        }
    }
}

//  Open cases by street (index in the table) and level.
typedef struct {
    size_t streets;             //  rows in use
    char street [HS_STATS_MAX_SOURCES][HS_CODE_MAX + 1];
    uint64_t open [HS_STATS_MAX_SOURCES][HS_LEVEL_COUNT];
    uint64_t overdue [HS_LEVEL_COUNT];
    size_t visited;
} s_casemix_t;

static size_t
s_casemix_row (s_casemix_t *mix, const char *street)
{
    for (size_t row = 0; row < mix->streets; row++)
        if (streq (mix->street [row], street))
            return row;
    if (mix->streets == HS_STATS_MAX_SOURCES)
        return HS_STATS_MAX_SOURCES - 1;        //  past the bound: the last row
    hs_strcpy (mix->street [mix->streets], HS_CODE_MAX + 1, street);
    return mix->streets++;
}

static int
s_casemix_visit (uint64_t first_seq, const hs_case_summary_t *summary, void *arg)
{
    (void) first_seq;
    s_casemix_t *mix = (s_casemix_t *) arg;
    if (summary->closed || summary->level < 0 || summary->level >= HS_LEVEL_COUNT)
        return 0;
    mix->open [s_casemix_row (mix, hs_proto_street_short (summary->street))][summary->level]++;
    if (summary->overdue)
        mix->overdue [summary->level]++;
    return ++mix->visited >= HS_STATS_OPEN_MAX;
}

int
hs_stats_metrics_store (hs_store_t *store, const hs_config_t *config,
                        const hs_health_feeder_t *feeders, size_t feeder_count,
                        hs_metrics_t *page)
{
    s_casemix_t *mix = (s_casemix_t *) zmalloc (sizeof (s_casemix_t));
    for (size_t index = 0; index < hs_units_size (config->units); index++) {
        const hs_unit_t *unit = hs_units_at (config->units, index);
        if (unit->kind == HS_UNIT_STREET)
            s_casemix_row (mix, hs_proto_street_short (unit->code));
    }
    int rc = store? hs_cases_walk (store, true, 0, s_casemix_visit, mix): -1;
    hs_metrics_family (page, "huishang_cases_open", "gauge",
                       "Cases not closed, by level and street (sum() for all).");
    for (size_t row = 0; row < mix->streets; row++)
        for (int level = 0; level < HS_LEVEL_COUNT; level++)
            hs_metrics_sample (page, (double) mix->open [row][level], "level",
                               hs_level_name (level), "street", mix->street [row], NULL);
    hs_metrics_family (page, "huishang_cases_overdue", "gauge",
                       "Open cases whose update is overdue (their overdue alert went out), by level.");
    for (int level = 0; level < HS_LEVEL_COUNT; level++)
        hs_metrics_sample (page, (double) mix->overdue [level], "level", hs_level_name (level),
                           NULL);
    hs_metrics_family (page, "huishang_feeder_last_report_seconds", "gauge",
                       "When each feeder was last heard (a report or a heartbeat), Unix seconds "
                       "on the daemon's clock (a drill's in a drill).");
    for (size_t index = 0; index < feeder_count; index++)
        hs_metrics_sample (page, (double) (feeders [index].last / 1000), "unit",
                           feeders [index].unit, NULL);
    free (mix);
    return rc? -1: 0;
}

void
hs_stats_status (const hs_stats_snapshot_t *snapshot, const char *district, uint64_t open_cases,
                 char *line, size_t size)
{
    const hs_health_counters_t *c = &snapshot->counters;
    snprintf (line, size, "%s: %llu reports, %llu rejected, %llu lost, %llu alerts, "
              "%llu open cases, %lld subscriptions%s", district,
              (unsigned long long) c->reports, (unsigned long long) c->rejected,
              (unsigned long long) c->lost, (unsigned long long) c->alerts,
              (unsigned long long) open_cases, (long long) c->subscriptions,
              snapshot->no_room? ", STORE FULL": snapshot->store_trouble? ", STORE TROUBLE": "");
}

//  ---------------------------------------------------------------------
//  Self test

static int
s_test_work (void *arg)
{
    hs_stats_t *stats = (hs_stats_t *) arg;
    hs_stats_count (stats, HS_STAT_REPORTS, 2);
    hs_stats_alert (stats, HS_LEVEL_MAJOR);
    hs_stats_source (stats, "hrss", HS_SUBMIT_OK, false);
    return 0;
}

static int
s_test_fail (void *arg)
{
    s_test_work (arg);
    return -1;
}

void
hs_stats_test (bool verbose)
{
    if (verbose)
        printf (" * hs_stats: ");
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_stats", 1780000000000LL, 60);
    hs_config_t *config = fixture->config;
    hs_store_t *store = fixture->store;
    hs_bus_t *bus = fixture->bus;
    hs_txn_t *txn = fixture->txn;
    (void) bus;
    hs_stats_t *stats = hs_stats_new (txn);

    //  Counted once when committed, not at all when not.
    assert (hs_txn_run (txn, s_test_work, stats) == 0);
    assert (hs_txn_run (txn, s_test_fail, stats) == -1);
    assert (hs_stats_get (stats, HS_STAT_REPORTS) == 2 && hs_stats_get (stats, HS_STAT_ALERTS) == 1);
    hs_stats_source (stats, "-", HS_SUBMIT_REJECTED, true);
    hs_stats_received (stats, 3);
    hs_stats_batch (stats, 3);

    hs_stats_snapshot_t *snapshot = (hs_stats_snapshot_t *) zmalloc (sizeof (hs_stats_snapshot_t));
    hs_stats_fill (stats, snapshot);
    assert (snapshot->counters.reports == 2 && snapshot->counters.received == 3);
    assert (snapshot->alerts_by_level [HS_LEVEL_MAJOR] == 1 && snapshot->source_count == 2);
    snapshot->clock_at = 1000;
    snapshot->clock_mono = 500;
    snapshot->time_scale = 60;
    assert (hs_stats_clock (snapshot, 510) == 1600);
    hs_store_stats_t store_stats;
    assert (hs_store_stats (store, &store_stats) == 0);
    hs_metrics_t *page = hs_metrics_new ();
    hs_stats_metrics (snapshot, &store_stats, "putuo", "abc", 1 << 24, page);
    assert (strstr (hs_metrics_text (page), "huishang_reports_total 2\n"));
    //  Every reason from the start, and the start time
    assert (strstr (hs_metrics_text (page), "huishang_rejections_total{reason=\"spoofing\"} 0\n"));
    assert (strstr (hs_metrics_text (page), "huishang_rejections_total{reason=\"store_full\"} 0\n"));
    assert (strstr (hs_metrics_text (page), "huishang_start_time_seconds "));
    assert (snapshot->start_time_ms > 1700000000000LL);
    assert (strstr (hs_metrics_text (page), "huishang_messages_total{source=\"hrss\",result=\"accepted\"} 1\n"));
    assert (strstr (hs_metrics_text (page), "huishang_alerts_total{level=\"major\"} 1\n"));
    //  The store's part: every street and level at 0 in an empty store
    hs_metrics_reset (page);
    hs_health_feeder_t feeder = { "street.caoyang", 1780000000000LL, "ok" };
    assert (hs_store_view_begin (store) == 0);
    assert (hs_stats_metrics_store (store, config, &feeder, 1, page) == 0);
    hs_store_view_end (store);
    assert (strstr (hs_metrics_text (page),
                    "huishang_feeder_last_report_seconds{unit=\"street.caoyang\"} 1780000000\n"));
    assert (strstr (hs_metrics_text (page),
                    "huishang_cases_open{level=\"critical\",street=\"caoyang\"} 0\n"));
    assert (strstr (hs_metrics_text (page), "huishang_cases_overdue{level=\"general\"} 0\n"));
    assert (strstr (hs_metrics_text (page), "# TYPE huishang_feeder_last_report_seconds gauge\n"));
    char line [256];
    hs_stats_status (snapshot, "putuo", 7, line, sizeof (line));
    assert (streq (line, "putuo: 2 reports, 0 rejected, 0 lost, 1 alerts, 7 open cases, 0 subscriptions"));
    hs_metrics_destroy (&page);
    free (snapshot);
    hs_stats_destroy (&stats);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
