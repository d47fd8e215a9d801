/*  =========================================================================
    hs_verify - checks a store's invariants (huishang verify)
    =========================================================================
*/

#include "hs_verify.h"
#include "hs_cases.h"
#include "hs_caseindex.h"
#include "hs_ledger.h"
#include "hs_idkey.h"
#include "hs_meeting_table.h"
#include "hs_timers.h"
#include "hs_filed.h"
#include "hs_check.h"
#include "hs_guard.h"

typedef struct {
    hs_store_t *store;
    FILE *out;
    int problems;
    uint64_t next_seq;
    uint64_t events, dedup, cases, open, index, windows, history, timers, meetings, prompts,
             proposals, inspections;
} s_verify_t;

static bool s_joined (s_verify_t *verify, const char *event_case, const char *case_id);

static void
s_problem (s_verify_t *verify, const char *format, ...)
{
    if (verify->problems++ < 100) {
        va_list args;
        va_start (args, format);
        fprintf (verify->out, "problem: ");
        vfprintf (verify->out, format, args);
        fprintf (verify->out, "\n");
        va_end (args);
    }
}

//  The type and case of a stored event; false if absent or unreadable.
static bool
s_event (s_verify_t *verify, uint64_t seq, char *type, size_t type_size, char *case_id, size_t case_size)
{
    hs_event_read_t event;
    if (hs_ledger_event (verify->store, seq, &event))
        return false;
    hs_strcpy (type, type_size, event.type);
    hs_strcpy (case_id, case_size, event.case_id);
    return true;
}

static int
s_check_event (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) data;
    (void) size;
    s_verify_t *verify = (s_verify_t *) arg;
    verify->events++;
    if (key_size != 8)
        s_problem (verify, "an event key of %zu bytes", key_size);
    else
    if (hs_store_be64_get ((const uint8_t *) key) >= verify->next_seq)
        s_problem (verify, "event %llu lies beyond next_seq %llu",
                   (unsigned long long) hs_store_be64_get ((const uint8_t *) key),
                   (unsigned long long) verify->next_seq);
    return 0;
}

static int
s_check_dedup (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_verify_t *verify = (s_verify_t *) arg;
    verify->dedup++;
    hs_dedup_t kind;
    char source [HS_CODE_MAX + 1], id [HS_ID_MAX + 1], type [HS_EVENT_TYPE_MAX], case_id [HS_ID_MAX + 1];
    if (size != 8 || hs_ledger_dedup_parse (key, key_size, &kind, source, sizeof (source),
                                            id, sizeof (id)))
        s_problem (verify, "dedup key '%.*s' is malformed", (int) key_size, (const char *) key);
    else
    if (!s_event (verify, hs_store_be64_get ((const uint8_t *) data), type, sizeof (type),
                  case_id, sizeof (case_id)))
        s_problem (verify, "dedup key '%.*s' names a missing event", (int) key_size, (const char *) key);
    else
    if (!streq (type, hs_ledger_dedup_type (kind)))
        s_problem (verify, "dedup key '%.*s' names a %s event", (int) key_size, (const char *) key, type);
    return 0;
}

static int
s_check_case (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_verify_t *verify = (s_verify_t *) arg;
    verify->cases++;
    hs_case_t *kase = (hs_case_t *) malloc (sizeof (hs_case_t));
    char type [16], case_id [HS_ID_MAX + 1], key_id [HS_ID_MAX + 1];
    if (hs_idkey_get (key, key_size, key_id, sizeof (key_id)))
        snprintf (key_id, sizeof (key_id), "(a key of %zu bytes that is no id)", key_size);
    if (hs_case_decode (data, size, kase))
        s_problem (verify, "case '%s' cannot be decoded", key_id);
    else {
        if (!streq (kase->id, key_id))
            s_problem (verify, "case '%s' is stored under another id", key_id);
        if (!s_event (verify, kase->first_seq, type, sizeof (type), case_id, sizeof (case_id))
        ||  !streq (type, "report") || (!streq (case_id, kase->id) && !s_joined (verify, case_id, kase->id)))
            s_problem (verify, "case '%s' does not begin with its report (seq %llu)",
                       kase->id, (unsigned long long) kase->first_seq);
        if (!kase->closed)
            verify->open++;
    }
    free (kase);
    return 0;
}

