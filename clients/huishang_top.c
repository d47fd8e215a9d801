/*  =========================================================================
    huishang top - a live board of what is burning

    Full screen (ncurses, wide characters): open cases by level and street,
    the latest alerts, overdue cases, meetings waiting for answers, and the
    feed's rates. It starts complete: the open cases from the api, the
    recent alerts and meetings from a replay joined to the live stream
    without a gap (PROTOCOL.md §6.4); then it follows the stream, asks the
    api for its counters every second and the open cases every 5 s.
    Overdue cases worst first (rung, then lateness), meetings by time with
    the missed ones kept, colours by level; at 80x24 every section keeps
    its rows. Three heartbeats missed (hs.heartbeat) and the header says
    the daemon is not answering, in red, instead of a frozen clock.
    q quits.
    =========================================================================
*/

#include "huishang_top.h"
#include "huishang_print.h"
#include "huishang_fresh.h"
#include "huishang_words.h"
#include "huishang_top_layout.h"
#include "huishang_options.h"
#include "../protocol/hs_handler.h"
#include <ncursesw/curses.h>
#include <locale.h>

#define ALERTS_SHOWN    12
#define MEETINGS_MAX    64
#define CASES_EVERY     5000    //  ms between reads of the open cases

typedef struct {
    char id [HS_ID_MAX + 1];
    int level;
    char street [HS_CODE_MAX + 1];
    char enterprise [HS_NAME_MAX + 1];
    int64_t workers;
    bool overdue;
    int64_t due_at;             //  the earliest due time passed (0: none)
    int rung;                   //  the highest notice rung of its clocks (HS_RUNG_*)
    int64_t late_ms;            //  how long past that due time
    char late_units [96];       //  the units whose clocks are past due
} s_case_t;

typedef struct {
    char id [HS_ID_MAX + 1];
    char case_id [HS_ID_MAX + 1];
    char urgency [16];
    int64_t time;               //  a called meeting's time, else its deadline
    int64_t deadline;
    bool reminded;              //  no quorum at half the deadline
    bool held;                  //  its minutes are in
    bool closed;                //  superseded (the case rose)
} s_meeting_t;

typedef struct {
    hs_config_t *config;
    hs_client_t *client;        //  the daemon's api
    zhashx_t *cases;            //  open cases: id -> s_case_t
    char alerts [ALERTS_SHOWN][512];    //  newest first, as shown
    int alert_levels [ALERTS_SHOWN];    //  ... and their levels, for the colour
    size_t alert_count;
    s_meeting_t meetings [MEETINGS_MAX];
    size_t meeting_count;
    int64_t last_seq;           //  the last seq seen (replay, then live)
    int64_t now;                //  the daemon's clock, from health
    char district [64];
    int64_t received, reports, rejected, alerts_total;
    double received_rate, reports_rate, rejected_rate;
    int64_t counted_at;         //  zclock_mono () of the last counters
    huishang_fresh_t fresh;     //  the daemon's heartbeat
    bool colour;                //  the terminal has colours
} s_board_t;

//  ---------------------------------------------------------------------
//  State

//  A handler's running clocks past their due time make the case late.
static void
s_handler_late (s_board_t *board, s_case_t *kase, const msgpack_object *handler, int64_t now)
{
    char state [32], unit [HS_CODE_MAX + 1], rung [32];
    if (streq (huishang_print_str (handler, "state", state, sizeof (state)), "done"))
        return;
    const msgpack_object *clocks = hs_proto_get (handler, "clocks");
    bool late = false;
    for (uint32_t index = 0; clocks && clocks->type == MSGPACK_OBJECT_ARRAY
                             && index < clocks->via.array.size; index++) {
        const msgpack_object *clock = &clocks->via.array.ptr [index];
        int64_t due = hs_proto_int (clock, "due", 0);
        if (!hs_proto_int (clock, "start", 0) || !hs_proto_int (clock, "next", 0) || !due)
            continue;               //  not running
        int parsed = hs_rung_parse (huishang_print_str (clock, "rung", rung, sizeof (rung)));
        if (parsed > kase->rung)
            kase->rung = parsed;
        if (due < now) {
            late = true;
            if (now - due > kase->late_ms) {
                kase->late_ms = now - due;
                kase->due_at = due;
            }
        }
    }
    if (late) {
        huishang_print_str (handler, "unit", unit, sizeof (unit));
        size_t length = strlen (kase->late_units);
        snprintf (kase->late_units + length, sizeof (kase->late_units) - length, "%s%s",
                  length? "、": "", hs_units_zh (board->config->units, unit));
    }
}

