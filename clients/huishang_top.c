/*  =========================================================================
    huishang top - a live board of what is burning

    Full screen (ncurses, wide characters): open cases by level and street,
    the latest alerts, overdue cases, meetings waiting for answers, and the
    feed's rates. It starts complete: the open cases from the api, the
    recent alerts and meetings from a replay joined to the live stream
    without a gap (PROTOCOL.md §6.4); then it follows the stream, asks the
    api for its counters every second and the open cases every 5 s.
    q quits.
    =========================================================================
*/

#include "huishang_top.h"
#include "huishang_print.h"
#include <ncursesw/curses.h>
#include <locale.h>
#include <wchar.h>

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
    int64_t due_at;
} s_case_t;

typedef struct {
    char id [HS_ID_MAX + 1];
    char case_id [HS_ID_MAX + 1];
    char urgency [16];
    int64_t deadline;
    bool reminded;              //  no quorum at half the deadline
} s_meeting_t;

typedef struct {
    hs_config_t *config;
    hs_client_t *client;        //  the daemon's api
    zhashx_t *cases;            //  open cases: id -> s_case_t
    char alerts [ALERTS_SHOWN][512];    //  newest first, as shown
    size_t alert_count;
    s_meeting_t meetings [MEETINGS_MAX];
    size_t meeting_count;
    int64_t last_seq;           //  the last seq seen (replay, then live)
    int64_t now;                //  the daemon's clock, from health
    char district [64];
    int64_t received, reports, rejected, alerts_total;
    double received_rate, reports_rate, rejected_rate;
    int64_t counted_at;         //  zclock_mono () of the last counters
} s_board_t;

//  ---------------------------------------------------------------------
//  Text by display width: a CJK character takes two columns (wcwidth)

//  Copy `text` into `out`, cut to at most `width` columns and padded with
//  spaces to exactly `width` (right-aligned when `right`).
static void
s_fit (char *out, size_t size, const char *text, int width, bool right)
{
    mbstate_t state;
    memset (&state, 0, sizeof (state));
    size_t length = 0;
    int used_width = 0;
    const char *cursor = text;
    wchar_t wide;
    size_t used;
    char body [1024];
    while (*cursor && (used = mbrtowc (&wide, cursor, strlen (cursor), &state)) > 0
           && used != (size_t) -1 && used != (size_t) -2) {
        int one = wcwidth (wide);
        one = one > 0? one: 0;
        if (used_width + one > width || length + used >= sizeof (body))
            break;
        memcpy (body + length, cursor, used);
        length += used;
        used_width += one;
        cursor += used;
    }
    size_t pad = (size_t) (width - used_width);
    if (length + pad + 1 > size)
        pad = length + 1 < size? size - length - 1: 0;
    if (length + pad + 1 > size)
        length = size - 1;
    memset (out, ' ', pad + length);
    memcpy (out + (right? pad: 0), body, length);
    out [pad + length] = 0;
}