static int
s_check_window (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) key;
    (void) key_size;
    (void) data;
    (void) size;
    ((s_verify_t *) arg)->windows++;    //  an enterprise's window, in its record
    return 0;
}

static int
s_check_index (const void *enterprise, size_t size, int category, const char *case_id, void *arg)
{
    s_verify_t *verify = (s_verify_t *) arg;
    if (category < 0) {
        s_problem (verify, "the case index's record of '%.*s' cannot be decoded", (int) size,
                   (const char *) enterprise);
        return 0;
    }
    verify->index++;
    hs_case_t *kase = (hs_case_t *) malloc (sizeof (hs_case_t));
    int rc = hs_cases_load (verify->store, case_id, kase);
    if (rc)
        s_problem (verify, "correlation key '%.*s' (%s) names a missing case '%s'",
                   (int) size, (const char *) enterprise, hs_category_name (category), case_id);
    else
    if (kase->closed)
        s_problem (verify, "correlation key '%.*s' (%s) names closed case '%s'",
                   (int) size, (const char *) enterprise, hs_category_name (category), case_id);
    free (kase);
    return 0;
}

//  Does case `from`, through the merges it went into, end in `to`?
//  (At most 64 hops: a longer chain is taken as broken.)
static bool
s_reaches (s_verify_t *verify, hs_case_t *scratch, const char *from, const char *to)
{
    char at [HS_ID_MAX + 1];
    hs_strcpy (at, sizeof (at), from);
    for (int hop = 0; hop < 64 && *at; hop++) {
        if (streq (at, to))
            return true;
        if (hs_cases_load (verify->store, at, scratch))
            return false;
        hs_strcpy (at, sizeof (at), scratch->merged_into);
    }
    return false;
}

//  An event of another case may be in a case's history when that case was
//  merged into it (maybe through others), or when it was split off that
//  case (its report, the act).
static bool
s_joined (s_verify_t *verify, const char *event_case, const char *case_id)
{
    hs_case_t *kase = (hs_case_t *) malloc (sizeof (hs_case_t));
    bool joined = s_reaches (verify, kase, event_case, case_id);
    if (!joined && hs_cases_load (verify->store, case_id, kase) == 0 && *kase->split_from) {
        char from [HS_ID_MAX + 1];
        hs_strcpy (from, sizeof (from), kase->split_from);
        joined = s_reaches (verify, kase, event_case, from);
    }
    free (kase);
    return joined;
}

static int
s_check_history (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) data;
    (void) size;
    s_verify_t *verify = (s_verify_t *) arg;
    verify->history++;
    char case_id [HS_ID_MAX + 1];
    uint64_t seq;
    if (hs_ledger_history_parse (key, key_size, case_id, sizeof (case_id), &seq)) {
        s_problem (verify, "a history key is malformed");
        return 0;
    }
    char type [HS_EVENT_TYPE_MAX], event_case [HS_ID_MAX + 1];
    if (!s_event (verify, seq, type, sizeof (type), event_case, sizeof (event_case)))
        s_problem (verify, "case '%s' history names missing event %llu", case_id, (unsigned long long) seq);
    else
    if (!streq (type, "minutes") && !streq (type, "prompt") && !streq (type, "proposal")
    &&  !streq (type, "consult") && !streq (event_case, case_id)
    &&  !s_joined (verify, event_case, case_id))
        s_problem (verify, "case '%s' history names event %llu of case '%s'", case_id,
                   (unsigned long long) seq, event_case);
    return 0;
}

