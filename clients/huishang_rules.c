/*  =========================================================================
    huishang rules - rules you can test before you trust them

        huishang rules check FILE
        huishang rules test FILE [REPORT.json ...]
        huishang rules backtest FILE --store DIR [--since T] [--limit N]

    check validates a rules file against the units (line-numbered errors,
    like amtool's check-config); test classifies reports given as JSON
    (the wire's field names) without a daemon: level, routed units, every
    unit, the ladder's actions and every rule that fired; backtest
    replays the stored reports, case by case, through a candidate rule
    set and says how decisions would change. The store is opened read-only:
    safe on a live daemon's store.
    =========================================================================
*/

#include "huishang_rules.h"
#include "huishang_time.h"
#include <getopt.h>
#include "../protocol/hs_json.h"
#include "../daemon/hs_cases.h"
#include "../daemon/hs_intake.h"
#include "../daemon/hs_ledger.h"
#include "../daemon/hs_store.h"

//  The units the rules are checked against: --units FILE, else the
//  configuration's (built-in defaults without --config).
static hs_units_t *
s_units (hs_config_t *config, const char *units_file, bool *owned)
{
    *owned = false;
    if (!units_file)
        return config->units;
    char error [512];
    hs_zpl_t *zpl = hs_zpl_load_file (units_file, error, sizeof (error));
    hs_units_t *units = zpl? hs_units_load (zpl, error, sizeof (error)): NULL;
    hs_zpl_destroy (&zpl);
    if (!units)
        fprintf (stderr, "huishang: %s\n", error);
    *owned = units != NULL;
    return units;
}

static hs_rules_t *
s_rules_load (const char *file, hs_units_t *units, char *error, size_t error_size)
{
    hs_zpl_t *zpl = hs_zpl_load_file (file, error, error_size);
    hs_rules_t *rules = zpl? hs_rules_load (zpl, units, error, error_size): NULL;
    hs_zpl_destroy (&zpl);
    return rules;
}

static void
s_print_list (const char *label, const char *const *list)
{
    printf ("  %-9s", label);
    if (!list [0])
        printf (" -");
    for (size_t index = 0; list [index]; index++)
        printf ("%s%s", index? ", ": " ", list [index]);
    printf ("\n");
}

//  Classify one report as a new case would be: returns 0, or 1 if the
//  report is not one the daemon would accept (the reason printed).
static int
s_test_one (hs_config_t *config, hs_units_t *units, hs_rules_t *rules, const char *label,
            json_t *json)
{
    //  As huishang pub - reads a line: its topic is not the body's, and
    //  "v" and "at" are filled in if absent.
    json_object_del (json, "topic");
    if (!json_object_get (json, "v"))
        json_object_set_new (json, "v", json_integer (HS_PROTO_VERSION));
    if (!json_object_get (json, "at"))
        json_object_set_new (json, "at", json_integer (zclock_time ()));
    hs_pack_t *pack = hs_pack_new ();
    hs_json_to_pack (json, pack);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    hs_why_t why;
    hs_report_t report;
    int rc = 1;
    //  The daemon's own intake: the same reading, street and classification.
    const hs_unit_t *street;
    hs_config_t candidate = *config;
    candidate.units = units;
    if (hs_intake_report (&candidate, hs_pack_data (pack), hs_pack_size (pack), INT64_MAX / 4,
                          &unpacked, &report, &street, &why) == 0) {
        hs_case_t *kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));
        hs_case_open (kase, "test", 1, &report, street->code);
        hs_decision_t decision;
        hs_intake_classify (rules, kase, &decision);
        hs_ladder_actions_t actions;
        hs_rules_actions (rules, -1, decision.level, &actions);
        printf ("%s: %s (%s)  %s, %s, %lld workers\n", label, hs_level_name (decision.level),
                hs_level_zh (decision.level), report.enterprise,
                hs_category_name (report.category), (long long) report.workers);
        s_print_list ("routed", decision.routed);
        s_print_list ("units", decision.units);
        s_print_list ("fired", decision.reasons);
        printf ("  %-9s", "ladder");
        if (actions.meeting)
            printf (" meeting (%s, %s, within %lld h)", actions.meeting,
                    actions.meeting_members? "all members": "the routed units",
                    (long long) (actions.deadline_ms / 3600000));
        for (size_t index = 0; actions.escalate [index]; index++)
            printf (" escalate.%s", actions.escalate [index]);
        if (!actions.meeting && !actions.escalate [0])
            printf (" -");
        printf ("\n");
        free (kase);
        rc = 0;
    }
    else
        printf ("%s: not accepted: %s (%s)\n", label, why.code, why.detail);
    msgpack_unpacked_destroy (&unpacked);
    hs_pack_destroy (&pack);
    return rc;
}

