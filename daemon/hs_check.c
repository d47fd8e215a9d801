/*  =========================================================================
    hs_check - the quick check of a store, before anything trusts it

    The child opens its own environment (an LMDB environment must not be
    used across fork) and writes its progress down a pipe: "table NAME"
    before each table, then "sound N FORMAT" or "bad WHAT". If it dies, the
    last table named is where it died. Every byte of a value is not needed
    to find a bad page: one per page (and the last) makes the kernel map
    each, which is what faults if LMDB's idea of the page is wrong.
    =========================================================================
*/

#include "hs_check.h"
#include <sys/wait.h>
#include <poll.h>
#include <sys/prctl.h>

typedef struct {
    uint64_t entries;           //  records visited, all tables
    uint64_t table_entries;     //  ... in this table
    bool ordered;               //  check that keys ascend (not the free table)
    bool disorder;              //  a key did not: a pointer into another subtree
    uint8_t last [512];         //  the previous key in this table
    size_t last_size;
    volatile uint8_t sum;       //  bytes touched, so that no read is optimised out
} s_walk_t;

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
    return 0;
}

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
        s_say (fd, "bad cannot begin a read view");
        _exit (0);
    }
    uint64_t format = 0;
    if (hs_store_meta_get (store, HS_META_FORMAT, 0, &format)) {
        s_say (fd, "bad its format version cannot be read");
        _exit (0);
    }
    s_say (fd, "table free-pages");
    if (hs_store_walk_free (store, s_visit, &walk)) {
        s_say (fd, "bad LMDB could not read its free-page table");
        _exit (0);
    }
    for (int table = 0; table < HS_TABLE_COUNT; table++) {
        const char *name = hs_store_table_name ((hs_table_t) table);
        s_say (fd, "table %s", name);
        walk.ordered = true;
        walk.table_entries = 0;
        uint64_t count = 0;
        if (hs_store_walk (store, (hs_table_t) table, NULL, 0, false, s_visit, &walk)
        ||  hs_store_count (store, (hs_table_t) table, &count)) {
            s_say (fd, "bad LMDB could not read table '%s'", name);
            _exit (0);
        }
        if (walk.disorder) {
            s_say (fd, "bad table '%s' has keys out of order after %llu entries (a page "
                   "pointer that leads elsewhere)", name, (unsigned long long) walk.table_entries);
            _exit (0);
        }
        if (count != walk.table_entries) {
            s_say (fd, "bad table '%s' holds %llu entries, its header says %llu", name,
                   (unsigned long long) walk.table_entries, (unsigned long long) count);
            _exit (0);
        }
    }
    s_say (fd, "sound %llu %llu", (unsigned long long) walk.entries, (unsigned long long) format);
    //  No hs_store_destroy: closing is work, and the kernel does it.
    _exit (0);
}

