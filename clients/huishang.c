/*  =========================================================================
    huishang - the command-line client of huishangd

        huishang pub [flags]        publish one report (or --update)
        huishang pub -              publish JSON lines from stdin
        huishang watch [PREFIX ...] print alerts, meetings, warnings as they come
        huishang health             ask the daemon's api for its health and counters
        huishang metrics            the same and more, in Prometheus's text format

    Endpoints come from the same config as the daemon's (built-in defaults,
    or --config FILE), and can be overridden with --endpoint / --api.
    Every body is encoded and checked with the shared codec (protocol/), so
    a feeder learns of a mistake before the daemon has to reject it.
    =========================================================================
*/

#include "huishang.h"
#include "../daemon/hs_query.h"
#include "../daemon/hs_verify.h"
#include <jansson.h>
#include <getopt.h>
#include <time.h>
#include <sys/stat.h>


//  ---------------------------------------------------------------------
//  CurveZMQ: the client's certificate and the server's public key, when
//  the daemon runs with security (--cert, --server-key or --server-cert).

static zcert_t *s_client_cert;          //  ours, with its secret
static char s_server_key [41];          //  the daemon's public key, Z85

//  Make a socket a CurveZMQ client if we have keys. Returns the socket.
zsock_t *
huishang_secure (zsock_t *sock)
{
    if (sock && s_client_cert && *s_server_key) {
        zcert_apply (s_client_cert, sock);
        zsock_set_curve_serverkey (sock, s_server_key);
    }
    return sock;
}

//  ---------------------------------------------------------------------
//  Publishing

typedef struct {
    zsock_t *sock;              //  XPUB to the ingest, or REQ to submit (--ack)
    bool ack;                   //  acknowledged submit (Lazy Pirate)
    char *endpoint;             //  where sock connects
    int timeout_ms;             //  --ack: how long to wait for an answer
    int retries;                //  --ack: resends before giving up (0: forever)
    hs_pack_t *pack;            //  scratch
    hs_limits_t limits;         //  for the local check
    bool check;                 //  check bodies with the codec before sending
    uint64_t sent;
    uint64_t refused;
} s_publisher_t;

//  Connect, and wait until the daemon's subscription arrives: a PUB socket
//  drops everything sent before that (the slow-joiner problem), so this
//  uses XPUB and waits for the proof that the daemon is listening.
static int
s_publisher_open (s_publisher_t *self, const char *endpoint, int timeout_ms)
{
    self->sock = huishang_secure (zsock_new (ZMQ_XPUB));
    assert (self->sock);
    zsock_set_sndhwm (self->sock, 0);
    zsock_set_linger (self->sock, 10000);
    zsock_set_rcvtimeo (self->sock, timeout_ms);
    if (zsock_connect (self->sock, "%s", endpoint)) {
        fprintf (stderr, "huishang: cannot connect to %s\n", endpoint);
        return -1;
    }
    zframe_t *notice = zframe_recv (self->sock);
    if (!notice) {
        fprintf (stderr, "huishang: no daemon is listening at %s (waited %d ms)\n",
                 endpoint, timeout_ms);
        return -1;
    }
    zframe_destroy (&notice);
    return 0;
}

//  --ack: a fresh REQ socket to the submit endpoint.
static void
s_publisher_connect_req (s_publisher_t *self)
{
    zsock_destroy (&self->sock);
    self->sock = huishang_secure (zsock_new (ZMQ_REQ));
    assert (self->sock);
    zsock_set_linger (self->sock, 0);
    zsock_connect (self->sock, "%s", self->endpoint);
}

//  --ack: send one message and wait for the daemon's answer, resending the
//  same bytes (same id: the daemon deduplicates) on a fresh socket when no
//  answer comes in time: the Lazy Pirate pattern of the ZeroMQ guide.
//  Prints "<status> <seq|reason> <topic>" on stdout. Returns 0 if it was
//  stored (ok or duplicate), -1 if rejected or never answered.
static int
s_publisher_submit (s_publisher_t *self, const char *topic, const uint8_t *body, size_t size,
                    const char *where)
{
    for (int attempt = 0; self->retries == 0 || attempt <= self->retries; attempt++) {
        if (zsys_interrupted)
            break;
        zmsg_t *msg = zmsg_new ();
        zmsg_addstr (msg, topic);
        zmsg_addmem (msg, body, size);
        zmsg_send (&msg, self->sock);
        zpoller_t *poller = zpoller_new (self->sock, NULL);
        void *which = zpoller_wait (poller, self->timeout_ms);
        zpoller_destroy (&poller);
        zmsg_t *reply = which? zmsg_recv (self->sock): NULL;
        if (!reply) {
            fprintf (stderr, "huishang: %s: no answer from %s in %d ms, sending again\n",
                     where, self->endpoint, self->timeout_ms);
            s_publisher_connect_req (self);
            continue;
        }
        char *status = zmsg_popstr (reply);
        zframe_t *frame = zmsg_pop (reply);
        zmsg_destroy (&reply);
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        int rc = -1;
        bool again = false;
        char reason [64] = "", detail [200] = "";
        if (status && frame
        &&  hs_proto_unpack_stored (zframe_data (frame), zframe_size (frame), &unpacked) == 0) {
            hs_proto_strcpy (hs_proto_get (&unpacked.data, "reason"), reason, sizeof (reason));
            hs_proto_strcpy (hs_proto_get (&unpacked.data, "detail"), detail, sizeof (detail));
            int64_t seq = hs_proto_int (&unpacked.data, "seq", 0);
            if (streq (status, "ok") || streq (status, "duplicate")) {
                printf ("%s %lld %s\n", status, (long long) seq, topic);
                rc = 0;
            }
            else
            if (streq (status, "rejected")) {
                printf ("rejected %s %s\n", reason, topic);
                fprintf (stderr, "huishang: %s: rejected: %s: %s\n", where, reason, detail);
            }
            else
                again = true;           //  the store could not take it: retry
        }
        else
            again = true;
        fflush (stdout);
        msgpack_unpacked_destroy (&unpacked);
        zframe_destroy (&frame);
        zstr_free (&status);
        if (!again)
            return rc;
        fprintf (stderr, "huishang: %s: the daemon could not store it (%s), sending again\n",
                 where, detail);
        zclock_sleep (self->timeout_ms / 4);
    }
    fprintf (stderr, "huishang: %s: gave up after %d tries\n", where, self->retries + 1);
    return -1;
}

//  Check (optionally) and send one body under a topic. Returns 0 or -1.
static int
s_publisher_send (s_publisher_t *self, const char *topic, const uint8_t *body, size_t size,
                  const char *where)
{
    if (self->check) {
        hs_why_t why;
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        int rc = hs_proto_unpack_map (body, size, &self->limits, &unpacked, &why);
        if (rc == 0) {
            if (strncmp (topic, "report.", 7) == 0) {
                hs_report_t report;
                rc = hs_report_decode (&unpacked.data, &self->limits, zclock_time (), &report, &why);
            }
            else
            if (strncmp (topic, "update.", 7) == 0) {
                hs_update_t update;
                rc = hs_update_decode (&unpacked.data, &self->limits, zclock_time (), &update, &why);
            }
        }
        msgpack_unpacked_destroy (&unpacked);
        if (rc) {
            fprintf (stderr, "huishang: %s: not sent: %s: %s\n", where, why.code, why.detail);
            self->refused++;
            return -1;
        }
    }
    if (self->ack) {
        if (s_publisher_submit (self, topic, body, size, where)) {
            self->refused++;
            return -1;
        }
        self->sent++;
        return 0;
    }
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, topic);
    zmsg_addmem (msg, body, size);
    if (zmsg_send (&msg, self->sock)) {
        zmsg_destroy (&msg);
        fprintf (stderr, "huishang: %s: send failed\n", where);
        return -1;
    }
    self->sent++;
    return 0;
}

