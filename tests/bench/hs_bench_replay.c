/*  =========================================================================
    hs_bench_replay - reading the store back: the api's `replay` to one
    client, and `huishang rules backtest` over the stored cases

    Replay: one REQ client pages through `replay` (PROTOCOL.md §6.3) from
    seq 1, limit 10000 (the most a page may ask), each reply unpacked whole
    as a client must, over the store the end-to-end run filled, until
    `count` events or the store's end; events per second against raw
    libzmq PUB->SUB over ipc, the same transport with nothing behind it.
    Backtest: the real `huishang rules backtest` binary, timed from start
    to exit, over the store the api part made (its cases), with the
    shipped rules; cases per second as it counts them itself.
    =========================================================================
*/

#include "hs_bench.h"

#define REPLAY_PAGE     10000
#define REPLAY_DEADLINE 120         //  seconds of paging at most

void
bench_replay (bench_daemon_t *daemon, int64_t count, bench_replay_t *result)
{
    result->events = 0;
    result->pages = 0;
    zsock_t *req = zsock_new (ZMQ_REQ);
    zsock_set_rcvtimeo (req, 60000);
    zsock_set_linger (req, 0);
    zsock_connect (req, "%s", daemon->api);
    hs_pack_t *args = hs_pack_new ();
    int64_t since = 1, last = 0;
    int64_t start = zclock_usecs ();
    while (result->events < count && bench_seconds (start) < REPLAY_DEADLINE) {
        hs_pack_reset (args);
        hs_replay_request_encode (args, (uint64_t) since, REPLAY_PAGE);
        zmsg_t *msg = zmsg_new ();
        zmsg_addstr (msg, "replay");
        zmsg_addmem (msg, hs_pack_data (args), hs_pack_size (args));
        zmsg_send (&msg, req);
        zmsg_t *reply = zmsg_recv (req);
        if (!reply)
            break;
        char *status = zmsg_popstr (reply);
        zframe_t *body = zmsg_pop (reply);
        bool ok = status && streq (status, "ok") && body;
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        if (ok && hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0) {
            const msgpack_object *events = hs_proto_get (&unpacked.data, "events");
            if (events && events->type == MSGPACK_OBJECT_ARRAY)
                result->events += events->via.array.size;
            since = hs_proto_int (&unpacked.data, "next", -1);
            last = hs_proto_int (&unpacked.data, "last", -1);
            result->pages++;
        }
        else {
            fprintf (stderr, "hs_bench: replay answered %s\n", status? status: "nothing");
            ok = false;
        }
        msgpack_unpacked_destroy (&unpacked);
        zframe_destroy (&body);
        zstr_free (&status);
        zmsg_destroy (&reply);
        if (!ok || since < 1 || since > last)
            break;
    }
    result->replay_seconds = bench_seconds (start);
    result->replay_rate = result->replay_seconds > 0?
                          (double) result->events / result->replay_seconds: 0;
    hs_pack_destroy (&args);
    zsock_destroy (&req);
}

void
bench_backtest (const char *client, const char *config, const char *rules, const char *store,
                bench_replay_t *result)
{
    result->cases = result->reports = -1;
    char command [1400];
    //  --limit 1: the cases that would change are listed, one at most; the
    //  walk and the counts are the same whatever the limit.
    snprintf (command, sizeof (command),
              "'%s' --config '%s' rules backtest '%s' --store '%s' --limit 1 2>&1",
              client, config, rules, store);
    int64_t start = zclock_usecs ();
    FILE *output = popen (command, "r");
    char line [1024];
    while (output && fgets (line, sizeof (line), output)) {
        long long cases, reports;
        if (sscanf (line, "%lld cases (%lld reports) replayed", &cases, &reports) == 2) {
            result->cases = cases;
            result->reports = reports;
        }
    }
    int status = output? pclose (output): -1;
    result->backtest_seconds = bench_seconds (start);
    if (status != 0 || result->cases < 0) {
        fprintf (stderr, "hs_bench: %s: exit %d, no count\n", command, status);
        result->cases = -1;
    }
    result->backtest_rate = result->cases > 0 && result->backtest_seconds > 0?
                            (double) result->cases / result->backtest_seconds: 0;
}

void
bench_client_path (const char *daemon, char *path, size_t size)
{
    const char *slash = strrchr (daemon, '/');
    if (slash)
        snprintf (path, size, "%.*s/huishang", (int) (slash - daemon), daemon);
    else
        snprintf (path, size, "huishang");
}

void
bench_replay_print (const bench_replay_t *replay, double zmq_ipc, double e2e)
{
    printf ("| replay (api, one REQ client, pages of %d), %lld events from seq 1 | %.0f events/s | %.1f%% of raw libzmq ipc (%lld pages, %.2f s) |\n",
            REPLAY_PAGE, (long long) replay->events, replay->replay_rate,
            zmq_ipc > 0? 100 * replay->replay_rate / zmq_ipc: 0, (long long) replay->pages,
            replay->replay_seconds);
    if (replay->cases < 0)
        printf ("| huishang rules backtest config/rules.cfg, the api part's store | failed | see stderr |\n");
    else
        printf ("| huishang rules backtest config/rules.cfg, %lld stored cases (%lld reports) | %.0f cases/s | %.1f s in all; %.2f x the daemon's e2e reports/s |\n",
                (long long) replay->cases, (long long) replay->reports, replay->backtest_rate,
                replay->backtest_seconds, e2e > 0? replay->backtest_rate / e2e: 0);
    fflush (stdout);
}
