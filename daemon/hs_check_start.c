/*  =========================================================================
    hs_check_start - the daemon's start: the store's check, bounded

    The quick part within store/check_timeout, a short wait (check_wait)
    for the whole, and the rest followed on a thread of its own while the
    daemon serves, its child at nice 19 and idle I/O priority; the note an
    earlier finding left, acted on. What health says of it comes from
    here (hs_check_start_state). The walk itself is hs_check.c's.
    =========================================================================
*/

#include "hs_check.h"
#include "hs_check_run.h"
#include "hs_log.h"
#include <sys/resource.h>
#include <sys/syscall.h>
#include <pthread.h>

static struct {
    pthread_mutex_t lock;
    const char *state;          //  what hs_check_start_state says
    char report [768];
    hs_check_run_t run;         //  the check going on in the background
    pthread_t thread;
    bool running;               //  the thread is there (to join)
    bool stopping;              //  hs_check_start_stop: its end is no verdict
    bool done;                  //  the child has ended: its pid is not to be signalled
} s_background = { PTHREAD_MUTEX_INITIALIZER, "off", "", .running = false };

static void
s_set_state (const char *state, const char *report)
{
    pthread_mutex_lock (&s_background.lock);
    s_background.state = state;
    snprintf (s_background.report, sizeof (s_background.report), "%s", report);
    pthread_mutex_unlock (&s_background.lock);
}

const char *
hs_check_start_state (char *report, size_t report_size)
{
    pthread_mutex_lock (&s_background.lock);
    const char *state = s_background.state;
    if (report && report_size)
        snprintf (report, report_size, "%s", s_background.report);
    pthread_mutex_unlock (&s_background.lock);
    return state;
}

//  The background thread: wait for the child's end, say what it found.
static void *
s_background_run (void *arg)
{
    (void) arg;
    hs_check_run_t *run = &s_background.run;
    hs_check_run_read (run, 0, false);
    pthread_mutex_lock (&s_background.lock);
    s_background.done = true;       //  before it is reaped: its pid may be reused after
    pthread_mutex_unlock (&s_background.lock);
    char report [768];
    hs_check_result_t verdict = hs_check_run_verdict (run, NULL, report, sizeof (report));
    pthread_mutex_lock (&s_background.lock);
    bool stopping = s_background.stopping;
    pthread_mutex_unlock (&s_background.lock);
    if (stopping)
        return NULL;
    if (verdict == HS_CHECK_SOUND) {
        hs_log_info ("huishangd: (in the background) %s", report);
        s_set_state ("sound", report);
    }
    else
    if (verdict == HS_CHECK_NEWER) {
        //  Not after the quick part said otherwise, and the store lock held.
        hs_log_error ("huishangd: (in the background) %s", report);
        s_set_state ("newer", report);
    }
    else
    if (verdict == HS_CHECK_CORRUPT) {
        //  Noted on disk first: the next start reads all of it again.
        hs_check_mark (run->path, report);
        hs_log_error ("huishangd: THE STORE IS DAMAGED: %s (the check in the background). The "
                      "daemon goes on; the next start reads the whole store first and refuses "
                      "it if it is still damaged. Restore the last backup (huishang backup)",
                      report);
        s_set_state ("damaged", report);
    }
    else {
        hs_log_warning ("huishangd: UNCHECKED: %s. Run `huishang verify` when there is time",
                        report);
        s_set_state ("unchecked", report);
    }
    return NULL;
}

//  The whole store, read before the start (a note from an earlier finding).
static hs_check_result_t
s_start_marked (const char *path, int64_t timeout_ms, const char *why,
                char *report, size_t report_size)
{
    hs_log_warning ("huishangd: %s/" HS_CHECK_MARKER " says the store was found damaged (%s): "
                    "reading all of it before starting", path, why);
    char found [768];
    hs_check_result_t verdict = hs_check_store (path, timeout_ms, NULL, found, sizeof (found));
    if (verdict == HS_CHECK_SOUND || verdict == HS_CHECK_NONE) {
        char *file = hs_check_marker (path);
        if (unlink (file) && errno != ENOENT)
            hs_log_error ("hs_check: cannot remove %s: %s", file, strerror (errno));
        snprintf (report, report_size, "%s; it reads whole now (restored?): %s removed", found, file);
        zstr_free (&file);
        s_set_state (verdict == HS_CHECK_SOUND? "sound": "none", found);
        return verdict;
    }
    if (verdict == HS_CHECK_UNKNOWN) {
        snprintf (report, report_size, "it was found damaged before (%s), and this check gave no "
                  "verdict (%s): when `huishang verify` says it is sound, remove %s/" HS_CHECK_MARKER,
                  why, found, path);
        verdict = HS_CHECK_CORRUPT;
    }
    else
        snprintf (report, report_size, "%s", found);
    s_set_state (verdict == HS_CHECK_NEWER? "newer": "damaged", report);
    return verdict;
}