//  ---------------------------------------------------------------------
//  State

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
        kase->due_at = huishang_print_int (body, "due_at");
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
        if (kase && streq (kind, "overdue"))
            kase->overdue = true;
    }
    (void) topic;
    int parsed = hs_level_parse (huishang_print_str (body, "level", level, sizeof (level)));
    huishang_print_time (huishang_print_int (body, "at"), when, sizeof (when));
    char level_text [64], street_text [64], name_text [200], kind_text [32];
    s_fit (level_text, sizeof (level_text), parsed >= 0? hs_level_zh (parsed): level, 8, false);
    s_fit (kind_text, sizeof (kind_text), kind, 9, false);
    huishang_print_str (body, "street", street, sizeof (street));
    huishang_print_str (body, "enterprise", enterprise, sizeof (enterprise));
    s_fit (street_text, sizeof (street_text), hs_units_zh (board->config->units, street), 14, false);
    s_fit (name_text, sizeof (name_text), enterprise, 30, false);
    memmove (board->alerts [1], board->alerts [0], (ALERTS_SHOWN - 1) * sizeof (board->alerts [0]));
    snprintf (board->alerts [0], sizeof (board->alerts [0]), "%s #%-7lld %s %s %s %s %5lld人",
              when + 11, (long long) huishang_print_int (body, "seq"), level_text, kind_text,
              street_text, name_text, (long long) huishang_print_int (body, "workers"));
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
    if (streq (topic, "meeting.reminder")) {
        if (meeting)
            meeting->reminded = true;
        return;
    }
    if (!meeting) {
        if (board->meeting_count == MEETINGS_MAX) {
            memmove (board->meetings, board->meetings + 1, (MEETINGS_MAX - 1) * sizeof (s_meeting_t));
            board->meeting_count--;
        }
        meeting = &board->meetings [board->meeting_count++];
        memset (meeting, 0, sizeof (*meeting));
    }
    hs_strcpy (meeting->id, sizeof (meeting->id), id);
    huishang_print_str (body, "case", meeting->case_id, sizeof (meeting->case_id));
    huishang_print_str (body, "urgency", meeting->urgency, sizeof (meeting->urgency));
    meeting->deadline = huishang_print_int (body, "deadline");
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

