/*  =========================================================================
    hs_bench - huishangd against the physical cost of its two dependencies

    One run, one machine, the same messages (realistic reports, packed by
    the project's codec) throughout:
      1. raw libzmq PUB -> SUB over ipc and tcp loopback, no processing;
      2. raw LMDB: durable puts of the same bodies, one commit per batch;
      3. huishangd end to end: a feeder at full speed, every report
         validated, correlated, classified, routed, committed and its alert
         published; counted at a subscriber of the alerts, every report
         accounted for through the daemon's own counters;
      4. latency report -> alert (p50, p99, p99.9) at fixed rates;
      5. resident memory after N1 and N2 reports; store bytes per report;
      6. restart-to-ready time with N2 reports stored;
      7. acknowledged submit with 1 and with 8 concurrent feeders, and
         one DEALER feeder with a window of 100 and of 500 in flight;
      8. the api under load: `cases status=open limit=100` on a store of
         many cases, and report -> alert latency and the writer's watchdog
         pings while a client asks for it back to back;
      9. `huishang rules backtest` over the cases 8 stored (hs_bench_replay.c);
     10. the api's replay to one client over the store 3-5 filled;
     11. a peer: Debian's Alertmanager fed the same reports (hs_bench_peer.c).
    8 runs first, on its own store, removed before the others start.
    SIZE tiny is the smoke test's (tests/integration/test_bench.py).
    Usage: hs_bench [--size quick|full|tiny] [--daemon PATH] [--keep] [--only api]
    =========================================================================
*/

#include "hs_bench.h"

bench_size_t bench_sizes [] = {
    { "quick", 100000, 100000, 300000, 2.0, 5000, 100000, 10000 },
    { "full", 500000, 1000000, 10000000, 5.0, 20000, 1000000, 100000 },
    { "tiny", 2000, 2000, 4000, 0.2, 200, 2000, 200 },
    { NULL, 0, 0, 0, 0, 0, 0, 0 }
};