hs_check_result_t
hs_check_start (const char *path, int64_t timeout_ms, int64_t wait_ms,
                char *report, size_t report_size)
{
    char why [512];
    if (hs_check_marked (path, why, sizeof (why)))
        return s_start_marked (path, timeout_ms, why, report, report_size);
    if (timeout_ms == 0) {
        snprintf (report, report_size, "the store's check is off (store/check_timeout = 0)");
        s_set_state ("off", report);
        return HS_CHECK_SOUND;
    }
    if (hs_check_no_store (path, report, report_size)) {
        s_set_state ("none", report);
        return HS_CHECK_NONE;
    }
    assert (!s_background.running);
    s_background.stopping = s_background.done = false;
    hs_check_run_t *run = &s_background.run;
    if (hs_check_run_start (run, path, timeout_ms, report, report_size)) {
        s_set_state ("unchecked", report);
        return HS_CHECK_UNKNOWN;
    }
    //  The quick part within the timeout, then up to wait_ms for the rest
    //  (none at all with wait_ms 0: its verdict always comes later).
    int64_t deadline = run->started + timeout_ms;
    hs_check_run_read (run, deadline, true);
    if (run->quick && !run->ended && wait_ms > 0) {
        int64_t waited = run->started + wait_ms;
        hs_check_run_read (run, waited < deadline? waited: deadline, false);
    }
    uint64_t format = run->quick? hs_check_run_format (run): 0;
    if (format > HS_STORE_FORMAT) {
        run->ended = true;          //  no need to read on: not ours to open
        kill (run->pid, SIGKILL);
        hs_check_run_verdict (run, NULL, report, report_size);
        snprintf (report, report_size, "the store %s has format %llu, newer than this huishangd's "
                  "%d: run the version that wrote it", path, (unsigned long long) format,
                  HS_STORE_FORMAT);
        s_set_state ("newer", report);
        return HS_CHECK_NEWER;
    }
    if (run->quick && !run->ended) {
        //  The rest in the background, behind everything else on the machine.
        if ((setpriority (PRIO_PROCESS, (id_t) run->pid, 19)
        ||   syscall (SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, (int) run->pid,
                      3 << 13 /* IOPRIO_CLASS_IDLE */))
        &&  errno != ESRCH)         //  (it has just ended)
            hs_log_warning ("hs_check: the check in the background runs at the daemon's own "
                            "priority: %s", strerror (errno));
        snprintf (report, report_size, "store %s: the quick check is sound (format %llu, "
                  "%lld ms); the rest is read in the background", path,
                  (unsigned long long) format, (long long) (zclock_mono () - run->started));
        //  Before the thread: its verdict may come at once, and is the last word.
        s_set_state ("checking", report);
        if (pthread_create (&s_background.thread, NULL, s_background_run, NULL) == 0) {
            s_background.running = true;
            return HS_CHECK_PENDING;
        }
    }
    hs_check_result_t verdict = hs_check_run_verdict (run, NULL, report, report_size);
    s_set_state (verdict == HS_CHECK_SOUND? "sound": verdict == HS_CHECK_UNKNOWN? "unchecked":
                 verdict == HS_CHECK_NEWER? "newer": "damaged", report);
    return verdict;
}

void
hs_check_start_stop (void)
{
    if (!s_background.running)
        return;
    pthread_mutex_lock (&s_background.lock);
    s_background.stopping = true;
    if (!s_background.done)
        kill (s_background.run.pid, SIGKILL);
    pthread_mutex_unlock (&s_background.lock);
    pthread_join (s_background.thread, NULL);
    s_background.running = false;
}

//  Until the check in the background has said (10 s at most).
static const char *
s_test_settled (void)
{
    const char *state = hs_check_start_state (NULL, 0);
    for (int tick = 0; tick < 1000 && streq (state, "checking"); tick++) {
        zclock_sleep (10);
        state = hs_check_start_state (NULL, 0);
    }
    return state;
}