static int
s_check_timer (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) data;
    (void) size;
    s_verify_t *verify = (s_verify_t *) arg;
    verify->timers++;
    hs_timer_t timer;
    if (hs_timers_parse (key, key_size, &timer)) {
        s_problem (verify, "a timer key is malformed (or of an unknown kind)");
        return 0;
    }
    const void *record;
    size_t record_size;
    bool quorum = timer.kind == HS_TIMER_QUORUM || timer.kind == HS_TIMER_ACTION
               || timer.kind == HS_TIMER_MINUTES;
    bool prompt = timer.kind == HS_TIMER_PROMPT;
    bool proposal = timer.kind == HS_TIMER_PROPOSAL, plan = timer.kind == HS_TIMER_INSPECTION;
    hs_table_t table = quorum? HS_TABLE_MEETINGS: prompt? HS_TABLE_PROMPTS:
                       proposal? HS_TABLE_PROPOSALS: plan? HS_TABLE_INSPECTIONS: HS_TABLE_CASES;
    int rc = table == HS_TABLE_CASES? hs_cases_record (verify->store, timer.id, &record, &record_size):
             table == HS_TABLE_MEETINGS? hs_meeting_table_record (verify->store, timer.id, &record,
                                                                   &record_size):
             hs_store_get (verify->store, table, timer.id, strlen (timer.id), &record, &record_size);
    if (rc)
        s_problem (verify, "timer '%c' names missing %s '%s'", (char) timer.kind,
                   quorum? "meeting": prompt? "work prompt": proposal? "proposal":
                   plan? "inspection plan": "case",
                   timer.id);
    return 0;
}

static int
s_check_meeting (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_verify_t *verify = (s_verify_t *) arg;
    verify->meetings++;
    hs_meeting_rec_t *meeting = (hs_meeting_rec_t *) malloc (sizeof (hs_meeting_rec_t));
    char id [HS_ID_MAX + 1];
    if (hs_idkey_get (key, key_size, id, sizeof (id)))
        s_problem (verify, "a meeting key of %zu bytes is no id", key_size);
    else
    if (hs_meeting_rec_decode (data, size, meeting))
        s_problem (verify, "meeting '%s' cannot be decoded", id);
    else
    if (!streq (meeting->id, id))
        s_problem (verify, "meeting '%s' is stored under another id", id);
    free (meeting);
    return 0;
}

static int
s_check_prompt (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_verify_t *verify = (s_verify_t *) arg;
    verify->prompts++;
    hs_prompt_rec_t *prompt = (hs_prompt_rec_t *) malloc (sizeof (hs_prompt_rec_t));
    if (hs_prompt_rec_decode (data, size, prompt))
        s_problem (verify, "work prompt '%.*s' cannot be decoded", (int) key_size,
                   (const char *) key);
    else
    if (strlen (prompt->id) != key_size || memcmp (prompt->id, key, key_size))
        s_problem (verify, "work prompt '%s' is stored under '%.*s'", prompt->id,
                   (int) key_size, (const char *) key);
    free (prompt);
    return 0;
}

static int
s_check_proposal (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_verify_t *verify = (s_verify_t *) arg;
    verify->proposals++;
    hs_proposal_rec_t *proposal = (hs_proposal_rec_t *) malloc (sizeof (hs_proposal_rec_t));
    if (hs_proposal_rec_decode (data, size, proposal))
        s_problem (verify, "proposal '%.*s' cannot be decoded", (int) key_size,
                   (const char *) key);
    else
    if (strlen (proposal->id) != key_size || memcmp (proposal->id, key, key_size))
        s_problem (verify, "proposal '%s' is stored under '%.*s'", proposal->id,
                   (int) key_size, (const char *) key);
    free (proposal);
    return 0;
}

//  A filed case (hs_filed's table) is a case of the store, filed then.
static int
s_check_filed (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) data;
    (void) size;
    s_verify_t *verify = (s_verify_t *) arg;
    int64_t filed;
    char case_id [HS_ID_MAX + 1];
    hs_case_t *kase = (hs_case_t *) malloc (sizeof (hs_case_t));
    if (hs_filed_parse (key, key_size, &filed, case_id))
        s_problem (verify, "a filed-case key is malformed");
    else
    if (hs_cases_load (verify->store, case_id, kase) || kase->filed != filed)
        s_problem (verify, "filed case '%s' is missing or was not filed then", case_id);
    free (kase);
    return 0;
}

