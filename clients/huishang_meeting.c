/*  =========================================================================
    huishang_meeting - huishang's commands for calling a meeting and
                       recording its minutes

        huishang call --kind office|plenary --time TIME --place TEXT
                      --agenda TEXT [--agenda TEXT ...] [--case CASE ...]
                      [--proposal PROPOSAL ...] [--source UNIT]
        huishang minutes MEETING [--decision TEXT ...] [--case CASE ...]
                      [--passed PROPOSAL ...] [--rejected PROPOSAL ...]
                      [--note TEXT] [--source office]

    A meeting called goes as `call.<unit>` (PROTOCOL.md §4.3: a plenary by
    the convener, an office meeting by the office), with the proposals
    (重大问题及对策建议) it discusses; its minutes as `minutes.<unit>`
    (§3.7), with what they decide of them (§3.14). Acknowledged as the
    handling commands are: "ok seq N" (a call: "ok seq N meeting
    DISTRICT-mM"), a refusal on stderr (exit 1), a usage error exit 2.
    =========================================================================
*/

#include "huishang_meeting.h"
#include "huishang_time.h"
#include "../protocol/hs_json.h"
#include <getopt.h>
#include <unistd.h>

enum { O_KIND = 600, O_TIME, O_PLACE, O_AGENDA, O_CASE, O_PROPOSAL, O_DECISION, O_PASSED,
       O_REJECTED, O_NOTE, O_SOURCE, O_ID, O_AT, O_SUBMIT, O_API, O_TIMEOUT };

