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
      7. acknowledged submit with 1 and with 8 concurrent feeders.
    Usage: hs_bench [--size quick|full] [--daemon PATH] [--keep]
    =========================================================================
*/

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
} s_size_t;

static s_size_t s_sizes [] = {
    { "quick", 100000, 100000, 300000, 2.0, 5000 },
    { "full", 500000, 1000000, 10000000, 5.0, 20000 },
    { NULL, 0, 0, 0, 0, 0 }
};

static const char *s_streets [] = {
    "caoyang", "changfeng", "changshou", "ganquan", "shiquan",
    "yichuan", "wanli", "zhenru", "changzheng", "taopu"
};

//  A realistic report body: every field of SPEC §2, a summary, ~450 bytes.
//  Its id is "<prefix>-<index>-<send time, µs>": the alert carries it back.
static void
s_report (hs_pack_t *pack, int64_t index, int64_t at, const char *prefix)
{
    hs_report_t report;
    memset (&report, 0, sizeof (report));
    snprintf (report.id, sizeof (report.id), "%s-%lld-%lld", prefix, (long long) index,
              (long long) zclock_usecs ());
    snprintf (report.source, sizeof (report.source), "hrss");
    snprintf (report.street, sizeof (report.street), "%s", s_streets [index % 10]);
    snprintf (report.enterprise, sizeof (report.enterprise), "上海第%lld号服装制造有限公司",
              (long long) index);
    report.ownership = (int) (index % HS_OWNERSHIP_COUNT);
    snprintf (report.sector, sizeof (report.sector), "manufacturing");
    report.category = (int) (index % HS_CATEGORY_COUNT);
    report.workers = 3 + index % 40;
    report.amount = 100000 + (index % 17) * 50000;
    report.flags = index % 7 == 0? (1u << HS_FLAG_MEDIA): 0;
    report.at = at;
    static const char summary [] =
        "该企业自今年三月起拖欠职工工资，涉及一线生产工人，街道已多次约谈企业负责人，"
        "企业称资金周转困难，职工情绪较为激动，请求相关部门协调处理。";
    report.summary = summary;
    report.summary_size = strlen (summary);
    hs_report_encode (&report, pack);
}

static double
s_seconds (int64_t start_us)
{
    return (double) (zclock_usecs () - start_us) / 1e6;
}

//  ---------------------------------------------------------------------
//  1. raw libzmq

typedef struct {
    const char *endpoint;
    int64_t count;
} s_raw_args_t;

static void
s_raw_subscriber (zsock_t *pipe, void *arg)
{
    s_raw_args_t *args = (s_raw_args_t *) arg;
    zsock_t *sub = zsock_new (ZMQ_SUB);
    zsock_set_rcvhwm (sub, 0);
    zsock_set_subscribe (sub, "");
    zsock_bind (sub, "%s", args->endpoint);
    zsock_signal (pipe, 0);
    for (int64_t index = 0; index < args->count; index++) {
        zmsg_t *msg = zmsg_recv (sub);
        if (!msg)
            break;
        zmsg_destroy (&msg);
    }
    zsock_signal (pipe, 0);
    zsock_wait (pipe);
    zsock_destroy (&sub);
}

//  Messages per second, PUB -> SUB, same frames as a report.
static double
s_raw_zmq (const char *endpoint, int64_t count, hs_pack_t *body)
{
    s_raw_args_t args = { endpoint, count };
    zactor_t *subscriber = zactor_new (s_raw_subscriber, &args);
    zsock_t *pub = zsock_new (ZMQ_XPUB);
    zsock_set_sndhwm (pub, 0);
    zsock_connect (pub, "%s", endpoint);
    zsock_set_rcvtimeo (pub, 5000);
    zframe_t *subscription = zframe_recv (pub);        //  wait until connected
    zframe_destroy (&subscription);
    int64_t start = zclock_usecs ();
    for (int64_t index = 0; index < count; index++) {
        zmsg_t *msg = zmsg_new ();
        zmsg_addstr (msg, "report.hrss");
        zmsg_addmem (msg, hs_pack_data (body), hs_pack_size (body));
        zmsg_send (&msg, pub);
    }
    zsock_wait (subscriber);
    double rate = (double) count / s_seconds (start);
    zsock_signal (subscriber, 0);
    zactor_destroy (&subscriber);
    zsock_destroy (&pub);
    return rate;
}

