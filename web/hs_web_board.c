/*  =========================================================================
    hs_web_board - the board's JSON views, built from the daemon's api
    =========================================================================
*/

#include "hs_web_board.h"
#include "hs_web_act.h"
#include "../protocol/hs_filing_msg.h"
#include "../protocol/hs_json.h"
#include "../protocol/hs_proto.h"

#define API_TIMEOUT     3000        //  ms for each api answer
#define CASE_PAGES      5           //  pages of 1000 cases read at most
#define HISTORY_PAGES   20          //  pages of a case's history read at most
#define TREND_DAYS      14
#define DAY_MS          (24 * 3600 * 1000LL)

static const char *s_rungs [] = { "remind", "supervise", "circulate", NULL };

void
hs_web_board_zone_name (int64_t offset_ms, char *out, size_t size)
{
    if (offset_ms == 8 * 3600 * 1000LL)
        snprintf (out, size, "Asia/Shanghai");
    else {
        int64_t minutes = (offset_ms < 0? -offset_ms: offset_ms) / 60000;
        snprintf (out, size, "UTC%c%02lld:%02lld", offset_ms < 0? '-': '+',
                  (long long) (minutes / 60), (long long) (minutes % 60));
    }
}

//  An error body.
static json_t *
s_error (const char *code, const char *detail)
{
    return json_pack ("{s:s, s:s, s:s}", "error", code, "code", code, "detail", detail);
}

static int64_t
s_int (const json_t *object, const char *key)
{
    json_t *value = json_object_get (object, key);
    return json_is_integer (value)? (int64_t) json_integer_value (value): 0;
}

static const char *
s_str (const json_t *object, const char *key)
{
    const char *value = json_string_value (json_object_get (object, key));
    return value? value: "";
}

json_t *
hs_web_board_config (hs_web_link_t *link, hs_web_feed_t *feed, const hs_web_user_t *user)
{
    const hs_config_t *config = hs_web_link_config (link);
    char zone [32];
    hs_web_board_zone_name (config->utc_offset_ms, zone, sizeof (zone));
    json_t *units = json_array ();
    static const char *kinds [] = { "agency", "street", "role" };
    for (size_t index = 0; index < hs_units_size (config->units); index++) {
        const hs_unit_t *unit = hs_units_at (config->units, index);
        json_array_append_new (units, json_pack ("{s:s, s:s, s:s, s:s}", "code", unit->code,
                               "name", unit->zh? unit->zh: unit->code,
                               "en", unit->en? unit->en: "",
                               "kind", kinds [unit->kind <= HS_UNIT_ROLE? unit->kind: 0]));
    }
    json_t *levels = json_array (), *categories = json_array ();
    for (int level = 0; level < HS_LEVEL_COUNT; level++)
        json_array_append_new (levels, json_string (hs_level_name (level)));
    for (int category = 0; category < HS_CATEGORY_COUNT; category++)
        json_array_append_new (categories, json_string (hs_category_name (category)));
    json_t *beat = hs_web_feed_beat (feed);
    json_t *reply = json_pack ("{s:s, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:I}",
        "district", config->district, "zone_offset_ms", (json_int_t) config->utc_offset_ms,
        "zone_name", zone,
        "user", user? json_pack ("{s:s, s:s}", "name", user->name, "unit", user->unit): json_null (),
        "csrf", user? json_string (user->csrf): json_null (),
        "units", units, "levels", levels, "categories", categories,
        "heartbeat_ms", (json_int_t) s_int (beat, "interval_ms"));
    json_decref (beat);
    return reply;
}

//  ---------------------------------------------------------------------
//  /api/board

