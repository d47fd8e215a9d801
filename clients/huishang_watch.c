/*  =========================================================================
    huishang_watch - huishang's readers of the published stream

    watch subscribes and prints what comes (a slow joiner: what was
    published before it connected is not shown). replay is the Clone
    pattern (PROTOCOL.md §6.4): subscribe first; prove the subscription is
    live (hs_client_join); page through the stored events from a seq; then
    follow the live stream, skipping what the pages already gave. No gap,
    no duplicate.
    =========================================================================
*/

#include "huishang_watch.h"
#include "huishang_options.h"
#include "huishang_print.h"
#include "huishang_fresh.h"

//  What a reader of the stream keeps beside its socket: is the daemon
//  answering (hs.heartbeat), and are the beats shown (-v).
#define SEEN_MAX 1024          //  seqs remembered, to show a resent event once

typedef struct {
    huishang_fresh_t fresh;
    bool verbose;
    int64_t seen [SEEN_MAX];    //  the last seqs shown (a ring)
    size_t seen_next;
} s_stream_t;

//  Delivery is at least once (PROTOCOL.md §4.13): after a crash the daemon
//  sends the last events again. True if `seq` was shown already; if not,
//  it is remembered.
static bool
s_seen (s_stream_t *stream, int64_t seq)
{
    if (seq <= 0)
        return false;               //  not an event (warning.store)
    for (size_t index = 0; index < SEEN_MAX; index++)
        if (stream->seen [index] == seq)
            return true;
    stream->seen [stream->seen_next] = seq;
    stream->seen_next = (stream->seen_next + 1) % SEEN_MAX;
    return false;
}

//  Say on stderr when the daemon stops answering, and when it is back.
static void
s_freshness (s_stream_t *stream, bool back)
{
    char since [48];
    if (back) {
        huishang_time_clock (stream->fresh.heard_wall, since, sizeof (since));
        fprintf (stderr, "huishang: the daemon answers again (heartbeat at %s %s)\n", since,
                 huishang_time_label ());
    }
    else
    if (huishang_fresh_check (&stream->fresh)) {
        huishang_time_clock (stream->fresh.heard_wall, since, sizeof (since));
        fprintf (stderr, "huishang: no heartbeat from the daemon for %lld s (since %s %s)\n",
                 (long long) (huishang_fresh_silent_ms (&stream->fresh) / 1000), since,
                 huishang_time_label ());
    }
}

//  Receive one message from `sub` and show it, unless its seq is not above
//  *delivered (when delivered is given; it is moved on). Returns 1 if it
//  was shown, 0 if not, -1 if nothing came.
static int
s_receive (zsock_t *sub, hs_units_t *units, bool json, int64_t *delivered, s_stream_t *stream)
{
    //  Wait no longer than until the daemon would be late.
    int64_t wait = huishang_fresh_wait (&stream->fresh);
    zsock_set_rcvtimeo (sub, wait < 0 || wait > 1000? 1000: (int) wait + 1);
    zmsg_t *msg = zmsg_recv (sub);
    if (!msg) {
        if (zsys_interrupted)
            return -1;
        s_freshness (stream, false);
        return 0;
    }
    char *topic = zmsg_popstr (msg);
    zframe_t *body = zmsg_pop (msg);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    int shown = 0;
    if (topic && body
    &&  hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0) {
        int64_t seq = huishang_print_int (&unpacked.data, "seq");
        if (streq (topic, HS_HEARTBEAT_TOPIC)) {
            s_freshness (stream, huishang_fresh_beat (&stream->fresh, &unpacked.data));
            if (stream->verbose)
                huishang_print_message (units, topic, &unpacked.data, json);
        }
        else
        if (!delivered && s_seen (stream, seq))
            ;                           //  sent again after a crash: shown already
        else
        if (!delivered || (!streq (topic, "hs.hello") && seq > *delivered)) {
            if (delivered)
                *delivered = seq;
            huishang_print_message (units, topic, &unpacked.data, json);
            shown = 1;
        }
    }
    else
    if (!delivered)
        fprintf (stderr, "huishang: unreadable message on '%s'\n", topic? topic: "?");
    msgpack_unpacked_destroy (&unpacked);
    zframe_destroy (&body);
    zstr_free (&topic);
    zmsg_destroy (&msg);
    s_freshness (stream, false);
    return shown;
}

static void
s_watch_usage (FILE *out)
{
    fprintf (out,
        "usage: huishang watch [-e EP] [--json] [-n COUNT] [-v] [--utc]\n"
        "                      [TOPIC-PREFIX ...]\n"
        "  default prefixes: alert. meeting. warning. prompt. proposal. case.\n"
        "  inspection. escalate. brief.\n"
        "  -v: the daemon's heartbeats (hs.heartbeat) too. Three missed: a\n"
        "  warning on stderr, and another when the daemon answers again.\n"
        "  Times are the district's (calendar/utc_offset); --utc: UTC.\n");
}