hs_check_result_t
hs_check_store (const char *path, int64_t timeout_ms, uint64_t *entries,
                char *report, size_t report_size)
{
    char *data_file = zsys_sprintf ("%s/data.mdb", path);
    bool exists = zsys_file_exists (data_file);
    zstr_free (&data_file);
    if (!exists) {
        snprintf (report, report_size, "no store in %s yet: a new one", path);
        return HS_CHECK_NONE;
    }
    int fds [2];
    if (pipe (fds)) {
        snprintf (report, report_size, "cannot check %s: pipe: %s", path, strerror (errno));
        return HS_CHECK_UNKNOWN;
    }
    fflush (NULL);
    int64_t started = zclock_mono ();
    pid_t parent = getpid ();
    pid_t child = fork ();
    if (child == 0) {
        //  The caller gone (killed at start): no check left reading alone.
        prctl (PR_SET_PDEATHSIG, SIGKILL);
        if (getppid () != parent)
            _exit (1);              //  it went before the signal was asked for
        close (fds [0]);
        //  Quiet: a damaged store's abort message is ours to report.
        s_child (path, fds [1]);
    }
    close (fds [1]);
    if (child < 0) {
        close (fds [0]);
        snprintf (report, report_size, "cannot check %s: fork: %s", path, strerror (errno));
        return HS_CHECK_UNKNOWN;
    }
    //  Read its lines until it ends, or until the time is up.
    char text [4096] = "";
    size_t used = 0;
    bool timed_out = false;
    while (true) {
        int wait = -1;
        if (timeout_ms > 0) {
            int64_t left = started + timeout_ms - zclock_mono ();
            if (left <= 0) {
                timed_out = true;
                kill (child, SIGKILL);
                break;
            }
            wait = (int) left;
        }
        struct pollfd item = { fds [0], POLLIN, 0 };
        if (poll (&item, 1, wait) < 0 && errno != EINTR)
            break;
        if (!item.revents)
            continue;
        if (used >= sizeof (text) - 1) {
            //  Only the last lines matter: keep the second half.
            memmove (text, text + used / 2, used - used / 2);
            used -= used / 2;
        }
        ssize_t size = read (fds [0], text + used, sizeof (text) - 1 - used);
        if (size <= 0)
            break;
        used += (size_t) size;
        text [used] = 0;
    }
    close (fds [0]);
    int status = 0;
    while (waitpid (child, &status, 0) < 0 && errno == EINTR)
        ;
    int64_t took = zclock_mono () - started;
    //  The last whole line, and the table named last.
    char last [512] = "", table [64] = "?";
    for (char *line = strtok (text, "\n"); line; line = strtok (NULL, "\n")) {
        snprintf (last, sizeof (last), "%s", line);
        if (strncmp (line, "table ", 6) == 0)
            snprintf (table, sizeof (table), "%s", line + 6);
    }
    unsigned long long count = 0, format = 0;
    if (timed_out) {
        snprintf (report, report_size, "the check of %s did not finish in %lld ms (at table '%s')",
                  path, (long long) timeout_ms, table);
        return HS_CHECK_UNKNOWN;
    }
    //  Killed from outside (the OOM killer, an operator): no verdict.
    if (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL) {
        snprintf (report, report_size, "the check of %s was killed (at table '%s')", path, table);
        return HS_CHECK_UNKNOWN;
    }
    if (WIFSIGNALED (status)) {
        snprintf (report, report_size, "the store %s is damaged: reading table '%s' killed the "
                  "check (%s)", path, table, strsignal (WTERMSIG (status)));
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

void
hs_check_test (bool verbose)
{
    if (verbose)
        printf (" * hs_check: ");
    char *path = zsys_sprintf ("/tmp/hs_check_test.%d", getpid ());
    char report [512], error [256];
    assert (hs_check_store (path, 0, NULL, report, sizeof (report)) == HS_CHECK_NONE);
    //  The test stands in for hs_txn (the daemon's one writer), above it.
    hs_store_t *store = hs_store_new (path, 1 << 20, 1 << 24, error, sizeof (error));
    assert (store);
    assert (hs_store_begin (store) == 0);
    uint8_t key [8];
    char blob [10000];
    memset (blob, 'x', sizeof (blob));
    for (int index = 0; index < 50; index++) {
        hs_store_be64_put (key, hs_store_next_seq (store));
        assert (hs_store_put (store, HS_TABLE_EVENTS, key, 8, blob, sizeof (blob)) == 0);
    }
    assert (hs_store_commit (store) == 0);
    uint64_t entries = 0;
    assert (hs_check_store (path, 10000, &entries, report, sizeof (report)) == HS_CHECK_SOUND);
    assert (entries >= 50);
    //  A store from a newer build is told apart.
    assert (hs_store_begin (store) == 0);
    assert (hs_store_meta_put (store, HS_META_FORMAT, HS_STORE_FORMAT + 1) == 0);
    assert (hs_store_commit (store) == 0);
    assert (hs_check_store (path, 10000, NULL, report, sizeof (report)) == HS_CHECK_NEWER);
    assert (strstr (report, "newer"));
    hs_store_destroy (&store);
    //  Garbage where the data file was: damaged, reported, no crash here.
    char *file = zsys_sprintf ("%s/data.mdb", path);
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
