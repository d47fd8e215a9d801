/*  =========================================================================
    hs_check - the quick check of a store, before anything trusts it

    The child opens its own environment (an LMDB environment must not be
    used across fork) and writes its progress down a pipe: "quick N FORMAT"
    once the quick part is read, "table NAME" before each table of the
    whole walk, then "sound N FORMAT" or "bad WHAT". If it dies, the last
    table named is where it died. Every byte of a value is not needed to
    find a bad page: one per page (and the last) makes the kernel map each,
    which is what faults if LMDB's idea of the page is wrong.

    The quick part is what the writer meets first: the meta pages, the
    format, LMDB's free-page table (every commit reads it), each table's
    header and the records at both of its ends (where appends land). On a
    store larger than the page cache the whole walk takes minutes; the
    daemon's start (hs_check_start.c) waits for it only `wait_ms`, then
    follows it on a thread while the daemon serves. The note an earlier
    finding left in the store's folder is written and read here.
    =========================================================================
*/

#include "hs_check.h"
#include "hs_check_run.h"
#include "hs_log.h"
#include <sys/wait.h>
#include <poll.h>
#include <sys/prctl.h>
#include <syslog.h>
#include <fcntl.h>

//  Records read at each end of each table in the quick part.
#define QUICK_ENDS 64
//  How long one read view lasts in the whole walk: a daemon writing beside
//  it cannot reuse the pages freed since the view began, so a long walk
//  goes on in a new view, from the key it reached.
#define VIEW_MS 1000
static int64_t s_view_ms = VIEW_MS;     //  (the self test renews at every chance)

typedef struct {
    uint64_t entries;           //  records visited, all tables
    uint64_t table_entries;     //  ... in this table
    uint64_t limit;             //  stop after this many in this walk (0: none)
    bool ordered;               //  check that keys ascend (not the free table)
    bool disorder;              //  a key did not: a pointer into another subtree
    uint8_t last [512];         //  the previous key in this table
    size_t last_size;
    int64_t view_at;            //  when this read view began (zclock_mono)
    bool renewable;             //  a table's whole walk: it may stop for a new view ...
    bool renew;                 //  ... and did ...
    bool resume;                //  ... and goes on from `last`, met again first
    volatile uint8_t sum;       //  bytes touched, so that no read is optimised out
} s_walk_t;

static void
s_say (int fd, const char *format, ...)
{
    char line [512];
    va_list args;
    va_start (args, format);
    int length = vsnprintf (line, sizeof (line) - 1, format, args);
    va_end (args);
    if (length < 0)
        return;
    if (length > (int) sizeof (line) - 2)
        length = (int) sizeof (line) - 2;
    line [length++] = '\n';
    if (write (fd, line, (size_t) length) != length)
        _exit (3);
}

static void
s_touch (s_walk_t *walk, const void *bytes, size_t size)
{
    const volatile uint8_t *data = (const volatile uint8_t *) bytes;
    for (size_t offset = 0; offset < size; offset += 4096)
        walk->sum += data [offset];
    if (size)
        walk->sum += data [size - 1];
}

static int
s_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_walk_t *walk = (s_walk_t *) arg;
    if (walk->resume) {
        walk->resume = false;
        if (key_size == walk->last_size && memcmp (key, walk->last, key_size) == 0)
            return 0;           //  where the last view stopped: read already
    }
    walk->entries++;
    s_touch (walk, key, key_size);
    s_touch (walk, data, size);
    //  LMDB's order (memcmp, then the shorter first): a page pointer
    //  changed to another part of the file reads as keys out of order.
    if (walk->ordered && walk->table_entries && key_size <= sizeof (walk->last)) {
        size_t common = key_size < walk->last_size? key_size: walk->last_size;
        int order = memcmp (walk->last, key, common);
        if (order > 0 || (order == 0 && walk->last_size >= key_size)) {
            walk->disorder = true;
            return 1;
        }
    }
    if (key_size <= sizeof (walk->last)) {
        memcpy (walk->last, key, key_size);
        walk->last_size = key_size;
    }
    walk->table_entries++;
    if (walk->limit)
        return walk->table_entries >= walk->limit;
    if (walk->renewable && (walk->table_entries & 4095) == 0
    &&  zclock_mono () - walk->view_at >= s_view_ms) {
        walk->renew = true;
        return 1;
    }
    return 0;
}