static void
s_case_put (s_board_t *board, const msgpack_object *body, bool from_record)
{
    char id [HS_ID_MAX + 1], level [32];
    huishang_print_str (body, from_record? "id": "case", id, sizeof (id));
    s_case_t *kase = (s_case_t *) zhashx_lookup (board->cases, id);
    if (!kase) {
        kase = (s_case_t *) zmalloc (sizeof (s_case_t));
        hs_strcpy (kase->id, sizeof (kase->id), id);
        zhashx_insert (board->cases, id, kase);
    }
    kase->level = hs_level_parse (huishang_print_str (body, "level", level, sizeof (level)));
    huishang_print_str (body, "street", kase->street, sizeof (kase->street));
    huishang_print_str (body, "enterprise", kase->enterprise, sizeof (kase->enterprise));
    kase->workers = huishang_print_int (body, "workers");
    if (from_record) {
        kase->overdue = hs_proto_bool (body, "overdue");
        kase->due_at = 0;
        kase->rung = HS_RUNG_NONE;
        kase->late_ms = 0;
        kase->late_units [0] = 0;
        int64_t now = board->now > 0? board->now: zclock_time ();
        const msgpack_object *handlers = hs_proto_get (body, "handlers");
        for (uint32_t index = 0; handlers && handlers->type == MSGPACK_OBJECT_ARRAY
                                 && index < handlers->via.array.size; index++)
            s_handler_late (board, kase, &handlers->via.array.ptr [index], now);
        if (kase->rung > HS_RUNG_NONE || kase->late_ms > 0)
            kase->overdue = true;
    }
}

static void
s_alert (s_board_t *board, const char *topic, const msgpack_object *body)
{
    char kind [32], case_id [HS_ID_MAX + 1], level [32], street [HS_CODE_MAX + 1];
    char enterprise [HS_NAME_MAX + 1], when [32];
    huishang_print_str (body, "kind", kind, sizeof (kind));
    huishang_print_str (body, "case", case_id, sizeof (case_id));
    if (streq (kind, "resolved"))
        zhashx_delete (board->cases, case_id);
    else {
        s_case_put (board, body, false);
        s_case_t *kase = (s_case_t *) zhashx_lookup (board->cases, case_id);
        if (kase && (streq (kind, "overdue") || streq (kind, "supervision")))
            kase->overdue = true;
        char rung [32];
        int parsed = hs_rung_parse (huishang_print_str (body, "rung", rung, sizeof (rung)));
        if (kase && parsed > kase->rung)
            kase->rung = parsed;
        if (kase && huishang_print_int (body, "late_ms") > kase->late_ms)
            kase->late_ms = huishang_print_int (body, "late_ms");
    }
    (void) topic;
    int parsed = hs_level_parse (huishang_print_str (body, "level", level, sizeof (level)));
    huishang_print_time (huishang_print_int (body, "at"), when, sizeof (when));
    char level_text [64], street_text [64], name_text [200], kind_text [32];
    huishang_top_layout_fit (level_text, sizeof (level_text), parsed >= 0? hs_level_zh (parsed): level, 8, false);
    huishang_top_layout_fit (kind_text, sizeof (kind_text), kind, 11, false);
    huishang_print_str (body, "street", street, sizeof (street));
    huishang_print_str (body, "enterprise", enterprise, sizeof (enterprise));
    huishang_top_layout_fit (street_text, sizeof (street_text), hs_units_zh (board->config->units, street), 12, false);
    huishang_top_layout_fit (name_text, sizeof (name_text), enterprise, 24, false);
    memmove (board->alerts [1], board->alerts [0], (ALERTS_SHOWN - 1) * sizeof (board->alerts [0]));
    memmove (board->alert_levels + 1, board->alert_levels,
             (ALERTS_SHOWN - 1) * sizeof (board->alert_levels [0]));
    board->alert_levels [0] = parsed;
    //  The workers first, so that a narrow screen cuts the name, not the count.
    snprintf (board->alerts [0], sizeof (board->alerts [0]), "%s #%-6lld %s %5lld人 %s %s %s",
              when + 11, (long long) huishang_print_int (body, "seq"), level_text,
              (long long) huishang_print_int (body, "workers"), kind_text, street_text, name_text);
    if (board->alert_count < ALERTS_SHOWN)
        board->alert_count++;
}

