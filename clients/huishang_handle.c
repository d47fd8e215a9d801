/*  =========================================================================
    huishang_handle - huishang's commands for handling a case

    One table says, for each command, what it sends (an update with a
    status, or an act), which options it takes and which it needs, and
    its usage. The options are checked here, before anything is sent, so
    a mistake is a usage error (exit 2) and not a dead letter; the rest
    (who may, in which stage) only the daemon knows, and its refusal is
    printed with its code (exit 1). Bodies are JSON objects made into
    msgpack by protocol/hs_json, as `huishang pub` makes them.
    =========================================================================
*/

#include "huishang_handle.h"
#include "huishang_time.h"
#include "../protocol/hs_json.h"
#include "../protocol/hs_prompt_rec.h"
#include "../protocol/hs_fields.h"
#include <getopt.h>
#include <unistd.h>

//  The options a command may take or needs, one bit each.
enum {
    A_SOURCE = 1 << 0, A_NOTE = 1 << 1, A_REASON = 1 << 2, A_STATUS = 1 << 3,
    A_WORKERS = 1 << 4, A_AMOUNT = 1 << 5, A_FLAGS = 1 << 6, A_SATISFIED = 1 << 7,
    A_LEVEL = 1 << 8, A_UNTIL = 1 << 9, A_ADD = 1 << 10, A_REMOVE = 1 << 11,
    A_LEAD = 1 << 12, A_UNIT = 1 << 13, A_TITLE = 1 << 14, A_GUIDANCE = 1 << 15,
    A_STREETS = 1 << 16, A_DUE = 1 << 17, A_TEXT = 1 << 18, A_AGREE = 1 << 19, A_AMEND = 1 << 20,
    A_PERSON = 1 << 21          //  every update and act takes it (s_allowed)
};

typedef struct {
    const char *name;           //  the command
    const char *act;            //  the act it sends, or NULL: an update
    const char *status;         //  an update's status; NULL: --status says
    unsigned allowed;           //  the options it takes (A_*)
    unsigned required;          //  ... and those it needs
    const char *operand;        //  what follows CASE (INTO, REPORT_SEQ), or NULL
    bool office;                //  --source is office unless given
    const char *synopsis;       //  its usage after "huishang "
    const char *what;           //  what it does, one line
    const char *topic;          //  what it sends, or NULL: act. (with `act`) or update.
    const char *subject;        //  the key its operand fills; NULL: case; "": none
} s_command_t;