//  A new read view (the walk's last one ended): 0, or -1 said. Not
//  damage if it cannot begin (readers' slots full, memory): no verdict.
static int
s_view_renew (hs_store_t *store, int fd, s_walk_t *walk)
{
    hs_store_view_end (store);
    if (hs_store_view_begin (store)) {
        s_say (fd, "unknown a new read view could not begin");
        return -1;
    }
    walk->view_at = zclock_mono ();
    return 0;
}

//  One table, whole, in as many views as it takes: 0, or -1 said.
static int
s_child_table (hs_store_t *store, int fd, s_walk_t *walk, hs_table_t table)
{
    const char *name = hs_store_table_name (table);
    s_say (fd, "table %s", name);
    if (s_view_renew (store, fd, walk))
        return -1;
    walk->ordered = walk->renewable = true;
    walk->table_entries = 0;
    walk->last_size = 0;
    walk->resume = false;
    bool renewed = false;
    uint64_t first_view = hs_store_view_id (store);
    bool moved = false;         //  a commit came between two of its views
    do {
        walk->renew = false;
        if (hs_store_walk (store, table, renewed? walk->last: NULL, renewed? walk->last_size: 0,
                           false, s_visit, walk)) {
            s_say (fd, "bad LMDB could not read table '%s'", name);
            return -1;
        }
        if (walk->renew) {
            if (s_view_renew (store, fd, walk))
                return -1;
            walk->resume = renewed = true;
            moved |= hs_store_view_id (store) != first_view;
        }
    } while (walk->renew);
    walk->renewable = false;
    if (walk->disorder) {
        s_say (fd, "bad table '%s' has keys out of order after %llu entries (a page "
               "pointer that leads elsewhere)", name, (unsigned long long) walk->table_entries);
        return -1;
    }
    //  As many records as its header says, read in one view or in several
    //  of one store. (With a commit between them, the count moved on.)
    uint64_t count = 0;
    if (!moved && hs_store_count (store, table, &count) == 0 && count != walk->table_entries) {
        s_say (fd, "bad table '%s' holds %llu entries, its header says %llu", name,
               (unsigned long long) walk->table_entries, (unsigned long long) count);
        return -1;
    }
    return 0;
}

//  The quick part: the free-page table, and each table's header and ends.
static uint64_t
s_child_quick (hs_store_t *store, int fd, s_walk_t *walk, uint64_t format)
{
    s_say (fd, "table free-pages");
    walk->table_entries = 0;
    if (hs_store_walk_free (store, s_visit, walk)) {
        s_say (fd, "bad LMDB could not read its free-page table");
        _exit (0);
    }
    uint64_t free_entries = walk->entries;
    for (int table = 0; table < HS_TABLE_COUNT; table++) {
        const char *name = hs_store_table_name ((hs_table_t) table);
        s_say (fd, "table %s", name);
        uint64_t count = 0;
        //  Not in order: a reverse walk descends.
        walk->ordered = false;
        walk->limit = QUICK_ENDS;
        walk->table_entries = 0;
        int rc = hs_store_count (store, (hs_table_t) table, &count)
              || hs_store_walk (store, (hs_table_t) table, NULL, 0, false, s_visit, walk);
        walk->table_entries = 0;
        rc = rc || hs_store_walk (store, (hs_table_t) table, NULL, 0, true, s_visit, walk);
        if (rc) {
            s_say (fd, "bad LMDB could not read table '%s'", name);
            _exit (0);
        }
    }
    walk->limit = 0;
    s_say (fd, "quick %llu %llu", (unsigned long long) walk->entries, (unsigned long long) format);
    return free_entries;
}

