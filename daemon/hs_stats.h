/*  =========================================================================
    hs_stats - what the daemon counts, and what it tells about itself

    Owns the daemon's counters: those that follow the transaction (staged
    while a unit of work runs, visible when it commits: a redone or failed
    unit of work counts nothing twice), and those that count what happened
    whatever the store did (messages received, lost, batches). Each commit
    the writer fills a snapshot of everything the api shows (these counters
    and the other classes' own) and sends it to the api's thread, which
    answers `health` and builds the metrics page from it: the writer is
    never asked. The systemd STATUS line is made from the same snapshot.
    =========================================================================
*/

#ifndef HS_STATS_H_INCLUDED
#define HS_STATS_H_INCLUDED

#include "hs_txn.h"
#include "hs_metrics.h"

//  The counters that follow the transaction.
typedef enum {
    HS_STAT_REPORTS = 0,        //  reports accepted and stored
    HS_STAT_UPDATES,            //  updates accepted and stored
    HS_STAT_RSVPS,              //  meeting answers accepted
    HS_STAT_MINUTES,            //  meetings recorded as held
    HS_STAT_DUPLICATES,         //  repeats of a seen source+id
    HS_STAT_CASES_OPENED,
    HS_STAT_ESCALATED,          //  level rises, for any reason
    HS_STAT_RESOLVED,           //  cases resolved or closed
    HS_STAT_ALERTS,
    HS_STAT_OVERDUE,            //  supervision notices (催办, 督办, 通报)
    HS_STAT_MEETINGS,           //  meeting requests
    HS_STAT_REMINDERS,          //  meeting reminders (no quorum)
    HS_STAT_ESCALATIONS,        //  escalate.district / escalate.city
    HS_STAT_WARNINGS,           //  warning.* messages
    HS_STAT_BRIEFS,             //  brief.* messages
    HS_STAT_TIMERS,             //  timers handled
    HS_STAT_HEARTBEATS,         //  feeders' heartbeats
    HS_STAT_SPOOFING,           //  messages whose key was not their unit's
    HS_STAT_DEADLETTERS_DROPPED,    //  oldest dead letters dropped from the ring
    HS_STAT_DEADLETTERS_SKIPPED,    //  rejected messages not kept (no room: the reserve)
    HS_STAT_ACTS,               //  people's acts on cases accepted (act.<unit>)
    HS_STAT_COUNT
} hs_stat_t;

#define HS_STATS_MAX_SOURCES 256
#define HS_STATS_MAX_REASONS 64

//  What became of the messages whose topic named one unit ("-": none of
//  ours), by hs_submit_status_t: other, accepted, duplicate, rejected.
typedef struct {
    char unit [HS_CODE_MAX + 1];
    uint64_t results [4];
} hs_stats_source_t;

//  Everything the api tells about the daemon, as of one moment. Plain
//  data: it crosses to the api's thread as bytes. Strings in `reasons`
//  are static (rejection codes).
typedef struct {
    hs_health_counters_t counters;
    uint64_t alerts_by_level [HS_LEVEL_COUNT];
    hs_stats_source_t sources [HS_STATS_MAX_SOURCES];
    size_t source_count;
    hs_tally_t reasons [HS_STATS_MAX_REASONS];  //  rejections by reason
    size_t reason_count;
    hs_histogram_t batch_sizes;
    hs_histogram_t commit_seconds;
    bool no_room;               //  the store is full: new messages are rejected
    bool store_trouble;         //  the last batch could not be committed
    uint64_t windows_pruned;
    uint64_t feeders, feeders_silent;
    bool forwarding;            //  a district forwarding to its city
    uint64_t forwarded, forward_refused, forward_retries, forward_backlog;
    int64_t started_mono;       //  zclock_mono () at start
    int64_t start_time_ms;      //  the real clock (zclock_time) when the process started
    int64_t clock_at;           //  the daemon's clock read at clock_mono
    int64_t clock_mono;
    double time_scale;
} hs_stats_snapshot_t;

typedef struct _hs_stats_t hs_stats_t;

//  Counters for the work `txn` runs (joins it as a participant). Caller
//  owns the result.
hs_stats_t *hs_stats_new (hs_txn_t *txn);
void hs_stats_destroy (hs_stats_t **self_p);

//  Count, staged until the commit.
void hs_stats_count (hs_stats_t *self, hs_stat_t stat, uint64_t count);
//  An alert about a case at `level`, staged (counted in HS_STAT_ALERTS too).
void hs_stats_alert (hs_stats_t *self, int level);

//  What became of one message of `unit` (its topic's, "-" if none of
//  ours): staged, or at once when `committed` (it was never in a unit of
//  work that could be undone).
void hs_stats_source (hs_stats_t *self, const char *unit, hs_submit_status_t result,
                      bool committed);

//  What happened whatever the store did.
void hs_stats_received (hs_stats_t *self, uint64_t count);
void hs_stats_lost (hs_stats_t *self, uint64_t count);
void hs_stats_batch (hs_stats_t *self, size_t size);

//  A committed counter.
uint64_t hs_stats_get (hs_stats_t *self, hs_stat_t stat);

//  Fill this class's part of a snapshot (its counters, sources and batch
//  sizes); the caller fills the rest from the other classes.
void hs_stats_fill (hs_stats_t *self, hs_stats_snapshot_t *snapshot);

//  The daemon's clock at `mono` (zclock_mono) by a snapshot.
int64_t hs_stats_clock (const hs_stats_snapshot_t *snapshot, int64_t mono);

//  `health` from a snapshot and the store's committed counts. Strings
//  are the caller's (borrowed into `health`).
void hs_stats_health (const hs_stats_snapshot_t *snapshot, const hs_store_stats_t *store,
                      hs_health_t *health);

//  The metrics page (Prometheus text) from a snapshot and the store.
//  Every rejection reason of PROTOCOL.md §5 has its series from the start.
void hs_stats_metrics (const hs_stats_snapshot_t *snapshot, const hs_store_stats_t *store,
                       const char *district, const char *rules_version, int64_t map_size_max,
                       hs_metrics_t *page);

//  The metrics that read the store, added to `page`, inside the caller's
//  read view of `store`: open cases by level and street and overdue ones
//  by level, from the open cases' order table (their summaries: no case is
//  decoded; at most HS_STATS_OPEN_MAX of them), every street of units.cfg
//  and every level from 0; and each of `feeders` (hs_feeds_list), its
//  last report. `store` NULL (no view): every series at 0. Returns 0, or
//  -1 if the store could not be read (the
//  families are there, at 0 as far as they could not be counted).
#define HS_STATS_OPEN_MAX 100000
int hs_stats_metrics_store (hs_store_t *store, const hs_config_t *config,
                            const hs_health_feeder_t *feeders, size_t feeder_count,
                            hs_metrics_t *page);

//  The rejection reasons (PROTOCOL.md §5), NULL-terminated.
extern const char *hs_stats_reasons [];

//  The one line systemd shows for us (STATUS=).
void hs_stats_status (const hs_stats_snapshot_t *snapshot, const char *district,
                      uint64_t open_cases, char *line, size_t size);

void hs_stats_test (bool verbose);

#endif
