/*  =========================================================================
    hs_bench_api - the api under load: a store with many cases, a client
    that asks for the open ones back to back, and what the writer does
    meanwhile (report -> alert latency at 1,000/s, its watchdog pings)

    The daemon runs as under systemd with WatchdogSec=1s: it pings every
    half second from its loop, and a datagram socket here records when.
    The cases are made through the daemon: reports from distinct
    enterprises open them; all but `open` of them are then closed the
    way the mechanism closes a case: its lead (the street) reports it
    resolved (办结), then the office closes it (审核办结).
    =========================================================================
*/

#include "hs_bench.h"
#include <sys/socket.h>
#include <sys/un.h>

//  The case ids the fill's alerts name, in order.
typedef struct {
    char (*ids) [HS_ID_MAX + 1];
    char (*leads) [HS_CODE_MAX + 1];        //  each case's lead (主办)
    int64_t count, max;
} s_cases_t;

static void
s_collect (void *arg, const msgpack_object *alert)
{
    s_cases_t *cases = (s_cases_t *) arg;
    char kind [16];
    if (cases->count < cases->max
    &&  hs_proto_strcpy (hs_proto_get (alert, "kind"), kind, sizeof (kind)) == 0
    &&  strcmp (kind, "new") == 0
    &&  hs_proto_strcpy (hs_proto_get (alert, "case"), cases->ids [cases->count], HS_ID_MAX + 1) == 0
    &&  hs_proto_strcpy (hs_proto_get (alert, "street"), cases->leads [cases->count],
                         HS_CODE_MAX + 1) == 0) {
        //  The shipped rules' lead: the hrss from major up, else the street.
        char level [16] = "";
        hs_proto_strcpy (hs_proto_get (alert, "level"), level, sizeof (level));
        if (hs_level_parse (level) >= HS_LEVEL_MAJOR)
            strcpy (cases->leads [cases->count], "hrss");
        cases->count++;
    }
}

//  Send one message per case [0, count) on ingest at full speed, made by
//  `make` (topic and body), and wait until the daemon's counter `counter`
//  has grown by as many.
typedef void (s_make_fn) (s_cases_t *cases, int64_t index, char *topic, size_t topic_size,
                          hs_pack_t *pack);

static void
s_send_all (bench_daemon_t *daemon, s_cases_t *cases, int64_t count, s_make_fn *make,
            const char *counter)
{
    int64_t before = bench_health_counter (daemon, "counters", counter);
    zsock_t *pub = zsock_new (ZMQ_XPUB);
    zsock_set_sndhwm (pub, 0);
    zsock_set_linger (pub, -1);
    zsock_connect (pub, "%s", daemon->ingest);
    zsock_set_rcvtimeo (pub, 5000);
    zframe_t *subscription = zframe_recv (pub);
    zframe_destroy (&subscription);
    hs_pack_t *pack = hs_pack_new ();
    for (int64_t index = 0; index < count; index++) {
        char topic [HS_CODE_MAX + 16];
        hs_pack_reset (pack);
        make (cases, index, topic, sizeof (topic), pack);
        zmsg_t *msg = zmsg_new ();
        zmsg_addstr (msg, topic);
        zmsg_addmem (msg, hs_pack_data (pack), hs_pack_size (pack));
        zmsg_send (&msg, pub);
    }
    int64_t start = zclock_mono ();
    while (bench_health_counter (daemon, "counters", counter) < before + count
       &&  zclock_mono () - start < 600000)
        zclock_sleep (100);
    hs_pack_destroy (&pack);
    zsock_destroy (&pub);
}

//  办结: the case's lead says it is resolved.
static void
s_make_resolved (s_cases_t *cases, int64_t index, char *topic, size_t topic_size,
                 hs_pack_t *pack)
{
    hs_update_t update = { .at = zclock_time (), .status = HS_STATUS_RESOLVED };
    snprintf (update.id, sizeof (update.id), "resolve-%lld", (long long) index);
    hs_strcpy (update.source, sizeof (update.source), cases->leads [index]);
    hs_strcpy (update.case_id, sizeof (update.case_id), cases->ids [index]);
    hs_update_encode (&update, pack);
    snprintf (topic, topic_size, "update.%s", cases->leads [index]);
}

//  审核办结: the office closes it.
static void
s_make_close (s_cases_t *cases, int64_t index, char *topic, size_t topic_size, hs_pack_t *pack)
{
    hs_case_act_t act = { .at = zclock_time (), .act = HS_CASE_ACT_CLOSE, .satisfied = -1 };
    snprintf (act.id, sizeof (act.id), "close-%lld", (long long) index);
    strcpy (act.source, "office");
    hs_strcpy (act.case_id, sizeof (act.case_id), cases->ids [index]);
    hs_case_act_encode (&act, pack);
    snprintf (topic, topic_size, "act.office");
}