static void
s_meeting (s_board_t *board, const char *topic, const msgpack_object *body)
{
    char id [HS_ID_MAX + 1];
    huishang_print_str (body, "meeting", id, sizeof (id));
    s_meeting_t *meeting = NULL;
    for (size_t index = 0; index < board->meeting_count; index++)
        if (streq (board->meetings [index].id, id))
            meeting = &board->meetings [index];
    if (streq (topic, "meeting.reminder") || streq (topic, "meeting.minutes")
    ||  streq (topic, "meeting.closed")) {
        if (meeting && streq (topic, "meeting.reminder"))
            meeting->reminded = true;
        if (meeting && streq (topic, "meeting.minutes"))
            meeting->held = true;
        if (meeting && streq (topic, "meeting.closed"))
            meeting->closed = true;
        return;
    }
    if (!streq (topic, "meeting.request"))
        return;                         //  action items are not meetings
    if (!meeting) {
        if (board->meeting_count == MEETINGS_MAX) {
            //  Full: a meeting held or closed goes first, else the oldest.
            size_t gone = 0;
            for (size_t index = 0; index < board->meeting_count; index++)
                if (board->meetings [index].held || board->meetings [index].closed) {
                    gone = index;
                    break;
                }
            memmove (board->meetings + gone, board->meetings + gone + 1,
                     (MEETINGS_MAX - 1 - gone) * sizeof (s_meeting_t));
            board->meeting_count--;
        }
        meeting = &board->meetings [board->meeting_count++];
        memset (meeting, 0, sizeof (*meeting));
    }
    hs_strcpy (meeting->id, sizeof (meeting->id), id);
    huishang_print_str (body, "case", meeting->case_id, sizeof (meeting->case_id));
    huishang_print_str (body, "urgency", meeting->urgency, sizeof (meeting->urgency));
    meeting->deadline = huishang_print_int (body, "deadline");
    meeting->time = huishang_print_int (body, "time") > 0? huishang_print_int (body, "time"):
                    meeting->deadline;
}

static void
s_message (s_board_t *board, const char *topic, const msgpack_object *body)
{
    int64_t seq = huishang_print_int (body, "seq");
    if (seq > 0 && seq <= board->last_seq)
        return;                         //  the replay gave it already
    if (seq > board->last_seq)
        board->last_seq = seq;
    if (strncmp (topic, "alert.", 6) == 0)
        s_alert (board, topic, body);
    else
    if (strncmp (topic, "meeting.", 8) == 0)
        s_meeting (board, topic, body);
}

//  The open cases, from the api (the whole picture, every few seconds).
//  Returns 0, or -1 if the api did not answer.
static int
s_read_cases (s_board_t *board)
{
    hs_cases_request_t request = { .status = "open", .overdue = -1, .limit = 1000 };
    hs_pack_t *args = hs_pack_new ();
    hs_cases_request_encode (args, &request);
    hs_client_reply_t reply;
    int rc = hs_client_request (board->client, "cases", args, &reply);
    hs_pack_destroy (&args);
    if (rc == 0) {
        zhashx_purge (board->cases);
        const msgpack_object *cases = hs_proto_get (reply.body, "cases");
        for (uint32_t index = 0; cases && cases->type == MSGPACK_OBJECT_ARRAY
                                 && index < cases->via.array.size; index++)
            s_case_put (board, &cases->via.array.ptr [index], true);
    }
    hs_client_reply_destroy (&reply);
    return rc < 0? -1: 0;
}

//  The daemon's counters, and rates since the last reading.
//  Returns 0, or -1 if the api did not answer.
static int
s_read_counters (s_board_t *board)
{
    hs_client_reply_t reply;
    int rc = hs_client_request (board->client, "health", NULL, &reply);
    if (rc) {
        hs_client_reply_destroy (&reply);
        return rc < 0? -1: 0;
    }
    const msgpack_object *counters = hs_proto_get (reply.body, "counters");
    int64_t received = hs_proto_int (counters, "received", 0);
    int64_t reports = hs_proto_int (counters, "reports", 0);
    int64_t rejected = hs_proto_int (counters, "rejected", 0);
    int64_t mono = zclock_mono ();
    if (board->counted_at) {
        double seconds = (double) (mono - board->counted_at) / 1000.0;
        if (seconds > 0) {
            board->received_rate = (double) (received - board->received) / seconds;
            board->reports_rate = (double) (reports - board->reports) / seconds;
            board->rejected_rate = (double) (rejected - board->rejected) / seconds;
        }
    }
    board->counted_at = mono;
    board->received = received;
    board->reports = reports;
    board->rejected = rejected;
    board->alerts_total = hs_proto_int (counters, "alerts", 0);
    board->now = huishang_print_int (reply.body, "at");
    huishang_print_str (reply.body, "district", board->district, sizeof (board->district));
    hs_client_reply_destroy (&reply);
    return 0;
}