//  ---------------------------------------------------------------------
//  2. raw LMDB

static double
s_raw_lmdb (const char *folder, int64_t count, int batch, hs_pack_t *body, int64_t *bytes)
{
    zsys_dir_create ("%s", folder);
    MDB_env *env;
    mdb_env_create (&env);
    mdb_env_set_mapsize (env, (size_t) 64 << 30);
    mdb_env_open (env, folder, 0, 0640);
    MDB_dbi dbi;
    MDB_txn *txn;
    mdb_txn_begin (env, NULL, 0, &txn);
    mdb_dbi_open (txn, NULL, 0, &dbi);
    mdb_txn_commit (txn);
    int64_t start = zclock_usecs ();
    for (int64_t index = 0; index < count; ) {
        mdb_txn_begin (env, NULL, 0, &txn);
        for (int in_batch = 0; in_batch < batch && index < count; in_batch++, index++) {
            uint8_t key [8];
            for (int byte = 0; byte < 8; byte++)
                key [byte] = (uint8_t) (index >> (56 - 8 * byte));
            MDB_val mkey = { 8, key }, value = { hs_pack_size (body), (void *) hs_pack_data (body) };
            mdb_put (txn, dbi, &mkey, &value, MDB_APPEND);
        }
        mdb_txn_commit (txn);
    }
    double rate = (double) count / s_seconds (start);
    MDB_envinfo info;
    MDB_stat stat;
    mdb_env_info (env, &info);
    mdb_env_stat (env, &stat);
    *bytes = (int64_t) (info.me_last_pgno + 1) * stat.ms_psize;
    mdb_env_close (env);
    return rate;
}

//  ---------------------------------------------------------------------
//  2b. the minimal durable pipeline: SUB -> unpack -> LMDB put, one
//  commit per batch -> PUB after the commit, one message out per message
//  in. What any daemon that stores before it tells must pay; the issue's
//  "quick prototype". Runs in a thread of the bench, on the same sockets'
//  kinds and the same batching rule as huishangd (read what is waiting,
//  up to 4096, then commit).

typedef struct {
    const char *ingest, *publish, *folder;
} s_floor_args_t;

static void
s_floor_pipeline (zsock_t *pipe, void *arg)
{
    s_floor_args_t *args = (s_floor_args_t *) arg;
    zsys_dir_create ("%s", args->folder);
    MDB_env *env;
    mdb_env_create (&env);
    mdb_env_set_mapsize (env, (size_t) 64 << 30);
    mdb_env_open (env, args->folder, MDB_NOTLS, 0640);
    MDB_dbi dbi;
    MDB_txn *txn;
    mdb_txn_begin (env, NULL, 0, &txn);
    mdb_dbi_open (txn, NULL, 0, &dbi);
    mdb_txn_commit (txn);
    zsock_t *sub = zsock_new (ZMQ_SUB);
    zsock_set_rcvhwm (sub, 0);
    zsock_set_subscribe (sub, "");
    zsock_set_rcvtimeo (sub, 0);
    zsock_bind (sub, "%s", args->ingest);
    zsock_t *pub = zsock_new (ZMQ_XPUB);
    zsock_set_sndhwm (pub, 0);
    zsock_bind (pub, "%s", args->publish);
    zsock_signal (pipe, 0);
    zframe_t *subscription = zframe_recv (pub);         //  the bench's subscriber
    zframe_destroy (&subscription);
    zsock_signal (pipe, 0);
    zpoller_t *poller = zpoller_new (pipe, sub, NULL);
    uint64_t seq = 0;
    zlist_t *outbox = zlist_new ();
    while (true) {
        void *which = zpoller_wait (poller, -1);
        if (which != sub)
            break;
        mdb_txn_begin (env, NULL, 0, &txn);
        for (int count = 0; count < 4096; count++) {
            zmsg_t *msg = zmsg_recv (sub);
            if (!msg)
                break;
            zframe_t *body = zmsg_last (msg);
            msgpack_unpacked unpacked;
            msgpack_unpacked_init (&unpacked);
            if (msgpack_unpack_next (&unpacked, (const char *) zframe_data (body), zframe_size (body),
                                     NULL) == MSGPACK_UNPACK_SUCCESS) {
                uint8_t key [8];
                seq++;
                for (int byte = 0; byte < 8; byte++)
                    key [byte] = (uint8_t) (seq >> (56 - 8 * byte));
                MDB_val mkey = { 8, key }, value = { zframe_size (body), zframe_data (body) };
                mdb_put (txn, dbi, &mkey, &value, MDB_APPEND);
                zlist_append (outbox, msg);
            }
            else
                zmsg_destroy (&msg);
            msgpack_unpacked_destroy (&unpacked);
        }
        mdb_txn_commit (txn);
        zmsg_t *msg;
        while ((msg = (zmsg_t *) zlist_pop (outbox)))
            zmsg_send (&msg, pub);
    }
    zlist_destroy (&outbox);
    zpoller_destroy (&poller);
    zsock_destroy (&sub);
    zsock_destroy (&pub);
    mdb_env_close (env);
}