//  The child: read everything, say how it went, exit.
static void
s_child (const char *path, int fd)
{
    char error [512];
    hs_store_t *store = hs_store_open_readonly (path, error, sizeof (error));
    if (!store) {
        //  Tables not made yet: a first start that stopped before its
        //  first commit. Nothing in it to lose.
        //  Not an LMDB file any more (its meta pages) is damage; anything
        //  else (permissions, memory) says nothing about the pages.
        if (strstr (error, "MDB_NOTFOUND"))
            s_say (fd, "sound 0 0");
        else
        if (strstr (error, "MDB_INVALID") || strstr (error, "MDB_CORRUPTED")
        ||  strstr (error, "MDB_PAGE_NOTFOUND") || strstr (error, "MDB_VERSION_MISMATCH"))
            s_say (fd, "bad %s", error);
        else
            s_say (fd, "unknown %s", error);
        _exit (0);
    }
    s_walk_t walk = { .entries = 0 };
    if (hs_store_view_begin (store)) {
        s_say (fd, "unknown a read view could not begin");
        _exit (0);
    }
    uint64_t format = 0;
    if (hs_store_meta_get (store, HS_META_FORMAT, 0, &format)) {
        s_say (fd, "bad its format version cannot be read");
        _exit (0);
    }
    //  The quick part read the free-page table whole: the whole walk
    //  counts it from there and goes on with the tables.
    walk.entries = s_child_quick (store, fd, &walk, format);
    for (int table = 0; table < HS_TABLE_COUNT; table++)
        if (s_child_table (store, fd, &walk, (hs_table_t) table))
            _exit (0);
    s_say (fd, "sound %llu %llu", (unsigned long long) walk.entries, (unsigned long long) format);
    //  The read view ended, so that its reader slot does not pin the
    //  snapshot for a daemon writing beside it; closing the rest is work,
    //  and the kernel does it.
    hs_store_view_end (store);
    _exit (0);
}

int
hs_check_run_start (hs_check_run_t *run, const char *path, int64_t timeout_ms, char *report, size_t report_size)
{
    memset (run, 0, sizeof (*run));
    snprintf (run->path, sizeof (run->path), "%s", path);
    run->timeout_ms = timeout_ms;
    int fds [2];
    if (pipe2 (fds, O_CLOEXEC)) {
        snprintf (report, report_size, "cannot check %s: pipe: %s", path, strerror (errno));
        return -1;
    }
    fflush (NULL);
    run->started = zclock_mono ();
    pid_t parent = getpid ();
    pid_t child = fork ();
    if (child == 0) {
        //  The caller gone (killed at start): no check left reading alone.
        prctl (PR_SET_PDEATHSIG, SIGKILL);
        if (getppid () != parent)
            _exit (1);              //  it went before the signal was asked for
        //  A stop is the daemon's to take (systemd signals the whole group):
        //  a check that died of it would read as damage. Nor does it hold
        //  the daemon's descriptors (its store lock) past the daemon.
        signal (SIGTERM, SIG_IGN);
        signal (SIGINT, SIG_IGN);
        signal (SIGHUP, SIG_IGN);
        signal (SIGQUIT, SIG_IGN);
        //  Its lines (LMDB's, hs_store's) on stderr: syslog's socket is
        //  one of those closed, and a number reused for the store's files.
        closelog ();
        hs_log_open (HS_LOG_TO_STDERR, "huishangd");
        if (close_range (3, (unsigned) fds [1] - 1, 0) || close_range ((unsigned) fds [1] + 1, ~0U, 0))
            for (int fd = 3; fd < 65536; fd++)
                if (fd != fds [1])
                    close (fd);
        s_child (path, fds [1]);
    }
    close (fds [1]);
    if (child < 0) {
        close (fds [0]);
        snprintf (report, report_size, "cannot check %s: fork: %s", path, strerror (errno));
        return -1;
    }
    run->pid = child;
    run->fd = fds [0];
    return 0;
}