//  ---------------------------------------------------------------------
//  Drawing

static int
s_compare_counts (const void *a, const void *b)
{
    const int64_t *left = *(const int64_t * const *) a;
    const int64_t *right = *(const int64_t * const *) b;
    return left [HS_LEVEL_COUNT] < right [HS_LEVEL_COUNT]? 1:
           left [HS_LEVEL_COUNT] > right [HS_LEVEL_COUNT]? -1: 0;
}

//  Worst first: the highest rung, then the longest late, then the level.
static int
s_compare_overdue (const void *a, const void *b)
{
    const s_case_t *left = *(const s_case_t * const *) a;
    const s_case_t *right = *(const s_case_t * const *) b;
    if (left->rung != right->rung)
        return left->rung < right->rung? 1: -1;
    if (left->late_ms != right->late_ms)
        return left->late_ms < right->late_ms? 1: -1;
    if (left->level != right->level)
        return left->level < right->level? 1: -1;
    return strcmp (left->id, right->id);
}

static int
s_compare_meetings (const void *a, const void *b)
{
    const s_meeting_t *left = *(const s_meeting_t * const *) a;
    const s_meeting_t *right = *(const s_meeting_t * const *) b;
    return left->time < right->time? -1: left->time > right->time? 1:
           strcmp (left->id, right->id);
}

//  Colour pairs: one per level, the banner, the missed meetings.
enum { PAIR_LEVEL = 1, PAIR_BANNER = PAIR_LEVEL + HS_LEVEL_COUNT, PAIR_MISSED };

static void
s_colours (s_board_t *board)
{
    board->colour = has_colors () && start_color () == OK;
    if (!board->colour)
        return;
    use_default_colors ();
    short levels [HS_LEVEL_COUNT] = { COLOR_GREEN, COLOR_YELLOW, COLOR_MAGENTA, COLOR_RED };
    for (int level = 0; level < HS_LEVEL_COUNT; level++)
        init_pair ((short) (PAIR_LEVEL + level), levels [level], -1);
    init_pair (PAIR_BANNER, COLOR_WHITE, COLOR_RED);
    init_pair (PAIR_MISSED, COLOR_RED, -1);
}

//  Put a line at `row`, cut to the screen's width, in the given attributes.
static void
s_put (int row, int cols, const char *text, attr_t attributes)
{
    char fitted [1024];
    huishang_top_layout_fit (fitted, sizeof (fitted), text, cols < 300? cols: 300, false);
    if (attributes)
        attron (attributes);
    mvaddstr (row, 0, fitted);
    if (attributes)
        attroff (attributes);
}

static attr_t
s_level_attr (s_board_t *board, int level)
{
    if (!board->colour || level < 0 || level >= HS_LEVEL_COUNT)
        return 0;
    return COLOR_PAIR (PAIR_LEVEL + level) | (level == HS_LEVEL_COUNT - 1? A_BOLD: 0);
}

//  The two header lines: the district, its clock (or that the daemon is
//  not answering), the open and overdue counts first so a narrow screen
//  keeps them; then the rates, or the red banner.
static void
s_draw_header (s_board_t *board, int cols, size_t overdue)
{
    char line [1024], when [48], since [48];
    bool stale = board->fresh.stale;
    int64_t now = board->fresh.beats && board->fresh.last.at > board->now?
                  board->fresh.last.at: board->now;
    huishang_time_format_zoned (now > 0? now: zclock_time (), when, sizeof (when));
    snprintf (line, sizeof (line), " huishang top  %s  %s  open %zu  overdue %zu  reports %lld"
              "   q quits", board->district, stale? "守护进程无响应": when,
              zhashx_size (board->cases), overdue, (long long) board->reports);
    s_put (0, cols, line, A_REVERSE);
    if (stale) {
        huishang_time_clock (board->fresh.heard_wall, since, sizeof (since));
        snprintf (line, sizeof (line), " 守护进程无响应 daemon not answering since %s %s (%lld s)",
                  since, huishang_time_label (),
                  (long long) (huishang_fresh_silent_ms (&board->fresh) / 1000));
        s_put (1, cols, line, board->colour? COLOR_PAIR (PAIR_BANNER) | A_BOLD: A_REVERSE);
    }
    else {
        snprintf (line, sizeof (line), " reports %.1f/s  received %.1f/s  rejected %lld (%.1f/s)"
                  "  alerts %lld", board->reports_rate, board->received_rate,
                  (long long) board->rejected, board->rejected_rate,
                  (long long) board->alerts_total);
        s_put (1, cols, line, 0);
    }
}

