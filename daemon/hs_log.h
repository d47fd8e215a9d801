/*  =========================================================================
    hs_log - the daemon's log: priorities, a level, and where lines go

    Every line has a syslog priority. Where it goes is chosen once, at
    start: readable lines on stderr in the foreground ("W: 2026-11-28
    02:11:27 message"); under systemd, when stderr is the journal's stream
    ($JOURNAL_STREAM names it), lines with a "<N>" priority prefix, which
    journald files under that priority (sd-daemon(3)); detached
    (--daemon), syslog. Lines below the level are not written.
    =========================================================================
*/

#ifndef HS_LOG_H_INCLUDED
#define HS_LOG_H_INCLUDED

#include <czmq.h>

//  syslog(3)'s numbers.
#define HS_LOG_ERROR    3
#define HS_LOG_WARNING  4
#define HS_LOG_NOTICE   5
#define HS_LOG_INFO     6
#define HS_LOG_DEBUG    7

typedef enum {
    HS_LOG_TO_STDERR,           //  readable lines (the default)
    HS_LOG_TO_JOURNAL,          //  "<N>" prefixed lines on stderr
    HS_LOG_TO_SYSLOG            //  syslog(3)
} hs_log_to_t;

//  Where lines go from now on; `ident` names us in syslog.
void hs_log_open (hs_log_to_t where, const char *ident);

//  True if stderr is the journal's stream (systemd sets $JOURNAL_STREAM
//  to its device and inode).
bool hs_log_stderr_is_journal (void);

//  The lowest priority written (HS_LOG_*); the default is HS_LOG_INFO.
void hs_log_set_level (int level);

//  The zone of the timestamps written to a terminal: the district's
//  (calendar/utc_offset), whatever the machine's TZ (UTC+8 until set).
void hs_log_set_zone (int64_t utc_offset_ms);
int hs_log_level (void);

//  Now, on the district's wall clock (hs_log_set_zone): "YYYY-MM-DD HH:MM:SS".
void hs_log_now (char *when, size_t size);

//  A level's number from its name (error, warning, notice, info, debug),
//  or -1.
int hs_log_level_parse (const char *name);

//  Write one line.
void hs_log (int priority, const char *format, ...) CHECK_PRINTF (2);

#define hs_log_error(...)   hs_log (HS_LOG_ERROR, __VA_ARGS__)
#define hs_log_warning(...) hs_log (HS_LOG_WARNING, __VA_ARGS__)
#define hs_log_notice(...)  hs_log (HS_LOG_NOTICE, __VA_ARGS__)
#define hs_log_info(...)    hs_log (HS_LOG_INFO, __VA_ARGS__)
#define hs_log_debug(...)   hs_log (HS_LOG_DEBUG, __VA_ARGS__)

//  A line about a case, with its fields: `case_id`, `seq` (the event that
//  told it), `unit` (whose message or which unit it is about; NULL: none),
//  `reason` (what moved it: a level, a rung, "closed"; NULL: none). It is
//  staged until the writer's unit of work commits (hs_log_case_flush, by
//  hs_stats), so a batch that is undone or redone logs nothing twice.
//  Written like hs_log's lines, with " case=… seq=… unit=… reason=…"
//  after the text; under systemd, sent to the journal with the fields
//  CASE=, SEQ=, UNIT=, REASON= (sd_journal_send): `journalctl CASE=putuo-17`.
void hs_log_case (int priority, const char *case_id, uint64_t seq, const char *unit,
                  const char *reason, const char *format, ...) CHECK_PRINTF (6);

//  Write the staged case lines (the unit of work committed), or drop them.
void hs_log_case_flush (void);
void hs_log_case_drop (void);

void hs_log_test (bool verbose);

#endif
