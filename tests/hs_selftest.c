/*  =========================================================================
    hs_selftest - runs every class's self test

    Usage: hs_selftest [-v] [CLASS ...]. Prints one line per class and a
    final "N passed, N failed" line. A failed assertion aborts the run, so
    each class runs in a child process: one failure does not hide others.
    =========================================================================
*/

#include "../daemon/hs_config.h"
#include "../daemon/hs_store.h"
#include "../daemon/hs_cases.h"
#include "../daemon/hs_reject.h"
#include "../daemon/hs_engine.h"
#include "../daemon/hs_clock.h"
#include "../daemon/hs_warnings.h"
#include "../daemon/hs_log.h"
#include "../daemon/hs_metrics.h"
#include "../daemon/hs_meetings.h"
#include "../daemon/hs_query.h"
#include "../daemon/hs_verify.h"
#include <sys/wait.h>

typedef struct {
    const char *name;
    void (*test) (bool verbose);
} s_test_t;

static s_test_t s_tests [] = {
    { "hs_proto", hs_proto_test },
    { "hs_zpl", hs_zpl_test },
    { "hs_units", hs_units_test },
    { "hs_rules", hs_rules_test },
    { "hs_calendar", hs_calendar_test },
    { "hs_clock", hs_clock_test },
    { "hs_config", hs_config_test },
    { "hs_store", hs_store_test },
    { "hs_cases", hs_cases_test },
    { "hs_reject", hs_reject_test },
    { "hs_warnings", hs_warnings_test },
    { "hs_log", hs_log_test },
    { "hs_metrics", hs_metrics_test },
    { "hs_meetings", hs_meetings_test },
    { "hs_query", hs_query_test },
    { "hs_verify", hs_verify_test },
    { "hs_engine", hs_engine_test },
    { NULL, NULL }
};

int
main (int argc, char *argv [])
{
    bool verbose = false;
    int first = 1;
    if (argc > 1 && streq (argv [1], "-v")) {
        verbose = true;
        first = 2;
    }
    int passed = 0, failed = 0;
    for (s_test_t *test = s_tests; test->name; test++) {
        bool wanted = first >= argc;
        for (int index = first; index < argc; index++)
            wanted |= streq (argv [index], test->name);
        if (!wanted)
            continue;
        fflush (stdout);
        pid_t pid = fork ();
        if (pid == 0) {
            zsys_set_logstream (stderr);
            test->test (verbose);
            zsys_shutdown ();
            _exit (0);
        }
        int status = 0;
        waitpid (pid, &status, 0);
        if (WIFEXITED (status) && WEXITSTATUS (status) == 0) {
            printf ("ok   %s\n", test->name);
            passed++;
        }
        else {
            printf ("FAIL %s\n", test->name);
            failed++;
        }
    }
    printf ("%d passed, %d failed\n", passed, failed);
    return failed? 1: 0;
}
