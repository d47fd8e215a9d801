/*  =========================================================================
    huishang_inspect - huishang's commands for inspection (督查)

    One table says, for each command, its topic, its source unless
    --source says, its operand and its usage; the options are checked
    here, before anything is sent, so a mistake is a usage error (exit 2);
    who may and in which state only the daemon knows, and its refusal is
    printed with its code (exit 1). Bodies are JSON objects made into
    msgpack by protocol/hs_json.
    =========================================================================
*/

#include "huishang_inspect.h"
#include "huishang_handle.h"
#include "../protocol/hs_json.h"
#include "../protocol/hs_inspection_rec.h"
#include <getopt.h>
#include <unistd.h>

typedef struct {
    const char *name;           //  the command
    const char *topic;          //  what it sends
    const char *source;         //  --source unless given; NULL: --source is needed
    const char *operand;        //  the key its operand fills, or NULL: none
    const char *synopsis;
    const char *what;
} s_command_t;

static const s_command_t s_commands [] = {
    { "inspect-plan", "inspect", "office", NULL,
      "inspect-plan --title TEXT --units UNIT,UNIT --item TEXT [--item TEXT ...]\n"
      "                --from TIME --until TIME [--revise PLAN] [--source office]",
      "the office drafts an inspection plan (督查方案): the units and streets inspected\n"
      "  (codes or short names), the items checked, its dates; it goes to the convener.\n"
      "  --revise PLAN: this one revises a returned plan. Prints \"ok seq N plan\n"
      "  DISTRICT-iN\". TIME: YYYY-MM-DDTHH:MM in the district's time, or +2h, +3d" },
    { "inspect-approve", "inspectplan", "convener", "plan",
      "inspect-approve PLAN [--return --note TEXT] [--note TEXT] [--source convener]",
      "the convener approves an inspection plan (报召集人同意), or returns it with a\n"
      "  note saying why (--return); a returned plan is revised with inspect-plan --revise" },
    { "inspect-result", "finding", "office", "plan",
      "inspect-result PLAN --unit UNIT --findings TEXT [--rectify OWNER:DUE:TEXT ...]\n"
      "                [--source office]",
      "a unit's inspection result (督查结果) on an approved plan, with the\n"
      "  rectifications (整改) it asks: each of OWNER (a unit) by DUE (a TIME), chased\n"
      "  催办 -> 督办 -> 通报 until done; their ids (PLAN-rN) are in inspection.result" },
    { "rectified", "rectified", NULL, "item",
      "rectified ITEM --source UNIT [--note TEXT]",
      "a rectification (整改, ITEM: PLAN-rN) is done, said by its owner (or the office):\n"
      "  it is chased no more" }
};
#define COMMANDS (sizeof (s_commands) / sizeof (s_commands [0]))

enum { O_SOURCE = 600, O_NOTE, O_TITLE, O_UNITS, O_ITEM, O_FROM, O_UNTIL, O_REVISE, O_RETURN,
       O_UNIT, O_FINDINGS, O_RECTIFY, O_ID, O_AT, O_SUBMIT, O_API, O_TIMEOUT, O_RETRIES };

//  The options each command takes, by name (the common ones aside).
static const char *s_takes [COMMANDS] = {
    " source title units item from until revise ",
    " source return note ",
    " source unit findings rectify ",
    " source note "
};