//  ---------------------------------------------------------------------
//  The daemon under test

typedef struct {
    char folder [256];
    char ingest [300], publish [300], api [300], submit [300], store [300], config [300];
    const char *binary;
    pid_t pid;
    zactor_t *floor;            //  instead of a daemon, the floor pipeline
} s_daemon_t;

static int64_t s_health_once (s_daemon_t *daemon, const char *section, const char *name, int timeout);

//  A counter from the daemon's health reply; the daemon is one thread and
//  may be deep in a big batch, so ask patiently (-1 if it never answers).
static int64_t
s_health_counter (s_daemon_t *daemon, const char *section, const char *name)
{
    int64_t value = -1;
    for (int attempt = 0; attempt < 6 && value < 0; attempt++)
        value = s_health_once (daemon, section, name, 10000);
    return value;
}

static int64_t
s_health_once (s_daemon_t *daemon, const char *section, const char *name, int timeout)
{
    zsock_t *req = zsock_new (ZMQ_REQ);
    zsock_set_rcvtimeo (req, timeout);
    zsock_set_linger (req, 0);
    zsock_connect (req, "%s", daemon->api);
    zstr_send (req, "health");
    zmsg_t *reply = zmsg_recv (req);
    int64_t value = -1;
    if (reply) {
        char *status = zmsg_popstr (reply);
        zframe_t *body = zmsg_pop (reply);
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        if (body && hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0)
            value = hs_proto_int (hs_proto_get (&unpacked.data, section), name, -1);
        msgpack_unpacked_destroy (&unpacked);
        zframe_destroy (&body);
        zstr_free (&status);
        zmsg_destroy (&reply);
    }
    zsock_destroy (&req);
    return value;
}

//  Start the daemon; returns the real seconds until it answers health.
static double
s_daemon_start (s_daemon_t *daemon)
{
    int64_t start = zclock_usecs ();
    daemon->pid = fork ();
    if (daemon->pid == 0) {
        char log [320];
        snprintf (log, sizeof (log), "%s/huishangd.log", daemon->folder);
        FILE *out = freopen (log, "a", stderr);
        (void) out;
        execl (daemon->binary, daemon->binary, "--foreground", "--config", daemon->config,
               "--ingest", daemon->ingest, "--publish", daemon->publish, "--api", daemon->api,
               "--submit", daemon->submit, "--store", daemon->store, NULL);
        _exit (127);
    }
    while (s_health_once (daemon, "counters", "reports", 200) < 0)
        if (s_seconds (start) > 60) {
            fprintf (stderr, "hs_bench: huishangd did not start\n");
            exit (1);
        }
    return s_seconds (start);
}

static void
s_daemon_stop (s_daemon_t *daemon)
{
    kill (daemon->pid, SIGTERM);
    waitpid (daemon->pid, NULL, 0);
}

//  Resident memory of the process, less LMDB's map: the anonymous part
//  (the map is a file mapping; its resident pages are the kernel's cache).
static int64_t
s_rss_kb (pid_t pid)
{
    char path [64], line [256];
    snprintf (path, sizeof (path), "/proc/%d/status", (int) pid);
    FILE *file = fopen (path, "r");
    int64_t kb = -1;
    while (file && fgets (line, sizeof (line), file))
        if (strncmp (line, "RssAnon:", 8) == 0)
            kb = atoll (line + 8);
    if (file)
        fclose (file);
    return kb;
}