//  When a section has more than its rows: the last one says how many more.
static void
s_more (int row, int cols, size_t more)
{
    char line [96];
    snprintf (line, sizeof (line), "  … 另有 %zu 项 %zu more", more, more);
    s_put (row, cols, line, A_DIM);
}

static void
s_draw (s_board_t *board)
{
    erase ();
    int rows, cols;
    getmaxyx (stdscr, rows, cols);
    char line [1024], cell [256];
    size_t overdue = 0, case_count = zhashx_size (board->cases);
    s_case_t **late = (s_case_t **) zmalloc ((case_count + 1) * sizeof (s_case_t *));
    for (s_case_t *kase = (s_case_t *) zhashx_first (board->cases); kase;
         kase = (s_case_t *) zhashx_next (board->cases))
        if (kase->overdue)
            late [overdue++] = kase;
    qsort (late, overdue, sizeof (s_case_t *), s_compare_overdue);
    s_meeting_t *meetings [MEETINGS_MAX];
    size_t meeting_count = 0;
    for (size_t index = 0; index < board->meeting_count; index++)
        if (!board->meetings [index].held && !board->meetings [index].closed)
            meetings [meeting_count++] = &board->meetings [index];
    qsort (meetings, meeting_count, sizeof (s_meeting_t *), s_compare_meetings);
    s_draw_header (board, cols, overdue);

    //  Open cases by street and level
    zhashx_t *streets = zhashx_new ();
    zhashx_set_destructor (streets, (zhashx_destructor_fn *) zstr_free);
    int64_t totals [HS_LEVEL_COUNT + 1] = { 0 };
    for (s_case_t *kase = (s_case_t *) zhashx_first (board->cases); kase;
         kase = (s_case_t *) zhashx_next (board->cases)) {
        int64_t *counts = (int64_t *) zhashx_lookup (streets, kase->street);
        if (!counts) {
            counts = (int64_t *) zmalloc ((HS_LEVEL_COUNT + 1) * sizeof (int64_t));
            zhashx_insert (streets, kase->street, counts);
        }
        if (kase->level >= 0 && kase->level < HS_LEVEL_COUNT) {
            counts [kase->level]++;
            counts [HS_LEVEL_COUNT]++;
            totals [kase->level]++;
            totals [HS_LEVEL_COUNT]++;
        }
    }
    size_t street_count = zhashx_size (streets);
    huishang_top_layout_t layout = huishang_top_layout (rows, street_count, overdue, meeting_count,
                                                        ALERTS_SHOWN);
    //  Narrow screens: narrower columns (20 + 4 x 10 + 8 = 68 at most).
    int name_width = cols >= 80? 20: 14, number_width = cols >= 80? 10: 8;
    int row = 2;
    huishang_top_layout_fit (cell, sizeof (cell), "open cases 在办案件", name_width, false);
    snprintf (line, sizeof (line), "%s", cell);
    for (int level = 0; level < HS_LEVEL_COUNT; level++) {
        char head [64];
        huishang_top_layout_fit (head, sizeof (head), hs_level_zh (level), number_width, true);
        strcat (line, head);
    }
    huishang_top_layout_fit (cell, sizeof (cell), "合计", 8, true);
    strcat (line, cell);
    s_put (row++, cols, line, A_BOLD);
    int64_t **ordered = (int64_t **) zmalloc ((street_count + 1) * sizeof (int64_t *));
    const char **names = (const char **) zmalloc ((street_count + 1) * sizeof (char *));
    size_t index = 0;
    for (int64_t *counts = (int64_t *) zhashx_first (streets); counts;
         counts = (int64_t *) zhashx_next (streets))
        ordered [index++] = counts;
    qsort (ordered, street_count, sizeof (int64_t *), s_compare_counts);
    //  The name of each, found again by its counts.
    for (index = 0; index < street_count; index++)
        for (int64_t *counts = (int64_t *) zhashx_first (streets); counts;
             counts = (int64_t *) zhashx_next (streets))
            if (counts == ordered [index])
                names [index] = (const char *) zhashx_cursor (streets);
    size_t shown = (size_t) layout.streets < street_count? (size_t) layout.streets - 1:
                   street_count;
    for (index = 0; index < shown; index++) {
        huishang_top_layout_fit (cell, sizeof (cell), hs_units_zh (board->config->units, names [index]), name_width,
               false);
        snprintf (line, sizeof (line), "%s", cell);
        for (int level = 0; level <= HS_LEVEL_COUNT; level++) {
            char number [32], fitted [64];
            snprintf (number, sizeof (number), "%lld", (long long) ordered [index][level]);
            huishang_top_layout_fit (fitted, sizeof (fitted), number, level == HS_LEVEL_COUNT? 8: number_width, true);
            strcat (line, fitted);
        }
        s_put (row++, cols, line, 0);
    }
    if (shown < street_count)
        s_more (row++, cols, street_count - shown);
    huishang_top_layout_fit (cell, sizeof (cell), "合计 total", name_width, false);
    snprintf (line, sizeof (line), "%s", cell);
    for (int level = 0; level <= HS_LEVEL_COUNT; level++) {
        char number [32], fitted [64];
        snprintf (number, sizeof (number), "%lld", (long long) totals [level]);
        huishang_top_layout_fit (fitted, sizeof (fitted), number, level == HS_LEVEL_COUNT? 8: number_width, true);
        strcat (line, fitted);
    }
    s_put (row++, cols, line, A_BOLD);
    free (ordered);
    free (names);
    zhashx_destroy (&streets);

    //  The latest alerts, coloured by level
    row++;
    s_put (row++, cols, "latest alerts 最新警报", A_BOLD);
    for (index = 0; index < board->alert_count && (int) index < layout.alerts; index++)
        s_put (row++, cols, board->alerts [index], s_level_attr (board, board->alert_levels [index]));
    if (!board->alert_count)
        s_put (row++, cols, "  (none 无)", A_DIM);

    //  Overdue and supervised cases, worst first
    row++;
    s_put (row++, cols, "overdue 逾期 / 督办, worst first", A_BOLD);
    shown = (size_t) layout.overdue < overdue? (size_t) layout.overdue - 1: overdue;
    for (index = 0; index < shown; index++) {
        s_case_t *kase = late [index];
        char level [64], rung [64], span [32] = "", units [160];
        huishang_top_layout_fit (level, sizeof (level), kase->level >= 0? hs_level_zh (kase->level): "", 8, false);
        huishang_top_layout_fit (rung, sizeof (rung), kase->rung > 0? hs_rung_zh (kase->rung): "逾期", 4, false);
        if (kase->late_ms > 0)
            huishang_words_span (kase->late_ms, span, sizeof (span));
        huishang_top_layout_fit (units, sizeof (units), *kase->late_units? kase->late_units:
               hs_units_zh (board->config->units, kase->street), 24, false);
        snprintf (line, sizeof (line), "%-13s %s %s late %-8s %s %s", kase->id, level, rung,
                  *span? span: "-", units, kase->enterprise);
        s_put (row++, cols, line, s_level_attr (board, kase->level));
    }
    if (shown < overdue)
        s_more (row++, cols, overdue - shown);
    if (!overdue)
        s_put (row++, cols, "  (none 无)", A_DIM);
    free (late);

    //  Meetings by time: the missed ones kept, in red
    row++;
    s_put (row++, cols, "meetings 会议, by time", A_BOLD);
    int64_t now = board->now > 0? board->now: zclock_time ();
    shown = (size_t) layout.meetings < meeting_count? (size_t) layout.meetings - 1: meeting_count;
    for (index = 0; index < shown && row < rows; index++) {
        s_meeting_t *meeting = meetings [index];
        bool missed = meeting->deadline > 0 && meeting->deadline < now;
        char deadline [48];
        huishang_print_time (meeting->deadline, deadline, sizeof (deadline));
        snprintf (line, sizeof (line), "%-13s %-7s %s before %s case %s%s", meeting->id,
                  meeting->urgency, missed? "MISSED 已逾期": "upcoming", deadline + 5,
                  meeting->case_id, meeting->reminded && !missed? "  NO QUORUM YET 未达法定人数": "");
        s_put (row++, cols, line, missed && board->colour? COLOR_PAIR (PAIR_MISSED) | A_BOLD:
                                  missed? A_BOLD: 0);
    }
    if (shown < meeting_count && row < rows)
        s_more (row++, cols, meeting_count - shown);
    if (!meeting_count && row < rows)
        s_put (row++, cols, "  (none 无)", A_DIM);
    refresh ();
}

