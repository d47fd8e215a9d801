/*  =========================================================================
    huishang - the command-line client of huishangd

        huishang pub [flags]        publish one report (or --update)
        huishang pub -              publish JSON lines from stdin
        huishang watch [PREFIX ...] print alerts, meetings, warnings as they come
        huishang health             ask the daemon's api for its health and counters

    Endpoints come from the same config as the daemon's (built-in defaults,
    or --config FILE), and can be overridden with --endpoint / --api.
    Every body is encoded and checked with the shared codec (protocol/), so
    a feeder learns of a mistake before the daemon has to reject it.
    =========================================================================
*/

#include "../daemon/hs_config.h"
#include <jansson.h>
#include <getopt.h>
#include <time.h>

#define HS_VERSION "0.1.0"

//  ---------------------------------------------------------------------
//  JSON <-> msgpack

static void
s_json_to_pack (json_t *json, hs_pack_t *pack)
{
    switch (json_typeof (json)) {
        case JSON_OBJECT: {
            hs_pack_map (pack, json_object_size (json));
            const char *key;
            json_t *value;
            json_object_foreach (json, key, value) {
                hs_pack_str (pack, key);
                s_json_to_pack (value, pack);
            }
            break;
        }
        case JSON_ARRAY: {
            hs_pack_array (pack, json_array_size (json));
            size_t index;
            json_t *value;
            json_array_foreach (json, index, value)
                s_json_to_pack (value, pack);
            break;
        }
        case JSON_STRING:
            hs_pack_strn (pack, json_string_value (json), json_string_length (json));
            break;
        case JSON_INTEGER:
            hs_pack_int (pack, json_integer_value (json));
            break;
        case JSON_REAL: {
            //  msgpack floats are not part of our protocol; a whole number
            //  written as 3.0 is sent as an integer, anything else as is.
            double value = json_real_value (json);
            if (value == (double) (int64_t) value)
                hs_pack_int (pack, (int64_t) value);
            else
                hs_pack_str (pack, "(not an integer)");
            break;
        }
        case JSON_TRUE:
            hs_pack_bool (pack, true);
            break;
        case JSON_FALSE:
            hs_pack_bool (pack, false);
            break;
        default:
            hs_pack_nil (pack);
    }
}

static json_t *
s_pack_to_json (const msgpack_object *obj)
{
    switch (obj->type) {
        case MSGPACK_OBJECT_MAP: {
            json_t *json = json_object ();
            for (uint32_t index = 0; index < obj->via.map.size; index++) {
                const msgpack_object_kv *kv = &obj->via.map.ptr [index];
                char key [256];
                if (hs_proto_strcpy (&kv->key, key, sizeof (key)) == 0)
                    json_object_set_new (json, key, s_pack_to_json (&kv->val));
            }
            return json;
        }
        case MSGPACK_OBJECT_ARRAY: {
            json_t *json = json_array ();
            for (uint32_t index = 0; index < obj->via.array.size; index++)
                json_array_append_new (json, s_pack_to_json (&obj->via.array.ptr [index]));
            return json;
        }
        case MSGPACK_OBJECT_STR:
            return json_stringn (obj->via.str.ptr, obj->via.str.size);
        case MSGPACK_OBJECT_POSITIVE_INTEGER:
            return json_integer ((json_int_t) obj->via.u64);
        case MSGPACK_OBJECT_NEGATIVE_INTEGER:
            return json_integer ((json_int_t) obj->via.i64);
        case MSGPACK_OBJECT_FLOAT32:
        case MSGPACK_OBJECT_FLOAT64:
            return json_real (obj->via.f64);
        case MSGPACK_OBJECT_BOOLEAN:
            return json_boolean (obj->via.boolean);
        default:
            return json_null ();
    }
}

//  ---------------------------------------------------------------------
//  Publishing

typedef struct {
    zsock_t *sock;              //  XPUB, connected to the daemon's ingest
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
    self->sock = zsock_new (ZMQ_XPUB);
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
    s_json_to_pack (object, self->pack);
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
        "    --timeout MS        how long to wait for the daemon (default 5000)\n");
}