static const s_command_t s_commands [] = {
    { "sign", NULL, "signed", A_SOURCE | A_NOTE, A_SOURCE, NULL, false,
      "sign CASE --source UNIT [--note TEXT]",
      "a handler signs for the case (签收): its sign clock stops", NULL, NULL },
    { "return", NULL, "returned", A_SOURCE | A_REASON, A_SOURCE | A_REASON, NULL, false,
      "return CASE --source UNIT --reason TEXT",
      "a handler returns the case (退单), saying why: the office is told", NULL, NULL },
    { "update", NULL, NULL, A_SOURCE | A_STATUS | A_NOTE | A_WORKERS | A_AMOUNT | A_FLAGS,
      A_SOURCE | A_STATUS, NULL, false,
      "update CASE --source UNIT --status STATUS [--note TEXT] [--workers N]\n"
      "                [--amount YUAN] [--flags FLAG,FLAG...]",
      "a unit's progress on the case (进展), with new facts if any;\n"
      "  STATUS: signed, returned, accepted, mediating, resolved, closed, failed", NULL, NULL },
    { "resolve", NULL, "resolved", A_SOURCE | A_NOTE, A_SOURCE | A_NOTE, NULL, false,
      "resolve CASE --source UNIT --note TEXT",
      "a handler's part is done (办结); the lead's sends the case to the office's review", NULL, NULL },
    { "close", "close", NULL, A_SOURCE | A_NOTE, 0, NULL, true,
      "close CASE [--note TEXT] [--source office]",
      "the office closes a resolved case after review (审核办结)", NULL, NULL },
    { "reject-closure", "reject_closure", NULL, A_SOURCE | A_REASON, A_REASON, NULL, true,
      "reject-closure CASE --reason TEXT [--source office]",
      "the office sends a resolved case back to its lead (退回)", NULL, NULL },
    { "followup", "followup", NULL, A_SOURCE | A_SATISFIED | A_NOTE, A_SOURCE | A_SATISFIED,
      NULL, false,
      "followup CASE --source UNIT --satisfied yes|no [--note TEXT]",
      "the return visit of a closed case (回访); not satisfied re-opens it", NULL, NULL },
    { "regrade", "regrade", NULL, A_SOURCE | A_LEVEL | A_REASON, A_LEVEL | A_REASON, NULL, true,
      "regrade CASE --level LEVEL --reason TEXT [--source office]",
      "set the case's level, up or down (LEVEL: general, significant, major, critical)", NULL, NULL },
    { "merge", "merge", NULL, A_SOURCE | A_REASON, 0, "INTO", true,
      "merge CASE INTO [--reason TEXT] [--source office]",
      "CASE is the same dispute as INTO: INTO absorbs it", NULL, NULL },
    { "split", "split", NULL, A_SOURCE | A_REASON, 0, "REPORT_SEQ", true,
      "split CASE REPORT_SEQ [--reason TEXT] [--source office]",
      "the report stored under REPORT_SEQ is a dispute of its own: a new case", NULL, NULL },
    { "mute", "mute", NULL, A_SOURCE | A_UNTIL | A_REASON, A_UNTIL | A_REASON, NULL, true,
      "mute CASE --until TIME --reason TEXT [--source office]",
      "hold the case's supervision notices until TIME (the ladder keeps counting);\n"
      "  TIME: YYYY-MM-DDTHH:MM in the district's time, or +30m, +2h, +3d", NULL, NULL },
    { "unmute", "unmute", NULL, A_SOURCE | A_REASON, 0, NULL, true,
      "unmute CASE [--reason TEXT] [--source office]",
      "the case's supervision notices go out again", NULL, NULL },
    { "reroute", "reroute", NULL, A_SOURCE | A_ADD | A_REMOVE | A_LEAD | A_REASON, A_REASON,
      NULL, true,
      "reroute CASE [--add UNIT,UNIT] [--remove UNIT,UNIT] [--lead UNIT] --reason TEXT\n"
      "                [--source office]",
      "change the case's handlers and its lead (主办)", NULL, NULL },
    { "insist", "insist", NULL, A_SOURCE | A_UNIT | A_REASON, A_UNIT | A_REASON, NULL, true,
      "insist CASE --unit UNIT --reason TEXT [--source office]",
      "a unit that returned the case must handle it after all: it is routed again", NULL, NULL },
    { "done", NULL, NULL, A_SOURCE | A_NOTE, A_SOURCE, NULL, false,
      "done ITEM --source UNIT [--note TEXT]",
      "a meeting's action item (督办事项, ITEM: MEETING-aN) is done: it is chased no more",
      "action", "item" },
    { "prompt", NULL, NULL, A_SOURCE | A_TITLE | A_GUIDANCE | A_STREETS | A_DUE,
      A_TITLE | A_GUIDANCE, NULL, true,
      "prompt --title TEXT --guidance TEXT [--streets STREET,STREET | all]\n"
      "                [--case CASE ...] [--due TIME] [--source office]",
      "the office issues a work prompt (工作提示) with its guidance (指导意见) to the\n"
      "  streets (all of them by default), about the cases given; each street signs for\n"
      "  it by TIME (default: rules.cfg prompts/sign from now) or is chased; prints\n"
      "  \"ok seq N prompt DISTRICT-pN\". TIME: YYYY-MM-DDTHH:MM in the district's\n"
      "  time, or +30m, +2h, +3d",
      "prompt", "" },
    { "prompt-sign", NULL, NULL, A_SOURCE | A_NOTE, A_SOURCE, NULL, false,
      "prompt-sign PROMPT --source STREET [--note TEXT]",
      "a street signs for a work prompt (签收, PROMPT: DISTRICT-pN): it is chased no more",
      "promptsign", "prompt" },
    { "propose", NULL, NULL, A_SOURCE | A_TITLE | A_TEXT | A_DUE, A_TITLE | A_TEXT, NULL, true,
      "propose --title TEXT --text TEXT [--case CASE ...] [--due TIME] [--source office]",
      "the office drafts a major problem or policy proposal (重大问题及对策建议); it is\n"
      "  circulated to the member units for their opinions by TIME (default: rules.cfg\n"
      "  proposals/opinions from now) and goes upward only once a meeting's minutes pass\n"
      "  it; prints \"ok seq N proposal DISTRICT-jN\"",
      "proposal", "" },
    { "opinion", NULL, NULL, A_SOURCE | A_AGREE | A_AMEND | A_NOTE, A_SOURCE, NULL, false,
      "opinion PROPOSAL --source UNIT --agree|--amend [--note TEXT]",
      "a member unit's opinion on a proposal (PROPOSAL: DISTRICT-jN): it agrees, or asks\n"
      "  for an amendment, saying what (--note, needed with --amend)",
      "opinion", "proposal" }
};

