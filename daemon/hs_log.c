/*  =========================================================================
    hs_log - the daemon's log: priorities, a level, and where lines go
    =========================================================================
*/

#include "hs_log.h"
#include <syslog.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>

static int64_t s_zone_ms = 8 * 3600000LL;    //  the terminal's timestamps: UTC + this
static hs_log_to_t s_where = HS_LOG_TO_STDERR;
static int s_level = HS_LOG_INFO;
static FILE *s_stream = NULL;           //  NULL: stderr (tests may divert it)

//  Case lines staged in the writer's open unit of work (only the writer
//  stages: one thread). At most S_STAGED_MAX; past that, a count.
#define S_STAGED_MAX 256
typedef struct {
    int priority;
    uint64_t seq;
    char case_id [96], unit [64], reason [64], text [512];
} s_case_line_t;
static s_case_line_t *s_staged = NULL;
static size_t s_staged_count = 0;
static uint64_t s_staged_over = 0;

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
        char when [32];
        hs_log_now (when, sizeof (when));
        fprintf (stream, "%c: %s %s\n", letters [priority], when, line);
        fflush (stream);
    }
}

void
hs_log_now (char *when, size_t size)
{
    //  The district's wall time (hs_log_set_zone), not the machine's TZ.
    time_t now = time (NULL) + (time_t) (__atomic_load_n (&s_zone_ms, __ATOMIC_RELAXED) / 1000);
    struct tm wall;
    gmtime_r (&now, &wall);
    strftime (when, size, "%Y-%m-%d %H:%M:%S", &wall);
}

void
hs_log_case (int priority, const char *case_id, uint64_t seq, const char *unit,
             const char *reason, const char *format, ...)
{
    if (priority > s_level)
        return;
    if (!s_staged)
        s_staged = (s_case_line_t *) zmalloc (S_STAGED_MAX * sizeof (s_case_line_t));
    if (s_staged_count == S_STAGED_MAX) {
        s_staged_over++;
        return;
    }
    s_case_line_t *line = &s_staged [s_staged_count++];
    line->priority = priority;
    line->seq = seq;
    snprintf (line->case_id, sizeof (line->case_id), "%s", case_id? case_id: "");
    snprintf (line->unit, sizeof (line->unit), "%s", unit? unit: "");
    snprintf (line->reason, sizeof (line->reason), "%s", reason? reason: "");
    va_list args;
    va_start (args, format);
    vsnprintf (line->text, sizeof (line->text), format, args);
    va_end (args);
}

void
hs_log_case_flush (void)
{
    for (size_t index = 0; index < s_staged_count; index++) {
        s_case_line_t *line = &s_staged [index];
        //  sd_journal_send says 0 when there is no journal to send to
        //  (a container): look for its socket first.
        if (s_where == HS_LOG_TO_JOURNAL && !s_stream
        &&  access ("/run/systemd/journal/socket", W_OK) == 0) {
            //  The fields only the journal keeps (the stream would lose them).
            int rc = sd_journal_send ("MESSAGE=%s", line->text, "PRIORITY=%d", line->priority,
                                      "SYSLOG_IDENTIFIER=huishangd", "CASE=%s", line->case_id,
                                      "SEQ=%llu", (unsigned long long) line->seq,
                                      "UNIT=%s", line->unit, "REASON=%s", line->reason, NULL);
            if (rc == 0)
                continue;               //  else on the stream, as every other line
        }
        hs_log (line->priority, "%s case=%s seq=%llu unit=%s reason=%s", line->text,
                line->case_id, (unsigned long long) line->seq,
                *line->unit? line->unit: "-", *line->reason? line->reason: "-");
    }
    if (s_staged_over)
        hs_log (HS_LOG_INFO, "hs_log: %llu more case lines in that batch not written",
                (unsigned long long) s_staged_over);
    s_staged_count = 0;
    s_staged_over = 0;
}

void
hs_log_case_drop (void)
{
    s_staged_count = 0;
    s_staged_over = 0;
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
    //  Case lines: written when flushed, never when dropped
    text = NULL;
    s_stream = open_memstream (&text, &size);
    hs_log_case (HS_LOG_INFO, "putuo-7", 12, "street.caoyang", "major", "case %s opened", "putuo-7");
    hs_log_case_drop ();
    hs_log_case (HS_LOG_NOTICE, "putuo-8", 13, NULL, "supervision.urge", "case supervised");
    hs_log_case (HS_LOG_DEBUG, "putuo-9", 14, NULL, NULL, "below the level");
    fflush (s_stream);
    assert (size == 0);
    hs_log_case_flush ();
    hs_log_case_flush ();               //  once only
    fclose (s_stream);
    s_stream = NULL;
    assert (!strstr (text, "putuo-7") && !strstr (text, "putuo-9"));
    assert (strstr (text, "case supervised case=putuo-8 seq=13 unit=- reason=supervision.urge\n"));
    assert (strstr (text, "N: ") == text);
    assert (!strstr (strstr (text, "putuo-8") + 1, "putuo-8"));    //  once
    free (text);
    free (s_staged);
    s_staged = NULL;
    if (verbose)
        printf ("OK\n");
}