//  Every case the filter finds, up to CASE_PAGES pages: a new array, or
//  NULL if the api did not answer.
static json_t *
s_cases (hs_client_t *client, const char *status, int64_t since)
{
    json_t *all = json_array ();
    uint64_t before = 0;
    for (int page = 0; page < CASE_PAGES; page++) {
        hs_cases_request_t request = { .status = status, .overdue = -1, .since = since,
                                       .limit = 1000, .before = before };
        hs_pack_t *args = hs_pack_new ();
        hs_cases_request_encode (args, &request);
        json_t *body;
        int rc = hs_web_link_request (client, "cases", args, &body);
        hs_pack_destroy (&args);
        if (rc) {
            json_decref (body);
            json_decref (all);
            return NULL;
        }
        json_array_extend (all, json_object_get (body, "cases"));
        before = (uint64_t) s_int (body, "next");
        json_decref (body);
        if (!before)
            break;
    }
    return all;
}

static int
s_rung_rank (const char *rung)
{
    for (int index = 0; s_rungs [index]; index++)
        if (rung && streq (rung, s_rungs [index]))
            return index + 1;
    return 0;
}

//  Open cases by street and level, worst street first, then the totals.
static json_t *
s_open_rows (json_t *cases)
{
    json_t *streets = json_object ();
    json_t *totals = json_pack ("{s:s, s:i, s:i, s:i, s:i, s:i}", "street", "total",
                                "general", 0, "significant", 0, "major", 0, "critical", 0,
                                "total", 0);
    size_t index;
    json_t *kase;
    json_array_foreach (cases, index, kase) {
        const char *street = s_str (kase, "street"), *level = s_str (kase, "level");
        if (hs_level_parse (level) < 0)
            continue;
        json_t *row = json_object_get (streets, street);
        if (!row) {
            row = json_pack ("{s:s, s:i, s:i, s:i, s:i, s:i}", "street", street, "general", 0,
                             "significant", 0, "major", 0, "critical", 0, "total", 0);
            json_object_set_new (streets, street, row);
        }
        json_t *targets [] = { row, totals };
        for (size_t which = 0; which < 2; which++) {
            json_object_set_new (targets [which], level,
                                 json_integer (s_int (targets [which], level) + 1));
            json_object_set_new (targets [which], "total",
                                 json_integer (s_int (targets [which], "total") + 1));
        }
    }
    json_t *rows = json_array ();
    const char *key;
    json_t *row;
    json_object_foreach (streets, key, row) {
        size_t at = 0;
        while (at < json_array_size (rows)
           &&  s_int (json_array_get (rows, at), "total") >= s_int (row, "total"))
            at++;
        json_array_insert (rows, at, row);
    }
    json_array_append_new (rows, totals);
    json_decref (streets);
    return rows;
}