//  The key a command's operand fills: "case", "item", "prompt", or "" (none).
static const char *
s_subject (const s_command_t *command)
{
    return command->subject? command->subject: "case";
}
#define COMMANDS (sizeof (s_commands) / sizeof (s_commands [0]))

//  The update statuses (PROTOCOL.md §3.1).
static const char *s_statuses [] = {
    "signed", "returned", "accepted", "mediating", "resolved", "closed", "failed", NULL
};

static void
s_usage (const s_command_t *command, FILE *out)
{
    fprintf (out, "usage: huishang %s\n\n  %s\n\n", command->synopsis, command->what);
    fprintf (out,
        "  Acknowledged: sent to the daemon's submit endpoint (again, with the same\n"
        "  id, until it answers) and answered once stored: \"ok seq N\" on stdout;\n"
        "  a refusal is \"rejected CODE: detail\" on stderr, exit 1.\n"
        "\n");
    if (!command->topic)
        fprintf (out, "    --person NAME       who in the unit does it (a name, 1-64 bytes)\n");
    fprintf (out,
        "    --id ID             the message id (default: cli-PID-MS, unique)\n"
        "    --at UNIX_MS        when it was decided (default: now)\n"
        "    --no-ack            publish to the ingest, fire-and-forget\n"
        "    -e, --endpoint EP   publish to this ingest, fire-and-forget (as --no-ack)\n"
        "    --submit EP         the daemon's submit endpoint (default: the config)\n"
        "    --api EP            the daemon's api (+DURATION asks it the time)\n"
        "    --timeout D         how long to wait for an answer before sending again\n"
        "    --retries N         resends before giving up (default 20; 0: forever)\n"
        "    -c, --config FILE   read endpoints and the district's time from this config\n"
        "    -h, --help          this text\n");
}

//  ---------------------------------------------------------------------
//  Checking option values

typedef struct {
    const s_command_t *command; //  what is being run
    hs_client_t *client;        //  where it goes
    hs_config_t *config;        //  limits, the district's time
    json_t *body;               //  the message so far
    unsigned given;             //  options given (A_*)
    bool ack;                   //  acknowledged submit, else publish
    bool bad;                   //  an option's value was refused (said)
    const char *when;           //  --until or --due as given
    const char *when_key;       //  ... which one
} s_handle_t;