//  Read its lines until it ends, until `deadline` (zclock_mono; 0: none),
//  or, if `quick`, until it says the quick part is sound.
void
hs_check_run_read (hs_check_run_t *run, int64_t deadline, bool quick)
{
    while (!run->ended && !run->failed && !(quick && run->quick)) {
        int wait = -1;
        if (deadline) {
            int64_t left = deadline - zclock_mono ();
            if (left <= 0)
                return;
            wait = (int) left;
        }
        struct pollfd item = { run->fd, POLLIN, 0 };
        if (poll (&item, 1, wait) < 0 && errno != EINTR) {
            run->failed = true;
            run->error = errno;
            return;
        }
        if (!item.revents)
            continue;
        if (run->used >= sizeof (run->text) - 1) {
            //  Only the last lines matter: keep the second half.
            memmove (run->text, run->text + run->used / 2, run->used - run->used / 2);
            run->used -= run->used / 2;
        }
        ssize_t size = read (run->fd, run->text + run->used, sizeof (run->text) - 1 - run->used);
        if (size < 0 && errno == EINTR)
            continue;
        if (size < 0) {
            run->failed = true;
            run->error = errno;
            return;
        }
        if (size == 0)
            run->ended = true;
        else
            run->used += (size_t) size;
        run->text [run->used] = 0;
        //  Said whole: the line and its end.
        const char *line = strncmp (run->text, "quick ", 6) == 0? run->text:
                           strstr (run->text, "\nquick ");
        if (!run->quick && line && strchr (line + 1, '\n'))
            run->quick = true;
    }
}

//  The child's end: its verdict from its status and its last line.
hs_check_result_t
hs_check_run_verdict (hs_check_run_t *run, uint64_t *entries, char *report, size_t report_size)
{
    if (!run->ended) {
        run->timed_out = !run->failed;
        kill (run->pid, SIGKILL);
    }
    close (run->fd);
    int status = 0;
    while (waitpid (run->pid, &status, 0) < 0 && errno == EINTR)
        ;
    int64_t took = zclock_mono () - run->started;
    const char *path = run->path;
    //  The last whole line, and the table named last.
    char last [512] = "", table [64] = "?";
    char *state = NULL;
    for (char *line = strtok_r (run->text, "\n", &state); line; line = strtok_r (NULL, "\n", &state)) {
        snprintf (last, sizeof (last), "%s", line);
        if (strncmp (line, "table ", 6) == 0)
            snprintf (table, sizeof (table), "%s", line + 6);
    }
    unsigned long long count = 0, format = 0;
    if (run->failed) {
        snprintf (report, report_size, "the check of %s could not be followed (its pipe: %s)",
                  path, strerror (run->error));
        return HS_CHECK_UNKNOWN;
    }
    if (run->timed_out) {
        snprintf (report, report_size, "the check of %s did not finish in %lld ms (at table '%s')",
                  path, (long long) run->timeout_ms, table);
        return HS_CHECK_UNKNOWN;
    }
    //  What reading a damaged page does: a fault, or LMDB's assertion.
    //  Any other signal came from outside (the OOM killer, an operator, a
    //  pipe closed): no verdict.
    int signal_number = WIFSIGNALED (status)? WTERMSIG (status): 0;
    bool fault = signal_number == SIGSEGV || signal_number == SIGBUS || signal_number == SIGABRT
              || signal_number == SIGILL || signal_number == SIGFPE;
    if (signal_number && !fault) {
        snprintf (report, report_size, "the check of %s was stopped by SIG%s (at table '%s')",
                  path, sigabbrev_np (signal_number)? sigabbrev_np (signal_number): "?", table);
        return HS_CHECK_UNKNOWN;
    }
    if (signal_number) {
        snprintf (report, report_size, "the store %s is damaged: reading table '%s' killed the "
                  "check (%s)", path, table, sigdescr_np (signal_number));
        return HS_CHECK_CORRUPT;
    }
    if (strncmp (last, "bad ", 4) == 0) {
        snprintf (report, report_size, "the store %s is damaged: %s", path, last + 4);
        return HS_CHECK_CORRUPT;
    }
    if (strncmp (last, "unknown ", 8) == 0) {
        snprintf (report, report_size, "cannot check %s: %s", path, last + 8);
        return HS_CHECK_UNKNOWN;
    }
    if (sscanf (last, "sound %llu %llu", &count, &format) != 2) {
        snprintf (report, report_size, "the check of %s ended without a verdict (status %d)",
                  path, status);
        return HS_CHECK_UNKNOWN;
    }
    if (entries)
        *entries = count;
    if (format > HS_STORE_FORMAT) {
        snprintf (report, report_size, "the store %s has format %llu, newer than this huishangd's "
                  "%d: run the version that wrote it", path, format, HS_STORE_FORMAT);
        return HS_CHECK_NEWER;
    }
    snprintf (report, report_size, "store %s checked: %llu records read in %lld ms, format %llu",
              path, count, (long long) took, format);
    return HS_CHECK_SOUND;
}

