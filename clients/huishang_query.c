/*  =========================================================================
    huishang_query - huishang's questions to the daemon's api

        huishang health | stats     the daemon's health and counters (JSON)
        huishang metrics            the same and more, in Prometheus's format
        huishang case ID            one case with its history
        huishang why ID             what decided a case, and who routed whom
        huishang cases [filters]    cases by level, street, unit, status, time
        huishang plenary            the convener calls a plenary (全体会议)

    Each is one request through hs_client, its arguments encoded by
    protocol/hs_reply, its answer shown by huishang_print.
    =========================================================================
*/

#include "huishang_query.h"
#include "huishang_case.h"
#include "huishang_options.h"
#include "huishang_print.h"

//  One value of a health answer, readable: a time (a key ending _at or
//  _ms since the epoch) as the district's time, a map's members indented
//  under it, a list on one line.
static void
s_print_readable (const msgpack_object *obj, int depth)
{
    for (uint32_t index = 0; index < obj->via.map.size; index++) {
        const msgpack_object_kv *pair = &obj->via.map.ptr [index];
        if (pair->key.type != MSGPACK_OBJECT_STR)
            continue;
        int size = (int) pair->key.via.str.size;
        const char *key = pair->key.via.str.ptr;
        const msgpack_object *value = &pair->val;
        if (value->type == MSGPACK_OBJECT_MAP) {
            printf ("%*s%.*s:\n", depth * 2, "", size, key);
            s_print_readable (value, depth + 1);
            continue;
        }
        printf ("%*s%-*.*s ", depth * 2, "", 24 - depth * 2, size, key);
        bool is_time = (size == 2 && memcmp (key, "at", 2) == 0)
                    || (size > 3 && memcmp (key + size - 3, "_at", 3) == 0);
        if (is_time && value->type == MSGPACK_OBJECT_POSITIVE_INTEGER && value->via.u64 > 0) {
            char when [64];
            huishang_print_time ((int64_t) value->via.u64, when, sizeof (when));
            printf ("%s\n", when);
        }
        else
        if (value->type == MSGPACK_OBJECT_STR)
            printf ("%.*s\n", (int) value->via.str.size, value->via.str.ptr);
        else
        if (value->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
            printf ("%llu\n", (unsigned long long) value->via.u64);
        else
        if (value->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
            printf ("%lld\n", (long long) value->via.i64);
        else
        if (value->type == MSGPACK_OBJECT_BOOLEAN)
            printf ("%s\n", value->via.boolean? "yes": "no");
        else
        if (value->type == MSGPACK_OBJECT_FLOAT32 || value->type == MSGPACK_OBJECT_FLOAT64)
            printf ("%g\n", value->via.f64);
        else
        if (value->type == MSGPACK_OBJECT_ARRAY)
            huishang_print_json (value, false);
        else
            printf ("-\n");
    }
}

//  health (also stats): the daemon's health and counters as JSON, exit 1
//  unless its status is ok; metrics: its metrics in Prometheus's text format.
static int
s_health (hs_client_t *client, int argc, char *argv [], bool metrics, bool readable)
{
    bool json;
    int first = huishang_options_parse (client, argc, argv, NULL, NULL, NULL, &json);
    if (first < 0 || first < argc) {
        fprintf (first == -1? stdout: stderr, "usage: huishang %s [--api EP] [--timeout D] [--json]\n",
                 metrics? "metrics": "health|stats|status");
        return first == -1? 0: 2;
    }
    if (!hs_client_api_socket (client))
        return 1;
    hs_client_reply_t reply;
    int rc = hs_client_request (client, metrics? "metrics": "health", NULL, &reply);
    if (rc == 0 && metrics) {
        const msgpack_object *text = hs_proto_get (reply.body, "text");
        if (text && text->type == MSGPACK_OBJECT_STR)
            fwrite (text->via.str.ptr, 1, text->via.str.size, stdout);
        else
            rc = 1;
    }
    else
    if (rc >= 0 && !metrics) {
        if ((json || !readable) && reply.body)
            huishang_print_json (reply.body, true);
        else
        if (reply.body && reply.body->type == MSGPACK_OBJECT_MAP)
            s_print_readable (reply.body, 0);
        char status [16];
        if (rc == 0 && !streq (huishang_print_str (reply.body, "status", status, sizeof (status)), "ok"))
            rc = 1;
    }
    hs_client_reply_destroy (&reply);
    return rc == 0? 0: 1;
}

//  why: for each unit on the case, the rule that put it there.
static void
s_print_routes (hs_units_t *units, const msgpack_object *kase)
{
    const msgpack_object *list = hs_proto_get (kase, "units");
    const msgpack_object *reasons = hs_proto_get (kase, "reasons");
    printf ("units and the rules that routed them:\n");
    if (!list || list->type != MSGPACK_OBJECT_ARRAY)
        return;
    for (uint32_t index = 0; index < list->via.array.size; index++) {
        char code [HS_CODE_MAX + 1], rule [HS_CODE_MAX + 8] = "";
        if (hs_proto_strcpy (&list->via.array.ptr [index], code, sizeof (code)))
            *code = 0;
        const hs_unit_t *unit = hs_units_find (units, code);
        char wanted [HS_CODE_MAX + 8];
        snprintf (wanted, sizeof (wanted), "route.%s",
                  unit && unit->kind == HS_UNIT_STREET? "street": code);
        for (uint32_t r = 0; reasons && reasons->type == MSGPACK_OBJECT_ARRAY
                             && r < reasons->via.array.size; r++) {
            char name [HS_CODE_MAX + 8];
            if (hs_proto_strcpy (&reasons->via.array.ptr [r], name, sizeof (name)) == 0
            &&  streq (name, wanted))
                snprintf (rule, sizeof (rule), "%s", name);
        }
        printf ("  %-16s %s: %s\n", code, hs_units_zh (units, code),
                *rule? rule: unit && unit->kind == HS_UNIT_ROLE? "the escalation ladder":
                "an earlier classification");
    }
}

//  Is this history entry one that decided something (what `why` shows)?
static bool
s_decided (const msgpack_object *event)
{
    char type [16], kind [16];
    huishang_print_str (event, "type", type, sizeof (type));
    huishang_print_str (hs_proto_get (event, "body"), "kind", kind, sizeof (kind));
    return streq (type, "report") || streq (type, "minutes")
        || (streq (type, "alert") && (streq (kind, "escalated") || streq (kind, "overdue")));
}

//  huishang case ID / huishang why ID
static int
s_case (hs_client_t *client, hs_config_t *config, int argc, char *argv [], bool why)
{
    bool json;
    int first = huishang_options_parse (client, argc, argv, NULL, NULL, NULL, &json);
    if (first < 0 || first != argc - 1) {
        fprintf (first == -1? stdout: stderr, "usage: huishang %s CASE [--json] [--api EP] [--timeout D]\n",
                 why? "why": "case");
        return first == -1? 0: 2;
    }
    if (!hs_client_api_socket (client))
        return 1;
    //  A long history comes in pages (connections/reply_max on the
    //  daemon): each reply's `next` is where the following one starts.
    uint64_t from = 0;
    int rc;
    bool printed = false;
    do {
        hs_pack_t *args = hs_pack_new ();
        hs_case_request_encode (args, argv [first], from);
        hs_client_reply_t reply;
        rc = hs_client_request (client, "case", args, &reply);
        hs_pack_destroy (&args);
        int64_t next = rc == 0? huishang_print_int (reply.body, "next"): 0;
        if (rc == 0 && json)
            huishang_print_json (reply.body, true);     //  one object per page
        else
        if (rc == 0) {
            const msgpack_object *kase = hs_proto_get (reply.body, "case");
            const msgpack_object *history = hs_proto_get (reply.body, "history");
            if (!printed) {
                huishang_print_case (config->units, kase, true);
                if (!why)
                    huishang_case_print_handling (config->units, kase);
            }
            if (history && history->type == MSGPACK_OBJECT_ARRAY) {
                if (!printed)
                    printf (why? "decisions:\n": "history:\n");
                for (uint32_t index = 0; index < history->via.array.size; index++) {
                    const msgpack_object *event = &history->via.array.ptr [index];
                    if (why && !s_decided (event))
                        continue;
                    if (why) {
                        printf ("  ");
                        huishang_print_event (config->units, event);
                    }
                    else
                        huishang_case_print_event (config->units, event);
                }
            }
            if (why && next <= 0)
                s_print_routes (config->units, kase);
            printed = true;
        }
        hs_client_reply_destroy (&reply);
        from = next > 0 && (uint64_t) next > from? (uint64_t) next: 0;
    } while (rc == 0 && from && !zsys_interrupted);
    return rc == 0? 0: 1;
}

//  ---------------------------------------------------------------------
//  huishang cases

enum { O_LEVEL = 400, O_STREET, O_UNIT, O_STATUS, O_OVERDUE, O_SINCE, O_UNTIL, O_LIMIT,
       O_BEFORE };

typedef struct {
    hs_cases_request_t request;     //  what to ask for
    hs_config_t *config;            //  for local times
    bool bad;                       //  an option's value was not usable
} s_cases_args_t;

//  A whole number from `min` on, or -1 (said) if `value` is not one.
static int64_t
s_whole_number (const char *name, const char *value, int64_t min)
{
    char *end;
    errno = 0;
    long long number = strtoll (value, &end, 10);
    if (!*value || *end || errno || number < min) {
        fprintf (stderr, "huishang: --%s takes a whole number from %lld, not '%s'\n", name,
                 (long long) min, value);
        return -1;
    }
    return number;
}

static void
s_cases_option (int option, const char *value, void *arg)
{
    s_cases_args_t *cases = (s_cases_args_t *) arg;
    hs_cases_request_t *request = &cases->request;
    switch (option) {
        case O_LEVEL: request->level = value; break;
        case O_STREET: request->street = value; break;
        case O_UNIT: request->unit = value; break;
        case O_STATUS: request->status = value; break;
        case O_OVERDUE: request->overdue = 1; break;
        case O_SINCE: case O_UNTIL: {
            int64_t ms = huishang_time_parse (value);
            if (ms < 0) {
                fprintf (stderr, "huishang: --since/--until take a local time YYYY-MM-DDTHH:MM\n");
                cases->bad = true;
            }
            else
            if (option == O_SINCE)
                request->since = ms;
            else
                request->until = ms;
            break;
        }
        case O_LIMIT:
            request->limit = s_whole_number ("limit", value, 1);
            cases->bad |= request->limit < 0;
            break;
        case O_BEFORE: {
            int64_t before = s_whole_number ("before", value, 1);
            cases->bad |= before < 0;
            request->before = before > 0? (uint64_t) before: 0;
            break;
        }
    }
}

static int
s_cases (hs_client_t *client, hs_config_t *config, int argc, char *argv [])
{
    static const struct option extra [] = {
        { "level", required_argument, NULL, O_LEVEL }, { "street", required_argument, NULL, O_STREET },
        { "unit", required_argument, NULL, O_UNIT }, { "status", required_argument, NULL, O_STATUS },
        { "overdue", no_argument, NULL, O_OVERDUE }, { "since", required_argument, NULL, O_SINCE },
        { "until", required_argument, NULL, O_UNTIL }, { "limit", required_argument, NULL, O_LIMIT },
        { "before", required_argument, NULL, O_BEFORE }, { NULL, 0, NULL, 0 }
    };
    s_cases_args_t cases = { .request = { .overdue = -1 }, .config = config };
    bool json;
    int first = huishang_options_parse (client, argc, argv, extra, s_cases_option, &cases, &json);
    if (first < 0 || cases.bad || first < argc) {
        fprintf (first == -1? stdout: stderr, "usage: huishang cases [--level L] [--street S] [--unit U] [--status open|closed|STATUS]\n"
                "                      [--overdue] [--since T] [--until T] [--limit N] [--before NEXT]\n"
                "                      [--json]\n");
        return first == -1? 0: 2;
    }
    if (!hs_client_api_socket (client))
        return 1;
    hs_pack_t *args = hs_pack_new ();
    hs_cases_request_encode (args, &cases.request);
    hs_client_reply_t reply;
    int rc = hs_client_request (client, "cases", args, &reply);
    hs_pack_destroy (&args);
    if (rc == 0 && json)
        huishang_print_json (reply.body, false);
    else
    if (rc == 0) {
        const msgpack_object *list = hs_proto_get (reply.body, "cases");
        uint32_t shown = list && list->type == MSGPACK_OBJECT_ARRAY? list->via.array.size: 0;
        if (shown)
            printf ("CASE LEVEL STREET CATEGORY WORKERS STAGE/STATUS ENTERPRISE\n");
        for (uint32_t index = 0; index < shown; index++)
            huishang_print_case (config->units, &list->via.array.ptr [index], false);
        //  The daemon leaves the count out when it is not cheap to know;
        //  then `next` is where the following page starts.
        int64_t next = huishang_print_int (reply.body, "next");
        if (hs_proto_get (reply.body, "count"))
            printf ("%u of %lld cases\n", shown, (long long) huishang_print_int (reply.body, "count"));
        else
        if (next > 0)
            printf ("%u shown; more with --before %lld\n", shown, (long long) next);
        else
            printf ("%u shown\n", shown);
    }
    hs_client_reply_destroy (&reply);
    return rc == 0? 0: 1;
}

//  huishang plenary: the convener calls a plenary (全体会议).
static int
s_plenary (hs_client_t *client, int argc, char *argv [])
{
    bool json;
    int first = huishang_options_parse (client, argc, argv, NULL, NULL, NULL, &json);
    if (first < 0 || first < argc) {
        fprintf (first == -1? stdout: stderr, "usage: huishang plenary [--api EP] [--timeout D]   (as the convener)\n");
        return first == -1? 0: 2;
    }
    if (!hs_client_api_socket (client))
        return 1;
    hs_pack_t *args = hs_pack_new ();
    hs_request_encode (args, "source", "convener", NULL);
    hs_client_reply_t reply;
    int rc = hs_client_request (client, "plenary", args, &reply);
    hs_pack_destroy (&args);
    if (rc == 0) {
        char meeting [HS_ID_MAX + 1], when [48];
        huishang_time_format_zoned (huishang_print_int (reply.body, "deadline"), when,
                                    sizeof (when));
        printf ("plenary %s requested, to meet before %s\n",
                huishang_print_str (reply.body, "meeting", meeting, sizeof (meeting)), when);
    }
    hs_client_reply_destroy (&reply);
    return rc == 0? 0: 1;
}

int
huishang_query_main (hs_client_t *client, hs_config_t *config, int argc, char *argv [])
{
    const char *command = argv [0];
    if (streq (command, "health") || streq (command, "stats") || streq (command, "metrics")
    ||  streq (command, "status"))
        return s_health (client, argc, argv, streq (command, "metrics"), streq (command, "status"));
    if (streq (command, "case") || streq (command, "why"))
        return s_case (client, config, argc, argv, streq (command, "why"));
    if (streq (command, "cases"))
        return s_cases (client, config, argc, argv);
    if (streq (command, "plenary"))
        return s_plenary (client, argc, argv);
    fprintf (stderr, "huishang: %s is not a question for the api\n", command);
    return 2;
}