//  Close cases [0, count) as the mechanism does, at full speed, and wait
//  until the daemon has stored every step.
static void
s_close (bench_daemon_t *daemon, s_cases_t *cases, int64_t count)
{
    s_send_all (daemon, cases, count, s_make_resolved, "updates");
    s_send_all (daemon, cases, count, s_make_close, "acts");
}

//  One `cases status=open limit=100`; returns its time in ms, -1 if no answer.
static double
s_query (zsock_t *req, hs_pack_t *args)
{
    int64_t start = zclock_usecs ();
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, "cases");
    zmsg_addmem (msg, hs_pack_data (args), hs_pack_size (args));
    zmsg_send (&msg, req);
    zmsg_t *reply = zmsg_recv (req);
    if (!reply)
        return -1;
    char *status = zmsg_popstr (reply);
    bool ok = status && strcmp (status, "ok") == 0;
    zstr_free (&status);
    zmsg_destroy (&reply);
    return ok? (double) (zclock_usecs () - start) / 1000.0: -1;
}

static void
s_query_args (hs_pack_t *args)
{
    hs_cases_request_t request = { .status = "open", .overdue = -1, .limit = 100 };
    hs_cases_request_encode (args, &request);
}

//  A client asking back to back until told to stop; answers counted.
static void
s_asker (zsock_t *pipe, void *arg)
{
    bench_daemon_t *daemon = (bench_daemon_t *) arg;
    zsock_t *req = zsock_new_req (daemon->api);
    zsock_set_rcvtimeo (req, 60000);
    hs_pack_t *args = hs_pack_new ();
    s_query_args (args);
    zsock_signal (pipe, 0);
    int64_t answered = 0;
    while (!(zsock_events (pipe) & ZMQ_POLLIN) && s_query (req, args) >= 0)
        answered++;
    zsock_wait (pipe);
    zsock_send (pipe, "8", answered);
    hs_pack_destroy (&args);
    zsock_destroy (&req);
}

//  The watchdog's listener: a datagram socket the daemon's sd_notify
//  writes to; records the longest gap between WATCHDOG=1 pings while
//  `measuring` is on (the pipe says when).
static void
s_watchdog (zsock_t *pipe, void *arg)
{
    const char *path = (const char *) arg;
    int fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    strncpy (address.sun_path, path, sizeof (address.sun_path) - 1);
    unlink (path);
    if (bind (fd, (struct sockaddr *) &address, sizeof (address))) {
        fprintf (stderr, "hs_bench: cannot bind %s: %s\n", path, strerror (errno));
        _exit (1);     //  not exit: czmq's atexit would assert on live actors
    }
    zsock_signal (pipe, 0);
    int64_t last = 0, gap = 0;
    bool measuring = false;
    while (true) {
        zmq_pollitem_t items [] = { { zsock_resolve (pipe), 0, ZMQ_POLLIN, 0 },
                                    { NULL, fd, ZMQ_POLLIN, 0 } };
        if (zmq_poll (items, 2, -1) == -1)
            break;
        if (items [0].revents & ZMQ_POLLIN) {
            char *command = zstr_recv (pipe);
            bool stop = !command || strcmp (command, "STOP") == 0;
            if (command && strcmp (command, "MEASURE") == 0) {
                measuring = true;
                last = zclock_usecs ();
                gap = 0;
            }
            zstr_free (&command);
            if (stop)
                break;
        }
        else
        if (items [1].revents & ZMQ_POLLIN) {
            char datagram [512];
            ssize_t size = recv (fd, datagram, sizeof (datagram) - 1, 0);
            if (size > 0) {
                datagram [size] = 0;
                if (strstr (datagram, "WATCHDOG=1") && measuring) {
                    int64_t now = zclock_usecs ();
                    if (now - last > gap)
                        gap = now - last;
                    last = now;
                }
            }
        }
        else
            break;
    }
    if (measuring && zclock_usecs () - last > gap)
        gap = zclock_usecs () - last;
    zsock_send (pipe, "8", gap);
    close (fd);
    unlink (path);
}

