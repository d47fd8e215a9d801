/*  =========================================================================
    huishang_pub - huishang's senders of reports and updates

    A report or an update from flags, or JSON lines from stdin (wire field
    names), becomes a body through protocol/hs_json and is checked with the
    daemon's own decoders before it goes, so a feeder learns of a mistake
    before the daemon has to reject it. It goes fire-and-forget to the
    ingest, or with --ack to the submit endpoint, answered once stored,
    with up to --window submits in flight (huishang_window).
    =========================================================================
*/

#include "huishang_pub.h"
#include "huishang_window.h"
#include "../protocol/hs_inbound.h"
#include "../protocol/hs_json.h"
#include <getopt.h>
#include <unistd.h>

typedef struct {
    hs_client_t *client;        //  where the messages go
    bool ack;                   //  acknowledged submit, else publish
    huishang_window_t *window;  //  with ack: the submits in flight
    bool check;                 //  check bodies with the codec before sending
    hs_limits_t limits;         //  ... against these
    hs_pack_t *pack;            //  scratch for each body
    uint64_t sent;              //  sent (with ack: stored)
    uint64_t refused;           //  not sent, or not stored
} s_publisher_t;

//  Would the daemon take this body under this topic? Returns 0, or -1
//  with the reason said.
static int
s_publisher_check (s_publisher_t *self, const char *topic, const uint8_t *body, size_t size,
                   const char *where)
{
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
    if (rc)
        fprintf (stderr, "huishang: %s: not sent: %s: %s\n", where, why.code, why.detail);
    return rc? -1: 0;
}

//  --ack: a message's answer, in input order, on stdout: "<status>
//  <seq|reason> <topic>". Stored (ok or duplicate) counts as sent.
static void
s_publisher_answer (void *arg, const char *topic, const char *where,
                    const hs_submit_reply_t *reply)
{
    s_publisher_t *self = (s_publisher_t *) arg;
    if (!reply) {
        self->refused++;        //  given up on (said)
        return;
    }
    if (reply->status == HS_SUBMIT_REJECTED) {
        printf ("rejected %s %s\n", reply->reason, topic);
        fprintf (stderr, "huishang: %s: rejected: %s: %s\n", where, reply->reason, reply->detail);
        self->refused++;
    }
    else {
        printf ("%s %llu %s\n", hs_submit_status_name (reply->status),
                (unsigned long long) reply->seq, topic);
        self->sent++;
    }
    fflush (stdout);
}

//  Check (optionally) and send one body under a topic. Returns 0 or -1.
static int
s_publisher_send (s_publisher_t *self, const char *topic, const uint8_t *body, size_t size,
                  const char *where)
{
    if (self->check && s_publisher_check (self, topic, body, size, where)) {
        self->refused++;
        return -1;
    }
    if (self->ack)
        return huishang_window_submit (self->window, topic, body, size, where);
    else
    if (hs_client_publish_send (self->client, topic, body, size)) {
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
s_publisher_json (s_publisher_t *self, json_t *object, const char *where)
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
    return s_publisher_send (self, topic, hs_pack_data (self->pack), hs_pack_size (self->pack),
                             where);
}

//  JSON lines from stdin, each one message, named by its line number.
static void
s_publisher_stdin (s_publisher_t *self)
{
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
            self->refused++;
            continue;
        }
        s_publisher_json (self, parsed, where);
        json_decref (parsed);
    }
    free (line);
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
        "    --timeout D         how long to wait for the daemon: 500ms, 5s (default 2s);\n"
        "                        --ack sends again after each D, for 10s in all\n"
        "    --ack               acknowledged submit: each message is answered only after the\n"
        "                        daemon has stored it (ok SEQ / duplicate SEQ / rejected REASON\n"
        "                        on stdout), and sent again with the same id until answered\n"
        "    --submit EP         the daemon's submit endpoint for --ack (default: the config)\n"
        "    --window N          --ack: up to N submits in flight (default 500, at most\n"
        "                        half of limits/submit_hwm); answers in input order;\n"
        "                        1: one at a time\n"
        "    --retries N         --ack: resends of a message before giving up (default 20;\n"
        "                        0: forever)\n"
        "    --deadline D        --ack: how long to go on trying in all (default 10s), then exit 3\n");
}

enum { O_SOURCE = 300, O_ID, O_STREET, O_ENTERPRISE, O_CREDIT, O_OWNERSHIP, O_SECTOR,
       O_CATEGORY, O_WORKERS, O_AMOUNT, O_FLAGS, O_SUMMARY, O_AT, O_UPDATE, O_CASE,
       O_STATUS, O_NOTE, O_NOCHECK, O_TIMEOUT, O_ACK, O_SUBMIT, O_RETRIES, O_DEADLINE,
       O_WINDOW };

//  An enterprise flag into the object's "enterprise" map.
static void
s_set_enterprise (json_t *object, int option, const char *value)
{
    json_t *enterprise = json_object_get (object, "enterprise");
    if (!enterprise) {
        enterprise = json_object ();
        json_object_set_new (object, "enterprise", enterprise);
    }
    const char *field = option == O_ENTERPRISE? "name": option == O_CREDIT? "credit_code":
                        option == O_OWNERSHIP? "ownership": "sector";
    json_object_set_new (enterprise, field, json_string (value));
}

//  --flags a,b,c as an array.
static void
s_set_flags (json_t *object, const char *value)
{
    json_t *flags = json_array ();
    char *copy = strdup (value);
    char *saved = NULL;
    for (char *flag = strtok_r (copy, ", ", &saved); flag; flag = strtok_r (NULL, ", ", &saved))
        json_array_append_new (flags, json_string (flag));
    free (copy);
    json_object_set_new (object, "flags", flags);
}