//  A report file: one JSON object, or JSON lines (one object per line).
static int
s_test_file (hs_config_t *config, hs_units_t *units, hs_rules_t *rules, const char *path)
{
    FILE *file = streq (path, "-")? stdin: fopen (path, "r");
    if (!file) {
        fprintf (stderr, "huishang: cannot read %s: %s\n", path, strerror (errno));
        return 2;
    }
    json_error_t error;
    int rc = 0;
    json_t *json = json_loadf (file, JSON_DISABLE_EOF_CHECK, &error);
    if (json && json_is_object (json)) {
        //  One object, or the first of several lines.
        int line = 1;
        while (json) {
            char label [512];
            const char *id = json_string_value (json_object_get (json, "id"));
            snprintf (label, sizeof (label), "%s:%d%s%s", path, line, id? " ": "", id? id: "");
            rc |= s_test_one (config, units, rules, label, json);
            json_decref (json);
            line++;
            json = json_loadf (file, JSON_DISABLE_EOF_CHECK, &error);
            if (!json && !feof (file) && error.position > 0 && !strstr (error.text, "end of file")) {
                fprintf (stderr, "huishang: %s:%d: %s\n", path, error.line, error.text);
                rc = 2;
            }
        }
    }
    else {
        fprintf (stderr, "huishang: %s:%d: %s\n", path, error.line,
                 json? "a report is a JSON object": error.text);
        json_decref (json);
        rc = 2;
    }
    if (file != stdin)
        fclose (file);
    return rc;
}

//  ---------------------------------------------------------------------
//  backtest

typedef struct {
    hs_store_t *store;
    hs_config_t *config;
    hs_units_t *units;
    hs_rules_t *rules;
    int64_t since;
    int64_t limit;              //  cases listed at most
    const char *case_id;        //  the case being replayed (history walk)
    hs_case_t *fresh;           //  it, rebuilt under the candidate rules
    int old_level;              //  its level by the recorded classifications
    const char *old_reasons [HS_RULES_MAX_OUT + 1];
    char old_reason_text [HS_RULES_MAX_OUT][HS_CODE_MAX + 1];
    hs_decision_t decision;     //  the candidate's last decision
    size_t reports;             //  in this case
    int64_t before [HS_LEVEL_COUNT], after [HS_LEVEL_COUNT];
    int64_t cases, changed, listed, reports_total;
} s_backtest_t;

//  One history entry of the case: a report's event, merged and classified
//  the daemon's way (hs_intake).
static int
s_backtest_report (uint64_t seq, const char *type, void *arg)
{
    s_backtest_t *test = (s_backtest_t *) arg;
    if (!streq (type, "report"))
        return 0;
    hs_event_read_t event;
    if (hs_ledger_event (test->store, seq, &event))
        return 0;
    if (event.level > test->old_level)
        test->old_level = event.level;
    if (event.reasons) {
        size_t count = hs_event_reasons (&event, test->old_reason_text, HS_RULES_MAX_OUT);
        for (size_t index = 0; index < count; index++)
            test->old_reasons [index] = test->old_reason_text [index];
        test->old_reasons [count] = NULL;
    }
    msgpack_unpacked unpacked;
    hs_config_t candidate = *test->config;
    candidate.units = test->units;
    hs_report_t report;
    const hs_unit_t *street;
    hs_why_t why = { .code = NULL };
    msgpack_unpacked_init (&unpacked);
    int rc = hs_intake_report (&candidate, event.body, event.body_size, INT64_MAX / 4, &unpacked,
                               &report, &street, &why);
    if (rc == 0 || (why.code && streq (why.code, "unknown_street"))) {
        //  A street the candidate units do not know keeps its code.
        const char *code = rc == 0? street->code: report.street;
        if (test->reports == 0)
            hs_case_open (test->fresh, test->case_id, seq, &report, code);
        else
            hs_case_merge (test->fresh, seq, &report);
        hs_intake_classify (test->rules, test->fresh, &test->decision);
        test->reports++;
    }
    msgpack_unpacked_destroy (&unpacked);
    return 0;
}