static int
s_watch (hs_client_t *client, hs_config_t *config, int argc, char *argv [])
{
    static struct option options [] = {
        { "endpoint", required_argument, NULL, 'e' }, { "config", required_argument, NULL, 'c' },
        { "json", no_argument, NULL, 'j' }, { "count", required_argument, NULL, 'n' },
        { "verbose", no_argument, NULL, 'v' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    bool json = false;
    s_stream_t stream = { .verbose = false };
    huishang_fresh_init (&stream.fresh, config->heartbeat_ms);
    long count = -1;
    bool bad_count = false;
    int option;
    optind = 1;
    while ((option = getopt_long (argc, argv, "e:c:jn:vh", options, NULL)) != -1) {
        switch (option) {
            case 'e': hs_client_set_publish (client, optarg); break;
            case 'c': break;                //  read by main
            case 'j': json = true; break;
            case 'n': {
                char *end;
                errno = 0;
                count = strtol (optarg, &end, 10);
                if (!*optarg || *end || errno || count < 0) {
                    fprintf (stderr, "huishang watch: -n takes a whole number, not '%s'\n", optarg);
                    bad_count = true;
                }
                break;
            }
            case 'v': stream.verbose = true; break;
            case 'h':
                s_watch_usage (stdout);
                return 0;
            default: s_watch_usage (stderr); return 2;
        }
    }
    if (bad_count) {
        s_watch_usage (stderr);
        return 2;
    }
    if (hs_client_probe (client, hs_client_publish_endpoint (client)))
        return 1;
    static const char *defaults [] = { "alert.", "meeting.", "warning.", "prompt.", "proposal.", "case.",
                                       "inspection.", "escalate.", "brief." };
    bool given = optind < argc;
    zsock_t *sub = hs_client_subscribe (client, given? (const char **) argv + optind: defaults,
                                        given? (size_t) (argc - optind):
                                        sizeof (defaults) / sizeof (defaults [0]), 100000);
    if (!sub)
        return 1;
    zsock_set_subscribe (sub, HS_HEARTBEAT_TOPIC);      //  is the daemon there?
    while (count != 0 && !zsys_interrupted) {
        int shown = s_receive (sub, config->units, json, NULL, &stream);
        if (shown < 0)
            break;
        if (shown && count > 0)
            count--;
    }
    zsock_destroy (&sub);
    return 0;
}

//  ---------------------------------------------------------------------
//  huishang replay

enum { O_SINCE = 410, O_COUNT, O_NO_FOLLOW, O_ENDPOINT };

typedef struct {
    hs_client_t *client;
    int64_t since;              //  the first seq asked for
    long count;                 //  how many to show (-1: no end)
    bool follow;                //  go on with the live stream
    bool verbose;               //  -v: heartbeats too, while following
    bool bad;                   //  a bad number given ...
    const char *bad_value;      //  ... this one
} s_replay_args_t;

static void
s_replay_option (int option, const char *value, void *arg)
{
    s_replay_args_t *replay = (s_replay_args_t *) arg;
    char *end;
    errno = 0;
    if (option == O_SINCE) {
        replay->since = strtoll (value, &end, 10);
        replay->bad |= !*value || *end || errno || replay->since < 0;
        replay->bad_value = value;
    }
    else
    if (option == O_COUNT) {
        replay->count = strtol (value, &end, 10);
        replay->bad |= !*value || *end || errno || replay->count < 0;
        replay->bad_value = value;
    }
    else
    if (option == O_NO_FOLLOW)
        replay->follow = false;
    else
    if (option == O_ENDPOINT)
        hs_client_set_publish (replay->client, value);
    else
    if (option == 'v')
        replay->verbose = true;
}

//  Is `topic` one of the prefixes asked for (all, without any)?
static bool
s_wanted (const char *topic, int count, char *prefixes [])
{
    bool wanted = count == 0;
    for (int index = 0; index < count && !wanted; index++)
        wanted = strncmp (topic, prefixes [index], strlen (prefixes [index])) == 0;
    return wanted;
}

//  The stored events from replay->since, page by page, shown as they would
//  have been live. Returns 0 with *delivered the last seq read, or the
//  api's answer if it was not "ok".
static int
s_replay_pages (hs_client_t *client, hs_config_t *config, s_replay_args_t *replay, bool json,
                int count, char *prefixes [], int64_t *delivered)
{
    hs_pack_t *args = hs_pack_new ();
    int64_t next = replay->since, last = 0;
    int rc;
    do {
        hs_pack_reset (args);
        hs_replay_request_encode (args, (uint64_t) next, 1000);
        hs_client_reply_t reply;
        rc = hs_client_request (client, "replay", args, &reply);
        if (rc) {
            hs_client_reply_destroy (&reply);
            break;
        }
        const msgpack_object *events = hs_proto_get (reply.body, "events");
        for (uint32_t index = 0; events && events->type == MSGPACK_OBJECT_ARRAY
                                 && index < events->via.array.size && replay->count != 0; index++) {
            const msgpack_object *entry = &events->via.array.ptr [index];
            char topic [HS_TOPIC_MAX + 1];
            huishang_print_str (entry, "topic", topic, sizeof (topic));
            if (s_wanted (topic, count, prefixes)) {
                huishang_print_message (config->units, topic, hs_proto_get (entry, "body"), json);
                if (replay->count > 0)
                    replay->count--;
            }
            *delivered = huishang_print_int (entry, "seq");
        }
        next = huishang_print_int (reply.body, "next");
        last = huishang_print_int (reply.body, "last");
        hs_client_reply_destroy (&reply);
    } while (next <= last && replay->count != 0 && !zsys_interrupted);
    hs_pack_destroy (&args);
    return rc;
}

static int
s_replay (hs_client_t *client, hs_config_t *config, int argc, char *argv [])
{
    static const struct option extra [] = {
        { "since", required_argument, NULL, O_SINCE }, { "count", required_argument, NULL, O_COUNT },
        { "no-follow", no_argument, NULL, O_NO_FOLLOW },
        { "endpoint", required_argument, NULL, O_ENDPOINT },
        { "verbose", no_argument, NULL, 'v' }, { NULL, 0, NULL, 0 }
    };
    s_replay_args_t replay = { client, 1, -1, true, false, false, NULL };
    bool json;
    int first = huishang_options_parse (client, argc, argv, extra, s_replay_option, &replay, &json);
    if (first < 0 || replay.bad) {
        if (replay.bad)
            fprintf (stderr, "huishang replay: --since and --count take whole numbers, not '%s'\n",
                     replay.bad_value);
        fprintf (first == -1? stdout: stderr, "usage: huishang replay [--since SEQ] [--count N] [--no-follow] [--json] [-v]\n"
                "                       [--utc] [--api EP] [--endpoint PUBLISH-EP]\n"
                "                       [TOPIC-PREFIX ...]\n"
                "  Following, as watch: -v shows heartbeats; three missed, a warning on\n"
                "  stderr.\n");
        return first == -1? 0: 2;
    }
    int count = argc - first;
    if (!replay.follow) {
        //  The stored events only: no live stream to join.
        int64_t delivered = 0;
        if (!hs_client_api_socket (client))
            return 1;
        return s_replay_pages (client, config, &replay, json, count, argv + first, &delivered)
               == 0? 0: 1;
    }
    static const char *everything [] = { "" };
    zsock_t *sub = hs_client_subscribe (client, count? (const char **) argv + first: everything,
                                        count? (size_t) count: 1, 0);
    if (!sub)
        return 1;
    if (!hs_client_api_socket (client)) {
        zsock_destroy (&sub);
        return 1;
    }
    //  1. Until our own token comes back, the subscription is not live.
    if (!hs_client_join (client, sub)) {
        fprintf (stderr, "huishang: could not join the live stream at %s\n",
                 hs_client_publish_endpoint (client));
        zsock_destroy (&sub);
        return 1;
    }
    //  2. The stored events from `since`, page by page.
    int64_t delivered = 0;
    int rc = s_replay_pages (client, config, &replay, json, count, argv + first, &delivered);
    //  3. Live, from where the pages ended.
    s_stream_t stream = { .verbose = replay.verbose };
    huishang_fresh_init (&stream.fresh, config->heartbeat_ms);
    zsock_set_subscribe (sub, HS_HEARTBEAT_TOPIC);
    while (rc == 0 && replay.follow && replay.count != 0 && !zsys_interrupted) {
        int shown = s_receive (sub, config->units, json, &delivered, &stream);
        if (shown < 0)
            break;
        if (shown && replay.count > 0)
            replay.count--;
    }
    zsock_destroy (&sub);
    return rc == 0? 0: 1;
}

int
huishang_watch_main (hs_client_t *client, hs_config_t *config, int argc, char *argv [])
{
    if (streq (argv [0], "replay"))
        return s_replay (client, config, argc, argv);
    return s_watch (client, config, argc, argv);
}