//  An inspection plan record decodes and is stored under its own id.
static int
s_check_inspection (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_verify_t *verify = (s_verify_t *) arg;
    verify->inspections++;
    hs_inspection_rec_t *plan = (hs_inspection_rec_t *) malloc (sizeof (hs_inspection_rec_t));
    if (hs_inspection_rec_decode (data, size, plan))
        s_problem (verify, "inspection plan '%.*s' cannot be decoded", (int) key_size,
                   (const char *) key);
    else
    if (strlen (plan->id) != key_size || memcmp (plan->id, key, key_size))
        s_problem (verify, "inspection plan '%s' is stored under '%.*s'", plan->id,
                   (int) key_size, (const char *) key);
    free (plan);
    return 0;
}

int
hs_verify_run (hs_store_t *store, FILE *out)
{
    if (hs_store_view_begin (store))
        return -1;
    s_verify_t verify = { .store = store, .out = out };
    uint64_t open_count, published;
    int rc = hs_store_meta_get (store, HS_META_NEXT_SEQ, 1, &verify.next_seq);
    rc |= hs_store_meta_get (store, HS_META_OPEN_CASES, 0, &open_count);
    rc |= hs_store_meta_get (store, HS_META_PUBLISHED_THROUGH, 0, &published);
    rc |= hs_store_walk (store, HS_TABLE_EVENTS, NULL, 0, false, s_check_event, &verify);
    rc |= hs_store_walk (store, HS_TABLE_DEDUP, NULL, 0, false, s_check_dedup, &verify);
    rc |= hs_store_walk (store, HS_TABLE_CASES, NULL, 0, false, s_check_case, &verify);
    rc |= hs_caseindex_cases (store, s_check_index, &verify);
    rc |= hs_caseindex_windows (store, NULL, 0, s_check_window, &verify);
    rc |= hs_store_walk (store, HS_TABLE_HISTORY, NULL, 0, false, s_check_history, &verify);
    rc |= hs_store_walk (store, HS_TABLE_TIMERS, NULL, 0, false, s_check_timer, &verify);
    rc |= hs_store_walk (store, HS_TABLE_MEETINGS, NULL, 0, false, s_check_meeting, &verify);
    rc |= hs_store_walk (store, HS_TABLE_PROMPTS, NULL, 0, false, s_check_prompt, &verify);
    rc |= hs_store_walk (store, HS_TABLE_PROPOSALS, NULL, 0, false, s_check_proposal, &verify);
    rc |= hs_store_walk (store, HS_TABLE_FILED, NULL, 0, false, s_check_filed, &verify);
    rc |= hs_store_walk (store, HS_TABLE_INSPECTIONS, NULL, 0, false, s_check_inspection,
                         &verify);
    hs_store_view_end (store);
    if (rc)
        return -1;
    if (open_count != verify.open)
        s_problem (&verify, "the open-case count says %llu, the cases say %llu",
                   (unsigned long long) open_count, (unsigned long long) verify.open);
    if (published >= verify.next_seq)
        s_problem (&verify, "published_through %llu lies beyond next_seq %llu",
                   (unsigned long long) published, (unsigned long long) verify.next_seq);
    fprintf (out, "verify: %llu events (next seq %llu), %llu dedup keys, %llu cases (%llu open), "
             "%llu correlation keys, %llu enterprise windows, %llu history entries, %llu timers, "
             "%llu meetings, %llu work prompts, %llu proposals, %llu inspection plans: %s\n",
             (unsigned long long) verify.events, (unsigned long long) verify.next_seq,
             (unsigned long long) verify.dedup, (unsigned long long) verify.cases,
             (unsigned long long) verify.open, (unsigned long long) verify.index,
             (unsigned long long) verify.windows, (unsigned long long) verify.history,
             (unsigned long long) verify.timers, (unsigned long long) verify.meetings,
             (unsigned long long) verify.prompts, (unsigned long long) verify.proposals, (unsigned long long) verify.inspections,
             verify.problems? "PROBLEMS FOUND": "sound");
    return verify.problems;
}