static const struct option s_options [] = {
    { "kind", required_argument, NULL, O_KIND }, { "time", required_argument, NULL, O_TIME },
    { "place", required_argument, NULL, O_PLACE },
    { "agenda", required_argument, NULL, O_AGENDA }, { "case", required_argument, NULL, O_CASE },
    { "proposal", required_argument, NULL, O_PROPOSAL },
    { "decision", required_argument, NULL, O_DECISION },
    { "passed", required_argument, NULL, O_PASSED },
    { "rejected", required_argument, NULL, O_REJECTED },
    { "note", required_argument, NULL, O_NOTE }, { "source", required_argument, NULL, O_SOURCE },
    { "id", required_argument, NULL, O_ID }, { "at", required_argument, NULL, O_AT },
    { "submit", required_argument, NULL, O_SUBMIT }, { "api", required_argument, NULL, O_API },
    { "timeout", required_argument, NULL, O_TIMEOUT },
    { "config", required_argument, NULL, 'c' }, { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
};

static void
s_usage (bool call, FILE *out)
{
    if (call)
        fprintf (out,
            "usage: huishang call --kind office|plenary --time TIME --place TEXT --agenda TEXT\n"
            "                [--agenda TEXT ...] [--case CASE ...] [--proposal PROPOSAL ...]\n"
            "                [--source UNIT]\n\n"
            "  Call an office meeting (办公室会议, by the office) or a plenary (全体会议, by\n"
            "  the convener) at TIME in the place, on its agenda (议题), about the cases\n"
            "  given, to discuss the proposals (重大问题及对策建议, DISTRICT-jN) given; only\n"
            "  its minutes may decide those. TIME: YYYY-MM-DDTHH:MM in the district's\n"
            "  time, or +30m, +2h, +3d. Prints \"ok seq N meeting DISTRICT-mM\".\n");
    else
        fprintf (out,
            "usage: huishang minutes MEETING [--decision TEXT ...] [--case CASE ...]\n"
            "                [--passed PROPOSAL ...] [--rejected PROPOSAL ...] [--note TEXT]\n"
            "                [--source office]\n\n"
            "  The minutes (会议纪要) of a meeting held: its decisions, the cases it\n"
            "  covered, and the proposals it passed (reported upward) or did not\n"
            "  (closed, never sent up).\n");
    fprintf (out,
        "\n    --id ID, --at UNIX_MS, --submit EP, --api EP, --timeout D (500ms, 5s), -c FILE, -h\n"
        "  Acknowledged: \"ok seq N\" on stdout; a refusal is \"rejected CODE: detail\" on\n"
        "  stderr, exit 1; a usage error exit 2.\n");
}

//  1-64 printable ASCII bytes without spaces.
static bool
s_token (const char *value)
{
    size_t length = strlen (value);
    for (size_t index = 0; index < length; index++)
        if ((unsigned char) value [index] < 0x21 || (unsigned char) value [index] > 0x7e)
            return false;
    return length > 0 && length <= HS_ID_MAX;
}

//  Append `item` to the array `key` of `body`.
static void
s_append (json_t *body, const char *key, json_t *item)
{
    if (!json_object_get (body, key))
        json_object_set_new (body, key, json_array ());
    json_array_append_new (json_object_get (body, key), item);
}

//  TIME: YYYY-MM-DDTHH:MM (the district's), or +N s|m|h|d from the
//  daemon's clock (its api's health). Returns ms, or -1.
static int64_t
s_when (hs_client_t *client, hs_config_t *config, const char *value)
{
    (void) config;
    if (*value != '+')
        return huishang_time_parse (value);
    char *end;
    errno = 0;
    long long count = strtoll (value + 1, &end, 10);
    int64_t unit = *end == 's'? 1000: *end == 'm'? 60000: *end == 'h'? 3600000:
                   *end == 'd'? 86400000: 0;
    if (errno || end == value + 1 || count <= 0 || !unit || end [1]
    ||  count > 366LL * 86400000 / unit)
        return -1;
    int64_t now = -1;
    hs_client_reply_t reply;
    if (hs_client_api_socket (client) && hs_client_request (client, "health", NULL, &reply) == 0)
        now = hs_proto_int (reply.body, "at", -1);
    hs_client_reply_destroy (&reply);
    return (now > 0? now: zclock_time ()) + count * unit;
}

//  One option into the body; false if its value is refused (said).
static bool
s_option (json_t *body, hs_client_t *client, bool call, int option,
          const char *name, const char *value)
{
    bool token = option == O_CASE || option == O_PROPOSAL || option == O_PASSED
              || option == O_REJECTED || option == O_SOURCE || option == O_ID;
    bool theirs = call? option != O_DECISION && option != O_PASSED && option != O_REJECTED
                        && option != O_NOTE:
                        option != O_KIND && option != O_TIME && option != O_PLACE
                        && option != O_AGENDA && option != O_PROPOSAL;
    if (!theirs || (token && !s_token (value)) || (!token && strlen (value) > HS_NOTE_MAX)) {
        fprintf (stderr, "huishang %s: %s --%s%s%s\n", call? "call": "minutes",
                 theirs? "a code is wanted for": "takes no", name, theirs? ", not ": "",
                 theirs? value: "");
        return false;
    }
    switch (option) {
        case O_KIND:
            if (strcmp (value, "office") && strcmp (value, "plenary")) {
                fprintf (stderr, "huishang call: --kind is office or plenary, not '%s'\n", value);
                return false;
            }
            json_object_set_new (body, "kind", json_string (value));
            break;
        case O_TIME: break;             //  read last: it may ask the api
        case O_AT: {
            char *end;
            long long at = strtoll (value, &end, 10);
            if (*end || at < 946684800000LL) {
                fprintf (stderr, "huishang %s: --at takes Unix ms, not '%s'\n",
                         call? "call": "minutes", value);
                return false;
            }
            json_object_set_new (body, "at", json_integer (at));
            break;
        }
        case O_PLACE: case O_NOTE: case O_SOURCE: case O_ID:
            json_object_set_new (body, name, json_string (value));
            break;
        case O_AGENDA: case O_DECISION:
            s_append (body, option == O_AGENDA? "agenda": "decisions", json_string (value));
            break;
        case O_CASE: s_append (body, "cases", json_string (value)); break;
        case O_PROPOSAL: s_append (body, "proposals", json_string (value)); break;
        case O_PASSED: case O_REJECTED: {
            json_t *decided = json_object ();
            json_object_set_new (decided, "id", json_string (value));
            json_object_set_new (decided, "passed", json_boolean (option == O_PASSED));
            s_append (body, "proposals", decided);
            break;
        }
        case O_SUBMIT: hs_client_set_submit (client, value); break;
        case O_API: hs_client_set_api (client, value); break;
        case O_TIMEOUT: {
            int timeout;
            if (hs_client_parse_duration (value, &timeout) || timeout < 1) {
                fprintf (stderr, "huishang: --timeout takes a duration (500ms, 5s), not '%s'\n", value);
                return false;
            }
            hs_client_set_timeout (client, timeout);
            break;
        }
    }
    return true;
}

//  Submit the body; "ok seq N" (a call: and its meeting's id).
static int
s_send (hs_client_t *client, hs_config_t *config, json_t *body, bool call)
{
    const char *source = json_string_value (json_object_get (body, "source"));
    char topic [HS_TOPIC_MAX + 1];
    snprintf (topic, sizeof (topic), "%s.%s", call? "call": "minutes", source);
    hs_pack_t *pack = hs_pack_new ();
    hs_json_to_pack (body, pack);
    hs_submit_reply_t reply;
    int rc = 0;
    if (hs_client_submit (client, topic, hs_pack_data (pack), hs_pack_size (pack),
                          call? "call": "minutes", &reply))
        rc = 1;
    else
    if (reply.status == HS_SUBMIT_REJECTED) {
        fprintf (stderr, "rejected %s: %s\n", reply.reason, *reply.detail? reply.detail: "-");
        rc = 1;
    }
    else {
        printf ("%s seq %llu", hs_submit_status_name (reply.status),
                (unsigned long long) reply.seq);
        if (call && reply.status == HS_SUBMIT_OK)   //  the request follows the call
            printf (" meeting %s-m%llu", config->district, (unsigned long long) reply.seq + 1);
        printf ("\n");
    }
    fflush (stdout);
    hs_pack_destroy (&pack);
    return rc;
}

int
huishang_meeting_main (hs_client_t *client, hs_config_t *config, int argc, char *argv [])
{
    bool call = streq (argv [0], "call");
    if (!call && !streq (argv [0], "minutes"))
        return -1;
    json_t *body = json_object ();
    json_object_set_new (body, "v", json_integer (HS_PROTO_VERSION));
    bool bad = false;
    const char *when = NULL;            //  --time as given
    int option;
    optind = 1;
    opterr = 0;
    while (!bad && (option = getopt_long (argc, argv, "c:h", s_options, NULL)) != -1) {
        if (option == 'h') {
            s_usage (call, stdout);
            json_decref (body);
            return 0;
        }
        if (option == '?' || option == ':') {
            fprintf (stderr, "huishang %s: %s: %s\n", argv [0],
                     optopt? "this option needs a value": "no such option", argv [optind - 1]);
            bad = true;
        }
        else
        if (option == O_TIME && call)
            when = optarg;
        else
        if (option != 'c')
            bad = !s_option (body, client, call, option,
                             s_options [option - O_KIND].name, optarg);
    }
    int operands = argc - optind;
    if (!bad && operands != (call? 0: 1)) {
        fprintf (stderr, "huishang %s: %s\n", argv [0],
                 operands < (call? 0: 1)? "too few operands": "too many operands");
        bad = true;
    }
    if (!bad && !call) {
        bad = !s_token (argv [optind]);
        json_object_set_new (body, "meeting", json_string (argv [optind]));
    }
    if (!bad && when) {
        int64_t time = s_when (client, config, when);
        if (time > 0)
            json_object_set_new (body, "time", json_integer (time));
        else {
            fprintf (stderr, "huishang call: --time takes YYYY-MM-DDTHH:MM or +2h, not '%s'\n",
                     when);
            bad = true;
        }
    }
    if (!bad && call) {
        const char *needed [] = { "kind", "time", "place", "agenda", NULL };
        for (size_t index = 0; needed [index] && !bad; index++)
            if (!json_object_get (body, needed [index])) {
                fprintf (stderr, "huishang call: needs --%s\n", needed [index]);
                bad = true;
            }
    }
    if (bad) {
        fprintf (stderr, "\n");
        s_usage (call, stderr);
        json_decref (body);
        return 2;
    }
    if (!json_object_get (body, "source"))
        json_object_set_new (body, "source", json_string (
            call && streq (json_string_value (json_object_get (body, "kind")), "plenary")?
            "convener": "office"));
    if (!json_object_get (body, "id")) {
        char id [64];
        snprintf (id, sizeof (id), "cli-%d-%lld", getpid (), (long long) zclock_time ());
        json_object_set_new (body, "id", json_string (id));
    }
    if (!json_object_get (body, "at"))
        json_object_set_new (body, "at", json_integer (zclock_time ()));
    int rc = s_send (client, config, body, call);
    json_decref (body);
    return rc;
}