//  The routed units of a decision or a case, as one sorted line.
static void
s_sorted_line (const char *const *list, char *line, size_t size)
{
    const char *sorted [HS_RULES_MAX_OUT + 1];
    size_t count = 0;
    for (; list [count] && count < HS_RULES_MAX_OUT; count++)
        sorted [count] = list [count];
    for (size_t i = 1; i < count; i++)
        for (size_t j = i; j > 0 && strcmp (sorted [j - 1], sorted [j]) > 0; j--) {
            const char *swap = sorted [j];
            sorted [j] = sorted [j - 1];
            sorted [j - 1] = swap;
        }
    size_t used = 0;
    line [0] = 0;
    for (size_t index = 0; index < count && used + 1 < size; index++)
        used += (size_t) snprintf (line + used, size - used, "%s%s", index? " ": "", sorted [index]);
}

static int
s_backtest_case (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_backtest_t *test = (s_backtest_t *) arg;
    (void) key;
    (void) key_size;
    hs_case_t *stored = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    if (hs_case_decode (data, size, stored) || stored->opened < test->since) {
        free (stored);
        return 0;
    }
    test->case_id = stored->id;
    test->reports = 0;
    test->old_level = -1;
    test->old_reasons [0] = NULL;
    memset (test->fresh, 0, sizeof (hs_case_t));
    hs_ledger_history_walk (test->store, stored->id, s_backtest_report, test);
    if (test->reports && test->old_level >= 0) {
        test->cases++;
        test->reports_total += (int64_t) test->reports;
        int new_level = test->decision.level;
        test->before [test->old_level]++;
        test->after [new_level]++;
        //  Routes: what the candidate routes to against what the case went to.
        const char *old_units [HS_CASE_MAX_UNITS + 1];
        hs_case_units (stored, old_units);
        char old_line [2048], new_line [2048];
        s_sorted_line (old_units, old_line, sizeof (old_line));
        s_sorted_line (test->decision.units, new_line, sizeof (new_line));
        bool level_differs = new_level != test->old_level;
        bool routes_differ = strcmp (old_line, new_line) != 0;
        if (level_differs || routes_differ) {
            test->changed++;
            if (test->listed < test->limit) {
                test->listed++;
                printf ("%s  %s, %zu report%s\n", stored->id, stored->enterprise, test->reports,
                        test->reports == 1? "": "s");
                printf ("  level     %s -> %s%s\n", hs_level_name (test->old_level),
                        hs_level_name (new_level), level_differs? "": " (same)");
                if (routes_differ) {
                    printf ("  units was %s\n", old_line);
                    printf ("  units now %s\n", new_line);
                }
                s_print_list ("fired was", test->old_reasons);
                s_print_list ("fired now", test->decision.reasons);
            }
        }
    }
    free (stored);
    return 0;
}

static int
s_backtest (hs_config_t *config, hs_units_t *units, hs_rules_t *rules, const char *store_path,
            int64_t since, int64_t limit)
{
    char error [512];
    hs_store_t *store = hs_store_open_readonly (store_path, error, sizeof (error));
    if (!store) {
        fprintf (stderr, "huishang: %s\n", error);
        return 1;
    }
    s_backtest_t test = {
        .store = store, .config = config, .units = units, .rules = rules, .since = since,
        .limit = limit, .fresh = (hs_case_t *) zmalloc (sizeof (hs_case_t))
    };
    //  One read transaction: a consistent view, and the daemon goes on.
    int rc = hs_store_view_begin (store);
    if (rc == 0) {
        rc = hs_store_walk (store, HS_TABLE_CASES, NULL, 0, false, s_backtest_case, &test);
        hs_store_view_end (store);
    }
    if (rc == 0) {
        if (test.changed > test.listed)
            printf ("... and %lld more changed cases (--limit)\n",
                    (long long) (test.changed - test.listed));
        printf ("\n%lld cases (%lld reports) replayed under %.12s; %lld would change\n",
                (long long) test.cases, (long long) test.reports_total, hs_rules_version (rules),
                (long long) test.changed);
        printf ("%-12s %8s %8s\n", "level", "before", "after");
        for (int level = 0; level < HS_LEVEL_COUNT; level++)
            printf ("%-12s %8lld %8lld\n", hs_level_name (level), (long long) test.before [level],
                    (long long) test.after [level]);
    }
    else
        fprintf (stderr, "huishang: the store could not be read\n");
    free (test.fresh);
    hs_store_destroy (&store);
    return rc == 0? 0: 1;
}

