/*  =========================================================================
    hs_selftest - runs every class's self test

    Usage: hs_selftest [-v] [CLASS ...]. Prints one line per class and a
    final "N passed, N failed" line. A failed assertion aborts the run, so
    each class runs in a child process: one failure does not hide others.
    =========================================================================
*/

#include "../protocol/hs_protocol.h"
#include "../protocol/hs_json.h"
#include "../daemon/hs_config.h"
#include "../daemon/hs_condition.h"
#include "../daemon/hs_policy.h"
#include "../daemon/hs_store.h"
#include "../daemon/hs_ledger.h"
#include "../daemon/hs_timers.h"
#include "../daemon/hs_cases.h"
#include "../daemon/hs_caseindex.h"
#include "../daemon/hs_idkey.h"
#include "../daemon/hs_rekey.h"
#include "../daemon/hs_intake.h"
#include "../daemon/hs_query.h"
#include "../daemon/hs_verify.h"
#include "../daemon/hs_clock.h"
#include "../daemon/hs_lock.h"
#include "../daemon/hs_check.h"
#include "../daemon/hs_guard.h"
#include "../daemon/hs_log.h"
#include "../daemon/hs_metrics.h"
#include "../daemon/hs_keys.h"
#include "../daemon/hs_fd.h"
#include "../daemon/hs_subscribers.h"
#include "../daemon/hs_txn.h"
#include "../daemon/hs_stats.h"
#include "../daemon/hs_reject.h"
#include "../daemon/hs_flood.h"
#include "../daemon/hs_deadletters.h"
#include "../daemon/hs_notices.h"
#include "../daemon/hs_windows.h"
#include "../daemon/hs_warnings.h"
#include "../daemon/hs_feeds.h"
#include "../daemon/hs_ingest.h"
#include "../daemon/hs_envelope.h"
#include "../daemon/hs_meetings.h"
#include "../daemon/hs_casework.h"
#include "../daemon/hs_caseacts.h"
#include "../daemon/hs_ladder.h"
#include "../daemon/hs_kinds.h"
#include "../daemon/hs_plan.h"
#include "../daemon/hs_actions.h"
#include "../daemon/hs_prompts.h"
#include "../daemon/hs_proposals.h"
#include "../daemon/hs_filing.h"
#include "../protocol/hs_filing_msg.h"
#include "../protocol/hs_meetings_msg.h"
#include "../protocol/hs_heartbeat_msg.h"
#include "../daemon/hs_inspections.h"
#include "../daemon/hs_briefs.h"
#include "../daemon/hs_forward.h"
#include "../daemon/hs_api.h"
#include "../daemon/hs_engine.h"
#include "../clients/hs_client.h"
#include "../clients/huishang_html.h"
#include "../web/hs_web_feed.h"
#include "../web/hs_web_auth.h"
#include "../web/hs_web_board.h"
#include "../web/hs_web_duty.h"
#include "../web/hs_web_act.h"
#include "../web/hs_web_http.h"
#include "../clients/huishang_time.h"
#include "../clients/huishang_fresh.h"
#include "../clients/huishang_top_layout.h"
#include <sys/wait.h>

typedef struct {
    const char *name;
    void (*test) (bool verbose);
} s_test_t;