static const struct option s_options [] = {
    { "source", required_argument, NULL, O_SOURCE }, { "note", required_argument, NULL, O_NOTE },
    { "title", required_argument, NULL, O_TITLE }, { "units", required_argument, NULL, O_UNITS },
    { "item", required_argument, NULL, O_ITEM }, { "from", required_argument, NULL, O_FROM },
    { "until", required_argument, NULL, O_UNTIL },
    { "revise", required_argument, NULL, O_REVISE }, { "return", no_argument, NULL, O_RETURN },
    { "unit", required_argument, NULL, O_UNIT },
    { "findings", required_argument, NULL, O_FINDINGS },
    { "rectify", required_argument, NULL, O_RECTIFY },
    { "id", required_argument, NULL, O_ID }, { "at", required_argument, NULL, O_AT },
    { "submit", required_argument, NULL, O_SUBMIT }, { "api", required_argument, NULL, O_API },
    { "timeout", required_argument, NULL, O_TIMEOUT },
    { "retries", required_argument, NULL, O_RETRIES },
    { "config", required_argument, NULL, 'c' }, { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
};

typedef struct {
    const s_command_t *command;
    hs_client_t *client;
    hs_config_t *config;
    json_t *body;
    bool bad;                   //  a usage error (said)
    bool returned;              //  --return
    const char *from, *until;   //  TIMEs, read last: they may ask the api
    zlist_t *rectify;           //  --rectify values, read last
} s_inspect_t;

static void
s_usage (const s_command_t *command, FILE *out)
{
    fprintf (out, "usage: huishang %s\n\n  %s\n\n", command->synopsis, command->what);
    fprintf (out,
        "  Acknowledged: sent to the daemon's submit endpoint (again, with the same\n"
        "  id, until it answers) and answered once stored: \"ok seq N\" on stdout;\n"
        "  a refusal is \"rejected CODE: detail\" on stderr, exit 1.\n"
        "\n"
        "    --id ID             the message id (default: cli-PID-MS, unique)\n"
        "    --at UNIX_MS        when it was decided (default: now)\n"
        "    --submit EP         the daemon's submit endpoint (default: the config)\n"
        "    --api EP            the daemon's api (+DURATION asks it the time)\n"
        "    --timeout D         how long to wait for an answer before sending again\n"
        "    --retries N         resends before giving up (default 20; 0: forever)\n"
        "    -c, --config FILE   read endpoints and the district's time from this config\n"
        "    -h, --help          this text\n");
}

static void
s_bad (s_inspect_t *self, const char *format, const char *option, const char *value)
{
    fprintf (stderr, "huishang %s: ", self->command->name);
    fprintf (stderr, format, option, value);
    fprintf (stderr, "\n");
    self->bad = true;
}

static bool
s_is_token (const char *value)
{
    size_t length = strlen (value);
    if (length == 0 || length > HS_ID_MAX)
        return false;
    for (size_t index = 0; index < length; index++)
        if ((unsigned char) value [index] < 0x21 || (unsigned char) value [index] > 0x7e)
            return false;
    return true;
}

static void
s_token (s_inspect_t *self, const char *key, const char *option, const char *value)
{
    if (s_is_token (value))
        json_object_set_new (self->body, key, json_string (value));
    else
        s_bad (self, "%s takes a code or id (1-64 printable characters), not '%s'", option, value);
}

//  A text of 1..max bytes.
static void
s_text (s_inspect_t *self, const char *key, const char *option, const char *value, size_t max)
{
    if (!*value || strlen (value) > max)
        s_bad (self, "--%s takes a text of 1 to %s bytes", option,
               max == HS_NOTE_MAX? "4096": max == HS_INSPECTION_TITLE_MAX? "256": "1024");
    else
        json_object_set_new (self->body, key, json_string (value));
}

static int64_t
s_number (s_inspect_t *self, const char *option, const char *value, int64_t min, int64_t max)
{
    char *end;
    errno = 0;
    long long number = strtoll (value, &end, 10);
    if (!*value || *end || errno || number < min || number > max) {
        s_bad (self, "--%s takes a whole number, not '%s'", option, value);
        return -1;
    }
    return number;
}

//  --units U,U into the body.
static void
s_units (s_inspect_t *self, const char *value)
{
    json_t *list = json_array ();
    char *copy = strdup (value);
    char *saved = NULL;
    for (char *unit = strtok_r (copy, ", ", &saved); unit; unit = strtok_r (NULL, ", ", &saved))
        if (s_is_token (unit))
            json_array_append_new (list, json_string (unit));
        else
            s_bad (self, "--%s: '%s' is not a unit code", "units", unit);
    free (copy);
    if (!json_array_size (list) && !self->bad)
        s_bad (self, "--%s takes units, UNIT,UNIT...%s", "units", "");
    json_object_set_new (self->body, "units", list);
}

//  One --rectify OWNER:DUE:TEXT into the body's list: DUE is +N[smhd]
//  (up to the next colon) or YYYY-MM-DDTHH:MM (16 characters).
static void
s_rectify (s_inspect_t *self, const char *value)
{
    const char *colon = strchr (value, ':');
    const char *due = colon? colon + 1: NULL;
    const char *rest = !due? NULL: *due == '+'? strchr (due, ':'):
                       strlen (due) > 16 && due [16] == ':'? due + 16: NULL;
    if (!colon || !rest || !rest [1] || colon == value) {
        s_bad (self, "--%s takes OWNER:DUE:TEXT (DUE a TIME: +3d or YYYY-MM-DDTHH:MM), "
               "not '%s'", "rectify", value);
        return;
    }
    char owner [HS_CODE_MAX + 1], when [32];
    snprintf (owner, sizeof (owner), "%.*s", (int) (colon - value), value);
    snprintf (when, sizeof (when), "%.*s", (int) (rest - due), due);
    if (!s_is_token (owner)) {
        s_bad (self, "--%s: '%s' is not a unit code", "rectify", owner);
        return;
    }
    if (strlen (rest + 1) > HS_INSPECTION_ITEM_MAX) {
        s_bad (self, "--%s: a rectification's text is at most 1024 bytes%s", "rectify", "");
        return;
    }
    int64_t at = huishang_handle_when (self->client, self->config, self->command->name,
                                       "rectify", when);
    if (at < 0) {
        self->bad = true;
        return;
    }
    json_t *item = json_object ();
    json_object_set_new (item, "owner", json_string (owner));
    json_object_set_new (item, "due", json_integer (at));
    json_object_set_new (item, "text", json_string (rest + 1));
    json_array_append_new (json_object_get (self->body, "rectify"), item);
}

static void
s_option (s_inspect_t *self, int option, const char *name, const char *value)
{
    switch (option) {
        case O_SOURCE: s_token (self, "source", "--source", value); break;
        case O_NOTE: s_text (self, "note", name, value, HS_NOTE_MAX); break;
        case O_TITLE: s_text (self, "title", name, value, HS_INSPECTION_TITLE_MAX); break;
        case O_FINDINGS: s_text (self, "findings", name, value, HS_NOTE_MAX); break;
        case O_UNITS: s_units (self, value); break;
        case O_UNIT: s_token (self, "unit", "--unit", value); break;
        case O_REVISE: s_token (self, "plan", "--revise", value); break;
        case O_RETURN: self->returned = true; break;
        case O_ITEM:
            if (!*value || strlen (value) > HS_INSPECTION_ITEM_MAX)
                s_bad (self, "--%s takes a text of 1 to 1024 bytes%s", name, "");
            else {
                if (!json_object_get (self->body, "items"))
                    json_object_set_new (self->body, "items", json_array ());
                json_array_append_new (json_object_get (self->body, "items"),
                                       json_string (value));
            }
            break;
        case O_FROM: self->from = value; break;
        case O_UNTIL: self->until = value; break;
        case O_RECTIFY: zlist_append (self->rectify, (void *) value); break;
        case O_ID: s_token (self, "id", "--id", value); break;
        case O_AT: {
            int64_t at = s_number (self, name, value, 946684800000LL, INT64_MAX / 2);
            if (at > 0)
                json_object_set_new (self->body, "at", json_integer (at));
            break;
        }
        case O_SUBMIT: hs_client_set_submit (self->client, value); break;
        case O_API: hs_client_set_api (self->client, value); break;
        case O_TIMEOUT: {
            int timeout;
            if (hs_client_parse_duration (value, &timeout) || timeout < 1) {
                fprintf (stderr, "huishang %s: --timeout takes a duration (500ms, 5s), not '%s'\n",
                         self->command->name, value);
                self->bad = true;
            }
            else
                hs_client_set_timeout (self->client, timeout);
            break;
        }
        case O_RETRIES: {
            int64_t retries = s_number (self, name, value, 0, 1000000);
            if (retries >= 0)
                hs_client_set_retries (self->client, (int) retries);
            break;
        }
    }
}

//  What the command needs, once its options are read; and the TIMEs.
static void
s_finish (s_inspect_t *self)
{
    const char *name = self->command->name;
    static const struct { const char *command, *key, *option; } needs [] = {
        { "inspect-plan", "title", "--title" }, { "inspect-plan", "units", "--units" },
        { "inspect-plan", "items", "--item" }, { "inspect-result", "unit", "--unit" },
        { "inspect-result", "findings", "--findings" }, { "rectified", "source", "--source" }
    };
    for (size_t index = 0; index < sizeof (needs) / sizeof (needs [0]) && !self->bad; index++)
        if (streq (needs [index].command, name) && !json_object_get (self->body, needs [index].key))
            s_bad (self, "needs %s%s", needs [index].option, "");
    if (self->bad)
        return;
    if (streq (name, "inspect-plan")) {
        if (!self->from || !self->until) {
            s_bad (self, "needs --from and --until%s%s", "", "");
            return;
        }
        int64_t from = huishang_handle_when (self->client, self->config, name, "from", self->from);
        int64_t until = from < 0? -1: huishang_handle_when (self->client, self->config, name,
                                                            "until", self->until);
        if (from < 0 || until < 0)
            self->bad = true;
        else
        if (until <= from)
            s_bad (self, "--until must come after --from%s%s", "", "");
        else {
            json_object_set_new (self->body, "start", json_integer (from));
            json_object_set_new (self->body, "end", json_integer (until));
        }
    }
    if (streq (name, "inspect-approve")) {
        if (self->returned && !json_object_get (self->body, "note"))
            s_bad (self, "--return needs --note saying why%s%s", "", "");
        json_object_set_new (self->body, "decision",
                             json_string (self->returned? "return": "approve"));
    }
    if (streq (name, "inspect-result")) {
        json_object_set_new (self->body, "rectify", json_array ());
        for (const char *value = (const char *) zlist_first (self->rectify); value && !self->bad;
             value = (const char *) zlist_next (self->rectify))
            s_rectify (self, value);
    }
    if (!json_object_get (self->body, "source"))
        json_object_set_new (self->body, "source", json_string (self->command->source));
}

static int
s_send (s_inspect_t *self)
{
    const char *source = json_string_value (json_object_get (self->body, "source"));
    char topic [HS_TOPIC_MAX + 1];
    snprintf (topic, sizeof (topic), "%s.%s", self->command->topic, source);
    hs_pack_t *pack = hs_pack_new ();
    hs_json_to_pack (self->body, pack);
    hs_submit_reply_t reply;
    int rc = 0;
    if (hs_client_submit (self->client, topic, hs_pack_data (pack), hs_pack_size (pack),
                          self->command->name, &reply))
        rc = 1;
    else
    if (reply.status == HS_SUBMIT_REJECTED) {
        fprintf (stderr, "rejected %s: %s\n", reply.reason, *reply.detail? reply.detail: "-");
        rc = 1;
    }
    else {
        printf ("%s seq %llu", hs_submit_status_name (reply.status),
                (unsigned long long) reply.seq);
        const char *name = self->command->name;
        if (streq (name, "inspect-plan"))       //  its id, in our config's district
            printf (" plan %s-i%llu", self->config->district, (unsigned long long) reply.seq);
        printf ("\n");
    }
    fflush (stdout);
    hs_pack_destroy (&pack);
    return rc;
}

static int
s_run (const s_command_t *command, const char *takes, hs_client_t *client, hs_config_t *config,
       int argc, char *argv [])
{
    s_inspect_t self = { .command = command, .client = client, .config = config,
                         .body = json_object (), .rectify = zlist_new () };
    json_object_set_new (self.body, "v", json_integer (HS_PROTO_VERSION));
    int option;
    optind = 1;
    opterr = 0;
    while (!self.bad && (option = getopt_long (argc, argv, "c:h", s_options, NULL)) != -1) {
        if (option == 'h') {
            s_usage (command, stdout);
            json_decref (self.body);
            zlist_destroy (&self.rectify);
            return 0;
        }
        if (option == '?' || option == ':') {
            fprintf (stderr, "huishang %s: %s: %s\n", command->name,
                     optopt? "this option needs a value": "no such option", argv [optind - 1]);
            self.bad = true;
            break;
        }
        const char *name = "?";
        for (size_t index = 0; s_options [index].name; index++)
            if (s_options [index].val == option)
                name = s_options [index].name;
        char word [24];
        snprintf (word, sizeof (word), " %s ", name);
        if (option >= O_SOURCE && option <= O_RECTIFY && !strstr (takes, word))
            s_bad (&self, "takes no --%s%s", name, "");
        else
        if (option != 'c')
            s_option (&self, option, name, optarg);
    }
    int operands = argc - optind;
    if (!self.bad && operands != (command->operand? 1: 0))
        s_bad (&self, "%s%s", operands > (command->operand? 1: 0)? "too many operands":
               "too few operands", "");
    if (!self.bad && command->operand)
        s_token (&self, command->operand, command->operand, argv [optind]);
    if (!self.bad)
        s_finish (&self);
    zlist_destroy (&self.rectify);
    if (self.bad) {
        fprintf (stderr, "\n");
        s_usage (command, stderr);
        json_decref (self.body);
        return 2;
    }
    if (!json_object_get (self.body, "id")) {
        char id [64];
        snprintf (id, sizeof (id), "cli-%d-%lld", getpid (), (long long) zclock_time ());
        json_object_set_new (self.body, "id", json_string (id));
    }
    if (!json_object_get (self.body, "at"))
        json_object_set_new (self.body, "at", json_integer (zclock_time ()));
    int rc = s_send (&self);
    json_decref (self.body);
    return rc;
}

int
huishang_inspect_main (hs_client_t *client, hs_config_t *config, int argc, char *argv [])
{
    for (size_t index = 0; index < COMMANDS; index++)
        if (streq (argv [0], s_commands [index].name))
            return s_run (&s_commands [index], s_takes [index], client, config, argc, argv);
    return -1;
}
