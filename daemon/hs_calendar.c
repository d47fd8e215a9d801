/*  =========================================================================
    hs_calendar - working days and local wall time for supervision clocks

    Days are counted as integers since 1970-01-01 in local time, which makes
    the arithmetic exact; the civil-date conversion is Howard Hinnant's
    well-known days-from-civil algorithm.
    =========================================================================
*/

#include "hs_calendar.h"
#include "hs_log.h"

#define MAX_YEARS 64
#define MAX_DAYS  512
#define CACHED_YEARS 4

typedef struct {
    int64_t day;                //  local day number
    bool workday;               //  true: a make-up working day; false: a holiday
} s_special_t;

//  A year looked up, a byte a day.
typedef struct {
    int64_t from, to;           //  its first day, and the next year's
    uint8_t workday [366];
} s_year_t;

struct _hs_calendar_t {
    int64_t utc_offset_ms;      //  local = UTC + this
    s_special_t specials [MAX_DAYS];    //  holidays and make-up days
    size_t special_count;
    int years [MAX_YEARS];      //  years the files cover
    size_t year_count;
    int warned [MAX_YEARS];     //  years we warned about
    size_t warned_count;
    //  The years last looked up, a byte a day: due times step through days,
    //  a case's clocks by the dozen, and often across a new year.
    s_year_t cached [CACHED_YEARS];
    size_t cached_count, cached_next;
};

static int
s_compare_days (const void *a, const void *b)
{
    int64_t x = ((const s_special_t *) a)->day, y = ((const s_special_t *) b)->day;
    return x < y? -1: x > y;
}

