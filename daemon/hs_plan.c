/*  =========================================================================
    hs_plan - regular meetings (定期召开): when a plenary or an office meeting meets

    A plan in rules.cfg:
        plenary
            every = quarter             #   week | month | quarter | none
            on = 10                     #   mon..sun for a week, 1..28 otherwise
            at = "09:30"                #   local time it meets
            notice = 72h                #   the request goes out this long before
            place = "..."
            agenda                      #   1 to 16 items, in order,
                1 = "..."               #   each under its own name
                2 = "..."
    =========================================================================
*/

#include "hs_plan.h"
#include "../protocol/hs_protocol.h"
#include "../protocol/hs_fields.h"

static const char *s_kind_names [HS_PLAN_COUNT] = { "plenary", "office" };
static const char *s_every_names [] = { "none", "week", "month", "quarter", NULL };
static const char *s_weekdays [] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL };

const char *hs_plan_kind_name (hs_plan_kind_t kind) { return s_kind_names [kind]; }

void
hs_plan_free (hs_plan_t *plan)
{
    free (plan->place);
    for (size_t index = 0; plan->agenda [index]; index++)
        free (plan->agenda [index]);
    memset (plan, 0, sizeof (hs_plan_t));
}

//  A text of 1..max bytes of UTF-8.
static bool
s_text (const char *text, size_t max)
{
    size_t size = strlen (text);
    return size > 0 && size <= max && hs_proto_utf8 ((const uint8_t *) text, size);
}

int
hs_plan_load (hs_plan_t *plan, hs_zpl_t *zpl, zconfig_t *node, char *error, size_t error_size)
{
    memset (plan, 0, sizeof (hs_plan_t));
    if (!node)
        return 0;
    static const char *keys [] = { "every", "on", "at", "notice", "place", "agenda", NULL };
    if (hs_zpl_only_keys (zpl, node, keys, error, error_size))
        return -1;
    const char *name = zconfig_name (node);
    const char *every = zconfig_get (node, "every", "");
    int found = -1;
    for (int index = 0; s_every_names [index]; index++)
        if (streq (every, s_every_names [index]))
            found = index;
    if (found < 0)
        return hs_zpl_error (zpl, zconfig_locate (node, "every")? zconfig_locate (node, "every"): node,
                             error, error_size, "%s/every must be week, month, quarter or none", name);
    plan->every = (hs_plan_every_t) found;
    if (plan->every == HS_PLAN_NONE)
        return 0;
    zconfig_t *on = zconfig_locate (node, "on");
    const char *on_text = on? zconfig_value (on): "";
    plan->on = -1;
    if (plan->every == HS_PLAN_WEEK) {
        for (int index = 0; s_weekdays [index]; index++)
            if (streq (on_text, s_weekdays [index]))
                plan->on = index;
    }
    else {
        char *end;
        long day = strtol (on_text, &end, 10);
        if (*on_text && !*end && day >= 1 && day <= 28)
            plan->on = (int) day;
    }
    if (plan->on < 0)
        return hs_zpl_error (zpl, on? on: node, error, error_size, plan->every == HS_PLAN_WEEK?
                             "%s/on must be a weekday, mon to sun": "%s/on must be a day of the month, 1 to 28",
                             name);
    int hours, minutes;
    char tail;
    zconfig_t *at = zconfig_locate (node, "at");
    if (!at || sscanf (zconfig_value (at), "%2d:%2d%c", &hours, &minutes, &tail) != 2
    ||  hours < 0 || hours > 23 || minutes < 0 || minutes > 59)
        return hs_zpl_error (zpl, at? at: node, error, error_size,
                             "%s/at must be a local time HH:MM", name);
    plan->minute = hours * 60 + minutes;
    zconfig_t *notice = zconfig_locate (node, "notice");
    if (!notice || hs_zpl_duration (zconfig_value (notice), &plan->notice_ms)
    ||  plan->notice_ms <= 0 || plan->notice_ms > 28LL * 24 * 3600 * 1000)
        return hs_zpl_error (zpl, notice? notice: node, error, error_size,
                             "%s/notice must be a duration from 1ms to 28d, such as 72h", name);
    zconfig_t *place = zconfig_locate (node, "place");
    if (!place || !s_text (zconfig_value (place), HS_CALL_PLACE_MAX))
        return hs_zpl_error (zpl, place? place: node, error, error_size,
                             "%s/place must be a text of 1 to %d bytes", name, HS_CALL_PLACE_MAX);
    plan->place = strdup (zconfig_value (place));
    zconfig_t *agenda = zconfig_locate (node, "agenda");
    size_t count = 0;
    for (zconfig_t *item = agenda? zconfig_child (agenda): NULL; item; item = zconfig_next (item)) {
        if (count == HS_PLAN_AGENDA_MAX || !s_text (zconfig_value (item), HS_NOTE_MAX)) {
            hs_plan_free (plan);
            return hs_zpl_error (zpl, item, error, error_size, count == HS_PLAN_AGENDA_MAX?
                                 "%s/agenda has more than 16 items":
                                 "%s/agenda: an item must be a text of 1 to 4096 bytes", name);
        }
        plan->agenda [count++] = strdup (zconfig_value (item));
    }
    if (count == 0) {
        hs_plan_free (plan);
        return hs_zpl_error (zpl, agenda? agenda: node, error, error_size,
                             "%s/agenda needs at least one item", name);
    }
    return 0;
}