//  ---------------------------------------------------------------------
//  Starting complete, then following

//  The recent past (the last 5000 events at most) replayed into the board.
//  Returns 0, or -1 if the api stopped answering.
static int
s_replay_recent (s_board_t *board)
{
    hs_pack_t *args = hs_pack_new ();
    hs_replay_request_encode (args, 1, 1);
    hs_client_reply_t reply;
    int answered = hs_client_request (board->client, "replay", args, &reply);
    int64_t last = answered == 0? huishang_print_int (reply.body, "last"): 0;
    hs_client_reply_destroy (&reply);
    int64_t since = last > 5000? last - 5000: 1;
    while (answered == 0 && since <= last) {
        hs_pack_reset (args);
        hs_replay_request_encode (args, (uint64_t) since, 1000);
        answered = hs_client_request (board->client, "replay", args, &reply);
        if (answered == 0) {
            const msgpack_object *events = hs_proto_get (reply.body, "events");
            for (uint32_t index = 0; events && events->type == MSGPACK_OBJECT_ARRAY
                                     && index < events->via.array.size; index++) {
                const msgpack_object *entry = &events->via.array.ptr [index];
                char topic [HS_TOPIC_MAX + 1];
                huishang_print_str (entry, "topic", topic, sizeof (topic));
                s_message (board, topic, hs_proto_get (entry, "body"));
            }
            since = huishang_print_int (reply.body, "next");
            last = huishang_print_int (reply.body, "last");
        }
        hs_client_reply_destroy (&reply);
    }
    if (last > board->last_seq)
        board->last_seq = last;
    hs_pack_destroy (&args);
    return answered < 0? -1: 0;
}