static int
s_pub (hs_config_t *config, int argc, char *argv [])
{
    enum { O_SOURCE = 300, O_ID, O_STREET, O_ENTERPRISE, O_CREDIT, O_OWNERSHIP, O_SECTOR,
           O_CATEGORY, O_WORKERS, O_AMOUNT, O_FLAGS, O_SUMMARY, O_AT, O_UPDATE, O_CASE,
           O_STATUS, O_NOTE, O_NOCHECK, O_TIMEOUT };
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
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }
    };
    const char *endpoint = config->ingest;
    json_t *object = json_object ();
    bool update = false, check = true;
    int timeout = 5000;
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
    s_publisher_t publisher = { .check = check };
    hs_limits_default (&publisher.limits);
    publisher.limits = config->limits;
    publisher.pack = hs_pack_new ();
    int rc = 0;
    if (s_publisher_open (&publisher, endpoint, timeout))
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
    json_decref (object);
    return rc;
}

//  ---------------------------------------------------------------------
//  Watching

static const char *
s_str (const msgpack_object *map, const char *key, char *buffer, size_t size)
{
    if (hs_proto_strcpy (hs_proto_get (map, key), buffer, size))
        snprintf (buffer, size, "-");
    return buffer;
}

static int64_t
s_int (const msgpack_object *map, const char *key)
{
    const msgpack_object *obj = hs_proto_get (map, key);
    if (obj && obj->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        return (int64_t) obj->via.u64;
    if (obj && obj->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        return obj->via.i64;
    return -1;
}

static void
s_time (int64_t ms, char *buffer, size_t size)
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
    s_time (s_int (map, "at") > 0? s_int (map, "at"): zclock_time (), when, sizeof (when));
    char level_name [HS_CODE_MAX + 1];
    int level = hs_level_parse (s_str (map, "level", level_name, sizeof (level_name)));
    snprintf (level_text, sizeof (level_text), "%s(%s)", level >= 0? hs_level_zh (level): "", level_name);
    s_str (map, "case", case_id, sizeof (case_id));
    s_str (map, "street", street, sizeof (street));
    s_str (map, "category", category, sizeof (category));
    s_str (map, "enterprise", enterprise, sizeof (enterprise));
    printf ("%s #%lld %s", when, (long long) s_int (map, "seq"), topic);
    if (strncmp (topic, "alert.", 6) == 0) {
        printf (" [%s] %s case %s %s %s %lld人", s_str (map, "kind", kind, sizeof (kind)),
                level_text, case_id, hs_units_zh (units, street), category,
                (long long) s_int (map, "workers"));
        if (s_int (map, "amount") >= 0)
            printf (" ¥%lld", (long long) s_int (map, "amount"));
        printf (" %s → ", enterprise);
        s_print_units (units, hs_proto_get (map, "units"));
        printf (" (");
        s_print_strings (hs_proto_get (map, "reasons"));
        printf (")");
    }
    else
    if (streq (topic, "meeting.request")) {
        char deadline [32];
        s_time (s_int (map, "deadline"), deadline, sizeof (deadline));
        char urgency [HS_CODE_MAX + 1], meeting [HS_ID_MAX + 1];
        printf (" [%s] %s %s case %s, meet before %s: ", s_str (map, "urgency", urgency, sizeof (urgency)),
                s_str (map, "meeting", meeting, sizeof (meeting)), level_text, case_id, deadline);
        s_print_units (units, hs_proto_get (map, "participants"));
    }
    else
    if (strncmp (topic, "escalate.", 9) == 0) {
        char to [HS_CODE_MAX + 1];
        printf (" → %s: %s case %s %s %s %lld人 %s", hs_units_zh (units, s_str (map, "to", to, sizeof (to))),
                level_text, case_id, hs_units_zh (units, street), category,
                (long long) s_int (map, "workers"), enterprise);
    }
    else {
        json_t *json = s_pack_to_json (map);
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
    zsock_t *sub = zsock_new (ZMQ_SUB);
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
    hs_limits_t limits = config->limits;
    limits.max_body = 1 << 24;
    limits.max_items = 1 << 16;
    limits.max_objects = 1 << 20;
    while (count != 0 && !zsys_interrupted) {
        zmsg_t *msg = zmsg_recv (sub);
        if (!msg)
            break;
        char *topic = zmsg_popstr (msg);
        zframe_t *body = zmsg_pop (msg);
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        hs_why_t why;
        if (topic && body
        &&  hs_proto_unpack_map (zframe_data (body), zframe_size (body), &limits, &unpacked, &why) == 0) {
            if (as_json) {
                json_t *json = json_object ();
                json_object_set_new (json, "topic", json_string (topic));
                json_object_set_new (json, "body", s_pack_to_json (&unpacked.data));
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
//  Health

static int
s_health (hs_config_t *config, int argc, char *argv [])
{
    static struct option options [] = {
        { "api", required_argument, NULL, 'a' }, { "config", required_argument, NULL, 'c' },
        { "timeout", required_argument, NULL, 't' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *endpoint = config->api;
    int timeout = 5000;
    int option;
    optind = 1;
    while ((option = getopt_long (argc, argv, "a:c:t:h", options, NULL)) != -1) {
        switch (option) {
            case 'a': endpoint = optarg; break;
            case 'c': break;
            case 't': timeout = atoi (optarg); break;
            case 'h': printf ("usage: huishang health [--api EP] [--timeout MS]\n"); return 0;
            default: return 2;
        }
    }
    zsock_t *req = zsock_new (ZMQ_REQ);
    assert (req);
    zsock_set_rcvtimeo (req, timeout);
    if (zsock_connect (req, "%s", endpoint)) {
        fprintf (stderr, "huishang: cannot connect to %s\n", endpoint);
        zsock_destroy (&req);
        return 1;
    }
    zstr_send (req, "health");
    zmsg_t *reply = zmsg_recv (req);
    int rc = 1;
    if (!reply)
        fprintf (stderr, "huishang: no answer from %s within %d ms\n", endpoint, timeout);
    else {
        char *status = zmsg_popstr (reply);
        zframe_t *body = zmsg_pop (reply);
        hs_limits_t limits = config->limits;
        limits.max_body = 1 << 24;
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        hs_why_t why;
        if (body && hs_proto_unpack_map (zframe_data (body), zframe_size (body), &limits, &unpacked, &why) == 0) {
            json_t *json = s_pack_to_json (&unpacked.data);
            char *text = json_dumps (json, JSON_INDENT (2));
            printf ("%s\n", text);
            free (text);
            json_decref (json);
            rc = status && streq (status, "ok")? 0: 1;
        }
        else
            fprintf (stderr, "huishang: unreadable answer from %s\n", endpoint);
        msgpack_unpacked_destroy (&unpacked);
        zframe_destroy (&body);
        zstr_free (&status);
        zmsg_destroy (&reply);
    }
    zsock_destroy (&req);
    return rc;
}

static void
s_usage (FILE *out)
{
    fprintf (out,
        "usage: huishang [--config FILE] COMMAND [options]\n"
        "\n"
        "  pub      publish a report or update (flags, or JSON lines with -)\n"
        "  watch    print alerts, meeting requests, warnings and reports upward\n"
        "  health   the daemon's health and counters, as JSON\n"
        "\n"
        "  huishang COMMAND --help for each command's options.\n");
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
    const char *config_file = NULL;
    for (int index = 1; index < argc - 1; index++)
        if (streq (argv [index], "--config") || streq (argv [index], "-c"))
            config_file = argv [index + 1];
    char error [512];
    hs_config_t *config = hs_config_load (config_file, error, sizeof (error));
    if (!config) {
        fprintf (stderr, "huishang: %s\n", error);
        return 1;
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
        rc = s_health (config, argc - first, argv + first);
    else {
        fprintf (stderr, "huishang: unknown command '%s'\n", command);
        s_usage (stderr);
        rc = 2;
    }
    hs_config_destroy (&config);
    return rc;
}