static s_test_t s_tests [] = {
    { "hs_proto", hs_proto_test },
    { "hs_pack", hs_pack_test },
    { "hs_inbound", hs_inbound_test },
    { "hs_act", hs_act_test },
    { "hs_outbound", hs_outbound_test },
    { "hs_alert_rec", hs_alert_rec_test },
    { "hs_request_rec", hs_request_rec_test },
    { "hs_escalate_rec", hs_escalate_rec_test },
    { "hs_words", hs_words_test },
    { "hs_event", hs_event_test },
    { "hs_bin", hs_bin_test },
    { "hs_handler", hs_handler_test },
    { "hs_case", hs_case_test },
    { "hs_case_rec", hs_case_rec_test },
    { "hs_meeting_rec", hs_meeting_rec_test },
    { "hs_prompt_rec", hs_prompt_rec_test },
    { "hs_proposal_rec", hs_proposal_rec_test },
    { "hs_proposal_msg", hs_proposal_msg_test },
    { "hs_filing_msg", hs_filing_msg_test },
    { "hs_meetings_msg", hs_meetings_msg_test },
    { "hs_heartbeat_msg", hs_heartbeat_msg_test },
    { "hs_inspection_rec", hs_inspection_rec_test },
    { "hs_inspection_msg", hs_inspection_msg_test },
    { "hs_record", hs_record_test },
    { "hs_reply", hs_reply_test },
    { "hs_json", hs_json_test },
    { "hs_zpl", hs_zpl_test },
    { "hs_units", hs_units_test },
    { "hs_condition", hs_condition_test },
    { "hs_policy", hs_policy_test },
    { "hs_rules", hs_rules_test },
    { "hs_calendar", hs_calendar_test },
    { "hs_clock", hs_clock_test },
    { "hs_config", hs_config_test },
    { "hs_store", hs_store_test },
    { "hs_guard", hs_guard_test },
    { "hs_check", hs_check_test },
    { "hs_check_start", hs_check_start_test },
    { "hs_lock", hs_lock_test },
    { "hs_ledger", hs_ledger_test },
    { "hs_timers", hs_timers_test },
    { "hs_idkey", hs_idkey_test },
    { "hs_caseindex", hs_caseindex_test },
    { "hs_cases", hs_cases_test },
    { "hs_intake", hs_intake_test },
    { "hs_query", hs_query_test },
    { "hs_verify", hs_verify_test },
    { "hs_log", hs_log_test },
    { "hs_metrics", hs_metrics_test },
    { "hs_keys", hs_keys_test },
    { "hs_fd", hs_fd_test },
    { "hs_subscribers", hs_subscribers_test },
    { "hs_txn", hs_txn_test },
    { "hs_rekey", hs_rekey_test },
    { "hs_stats", hs_stats_test },
    { "hs_reject", hs_reject_test },
    { "hs_flood", hs_flood_test },
    { "hs_deadletters", hs_deadletters_test },
    { "hs_notices", hs_notices_test },
    { "hs_windows", hs_windows_test },
    { "hs_warnings", hs_warnings_test },
    { "hs_feeds", hs_feeds_test },
    { "hs_envelope", hs_envelope_test },
    { "hs_ingest", hs_ingest_test },
    { "hs_meetings", hs_meetings_test },
    { "hs_handling", hs_handling_test },
    { "hs_casework", hs_casework_test },
    { "hs_caseacts", hs_caseacts_test },
    { "hs_ladder", hs_ladder_test },
    { "hs_kinds", hs_kinds_test },
    { "hs_plan", hs_plan_test },
    { "hs_actions", hs_actions_test },
    { "hs_prompts", hs_prompts_test },
    { "hs_proposals", hs_proposals_test },
    { "hs_filing", hs_filing_test },
    { "hs_inspections", hs_inspections_test },
    { "hs_briefs", hs_briefs_test },
    { "hs_forward", hs_forward_test },
    { "hs_api", hs_api_test },
    { "hs_engine", hs_engine_test },
    { "hs_client", hs_client_test },
    { "huishang_html", huishang_html_test },
    { "hs_web_feed", hs_web_feed_test },
    { "hs_web_auth", hs_web_auth_test },
    { "hs_web_board", hs_web_board_test },
    { "hs_web_duty", hs_web_duty_test },
    { "hs_web_act", hs_web_act_test },
    { "hs_web_http", hs_web_http_test },
    { "huishang_time", huishang_time_test },
    { "huishang_fresh", huishang_fresh_test },
    { "huishang_top_layout", huishang_top_layout_test },
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