//  Everything waiting on `sub` into the board. Returns true if anything was.
static bool
s_drain (s_board_t *board, zsock_t *sub)
{
    bool changed = false;
    zsock_set_rcvtimeo (sub, 0);
    zmsg_t *msg;
    while ((msg = zmsg_recv (sub))) {
        char *topic = zmsg_popstr (msg);
        zframe_t *body = zmsg_first (msg);
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        if (topic && body && !streq (topic, "hs.hello")
        &&  hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0) {
            if (streq (topic, HS_HEARTBEAT_TOPIC))
                huishang_fresh_beat (&board->fresh, &unpacked.data);
            else
                s_message (board, topic, &unpacked.data);
            changed = true;
        }
        msgpack_unpacked_destroy (&unpacked);
        zstr_free (&topic);
        zmsg_destroy (&msg);
    }
    return changed;
}

//  The screen until q: the stream as it comes, the counters every
//  `interval` ms, the open cases every CASES_EVERY ms.
static void
s_follow (s_board_t *board, zsock_t *sub, int interval)
{
    initscr ();
    s_colours (board);
    cbreak ();
    noecho ();
    curs_set (0);
    nodelay (stdscr, TRUE);
    keypad (stdscr, TRUE);
    int64_t next_counters = zclock_mono () + interval;
    int64_t next_cases = zclock_mono () + CASES_EVERY;
    bool dirty = true;
    while (!zsys_interrupted) {
        if (dirty) {
            s_draw (board);
            dirty = false;
        }
        zmq_pollitem_t items [] = {
            { zsock_resolve (sub), 0, ZMQ_POLLIN, 0 },
            { NULL, STDIN_FILENO, ZMQ_POLLIN, 0 }
        };
        int64_t wait = next_counters - zclock_mono ();
        int64_t late = huishang_fresh_wait (&board->fresh);
        if (late >= 0 && late < wait)
            wait = late + 1;            //  redraw as soon as the daemon is late
        if (zmq_poll (items, 2, wait > 0? (long) wait: 0) < 0)
            break;
        if (items [1].revents & ZMQ_POLLIN) {
            int key = getch ();
            if (key == 'q' || key == 'Q')
                break;
            if (key == KEY_RESIZE)
                dirty = true;
        }
        dirty |= s_drain (board, sub);
        if (huishang_fresh_check (&board->fresh))
            dirty = true;               //  the banner goes up
        //  An unanswered request is not fatal: hs_client asks again on a
        //  fresh socket next time (Lazy Pirate). While the daemon is not
        //  answering its heartbeat, the api is not asked (each try would
        //  freeze the screen for the timeout).
        if (board->fresh.stale) {
            next_counters = zclock_mono () + interval;
            next_cases = zclock_mono () + CASES_EVERY / 5;
        }
        if (zclock_mono () >= next_counters) {
            s_read_counters (board);
            next_counters = zclock_mono () + interval;
            dirty = true;
        }
        if (zclock_mono () >= next_cases) {
            s_read_cases (board);
            next_cases = zclock_mono () + CASES_EVERY;
            dirty = true;
        }
    }
    endwin ();
}

