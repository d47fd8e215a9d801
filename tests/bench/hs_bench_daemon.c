/*  =========================================================================
    hs_bench_daemon - the daemon under test: starting it, asking it, and
    driving it with feeders and subscribers
    =========================================================================
*/

#include "hs_bench.h"
#include <sys/prctl.h>

static const char *s_streets [] = {
    "caoyang", "changfeng", "changshou", "ganquan", "shiquan",
    "yichuan", "wanli", "zhenru", "changzheng", "taopu"
};

//  A realistic report body: every field of SPEC §2, a summary, ~450 bytes.
//  Its id is "<prefix>-<index>-<send time, µs>": the alert carries it back.
void
bench_report (hs_pack_t *pack, int64_t index, int64_t at, const char *prefix)
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

double
bench_seconds (int64_t start_us)
{
    return (double) (zclock_usecs () - start_us) / 1e6;
}


//  A counter from the daemon's health reply; the daemon is one thread and
//  may be deep in a big batch, so ask patiently (-1 if it never answers).
int64_t
bench_health_counter (bench_daemon_t *daemon, const char *section, const char *name)
{
    int64_t value = -1;
    for (int attempt = 0; attempt < 6 && value < 0; attempt++)
        value = bench_health_once (daemon, section, name, 10000);
    return value;
}

//  Ask the daemon's api `command` (no arguments): 0 with its reply's body
//  in `unpacked` (initialised here, destroyed by the caller), or -1.
static int
s_api_ask (bench_daemon_t *daemon, const char *command, int timeout, msgpack_unpacked *unpacked)
{
    msgpack_unpacked_init (unpacked);
    zsock_t *req = zsock_new (ZMQ_REQ);
    zsock_set_rcvtimeo (req, timeout);
    zsock_set_linger (req, 0);
    zsock_connect (req, "%s", daemon->api);
    zstr_send (req, command);
    zmsg_t *reply = zmsg_recv (req);
    int rc = -1;
    if (reply) {
        zframe_t *status = zmsg_pop (reply);
        zframe_t *body = zmsg_pop (reply);
        if (body && hs_proto_unpack_stored (zframe_data (body), zframe_size (body), unpacked) == 0)
            rc = 0;
        zframe_destroy (&body);
        zframe_destroy (&status);
        zmsg_destroy (&reply);
    }
    zsock_destroy (&req);
    return rc;
}

int64_t
bench_health_once (bench_daemon_t *daemon, const char *section, const char *name, int timeout)
{
    msgpack_unpacked unpacked;
    int64_t value = -1;
    if (s_api_ask (daemon, "health", timeout, &unpacked) == 0)
        value = hs_proto_int (hs_proto_get (&unpacked.data, section), name, -1);
    msgpack_unpacked_destroy (&unpacked);
    return value;
}

//  Start the daemon; returns the real seconds until it answers health.
double
bench_daemon_start (bench_daemon_t *daemon)
{
    int64_t start = zclock_usecs ();
    daemon->pid = fork ();
    if (daemon->pid == 0) {
        //  A bench that dies, however, takes its daemon with it.
        prctl (PR_SET_PDEATHSIG, SIGTERM);
        char log [320];
        snprintf (log, sizeof (log), "%s/huishangd.log", daemon->folder);
        FILE *out = freopen (log, "a", stderr);
        (void) out;
        if (daemon->notify) {
            //  As systemd would: WatchdogSec=1s, so it pings every half second.
            setenv ("NOTIFY_SOCKET", daemon->notify, 1);
            setenv ("WATCHDOG_USEC", "1000000", 1);
        }
        execl (daemon->binary, daemon->binary, "--foreground", "--config", daemon->config,
               "--ingest", daemon->ingest, "--publish", daemon->publish, "--api", daemon->api,
               "--submit", daemon->submit, "--store", daemon->store, NULL);
        _exit (127);
    }
    while (bench_health_once (daemon, "counters", "reports", 200) < 0)
        if (waitpid (daemon->pid, NULL, WNOHANG) == daemon->pid) {
            fprintf (stderr, "hs_bench: huishangd exited at start (see %s/huishangd.log)\n",
                     daemon->folder);
            _exit (1);     //  not exit: czmq's atexit would assert on live actors
        }
        else
        if (bench_seconds (start) > 240) {      //  the start check's 2 min, and more
            fprintf (stderr, "hs_bench: huishangd did not start (see %s/huishangd.log)\n",
                     daemon->folder);
            bench_daemon_stop (daemon);
            _exit (1);     //  not exit: czmq's atexit would assert on live actors
        }
    return bench_seconds (start);
}