static int64_t
s_file_size (const char *path)
{
    FILE *file = fopen (path, "rb");
    if (!file)
        return -1;
    fseek (file, 0, SEEK_END);
    int64_t size = ftell (file);
    fclose (file);
    return size;
}

//  ---------------------------------------------------------------------
//  3. end to end: a feeder thread at full speed, alerts counted here

typedef struct {
    s_daemon_t *daemon;
    int64_t first, count;       //  report indexes to send
    double rate;                //  reports per second, 0: full speed
    const char *prefix;
    bool prebuilt;              //  at full speed: made before the clock starts
} s_feed_args_t;

static void
s_chunk_free (void **item)
{
    zchunk_t *chunk = (zchunk_t *) *item;
    zchunk_destroy (&chunk);
    *item = NULL;
}

static void
s_feeder (zsock_t *pipe, void *arg)
{
    s_feed_args_t *args = (s_feed_args_t *) arg;
    zsock_t *pub = zsock_new (ZMQ_XPUB);
    zsock_set_sndhwm (pub, 0);
    zsock_set_linger (pub, -1);
    zsock_connect (pub, "%s", args->daemon->ingest);
    zsock_set_rcvtimeo (pub, 5000);
    zframe_t *subscription = zframe_recv (pub);
    zframe_destroy (&subscription);
    //  At full speed, the reports are made before the clock starts, as the
    //  raw libzmq run's is: what is timed is sending them, as it sends.
    hs_pack_t *pack = hs_pack_new ();
    zlistx_t *made = zlistx_new ();
    zlistx_set_destructor (made, s_chunk_free);
    for (int64_t index = 0; args->prebuilt && args->rate == 0 && index < args->count; index++) {
        hs_pack_reset (pack);
        s_report (pack, args->first + index, zclock_time (), args->prefix);
        zlistx_add_end (made, zchunk_new (hs_pack_data (pack), hs_pack_size (pack)));
    }
    zsock_signal (pipe, 0);
    zsock_wait (pipe);
    int64_t start = zclock_usecs ();
    zchunk_t *chunk = (zchunk_t *) zlistx_first (made);
    for (int64_t index = 0; index < args->count; index++) {
        if (args->rate > 0 || !chunk) {
            //  Paced by sleeping, not spinning: a spinning feeder takes a
            //  whole core of two from the daemon it measures.
            int64_t due = args->rate > 0? start + (int64_t) ((double) index * 1e6 / args->rate): 0;
            int64_t ahead = due - zclock_usecs ();
            if (args->rate > 0 && ahead > 0) {
                struct timespec pause = { ahead / 1000000, (ahead % 1000000) * 1000 };
                nanosleep (&pause, NULL);
            }
            hs_pack_reset (pack);
            s_report (pack, args->first + index, zclock_time (), args->prefix);
        }
        zmsg_t *msg = zmsg_new ();
        zmsg_addstr (msg, "report.hrss");
        if (chunk) {
            zmsg_addmem (msg, zchunk_data (chunk), zchunk_size (chunk));
            chunk = (zchunk_t *) zlistx_next (made);
        }
        else
            zmsg_addmem (msg, hs_pack_data (pack), hs_pack_size (pack));
        zmsg_send (&msg, pub);
    }
    zlistx_destroy (&made);
    hs_pack_destroy (&pack);
    zsock_signal (pipe, 0);
    zsock_wait (pipe);
    zsock_destroy (&pub);
}