static void
s_usage (FILE *out)
{
    fprintf (out,
        "usage: huishang rules check FILE [--units FILE]\n"
        "       huishang rules test FILE [--units FILE] [REPORT.json ...]   (none or -: stdin)\n"
        "       huishang rules backtest FILE [--units FILE] [--store DIR] [--since T] [--limit N]\n"
        "  check: is the rules file valid against the units (file:line: reason if not)\n"
        "  test: each report's level, routed units, every unit, ladder actions, rules fired\n"
        "  backtest: the stored cases replayed under FILE: what would change, and counts\n"
        "            by level before and after (read-only; safe on a live store)\n"
        "  T is a Unix time in ms or a local time YYYY-MM-DDTHH:MM; units default to the\n"
        "  configuration's (--config)\n");
}

int
huishang_rules_main (hs_client_t *client, hs_config_t *config, int argc, char *argv [])
{
    (void) client;
    const char *units_file = NULL, *store_path = config->store_path;
    int64_t since = 0, limit = 100;
    static const struct option options [] = {
        { "units", required_argument, NULL, 'u' }, { "store", required_argument, NULL, 's' },
        { "since", required_argument, NULL, 'S' }, { "limit", required_argument, NULL, 'l' },
        { "config", required_argument, NULL, 'c' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    optind = 1;
    int option;
    while ((option = getopt_long (argc, argv, "s:c:h", options, NULL)) != -1) {
        char *end;
        switch (option) {
            case 'u': units_file = optarg; break;
            case 's': store_path = optarg; break;
            case 'c': break;                //  read by main
            case 'h': s_usage (stdout); return 0;
            case 'S':
                since = strtoll (optarg, &end, 10);
                if (*end || !*optarg)
                    since = huishang_time_parse (optarg);
                if (since < 0) {
                    fprintf (stderr, "huishang rules: --since takes ms or YYYY-MM-DDTHH:MM, not '%s'\n",
                             optarg);
                    return 2;
                }
                break;
            case 'l':
                errno = 0;
                limit = strtoll (optarg, &end, 10);
                if (!*optarg || *end || errno || limit < 1) {
                    fprintf (stderr, "huishang rules: --limit takes a whole number from 1, not '%s'\n",
                             optarg);
                    return 2;
                }
                break;
            default: s_usage (stderr); return 2;
        }
    }
    //  Operands: ACTION FILE, and for test the reports.
    int operands = argc - optind;
    const char *action = operands > 0? argv [optind]: "";
    bool known = streq (action, "check") || streq (action, "test") || streq (action, "backtest");
    if (!known || operands < 2 || (!streq (action, "test") && operands > 2)) {
        if (known && operands > 2)
            fprintf (stderr, "huishang rules %s: unexpected argument '%s'\n", action, argv [optind + 2]);
        else
        if (operands > 0 && !known)
            fprintf (stderr, "huishang rules: no such action '%s'\n", action);
        s_usage (stderr);
        return 2;
    }
    const char *file = argv [optind + 1];
    zlist_t *reports = zlist_new ();
    for (int index = optind + 2; index < argc; index++)
        zlist_append (reports, argv [index]);
    bool owned;
    hs_units_t *units = s_units (config, units_file, &owned);
    if (!units) {
        zlist_destroy (&reports);
        return 1;
    }
    char error [512];
    hs_rules_t *rules = s_rules_load (file, units, error, sizeof (error));
    int rc;
    if (!rules) {
        fprintf (stderr, "%s\n", error);
        rc = 1;
    }
    else
    if (streq (action, "check")) {
        printf ("%s: valid (version %.12s)\n", file, hs_rules_version (rules));
        rc = 0;
    }
    else
    if (streq (action, "test")) {
        if (zlist_size (reports) == 0)
            zlist_append (reports, (void *) "-");
        rc = 0;
        for (const char *path = (const char *) zlist_first (reports); path;
             path = (const char *) zlist_next (reports)) {
            int one = s_test_file (config, units, rules, path);
            rc = one > rc? one: rc;
        }
    }
    else
        rc = s_backtest (config, units, rules, store_path, since, limit);
    hs_rules_destroy (&rules);
    if (owned)
        hs_units_destroy (&units);
    zlist_destroy (&reports);
    return rc;
}