//  One JSON object -> topic and body. The topic is the object's "topic"
//  if given (and removed), else update.<source> when it has "case" and
//  "status", else report.<source>. "v" and "at" are filled in if absent.
static int
s_publish_json (s_publisher_t *self, json_t *object, const char *where)
{
    if (!json_is_object (object)) {
        fprintf (stderr, "huishang: %s: not a JSON object\n", where);
        self->refused++;
        return -1;
    }
    char topic [HS_TOPIC_MAX + 1];
    json_t *given = json_object_get (object, "topic");
    const char *source = json_string_value (json_object_get (object, "source"));
    if (json_is_string (given))
        snprintf (topic, sizeof (topic), "%s", json_string_value (given));
    else
    if (source)
        snprintf (topic, sizeof (topic), "%s.%s",
                  json_object_get (object, "case") && json_object_get (object, "status")?
                  "update": "report", source);
    else {
        fprintf (stderr, "huishang: %s: not sent: needs a \"source\" (or a \"topic\")\n", where);
        self->refused++;
        return -1;
    }
    json_object_del (object, "topic");
    if (!json_object_get (object, "v"))
        json_object_set_new (object, "v", json_integer (HS_PROTO_VERSION));
    if (!json_object_get (object, "at"))
        json_object_set_new (object, "at", json_integer (zclock_time ()));
    hs_pack_reset (self->pack);
    hs_json_to_pack (object, self->pack);
    return s_publisher_send (self, topic, hs_pack_data (self->pack), hs_pack_size (self->pack), where);
}

static void
s_pub_usage (FILE *out)
{
    fprintf (out,
        "usage: huishang pub [options] [--source UNIT ... | -]\n"
        "\n"
        "  A report from flags:\n"
        "    --source UNIT --id ID --street STREET --enterprise NAME\n"
        "    [--credit-code CODE] [--ownership private|state|foreign|collective|other]\n"
        "    [--sector SECTOR] --category CATEGORY --workers N [--amount YUAN]\n"
        "    [--flags FLAG,FLAG...] [--summary TEXT] [--at UNIX_MS]\n"
        "  An update from flags (with --update):\n"
        "    --update --source UNIT --id ID --case CASE --status STATUS [--note TEXT]\n"
        "  JSON lines from stdin (with -): one object per line, wire field names;\n"
        "    the topic is \"topic\", else update.<source> when it has case and\n"
        "    status, else report.<source>; v and at are filled in when absent.\n"
        "\n"
        "    -e, --endpoint EP   the daemon's ingest (default: from the config)\n"
        "    -c, --config FILE   read endpoints from this huishang.cfg\n"
        "    --no-check          send bodies the codec would refuse (for testing)\n"
        "    --timeout MS        how long to wait for the daemon (default 5000; --ack: 2500)\n"
        "    --ack               acknowledged submit: each message is answered only after the\n"
        "                        daemon has stored it (ok SEQ / duplicate SEQ / rejected REASON\n"
        "                        on stdout), and sent again with the same id until answered\n"
        "    --submit EP         the daemon's submit endpoint for --ack (default: the config)\n"
        "    --retries N         --ack: resends before giving up (default 20; 0: forever)\n");
}

static int
s_pub (hs_config_t *config, int argc, char *argv [])
{
    enum { O_SOURCE = 300, O_ID, O_STREET, O_ENTERPRISE, O_CREDIT, O_OWNERSHIP, O_SECTOR,
           O_CATEGORY, O_WORKERS, O_AMOUNT, O_FLAGS, O_SUMMARY, O_AT, O_UPDATE, O_CASE,
           O_STATUS, O_NOTE, O_NOCHECK, O_TIMEOUT, O_ACK, O_SUBMIT, O_RETRIES };
    static struct option options [] = {
        { "endpoint", required_argument, NULL, 'e' }, { "config", required_argument, NULL, 'c' },
        { "source", required_argument, NULL, O_SOURCE }, { "id", required_argument, NULL, O_ID },
        { "street", required_argument, NULL, O_STREET },
        { "enterprise", required_argument, NULL, O_ENTERPRISE },
        { "credit-code", required_argument, NULL, O_CREDIT },
        { "ownership", required_argument, NULL, O_OWNERSHIP },
        { "sector", required_argument, NULL, O_SECTOR },
        { "category", required_argument, NULL, O_CATEGORY },
        { "workers", required_argument, NULL, O_WORKERS },
        { "amount", required_argument, NULL, O_AMOUNT },
        { "flags", required_argument, NULL, O_FLAGS },
        { "summary", required_argument, NULL, O_SUMMARY }, { "at", required_argument, NULL, O_AT },
        { "update", no_argument, NULL, O_UPDATE }, { "case", required_argument, NULL, O_CASE },
        { "status", required_argument, NULL, O_STATUS }, { "note", required_argument, NULL, O_NOTE },
        { "no-check", no_argument, NULL, O_NOCHECK },
        { "timeout", required_argument, NULL, O_TIMEOUT },
        { "ack", no_argument, NULL, O_ACK }, { "submit", required_argument, NULL, O_SUBMIT },
        { "retries", required_argument, NULL, O_RETRIES },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }
    };
    const char *endpoint = config->ingest;
    json_t *object = json_object ();
    bool update = false, check = true, ack = false;
    int timeout = -1, retries = 20;
    const char *submit = config->submit;
    int option;
    optind = 1;
    while ((option = getopt_long (argc, argv, "e:c:h", options, NULL)) != -1) {
        const char *key = NULL;
        bool number = false;
        switch (option) {
            case 'e': endpoint = optarg; break;
            case 'c': break;        //  handled by main
            case 'h': s_pub_usage (stdout); json_decref (object); return 0;
            case O_SOURCE: key = "source"; break;
            case O_ID: key = "id"; break;
            case O_STREET: key = "street"; break;
            case O_CATEGORY: key = "category"; break;
            case O_WORKERS: key = "workers"; number = true; break;
            case O_AMOUNT: key = "amount"; number = true; break;
            case O_SUMMARY: key = "summary"; break;
            case O_AT: key = "at"; number = true; break;
            case O_CASE: key = "case"; break;
            case O_STATUS: key = "status"; break;
            case O_NOTE: key = "note"; break;
            case O_UPDATE: update = true; break;
            case O_NOCHECK: check = false; break;
            case O_TIMEOUT: timeout = atoi (optarg); break;
            case O_ACK: ack = true; break;
            case O_SUBMIT: submit = optarg; break;
            case O_RETRIES: retries = atoi (optarg); break;
            case O_ENTERPRISE: case O_CREDIT: case O_OWNERSHIP: case O_SECTOR: {
                json_t *enterprise = json_object_get (object, "enterprise");
                if (!enterprise) {
                    enterprise = json_object ();
                    json_object_set_new (object, "enterprise", enterprise);
                }
                const char *field = option == O_ENTERPRISE? "name": option == O_CREDIT? "credit_code":
                                    option == O_OWNERSHIP? "ownership": "sector";
                json_object_set_new (enterprise, field, json_string (optarg));
                break;
            }
            case O_FLAGS: {
                json_t *flags = json_array ();
                char *copy = strdup (optarg);
                for (char *flag = strtok (copy, ", "); flag; flag = strtok (NULL, ", "))
                    json_array_append_new (flags, json_string (flag));
                free (copy);
                json_object_set_new (object, "flags", flags);
                break;
            }
            default: s_pub_usage (stderr); json_decref (object); return 2;
        }
        if (key) {
            if (number) {
                char *end;
                long long value = strtoll (optarg, &end, 10);
                if (*end || !*optarg) {
                    fprintf (stderr, "huishang: --%s needs a whole number, not '%s'\n", key, optarg);
                    json_decref (object);
                    return 2;
                }
                json_object_set_new (object, key, json_integer (value));
            }
            else
                json_object_set_new (object, key, json_string (optarg));
        }
    }
    bool from_stdin = optind < argc && streq (argv [optind], "-");
    if (!from_stdin && !json_object_get (object, "source")) {
        s_pub_usage (stderr);
        json_decref (object);
        return 2;
    }
    s_publisher_t publisher = { .check = check, .ack = ack, .retries = retries };
    publisher.limits = config->limits;
    publisher.pack = hs_pack_new ();
    int rc = 0;
    if (ack) {
        publisher.endpoint = strdup (submit);
        publisher.timeout_ms = timeout > 0? timeout: 2500;
        s_publisher_connect_req (&publisher);
    }
    if (!ack && s_publisher_open (&publisher, endpoint, timeout > 0? timeout: 5000))
        rc = 1;
    else
    if (from_stdin) {
        char *line = NULL;
        size_t capacity = 0;
        ssize_t length;
        int number = 0;
        while ((length = getline (&line, &capacity, stdin)) != -1) {
            number++;
            while (length > 0 && (line [length - 1] == '\n' || line [length - 1] == '\r'))
                line [--length] = 0;
            if (length == 0)
                continue;
            char where [32];
            snprintf (where, sizeof (where), "line %d", number);
            json_error_t error;
            json_t *parsed = json_loads (line, 0, &error);
            if (!parsed) {
                fprintf (stderr, "huishang: %s: not JSON: %s\n", where, error.text);
                publisher.refused++;
                continue;
            }
            s_publish_json (&publisher, parsed, where);
            json_decref (parsed);
        }
        free (line);
    }
    else {
        if (!json_object_get (object, "id")) {
            char id [64];
            snprintf (id, sizeof (id), "cli-%lld-%d", (long long) zclock_time (), getpid ());
            json_object_set_new (object, "id", json_string (id));
        }
        if (update && !json_object_get (object, "case"))
            fprintf (stderr, "huishang: --update needs --case\n");
        s_publish_json (&publisher, object, "report");
    }
    if (publisher.sock)
        fprintf (stderr, "huishang: %llu sent, %llu not sent\n",
                 (unsigned long long) publisher.sent, (unsigned long long) publisher.refused);
    if (publisher.refused)
        rc = 1;
    zsock_destroy (&publisher.sock);        //  lingers until everything is out
    hs_pack_destroy (&publisher.pack);
    free (publisher.endpoint);
    json_decref (object);
    return rc;
}