void
bench_daemon_stop (bench_daemon_t *daemon)
{
    kill (daemon->pid, SIGTERM);
    waitpid (daemon->pid, NULL, 0);
}

//  Resident memory of the process, less LMDB's map: the anonymous part
//  (the map is a file mapping; its resident pages are the kernel's cache).
int64_t
bench_rss_kb (pid_t pid)
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

int64_t
bench_log_lines (bench_daemon_t *daemon, int64_t from, int64_t *size)
{
    char path [320];
    snprintf (path, sizeof (path), "%s/huishangd.log", daemon->folder);
    FILE *file = fopen (path, "rb");
    int64_t lines = 0;
    *size = from;
    if (file && fseek (file, (long) from, SEEK_SET) == 0) {
        int byte;
        while ((byte = getc (file)) != EOF) {
            lines += byte == '\n';
            (*size)++;
        }
    }
    if (file)
        fclose (file);
    return lines;
}

int64_t
bench_file_size (const char *path)
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
    bench_daemon_t *daemon;
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
        bench_report (pack, args->first + index, zclock_time (), args->prefix);
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
            bench_report (pack, args->first + index, zclock_time (), args->prefix);
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
double
bench_drive (bench_daemon_t *daemon, int64_t first, int64_t count, double rate, const char *prefix,
             bool prebuilt, int64_t *latencies, bench_alert_fn *on_alert, void *arg)
{
    zsock_t *sub = zsock_new (ZMQ_SUB);
    zsock_set_rcvhwm (sub, 0);
    zsock_set_subscribe (sub, daemon->pid? "alert.": "");
    zsock_connect (sub, "%s", daemon->publish);
    //  Wait for the subscription to be live: the daemon counts it (the
    //  floor pipeline waits for it itself).
    for (int attempt = 0; daemon->pid && attempt < 100; attempt++) {
        if (bench_health_once (daemon, "counters", "subscriptions", 2000) > 0)
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
        if (on_alert) {
            zframe_t *body = zmsg_last (msg);
            msgpack_unpacked unpacked;
            msgpack_unpacked_init (&unpacked);
            if (hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0)
                on_alert (arg, &unpacked.data);
            msgpack_unpacked_destroy (&unpacked);
        }
        if (latencies) {
            //  The report's id carries its index and its send time.
            zframe_t *body = zmsg_last (msg);
            msgpack_unpacked unpacked;
            msgpack_unpacked_init (&unpacked);
            if (hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0) {
                char id [HS_ID_MAX + 1];
                long long index = -1, sent = 0;
                //  an alert names the report; the floor passes the report on
                const msgpack_object *named = hs_proto_get (&unpacked.data, "report");
                if (hs_proto_strcpy (named? named: hs_proto_get (&unpacked.data, "id"), id,
                                     sizeof (id)) == 0
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
    double seconds = bench_seconds (start);
    zsock_wait (feeder);
    zsock_signal (feeder, 0);
    zactor_destroy (&feeder);
    zsock_destroy (&sub);
    return (double) received / seconds;
}

int
bench_compare (const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return x < y? -1: x > y;
}

double
bench_percentile (int64_t *values, int64_t count, double percent)
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
    bench_daemon_t *daemon;
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
        bench_report (pack, args->first + index, zclock_time (), "ack");
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

double
bench_ack (bench_daemon_t *daemon, int feeders, int64_t per_feeder, int64_t first)
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
    double rate = (double) (feeders * per_feeder) / bench_seconds (start);
    for (int index = 0; index < feeders; index++)
        zactor_destroy (&actors [index]);
    return rate;
}

//  One DEALER feeder with `window` submits in flight, each tagged (its
//  index, echoed by the daemon before the empty delimiter): a new one goes
//  as each answer comes. Reports per second, first send to last answer.
double
bench_ack_window (bench_daemon_t *daemon, int window, int64_t count, int64_t first)
{
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    zsock_set_sndhwm (dealer, window * 2 + 16);
    zsock_set_rcvhwm (dealer, window * 2 + 16);
    zsock_set_rcvtimeo (dealer, 20000);
    zsock_connect (dealer, "%s", daemon->submit);
    hs_pack_t *pack = hs_pack_new ();
    int64_t sent = 0, answered = 0, start = zclock_usecs ();
    while (answered < count) {
        while (sent < count && sent - answered < window) {
            hs_pack_reset (pack);
            bench_report (pack, first + sent, zclock_time (), "ackw");
            zmsg_t *msg = zmsg_new ();
            zmsg_addmem (msg, &sent, sizeof (sent));
            zmsg_addmem (msg, NULL, 0);
            zmsg_addstr (msg, "report.hrss");
            zmsg_addmem (msg, hs_pack_data (pack), hs_pack_size (pack));
            zmsg_send (&msg, dealer);
            sent++;
        }
        zmsg_t *reply = zmsg_recv (dealer);
        if (!reply) {
            fprintf (stderr, "hs_bench: no answer to a windowed submit in 20 s\n");
            break;
        }
        zframe_t *tag = zmsg_first (reply);
        zmsg_next (reply);
        zframe_t *status = zmsg_next (reply);
        if (zframe_size (tag) != sizeof (int64_t) || !status || !zframe_streq (status, "ok"))
            fprintf (stderr, "hs_bench: windowed submit answered %s\n",
                     status? "other than ok": "without a status");
        zmsg_destroy (&reply);
        answered++;
    }
    double rate = (double) answered / bench_seconds (start);
    hs_pack_destroy (&pack);
    zsock_destroy (&dealer);
    return rate;
}

//  Where the store's bytes go: pages per table, per report stored.
void
bench_table_bytes (const char *store, int64_t reports)
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
    printf ("\n| table | entries | bytes per report (pages), %lld reports stored |\n|---|---|---|\n",
            (long long) reports);
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


void
bench_check_background (bench_daemon_t *daemon, char *line, size_t size)
{
    char path [320], text [1024];
    snprintf (path, sizeof (path), "%s/huishangd.log", daemon->folder);
    snprintf (line, size, "%s", "");
    FILE *log = fopen (path, "r");
    if (!log)
        return;
    //  The last start's lines: the quick part, then (if it finished) the rest.
    while (fgets (text, sizeof (text), log)) {
        text [strcspn (text, "\n")] = 0;
        char *at = strstr (text, "the quick check is sound");
        if (at)
            snprintf (line, size, "still reading at the replay's end (%s)", at);
        at = strstr (text, "(in the background) ");
        if (at)
            snprintf (line, size, "%s", at + strlen ("(in the background) "));
    }
    fclose (log);
}

int
bench_daemon_commits (bench_daemon_t *daemon, bench_commits_t *commits)
{
    memset (commits, 0, sizeof (*commits));
    msgpack_unpacked unpacked;
    const msgpack_object *text = NULL;
    if (s_api_ask (daemon, "metrics", 10000, &unpacked) == 0)
        text = hs_proto_get (&unpacked.data, "text");
    int rc = -1;
    if (text && text->type == MSGPACK_OBJECT_STR) {
        char *page = strndup (text->via.str.ptr, text->via.str.size);
        static const char *bounds [] = { "0.0005", "0.001", "0.002", "0.005", "0.01", "0.025",
                                         "+Inf" };
        for (int index = 0; index < 7; index++) {
            char name [96];
            snprintf (name, sizeof (name), "huishang_commit_seconds_bucket{le=\"%s\"} ",
                      bounds [index]);
            const char *at = strstr (page, name);
            if (at)
                commits->le [index] = atof (at + strlen (name));
        }
        const char *sum = strstr (page, "huishang_commit_batch_size_sum ");
        if (sum)
            commits->messages = atof (sum + strlen ("huishang_commit_batch_size_sum "));
        rc = commits->le [6] > 0? 0: -1;
        free (page);
    }
    msgpack_unpacked_destroy (&unpacked);
    return rc;
}