//  Send `count` reports at `rate` (0: full speed) and count alerts for
//  them. Returns reports per second, measured from the first send to the
//  last alert; fills latencies (µs) when given (one per report).
static double
s_drive (s_daemon_t *daemon, int64_t first, int64_t count, double rate, const char *prefix,
         bool prebuilt, int64_t *latencies)
{
    zsock_t *sub = zsock_new (ZMQ_SUB);
    zsock_set_rcvhwm (sub, 0);
    zsock_set_subscribe (sub, daemon->pid? "alert.": "");
    zsock_connect (sub, "%s", daemon->publish);
    //  Wait for the subscription to be live: the daemon counts it (the
    //  floor pipeline waits for it itself).
    for (int attempt = 0; daemon->pid && attempt < 100; attempt++) {
        if (s_health_once (daemon, "counters", "subscriptions", 2000) > 0)
            break;
        zclock_sleep (20);
    }
    if (daemon->floor)
        zsock_wait (daemon->floor);
    s_feed_args_t args = { daemon, first, count, rate, prefix, prebuilt };
    zactor_t *feeder = zactor_new (s_feeder, &args);      //  returns once it is connected
    int64_t start = zclock_usecs ();
    zsock_signal (feeder, 0);
    int64_t received = 0;
    zsock_set_rcvtimeo (sub, 20000);
    while (received < count) {
        zmsg_t *msg = zmsg_recv (sub);
        if (!msg) {
            fprintf (stderr, "hs_bench: only %lld of %lld alerts arrived\n",
                     (long long) received, (long long) count);
            break;
        }
        if (latencies) {
            //  The report's id carries its index and its send time.
            zframe_t *body = zmsg_last (msg);
            msgpack_unpacked unpacked;
            msgpack_unpacked_init (&unpacked);
            if (hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0) {
                char id [HS_ID_MAX + 1];
                long long index = -1, sent = 0;
                if (hs_proto_strcpy (hs_proto_get (&unpacked.data, "report"), id, sizeof (id)) == 0
                &&  sscanf (id, "%*[a-z]-%lld-%lld", &index, &sent) == 2) {
                    index -= first;
                    if (index >= 0 && index < count)
                        latencies [index] = zclock_usecs () - sent;
                }
            }
            msgpack_unpacked_destroy (&unpacked);
        }
        zmsg_destroy (&msg);
        received++;
    }
    double seconds = s_seconds (start);
    zsock_wait (feeder);
    zsock_signal (feeder, 0);
    zactor_destroy (&feeder);
    zsock_destroy (&sub);
    return (double) received / seconds;
}

static int
s_compare (const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return x < y? -1: x > y;
}

static double
s_percentile (int64_t *values, int64_t count, double percent)
{
    if (count == 0)
        return 0;
    int64_t index = (int64_t) ceil (percent / 100.0 * (double) count) - 1;
    if (index < 0)
        index = 0;
    return (double) values [index] / 1000.0;
}

//  ---------------------------------------------------------------------
//  7. acknowledged submit

typedef struct {
    s_daemon_t *daemon;
    int64_t first, count;
} s_ack_args_t;

static void
s_ack_feeder (zsock_t *pipe, void *arg)
{
    s_ack_args_t *args = (s_ack_args_t *) arg;
    zsock_t *req = zsock_new (ZMQ_REQ);
    zsock_connect (req, "%s", args->daemon->submit);
    zsock_set_rcvtimeo (req, 20000);
    hs_pack_t *pack = hs_pack_new ();
    zsock_signal (pipe, 0);
    zsock_wait (pipe);
    for (int64_t index = 0; index < args->count; index++) {
        hs_pack_reset (pack);
        s_report (pack, args->first + index, zclock_time (), "ack");
        zmsg_t *msg = zmsg_new ();
        zmsg_addstr (msg, "report.hrss");
        zmsg_addmem (msg, hs_pack_data (pack), hs_pack_size (pack));
        zmsg_send (&msg, req);
        zmsg_t *reply = zmsg_recv (req);
        char *status = reply? zmsg_popstr (reply): NULL;
        if (!status || strcmp (status, "ok"))
            fprintf (stderr, "hs_bench: submit answered %s\n", status? status: "nothing");
        zstr_free (&status);
        zmsg_destroy (&reply);
    }
    hs_pack_destroy (&pack);
    zsock_signal (pipe, 0);
    zsock_destroy (&req);
}

static double
s_ack (s_daemon_t *daemon, int feeders, int64_t per_feeder, int64_t first)
{
    zactor_t *actors [16];
    s_ack_args_t args [16];
    for (int index = 0; index < feeders; index++) {
        args [index] = (s_ack_args_t) { daemon, first + index * per_feeder, per_feeder };
        actors [index] = zactor_new (s_ack_feeder, &args [index]);   //  returns once ready
    }
    int64_t start = zclock_usecs ();
    for (int index = 0; index < feeders; index++)
        zsock_signal (actors [index], 0);
    for (int index = 0; index < feeders; index++)
        zsock_wait (actors [index]);
    double rate = (double) (feeders * per_feeder) / s_seconds (start);
    for (int index = 0; index < feeders; index++)
        zactor_destroy (&actors [index]);
    return rate;
}