void
hs_check_start_test (bool verbose)
{
    if (verbose)
        printf (" * hs_check_start: ");
    char *path = zsys_sprintf ("/tmp/hs_check_start_test.%d", getpid ());
    char report [768];
    assert (hs_check_start (path, 1000, 0, report, sizeof (report)) == HS_CHECK_NONE);
    assert (streq (hs_check_start_state (NULL, 0), "none"));
    hs_store_t *store = hs_check_sample_test (path);
    //  The start: waiting long enough, the whole verdict; not waiting, the
    //  quick part's, and the rest from the background.
    assert (hs_check_start (path, 10000, 10000, report, sizeof (report)) == HS_CHECK_SOUND);
    assert (streq (hs_check_start_state (NULL, 0), "sound"));
    assert (hs_check_start (path, 10000, 0, report, sizeof (report)) == HS_CHECK_PENDING);
    assert (strstr (report, "background") && streq (hs_check_start_state (NULL, 0), "checking"));
    assert (streq (s_test_settled (), "sound"));
    hs_check_start_state (report, sizeof (report));
    assert (strstr (report, "checked"));
    hs_check_start_stop ();
    //  Stopped (at once, whether it still reads or not): nothing left running.
    assert (hs_check_start (path, 10000, 0, report, sizeof (report)) == HS_CHECK_PENDING);
    pid_t reader = s_background.run.pid;
    hs_check_start_stop ();
    assert (kill (reader, 0) < 0 && errno == ESRCH && !s_background.running);
    //  A stop signalled to the whole group (systemd's) is the daemon's:
    //  the check reads on, and its verdict is not damage.
    assert (hs_check_start (path, 10000, 0, report, sizeof (report)) == HS_CHECK_PENDING);
    kill (s_background.run.pid, SIGTERM);
    assert (streq (s_test_settled (), "sound"));
    hs_check_start_stop ();
    //  A note from an earlier finding: the whole store is read before the
    //  start, and a sound store loses the note.
    assert (hs_check_mark (path, "a test's finding") == 0);
    assert (hs_check_start (path, 10000, 0, report, sizeof (report)) == HS_CHECK_SOUND);
    assert (strstr (report, "removed") && !hs_check_marked (path, NULL, 0));
    //  ... and so does the check turned off (0): the note is not ignored.
    assert (hs_check_mark (path, "found with the check off") == 0);
    assert (hs_check_start (path, 0, 0, report, sizeof (report)) == HS_CHECK_SOUND);
    assert (strstr (report, "removed") && streq (hs_check_start_state (NULL, 0), "sound"));
    assert (hs_check_start (path, 0, 0, report, sizeof (report)) == HS_CHECK_SOUND);
    assert (streq (hs_check_start_state (NULL, 0), "off"));
    //  A store from a newer build is told apart by the quick part.
    assert (hs_store_begin (store) == 0);
    assert (hs_store_meta_put (store, HS_META_FORMAT, HS_STORE_FORMAT + 1) == 0);
    assert (hs_store_commit (store) == 0);
    assert (hs_check_start (path, 10000, 0, report, sizeof (report)) == HS_CHECK_NEWER);
    assert (strstr (report, "newer") && !s_background.running);
    hs_store_destroy (&store);
    //  Garbage where the data file was: damaged; with a note, still
    //  damaged, and the note stays.
    char *file = zsys_sprintf ("%s/data.mdb", path);
    FILE *handle = fopen (file, "w");
    assert (handle);
    for (int index = 0; index < 100000; index++)
        fputc (index * 7, handle);
    fclose (handle);
    assert (hs_check_start (path, 10000, 0, report, sizeof (report)) == HS_CHECK_CORRUPT);
    assert (streq (hs_check_start_state (NULL, 0), "damaged"));
    assert (hs_check_mark (path, "found before") == 0);
    assert (hs_check_start (path, 10000, 0, report, sizeof (report)) == HS_CHECK_CORRUPT);
    assert (hs_check_marked (path, NULL, 0));
    zstr_free (&file);
    file = hs_check_marker (path);
    unlink (file);
    zstr_free (&file);
    hs_store_remove (path);
    zstr_free (&path);
    if (verbose)
        printf ("OK\n");
}
