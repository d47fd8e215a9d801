/*  =========================================================================
    huishang - the command-line client of huishangd

        huishang [--config FILE] [global options] COMMAND [options]

    The global options make one hs_client (endpoints from the same config
    as the daemon's, built-in defaults without --config; the unit's CurveZMQ
    identity; a timeout), and a table names the file that runs each
    command: huishang_pub (pub), huishang_handle (sign, return, update,
    resolve and the office's acts: close, merge, mute ...; done,
    prompt, prompt-sign, propose, opinion), huishang_meeting (call,
    minutes), huishang_inspect (inspect-plan, inspect-approve,
    inspect-result, rectified),
    huishang_watch (watch, replay),
    huishang_query (health, metrics, case, why, cases, plenary),
    huishang_dossier (a case as one document to print or hand over),
    huishang_archive (a period's filed cases, meetings and briefings),
    huishang_rules, huishang_top, huishang_store (verify, backup) and
    huishang_keys (keygen). Each command's own options override the
    global ones.
    =========================================================================
*/

#include "hs_client.h"
#include "huishang_dossier.h"
#include "huishang_archive.h"
#include "huishang_handle.h"
#include "huishang_inspect.h"
#include "huishang_keys.h"
#include "huishang_meeting.h"
#include "huishang_pub.h"
#include "huishang_query.h"
#include "huishang_rules.h"
#include "huishang_store.h"
#include "huishang_top.h"
#include "huishang_watch.h"
#include "huishang_print.h"

//  Runs one command: argv [0] is its name. Returns the exit code.
typedef int (s_command_fn) (hs_client_t *client, hs_config_t *config, int argc, char *argv []);

static const struct {
    const char *name;
    s_command_fn *run;
    const char *help;           //  one line for the usage, or NULL: an alias
} s_commands [] = {
    { "pub",     huishang_pub_main,   "publish a report or update (flags, or JSON lines with -)" },
    { "sign",    huishang_handle_main, "a handler signs for a case (签收): sign CASE --source UNIT" },
    { "return",  huishang_handle_main, "a handler returns a case (退单): return CASE --source UNIT --reason T" },
    { "update",  huishang_handle_main, "a unit's progress on a case: update CASE --source UNIT --status S" },
    { "resolve", huishang_handle_main, "a handler's part is done (办结): resolve CASE --source UNIT --note T" },
    { "close",   huishang_handle_main, "the office closes a resolved case after review (审核办结)" },
    { "reject-closure", huishang_handle_main, "the office sends a resolved case back (退回)" },
    { "followup", huishang_handle_main, "the return visit of a closed case (回访): --satisfied yes|no" },
    { "regrade", huishang_handle_main, "set a case's level: regrade CASE --level L --reason T" },
    { "merge",   huishang_handle_main, "one dispute, two cases: merge CASE INTO" },
    { "split",   huishang_handle_main, "a report is a dispute of its own: split CASE REPORT_SEQ" },
    { "mute",    huishang_handle_main, "hold a case's supervision notices: mute CASE --until T --reason T" },
    { "unmute",  huishang_handle_main, "its supervision notices go out again" },
    { "reroute", huishang_handle_main, "change a case's handlers: --add, --remove, --lead" },
    { "insist",  huishang_handle_main, "a unit that returned a case handles it after all" },
    { "done",    huishang_handle_main, "a meeting's action item is done: done ITEM --source UNIT" },
    { "prompt",  huishang_handle_main, "the office issues a work prompt (工作提示): --title T --guidance T" },
    { "prompt-sign", huishang_handle_main, "a street signs for a work prompt (签收): prompt-sign PROMPT --source S" },
    { "propose", huishang_handle_main, "the office drafts a major problem or policy proposal (重大问题及对策建议): --title T --text T" },
    { "opinion", huishang_handle_main, "a member unit's opinion on a proposal: opinion PROPOSAL --source U --agree|--amend" },
    { "call",    huishang_meeting_main, "call an office meeting or a plenary: --kind K --time T --place P --agenda A" },
    { "minutes", huishang_meeting_main, "a meeting's minutes (会议纪要): minutes MEETING [--passed ID] [--rejected ID]" },
    { "inspect-plan", huishang_inspect_main, "the office drafts an inspection plan (督查方案): --title --units --item" },
    { "inspect-approve", huishang_inspect_main, "the convener approves an inspection plan, or returns it (--return --note T)" },
    { "inspect-result", huishang_inspect_main, "a unit's inspection result: PLAN --unit U --findings T [--rectify ...]" },
    { "rectified", huishang_inspect_main, "a rectification (整改) is done: rectified ITEM --source UNIT" },
    { "watch",   huishang_watch_main, "print alerts, meeting requests, warnings and reports upward" },
    { "replay",  huishang_watch_main, "every published event from a seq on, then the live stream" },
    { "case",    huishang_query_main, "one case with its history" },
    { "why",     huishang_query_main, "why a case went where it did" },
    { "dossier", huishang_dossier_main, "a case and its whole history as one HTML page (or --json)" },
    { "archive", huishang_archive_main, "export a period's filed cases, meetings, briefings into DIR" },
    { "cases",   huishang_query_main, "cases filtered by level, street, unit, status, overdue, time" },
    { "plenary", huishang_query_main, "the convener calls a plenary meeting of all members" },
    { "status",  huishang_query_main, "the daemon's health and counters, readable (--json: as JSON)" },
    { "health",  huishang_query_main, "the daemon's health and counters, as JSON (also: stats)" },
    { "stats",   huishang_query_main, NULL },
    { "metrics", huishang_query_main, "the same and more in Prometheus's text format" },
    { "rules",   huishang_rules_main, "check, test or backtest a rules file, without a daemon" },
    { "top",     huishang_top_main,   "a live full-screen board of open cases, alerts, meetings" },
    { "verify",  huishang_store_main, "check a store's invariants (safe on a running daemon's store)" },
    { "keygen",  huishang_keys_main,  "a CurveZMQ certificate pair for a unit (huishang keygen UNIT)" },
    { "backup",  huishang_store_main, "a consistent, compacted hot copy of a store" }
};
#define COMMANDS (sizeof (s_commands) / sizeof (s_commands [0]))