//  Refuse an option's value: said, and the command ends with its usage.
static void
s_refuse (s_handle_t *self, const char *format, const char *option, const char *value)
{
    fprintf (stderr, "huishang %s: ", self->command->name);
    fprintf (stderr, format, option, value);
    fprintf (stderr, "\n");
    self->bad = true;
}

//  A token: 1-64 bytes of printable ASCII without spaces.
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
s_set_token (s_handle_t *self, const char *key, const char *option, const char *value)
{
    if (s_is_token (value))
        json_object_set_new (self->body, key, json_string (value));
    else
        s_refuse (self, "--%s takes a code (1-64 printable characters, no spaces), not '%s'",
                  option, value);
}

//  Text of at most 4096 bytes; not empty unless `empty`. UTF-8 the
//  terminal gave us; the daemon checks it again.
static void
s_set_text (s_handle_t *self, const char *key, const char *option, const char *value)
{
    if (!*value && !streq (option, "note"))
        s_refuse (self, "--%s takes a text%s", option, ", not an empty one");
    else
    if (strlen (value) > HS_NOTE_MAX)
        s_refuse (self, "--%s takes at most 4096 bytes%s", option, "");
    else
        json_object_set_new (self->body, key, json_string (value));
}

//  A whole number from `min` to `max`, or -1 (said).
static int64_t
s_number (s_handle_t *self, const char *option, const char *value, int64_t min, int64_t max)
{
    char *end;
    errno = 0;
    long long number = strtoll (value, &end, 10);
    if (!*value || *end || errno || number < min || number > max) {
        char range [64];
        snprintf (range, sizeof (range), "%lld to %lld", (long long) min, (long long) max);
        fprintf (stderr, "huishang %s: %s%s takes a whole number from %s, not '%s'\n",
                 self->command->name, isupper ((unsigned char) *option)? "": "--", option,
                 range, value);
        self->bad = true;
        return -1;
    }
    return number;
}

//  A comma-separated list as an array: unit codes, or flag names.
static void
s_set_list (s_handle_t *self, const char *key, const char *option, const char *value,
            bool flags)
{
    json_t *list = json_array ();
    char *copy = strdup (value);
    assert (copy);
    char *saved = NULL;
    for (char *item = strtok_r (copy, ", ", &saved); item; item = strtok_r (NULL, ", ", &saved)) {
        if (flags && hs_flag_parse (item) < 0)
            s_refuse (self, "--%s: '%s' is not a flag (gathering, petition_visit, "
                      "road_blocking, extreme, media, litigation, repeat, cross_district, "
                      "epidemic)", option, item);
        else
        if (!flags && !s_is_token (item))
            s_refuse (self, "--%s: '%s' is not a unit code", option, item);
        else
            json_array_append_new (list, json_string (item));
    }
    free (copy);
    if (json_array_size (list) == 0 && !flags && !self->bad)
        s_refuse (self, "--%s takes units, UNIT,UNIT...%s", option, "");
    json_object_set_new (self->body, key, list);
}

//  The daemon's clock now, for a relative --until: its api's reading (a
//  drill's clock is not ours), else this machine's, with a warning.
static int64_t
s_daemon_now (hs_client_t *client, const char *command)
{
    int64_t now = -1;
    if (hs_client_api_socket (client)) {
        hs_client_reply_t reply;
        if (hs_client_request (client, "health", NULL, &reply) == 0)
            now = hs_proto_int (reply.body, "at", -1);
        hs_client_reply_destroy (&reply);
    }
    if (now <= 0) {
        fprintf (stderr, "huishang %s: the daemon's clock is not known: +DURATION counts "
                 "from this machine's\n", command);
        now = zclock_time ();
    }
    return now;
}