//  Where the store's bytes go: pages per table, per report stored.
static void
s_table_bytes (const char *store, int64_t reports)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi main_dbi;
    if (mdb_env_create (&env) || mdb_env_set_maxdbs (env, 32)
    ||  mdb_env_open (env, store, MDB_RDONLY, 0640) || mdb_txn_begin (env, NULL, MDB_RDONLY, &txn))
        return;
    MDB_cursor *cursor;
    mdb_dbi_open (txn, NULL, 0, &main_dbi);
    mdb_cursor_open (txn, main_dbi, &cursor);
    MDB_val key, data;
    printf ("\n| table | entries | bytes per report (pages) |\n|---|---|---|\n");
    while (mdb_cursor_get (cursor, &key, &data, MDB_NEXT) == 0) {
        char name [64];
        snprintf (name, sizeof (name), "%.*s", (int) key.mv_size, (const char *) key.mv_data);
        MDB_dbi dbi;
        MDB_stat stat;
        if (mdb_dbi_open (txn, name, 0, &dbi) == 0 && mdb_stat (txn, dbi, &stat) == 0)
            printf ("| %s | %zu | %.0f |\n", name, stat.ms_entries,
                    (double) (stat.ms_branch_pages + stat.ms_leaf_pages + stat.ms_overflow_pages)
                    * stat.ms_psize / (double) reports);
    }
    mdb_cursor_close (cursor);
    mdb_txn_abort (txn);
    mdb_env_close (env);
}

//  ---------------------------------------------------------------------