static void
s_usage (FILE *out)
{
    fprintf (out, "usage: huishang [--config FILE] [global options] COMMAND [options]\n\n");
    for (size_t index = 0; index < COMMANDS; index++)
        if (s_commands [index].help)
            fprintf (out, "  %-14s %s\n", s_commands [index].name, s_commands [index].help);
    fprintf (out,
        "\n"
        "  huishang COMMAND --help for each command's options.\n"
        "\n"
        "  Global options, before the command (a command's own options override them):\n"
        "    --config FILE       endpoints, units and the district's time from FILE\n"
        "                        (default: $HUISHANG_CONFIG, else " HS_CONFIG_INSTALLED "\n"
        "                        if it exists, else the built-in defaults)\n"
        "    --api EP, --submit EP, --ingest EP, --publish EP   the daemon's endpoints\n"
        "                        (default: from the config)\n"
        "    --timeout D         how long to wait for the daemon: 500ms, 5s, 1m\n"
        "                        (default 2s; an acknowledged pub gives up after 10s)\n"
        "    --utc               print and read times in UTC, not the district's time\n"
        "                        (calendar/utc_offset; any place in the line)\n"
        "\n"
        "  With security on: --cert FILE (this unit's certificate, from keygen) and\n"
        "  --server-key KEY or --server-cert FILE (the daemon's public key; by\n"
        "  default the config's security/server_cert).\n"
        "\n"
        "  Exit status: 0 done; 1 refused or not found; 2 usage (a bad option,\n"
        "  operand or value); 3 the daemon unreachable (the endpoint is named);\n"
        "  130 interrupted (Ctrl-C).\n");
}

//  The global options before the command, from argv [first]: endpoints
//  and the timeout go to the client; --config was read already. Returns
//  the index of the command.
static int
s_global_options (hs_client_t *client, int argc, char *argv [], int first)
{
    static const struct {
        const char *name;
        void (*set) (hs_client_t *client, const char *endpoint);
    } endpoints [] = {
        { "--api", hs_client_set_api }, { "--submit", hs_client_set_submit },
        { "--ingest", hs_client_set_ingest }, { "--publish", hs_client_set_publish }
    };
    while (first < argc - 1) {
        const char *option = argv [first], *value = argv [first + 1];
        bool known = streq (option, "--config") || streq (option, "-c");
        for (size_t index = 0; index < sizeof (endpoints) / sizeof (endpoints [0]); index++)
            if (streq (option, endpoints [index].name)) {
                endpoints [index].set (client, value);
                known = true;
            }
        if (streq (option, "--timeout")) {
            int ms;
            if (hs_client_parse_duration (value, &ms) || ms < 1) {
                fprintf (stderr, "huishang: --timeout %s: not a duration (500ms, 5s, 1m)\n", value);
                return -1;
            }
            hs_client_set_timeout (client, ms);
            known = true;
        }
        if (!known)
            break;
        first += 2;
    }
    return first;
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
        if (streq (argv [index], "--utc"))
            huishang_time_utc (true);       //  times printed and read in UTC
        else
            argv [kept++] = argv [index];
    }
    argc = kept;
    if (!config_file)
        config_file = hs_config_default_path ();
    char error [512];
    hs_config_t *config = hs_config_load (config_file, error, sizeof (error));
    if (!config) {
        fprintf (stderr, "huishang: %s\n", error);
        return 1;
    }
    huishang_print_zone (config->utc_offset_ms);
    hs_client_t *client = hs_client_new (config);
    if (cert_file && hs_client_set_identity (client, cert_file, server_key,
                                             server_cert? server_cert: config->server_cert)) {
        hs_client_destroy (&client);
        hs_config_destroy (&config);
        return 1;
    }
    int first = s_global_options (client, argc, argv, 1);
    if (first < 0) {
        hs_client_destroy (&client);
        hs_config_destroy (&config);
        return HS_EXIT_USAGE;
    }
    const char *command = first < argc? argv [first]: "";
    int rc = -1;
    for (size_t index = 0; index < COMMANDS && rc < 0; index++)
        if (streq (command, s_commands [index].name))
            rc = s_commands [index].run (client, config, argc - first, argv + first);
    if (rc < 0) {
        fprintf (stderr, "huishang: unknown command '%s'\n", command);
        s_usage (stderr);
        rc = HS_EXIT_USAGE;
    }
    rc = hs_client_exit_code (client, rc);
    hs_client_destroy (&client);            //  a publisher lingers until its messages are out
    hs_config_destroy (&config);
    return rc;
}
