/*  =========================================================================
    huishang_time - the one owner of times on the client side

    Plain arithmetic on days (proleptic Gregorian), so nothing depends on
    the C library's idea of the local zone.
    =========================================================================
*/

#include "huishang_time.h"
#include <stdio.h>
#include <string.h>
#include <ctype.h>
#include <assert.h>

#define DAY_MS  86400000LL

static int64_t s_district_ms = 8 * 3600000LL;      //  calendar/utc_offset
static bool s_utc = false;                          //  --utc

void huishang_time_zone (int64_t utc_offset_ms) { s_district_ms = utc_offset_ms; }
void huishang_time_utc (bool utc) { s_utc = utc; }
int64_t huishang_time_offset (void) { return s_utc? 0: s_district_ms; }

const char *
huishang_time_label (void)
{
    static char label [16];
    int64_t minutes = huishang_time_offset () / 60000;
    snprintf (label, sizeof (label), "%c%02d:%02d", minutes < 0? '-': '+',
              (int) ((minutes < 0? -minutes: minutes) / 60),
              (int) ((minutes < 0? -minutes: minutes) % 60));
    return label;
}

//  Days since 1970-01-01 of a civil date, and back (H. Hinnant's method).
static int64_t
s_days_from_civil (int64_t year, int month, int day)
{
    year -= month <= 2;
    int64_t era = (year >= 0? year: year - 399) / 400;
    int64_t yoe = year - era * 400;
    int64_t doy = (153 * (month + (month > 2? -3: 9)) + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
s_civil_from_days (int64_t days, int64_t *year, int *month, int *day)
{
    days += 719468;
    int64_t era = (days >= 0? days: days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *day = (int) (doy - (153 * mp + 2) / 5 + 1);
    *month = (int) (mp < 10? mp + 3: mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

typedef struct {
    int64_t year;
    int month, day, hour, minute, second;
} s_wall_t;

static s_wall_t
s_wall (int64_t ms)
{
    int64_t local = ms + huishang_time_offset ();
    int64_t days = local >= 0? local / DAY_MS: -((-local + DAY_MS - 1) / DAY_MS);
    int64_t in_day = (local - days * DAY_MS) / 1000;
    s_wall_t wall;
    s_civil_from_days (days, &wall.year, &wall.month, &wall.day);
    wall.hour = (int) (in_day / 3600);
    wall.minute = (int) (in_day / 60 % 60);
    wall.second = (int) (in_day % 60);
    return wall;
}

void
huishang_time_format (int64_t ms, char *buffer, size_t size)
{
    s_wall_t wall = s_wall (ms);
    snprintf (buffer, size, "%04lld-%02d-%02d %02d:%02d:%02d", (long long) wall.year, wall.month,
              wall.day, wall.hour, wall.minute, wall.second);
}

void
huishang_time_format_zoned (int64_t ms, char *buffer, size_t size)
{
    char plain [32];
    huishang_time_format (ms, plain, sizeof (plain));
    snprintf (buffer, size, "%s %s", plain, huishang_time_label ());
}

void
huishang_time_clock (int64_t ms, char *buffer, size_t size)
{
    s_wall_t wall = s_wall (ms);
    snprintf (buffer, size, "%02d:%02d:%02d", wall.hour, wall.minute, wall.second);
}

void
huishang_time_date (int64_t ms, char *buffer, size_t size)
{
    s_wall_t wall = s_wall (ms);
    snprintf (buffer, size, "%04lld-%02d-%02d", (long long) wall.year, wall.month, wall.day);
}

//  Read exactly `digits` digits at *text; -1 if not there.
static int
s_digits (const char **text, int digits)
{
    int value = 0;
    for (int index = 0; index < digits; index++) {
        if (!isdigit ((unsigned char) (*text) [index]))
            return -1;
        value = value * 10 + (*text) [index] - '0';
    }
    *text += digits;
    return value;
}

int64_t
huishang_time_parse (const char *text)
{
    if (!text)
        return -1;
    const char *cursor = text;
    int year = s_digits (&cursor, 4);
    if (year < 0 || *cursor++ != '-')
        return -1;
    int month = s_digits (&cursor, 2);
    if (month < 1 || month > 12 || *cursor++ != '-')
        return -1;
    int day = s_digits (&cursor, 2);
    static const int lengths [] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (day < 1 || day > lengths [month - 1] || (month == 2 && day == 29 && !leap))
        return -1;
    int hour = 0, minute = 0, second = 0;
    if ((*cursor == 'T' || *cursor == ' ') && isdigit ((unsigned char) cursor [1])) {
        cursor++;
        hour = s_digits (&cursor, 2);
        if (hour < 0 || hour > 23 || *cursor++ != ':')
            return -1;
        minute = s_digits (&cursor, 2);
        if (minute < 0 || minute > 59)
            return -1;
        if (*cursor == ':') {
            cursor++;
            second = s_digits (&cursor, 2);
            if (second < 0 || second > 59)
                return -1;
        }
    }
    //  Its own zone, if it says one.
    int64_t offset = huishang_time_offset ();
    if (*cursor == ' ' && (cursor [1] == '+' || cursor [1] == '-' || cursor [1] == 'Z'))
        cursor++;
    if (*cursor == 'Z') {
        offset = 0;
        cursor++;
    }
    else
    if (*cursor == '+' || *cursor == '-') {
        int sign = *cursor++ == '-'? -1: 1;
        int hours = s_digits (&cursor, 2);
        if (hours < 0 || hours > 14 || *cursor++ != ':')
            return -1;
        int minutes = s_digits (&cursor, 2);
        if (minutes < 0 || minutes > 59)
            return -1;
        offset = sign * (hours * 3600000LL + minutes * 60000LL);
    }
    if (*cursor)
        return -1;
    int64_t days = s_days_from_civil (year, month, day);
    return days * DAY_MS + hour * 3600000LL + minute * 60000LL + second * 1000LL - offset;
}

void
huishang_time_test (bool verbose)
{
    (void) verbose;
    huishang_time_zone (8 * 3600000LL);
    huishang_time_utc (false);
    char text [48];
    //  2026-02-13 15:00 in Shanghai is 07:00 UTC.
    assert (huishang_time_parse ("2026-02-13T15:00") == 1770966000000LL);
    assert (huishang_time_parse ("2026-02-13 15:00") == 1770966000000LL);
    assert (huishang_time_parse ("2026-02-13 15:00:00 +08:00") == 1770966000000LL);
    assert (huishang_time_parse ("2026-02-13T07:00Z") == 1770966000000LL);
    assert (huishang_time_parse ("2026-02-13T02:00-05:00") == 1770966000000LL);
    assert (huishang_time_parse ("2026-02-13") == 1770966000000LL - 15 * 3600000LL);
    assert (huishang_time_parse ("2026-02-13T25:00") == -1);
    assert (huishang_time_parse ("2026-02-30") == -1);
    assert (huishang_time_parse ("2026-02-13 15:00 tomorrow") == -1);
    assert (huishang_time_parse ("yesterday") == -1);
    assert (huishang_time_parse ("2024-02-29") > 0);
    huishang_time_format (1770966000000LL, text, sizeof (text));
    assert (strcmp (text, "2026-02-13 15:00:00") == 0);
    huishang_time_format_zoned (1770966000000LL, text, sizeof (text));
    assert (strcmp (text, "2026-02-13 15:00:00 +08:00") == 0);
    huishang_time_clock (1770966000000LL + 61000, text, sizeof (text));
    assert (strcmp (text, "15:01:01") == 0);
    //  Past midnight in the district, still the day before in UTC.
    huishang_time_date (1770966000000LL + 9 * 3600000LL, text, sizeof (text));
    assert (strcmp (text, "2026-02-14") == 0);
    //  Before the epoch too.
    huishang_time_format (-1000, text, sizeof (text));
    assert (strcmp (text, "1970-01-01 07:59:59") == 0);
    //  --utc: UTC out and in.
    huishang_time_utc (true);
    huishang_time_format_zoned (1770966000000LL, text, sizeof (text));
    assert (strcmp (text, "2026-02-13 07:00:00 +00:00") == 0);
    assert (huishang_time_parse ("2026-02-13 07:00") == 1770966000000LL);
    huishang_time_utc (false);
    //  Round trip, a year of hours.
    for (int64_t ms = 1767225600000LL; ms < 1767225600000LL + 366 * DAY_MS; ms += 3600000LL) {
        huishang_time_format (ms, text, sizeof (text));
        assert (huishang_time_parse (text) == ms);
    }
}