int
main (int argc, char *argv [])
{
    const char *size_name = "quick";
    bench_daemon_t daemon = { .binary = "build/huishangd" };
    bool keep = false;
    const char *only = NULL;            //  one part alone: "api"
    for (int index = 1; index < argc; index++) {
        if (streq (argv [index], "--size") && index + 1 < argc)
            size_name = argv [++index];
        else
        if (streq (argv [index], "--daemon") && index + 1 < argc)
            daemon.binary = argv [++index];
        else
        if (streq (argv [index], "--keep"))
            keep = true;
        else
        if (streq (argv [index], "--only") && index + 1 < argc)
            only = argv [++index];
        else {
            fprintf (stderr, "usage: hs_bench [--size quick|full|tiny] [--daemon PATH] [--keep] [--only api]\n");
            return 2;
        }
    }
    bench_size_t *size = NULL;
    for (bench_size_t *candidate = bench_sizes; candidate->name; candidate++)
        if (streq (candidate->name, size_name))
            size = candidate;
    if (!size) {
        fprintf (stderr, "hs_bench: size is quick, full or tiny\n");
        return 2;
    }
    zsys_init ();
    zsys_set_logstream (stderr);
    snprintf (daemon.folder, sizeof (daemon.folder), "/tmp/hs_bench.%d", getpid ());
    zsys_dir_create ("%s", daemon.folder);
    snprintf (daemon.ingest, sizeof (daemon.ingest), "ipc://%s/ingest", daemon.folder);
    snprintf (daemon.publish, sizeof (daemon.publish), "ipc://%s/publish", daemon.folder);
    snprintf (daemon.api, sizeof (daemon.api), "ipc://%s/api", daemon.folder);
    snprintf (daemon.submit, sizeof (daemon.submit), "ipc://%s/submit", daemon.folder);
    snprintf (daemon.store, sizeof (daemon.store), "%s/store", daemon.folder);
    //  The shipped config, except the per-unit flood limit: one feeder at
    //  full speed is a flood by design here, and would (rightly) be refused.
    snprintf (daemon.config, sizeof (daemon.config), "%s/huishang.cfg", daemon.folder);
    char command [1024];
    snprintf (command, sizeof (command),
              "cp config/units.cfg config/rules.cfg config/holidays-cn-2026.txt '%s' && "
              "sed -e 's/source_rate = [0-9]*/source_rate = 100000000/' "
              "-e 's/source_burst = [0-9]*/source_burst = 100000000/' config/huishang.cfg > '%s'",
              daemon.folder, daemon.config);
    if (system (command) != 0) {
        fprintf (stderr, "hs_bench: run me from the project's top folder (config/ is needed)\n");
        return 1;
    }

    if (only && streq (only, "api")) {
        bench_api_t api;
        bench_api_load (daemon.folder, daemon.binary, daemon.config, size->api_cases,
                        size->api_open, size->latency_seconds, &api);
        bench_api_print (&api);
        if (!keep) {
            snprintf (command, sizeof (command), "rm -rf '%s'", daemon.folder);
            if (system (command) != 0)
                fprintf (stderr, "hs_bench: could not remove %s\n", daemon.folder);
        }
        return 0;
    }
    hs_pack_t *body = hs_pack_new ();
    bench_report (body, 1, zclock_time (), "raw");
    size_t body_size = hs_pack_size (body);
    printf ("huishang benchmark, size %s: %lld messages per throughput run, report bodies ~%zu bytes\n",
            size->name, (long long) size->n_throughput, body_size);
    fflush (stdout);

    //  8, first: the api under load, on a store of its own, removed after
    //  it; run before the others so that their stores (tens of GB at full
    //  size) are neither in its page cache nor being written back.
    bench_api_t api;
    bench_api_load (daemon.folder, daemon.binary, daemon.config, size->api_cases, size->api_open,
                    size->latency_seconds, &api);
    //  9: the backtest over that store, before it goes.
    bench_replay_t replay;
    char client [512], api_store [320];
    bench_client_path (daemon.binary, client, sizeof (client));
    snprintf (api_store, sizeof (api_store), "%s/api-load/store", daemon.folder);
    bench_backtest (client, daemon.config, "config/rules.cfg", api_store, &replay);
    if (!keep) {
        snprintf (command, sizeof (command), "rm -rf '%s/api-load'", daemon.folder);
        if (system (command) != 0)
            fprintf (stderr, "hs_bench: could not remove %s/api-load\n", daemon.folder);
    }

    //  1, 2: the physical costs
    char endpoint [320];
    snprintf (endpoint, sizeof (endpoint), "ipc://%s/raw", daemon.folder);
    double zmq_ipc = bench_raw_zmq (endpoint, size->n_throughput, body);
    double zmq_tcp = bench_raw_zmq ("tcp://127.0.0.1:57999", size->n_throughput, body);
    char lmdb_folder [320];
    snprintf (lmdb_folder, sizeof (lmdb_folder), "%s/raw-lmdb", daemon.folder);
    int64_t lmdb_bytes;
    double lmdb_rate = bench_raw_lmdb (lmdb_folder, size->n_throughput, 1000, body, &lmdb_bytes);

    //  2b: the minimal durable pipeline, end to end like the daemon
    bench_daemon_t floor_pipeline = { .binary = NULL };
    snprintf (floor_pipeline.ingest, sizeof (floor_pipeline.ingest), "ipc://%s/floor-in", daemon.folder);
    snprintf (floor_pipeline.publish, sizeof (floor_pipeline.publish), "ipc://%s/floor-out", daemon.folder);
    char floor_folder [320];
    snprintf (floor_folder, sizeof (floor_folder), "%s/floor-lmdb", daemon.folder);
    bench_floor_args_t floor_args = {
        .ingest = floor_pipeline.ingest, .publish = floor_pipeline.publish, .folder = floor_folder
    };
    floor_args.commit_max = 1 << 20;
    floor_args.commit_at = (int64_t *) calloc (floor_args.commit_max, sizeof (int64_t));
    floor_args.commit_us = (int64_t *) calloc (floor_args.commit_max, sizeof (int64_t));
    floor_pipeline.floor = zactor_new (bench_floor_pipeline, &floor_args);
    double floor_rate = bench_drive (&floor_pipeline, 0, size->n_throughput, 0, "floor", true, NULL, NULL, NULL);
    //  ... and its latency at 10,000/s: what one commit per batch (an
    //  fdatasync and the meta page's synchronous write, LMDB's) costs on
    //  this disk, the floor under row 4's target
    int64_t floor_count = (int64_t) (10000 * size->latency_seconds);
    int64_t *floor_latencies = (int64_t *) calloc ((size_t) floor_count, sizeof (int64_t));
    int64_t floorlat_at = zclock_usecs ();
    bench_io_t floor_io [2];
    int floor_io_rc = bench_thread_io (getpid (), floor_args.tid, &floor_io [0]);
    bench_drive (&floor_pipeline, size->n_throughput, floor_count, 10000, "floorlat", false,
                 floor_latencies, NULL, NULL);
    floor_io_rc |= bench_thread_io (getpid (), floor_args.tid, &floor_io [1]);
    qsort (floor_latencies, (size_t) floor_count, sizeof (int64_t), bench_compare);
    double floor_p50 = bench_percentile (floor_latencies, floor_count, 50);
    double floor_p99 = bench_percentile (floor_latencies, floor_count, 99);
    free (floor_latencies);
    zactor_destroy (&floor_pipeline.floor);
    //  ... and where that goes: its commits (each an fdatasync of the pages,
    //  then LMDB's synchronous write of its meta page)
    double floor_commit_p50, floor_commit_p99;
    size_t floor_commits = bench_floor_commits (&floor_args, floorlat_at, &floor_commit_p50,
                                                &floor_commit_p99);
    free (floor_args.commit_at);
    free (floor_args.commit_us);

    //  3: end to end at full speed
    bench_daemon_start (&daemon);
    double e2e = bench_drive (&daemon, 0, size->n_throughput, 0, "e2e", true, NULL, NULL, NULL);
    int64_t reports = bench_health_counter (&daemon, "counters", "reports");
    int64_t rejected = bench_health_counter (&daemon, "counters", "rejected");
    int64_t lost = bench_health_counter (&daemon, "counters", "lost");

    //  4: latency at fixed rates
    double rates [] = { 1000, 10000, 50000 };
    double p50 [3], p99 [3], p999 [3], achieved [3];
    int64_t next = size->n_throughput;
    bench_commits_t commits_before, commits_after;
    int commits_read = -1;
    bench_io_t daemon_io [2];           //  the writer thread's (the main one)
    int64_t log_size [2] = { 0, 0 }, log_lines = 0;
    for (int index = 0; index < 3; index++) {
        int64_t count = (int64_t) (rates [index] * size->latency_seconds);
        int64_t *latencies = (int64_t *) calloc ((size_t) count, sizeof (int64_t));
        if (index == 1) {
            commits_read = bench_daemon_commits (&daemon, &commits_before);
            bench_log_lines (&daemon, 0, &log_size [0]);
            commits_read |= bench_thread_io (daemon.pid, daemon.pid, &daemon_io [0]);
        }
        achieved [index] = bench_drive (&daemon, next, count, rates [index], "lat", false, latencies, NULL, NULL);
        if (index == 1 && commits_read == 0) {
            commits_read = bench_thread_io (daemon.pid, daemon.pid, &daemon_io [1])
                        || bench_daemon_commits (&daemon, &commits_after);
            log_lines = bench_log_lines (&daemon, log_size [0], &log_size [1]);
        }
        next += count;
        qsort (latencies, (size_t) count, sizeof (int64_t), bench_compare);
        p50 [index] = bench_percentile (latencies, count, 50);
        p99 [index] = bench_percentile (latencies, count, 99);
        p999 [index] = bench_percentile (latencies, count, 99.9);
        free (latencies);
    }

    //  5: memory after N1 and N2 reports stored; store bytes per report
    int64_t stored = bench_health_counter (&daemon, "counters", "reports");
    if (stored < size->n1)
        bench_drive (&daemon, next, size->n1 - stored, 0, "mem", false, NULL, NULL, NULL), next += size->n1 - stored;
    int64_t rss1 = bench_rss_kb (daemon.pid);
    stored = bench_health_counter (&daemon, "counters", "reports");
    int64_t n1 = stored;
    if (stored < size->n2)
        bench_drive (&daemon, next, size->n2 - stored, 0, "mem", false, NULL, NULL, NULL), next += size->n2 - stored;
    int64_t rss2 = bench_rss_kb (daemon.pid);
    int64_t n2 = bench_health_counter (&daemon, "counters", "reports");
    int64_t map_used = bench_health_counter (&daemon, "store", "map_used");

    //  7: acknowledged submit, beside fire-and-forget on the same store
    //  (row 3 ran on an empty one: at full size, 10 M reports later, each
    //  report costs more, whoever sends it)
    double e2e_late = bench_drive (&daemon, next, size->n_ack * 4, 0, "e2e-late", true, NULL,
                                   NULL, NULL);
    next += size->n_ack * 4;
    double ack1 = bench_ack (&daemon, 1, size->n_ack, next);
    next += size->n_ack;
    double ack8 = bench_ack (&daemon, 8, size->n_ack / 8, next);
    next += size->n_ack;
    double ackw100 = bench_ack_window (&daemon, 100, size->n_ack * 4, next);
    next += size->n_ack * 4;
    double ackw500 = bench_ack_window (&daemon, 500, size->n_ack * 4, next);
    next += size->n_ack * 4;

    //  The table rows (bench_table_bytes) divide by every report stored,
    //  those of the rows since N2 too.
    int64_t n_end = bench_health_counter (&daemon, "counters", "reports");

    //  6: restart to ready with N2 stored
    bench_daemon_stop (&daemon);
    char data [340];
    snprintf (data, sizeof (data), "%s/data.mdb", daemon.store);
    int64_t store_file = bench_file_size (data);
    double restart = bench_daemon_start (&daemon);
    //  10: replay from the store the runs above filled.
    bench_replay (&daemon, size->n_throughput, &replay);
    char background [512];
    bench_check_background (&daemon, background, sizeof (background));
    bench_daemon_stop (&daemon);
    //  ... and the start without the check of every page (store/check_timeout
    //  = 0): what the daemon's own start costs, beside what the check does.
    char checked_config [sizeof (daemon.config)];
    memcpy (checked_config, daemon.config, sizeof (checked_config));
    snprintf (daemon.config, sizeof (daemon.config), "%s/huishang-nocheck.cfg", daemon.folder);
    snprintf (command, sizeof (command),
              "sed -e 's/check_timeout = [0-9a-z]*/check_timeout = 0/' '%s' > '%s'",
              checked_config, daemon.config);
    double restart_unchecked = system (command) == 0? bench_daemon_start (&daemon): -1;
    if (restart_unchecked >= 0)
        bench_daemon_stop (&daemon);
    memcpy (daemon.config, checked_config, sizeof (checked_config));

    //  11: the peer, alone on the machine, the same reports as 3.
    bench_peer_t peer;
    bench_peer_alertmanager (daemon.folder, size->n_throughput, &peer);

    double body_total = (double) body_size * (double) n2;
    printf ("\n| measure | figure | note |\n|---|---|---|\n");
    printf ("| raw libzmq PUB->SUB, ipc | %.0f msg/s | same frames, no processing |\n", zmq_ipc);
    printf ("| raw libzmq PUB->SUB, tcp loopback | %.0f msg/s | |\n", zmq_tcp);
    printf ("| raw LMDB durable puts, batches of 1000 | %.0f puts/s | %.1f bytes/record on disk |\n",
            lmdb_rate, (double) lmdb_bytes / (double) size->n_throughput);
    printf ("| minimal durable pipeline (ipc): SUB, unpack, LMDB put + commit per batch, PUB | %.0f msg/s | %.0f%% of raw libzmq ipc |\n",
            floor_rate, 100 * floor_rate / zmq_ipc);
    printf ("| huishangd end to end (ipc) | %.0f reports/s | %lld stored, %lld rejected, %lld lost |\n",
            e2e, (long long) reports, (long long) rejected, (long long) lost);
    printf ("| ratio e2e / raw libzmq ipc | %.1f%% | target >= 50%% |\n", 100 * e2e / zmq_ipc);
    printf ("| ratio e2e / raw LMDB | %.1f%% | |\n", 100 * e2e / lmdb_rate);
    printf ("| ratio e2e / minimal durable pipeline | %.1f%% | |\n", 100 * e2e / floor_rate);
    printf ("| minimal durable pipeline: latency at 10000/s | p50 %.2f ms, p99 %.2f ms | the floor on this disk |\n",
            floor_p50, floor_p99);
    for (int index = 0; index < 3; index++) {
        char note [96] = "";
        if (index == 1)
            snprintf (note, sizeof (note), "target p99 <= 2 ms; %.1f x the floor's p99",
                      p99 [index] / floor_p99);
        printf ("| latency at %.0f/s (achieved %.0f/s) | p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms | %s |\n",
                rates [index], achieved [index], p50 [index], p99 [index], p999 [index], note);
    }
    printf ("| ... the floor's commits meanwhile (an fdatasync and LMDB's O_DSYNC meta page each) | %zu commits, p50 %.2f ms, p99 %.2f ms | %.0f%% of the floor's p99 latency |\n",
            floor_commits, floor_commit_p50, floor_commit_p99,
            floor_p99 > 0? 100 * floor_commit_p99 / floor_p99: 0);
    if (commits_read == 0) {
        double total = commits_after.le [6] - commits_before.le [6];
        double share [6];
        for (int index = 0; index < 6; index++)
            share [index] = total > 0? 100 * (1 - (commits_after.le [index] - commits_before.le [index]) / total): 0;
        printf ("| ... huishangd's commits at 10000/s (its metrics' commit_seconds) | %.0f commits of %.1f reports | %.0f%% over 1 ms, %.0f%% over 2 ms, %.0f%% over 5 ms, %.0f%% over 10 ms |\n",
                total, total > 0? (commits_after.messages - commits_before.messages) / total: 0,
                share [1], share [2], share [3], share [4]);
    }
    else
        printf ("| ... huishangd's commits at 10000/s (its metrics' commit_seconds) | not read | |\n");
    //  What a commit writes: the writer thread's bytes and write calls,
    //  less its log lines (one write each), per commit; the floor's alike.
    double daemon_kb = -1, daemon_writes = -1, floor_kb = -1, floor_writes = -1;
    if (commits_read == 0) {
        double total = commits_after.le [6] - commits_before.le [6];
        if (total > 0) {
            daemon_kb = (double) (daemon_io [1].bytes - daemon_io [0].bytes
                                  - (log_size [1] - log_size [0])) / 1024 / total;
            daemon_writes = (double) (daemon_io [1].calls - daemon_io [0].calls - log_lines) / total;
        }
    }
    if (floor_io_rc == 0 && floor_commits > 0) {
        floor_kb = (double) (floor_io [1].bytes - floor_io [0].bytes) / 1024 / (double) floor_commits;
        floor_writes = (double) (floor_io [1].calls - floor_io [0].calls) / (double) floor_commits;
    }
    printf ("| ... what each commit writes at 10000/s: huishangd / the floor | %.0f KB in %.1f writes / %.0f KB in %.1f writes | LMDB writes a run of pages in a row with one call: pages apart take one each |\n",
            daemon_kb, daemon_writes, floor_kb, floor_writes);
    int pages = daemon_kb > 0? (int) (daemon_kb / 4 + 0.5): 0;
    double scattered, contiguous;
    bench_disk_sync (daemon.folder, pages, streq (size->name, "tiny")? 10: 100,
                     streq (size->name, "tiny")? 8: 64, &scattered, &contiguous);
    printf ("| fdatasync after %d pages of 4 KB (huishangd's commit above): scattered / in a row | p50 %.2f / %.2f ms | this disk, a file of its own |\n",
            pages, scattered, contiguous);
    printf ("| resident memory (anonymous) after %lld reports | %.1f MiB | |\n", (long long) n1, rss1 / 1024.0);
    printf ("| resident memory (anonymous) after %lld reports | %.1f MiB | ratio %.2f (target <= 2) |\n",
            (long long) n2, rss2 / 1024.0, (double) rss2 / (double) rss1);
    printf ("| store: map used / data.mdb | %.0f / %.0f bytes per report | %.2f x the msgpack bodies (target <= 2) |\n",
            (double) map_used / (double) n2, (double) store_file / (double) n2,
            (double) map_used / body_total);
    printf ("| restart to ready, %lld reports stored (as shipped: the quick check, then up to store/check_wait) | %.3f s | target <= 1 s |\n",
            (long long) n2, restart);
    printf ("| ... the check of every page, in the background | %s | |\n",
            background [0]? background: "none: read whole within check_wait");
    printf ("| restart to ready, the same, store/check_timeout = 0 (no check) | %.3f s | |\n",
            restart_unchecked);
    printf ("| acknowledged submit, 1 feeder | %.0f reports/s | REQ, one at a time |\n", ack1);
    printf ("| acknowledged submit, 8 feeders | %.0f reports/s | |\n", ack8);
    printf ("| huishangd end to end, fire and forget, %lld reports stored | %.0f reports/s | beside the rows below |\n",
            (long long) n2, e2e_late);
    printf ("| acknowledged submit, 1 DEALER feeder, window 100 | %.0f reports/s | %.1f%% of e2e on the same store, %.1f%% of row 3 |\n",
            ackw100, 100 * ackw100 / e2e_late, 100 * ackw100 / e2e);
    printf ("| acknowledged submit, 1 DEALER feeder, window 500 | %.0f reports/s | %.1f%% of e2e on the same store (target >= 50%%), %.1f%% of row 3 |\n",
            ackw500, 100 * ackw500 / e2e_late, 100 * ackw500 / e2e);
    bench_api_print (&api);
    bench_replay_print (&replay, zmq_ipc, e2e);
    bench_peer_print (&peer, e2e);
    bench_table_bytes (daemon.store, n_end);
    fflush (stdout);
    hs_pack_destroy (&body);
    if (!keep) {
        snprintf (command, sizeof (command), "rm -rf '%s'", daemon.folder);
        if (system (command) != 0)
            fprintf (stderr, "hs_bench: could not remove %s\n", daemon.folder);
    }
    return 0;
}