void
bench_api_load (const char *folder, const char *binary, const char *config, int64_t cases,
                int64_t open, double seconds, bench_api_t *result)
{
    memset (result, 0, sizeof (*result));
    bench_daemon_t daemon = { .binary = binary };
    snprintf (daemon.folder, sizeof (daemon.folder), "%s/api-load", folder);
    zsys_dir_create ("%s", daemon.folder);
    snprintf (daemon.ingest, sizeof (daemon.ingest), "ipc://%s/ingest", daemon.folder);
    snprintf (daemon.publish, sizeof (daemon.publish), "ipc://%s/publish", daemon.folder);
    snprintf (daemon.api, sizeof (daemon.api), "ipc://%s/api", daemon.folder);
    snprintf (daemon.submit, sizeof (daemon.submit), "ipc://%s/submit", daemon.folder);
    snprintf (daemon.store, sizeof (daemon.store), "%s/store", daemon.folder);
    snprintf (daemon.config, sizeof (daemon.config), "%s", config);
    char notify [320];
    snprintf (notify, sizeof (notify), "%s/notify", daemon.folder);
    zactor_t *watchdog = zactor_new (s_watchdog, notify);
    daemon.notify = notify;
    bench_daemon_start (&daemon);

    //  The store: `cases` cases, all but `open` of them closed.
    s_cases_t made = { calloc ((size_t) cases, HS_ID_MAX + 1),
                       calloc ((size_t) cases, HS_CODE_MAX + 1), 0, cases };
    int64_t start = zclock_usecs ();
    bench_drive (&daemon, 0, cases, 0, "fill", true, NULL, s_collect, &made);
    s_close (&daemon, &made, made.count - open);
    result->fill_seconds = bench_seconds (start);
    result->cases = bench_health_counter (&daemon, "store", "cases");
    result->open = bench_health_counter (&daemon, "store", "open_cases");
    free (made.ids);
    free (made.leads);

    //  The query alone.
    zsock_t *req = zsock_new_req (daemon.api);
    zsock_set_rcvtimeo (req, 120000);
    hs_pack_t *args = hs_pack_new ();
    s_query_args (args);
    int64_t times [50];
    int answered = 0;
    for (int index = 0; index < 50; index++) {
        double ms = s_query (req, args);
        if (ms >= 0)
            times [answered++] = (int64_t) (ms * 1000);
    }
    qsort (times, (size_t) answered, sizeof (int64_t), bench_compare);
    result->query_p50_ms = bench_percentile (times, answered, 50);
    result->query_p99_ms = bench_percentile (times, answered, 99);
    hs_pack_destroy (&args);
    zsock_destroy (&req);

    //  Reports at 1,000 a second: alone, then while the client asks back
    //  to back. The fill left the kernel much to write back; settle it
    //  first, so that neither run pays for the fill's writes in its fsyncs.
    sync ();
    zclock_sleep (1000);
    int64_t count = (int64_t) (1000 * seconds);
    int64_t *latencies = (int64_t *) calloc ((size_t) count, sizeof (int64_t));
    bench_drive (&daemon, cases, count, 1000, "calm", false, latencies, NULL, NULL);
    qsort (latencies, (size_t) count, sizeof (int64_t), bench_compare);
    result->unloaded_p99_ms = bench_percentile (latencies, count, 99);
    memset (latencies, 0, (size_t) count * sizeof (int64_t));
    zactor_t *asker = zactor_new (s_asker, &daemon);
    zstr_send (watchdog, "MEASURE");
    result->loaded_achieved = bench_drive (&daemon, cases + count, count, 1000, "api", false,
                                           latencies, NULL, NULL);
    zstr_send (watchdog, "STOP");
    int64_t gap = 0;
    zsock_recv (watchdog, "8", &gap);
    result->watchdog_gap_ms = (double) gap / 1000.0;
    zsock_signal (asker, 0);
    zsock_recv (asker, "8", &result->queries);
    qsort (latencies, (size_t) count, sizeof (int64_t), bench_compare);
    result->loaded_p99_ms = bench_percentile (latencies, count, 99);
    free (latencies);
    zactor_destroy (&asker);
    zactor_destroy (&watchdog);
    bench_daemon_stop (&daemon);
}

void
bench_api_print (const bench_api_t *api)
{
    printf ("| api: cases status=open limit=100, %lld cases stored, %lld open | p50 %.2f ms, p99 %.2f ms | target <= 20 ms (store made in %.0f s) |\n",
            (long long) api->cases, (long long) api->open, api->query_p50_ms, api->query_p99_ms,
            api->fill_seconds);
    printf ("| api: p99 report -> alert at 1000/s while those queries run back to back | %.2f ms (achieved %.0f/s, %lld queries answered) | target <= 5 ms; %.2f ms with no queries |\n",
            api->loaded_p99_ms, api->loaded_achieved, (long long) api->queries,
            api->unloaded_p99_ms);
    printf ("| api: longest gap between the writer's watchdog pings meanwhile | %.0f ms | pings every 500 ms; target < 1000 ms |\n",
            api->watchdog_gap_ms);
    fflush (stdout);
}
