/*  =========================================================================
    hs_log - the daemon's log: priorities, a level, and where lines go
    =========================================================================
*/

#include "hs_log.h"
#include <syslog.h>
#include <sys/stat.h>

static int64_t s_zone_ms = 8 * 3600000LL;    //  the terminal's timestamps: UTC + this
static hs_log_to_t s_where = HS_LOG_TO_STDERR;
static int s_level = HS_LOG_INFO;
static FILE *s_stream = NULL;           //  NULL: stderr (tests may divert it)

static const char *s_names [] = {
    NULL, NULL, NULL, "error", "warning", "notice", "info", "debug"
};

void
hs_log_open (hs_log_to_t where, const char *ident)
{
    s_where = where;
    if (where == HS_LOG_TO_SYSLOG)
        openlog (ident, LOG_PID, LOG_DAEMON);
    //  czmq's own few lines go the same way.
    zsys_set_logident (ident);
    zsys_set_logstream (where == HS_LOG_TO_SYSLOG? NULL: stderr);
    zsys_set_logsystem (where == HS_LOG_TO_SYSLOG);
}

bool
hs_log_stderr_is_journal (void)
{
    const char *stream = getenv ("JOURNAL_STREAM");
    unsigned long long device, inode;
    struct stat info;
    if (!stream || sscanf (stream, "%llu:%llu", &device, &inode) != 2
    ||  fstat (STDERR_FILENO, &info))
        return false;
    return (unsigned long long) info.st_dev == device && (unsigned long long) info.st_ino == inode;
}

void
hs_log_set_level (int level)
{
    s_level = level < HS_LOG_ERROR? HS_LOG_ERROR: level > HS_LOG_DEBUG? HS_LOG_DEBUG: level;
}

int
hs_log_level (void)
{
    return s_level;
}

int
hs_log_level_parse (const char *name)
{
    for (int level = HS_LOG_ERROR; level <= HS_LOG_DEBUG; level++)
        if (streq (name, s_names [level]))
            return level;
    return -1;
}

void
hs_log (int priority, const char *format, ...)
{
    if (priority > s_level)
        return;
    char line [1024];
    va_list args;
    va_start (args, format);
    vsnprintf (line, sizeof (line), format, args);
    va_end (args);
    FILE *stream = s_stream? s_stream: stderr;
    if (s_where == HS_LOG_TO_SYSLOG)
        syslog (priority, "%s", line);
    else
    if (s_where == HS_LOG_TO_JOURNAL) {
        //  One line per record: journald splits on newlines.
        for (char *cursor = line; *cursor; cursor++)
            if (*cursor == '\n')
                *cursor = ' ';
        fprintf (stream, "<%d>%s\n", priority, line);
        fflush (stream);
    }
    else {
        static const char letters [] = "   EWNID";
        //  The district's wall time (hs_log_set_zone), not the machine's TZ.
        time_t now = time (NULL) + (time_t) (__atomic_load_n (&s_zone_ms, __ATOMIC_RELAXED) / 1000);
        struct tm wall;
        gmtime_r (&now, &wall);
        char when [32];
        strftime (when, sizeof (when), "%Y-%m-%d %H:%M:%S", &wall);
        fprintf (stream, "%c: %s %s\n", letters [priority], when, line);
        fflush (stream);
    }
}

void
hs_log_set_zone (int64_t utc_offset_ms)
{
    __atomic_store_n (&s_zone_ms, utc_offset_ms, __ATOMIC_RELAXED);
}

void
hs_log_test (bool verbose)
{
    if (verbose)
        printf (" * hs_log: ");
    assert (hs_log_level_parse ("warning") == HS_LOG_WARNING);
    assert (hs_log_level_parse ("debug") == HS_LOG_DEBUG);
    assert (hs_log_level_parse ("loud") == -1);
    char *text = NULL;
    size_t size = 0;
    s_stream = open_memstream (&text, &size);
    assert (s_stream);
    hs_log_set_level (HS_LOG_NOTICE);
    hs_log_info ("not written");
    hs_log_error ("written %d", 1);
    hs_log_open (HS_LOG_TO_JOURNAL, "hs_log_test");
    hs_log_warning ("two\nlines");
    hs_log_debug ("not written either");
    fclose (s_stream);
    s_stream = NULL;
    assert (strstr (text, "E: ") == text && strstr (text, " written 1\n"));
    assert (strstr (text, "<4>two lines\n"));
    assert (!strstr (text, "not written"));
    free (text);
    hs_log_open (HS_LOG_TO_STDERR, "hs_selftest");
    hs_log_set_level (HS_LOG_INFO);
    //  A terminal's timestamps are the district's wall time, not TZ's:
    //  UTC+5:30 here, checked against the UTC clock (either side of a
    //  second's tick).
    text = NULL;
    s_stream = open_memstream (&text, &size);
    hs_log_set_zone (5 * 3600000LL + 1800000);
    time_t utc = time (NULL) + 5 * 3600 + 1800;
    hs_log_notice ("zoned");
    fclose (s_stream);
    s_stream = NULL;
    hs_log_set_zone (8 * 3600000LL);
    char expected [2][32];
    for (int tick = 0; tick < 2; tick++) {
        time_t when = utc + tick;
        struct tm wall;
        gmtime_r (&when, &wall);
        strftime (expected [tick], sizeof (expected [tick]), "N: %Y-%m-%d %H:%M:%S", &wall);
    }
    assert (strstr (text, expected [0]) == text || strstr (text, expected [1]) == text);
    free (text);
    unsetenv ("JOURNAL_STREAM");
    assert (!hs_log_stderr_is_journal ());
    if (verbose)
        printf ("OK\n");
}