//  The handler rows and the overdue rows of the open cases.
static void
s_handling (json_t *cases, int64_t now, json_t *overdue, json_t *handling)
{
    static const struct { const char *state, *shown; } states [] = {
        { "routed", "not_signed" }, { "signed", "signed" }, { "returned", "returned" },
        { "done", "done" }, { NULL, NULL }
    };
    size_t index;
    json_t *kase;
    json_array_foreach (cases, index, kase) {
        json_t *handlers = json_object_get (kase, "handlers");
        json_t *units = json_array ();
        int64_t late = 0;
        int rung = 0;
        size_t at;
        json_t *handler;
        json_array_foreach (handlers, at, handler) {
            const char *state = s_str (handler, "state");
            for (size_t which = 0; states [which].state; which++)
                if (streq (state, states [which].state)) {
                    int64_t since = streq (state, "signed")? s_int (handler, "signed"):
                                    streq (state, "done")? s_int (handler, "done"):
                                    streq (state, "returned") && s_int (handler, "progress")?
                                    s_int (handler, "progress"): s_int (handler, "routed");
                    json_array_append_new (handling, json_pack ("{s:s, s:s, s:s, s:s, s:I}",
                        "case", s_str (kase, "id"), "level", s_str (kase, "level"),
                        "unit", s_str (handler, "unit"), "state", states [which].shown,
                        "since", (json_int_t) since));
                    json_array_append_new (units, json_string (s_str (handler, "unit")));
                }
            size_t c;
            json_t *clock;
            json_array_foreach (json_object_get (handler, "clocks"), c, clock) {
                if (!s_int (clock, "next"))
                    continue;                   //  stopped
                int64_t due = s_int (clock, "due");
                if (due > 0 && now - due > late)
                    late = now - due;
                int rank = s_rung_rank (json_string_value (json_object_get (clock, "rung")));
                if (rank > rung)
                    rung = rank;
            }
        }
        if (json_is_true (json_object_get (kase, "overdue"))) {
            if (!json_array_size (units))
                json_array_extend (units, json_object_get (kase, "units"));
            json_t *row = json_pack ("{s:s, s:s, s:s, s:s, s:O, s:o, s:I, s:o}",
                "case", s_str (kase, "id"), "level", s_str (kase, "level"),
                "street", s_str (kase, "street"), "enterprise", s_str (kase, "enterprise"),
                "units", units,
                "lead", json_is_string (json_object_get (kase, "lead"))?
                        json_string (s_str (kase, "lead")): json_null (),
                "late_ms", (json_int_t) late,
                "rung", rung? json_string (s_rungs [rung - 1]): json_null ());
            json_object_set_new (row, "rank", json_integer (rung));
            //  Worst first: the rung reached, then how late.
            size_t place = 0;
            for (; place < json_array_size (overdue); place++) {
                json_t *other = json_array_get (overdue, place);
                if (s_int (other, "rank") < rung
                ||  (s_int (other, "rank") == rung && s_int (other, "late_ms") < late))
                    break;
            }
            json_array_insert_new (overdue, place, row);
        }
        json_decref (units);
    }
    size_t place;
    json_t *row;
    json_array_foreach (overdue, place, row)
        json_object_del (row, "rank");
}

//  New cases per district day and category, the last TREND_DAYS days.
static json_t *
s_trend (json_t *cases, int64_t now, int64_t offset)
{
    int64_t today = (now + offset) / DAY_MS;
    int64_t first = today - TREND_DAYS + 1;
    json_t *days = json_array (), *series = json_object ();
    for (int64_t day = first; day <= today; day++) {
        time_t seconds = (time_t) (day * 86400);
        struct tm date;
        gmtime_r (&seconds, &date);
        char text [16];
        strftime (text, sizeof (text), "%Y-%m-%d", &date);
        json_array_append_new (days, json_string (text));
    }
    for (int category = 0; category < HS_CATEGORY_COUNT; category++) {
        json_t *counts = json_array ();
        for (int day = 0; day < TREND_DAYS; day++)
            json_array_append_new (counts, json_integer (0));
        json_object_set_new (series, hs_category_name (category), counts);
    }
    size_t index;
    json_t *kase;
    json_array_foreach (cases, index, kase) {
        int64_t day = (s_int (kase, "opened") + offset) / DAY_MS - first;
        json_t *counts = json_object_get (series, s_str (kase, "category"));
        if (counts && day >= 0 && day < TREND_DAYS)
            json_array_set_new (counts, (size_t) day,
                                json_integer (json_integer_value (json_array_get (counts, (size_t) day)) + 1));
    }
    return json_pack ("{s:o, s:o}", "days", days, "series", series);
}