//  The first working day on or after `day` (a calendar of no working
//  days: `day` itself).
static int64_t
s_workday (hs_calendar_t *calendar, int64_t day)
{
    for (int64_t next = day; next < day + 60; next++)
        if (hs_calendar_is_workday (calendar, next))
            return next;
    return day;
}

int64_t
hs_plan_next (const hs_plan_t *plan, hs_calendar_t *calendar, int64_t after)
{
    if (plan->every == HS_PLAN_NONE)
        return 0;
    int64_t today = hs_calendar_day (calendar, after);
    int year, month, mday;
    hs_calendar_date (today, &year, &month, &mday);
    //  The period holding today, then the next ones: the first meeting
    //  after `after` (a moved day may fall before `after` even then).
    for (int period = -1; period < 16; period++) {
        int64_t nominal;
        if (plan->every == HS_PLAN_WEEK)
            nominal = today - hs_calendar_weekday (today) + plan->on + 7 * period;
        else {
            int step = plan->every == HS_PLAN_MONTH? 1: 3;
            int first = plan->every == HS_PLAN_MONTH? month: month - (month - 1) % 3;
            int index = (year * 12 + first - 1) + step * period;
            nominal = hs_calendar_day_of (index / 12, index % 12 + 1, plan->on);
        }
        int64_t at = hs_calendar_at (calendar, s_workday (calendar, nominal), plan->minute);
        if (at > after)
            return at;
    }
    return 0;                           //  not reached: a period a week at least
}