static void
s_draw (s_board_t *board)
{
    erase ();
    int rows, cols;
    getmaxyx (stdscr, rows, cols);
    char line [1024], cell [256], when [32];
    size_t overdue = 0;
    for (s_case_t *kase = (s_case_t *) zhashx_first (board->cases); kase;
         kase = (s_case_t *) zhashx_next (board->cases))
        overdue += kase->overdue;
    huishang_print_time (board->now > 0? board->now: zclock_time (), when, sizeof (when));
    attron (A_REVERSE);
    snprintf (line, sizeof (line), " huishang top  %s  %s  reports %lld (%.1f/s)  received %.1f/s  "
              "rejected %lld (%.1f/s)  alerts %lld  open %zu  overdue %zu   q quits ",
              board->district, when, (long long) board->reports, board->reports_rate,
              board->received_rate, (long long) board->rejected, board->rejected_rate,
              (long long) board->alerts_total, zhashx_size (board->cases), overdue);
    char header [1024];
    s_fit (header, sizeof (header), line, cols < 1000? cols: 1000, false);
    mvaddstr (0, 0, header);
    attroff (A_REVERSE);

    //  Open cases by street and level
    int row = 2;
    attron (A_BOLD);
    s_fit (cell, sizeof (cell), "open cases 在办案件", 20, false);
    snprintf (line, sizeof (line), "%s", cell);
    for (int level = 0; level < HS_LEVEL_COUNT; level++) {
        char head [64];
        s_fit (head, sizeof (head), hs_level_zh (level), 10, true);
        strcat (line, head);
    }
    s_fit (cell, sizeof (cell), "合计", 8, true);
    strcat (line, cell);
    mvaddstr (row++, 0, line);
    attroff (A_BOLD);
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
    for (index = 0; index <= street_count && row < rows / 2; index++) {
        const int64_t *counts = index < street_count? ordered [index]: totals;
        s_fit (cell, sizeof (cell), index < street_count?
               hs_units_zh (board->config->units, names [index]): "合计 total", 20, false);
        snprintf (line, sizeof (line), "%s", cell);
        for (int level = 0; level <= HS_LEVEL_COUNT; level++) {
            char number [32], fitted [64];
            snprintf (number, sizeof (number), "%lld", (long long) counts [level]);
            s_fit (fitted, sizeof (fitted), number, level == HS_LEVEL_COUNT? 8: 10, true);
            strcat (line, fitted);
        }
        if (index == street_count)
            attron (A_BOLD);
        mvaddstr (row++, 0, line);
        attroff (A_BOLD);
    }
    free (ordered);
    free (names);
    zhashx_destroy (&streets);

    //  The latest alerts
    row++;
    attron (A_BOLD);
    mvaddstr (row++, 0, "latest alerts 最新警报");
    attroff (A_BOLD);
    for (index = 0; index < board->alert_count && row < rows - 8; index++)
        mvaddstr (row++, 0, board->alerts [index]);

    //  Overdue cases
    row++;
    attron (A_BOLD);
    mvaddstr (row++, 0, "overdue 逾期未报进展");
    attroff (A_BOLD);
    for (s_case_t *kase = (s_case_t *) zhashx_first (board->cases); kase && row < rows - 4;
         kase = (s_case_t *) zhashx_next (board->cases)) {
        if (!kase->overdue)
            continue;
        char level [64], street [64], name [200], due [32] = "";
        s_fit (level, sizeof (level), kase->level >= 0? hs_level_zh (kase->level): "", 8, false);
        s_fit (street, sizeof (street), hs_units_zh (board->config->units, kase->street), 14, false);
        s_fit (name, sizeof (name), kase->enterprise, 30, false);
        if (kase->due_at > 0)
            huishang_print_time (kase->due_at, due, sizeof (due));
        snprintf (line, sizeof (line), "%-14s %s %s %s due %s", kase->id, level, street, name, due);
        mvaddstr (row++, 0, line);
    }

    //  Meetings still waiting for their time
    row++;
    attron (A_BOLD);
    mvaddstr (row++, 0, "meetings 待召开会议");
    attroff (A_BOLD);
    for (index = 0; index < board->meeting_count && row < rows; index++) {
        s_meeting_t *meeting = &board->meetings [index];
        if (board->now > 0 && meeting->deadline < board->now)
            continue;
        char deadline [32];
        huishang_print_time (meeting->deadline, deadline, sizeof (deadline));
        snprintf (line, sizeof (line), "%-14s %-7s case %-14s before %s%s", meeting->id,
                  meeting->urgency, meeting->case_id, deadline,
                  meeting->reminded? "  NO QUORUM YET 未达法定人数": "");
        mvaddstr (row++, 0, line);
    }
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
        //  An unanswered request is not fatal: hs_client asks again on a
        //  fresh socket next time (Lazy Pirate).
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

int
huishang_top_main (hs_client_t *client, hs_config_t *config, int argc, char *argv [])
{
    int interval = 1000;
    for (int index = 1; index < argc; index++) {
        if ((streq (argv [index], "--api") || streq (argv [index], "-a")) && index + 1 < argc)
            hs_client_set_api (client, argv [++index]);
        else
        if ((streq (argv [index], "--endpoint") || streq (argv [index], "-e")) && index + 1 < argc)
            hs_client_set_publish (client, argv [++index]);
        else
        if (streq (argv [index], "--interval") && index + 1 < argc)
            interval = atoi (argv [++index]);
        else
        if ((streq (argv [index], "--config") || streq (argv [index], "-c")) && index + 1 < argc)
            index++;                        //  read by main
        else {
            bool help = streq (argv [index], "--help") || streq (argv [index], "-h");
            fprintf (help? stdout: stderr,
                     "usage: huishang top [--api EP] [--endpoint PUBLISH-EP] [--interval MS]\n"
                     "  a live full-screen board: open cases by level and street, the latest\n"
                     "  alerts, overdue cases, meetings, the feed's rates; q quits\n");
            return help? 0: 2;
        }
    }
    if (interval < 100)
        interval = 100;
    setlocale (LC_ALL, "");
    hs_client_set_timeout (client, hs_client_timeout (client, 3000));
    const char *prefixes [] = { "alert.", "meeting." };
    zsock_t *sub = hs_client_subscribe (client, prefixes, 2, 0);
    s_board_t board = { .config = config, .client = client };
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
        s_follow (&board, sub, interval);
        rc = 0;
    }
    zhashx_destroy (&board.cases);
    zsock_destroy (&sub);
    return rc;
}