//  The format the quick part read ("quick N FORMAT"), or 0.
uint64_t
hs_check_run_format (const hs_check_run_t *run)
{
    const char *line = strncmp (run->text, "quick ", 6) == 0? run->text: strstr (run->text, "\nquick ");
    unsigned long long count = 0, format = 0;
    if (line && sscanf (line + (*line == '\n'), "quick %llu %llu", &count, &format) == 2)
        return format;
    return 0;
}

bool
hs_check_no_store (const char *path, char *report, size_t report_size)
{
    char *data_file = zsys_sprintf ("%s/data.mdb", path);
    bool exists = zsys_file_exists (data_file);
    zstr_free (&data_file);
    if (!exists)
        snprintf (report, report_size, "no store in %s yet: a new one", path);
    return !exists;
}

hs_check_result_t
hs_check_store (const char *path, int64_t timeout_ms, uint64_t *entries,
                char *report, size_t report_size)
{
    if (hs_check_no_store (path, report, report_size))
        return HS_CHECK_NONE;
    hs_check_run_t run;
    if (hs_check_run_start (&run, path, timeout_ms, report, report_size))
        return HS_CHECK_UNKNOWN;
    hs_check_run_read (&run, timeout_ms > 0? run.started + timeout_ms: 0, false);
    return hs_check_run_verdict (&run, entries, report, report_size);
}

char *
hs_check_marker (const char *path)
{
    return zsys_sprintf ("%s/" HS_CHECK_MARKER, path);
}

int
hs_check_mark (const char *path, const char *why)
{
    char *file = hs_check_marker (path);
    char stamp [64];
    hs_log_now (stamp, sizeof (stamp));
    FILE *handle = fopen (file, "w");
    int rc = handle && fprintf (handle, "%s %s\n", stamp, why) > 0? 0: -1;
    if (handle && fclose (handle))
        rc = -1;
    if (rc)
        hs_log_error ("hs_check: cannot write %s: %s", file, strerror (errno));
    zstr_free (&file);
    return rc;
}

bool
hs_check_marked (const char *path, char *why, size_t why_size)
{
    char *file = hs_check_marker (path);
    FILE *handle = fopen (file, "r");
    zstr_free (&file);
    if (!handle)
        return false;
    if (why && why_size) {
        why [0] = 0;
        if (fgets (why, (int) why_size, handle))
            why [strcspn (why, "\n")] = 0;
    }
    fclose (handle);
    return true;
}

hs_store_t *
hs_check_sample_test (const char *path)
{
    //  The test stands in for hs_txn (the daemon's one writer), above it.
    char error [256];
    hs_store_t *store = hs_store_new (path, 1 << 23, 1 << 24, error, sizeof (error));
    assert (store);
    assert (hs_store_begin (store) == 0);
    uint8_t key [8];
    char blob [10000];
    memset (blob, 'x', sizeof (blob));
    for (int index = 0; index < 200; index++) {
        hs_store_be64_put (key, hs_store_next_seq (store));
        assert (hs_store_put (store, HS_TABLE_EVENTS, key, 8, blob, sizeof (blob)) == 0);
    }
    assert (hs_store_commit (store) == 0);
    return store;
}