json_t *
hs_web_board_board (hs_web_link_t *link, hs_web_duty_t *duty, int *status)
{
    const hs_config_t *config = hs_web_link_config (link);
    hs_client_t *client = hs_web_link_client (link, API_TIMEOUT);
    json_t *health;
    json_t *open = NULL, *recent = NULL, *reply = NULL;
    if (hs_web_link_request (client, "health", NULL, &health) < 0
    ||  !(open = s_cases (client, "open", 0))) {
        *status = 502;
        reply = s_error ("unavailable", "the daemon's api did not answer");
    }
    int64_t now = s_int (health, "at");
    int64_t offset = config->utc_offset_ms;
    int64_t start = ((now + offset) / DAY_MS - TREND_DAYS + 1) * DAY_MS - offset;
    json_t *meetings = NULL, *actions = NULL, *feeders = NULL;
    if (!reply && (!(recent = s_cases (client, NULL, start))
                   || hs_web_duty_views (duty, client, health, now, &meetings, &actions,
                                         &feeders))) {
        *status = 502;
        reply = s_error ("unavailable", "the daemon's api did not answer");
    }
    if (!reply) {
        json_t *store = json_object_get (health, "store");
        json_t *overdue = json_array (), *handling = json_array ();
        s_handling (open, now, overdue, handling);
        reply = json_pack ("{s:I, s:I, s:o, s:o, s:o, s:O, s:O, s:O, s:{s:I, s:I, s:b}, s:o}",
            "at", (json_int_t) now,
            "next_seq", (json_int_t) s_int (json_object_get (health, "counters"), "next_seq"),
            "open", s_open_rows (open), "overdue", overdue, "handling", handling,
            "meetings", meetings, "actions", actions, "feeders", feeders,
            "store", "map_used", (json_int_t) s_int (store, "map_used"),
            "map_size", (json_int_t) s_int (store, "map_size"),
            "full", json_is_true (json_object_get (store, "full")),
            "trend", s_trend (recent, now, offset));
        json_object_set_new (reply, "status", json_string (s_str (health, "status")));
        *status = 200;
    }
    json_decref (meetings);
    json_decref (actions);
    json_decref (feeders);
    json_decref (open);
    json_decref (recent);
    json_decref (health);
    hs_client_destroy (&client);
    return reply;
}

//  ---------------------------------------------------------------------
//  /api/case/<id>

//  Did this history entry decide something (what `huishang why` shows)?
static bool
s_decided (json_t *event)
{
    const char *type = s_str (event, "type");
    const char *kind = s_str (json_object_get (event, "body"), "kind");
    return streq (type, "report") || streq (type, "minutes") || streq (type, "act")
        || (streq (type, "alert") && (streq (kind, "escalated") || streq (kind, "overdue")
                                      || streq (kind, "supervision") || streq (kind, "new")
                                      || streq (kind, "regraded")));
}

//  The why of a case: each decision with its rules, then each unit with
//  the rule that routed it.
static json_t *
s_why (const hs_config_t *config, json_t *kase, json_t *history)
{
    json_t *why = json_array ();
    size_t index;
    json_t *event;
    json_array_foreach (history, index, event) {
        if (!s_decided (event))
            continue;
        json_t *body = json_object_get (event, "body");
        json_t *reasons = json_object_get (body, "reasons");
        json_array_append_new (why, json_pack ("{s:I, s:I, s:s, s:s, s:s, s:s, s:o}",
            "seq", (json_int_t) s_int (event, "seq"), "at", (json_int_t) s_int (event, "at"),
            "type", s_str (event, "type"), "kind", s_str (body, "kind"),
            "level", s_str (body, "level"), "source", s_str (body, "source"),
            "reasons", json_is_array (reasons)? json_incref (reasons): json_array ()));
    }
    json_t *units = json_object_get (kase, "units");
    json_t *reasons = json_object_get (kase, "reasons");
    json_t *unit;
    json_array_foreach (units, index, unit) {
        const char *code = json_string_value (unit);
        if (!code)
            continue;
        const hs_unit_t *found = hs_units_find (config->units, code);
        char wanted [HS_CODE_MAX + 8];
        snprintf (wanted, sizeof (wanted), "route.%s",
                  found && found->kind == HS_UNIT_STREET? "street": code);
        const char *rule = found && found->kind == HS_UNIT_ROLE? "the escalation ladder":
                           "an earlier classification";
        size_t r;
        json_t *reason;
        json_array_foreach (reasons, r, reason)
            if (json_is_string (reason) && streq (json_string_value (reason), wanted))
                rule = json_string_value (reason);
        json_array_append_new (why, json_pack ("{s:s, s:s, s:s, s:s}", "type", "route",
                               "unit", code, "name", hs_units_zh (config->units, code),
                               "rule", rule));
    }
    return why;
}