//  A flag's value under `key`: a string, or a whole number. Returns 0, or
//  -1 (said) if a number was wanted and `value` is not one.
static int
s_set_field (json_t *object, const char *key, bool number, const char *value)
{
    if (!number) {
        json_object_set_new (object, key, json_string (value));
        return 0;
    }
    char *end;
    long long parsed = strtoll (value, &end, 10);
    if (*end || !*value) {
        fprintf (stderr, "huishang: --%s needs a whole number, not '%s'\n", key, value);
        return -1;
    }
    json_object_set_new (object, key, json_integer (parsed));
    return 0;
}

static int
s_pub (hs_client_t *client, hs_config_t *config, int argc, char *argv [])
{
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
        { "deadline", required_argument, NULL, O_DEADLINE },
        { "window", required_argument, NULL, O_WINDOW },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }
    };
    json_t *object = json_object ();
    bool update = false, check = true, ack = false;
    long window = HUISHANG_WINDOW_DEFAULT;
    int option;
    optind = 1;
    while ((option = getopt_long (argc, argv, "e:c:h", options, NULL)) != -1) {
        const char *key = NULL;
        bool number = false;
        switch (option) {
            case 'e': hs_client_set_ingest (client, optarg); break;
            case 'c': break;                //  read by main
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
            case O_TIMEOUT: {
                int timeout;
                if (hs_client_parse_duration (optarg, &timeout) || timeout < 1) {
                    fprintf (stderr, "huishang pub: --timeout takes a duration (500ms, 5s), not '%s'\n",
                             optarg);
                    json_decref (object);
                    return 2;
                }
                hs_client_set_timeout (client, timeout);
                break;
            }
            case O_ACK: ack = true; hs_client_set_patient (client, true); break;
            case O_WINDOW: {
                char *end;
                errno = 0;
                window = strtol (optarg, &end, 10);
                if (!*optarg || *end || errno || window < 1 || window > 1000000) {
                    fprintf (stderr, "huishang pub: --window takes a whole number from 1, not '%s'\n",
                             optarg);
                    json_decref (object);
                    return 2;
                }
                break;
            }
            case O_SUBMIT: hs_client_set_submit (client, optarg); break;
            case O_RETRIES: case O_DEADLINE: {
                char *end;
                errno = 0;
                long retries = strtol (optarg, &end, 10);
                int deadline;
                bool bad = option == O_RETRIES? !*optarg || *end || errno || retries < 0
                                                || retries > 1000000
                                              : hs_client_parse_duration (optarg, &deadline)
                                                || deadline < 1;
                if (bad) {
                    fprintf (stderr, "huishang pub: --%s takes %s, not '%s'\n",
                             option == O_RETRIES? "retries": "deadline",
                             option == O_RETRIES? "a whole number": "a duration (2s, 1m)", optarg);
                    json_decref (object);
                    return 2;
                }
                if (option == O_RETRIES)
                    hs_client_set_retries (client, (int) retries);
                else
                    hs_client_set_deadline (client, deadline);
                break;
            }
            case O_ENTERPRISE: case O_CREDIT: case O_OWNERSHIP: case O_SECTOR:
                s_set_enterprise (object, option, optarg);
                break;
            case O_FLAGS: s_set_flags (object, optarg); break;
            default: s_pub_usage (stderr); json_decref (object); return 2;
        }
        if (key && s_set_field (object, key, number, optarg)) {
            json_decref (object);
            return 2;
        }
    }
    bool from_stdin = optind < argc && streq (argv [optind], "-");
    if (!from_stdin && !json_object_get (object, "source")) {
        s_pub_usage (stderr);
        json_decref (object);
        return 2;
    }
    s_publisher_t publisher = { .client = client, .ack = ack, .check = check,
                                .limits = config->limits, .pack = hs_pack_new () };
    long window_max = config->submit_hwm / 2 > 1? config->submit_hwm / 2: 1;
    if (ack && window > window_max) {
        //  The daemon queues limits/submit_hwm answers per submitter, and
        //  libzmq counts what was read lazily (up to half of it late): more
        //  in flight could see answers dropped, and sent again for nothing.
        fprintf (stderr, "huishang pub: --window %ld is over half of limits/submit_hwm: "
                 "%ld in flight\n", window, window_max);
        window = window_max;
    }
    if (ack)
        publisher.window = huishang_window_new (client, (int) window, s_publisher_answer,
                                                &publisher);
    int rc = 0;
    if (!ack && hs_client_publish_open (client))
        rc = 1;
    else
    if (from_stdin)
        s_publisher_stdin (&publisher);
    else {
        if (!json_object_get (object, "id")) {
            char id [64];
            snprintf (id, sizeof (id), "cli-%lld-%d", (long long) zclock_time (), getpid ());
            json_object_set_new (object, "id", json_string (id));
        }
        if (update && !json_object_get (object, "case"))
            fprintf (stderr, "huishang: --update needs --case\n");
        s_publisher_json (&publisher, object, "report");
    }
    if (publisher.window)
        huishang_window_finish (publisher.window);
    huishang_window_destroy (&publisher.window);
    fprintf (stderr, "huishang: %llu sent, %llu not sent\n",
             (unsigned long long) publisher.sent, (unsigned long long) publisher.refused);
    if (publisher.refused)
        rc = 1;
    hs_pack_destroy (&publisher.pack);
    json_decref (object);
    return rc;
}

int
huishang_pub_main (hs_client_t *client, hs_config_t *config, int argc, char *argv [])
{
    return s_pub (client, config, argc, argv);
}
