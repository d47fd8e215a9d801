/*  =========================================================================
    hs_bench - what the benchmark's parts share: sizes, the daemon under
    test, the report it is fed, and the drivers
    =========================================================================
*/

#ifndef HS_BENCH_H_INCLUDED
#define HS_BENCH_H_INCLUDED

#include "../../protocol/hs_protocol.h"
#include <czmq.h>
#include <lmdb.h>
#include <sys/wait.h>
#include <signal.h>
#include <math.h>

typedef struct {
    const char *name;
    int64_t n_throughput;       //  messages for the throughput runs
    int64_t n1, n2;             //  memory checkpoints (reports stored)
    double latency_seconds;     //  per rate
    int64_t n_ack;              //  acknowledged submits per feeder count
    int64_t api_cases;          //  the api under load: cases stored
    int64_t api_open;           //  ... and open of them
} bench_size_t;

extern bench_size_t bench_sizes [];

typedef struct {
    char folder [256];
    char ingest [300], publish [300], api [300], submit [300], store [300], config [300];
    const char *binary;
    pid_t pid;
    zactor_t *floor;            //  instead of a daemon, the floor pipeline
    const char *notify;         //  NOTIFY_SOCKET for it (with a 1 s watchdog), or NULL
} bench_daemon_t;

//  The floor pipeline's endpoints and folder.
typedef struct {
    const char *ingest, *publish, *folder;
    //  Each commit's start (zclock_usecs) and length (µs), as long as
    //  there is room: read once the pipeline's actor is gone.
    int64_t *commit_at, *commit_us;
    size_t commit_max, commit_count;
    pid_t tid;                  //  the pipeline's thread, once it runs
} bench_floor_args_t;

//  What one thread has written so far (its /proc io counters): bytes and
//  write calls (write, writev, pwrite). Returns 0 or -1.
typedef struct {
    int64_t bytes, calls;
} bench_io_t;
int bench_thread_io (pid_t pid, pid_t tid, bench_io_t *io);

//  The daemon's log (its stderr, which its writer thread also writes):
//  the lines in it past byte `from`, and its size now in `*size`.
int64_t bench_log_lines (bench_daemon_t *daemon, int64_t from, int64_t *size);

//  What fdatasync takes on this disk (p50 of `rounds`, ms) after `pages`
//  pages of 4 KB are written at random places in a file of 64 MB (or
//  `file_mb`), and after as many written one after another.
void bench_disk_sync (const char *folder, int pages, int rounds, int file_mb, double *scattered,
                      double *contiguous);

//  The floor's commits from `since` (zclock_usecs) on: their count, p50 and
//  p99 (ms).
size_t bench_floor_commits (const bench_floor_args_t *args, int64_t since, double *p50,
                            double *p99);

//  The daemon's commits: its metrics page's commit_seconds histogram
//  (cumulative counts at 0.5, 1, 2, 5, 10, 25 ms and all) and its batches'
//  messages (sum). Two readings apart give what happened between them.
typedef struct {
    double le [7];              //  commits that took at most 0.5 .. 25 ms, and all
    double messages;            //  huishang_commit_batch_size_sum
} bench_commits_t;
int bench_daemon_commits (bench_daemon_t *daemon, bench_commits_t *commits);

//  A realistic report body, ~450 bytes; its id is "<prefix>-<index>-<µs>".
void bench_report (hs_pack_t *pack, int64_t index, int64_t at, const char *prefix);
double bench_seconds (int64_t start_us);

//  The physical costs (hs_bench_raw.c).
double bench_raw_zmq (const char *endpoint, int64_t count, hs_pack_t *body);
double bench_raw_lmdb (const char *folder, int64_t count, int batch, hs_pack_t *body, int64_t *bytes);
void bench_floor_pipeline (zsock_t *pipe, void *arg);

//  The daemon under test (hs_bench_daemon.c).
int64_t bench_health_once (bench_daemon_t *daemon, const char *section, const char *name, int timeout);
int64_t bench_health_counter (bench_daemon_t *daemon, const char *section, const char *name);
double bench_daemon_start (bench_daemon_t *daemon);
//  What the daemon's log says of the start's check in the background: its
//  last line about it, or that it was still reading ("" if it never went
//  to the background).
void bench_check_background (bench_daemon_t *daemon, char *line, size_t size);
void bench_daemon_stop (bench_daemon_t *daemon);
int64_t bench_rss_kb (pid_t pid);
int64_t bench_file_size (const char *path);
//  Send `count` reports at `rate` (0: full speed) and count their alerts
//  (each handed to `on_alert` when given). Returns reports per second,
//  from the first send to the last alert; fills latencies (µs) when given.
typedef void (bench_alert_fn) (void *arg, const msgpack_object *alert);
double bench_drive (bench_daemon_t *daemon, int64_t first, int64_t count, double rate,
                    const char *prefix, bool prebuilt, int64_t *latencies,
                    bench_alert_fn *on_alert, void *arg);
int bench_compare (const void *a, const void *b);
double bench_percentile (int64_t *values, int64_t count, double percent);
double bench_ack (bench_daemon_t *daemon, int feeders, int64_t per_feeder, int64_t first);
double bench_ack_window (bench_daemon_t *daemon, int window, int64_t count, int64_t first);
void bench_table_bytes (const char *store, int64_t reports);

//  The api under load (hs_bench_api.c): figures for the table.
typedef struct {
    int64_t cases, open;        //  stored, and open of them
    double fill_seconds;
    double query_p50_ms, query_p99_ms;      //  cases status=open limit=100, alone
    double unloaded_p99_ms;     //  report -> alert at 1000/s with no queries, for comparison
    double loaded_p99_ms;       //  report -> alert at 1000/s while queries run back to back
    double loaded_achieved;     //  reports/s achieved meanwhile
    int64_t queries;            //  answered meanwhile
    double watchdog_gap_ms;     //  the longest gap between the writer's watchdog pings
} bench_api_t;

void bench_api_load (const char *folder, const char *binary, const char *config, int64_t cases,
                     int64_t open, double seconds, bench_api_t *result);
//  Its rows of the table.
void bench_api_print (const bench_api_t *api);

//  A peer in the same run (hs_bench_peer.c): Debian's Alertmanager fed the
//  same reports as alerts; skipped (and why) when it is not installed.
typedef struct {
    bool ran;
    char skipped [128];
    char version [32];
    int64_t posted, accepted, held, refused;
    double seconds, rate;       //  first post to last accepted; alerts/s
} bench_peer_t;

void bench_peer_alertmanager (const char *folder, int64_t count, bench_peer_t *result);
void bench_peer_print (const bench_peer_t *peer, double e2e);

//  Reading the store back (hs_bench_replay.c): the api's replay to one
//  client, and `huishang rules backtest` over stored cases.
typedef struct {
    int64_t events, pages;
    double replay_seconds, replay_rate;
    int64_t cases, reports;     //  as the backtest counted them (-1: it failed)
    double backtest_seconds, backtest_rate;
} bench_replay_t;

void bench_replay (bench_daemon_t *daemon, int64_t count, bench_replay_t *result);
void bench_backtest (const char *client, const char *config, const char *rules, const char *store,
                     bench_replay_t *result);
void bench_client_path (const char *daemon, char *path, size_t size);
void bench_replay_print (const bench_replay_t *replay, double zmq_ipc, double e2e);

#endif