//  The options of top beyond huishang_options'.
typedef struct {
    hs_client_t *client;
    int *interval;
    bool bad;
} s_top_options_t;

static void
s_top_option (int option, const char *value, void *arg)
{
    s_top_options_t *self = (s_top_options_t *) arg;
    if (option == 'e')
        hs_client_set_publish (self->client, value);
    else
    if (option == 'i' && hs_client_parse_duration (value, self->interval)) {
        fprintf (stderr, "huishang top: --interval takes a duration (500ms, 2s), not '%s'\n", value);
        self->bad = true;
    }
}

int
huishang_top_main (hs_client_t *client, hs_config_t *config, int argc, char *argv [])
{
    int interval = 1000;
    bool json;
    static const struct option extra [] = {
        { "endpoint", required_argument, NULL, 'e' }, { "interval", required_argument, NULL, 'i' },
        { NULL, 0, NULL, 0 }
    };
    s_top_options_t options = { .client = client, .interval = &interval };
    int first = huishang_options_parse (client, argc, argv, extra, s_top_option, &options, &json);
    if (first < 0 || options.bad || first < argc) {
        bool help = first == -1;
        if (first >= 0 && first < argc && !options.bad)
            fprintf (stderr, "huishang top: unexpected argument '%s'\n", argv [first]);
        fprintf (help? stdout: stderr,
                 "usage: huishang top [--api EP] [--endpoint PUBLISH-EP] [--interval D]\n"
                 "                    [--timeout D] [--utc]\n"
                 "  a live full-screen board: open cases by level and street, the latest\n"
                 "  alerts, overdue and supervised cases worst first, meetings by time\n"
                 "  (missed ones kept), the feed's rates; q quits. A red banner when the\n"
                 "  daemon misses three heartbeats. Times are the district's. D is a\n"
                 "  duration: 500ms, 2s.\n");
        return help? 0: 2;
    }
    if (interval < 100)
        interval = 100;
    setlocale (LC_ALL, "");
    const char *prefixes [] = { "alert.", "meeting.", HS_HEARTBEAT_TOPIC };
    zsock_t *sub = hs_client_subscribe (client, prefixes, 3, 0);
    s_board_t board = { .config = config, .client = client };
    huishang_fresh_init (&board.fresh, config->heartbeat_ms);
    board.cases = zhashx_new ();
    zhashx_set_destructor (board.cases, (zhashx_destructor_fn *) zstr_free);
    int rc = 1;
    //  Complete from the first screen: the live stream joined, then the
    //  recent past replayed, then the open cases.
    if (!sub || !hs_client_api_socket (client) || !hs_client_join (client, sub)
    ||  s_read_counters (&board))
        fprintf (stderr, "huishang: no daemon at %s / %s\n", hs_client_api_endpoint (client),
                 hs_client_publish_endpoint (client));
    else
    if (s_replay_recent (&board) || s_read_cases (&board))
        fprintf (stderr, "huishang: the api at %s did not answer\n", hs_client_api_endpoint (client));
    else {
        //  From here on the screen is ncurses': the api's complaints go nowhere.
        if (!freopen ("/dev/null", "w", stderr))
            fprintf (stderr, "huishang: cannot quiet stderr\n");
        //  The first screen waited as long as any command does (a busy
        //  daemon answers late); from now on a short wait: a dead daemon
        //  must not freeze the screen for long.
        hs_client_set_timeout (client, hs_client_timeout (client, 1500));
        s_follow (&board, sub, interval);
        rc = 0;
    }
    zhashx_destroy (&board.cases);
    zsock_destroy (&sub);
    return rc;
}