static int64_t
s_days_from_civil (int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0? y: y - 399) / 400;
    const unsigned yoe = (unsigned) (y - era * 400);
    const unsigned doy = (153 * (m + (m > 2? -3: 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t) doe - 719468;
}

void
hs_calendar_date (int64_t day, int *year, int *month, int *mday)
{
    day += 719468;
    const int64_t era = (day >= 0? day: day - 146096) / 146097;
    const unsigned doe = (unsigned) (day - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned m = mp < 10? mp + 3: mp - 9;
    *year = (int) (yoe + era * 400 + (m <= 2));
    *month = (int) m;
    *mday = (int) (doy - (153 * mp + 2) / 5 + 1);
}

int64_t
hs_calendar_day_of (int year, int month, int mday)
{
    return s_days_from_civil (year, (unsigned) month, (unsigned) mday);
}

static int
s_year_of (int64_t day)
{
    int year, month, mday;
    hs_calendar_date (day, &year, &month, &mday);
    return year;
}

int64_t
hs_calendar_parse_date (const char *text)
{
    int y, m, d;
    char tail;
    if (!text || sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return -1;
    if (strlen (text) != 10 || m < 1 || m > 12 || d < 1 || d > 31 || y < 1970)
        return -1;
    int64_t day = s_days_from_civil (y, (unsigned) m, (unsigned) d);
    //  Reject 2026-02-30 and the like: it must map back to the same month.
    if (s_days_from_civil (y, (unsigned) m, 1) + d - 1 != day
    ||  (m < 12 && day >= s_days_from_civil (y, (unsigned) m + 1, 1))
    ||  (m == 12 && day >= s_days_from_civil (y + 1, 1, 1)))
        return -1;
    return day;
}

hs_calendar_t *
hs_calendar_new (int64_t utc_offset_ms)
{
    hs_calendar_t *self = (hs_calendar_t *) zmalloc (sizeof (hs_calendar_t));
    self->utc_offset_ms = utc_offset_ms;
    return self;
}

void
hs_calendar_destroy (hs_calendar_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        free (*self_p);
        *self_p = NULL;
    }
}

int
hs_calendar_load (hs_calendar_t *self, const char *text, const char *name,
                  char *error, size_t error_size)
{
    int line_number = 0;
    const char *line = text;
    while (line && *line) {
        line_number++;
        const char *end = strchr (line, '\n');
        size_t length = end? (size_t) (end - line): strlen (line);
        char row [256];
        snprintf (row, sizeof (row), "%.*s", (int) (length < 255? length: 255), line);
        line = end? end + 1: NULL;
        char *hash = strchr (row, '#');
        if (hash)
            *hash = 0;
        char date [32], kind [32];
        if (sscanf (row, "%31s %31s", date, kind) < 1)
            continue;               //  blank or comment
        int64_t day = hs_calendar_parse_date (date);
        bool workday = streq (kind, "workday");
        if (day < 0 || !(workday || streq (kind, "holiday"))) {
            snprintf (error, error_size, "%s:%d: expected 'YYYY-MM-DD holiday|workday NAME'",
                      name, line_number);
            return -1;
        }
        if (self->special_count == MAX_DAYS) {
            snprintf (error, error_size, "%s:%d: too many special days", name, line_number);
            return -1;
        }
        self->specials [self->special_count].day = day;
        self->specials [self->special_count].workday = workday;
        self->special_count++;
        int year = s_year_of (day);
        bool known = false;
        for (size_t index = 0; index < self->year_count; index++)
            known |= self->years [index] == year;
        if (!known && self->year_count < MAX_YEARS)
            self->years [self->year_count++] = year;
    }
    //  Sorted, for a binary search per day; and no year is cached yet.
    qsort (self->specials, self->special_count, sizeof (s_special_t), s_compare_days);
    self->cached_count = self->cached_next = 0;
    return 0;
}

int
hs_calendar_weekday (int64_t day)
{
    //  1970-01-01 was a Thursday (3 when Monday is 0).
    int64_t weekday = (day + 3) % 7;
    return (int) (weekday < 0? weekday + 7: weekday);
}

//  Look a day up in the lists, or by its weekday, and warn (once a year)
//  about a year no list covers.
static bool
s_workday (hs_calendar_t *self, int64_t day)
{
    s_special_t probe = { .day = day };
    const s_special_t *special = (const s_special_t *) bsearch (&probe, self->specials,
        self->special_count, sizeof (s_special_t), s_compare_days);
    return special? special->workday: hs_calendar_weekday (day) < 5;
}

//  The year of `day`, a byte a day, looked up once and then kept.
static const s_year_t *
s_year (hs_calendar_t *self, int64_t day)
{
    for (size_t index = 0; index < self->cached_count; index++)
        if (day >= self->cached [index].from && day < self->cached [index].to)
            return &self->cached [index];
    int year = s_year_of (day);
    bool covered = false;
    for (size_t index = 0; index < self->year_count; index++)
        covered |= self->years [index] == year;
    if (!covered) {
        bool warned = false;
        for (size_t index = 0; index < self->warned_count; index++)
            warned |= self->warned [index] == year;
        if (!warned && self->warned_count < MAX_YEARS) {
            self->warned [self->warned_count++] = year;
            hs_log_warning ("hs_calendar: no holiday list for %d: counting plain weekends", year);
        }
    }
    size_t slot = self->cached_next;
    self->cached_next = (slot + 1) % CACHED_YEARS;
    if (self->cached_count < CACHED_YEARS)
        self->cached_count++;
    int64_t from = s_days_from_civil (year, 1, 1), to = s_days_from_civil (year + 1, 1, 1);
    self->cached [slot].from = from;
    self->cached [slot].to = to;
    for (int64_t each = from; each < to; each++)
        self->cached [slot].workday [each - from] = s_workday (self, each);
    return &self->cached [slot];
}

bool
hs_calendar_is_workday (hs_calendar_t *self, int64_t day)
{
    const s_year_t *year = s_year (self, day);
    return year->workday [day - year->from];
}

//  The day the `count`-th working day after `day` falls on: each year's
//  days read from its table, not looked up one by one.
static int64_t
s_advance (hs_calendar_t *self, int64_t day, int64_t count)
{
    while (count > 0) {
        day++;
        const s_year_t *year = s_year (self, day);
        for (; day < year->to; day++)
            if (year->workday [day - year->from] && --count == 0)
                return day;
        day--;                          //  the year's last day: on into the next
    }
    return day;
}

int64_t
hs_calendar_day (hs_calendar_t *self, int64_t ms)
{
    int64_t local = ms + self->utc_offset_ms;
    return local >= 0? local / HS_DAY_MS: (local - HS_DAY_MS + 1) / HS_DAY_MS;
}

int
hs_calendar_minute (hs_calendar_t *self, int64_t ms)
{
    int64_t local = ms + self->utc_offset_ms;
    return (int) ((local - hs_calendar_day (self, ms) * HS_DAY_MS) / 60000);
}

int64_t
hs_calendar_at (hs_calendar_t *self, int64_t day, int minute)
{
    return day * HS_DAY_MS + (int64_t) minute * 60000 - self->utc_offset_ms;
}

int64_t
hs_calendar_due (hs_calendar_t *self, int64_t start_ms, int64_t duration_ms)
{
    if (duration_ms < HS_DAY_MS)
        return start_ms + duration_ms;
    int64_t days = duration_ms / HS_DAY_MS;
    int64_t rest = duration_ms % HS_DAY_MS;
    int64_t day = hs_calendar_day (self, start_ms);
    int64_t time_of_day = start_ms + self->utc_offset_ms - day * HS_DAY_MS;
    //  A clock that starts on a rest day starts at the next working day's
    //  beginning.
    if (!hs_calendar_is_workday (self, day)) {
        while (!hs_calendar_is_workday (self, day))
            day++;
        time_of_day = 0;
    }
    day = s_advance (self, day, days);
    return day * HS_DAY_MS + time_of_day - self->utc_offset_ms + rest;
}

static int
s_compare_ints (const void *a, const void *b)
{
    int x = *(const int *) a, y = *(const int *) b;
    return x < y? -1: x > y;
}

size_t
hs_calendar_years (hs_calendar_t *self, int *years, size_t max)
{
    qsort (self->years, self->year_count, sizeof (int), s_compare_ints);
    for (size_t index = 0; index < self->year_count && index < max; index++)
        years [index] = self->years [index];
    return self->year_count;
}

static bool
s_year_listed (hs_calendar_t *self, int year)
{
    for (size_t index = 0; index < self->year_count; index++)
        if (self->years [index] == year)
            return true;
    return false;
}

int64_t
hs_calendar_covered_until (hs_calendar_t *self, int64_t now_ms)
{
    int year, month, mday;
    hs_calendar_date (hs_calendar_day (self, now_ms), &year, &month, &mday);
    if (!s_year_listed (self, year))
        return -1;
    while (s_year_listed (self, year + 1))
        year++;
    return s_days_from_civil (year + 1, 1, 1) - 1;
}

int64_t
hs_calendar_days_left (hs_calendar_t *self, int64_t now_ms)
{
    int64_t until = hs_calendar_covered_until (self, now_ms);
    return until < 0? -1: until - hs_calendar_day (self, now_ms);
}

void
hs_calendar_years_text (hs_calendar_t *self, char *text, size_t size)
{
    int years [MAX_YEARS];
    size_t count = hs_calendar_years (self, years, MAX_YEARS);
    snprintf (text, size, "%s", count? "": "none");
    for (size_t index = 0; index < count; index++) {
        size_t used = strlen (text);
        snprintf (text + used, size - used, "%s%d", index? " ": "", years [index]);
    }
}

bool
hs_calendar_coverage (hs_calendar_t *self, int64_t now_ms, int64_t warn_days,
                      char *text, size_t size)
{
    char years [MAX_YEARS * 6];
    hs_calendar_years_text (self, years, sizeof (years));
    int64_t until = hs_calendar_covered_until (self, now_ms);
    int year, month, mday;
    hs_calendar_date (hs_calendar_day (self, now_ms), &year, &month, &mday);
    if (until < 0) {
        snprintf (text, size, "holiday lists cover %s: none for %d, due times count plain "
                  "weekends (add its list to calendar/holidays)", years, year);
        return true;
    }
    int64_t left = hs_calendar_days_left (self, now_ms);
    hs_calendar_date (until, &year, &month, &mday);
    snprintf (text, size, "holiday lists cover %s, until %04d-%02d-%02d (%lld days left)%s",
              years, year, month, mday, (long long) left,
              left < warn_days? ": add next year's list to calendar/holidays": "");
    return left < warn_days;
}

void
hs_calendar_test (bool verbose)
{
    if (verbose)
        printf (" * hs_calendar: ");
    hs_calendar_t *calendar = hs_calendar_new (8 * 3600 * 1000LL);
    char error [256];
    const char *text =
        "# test\n"
        "2026-02-14 workday 春节调休\n"
        "2026-02-15 holiday 春节\n2026-02-16 holiday\n2026-02-17 holiday\n2026-02-18 holiday\n"
        "2026-02-19 holiday\n2026-02-20 holiday\n2026-02-21 holiday\n2026-02-22 holiday\n"
        "2026-02-23 holiday\n2026-02-28 workday\n";
    assert (hs_calendar_load (calendar, text, "h.txt", error, sizeof (error)) == 0);
    assert (hs_calendar_load (calendar, "2026-13-01 holiday\n", "bad.txt", error, sizeof (error)) == -1);
    assert (streq (error, "bad.txt:1: expected 'YYYY-MM-DD holiday|workday NAME'"));
    //  Coverage, on a calendar of its own: 2026 listed; 2028, then 2027
    //  added as another file each
    hs_calendar_t *coverage = hs_calendar_new (8 * 3600 * 1000LL);
    assert (hs_calendar_load (coverage, text, "h.txt", error, sizeof (error)) == 0);
    char years [64];
    int64_t dec1 = hs_calendar_at (coverage, hs_calendar_parse_date ("2026-12-01"), 9 * 60);
    assert (hs_calendar_days_left (coverage, dec1) == 30);
    assert (hs_calendar_covered_until (coverage, dec1) == hs_calendar_parse_date ("2026-12-31"));
    assert (hs_calendar_days_left (coverage, dec1 + 40 * HS_DAY_MS) == -1);
    assert (hs_calendar_load (coverage, "2028-01-01 holiday\n", "h28.txt", error, sizeof (error)) == 0);
    assert (hs_calendar_days_left (coverage, dec1) == 30);      //  a gap: 2027 missing
    char warned [256];
    assert (hs_calendar_coverage (coverage, dec1, 60, warned, sizeof (warned)));
    assert (streq (warned, "holiday lists cover 2026 2028, until 2026-12-31 (30 days left): "
                           "add next year's list to calendar/holidays"));
    assert (hs_calendar_load (coverage, "2027-01-01 holiday\n", "h27.txt", error, sizeof (error)) == 0);
    assert (hs_calendar_covered_until (coverage, dec1) == hs_calendar_parse_date ("2028-12-31"));
    hs_calendar_years_text (coverage, years, sizeof (years));
    assert (streq (years, "2026 2027 2028"));
    char line [256];
    assert (!hs_calendar_coverage (coverage, dec1, 60, line, sizeof (line)));
    assert (streq (line, "holiday lists cover 2026 2027 2028, until 2028-12-31 (761 days left)"));
    hs_calendar_destroy (&coverage);
    assert (hs_calendar_parse_date ("2026-02-30") == -1);
    int year, month, mday;
    hs_calendar_date (hs_calendar_parse_date ("2028-02-29"), &year, &month, &mday);
    assert (year == 2028 && month == 2 && mday == 29);
    hs_calendar_date (hs_calendar_parse_date ("1969-12-31"), &year, &month, &mday);
    assert (year == 1969 && month == 12 && mday == 31);
    assert (hs_calendar_day_of (2026, 12, 1) == hs_calendar_parse_date ("2026-12-01"));
    assert (hs_calendar_day_of (2026, 13, 1) == hs_calendar_parse_date ("2027-01-01"));
    int64_t friday = hs_calendar_parse_date ("2026-02-13");
    assert (hs_calendar_weekday (friday) == 4);
    assert (hs_calendar_is_workday (calendar, friday));
    assert (hs_calendar_is_workday (calendar, friday + 1));         //  make-up Saturday
    assert (!hs_calendar_is_workday (calendar, friday + 2));        //  holiday
    assert (!hs_calendar_is_workday (calendar, friday + 10));       //  2026-02-23

    //  Friday 2026-02-13 15:00 Shanghai + 1 working day = the make-up
    //  Saturday 14th; + 2 = Tuesday 24th, across the Spring Festival.
    int64_t start = hs_calendar_at (calendar, friday, 15 * 60);
    assert (hs_calendar_minute (calendar, start) == 15 * 60);
    assert (hs_calendar_due (calendar, start, HS_DAY_MS) == hs_calendar_at (calendar, friday + 1, 15 * 60));
    assert (hs_calendar_due (calendar, start, 2 * HS_DAY_MS) == hs_calendar_at (calendar, friday + 11, 15 * 60));
    //  Under a day: plain hours, holiday or not.
    assert (hs_calendar_due (calendar, start, 2 * 3600 * 1000LL) == start + 2 * 3600 * 1000LL);
    //  Starting on a holiday: counted from the next working day's start.
    int64_t holiday = hs_calendar_at (calendar, friday + 3, 10 * 60);
    assert (hs_calendar_due (calendar, holiday, HS_DAY_MS) == hs_calendar_at (calendar, friday + 12, 0));
    //  A year without a list: plain weekends. 2027-01-01 is a Friday.
    int64_t new_year = hs_calendar_parse_date ("2027-01-01");
    assert (hs_calendar_weekday (new_year) == 4);
    int64_t at = hs_calendar_at (calendar, new_year, 9 * 60);
    assert (hs_calendar_due (calendar, at, 3 * HS_DAY_MS) == hs_calendar_at (calendar, new_year + 5, 9 * 60));
    //  Stepping a year's table at a time lands where stepping day by day
    //  does: from each day of six weeks around the Spring Festival (its
    //  holidays and make-up days) and around the new year, up to 400
    //  working days on (into a third year, past the tables kept).
    const int64_t weeks [] = { friday - 21, new_year - 31 };
    for (int64_t first = weeks [0]; first < weeks [1] + 42; first++) {
        if (first == weeks [0] + 42)
            first = weeks [1];
        for (int64_t count = 0; count <= 400; count += count < 30? 1: 37) {
            int64_t day = first;
            for (int64_t step = 0; step < count; step++) {
                day++;
                while (!hs_calendar_is_workday (calendar, day))
                    day++;
            }
            assert (s_advance (calendar, first, count) == day);
        }
    }
    hs_calendar_destroy (&calendar);
    assert (!calendar);
    if (verbose)
        printf ("OK\n");
}