//  ---------------------------------------------------------------------
//  Watching

const char *
huishang_str (const msgpack_object *map, const char *key, char *buffer, size_t size)
{
    if (hs_proto_strcpy (hs_proto_get (map, key), buffer, size))
        snprintf (buffer, size, "-");
    return buffer;
}

int64_t
huishang_int (const msgpack_object *map, const char *key)
{
    return hs_proto_int (map, key, -1);
}

void
huishang_time (int64_t ms, char *buffer, size_t size)
{
    time_t seconds = (time_t) (ms / 1000);
    struct tm local;
    localtime_r (&seconds, &local);
    strftime (buffer, size, "%Y-%m-%d %H:%M:%S", &local);
}

//  Print a list of unit codes by their Chinese names.
static void
s_print_units (hs_units_t *units, const msgpack_object *list)
{
    if (!list || list->type != MSGPACK_OBJECT_ARRAY)
        return;
    for (uint32_t index = 0; index < list->via.array.size; index++) {
        char code [HS_CODE_MAX + 1];
        if (hs_proto_strcpy (&list->via.array.ptr [index], code, sizeof (code)) == 0)
            printf ("%s%s", index? "、": "", hs_units_zh (units, code));
    }
}

static void
s_print_strings (const msgpack_object *list)
{
    if (!list || list->type != MSGPACK_OBJECT_ARRAY)
        return;
    for (uint32_t index = 0; index < list->via.array.size; index++) {
        const msgpack_object *item = &list->via.array.ptr [index];
        if (item->type == MSGPACK_OBJECT_STR)
            printf ("%s%.*s", index? ", ": "", (int) item->via.str.size, item->via.str.ptr);
    }
}

static void
s_print_line (hs_units_t *units, const char *topic, const msgpack_object *map)
{
    char when [32], level_text [96], kind [HS_CODE_MAX + 1], case_id [HS_ID_MAX + 1];
    char street [HS_CODE_MAX + 1], category [HS_CODE_MAX + 1], enterprise [HS_NAME_MAX + 1];
    huishang_time (huishang_int (map, "at") > 0? huishang_int (map, "at"): zclock_time (), when, sizeof (when));
    char level_name [HS_CODE_MAX + 1];
    int level = hs_level_parse (huishang_str (map, "level", level_name, sizeof (level_name)));
    snprintf (level_text, sizeof (level_text), "%s(%s)", level >= 0? hs_level_zh (level): "", level_name);
    huishang_str (map, "case", case_id, sizeof (case_id));
    huishang_str (map, "street", street, sizeof (street));
    huishang_str (map, "category", category, sizeof (category));
    huishang_str (map, "enterprise", enterprise, sizeof (enterprise));
    printf ("%s #%lld %s", when, (long long) huishang_int (map, "seq"), topic);
    if (strncmp (topic, "alert.", 6) == 0) {
        printf (" [%s] %s case %s %s %s %lld人", huishang_str (map, "kind", kind, sizeof (kind)),
                level_text, case_id, hs_units_zh (units, street), category,
                (long long) huishang_int (map, "workers"));
        if (huishang_int (map, "amount") >= 0)
            printf (" ¥%lld", (long long) huishang_int (map, "amount"));
        printf (" %s → ", enterprise);
        s_print_units (units, hs_proto_get (map, "units"));
        printf (" (");
        s_print_strings (hs_proto_get (map, "reasons"));
        printf (")");
    }
    else
    if (streq (topic, "meeting.request")) {
        char deadline [32];
        huishang_time (huishang_int (map, "deadline"), deadline, sizeof (deadline));
        char urgency [HS_CODE_MAX + 1], meeting [HS_ID_MAX + 1];
        printf (" [%s] %s %s case %s, meet before %s: ", huishang_str (map, "urgency", urgency, sizeof (urgency)),
                huishang_str (map, "meeting", meeting, sizeof (meeting)), level_text, case_id, deadline);
        s_print_units (units, hs_proto_get (map, "participants"));
    }
    else
    if (strncmp (topic, "escalate.", 9) == 0) {
        char to [HS_CODE_MAX + 1];
        printf (" → %s: %s case %s %s %s %lld人 %s", hs_units_zh (units, huishang_str (map, "to", to, sizeof (to))),
                level_text, case_id, hs_units_zh (units, street), category,
                (long long) huishang_int (map, "workers"), enterprise);
    }
    else {
        json_t *json = hs_json_from_object (map);
        char *text = json_dumps (json, JSON_COMPACT);
        printf (" %s", text? text: "");
        free (text);
        json_decref (json);
    }
    printf ("\n");
}