void
hs_check_test (bool verbose)
{
    if (verbose)
        printf (" * hs_check: ");
    char *path = zsys_sprintf ("/tmp/hs_check_test.%d", getpid ());
    char report [768];
    assert (hs_check_store (path, 0, NULL, report, sizeof (report)) == HS_CHECK_NONE);
    hs_store_t *store = hs_check_sample_test (path);
    uint8_t key [8];
    char blob [16];
    memset (blob, 'x', sizeof (blob));
    //  A table of many small records, for the walk in several views.
    assert (hs_store_begin (store) == 0);
    for (int index = 0; index < 20000; index++) {
        hs_store_be64_put (key, (uint64_t) index * 7919 % 20011);
        assert (hs_store_put (store, HS_TABLE_DEDUP, key, 8, blob, 16) == 0);
    }
    assert (hs_store_commit (store) == 0);
    uint64_t entries = 0, renewed = 0;
    assert (hs_check_store (path, 10000, &entries, report, sizeof (report)) == HS_CHECK_SOUND);
    assert (entries >= 20200);
    //  A new view every 4,096 records: the walk goes on where it was, each
    //  record read once, in order.
    s_view_ms = 0;
    assert (hs_check_store (path, 10000, &renewed, report, sizeof (report)) == HS_CHECK_SOUND);
    s_view_ms = VIEW_MS;
    assert (renewed == entries);
    //  The child's own end by a signal from outside is no verdict; by a
    //  fault, damage.
    for (int index = 0; index < 2; index++) {
        hs_check_run_t fake = { .ended = true };
        snprintf (fake.path, sizeof (fake.path), "%s", path);
        int fds [2];
        assert (pipe (fds) == 0);
        fflush (NULL);
        fake.pid = fork ();
        if (fake.pid == 0) {
            signal (SIGSEGV, SIG_DFL);      //  the sanitizer's own handler would report it
            raise (index? SIGSEGV: SIGPIPE);
            _exit (0);
        }
        close (fds [1]);
        fake.fd = fds [0];
        hs_check_result_t verdict = hs_check_run_verdict (&fake, NULL, report, sizeof (report));
        assert (verdict == (index? HS_CHECK_CORRUPT: HS_CHECK_UNKNOWN));
        assert (strstr (report, index? "damaged": "SIGPIPE"));
    }
    //  A note: written with its line, read back.
    char why [512];
    assert (!hs_check_marked (path, NULL, 0));
    assert (hs_check_mark (path, "a test's finding") == 0);
    assert (hs_check_marked (path, why, sizeof (why)) && strstr (why, "a test's finding"));
    char *file = hs_check_marker (path);
    assert (unlink (file) == 0);
    zstr_free (&file);
    //  A store from a newer build is told apart.
    assert (hs_store_begin (store) == 0);
    assert (hs_store_meta_put (store, HS_META_FORMAT, HS_STORE_FORMAT + 1) == 0);
    assert (hs_store_commit (store) == 0);
    assert (hs_check_store (path, 10000, NULL, report, sizeof (report)) == HS_CHECK_NEWER);
    assert (strstr (report, "newer"));
    hs_store_destroy (&store);
    //  Garbage where the data file was: damaged, reported, no crash here.
    file = zsys_sprintf ("%s/data.mdb", path);
    FILE *handle = fopen (file, "w");
    assert (handle);
    for (int index = 0; index < 100000; index++)
        fputc (index * 7, handle);
    fclose (handle);
    assert (hs_check_store (path, 10000, NULL, report, sizeof (report)) == HS_CHECK_CORRUPT);
    zstr_free (&file);
    hs_store_remove (path);
    zstr_free (&path);
    if (verbose)
        printf ("OK\n");
}
