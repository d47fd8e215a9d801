/*  =========================================================================
    hs_calendar - working days and local wall time for supervision clocks

    Owns the calendar that due times are counted in: the local time zone
    (a fixed UTC offset: Asia/Shanghai is UTC+8 all year, no DST), weekends,
    and per-year lists of public holidays and make-up working days (调休)
    loaded from files such as config/holidays-cn-2026.txt. A year with no
    list falls back to plain weekends, with a warning logged once.
    =========================================================================
*/

#ifndef HS_CALENDAR_H_INCLUDED
#define HS_CALENDAR_H_INCLUDED

#include <czmq.h>

#define HS_DAY_MS (24LL * 3600 * 1000)

typedef struct _hs_calendar_t hs_calendar_t;

//  Create a calendar for a time zone `utc_offset_ms` east of UTC.
hs_calendar_t *hs_calendar_new (int64_t utc_offset_ms);
void hs_calendar_destroy (hs_calendar_t **self_p);

//  Add the rows of a holiday file ("YYYY-MM-DD holiday|workday NAME",
//  '#' comments). `name` labels errors. Returns 0, or -1 with a
//  line-numbered message in `error`.
int hs_calendar_load (hs_calendar_t *self, const char *text, const char *name,
                      char *error, size_t error_size);

//  True if the local day `day` (days since 1970-01-01) is a working day.
bool hs_calendar_is_workday (hs_calendar_t *self, int64_t day);

//  The due time `duration_ms` after `start_ms`. Under a day it is plain
//  elapsed time. A day or more counts whole working days (the remainder
//  as plain time): the clock moves forward one working day at a time and
//  keeps the local time of day, so 72h from Friday 15:00 is Wednesday
//  15:00, and a clock that starts on a rest day counts from the next
//  working day.
int64_t hs_calendar_due (hs_calendar_t *self, int64_t start_ms, int64_t duration_ms);

//  The local day number and minute of day of an instant; and the instant
//  of a local day at a minute of day.
int64_t hs_calendar_day (hs_calendar_t *self, int64_t ms);
int hs_calendar_minute (hs_calendar_t *self, int64_t ms);
int64_t hs_calendar_at (hs_calendar_t *self, int64_t day, int minute);

//  Day of the week of a local day: 0 = Monday ... 6 = Sunday.
int hs_calendar_weekday (int64_t day);

//  The civil date of a local day, and the day of a civil date (month
//  1..12, mday 1..31; a day past the month's end runs into the next).
void hs_calendar_date (int64_t day, int *year, int *month, int *mday);
int64_t hs_calendar_day_of (int year, int month, int mday);

//  Parse "YYYY-MM-DD" into a day number; -1 if invalid.
int64_t hs_calendar_parse_date (const char *text);

//  Holiday-list coverage. The years the lists cover, ascending, into
//  `years` (at most `max`); returns how many there are.
size_t hs_calendar_years (hs_calendar_t *self, int *years, size_t max);

//  The last local day the lists cover without a gap from the local day of
//  `now_ms` on (Dec 31 of the last year in an unbroken run that starts
//  with now's year), and how many days are left until then (0 on that
//  day); -1 for both when now's year has no list.
int64_t hs_calendar_covered_until (hs_calendar_t *self, int64_t now_ms);
int64_t hs_calendar_days_left (hs_calendar_t *self, int64_t now_ms);

//  "2026 2027" (or "none") into `text`.
void hs_calendar_years_text (hs_calendar_t *self, char *text, size_t size);

//  One line on the coverage at `now_ms`: "holiday lists cover 2026, until
//  2026-12-31 (30 days left)"; returns true when that is fewer than
//  `warn_days` days, or now's year has no list (then the line says so).
bool hs_calendar_coverage (hs_calendar_t *self, int64_t now_ms, int64_t warn_days,
                           char *text, size_t size);

void hs_calendar_test (bool verbose);

#endif