int
hs_verify_path (const char *path, FILE *out)
{
    char report [768], error [512];
    hs_check_result_t verdict = hs_check_store (path, 0, NULL, report, sizeof (report));
    if (verdict == HS_CHECK_NONE) {
        fprintf (out, "verify: %s\n", report);
        return 2;
    }
    if (verdict != HS_CHECK_SOUND) {
        fprintf (out, "verify: %s: %s\n", verdict == HS_CHECK_NEWER? "NEWER FORMAT":
                                           verdict == HS_CHECK_UNKNOWN? "COULD NOT CHECK": "DAMAGED",
                 report);
        return 2;
    }
    char why [512];
    if (hs_check_marked (path, why, sizeof (why)))
        fprintf (out, "verify: note: %s/" HS_CHECK_MARKER " says it was found damaged (%s); its "
                 "pages read whole now, and the next start reads them all again before it "
                 "starts, and removes the note\n", path, why);
    hs_store_t *store = hs_store_open_readonly (path, error, sizeof (error));
    if (!store) {
        fprintf (out, "verify: %s\n", error);
        return 2;
    }
    hs_guard_install ();
    int problems;
    HS_GUARD_RUN (problems, -2, hs_verify_run (store, out));
    if (problems == -2)
        fprintf (out, "verify: DAMAGED: reading the store failed (%s)\n", hs_guard_last ());
    else
        hs_store_destroy (&store);      //  after a fault, left to the exit
    return problems == 0? 0: problems > 0? 1: 2;
}

void
hs_verify_test (bool verbose)
{
    if (verbose)
        printf (" * hs_verify: ");
    char error [256];
    char *path = zsys_sprintf ("/tmp/hs_verify_test.%d", getpid ());
    hs_store_t *store = hs_store_new (path, 1 << 20, 1 << 24, error, sizeof (error));
    assert (store);
    FILE *out = fopen ("/dev/null", "w");
    assert (hs_verify_run (store, out) == 0);       //  empty and sound
    //  A dedup key naming a missing event, and a timer naming no case. The
    //  test stands in for hs_txn (the daemon's one writer), which is above it.
    hs_timers_t *timers = hs_timers_new (store);
    assert (hs_store_begin (store) == 0);
    assert (hs_ledger_mark (store, HS_DEDUP_REPORT, "hrss", "x", 42) == 0);
    assert (hs_timers_add (timers, 1000, HS_TIMER_OVERDUE, "putuo-9") == 0);
    hs_timers_destroy (&timers);
    assert (hs_store_commit (store) == 0);
    assert (hs_verify_run (store, out) == 2);

    //  A briefing from below is known by its kind: a city's store is sound
    //  (the bug of 0.4: verify called its dedup keys malformed).
    hs_pack_t *scratch = hs_pack_new ();
    hs_pack_t *body = hs_pack_new ();
    hs_hello_encode ("brief", body);
    assert (hs_store_begin (store) == 0);
    hs_event_t event = {
        .seq = hs_store_next_seq (store), .at = 1, .type = "brief", .topic = "brief.district",
        .body = hs_pack_data (body), .body_size = hs_pack_size (body), .level = -1
    };
    assert (hs_ledger_record (store, &event, scratch) == 0);
    assert (hs_ledger_mark (store, HS_DEDUP_BRIEF, "street.caoyang", "wk-1", event.seq) == 0);
    assert (hs_store_commit (store) == 0);
    assert (hs_verify_run (store, out) == 2);
    //  A work prompt's timer names a prompt the store must have.
    timers = hs_timers_new (store);
    assert (hs_store_begin (store) == 0);
    assert (hs_timers_add (timers, 2000, HS_TIMER_PROMPT, "putuo-p5") == 0);
    assert (hs_store_commit (store) == 0);
    hs_timers_destroy (&timers);
    assert (hs_verify_run (store, out) == 3);
    hs_pack_destroy (&scratch);
    hs_pack_destroy (&body);
    hs_store_destroy (&store);
    assert (hs_verify_path (path, out) == 1);      //  the same three, by path
    fclose (out);
    hs_store_remove (path);
    zstr_free (&path);
    if (verbose)
        printf ("OK\n");
}