//  --until or --due: YYYY-MM-DDTHH:MM in the district's time, or +N
//  followed by s, m, h or d from the daemon's clock now. Returns ms, or -1
//  (said).
int64_t
huishang_handle_when (hs_client_t *client, hs_config_t *config, const char *command,
                      const char *option, const char *value)
{
    if (*value == '+') {
        char *end;
        errno = 0;
        long long count = strtoll (value + 1, &end, 10);
        int64_t unit = *end == 's'? 1000: *end == 'm'? 60000: *end == 'h'? 3600000:
                       *end == 'd'? 86400000: 0;
        if (errno || end == value + 1 || count <= 0 || !unit || end [1]
        ||  count > 366LL * 86400000 / unit) {
            fprintf (stderr, "huishang %s: --%s takes +N followed by s, m, h or d, not '%s'\n",
                     command, option, value);
            return -1;
        }
        return s_daemon_now (client, command) + count * unit;
    }
    int64_t at = huishang_time_parse (value);   //  the district's (or --utc)
    (void) config;
    if (at < 0)
        fprintf (stderr, "huishang %s: --%s takes YYYY-MM-DDTHH:MM (the district's time) or "
                 "+2h, not '%s'\n", command, option, value);
    return at;
}

static int64_t
s_when (s_handle_t *self, const char *option, const char *value)
{
    int64_t at = huishang_handle_when (self->client, self->config, self->command->name, option,
                                       value);
    self->bad |= at < 0;
    return at;
}

//  ---------------------------------------------------------------------
//  Parsing

enum { O_SOURCE = 500, O_NOTE, O_REASON, O_STATUS, O_WORKERS, O_AMOUNT, O_FLAGS,
       O_SATISFIED, O_LEVEL, O_UNTIL, O_ADD, O_REMOVE, O_LEAD, O_UNIT, O_TITLE, O_GUIDANCE,
       O_STREETS, O_DUE, O_TEXT, O_AGREE, O_AMEND, O_PERSON, O_ID, O_AT,
       O_NOACK, O_ACK, O_SUBMIT, O_API, O_TIMEOUT, O_RETRIES, O_CASE };