json_t *
hs_web_board_case (hs_web_link_t *link, const char *id, const hs_web_user_t *user, int *status)
{
    hs_client_t *client = hs_web_link_client (link, API_TIMEOUT);
    json_t *kase = NULL, *history = json_array (), *reply = NULL;
    uint64_t from = 0;
    for (int page = 0; page < HISTORY_PAGES && !reply; page++) {
        hs_pack_t *args = hs_pack_new ();
        hs_case_request_encode (args, id, from);
        json_t *body;
        int rc = hs_web_link_request (client, "case", args, &body);
        hs_pack_destroy (&args);
        if (rc) {
            *status = rc < 0? 502: streq (s_str (body, "code"), "unknown_case")? 404: 400;
            reply = rc < 0? s_error ("unavailable", "the daemon's api did not answer"):
                    s_error (s_str (body, "code"), s_str (body, "error"));
        }
        else {
            if (!kase)
                kase = json_incref (json_object_get (body, "case"));
            json_array_extend (history, json_object_get (body, "history"));
            uint64_t next = (uint64_t) s_int (body, "next");
            from = next > from? next: 0;
        }
        json_decref (body);
        if (!from)
            break;
    }
    if (!reply) {
        *status = 200;
        reply = json_pack ("{s:O, s:O, s:o, s:o}", "case", kase, "history", history,
                           "why", s_why (hs_web_link_config (link), kase, history),
                           "actions", hs_web_act_allowed (kase, user));
    }
    json_decref (kase);
    json_decref (history);
    hs_client_destroy (&client);
    return reply;
}

void
hs_web_board_test (bool verbose)
{
    if (verbose)
        printf (" * hs_web_board: ");
    char zone [32];
    hs_web_board_zone_name (8 * 3600 * 1000LL, zone, sizeof (zone));
    assert (streq (zone, "Asia/Shanghai"));
    hs_web_board_zone_name (-(5 * 3600 + 1800) * 1000LL, zone, sizeof (zone));
    assert (streq (zone, "UTC-05:30"));
    //  Open rows: worst street first, then the totals.
    json_t *cases = json_pack ("[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}]",
                               "street", "street.a", "level", "major",
                               "street", "street.b", "level", "general",
                               "street", "street.b", "level", "critical");
    json_t *rows = s_open_rows (cases);
    assert (json_array_size (rows) == 3);
    assert (streq (s_str (json_array_get (rows, 0), "street"), "street.b"));
    assert (s_int (json_array_get (rows, 0), "total") == 2);
    assert (streq (s_str (json_array_get (rows, 2), "street"), "total"));
    assert (s_int (json_array_get (rows, 2), "critical") == 1);
    assert (s_int (json_array_get (rows, 2), "total") == 3);
    json_decref (rows);
    json_decref (cases);
    //  The trend: 14 district days, the case counted on its district day.
    int64_t now = 1764576000000LL;              //  2025-12-01 08:00 +08:00
    cases = json_pack ("[{s:s, s:I}]", "category", "wage_arrears", "opened",
                       (json_int_t) (now - 3600000));
    json_t *trend = s_trend (cases, now, 8 * 3600 * 1000LL);
    assert (json_array_size (json_object_get (trend, "days")) == TREND_DAYS);
    assert (streq (json_string_value (json_array_get (json_object_get (trend, "days"),
                                                      TREND_DAYS - 1)), "2025-12-01"));
    json_t *wages = json_object_get (json_object_get (trend, "series"), "wage_arrears");
    assert (json_integer_value (json_array_get (wages, TREND_DAYS - 1)) == 1);
    json_decref (trend);
    json_decref (cases);
    if (verbose)
        printf ("OK\n");
}