void
hs_plan_test (bool verbose)
{
    (void) verbose;
    printf (" * hs_plan: ");
    const char *text =
        "meetings\n"
        "    plenary\n        every = quarter\n        on = 10\n        at = \"09:30\"\n"
        "        notice = 72h\n        place = \"三楼会议室\"\n"
        "        agenda\n            1 = \"通报突出问题\"\n            2 = \"分析研判形势\"\n"
        "    office\n        every = week\n        on = mon\n        at = \"14:00\"\n"
        "        notice = 24h\n        place = \"办公室\"\n        agenda\n            1 = \"a\"\n"
        "    none\n        every = none\n"
        "    bad1\n        every = fortnight\n"
        "    bad2\n        every = month\n        on = 31\n"
        "    bad3\n        every = month\n        on = 1\n        at = \"9:60\"\n"
        "    bad4\n        every = week\n        on = mon\n        at = \"09:00\"\n"
        "        notice = 1h\n        place = \"x\"\n"
        "    bad5\n        every = week\n        on = mon\n        at = \"09:00\"\n"
        "        wrong = 1\n";
    char error [256];
    hs_zpl_t *zpl = hs_zpl_load_text (text, "rules.cfg", error, sizeof (error));
    assert (zpl);
    zconfig_t *meetings = zconfig_locate (hs_zpl_root (zpl), "meetings");
    hs_plan_t plenary, office, plan;
    assert (hs_plan_load (&plenary, zpl, zconfig_locate (meetings, "plenary"), error, sizeof (error)) == 0);
    assert (plenary.every == HS_PLAN_QUARTER && plenary.on == 10 && plenary.minute == 9 * 60 + 30);
    assert (plenary.notice_ms == 72 * 3600000LL && streq (plenary.place, "三楼会议室"));
    assert (streq (plenary.agenda [1], "分析研判形势") && !plenary.agenda [2]);
    assert (hs_plan_load (&office, zpl, zconfig_locate (meetings, "office"), error, sizeof (error)) == 0);
    assert (office.every == HS_PLAN_WEEK && office.on == 0);
    assert (hs_plan_load (&plan, zpl, zconfig_locate (meetings, "none"), error, sizeof (error)) == 0);
    assert (plan.every == HS_PLAN_NONE);
    assert (hs_plan_load (&plan, zpl, NULL, error, sizeof (error)) == 0 && plan.every == HS_PLAN_NONE);
    const char *errors [][2] = {
        { "bad1", "rules.cfg:22: bad1/every must be week, month, quarter or none" },
        { "bad2", "rules.cfg:25: bad2/on must be a day of the month, 1 to 28" },
        { "bad3", "rules.cfg:29: bad3/at must be a local time HH:MM" },
        { "bad4", "rules.cfg:30: bad4/agenda needs at least one item" },
        { "bad5", "rules.cfg:40: unknown key 'wrong' in 'bad5' (expected every, on, at, notice, place, agenda)" }
    };
    for (size_t index = 0; index < sizeof (errors) / sizeof (errors [0]); index++) {
        assert (hs_plan_load (&plan, zpl, zconfig_locate (meetings, errors [index][0]),
                              error, sizeof (error)) == -1);
        if (!streq (error, errors [index][1]))
            fprintf (stderr, "\n   %s: %s\n", errors [index][0], error);
        assert (streq (error, errors [index][1]));
    }

    //  On the 2026 calendar: 2026-04-10 is a Friday, a working day;
    //  2026-10-10 a Saturday, so Monday 10-12 (10-01..10-07 are the
    //  National Day holidays, 10-10 a make-up working day in some years:
    //  here none is loaded).
    hs_calendar_t *calendar = hs_calendar_new (8 * 3600000LL);
    assert (hs_calendar_load (calendar, "2026-10-01 holiday\n2026-10-02 holiday\n"
                              "2026-10-05 holiday\n2026-10-06 holiday\n2026-10-07 holiday\n"
                              "2026-07-10 holiday\n", "h.txt", error, sizeof (error)) == 0);
    int64_t april_10 = hs_calendar_at (calendar, hs_calendar_parse_date ("2026-04-10"), 9 * 60 + 30);
    int64_t march_1 = hs_calendar_at (calendar, hs_calendar_parse_date ("2026-03-01"), 0);
    assert (hs_plan_next (&plenary, calendar, march_1) == april_10);
    //  At the very minute it is not "after": the next quarter's, moved
    //  past a holiday (07-10, a Friday) to Monday 07-13.
    int64_t july_13 = hs_calendar_at (calendar, hs_calendar_parse_date ("2026-07-13"), 9 * 60 + 30);
    assert (hs_plan_next (&plenary, calendar, april_10) == july_13);
    int64_t october_12 = hs_calendar_at (calendar, hs_calendar_parse_date ("2026-10-12"), 9 * 60 + 30);
    assert (hs_plan_next (&plenary, calendar, july_13) == october_12);
    //  Across the year's end: January 2027.
    int64_t january_11 = hs_calendar_at (calendar, hs_calendar_parse_date ("2027-01-11"), 9 * 60 + 30);
    assert (hs_plan_next (&plenary, calendar, october_12) == january_11);
    //  Weekly on Monday at 14:00; a holiday Monday moves to Tuesday... and
    //  from a Monday afternoon, the next Monday.
    int64_t monday_5th = hs_calendar_at (calendar, hs_calendar_parse_date ("2026-10-05"), 16 * 60);
    int64_t thursday_8th = hs_calendar_at (calendar, hs_calendar_parse_date ("2026-10-08"), 14 * 60);
    assert (hs_plan_next (&office, calendar, monday_5th) == thursday_8th);
    int64_t monday_12th = hs_calendar_at (calendar, hs_calendar_parse_date ("2026-10-12"), 14 * 60);
    assert (hs_plan_next (&office, calendar, thursday_8th) == monday_12th);
    hs_plan_t none = { 0 };
    assert (hs_plan_next (&none, calendar, march_1) == 0);
    hs_calendar_destroy (&calendar);
    hs_plan_free (&plenary);
    hs_plan_free (&office);
    hs_zpl_destroy (&zpl);
    printf ("OK\n");
}