static int
s_watch (hs_config_t *config, int argc, char *argv [])
{
    static struct option options [] = {
        { "endpoint", required_argument, NULL, 'e' }, { "config", required_argument, NULL, 'c' },
        { "json", no_argument, NULL, 'j' }, { "count", required_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }
    };
    const char *endpoint = config->publish;
    bool as_json = false;
    long count = -1;
    int option;
    optind = 1;
    while ((option = getopt_long (argc, argv, "e:c:jn:h", options, NULL)) != -1) {
        switch (option) {
            case 'e': endpoint = optarg; break;
            case 'c': break;
            case 'j': as_json = true; break;
            case 'n': count = atol (optarg); break;
            case 'h':
                printf ("usage: huishang watch [-e EP] [--json] [-n COUNT] [TOPIC-PREFIX ...]\n"
                        "  default prefixes: alert. meeting. warning. escalate. brief.\n");
                return 0;
            default: return 2;
        }
    }
    zsock_t *sub = huishang_secure (zsock_new (ZMQ_SUB));
    assert (sub);
    zsock_set_rcvhwm (sub, 100000);
    if (optind < argc)
        for (int index = optind; index < argc; index++)
            zsock_set_subscribe (sub, argv [index]);
    else {
        const char *prefixes [] = { "alert.", "meeting.", "warning.", "escalate.", "brief.", NULL };
        for (int index = 0; prefixes [index]; index++)
            zsock_set_subscribe (sub, prefixes [index]);
    }
    if (zsock_connect (sub, "%s", endpoint)) {
        fprintf (stderr, "huishang: cannot connect to %s\n", endpoint);
        zsock_destroy (&sub);
        return 1;
    }
    while (count != 0 && !zsys_interrupted) {
        zmsg_t *msg = zmsg_recv (sub);
        if (!msg)
            break;
        char *topic = zmsg_popstr (msg);
        zframe_t *body = zmsg_pop (msg);
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        if (topic && body
        &&  hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0) {
            if (as_json) {
                json_t *json = json_object ();
                json_object_set_new (json, "topic", json_string (topic));
                json_object_set_new (json, "body", hs_json_from_object (&unpacked.data));
                char *text = json_dumps (json, JSON_COMPACT);
                printf ("%s\n", text);
                free (text);
                json_decref (json);
            }
            else
                s_print_line (config->units, topic, &unpacked.data);
            fflush (stdout);
            if (count > 0)
                count--;
        }
        else
            fprintf (stderr, "huishang: unreadable message on '%s'\n", topic? topic: "?");
        msgpack_unpacked_destroy (&unpacked);
        zframe_destroy (&body);
        zstr_free (&topic);
        zmsg_destroy (&msg);
    }
    zsock_destroy (&sub);
    return 0;
}

//  ---------------------------------------------------------------------
//  The api: health, case, cases, why, replay, plenary

//  Send one request (command + optional args) from a REQ socket. Returns 0
//  with *reply set (caller destroys it and its body) if the daemon said
//  "ok", 1 if it said "error" (the reason is printed), -1 if no answer.
void
huishang_reply_destroy (huishang_reply_t *reply)
{
    msgpack_unpacked_destroy (&reply->unpacked);
    zframe_destroy (&reply->frame);
}

int
huishang_api (zsock_t *req, const char *command, json_t *args, huishang_reply_t *reply)
{
    memset (reply, 0, sizeof (*reply));
    msgpack_unpacked_init (&reply->unpacked);
    zmsg_t *request = zmsg_new ();
    zmsg_addstr (request, command);
    if (args) {
        hs_pack_t *pack = hs_pack_new ();
        hs_json_to_pack (args, pack);
        zmsg_addmem (request, hs_pack_data (pack), hs_pack_size (pack));
        hs_pack_destroy (&pack);
    }
    zmsg_send (&request, req);
    zmsg_t *answer = zmsg_recv (req);
    if (!answer) {
        fprintf (stderr, "huishang: no answer from the daemon's api\n");
        return -1;
    }
    char *status = zmsg_popstr (answer);
    reply->frame = zmsg_pop (answer);
    zmsg_destroy (&answer);
    int rc = -1;
    if (reply->frame
    &&  hs_proto_unpack_stored (zframe_data (reply->frame), zframe_size (reply->frame),
                                &reply->unpacked) == 0) {
        reply->body = &reply->unpacked.data;
        rc = status && streq (status, "ok")? 0: 1;
        if (rc) {
            char text [256];
            fprintf (stderr, "huishang: %s\n", huishang_str (reply->body, "error", text, sizeof (text)));
        }
    }
    else
        fprintf (stderr, "huishang: unreadable answer from the daemon\n");
    zstr_free (&status);
    return rc;
}

zsock_t *
huishang_api_connect (const char *endpoint, int timeout)
{
    zsock_t *req = huishang_secure (zsock_new (ZMQ_REQ));
    assert (req);
    zsock_set_rcvtimeo (req, timeout);
    zsock_set_linger (req, 0);
    if (zsock_connect (req, "%s", endpoint)) {
        fprintf (stderr, "huishang: cannot connect to %s\n", endpoint);
        zsock_destroy (&req);
    }
    return req;
}

static void
s_print_json (const msgpack_object *obj, bool indent)
{
    json_t *json = hs_json_from_object (obj);
    char *text = json_dumps (json, indent? JSON_INDENT (2): JSON_COMPACT);
    printf ("%s\n", text? text: "null");
    free (text);
    json_decref (json);
}

//  Join the live stream (PROTOCOL.md §6.4): ask the api to say hello with
//  our token until the token comes back on `sub` (which must subscribe to
//  hs.hello): from then on every message published reaches `sub`.
bool
huishang_join (zsock_t *sub, zsock_t *req)
{
    char token [32];
    snprintf (token, sizeof (token), "%d-%lld", getpid (), (long long) zclock_time ());
    bool live = false;
    zsock_set_rcvtimeo (sub, 100);
    for (int attempt = 0; attempt < 100 && !live && !zsys_interrupted; attempt++) {
        json_t *args = json_pack ("{s:s}", "token", token);
        huishang_reply_t reply;
        int rc = huishang_api (req, "hello", args, &reply);
        json_decref (args);
        if (rc >= 0)
            huishang_reply_destroy (&reply);
        if (rc < 0)
            break;
        zmsg_t *msg;
        while (!live && (msg = zmsg_recv (sub))) {
            char *topic = zmsg_popstr (msg);
            zframe_t *body = zmsg_first (msg);
            live = topic && streq (topic, "hs.hello") && body
                && memmem (zframe_data (body), zframe_size (body), token, strlen (token)) != NULL;
            zstr_free (&topic);
            zmsg_destroy (&msg);
        }
    }
    return live;
}

//  Common options of the api commands.
typedef struct {
    const char *endpoint;
    int timeout;
    bool json;
} s_api_options_t;