static const struct option s_options [] = {
    { "source", required_argument, NULL, O_SOURCE }, { "note", required_argument, NULL, O_NOTE },
    { "reason", required_argument, NULL, O_REASON },
    { "status", required_argument, NULL, O_STATUS },
    { "workers", required_argument, NULL, O_WORKERS },
    { "amount", required_argument, NULL, O_AMOUNT },
    { "flags", required_argument, NULL, O_FLAGS },
    { "satisfied", required_argument, NULL, O_SATISFIED },
    { "level", required_argument, NULL, O_LEVEL }, { "until", required_argument, NULL, O_UNTIL },
    { "add", required_argument, NULL, O_ADD }, { "remove", required_argument, NULL, O_REMOVE },
    { "lead", required_argument, NULL, O_LEAD }, { "unit", required_argument, NULL, O_UNIT },
    { "title", required_argument, NULL, O_TITLE },
    { "guidance", required_argument, NULL, O_GUIDANCE },
    { "streets", required_argument, NULL, O_STREETS }, { "due", required_argument, NULL, O_DUE },
    { "text", required_argument, NULL, O_TEXT }, { "agree", no_argument, NULL, O_AGREE },
    { "amend", no_argument, NULL, O_AMEND }, { "person", required_argument, NULL, O_PERSON },
    { "id", required_argument, NULL, O_ID }, { "at", required_argument, NULL, O_AT },
    { "no-ack", no_argument, NULL, O_NOACK }, { "ack", no_argument, NULL, O_ACK },
    { "endpoint", required_argument, NULL, 'e' }, { "submit", required_argument, NULL, O_SUBMIT },
    { "api", required_argument, NULL, O_API }, { "timeout", required_argument, NULL, O_TIMEOUT },
    { "retries", required_argument, NULL, O_RETRIES },
    { "case", required_argument, NULL, O_CASE },       //  update's old form: --case CASE
    { "config", required_argument, NULL, 'c' }, { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
};

//  The A_* bit of an option of the body, or 0 for the others.
static unsigned
s_option_bit (int option)
{
    return option >= O_SOURCE && option <= O_PERSON? 1u << (option - O_SOURCE): 0;
}

//  The option's long name, for what is said.
static const char *
s_option_name (int option)
{
    for (size_t index = 0; s_options [index].name; index++)
        if (s_options [index].val == option)
            return s_options [index].name;
    return "?";
}

//  One option of the command line into the body (or the client).
static void
s_option (s_handle_t *self, int option, const char *value)
{
    const char *name = s_option_name (option);
    const hs_limits_t *limits = &self->config->limits;
    switch (option) {
        case O_SOURCE: s_set_token (self, "source", name, value); break;
        case O_NOTE: s_set_text (self, "note", name, value); break;
        case O_REASON:
            //  An update's reason is its note (退单: why it is returned).
            s_set_text (self, self->command->act? "reason": "note", name, value);
            break;
        case O_STATUS: {
            bool known = false;
            for (size_t index = 0; s_statuses [index]; index++)
                known |= streq (s_statuses [index], value);
            if (known)
                json_object_set_new (self->body, "status", json_string (value));
            else
                s_refuse (self, "--%s takes signed, returned, accepted, mediating, resolved, "
                          "closed or failed, not '%s'", name, value);
            break;
        }
        case O_WORKERS: case O_AMOUNT: {
            bool workers = option == O_WORKERS;
            int64_t number = s_number (self, name, value, workers? 1: 0,
                                       workers? limits->max_workers: limits->max_amount);
            if (number >= 0)
                json_object_set_new (self->body, name, json_integer (number));
            break;
        }
        case O_FLAGS: s_set_list (self, "flags", name, value, true); break;
        case O_SATISFIED:
            if (streq (value, "yes") || streq (value, "no"))
                json_object_set_new (self->body, "satisfied", json_boolean (streq (value, "yes")));
            else
                s_refuse (self, "--%s takes yes or no, not '%s'", name, value);
            break;
        case O_LEVEL:
            if (hs_level_parse (value) >= 0)
                json_object_set_new (self->body, "level", json_string (value));
            else
                s_refuse (self, "--%s takes general, significant, major or critical, not '%s'",
                          name, value);
            break;
        case O_UNTIL: case O_DUE:                       //  read last: it may ask the api
            self->when = value;
            self->when_key = name;
            break;
        case O_TITLE:
            if (strlen (value) > HS_PROMPT_TITLE_MAX)
                s_refuse (self, "--%s takes at most 256 bytes%s", name, "");
            else
                s_set_text (self, name, name, value);
            break;
        case O_GUIDANCE: case O_TEXT: s_set_text (self, name, name, value); break;
        case O_AGREE: case O_AMEND:
            json_object_set_new (self->body, "opinion", json_string (name));
            break;
        case O_STREETS:
            if (streq (value, "all"))
                json_object_set_new (self->body, "streets", json_string ("streets"));
            else
                s_set_list (self, "streets", name, value, false);
            break;
        case O_ADD: case O_REMOVE: s_set_list (self, name, name, value, false); break;
        case O_LEAD: case O_UNIT: s_set_token (self, name, name, value); break;
        case O_ID: s_set_token (self, "id", name, value); break;
        case O_PERSON:
            if (!*value || strlen (value) > HS_PERSON_MAX
            ||  !hs_proto_utf8 ((const uint8_t *) value, strlen (value)))
                s_refuse (self, "--%s takes a name of 1-64 bytes of UTF-8, not '%s'", name, value);
            else
                json_object_set_new (self->body, "person", json_string (value));
            break;
        case O_CASE:
            if (streq (self->command->name, "prompt")          //  a prompt's cases, one each
            ||  streq (self->command->name, "propose")) {
                if (!json_object_get (self->body, "cases"))
                    json_object_set_new (self->body, "cases", json_array ());
                if (s_is_token (value))
                    json_array_append_new (json_object_get (self->body, "cases"),
                                           json_string (value));
                else
                    s_refuse (self, "--%s takes a case id, not '%s'", name, value);
            }
            else
                s_set_token (self, "case", name, value);
            break;
        case O_AT: {
            int64_t at = s_number (self, name, value, 946684800000LL, INT64_MAX / 2);
            if (at > 0)
                json_object_set_new (self->body, "at", json_integer (at));
            break;
        }
        case O_NOACK: self->ack = false; break;
        case O_ACK: break;                              //  the default now
        case 'e': hs_client_set_ingest (self->client, value); self->ack = false; break;
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
        case 'c': break;                                //  read by main
    }
}

//  The operands: CASE, then INTO (merge) or REPORT_SEQ (split).
static void
s_operands (s_handle_t *self, int count, char *operands [])
{
    const s_command_t *command = self->command;
    const char *key = s_subject (command);
    int wanted = (!*key || json_object_get (self->body, key)? 0: 1) + (command->operand? 1: 0);
    if (count != wanted) {
        fprintf (stderr, "huishang %s: %s\n", command->name,
                 count < wanted? "too few operands": "too many operands");
        self->bad = true;
        return;
    }
    if (*key && !json_object_get (self->body, key)) {
        char operand [16];
        hs_strcpy (operand, sizeof (operand), key);
        for (char *letter = operand; *letter; letter++)
            *letter = (char) toupper ((unsigned char) *letter);
        s_set_token (self, key, operand, *operands++);
    }
    if (!command->operand || self->bad)
        return;
    if (streq (command->act, "merge")) {
        if (s_is_token (*operands))
            json_object_set_new (self->body, "into", json_string (*operands));
        else
            s_refuse (self, "%s: '%s' is not a case id", "INTO", *operands);
    }
    else {
        int64_t report = s_number (self, "REPORT_SEQ", *operands, 1, INT64_MAX / 2);
        if (report > 0)
            json_object_set_new (self->body, "report", json_integer (report));
    }
}

//  Are the options given those the command takes and needs? Said if not.
static void
s_check_given (s_handle_t *self)
{
    const s_command_t *command = self->command;
    //  Every update and act may say who did it (--person).
    unsigned allowed = command->allowed | (command->topic? 0: A_PERSON);
    unsigned stray = self->given & ~allowed;
    unsigned missing = command->required & ~self->given;
    for (int option = O_SOURCE; option <= O_PERSON && !self->bad; option++) {
        if (stray & s_option_bit (option))
            s_refuse (self, "takes no --%s%s", s_option_name (option), "");
        else
        if (missing & s_option_bit (option))
            s_refuse (self, "needs --%s%s", s_option_name (option), "");
    }
    if (!self->bad && streq (command->name, "reroute")
    &&  !(self->given & (A_ADD | A_REMOVE | A_LEAD)))
        s_refuse (self, "needs --add, --remove or --lead%s%s", "", "");
    unsigned opinion = self->given & (A_AGREE | A_AMEND);
    if (!self->bad && streq (command->name, "opinion") && opinion != A_AGREE && opinion != A_AMEND)
        s_refuse (self, "needs one of --agree and --amend%s%s", "", "");
    if (!self->bad && opinion == A_AMEND && !(self->given & A_NOTE))
        s_refuse (self, "--amend needs --note: what to change%s%s", "", "");
}

//  ---------------------------------------------------------------------
//  Sending

//  Send the body under its topic. Acknowledged: "ok seq N" (or "duplicate
//  seq N", sent before with this id) on stdout, a refusal on stderr.
//  Returns the exit code.
static int
s_send (s_handle_t *self)
{
    const char *source = json_string_value (json_object_get (self->body, "source"));
    char topic [HS_TOPIC_MAX + 1];
    snprintf (topic, sizeof (topic), "%s.%s", self->command->topic? self->command->topic:
              self->command->act? "act": "update", source);
    hs_pack_t *pack = hs_pack_new ();
    hs_json_to_pack (self->body, pack);
    int rc = 0;
    if (self->ack) {
        hs_submit_reply_t reply;
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
            if (streq (self->command->name, "prompt"))  //  its id, in our config's district
                printf (" prompt %s-p%llu", self->config->district, (unsigned long long) reply.seq);
            if (streq (self->command->name, "propose"))
                printf (" proposal %s-j%llu", self->config->district,
                        (unsigned long long) reply.seq);
            printf ("\n");
        }
    }
    else
    if (hs_client_publish_open (self->client)
    ||  hs_client_publish_send (self->client, topic, hs_pack_data (pack), hs_pack_size (pack)))
        rc = 1;
    else
        printf ("sent %s %s (not acknowledged)\n", topic,
                json_string_value (json_object_get (self->body, "id")));
    fflush (stdout);
    hs_pack_destroy (&pack);
    return rc;
}