int
main (int argc, char *argv [])
{
    const char *size_name = "quick";
    s_daemon_t daemon = { .binary = "build/huishangd" };
    bool keep = false;
    for (int index = 1; index < argc; index++) {
        if (streq (argv [index], "--size") && index + 1 < argc)
            size_name = argv [++index];
        else
        if (streq (argv [index], "--daemon") && index + 1 < argc)
            daemon.binary = argv [++index];
        else
        if (streq (argv [index], "--keep"))
            keep = true;
        else {
            fprintf (stderr, "usage: hs_bench [--size quick|full] [--daemon PATH] [--keep]\n");
            return 2;
        }
    }
    s_size_t *size = NULL;
    for (s_size_t *candidate = s_sizes; candidate->name; candidate++)
        if (streq (candidate->name, size_name))
            size = candidate;
    if (!size) {
        fprintf (stderr, "hs_bench: size is quick or full\n");
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

    hs_pack_t *body = hs_pack_new ();
    s_report (body, 1, zclock_time (), "raw");
    size_t body_size = hs_pack_size (body);
    printf ("huishang benchmark, size %s: %lld messages per throughput run, report bodies ~%zu bytes\n",
            size->name, (long long) size->n_throughput, body_size);
    fflush (stdout);

    //  1, 2: the physical costs
    char endpoint [320];
    snprintf (endpoint, sizeof (endpoint), "ipc://%s/raw", daemon.folder);
    double zmq_ipc = s_raw_zmq (endpoint, size->n_throughput, body);
    double zmq_tcp = s_raw_zmq ("tcp://127.0.0.1:57999", size->n_throughput, body);
    char lmdb_folder [320];
    snprintf (lmdb_folder, sizeof (lmdb_folder), "%s/raw-lmdb", daemon.folder);
    int64_t lmdb_bytes;
    double lmdb_rate = s_raw_lmdb (lmdb_folder, size->n_throughput, 1000, body, &lmdb_bytes);

    //  2b: the minimal durable pipeline, end to end like the daemon
    s_daemon_t floor_pipeline = { .binary = NULL };
    snprintf (floor_pipeline.ingest, sizeof (floor_pipeline.ingest), "ipc://%s/floor-in", daemon.folder);
    snprintf (floor_pipeline.publish, sizeof (floor_pipeline.publish), "ipc://%s/floor-out", daemon.folder);
    char floor_folder [320];
    snprintf (floor_folder, sizeof (floor_folder), "%s/floor-lmdb", daemon.folder);
    s_floor_args_t floor_args = { floor_pipeline.ingest, floor_pipeline.publish, floor_folder };
    floor_pipeline.floor = zactor_new (s_floor_pipeline, &floor_args);
    double floor_rate = s_drive (&floor_pipeline, 0, size->n_throughput, 0, "floor", true, NULL);
    zactor_destroy (&floor_pipeline.floor);

    //  3: end to end at full speed
    s_daemon_start (&daemon);
    double e2e = s_drive (&daemon, 0, size->n_throughput, 0, "e2e", true, NULL);
    int64_t reports = s_health_counter (&daemon, "counters", "reports");
    int64_t rejected = s_health_counter (&daemon, "counters", "rejected");
    int64_t lost = s_health_counter (&daemon, "counters", "lost");

    //  4: latency at fixed rates
    double rates [] = { 1000, 10000, 50000 };
    double p50 [3], p99 [3], p999 [3], achieved [3];
    int64_t next = size->n_throughput;
    for (int index = 0; index < 3; index++) {
        int64_t count = (int64_t) (rates [index] * size->latency_seconds);
        int64_t *latencies = (int64_t *) calloc ((size_t) count, sizeof (int64_t));
        achieved [index] = s_drive (&daemon, next, count, rates [index], "lat", false, latencies);
        next += count;
        qsort (latencies, (size_t) count, sizeof (int64_t), s_compare);
        p50 [index] = s_percentile (latencies, count, 50);
        p99 [index] = s_percentile (latencies, count, 99);
        p999 [index] = s_percentile (latencies, count, 99.9);
        free (latencies);
    }

    //  5: memory after N1 and N2 reports stored; store bytes per report
    int64_t stored = s_health_counter (&daemon, "counters", "reports");
    if (stored < size->n1)
        s_drive (&daemon, next, size->n1 - stored, 0, "mem", false, NULL), next += size->n1 - stored;
    int64_t rss1 = s_rss_kb (daemon.pid);
    stored = s_health_counter (&daemon, "counters", "reports");
    int64_t n1 = stored;
    if (stored < size->n2)
        s_drive (&daemon, next, size->n2 - stored, 0, "mem", false, NULL), next += size->n2 - stored;
    int64_t rss2 = s_rss_kb (daemon.pid);
    int64_t n2 = s_health_counter (&daemon, "counters", "reports");
    int64_t map_used = s_health_counter (&daemon, "store", "map_used");

    //  7: acknowledged submit
    double ack1 = s_ack (&daemon, 1, size->n_ack, next);
    next += size->n_ack;
    double ack8 = s_ack (&daemon, 8, size->n_ack / 8, next);
    next += size->n_ack;

    //  6: restart to ready with N2 stored
    s_daemon_stop (&daemon);
    char data [340];
    snprintf (data, sizeof (data), "%s/data.mdb", daemon.store);
    int64_t store_file = s_file_size (data);
    double restart = s_daemon_start (&daemon);
    s_daemon_stop (&daemon);

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
    for (int index = 0; index < 3; index++)
        printf ("| latency at %.0f/s (achieved %.0f/s) | p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms | %s |\n",
                rates [index], achieved [index], p50 [index], p99 [index], p999 [index],
                index == 1? "target p99 <= 2 ms": "");
    printf ("| resident memory (anonymous) after %lld reports | %.1f MiB | |\n", (long long) n1, rss1 / 1024.0);
    printf ("| resident memory (anonymous) after %lld reports | %.1f MiB | ratio %.2f (target <= 2) |\n",
            (long long) n2, rss2 / 1024.0, (double) rss2 / (double) rss1);
    printf ("| store: map used / data.mdb | %.0f / %.0f bytes per report | %.2f x the msgpack bodies (target <= 2) |\n",
            (double) map_used / (double) n2, (double) store_file / (double) n2,
            (double) map_used / body_total);
    printf ("| restart to ready, %lld reports stored | %.3f s | target <= 1 s |\n", (long long) n2, restart);
    printf ("| acknowledged submit, 1 feeder | %.0f reports/s | REQ, one at a time |\n", ack1);
    printf ("| acknowledged submit, 8 feeders | %.0f reports/s | |\n", ack8);
    s_table_bytes (daemon.store, n2);
    fflush (stdout);
    hs_pack_destroy (&body);
    if (!keep) {
        char command [400];
        snprintf (command, sizeof (command), "rm -rf '%s'", daemon.folder);
        if (system (command) != 0)
            fprintf (stderr, "hs_bench: could not remove %s\n", daemon.folder);
    }
    return 0;
}