//  Parse --api/-a, --timeout/-t, --json/-j, --config/-c from argv, and the
//  command's own long options; returns the index of the first operand.
static int
s_parse_api_options (hs_config_t *config, int argc, char *argv [], s_api_options_t *options,
                     const struct option *extra, void (*on_extra) (int, const char *, void *),
                     void *arg)
{
    struct option all [32];
    static const struct option common [] = {
        { "api", required_argument, NULL, 'a' }, { "config", required_argument, NULL, 'c' },
        { "timeout", required_argument, NULL, 't' }, { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' }
    };
    size_t count = 0;
    for (size_t index = 0; index < sizeof (common) / sizeof (common [0]); index++)
        all [count++] = common [index];
    for (size_t index = 0; extra && extra [index].name && count < 31; index++)
        all [count++] = extra [index];
    memset (&all [count], 0, sizeof (all [count]));
    options->endpoint = config->api;
    options->timeout = 5000;
    options->json = false;
    optind = 1;
    int option;
    while ((option = getopt_long (argc, argv, "a:c:t:jh", all, NULL)) != -1) {
        switch (option) {
            case 'a': options->endpoint = optarg; break;
            case 'c': break;
            case 't': options->timeout = atoi (optarg); break;
            case 'j': options->json = true; break;
            case 'h': return -1;
            case '?': return -2;
            default:
                if (on_extra)
                    on_extra (option, optarg, arg);
        }
    }
    return optind;
}

//  health (also stats): the daemon's health and counters as JSON, exit 1
//  unless its status is ok; metrics: its metrics in Prometheus's text format.
static int
s_health (hs_config_t *config, int argc, char *argv [], bool metrics)
{
    s_api_options_t options;
    int first = s_parse_api_options (config, argc, argv, &options, NULL, NULL, NULL);
    if (first < 0) {
        printf ("usage: huishang %s [--api EP] [--timeout MS]\n", metrics? "metrics": "health|stats");
        return first == -1? 0: 2;
    }
    zsock_t *req = huishang_api_connect (options.endpoint, options.timeout);
    if (!req)
        return 1;
    huishang_reply_t reply;
    int rc = huishang_api (req, metrics? "metrics": "health", NULL, &reply);
    if (rc == 0 && metrics) {
        const msgpack_object *text = hs_proto_get (reply.body, "text");
        if (text && text->type == MSGPACK_OBJECT_STR)
            fwrite (text->via.str.ptr, 1, text->via.str.size, stdout);
        else
            rc = 1;
    }
    else
    if (rc >= 0 && !metrics) {
        s_print_json (reply.body, true);
        char status [16];
        if (rc == 0 && !streq (huishang_str (reply.body, "status", status, sizeof (status)), "ok"))
            rc = 1;
    }
    huishang_reply_destroy (&reply);
    zsock_destroy (&req);
    return rc == 0? 0: 1;
}

//  One line about a stored event (a case's history, a replay).
static void
s_print_event (hs_units_t *units, const msgpack_object *event)
{
    char type [16], topic [HS_TOPIC_MAX + 1], when [32], text [HS_NOTE_MAX + 1];
    huishang_str (event, "type", type, sizeof (type));
    huishang_str (event, "topic", topic, sizeof (topic));
    const msgpack_object *body = hs_proto_get (event, "body");
    if (hs_event_published (type)) {
        s_print_line (units, topic, body);
        return;
    }
    huishang_time (huishang_int (event, "at"), when, sizeof (when));
    char source [HS_CODE_MAX + 1];
    printf ("%s #%lld %s: %s", when, (long long) huishang_int (event, "seq"), type,
            hs_units_zh (units, huishang_str (body, "source", source, sizeof (source))));
    if (streq (type, "report")) {
        char level [HS_CODE_MAX + 1];
        int parsed = hs_level_parse (huishang_str (event, "level", level, sizeof (level)));
        printf (" reports %lld人", (long long) huishang_int (body, "workers"));
        if (huishang_int (body, "amount") >= 0)
            printf (" ¥%lld", (long long) huishang_int (body, "amount"));
        printf (" → %s(%s) by ", parsed >= 0? hs_level_zh (parsed): "", level);
        s_print_strings (hs_proto_get (event, "reasons"));
    }
    else
    if (streq (type, "update"))
        printf (" %s%s%s", huishang_str (body, "status", text, sizeof (text)),
                hs_proto_get (body, "note")? ": ": "",
                hs_proto_get (body, "note")? huishang_str (body, "note", text, sizeof (text)): "");
    else
    if (streq (type, "rsvp"))
        printf (" %s %s", huishang_str (body, "answer", text, sizeof (text)),
                huishang_str (body, "meeting", source, sizeof (source)));
    else
    if (streq (type, "minutes")) {
        printf (" minutes of %s: ", huishang_str (body, "meeting", source, sizeof (source)));
        s_print_strings (hs_proto_get (body, "decisions"));
    }
    printf ("\n");
}

//  The readable header of a case record.
static void
s_print_case (hs_units_t *units, const msgpack_object *kase, bool long_form)
{
    char id [HS_ID_MAX + 1], level [HS_CODE_MAX + 1], street [HS_CODE_MAX + 1];
    char category [HS_CODE_MAX + 1], status [HS_CODE_MAX + 1], enterprise [HS_NAME_MAX + 1];
    int parsed = hs_level_parse (huishang_str (kase, "level", level, sizeof (level)));
    const msgpack_object *closed = hs_proto_get (kase, "closed");
    const msgpack_object *overdue = hs_proto_get (kase, "overdue");
    bool is_closed = closed && closed->type == MSGPACK_OBJECT_BOOLEAN && closed->via.boolean;
    bool is_overdue = !is_closed && overdue && overdue->type == MSGPACK_OBJECT_BOOLEAN
                    && overdue->via.boolean;
    printf ("%s %s(%s) %s %s %lld人 %s%s%s %s\n", huishang_str (kase, "id", id, sizeof (id)),
            parsed >= 0? hs_level_zh (parsed): "", level,
            hs_units_zh (units, huishang_str (kase, "street", street, sizeof (street))),
            huishang_str (kase, "category", category, sizeof (category)), (long long) huishang_int (kase, "workers"),
            is_closed? "closed/": "open/", huishang_str (kase, "status", status, sizeof (status)),
            is_overdue? " OVERDUE": "", huishang_str (kase, "enterprise", enterprise, sizeof (enterprise)));
    if (!long_form)
        return;
    printf ("  units:   ");
    s_print_units (units, hs_proto_get (kase, "units"));
    printf ("\n  reasons: ");
    s_print_strings (hs_proto_get (kase, "reasons"));
    char version [48], when [32];
    printf ("\n  rules:   %.12s\n", huishang_str (kase, "rules_version", version, sizeof (version)));
    if (!is_closed && huishang_int (kase, "due_at") > 0) {
        huishang_time (huishang_int (kase, "due_at"), when, sizeof (when));
        printf ("  due:     an update by %s%s\n", when, is_overdue? " (overdue)": "");
    }
}

static void
s_case_options (int option, const char *value, void *arg)
{
    (void) option;
    (void) value;
    (void) arg;
}

//  huishang case ID / huishang why ID
static int
s_case (hs_config_t *config, int argc, char *argv [], bool why)
{
    s_api_options_t options;
    int first = s_parse_api_options (config, argc, argv, &options, NULL, s_case_options, NULL);
    if (first < 0 || first >= argc) {
        printf ("usage: huishang %s CASE [--json] [--api EP]\n", why? "why": "case");
        return first == -1? 0: 2;
    }
    zsock_t *req = huishang_api_connect (options.endpoint, options.timeout);
    if (!req)
        return 1;
    json_t *args = json_pack ("{s:s}", "id", argv [first]);
    huishang_reply_t reply;
    int rc = huishang_api (req, "case", args, &reply);
    json_decref (args);
    if (rc == 0 && options.json)
        s_print_json (reply.body, true);
    else
    if (rc == 0) {
        const msgpack_object *kase = hs_proto_get (reply.body, "case");
        const msgpack_object *history = hs_proto_get (reply.body, "history");
        s_print_case (config->units, kase, true);
        if (history && history->type == MSGPACK_OBJECT_ARRAY) {
            printf (why? "decisions:\n": "history:\n");
            for (uint32_t index = 0; index < history->via.array.size; index++) {
                const msgpack_object *event = &history->via.array.ptr [index];
                char type [16], kind [16];
                huishang_str (event, "type", type, sizeof (type));
                huishang_str (hs_proto_get (event, "body"), "kind", kind, sizeof (kind));
                //  why: only what decided something
                if (why && !streq (type, "report") && !streq (type, "minutes")
                &&  !(streq (type, "alert") && (streq (kind, "escalated") || streq (kind, "overdue"))))
                    continue;
                printf ("  ");
                s_print_event (config->units, event);
            }
        }
        if (why) {
            //  For each unit: the rule that put it on the case.
            const msgpack_object *units = hs_proto_get (kase, "units");
            const msgpack_object *reasons = hs_proto_get (kase, "reasons");
            printf ("units and the rules that routed them:\n");
            for (uint32_t index = 0; units && index < units->via.array.size; index++) {
                char code [HS_CODE_MAX + 1], rule [HS_CODE_MAX + 8] = "";
                hs_proto_strcpy (&units->via.array.ptr [index], code, sizeof (code));
                const hs_unit_t *unit = hs_units_find (config->units, code);
                char wanted [HS_CODE_MAX + 8];
                snprintf (wanted, sizeof (wanted), "route.%s",
                          unit && unit->kind == HS_UNIT_STREET? "street": code);
                for (uint32_t r = 0; reasons && r < reasons->via.array.size; r++) {
                    char name [HS_CODE_MAX + 8];
                    if (hs_proto_strcpy (&reasons->via.array.ptr [r], name, sizeof (name)) == 0
                    &&  streq (name, wanted))
                        snprintf (rule, sizeof (rule), "%s", name);
                }
                printf ("  %-16s %s: %s\n", code, hs_units_zh (config->units, code),
                        *rule? rule: unit && unit->kind == HS_UNIT_ROLE? "the escalation ladder":
                        "an earlier classification");
            }
        }
    }
    if (rc >= 0)
        huishang_reply_destroy (&reply);
    zsock_destroy (&req);
    return rc == 0? 0: 1;
}

typedef struct {
    json_t *args;
    hs_config_t *config;
    bool bad;
} s_cases_args_t;

static void
s_cases_option (int option, const char *value, void *arg)
{
    s_cases_args_t *cases = (s_cases_args_t *) arg;
    static const char *names [] = { "level", "street", "unit", "status" };
    if (option >= 400 && option <= 403)
        json_object_set_new (cases->args, names [option - 400], json_string (value));
    else
    if (option == 404)
        json_object_set_new (cases->args, "overdue", json_true ());
    else
    if (option == 405 || option == 406) {
        int64_t ms = hs_config_parse_local (cases->config, value);
        if (ms < 0) {
            fprintf (stderr, "huishang: --since/--until take a local time YYYY-MM-DDTHH:MM\n");
            cases->bad = true;
        }
        else
            json_object_set_new (cases->args, option == 405? "since": "until", json_integer (ms));
    }
    else
    if (option == 407)
        json_object_set_new (cases->args, "limit", json_integer (atoi (value)));
}

static int
s_cases (hs_config_t *config, int argc, char *argv [])
{
    static const struct option extra [] = {
        { "level", required_argument, NULL, 400 }, { "street", required_argument, NULL, 401 },
        { "unit", required_argument, NULL, 402 }, { "status", required_argument, NULL, 403 },
        { "overdue", no_argument, NULL, 404 }, { "since", required_argument, NULL, 405 },
        { "until", required_argument, NULL, 406 }, { "limit", required_argument, NULL, 407 },
        { NULL, 0, NULL, 0 }
    };
    s_cases_args_t cases = { json_object (), config, false };
    s_api_options_t options;
    int first = s_parse_api_options (config, argc, argv, &options, extra, s_cases_option, &cases);
    if (first < 0 || cases.bad) {
        printf ("usage: huishang cases [--level L] [--street S] [--unit U] [--status open|closed|STATUS]\n"
                "                      [--overdue] [--since T] [--until T] [--limit N] [--json]\n");
        json_decref (cases.args);
        return first == -1? 0: 2;
    }
    zsock_t *req = huishang_api_connect (options.endpoint, options.timeout);
    if (!req) {
        json_decref (cases.args);
        return 1;
    }
    huishang_reply_t reply;
    int rc = huishang_api (req, "cases", cases.args, &reply);
    json_decref (cases.args);
    if (rc == 0 && options.json)
        s_print_json (reply.body, false);
    else
    if (rc == 0) {
        const msgpack_object *list = hs_proto_get (reply.body, "cases");
        for (uint32_t index = 0; list && index < list->via.array.size; index++)
            s_print_case (config->units, &list->via.array.ptr [index], false);
        printf ("%lld cases\n", (long long) huishang_int (reply.body, "count"));
    }
    if (rc >= 0)
        huishang_reply_destroy (&reply);
    zsock_destroy (&req);
    return rc == 0? 0: 1;
}

//  huishang replay --since N: the Clone pattern. Subscribe first; prove
//  the subscription is live (the daemon echoes a token on hs.hello); then
//  page through the stored events from N; then follow the live stream,
//  skipping what the pages already gave. No gap, no duplicate.
typedef struct {
    int64_t since;
    long count;
    bool follow;
} s_replay_args_t;

static void
s_replay_option (int option, const char *value, void *arg)
{
    s_replay_args_t *replay = (s_replay_args_t *) arg;
    if (option == 410)
        replay->since = atoll (value);
    else
    if (option == 411)
        replay->count = atol (value);
    else
    if (option == 412)
        replay->follow = false;
}

static void
s_emit_replayed (hs_config_t *config, const char *topic, const msgpack_object *body, bool json)
{
    if (json) {
        json_t *object = json_object ();
        json_object_set_new (object, "topic", json_string (topic));
        json_object_set_new (object, "body", hs_json_from_object (body));
        char *text = json_dumps (object, JSON_COMPACT);
        printf ("%s\n", text);
        free (text);
        json_decref (object);
    }
    else
        s_print_line (config->units, topic, body);
    fflush (stdout);
}

static int
s_replay (hs_config_t *config, int argc, char *argv [])
{
    static const struct option extra [] = {
        { "since", required_argument, NULL, 410 }, { "count", required_argument, NULL, 411 },
        { "no-follow", no_argument, NULL, 412 }, { "endpoint", required_argument, NULL, 413 },
        { NULL, 0, NULL, 0 }
    };
    s_replay_args_t replay = { 1, -1, true };
    s_api_options_t options;
    int first = s_parse_api_options (config, argc, argv, &options, extra, s_replay_option, &replay);
    const char *publish = config->publish;
    for (int index = 1; index < argc - 1; index++)
        if (streq (argv [index], "--endpoint") || streq (argv [index], "-e"))
            publish = argv [index + 1];
    if (first < 0) {
        printf ("usage: huishang replay [--since SEQ] [--count N] [--no-follow] [--json]\n"
                "                       [--api EP] [--endpoint PUBLISH-EP] [TOPIC-PREFIX ...]\n");
        return first == -1? 0: 2;
    }
    zsock_t *sub = huishang_secure (zsock_new (ZMQ_SUB));
    zsock_set_rcvhwm (sub, 0);
    zsock_set_subscribe (sub, "hs.hello");
    if (first < argc)
        for (int index = first; index < argc; index++)
            zsock_set_subscribe (sub, argv [index]);
    else
        zsock_set_subscribe (sub, "");
    zsock_connect (sub, "%s", publish);
    zsock_t *req = huishang_api_connect (options.endpoint, options.timeout);
    if (!req) {
        zsock_destroy (&sub);
        return 1;
    }
    //  1. Until our own token comes back, the subscription is not live.
    bool live = huishang_join (sub, req);
    if (!live) {
        fprintf (stderr, "huishang: could not join the live stream at %s\n", publish);
        zsock_destroy (&req);
        zsock_destroy (&sub);
        return 1;
    }
    //  2. The stored events from `since`, page by page.
    int64_t next = replay.since, last = 0, delivered = 0;
    int rc = 0;
    do {
        json_t *args = json_pack ("{s:I,s:i}", "since", (json_int_t) next, "limit", 1000);
        huishang_reply_t reply;
        rc = huishang_api (req, "replay", args, &reply);
        json_decref (args);
        if (rc)
            break;
        const msgpack_object *events = hs_proto_get (reply.body, "events");
        for (uint32_t index = 0; events && index < events->via.array.size && replay.count != 0; index++) {
            const msgpack_object *entry = &events->via.array.ptr [index];
            char topic [HS_TOPIC_MAX + 1];
            huishang_str (entry, "topic", topic, sizeof (topic));
            bool wanted = first >= argc;
            for (int arg = first; arg < argc; arg++)
                wanted |= strncmp (topic, argv [arg], strlen (argv [arg])) == 0;
            if (wanted) {
                s_emit_replayed (config, topic, hs_proto_get (entry, "body"), options.json);
                if (replay.count > 0)
                    replay.count--;
            }
            delivered = huishang_int (entry, "seq");
        }
        next = huishang_int (reply.body, "next");
        last = huishang_int (reply.body, "last");
        huishang_reply_destroy (&reply);
    } while (next <= last && replay.count != 0 && !zsys_interrupted);
    //  3. Live, from where the pages ended.
    zsock_set_rcvtimeo (sub, -1);
    while (rc == 0 && replay.follow && replay.count != 0 && !zsys_interrupted) {
        zmsg_t *msg = zmsg_recv (sub);
        if (!msg)
            break;
        char *topic = zmsg_popstr (msg);
        zframe_t *body = zmsg_pop (msg);
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        if (topic && body && !streq (topic, "hs.hello")
        &&  hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0
        &&  huishang_int (&unpacked.data, "seq") > delivered) {
            delivered = huishang_int (&unpacked.data, "seq");
            s_emit_replayed (config, topic, &unpacked.data, options.json);
            if (replay.count > 0)
                replay.count--;
        }
        msgpack_unpacked_destroy (&unpacked);
        zframe_destroy (&body);
        zstr_free (&topic);
        zmsg_destroy (&msg);
    }
    zsock_destroy (&req);
    zsock_destroy (&sub);
    return rc == 0? 0: 1;
}

//  huishang plenary: the convener calls a plenary (全体会议).
static int
s_plenary (hs_config_t *config, int argc, char *argv [])
{
    s_api_options_t options;
    int first = s_parse_api_options (config, argc, argv, &options, NULL, NULL, NULL);
    if (first < 0) {
        printf ("usage: huishang plenary [--api EP]   (as the convener)\n");
        return first == -1? 0: 2;
    }
    zsock_t *req = huishang_api_connect (options.endpoint, options.timeout);
    if (!req)
        return 1;
    json_t *args = json_pack ("{s:s}", "source", "convener");
    huishang_reply_t reply;
    int rc = huishang_api (req, "plenary", args, &reply);
    json_decref (args);
    if (rc == 0) {
        char meeting [HS_ID_MAX + 1], when [32];
        huishang_time (huishang_int (reply.body, "deadline"), when, sizeof (when));
        printf ("plenary %s requested, to meet before %s\n",
                huishang_str (reply.body, "meeting", meeting, sizeof (meeting)), when);
    }
    if (rc >= 0)
        huishang_reply_destroy (&reply);
    zsock_destroy (&req);
    return rc == 0? 0: 1;
}

//  huishang keygen UNIT: a CurveZMQ certificate pair for a unit (or for the
//  daemon, "server"), its metadata naming the unit.
static int
s_keygen (int argc, char *argv [])
{
    const char *unit = NULL, *folder = "certs";
    for (int index = 1; index < argc; index++) {
        if ((streq (argv [index], "--dir") || streq (argv [index], "-d")) && index + 1 < argc)
            folder = argv [++index];
        else
        if (streq (argv [index], "--help") || streq (argv [index], "-h")) {
            printf ("usage: huishang keygen UNIT [--dir DIR]\n"
                    "  writes DIR/UNIT.cert (public: copy it into the daemon's clients folder)\n"
                    "  and DIR/UNIT.cert_secret (keep it with the unit's feeder); UNIT 'server'\n"
                    "  makes the daemon's own pair\n");
            return 0;
        }
        else
        if (!unit && argv [index][0] != '-')
            unit = argv [index];
        else {
            fprintf (stderr, "huishang: unexpected argument '%s'\n", argv [index]);
            return 2;
        }
    }
    if (!unit) {
        fprintf (stderr, "usage: huishang keygen UNIT [--dir DIR]\n");
        return 2;
    }
    if (zsys_dir_create ("%s", folder)) {
        fprintf (stderr, "huishang: cannot create %s\n", folder);
        return 1;
    }
    zcert_t *cert = zcert_new ();
    zcert_set_meta (cert, "unit", "%s", unit);
    zcert_set_meta (cert, "created-by", "huishang keygen");
    char *path = zsys_sprintf ("%s/%s.cert", folder, unit);
    int rc = zcert_save (cert, path);
    if (rc)
        fprintf (stderr, "huishang: cannot write %s\n", path);
    else {
        char *secret = zsys_sprintf ("%s_secret", path);
        chmod (secret, 0600);
        zstr_free (&secret);
        printf ("%s (public key %s) and %s_secret written\n", path, zcert_public_txt (cert), path);
    }
    zstr_free (&path);
    zcert_destroy (&cert);
    return rc? 1: 0;
}

//  huishang verify / backup: work on the store directly (read-only, safe
//  beside a running daemon).
static int
s_store_command (hs_config_t *config, int argc, char *argv [], bool backup)
{
    const char *store_path = config->store_path;
    const char *dest = NULL;
    for (int index = 1; index < argc; index++) {
        if ((streq (argv [index], "--store") || streq (argv [index], "-s")) && index + 1 < argc)
            store_path = argv [++index];
        else
        if ((streq (argv [index], "--config") || streq (argv [index], "-c")) && index + 1 < argc)
            index++;
        else
        if (streq (argv [index], "--help") || streq (argv [index], "-h")) {
            printf (backup? "usage: huishang backup [--store DIR] DEST\n"
                            "  a consistent, compacted copy of a (running) store into DEST;\n"
                            "  restore: stop huishangd, replace the store's data.mdb with DEST/data.mdb\n"
                          : "usage: huishang verify [--store DIR]\n");
            return 0;
        }
        else
        if (argv [index][0] != '-' && !dest)
            dest = argv [index];
        else {
            fprintf (stderr, "huishang: unexpected argument '%s'\n", argv [index]);
            return 2;
        }
    }
    if (backup && !dest) {
        fprintf (stderr, "usage: huishang backup [--store DIR] DEST\n");
        return 2;
    }
    char error [512];
    hs_store_t *store = hs_store_open_readonly (store_path, error, sizeof (error));
    if (!store) {
        fprintf (stderr, "huishang: %s\n", error);
        return 1;
    }
    int rc;
    if (backup) {
        rc = hs_store_backup (store, dest, error, sizeof (error));
        if (rc)
            fprintf (stderr, "huishang: %s\n", error);
        else
            printf ("backup of %s written to %s/data.mdb\n", store_path, dest);
    }
    else {
        int problems = hs_verify_run (store, stdout);
        if (problems < 0)
            fprintf (stderr, "huishang: the store %s could not be read\n", store_path);
        rc = problems == 0? 0: 1;
    }
    hs_store_destroy (&store);
    return rc == 0? 0: 1;
}

static void
s_usage (FILE *out)
{
    fprintf (out,
        "usage: huishang [--config FILE] COMMAND [options]\n"
        "\n"
        "  pub      publish a report or update (flags, or JSON lines with -)\n"
        "  update   publish a unit's progress on a case: update CASE --status S --source UNIT\n"
        "  watch    print alerts, meeting requests, warnings and reports upward\n"
        "  replay   every published event from a seq on, then the live stream\n"
        "  case     one case with its history       why   why a case went where it did\n"
        "  cases    cases filtered by level, street, unit, status, overdue, time\n"
        "  plenary  the convener calls a plenary meeting of all members\n"
        "  health   the daemon's health and counters, as JSON (also: stats)\n"
        "  metrics  the same and more in Prometheus's text format\n"
        "  rules    check, test or backtest a rules file, without a daemon\n"
        "  top      a live full-screen board of open cases, alerts, meetings\n"
        "  verify   check a store's invariants (safe on a running daemon's store)\n"
        "  keygen   a CurveZMQ certificate pair for a unit (huishang keygen UNIT)\n"
        "  backup   a consistent, compacted hot copy of a store\n"
        "\n"
        "  huishang COMMAND --help for each command's options.\n"
        "\n"
        "  With security on: --cert FILE (this unit's certificate, from keygen) and\n"
        "  --server-key KEY or --server-cert FILE (the daemon's public key; by\n"
        "  default the config's security/server_cert).\n");
}

int
main (int argc, char *argv [])
{
    zsys_set_logstream (stderr);
    if (argc < 2 || streq (argv [1], "--help") || streq (argv [1], "-h")) {
        s_usage (argc < 2? stderr: stdout);
        return argc < 2? 2: 0;
    }
    if (streq (argv [1], "--version") || streq (argv [1], "-V")) {
        printf ("huishang %s\n", HS_VERSION);
        return 0;
    }
    //  --config may come anywhere; find it first so endpoints default right.
    //  The CurveZMQ options too, and take them out of the arguments.
    const char *config_file = NULL, *cert_file = NULL, *server_key = NULL, *server_cert = NULL;
    int kept = 1;
    for (int index = 1; index < argc; index++) {
        bool has_value = index + 1 < argc;
        if ((streq (argv [index], "--config") || streq (argv [index], "-c")) && has_value)
            config_file = argv [index + 1];
        if (streq (argv [index], "--cert") && has_value)
            cert_file = argv [++index];
        else
        if (streq (argv [index], "--server-key") && has_value)
            server_key = argv [++index];
        else
        if (streq (argv [index], "--server-cert") && has_value)
            server_cert = argv [++index];
        else
            argv [kept++] = argv [index];
    }
    argc = kept;
    char error [512];
    hs_config_t *config = hs_config_load (config_file, error, sizeof (error));
    if (!config) {
        fprintf (stderr, "huishang: %s\n", error);
        return 1;
    }
    if (cert_file) {
        s_client_cert = zcert_load (cert_file);
        if (!s_client_cert) {
            fprintf (stderr, "huishang: cannot load the certificate %s\n", cert_file);
            hs_config_destroy (&config);
            return 1;
        }
        zcert_t *server = server_key? NULL: zcert_load (server_cert? server_cert: config->server_cert);
        snprintf (s_server_key, sizeof (s_server_key), "%s",
                  server_key? server_key: server? zcert_public_txt (server): "");
        zcert_destroy (&server);
        if (strlen (s_server_key) != 40) {
            fprintf (stderr, "huishang: --cert needs the daemon's public key "
                     "(--server-key KEY or --server-cert FILE)\n");
            zcert_destroy (&s_client_cert);
            hs_config_destroy (&config);
            return 1;
        }
    }
    int first = 1;
    while (first < argc - 1 && (streq (argv [first], "--config") || streq (argv [first], "-c")))
        first += 2;
    const char *command = first < argc? argv [first]: "";
    int rc;
    if (streq (command, "pub"))
        rc = s_pub (config, argc - first, argv + first);
    else
    if (streq (command, "watch"))
        rc = s_watch (config, argc - first, argv + first);
    else
    if (streq (command, "health") || streq (command, "stats"))
        rc = s_health (config, argc - first, argv + first, false);
    else
    if (streq (command, "metrics"))
        rc = s_health (config, argc - first, argv + first, true);
    else
    if (streq (command, "rules"))
        rc = huishang_rules (config, argc - first, argv + first);
    else
    if (streq (command, "top"))
        rc = huishang_top (config, argc - first, argv + first);
    else
    if (streq (command, "case") || streq (command, "why"))
        rc = s_case (config, argc - first, argv + first, streq (command, "why"));
    else
    if (streq (command, "cases"))
        rc = s_cases (config, argc - first, argv + first);
    else
    if (streq (command, "keygen"))
        rc = s_keygen (argc - first, argv + first);
    else
    if (streq (command, "verify") || streq (command, "backup"))
        rc = s_store_command (config, argc - first, argv + first, streq (command, "backup"));
    else
    if (streq (command, "replay"))
        rc = s_replay (config, argc - first, argv + first);
    else
    if (streq (command, "plenary"))
        rc = s_plenary (config, argc - first, argv + first);
    else
    if (streq (command, "update")) {
        //  "update CASE --status ..." is "pub --update --case CASE --status ..."
        char **args = (char **) calloc ((size_t) (argc - first) + 4, sizeof (char *));
        int count = 0;
        args [count++] = (char *) "pub";
        args [count++] = (char *) "--update";
        for (int index = first + 1; index < argc; index++) {
            if (index == first + 1 && argv [index][0] != '-') {
                args [count++] = (char *) "--case";
            }
            args [count++] = argv [index];
        }
        rc = s_pub (config, count, args);
        free (args);
    }
    else {
        fprintf (stderr, "huishang: unknown command '%s'\n", command);
        s_usage (stderr);
        rc = 2;
    }
    hs_config_destroy (&config);
    zcert_destroy (&s_client_cert);
    return rc;
}