//  The id a message gets unless --id names one: unique per process and ms.
static void
s_default_id (s_handle_t *self)
{
    if (json_object_get (self->body, "id"))
        return;
    char id [64];
    snprintf (id, sizeof (id), "cli-%d-%lld", getpid (), (long long) zclock_time ());
    json_object_set_new (self->body, "id", json_string (id));
}

static int
s_run (const s_command_t *command, hs_client_t *client, hs_config_t *config,
       int argc, char *argv [])
{
    s_handle_t self = { .command = command, .client = client, .config = config,
                        .body = json_object (), .ack = true };
    json_object_set_new (self.body, "v", json_integer (HS_PROTO_VERSION));
    int option;
    optind = 1;
    opterr = 0;
    while (!self.bad && (option = getopt_long (argc, argv, "e:c:h", s_options, NULL)) != -1) {
        if (option == 'h') {
            s_usage (command, stdout);
            json_decref (self.body);
            return 0;
        }
        if (option == '?' || option == ':') {
            fprintf (stderr, "huishang %s: %s: %s\n", command->name,
                     optopt? "this option needs a value": "no such option", argv [optind - 1]);
            self.bad = true;
            break;
        }
        self.given |= s_option_bit (option);
        s_option (&self, option, optarg);
    }
    if (!self.bad)
        s_operands (&self, argc - optind, argv + optind);
    if (!self.bad)
        s_check_given (&self);
    if (!self.bad && !json_object_get (self.body, "source"))
        json_object_set_new (self.body, "source", json_string ("office"));
    if (!self.bad && command->status)
        json_object_set_new (self.body, "status", json_string (command->status));
    if (!self.bad && streq (command->name, "prompt") && !json_object_get (self.body, "streets"))
        json_object_set_new (self.body, "streets", json_string ("streets"));
    if (!self.bad && command->act)
        json_object_set_new (self.body, "act", json_string (command->act));
    if (!self.bad && self.when) {
        int64_t when = s_when (&self, self.when_key, self.when);
        if (when > 0)
            json_object_set_new (self.body, self.when_key, json_integer (when));
    }
    if (self.bad) {
        fprintf (stderr, "\n");
        s_usage (command, stderr);
        json_decref (self.body);
        return 2;
    }
    s_default_id (&self);
    if (!json_object_get (self.body, "at"))
        json_object_set_new (self.body, "at", json_integer (zclock_time ()));
    int rc = s_send (&self);
    json_decref (self.body);
    return rc;
}

int
huishang_handle_main (hs_client_t *client, hs_config_t *config, int argc, char *argv [])
{
    for (size_t index = 0; index < COMMANDS; index++)
        if (streq (argv [0], s_commands [index].name))
            return s_run (&s_commands [index], client, config, argc, argv);
    return -1;
}
