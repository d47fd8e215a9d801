/*  =========================================================================
    huishang_print - what huishang shows: fields, times, units, events

    The one place that decides how a message, an event or a case reads on
    a terminal, so watch, replay, case and why show them alike.
    =========================================================================
*/

#include "huishang_print.h"
#include "huishang_words.h"
#include "../protocol/hs_handler.h"
#include "../protocol/hs_event.h"
#include "../protocol/hs_json.h"

const char *
huishang_print_str (const msgpack_object *map, const char *key, char *buffer, size_t size)
{
    if (hs_proto_strcpy (hs_proto_get (map, key), buffer, size))
        snprintf (buffer, size, "-");
    return buffer;
}

const char *
huishang_print_field (const msgpack_object *map, const char *key, char *buffer, size_t size)
{
    if (hs_proto_strcpy (hs_proto_get (map, key), buffer, size))
        *buffer = 0;
    return buffer;
}

bool
huishang_print_bool (const msgpack_object *map, const char *key)
{
    const msgpack_object *value = hs_proto_get (map, key);
    return value && value->type == MSGPACK_OBJECT_BOOLEAN && value->via.boolean;
}

int64_t
huishang_print_int (const msgpack_object *map, const char *key)
{
    return hs_proto_int (map, key, -1);
}

//  The district's wall time (calendar/utc_offset), whatever the machine's
//  TZ: huishang_time owns it.
void
huishang_print_zone (int64_t utc_offset_ms)
{
    huishang_time_zone (utc_offset_ms);
}

void
huishang_print_time (int64_t ms, char *buffer, size_t size)
{
    huishang_time_format (ms, buffer, size);
}

void
huishang_print_units (hs_units_t *units, const msgpack_object *list)
{
    if (!list || list->type != MSGPACK_OBJECT_ARRAY)
        return;
    for (uint32_t index = 0; index < list->via.array.size; index++) {
        char code [HS_CODE_MAX + 1];
        if (hs_proto_strcpy (&list->via.array.ptr [index], code, sizeof (code)) == 0)
            printf ("%s%s", index? "、": "", hs_units_zh (units, code));
    }
}

void
huishang_print_strings (const msgpack_object *list)
{
    if (!list || list->type != MSGPACK_OBJECT_ARRAY)
        return;
    for (uint32_t index = 0; index < list->via.array.size; index++) {
        const msgpack_object *item = &list->via.array.ptr [index];
        if (item->type == MSGPACK_OBJECT_STR)
            printf ("%s%.*s", index? ", ": "", (int) item->via.str.size, item->via.str.ptr);
    }
}

void
huishang_print_json (const msgpack_object *obj, bool indent)
{
    json_t *json = hs_json_from_object (obj);
    char *text = json_dumps (json, indent? JSON_INDENT (2): JSON_COMPACT);
    printf ("%s\n", text? text: "null");
    free (text);
    json_decref (json);
}

//  ---------------------------------------------------------------------
//  The kinds beside the cases' own: meeting reminders, minutes and action
//  items, warnings, briefings (and the weekly one sent upward), the
//  heartbeat and the markers. Each a readable line after "time #seq
//  topic": never a body as JSON, never a field missing as "-1".

//  A duration ("3 天", "2 小时") from a field in ms; "" when absent.
static const char *
s_span (const msgpack_object *map, const char *key, char *buffer, size_t size)
{
    int64_t ms = huishang_print_int (map, key);
    *buffer = 0;
    if (ms >= 0)
        huishang_words_span (ms, buffer, size);
    return buffer;
}

//  A time field as the district's time, "-" when absent.
static const char *
s_time (const msgpack_object *map, const char *key, char *buffer, size_t size)
{
    int64_t ms = huishang_print_int (map, key);
    if (ms > 0)
        huishang_print_time (ms, buffer, size);
    else
        snprintf (buffer, size, "-");
    return buffer;
}

//  A count field, "0" when absent (never "-1").
static long long
s_count (const msgpack_object *map, const char *key)
{
    int64_t value = huishang_print_int (map, key);
    return value < 0? 0: (long long) value;
}

static uint32_t
s_items (const msgpack_object *map, const char *key)
{
    const msgpack_object *list = hs_proto_get (map, key);
    return list && list->type == MSGPACK_OBJECT_ARRAY? list->via.array.size:
           list && list->type == MSGPACK_OBJECT_MAP? list->via.map.size: 0;
}

//  A briefing (通报): its period, span and the counts a reader wants.
static void
s_brief (hs_units_t *units, const msgpack_object *map)
{
    char period [HS_CODE_MAX + 1], since [32], until [32], to [HS_CODE_MAX + 1];
    huishang_print_str (map, "period", period, sizeof (period));
    printf (" %s通报 %s briefing %s → %s:", streq (period, "weekly")? "周": streq (period, "daily")?
            "日": "", period, s_time (map, "since", since, sizeof (since)),
            s_time (map, "until", until, sizeof (until)));
    const msgpack_object *news = hs_proto_get (map, "new");
    printf (" 新增 new %lld", s_count (news, "total"));
    const msgpack_object *levels = hs_proto_get (news, "by_level");
    if (levels && levels->type == MSGPACK_OBJECT_MAP) {
        printf (" (");
        for (int level = 0; level < HS_LEVEL_COUNT; level++)
            printf ("%s%s %lld", level? ", ": "", hs_level_zh (level),
                    s_count (levels, hs_level_name (level)));
        printf (")");
    }
    printf (", 在办 open %lld, 超期 overdue %lld, 升级 escalated %lld, 化解 resolved %lld, "
            "会议 meetings %lld/%lld, 预警 warnings %lld",
            s_count (map, "open"), s_count (map, "overdue"), s_count (map, "escalated"),
            s_count (map, "resolved"), s_count (map, "meetings_held"),
            s_count (map, "meetings_requested"), s_count (map, "warnings"));
    if (hs_proto_get (map, "to"))
        printf (", 上报 to %s",
                hs_units_zh (units, huishang_print_str (map, "to", to, sizeof (to))));
}

static void
s_warning (hs_units_t *units, const char *kind, const msgpack_object *map)
{
    char text [HS_NAME_MAX + 1], span [48], code [HS_CODE_MAX + 1], when [32];
    const char *zh = huishang_words_zh (HUISHANG_WORDS_WARNING, kind);
    printf (" %s(%s)", zh, kind);
    if (streq (kind, "enterprise"))
        printf (" %s %s: %lld 件 cases within %s, newest case %s",
                huishang_print_str (map, "enterprise", text, sizeof (text)),
                hs_units_zh (units, huishang_print_str (map, "street", code, sizeof (code))),
                s_count (map, "count"), s_span (map, "window_ms", span, sizeof (span)),
                huishang_print_str (map, "case", code, sizeof (code)));
    else
    if (streq (kind, "street"))
        printf (" %s: %lld 件新案 new cases within %s",
                hs_units_zh (units, huishang_print_str (map, "street", code, sizeof (code))),
                s_count (map, "count"), s_span (map, "window_ms", span, sizeof (span)));
    else
    if (streq (kind, "prompt")) {
        printf (" 建议工作提示 suggested: %s in %lld streets within %s: ",
                huishang_words_zh (HUISHANG_WORDS_CATEGORY,
                                   huishang_print_str (map, "category", code, sizeof (code))),
                s_count (map, "count"), s_span (map, "window_ms", span, sizeof (span)));
        huishang_print_units (units, hs_proto_get (map, "streets"));
    }
    else
    if (streq (kind, "quorum"))
        printf (" 全体会议 plenary %s: 不足法定人数 no quorum yet",
                huishang_print_str (map, "meeting", code, sizeof (code)));
    else
    if (streq (kind, "gap"))
        printf (" %s: 缺 missing fseq %lld–%lld (%lld)",
                hs_units_zh (units, huishang_print_str (map, "source", code, sizeof (code))),
                s_count (map, "from"), s_count (map, "to"), s_count (map, "count"));
    else
    if (streq (kind, "silent") || streq (kind, "resumed"))
        printf (" %s: %s, last heard %s",
                hs_units_zh (units, huishang_print_str (map, "source", code, sizeof (code))),
                streq (kind, "silent")? "沉默 silent": "恢复 heard again",
                s_time (map, "last_heard", when, sizeof (when)));
    else
    if (streq (kind, "store"))
        printf (" 存储已满 the store is full: %lld messages refused, more until there is room",
                s_count (map, "count"));
    if (hs_proto_get (map, "units")) {
        printf (" → ");
        huishang_print_units (units, hs_proto_get (map, "units"));
    }
}

static void
s_meeting (hs_units_t *units, const char *kind, const msgpack_object *map)
{
    char meeting [HS_ID_MAX + 1], code [HS_CODE_MAX + 1], text [HS_NOTE_MAX + 1], when [32];
    huishang_print_str (map, "meeting", meeting, sizeof (meeting));
    if (streq (kind, "reminder")) {
        printf (" 催开会 reminder %s", meeting);
        if (hs_proto_get (map, "case"))
            printf (" case %s", huishang_print_str (map, "case", code, sizeof (code)));
        printf (": 不足法定人数 no quorum yet, meet before %s → ",
                s_time (map, "deadline", when, sizeof (when)));
        huishang_print_units (units, hs_proto_get (map, "to"));
    }
    else
    if (streq (kind, "minutes")) {
        printf (" 会议纪要 minutes %s (%s): %u decisions, %u 事项 action items, cases ", meeting,
                huishang_print_str (map, "kind", code, sizeof (code)), s_items (map, "decisions"),
                s_items (map, "actions"));
        huishang_print_strings (hs_proto_get (map, "cases"));
    }
    else {                              //  action: an item chased or done
        char item [HS_ID_MAX + 1], owner [HS_CODE_MAX + 1], rung [HS_CODE_MAX + 1];
        huishang_print_str (map, "item", item, sizeof (item));
        hs_units_zh (units, huishang_print_str (map, "owner", owner, sizeof (owner)));
        huishang_print_str (map, "text", text, sizeof (text));
        if (streq (huishang_print_str (map, "kind", code, sizeof (code)), "done"))
            printf (" 已办结 done %s「%s」 (%s): %s", item, text, meeting,
                    hs_units_zh (units, owner));
        else {
            int parsed = hs_rung_parse (huishang_print_str (map, "rung", rung, sizeof (rung)));
            char late [48];
            printf (" %s(%s) #%lld 会议事项 %s「%s」 (%s): %s, due %s, late %s",
                    parsed > 0? hs_rung_zh (parsed): "", rung, s_count (map, "count"), item, text,
                    meeting, hs_units_zh (units, owner), s_time (map, "due", when, sizeof (when)),
                    s_span (map, "late_ms", late, sizeof (late)));
        }
    }
}

static bool
s_print_kinds (hs_units_t *units, const char *topic, const msgpack_object *map)
{
    char text [HS_NOTE_MAX + 1], when [32];
    if (strncmp (topic, "brief.", 6) == 0 && hs_proto_get (map, "brief")) {
        //  A lower level's briefing, come up (at a city).
        printf (" 下级通报 from %s:", huishang_print_str (map, "from", text, sizeof (text)));
        s_brief (units, hs_proto_get (map, "brief"));
    }
    else
    if (strncmp (topic, "brief.", 6) == 0
    || (strncmp (topic, "escalate.", 9) == 0 && hs_proto_get (map, "period")))
        s_brief (units, map);           //  the weekly one also goes up as escalate.city
    else
    if (strncmp (topic, "warning.", 8) == 0)
        s_warning (units, huishang_print_str (map, "kind", text, sizeof (text)), map);
    else
    if (streq (topic, "meeting.reminder") || streq (topic, "meeting.minutes")
    ||  streq (topic, "meeting.action"))
        s_meeting (units, topic + 8, map);
    else
    if (streq (topic, "hs.heartbeat")) {
        char clock [32];
        printf (" 守护进程在线 daemon alive: next seq %lld, daemon clock %s, real %s, every %lld ms",
                s_count (map, "next_seq"), s_time (map, "at", clock, sizeof (clock)),
                s_time (map, "wall", when, sizeof (when)), s_count (map, "interval_ms"));
    }
    else
    if (streq (topic, "hs.hello"))
        printf (" 订阅已生效 subscription live: token %s",
                huishang_print_str (map, "token", text, sizeof (text)));
    else
    if (streq (topic, "rules.reload")) {
        char to [48];
        printf (" 规则已重载 rules reloaded %.12s → %.12s",
                huishang_print_str (map, "from", text, sizeof (text)),
                huishang_print_str (map, "to", to, sizeof (to)));
    }
    else
    if (streq (topic, "clock.reset")) {
        char to [32];
        printf (" 时钟回拨 clock set back %s → %s (%s)", s_time (map, "from", when, sizeof (when)),
                s_time (map, "to", to, sizeof (to)),
                huishang_print_str (map, "why", text, sizeof (text)));
    }
    else
        return false;
    return true;
}

static void
s_print_fields (const msgpack_object *map)
{
    if (!map || map->type != MSGPACK_OBJECT_MAP)
        return;
    for (uint32_t index = 0; index < map->via.map.size; index++) {
        const msgpack_object *key = &map->via.map.ptr [index].key;
        const msgpack_object *value = &map->via.map.ptr [index].val;
        if (key->type != MSGPACK_OBJECT_STR)
            continue;
        printf (" %.*s=", (int) key->via.str.size, key->via.str.ptr);
        if (value->type == MSGPACK_OBJECT_STR)
            printf ("%.*s", (int) value->via.str.size, value->via.str.ptr);
        else
        if (value->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
            printf ("%llu", (unsigned long long) value->via.u64);
        else
        if (value->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
            printf ("%lld", (long long) value->via.i64);
        else
        if (value->type == MSGPACK_OBJECT_BOOLEAN)
            printf ("%s", value->via.boolean? "true": "false");
        else
        if (value->type == MSGPACK_OBJECT_ARRAY)
            printf ("[%u]", value->via.array.size);
        else
        if (value->type == MSGPACK_OBJECT_MAP)
            printf ("(%u)", value->via.map.size);
        else
            printf ("?");
    }
}

//  An inspection (督查): a plan drafted, decided, a result, a late or done
//  rectification (整改), the plan complete.
static void
s_print_inspection (hs_units_t *units, const char *topic, const msgpack_object *map)
{
    char plan [HS_ID_MAX + 1], title [HS_NOTE_MAX + 1], unit [HS_CODE_MAX + 1];
    char item [HS_ID_MAX + 1], owner [HS_CODE_MAX + 1], due [32], rung [HS_CODE_MAX + 1];
    huishang_print_str (map, "plan", plan, sizeof (plan));
    huishang_print_str (map, "title", title, sizeof (title));
    huishang_print_str (map, "unit", unit, sizeof (unit));
    huishang_print_str (map, "item", item, sizeof (item));
    huishang_print_str (map, "owner", owner, sizeof (owner));
    huishang_print_time (huishang_print_int (map, "due"), due, sizeof (due));
    const char *kind = topic + 11;
    if (streq (kind, "plan") || streq (kind, "approved")) {
        printf (" %s %s「%s」: ", streq (kind, "plan")? "督查方案 drafted": "已同意 approved",
                plan, title);
        huishang_print_units (units, hs_proto_get (map, "units"));
    }
    else
    if (streq (kind, "returned")) {
        char note [HS_NOTE_MAX + 1];
        printf (" 退回 returned %s「%s」: %s", plan, title,
                huishang_print_str (map, "note", note, sizeof (note)));
    }
    else
    if (streq (kind, "result")) {
        const msgpack_object *fixes = hs_proto_get (map, "rectify");
        printf (" 督查结果 %s「%s」 %s, %u 整改", plan, title, hs_units_zh (units, unit),
                fixes && fixes->type == MSGPACK_OBJECT_ARRAY? fixes->via.array.size: 0);
    }
    else
    if (streq (kind, "notice")) {
        int parsed = hs_rung_parse (huishang_print_str (map, "rung", rung, sizeof (rung)));
        printf (" %s(%s) #%lld 整改 %s: %s, due %s", parsed > 0? hs_rung_zh (parsed): "", rung,
                (long long) huishang_print_int (map, "count"), item, hs_units_zh (units, owner),
                due);
    }
    else
    if (streq (kind, "rectified"))
        printf (" 整改完成 rectified %s: %s", item, hs_units_zh (units, owner));
    else
    if (streq (kind, "reminder"))
        printf (" 待审批 #%lld %s「%s」 not decided", (long long) huishang_print_int (map, "count"),
                plan, title);
    else
        printf (" 督查完成 complete %s「%s」", plan, title);
}

void
huishang_print_line (hs_units_t *units, const char *topic, const msgpack_object *map)
{
    char when [32], level_text [96], kind [HS_CODE_MAX + 1], case_id [HS_ID_MAX + 1];
    char street [HS_CODE_MAX + 1], category [HS_CODE_MAX + 1], enterprise [HS_NAME_MAX + 1];
    int64_t at = huishang_print_int (map, "at");
    huishang_print_time (at > 0? at: zclock_time (), when, sizeof (when));
    char level_name [HS_CODE_MAX + 1];
    int level = hs_level_parse (huishang_print_str (map, "level", level_name, sizeof (level_name)));
    snprintf (level_text, sizeof (level_text), "%s(%s)", level >= 0? hs_level_zh (level): "",
              level_name);
    huishang_print_str (map, "case", case_id, sizeof (case_id));
    huishang_print_str (map, "street", street, sizeof (street));
    huishang_print_str (map, "category", category, sizeof (category));
    huishang_print_str (map, "enterprise", enterprise, sizeof (enterprise));
    if (huishang_print_int (map, "seq") >= 0)
        printf ("%s #%lld %s", when, (long long) huishang_print_int (map, "seq"), topic);
    else
        printf ("%s #- %s", when, topic);     //  not an event (hs.heartbeat, hs.hello)
    if (s_print_kinds (units, topic, map))
        ;                                   //  reminders, minutes, warnings, briefings ...
    else
    if (strncmp (topic, "alert.", 6) == 0) {
        printf (" [%s] %s case %s %s %s %lld人",
                huishang_print_str (map, "kind", kind, sizeof (kind)), level_text, case_id,
                hs_units_zh (units, street), category,
                (long long) huishang_print_int (map, "workers"));
        if (huishang_print_int (map, "amount") >= 0)
            printf (" ¥%lld", (long long) huishang_print_int (map, "amount"));
        printf (" %s → ", enterprise);
        huishang_print_units (units, hs_proto_get (map, "units"));
        printf (" (");
        huishang_print_strings (hs_proto_get (map, "reasons"));
        printf (")");
    }
    else
    if (streq (topic, "meeting.request")) {
        char deadline [48], urgency [HS_CODE_MAX + 1], meeting [HS_ID_MAX + 1];
        huishang_time_format_zoned (huishang_print_int (map, "deadline"), deadline,
                                    sizeof (deadline));
        printf (" [%s] %s %s case %s, meet before %s: ",
                huishang_print_str (map, "urgency", urgency, sizeof (urgency)),
                huishang_print_str (map, "meeting", meeting, sizeof (meeting)), level_text,
                case_id, deadline);
        huishang_print_units (units, hs_proto_get (map, "participants"));
    }
    else
    if (streq (topic, "meeting.closed")) {
        char meeting [HS_ID_MAX + 1], successor [HS_ID_MAX + 1];
        printf (" 已撤销 %s case %s, 由 %s 取代 superseded by %s",
                huishang_print_str (map, "meeting", meeting, sizeof (meeting)), case_id,
                huishang_print_str (map, "superseded_by", successor, sizeof (successor)), successor);
    }
    else
    if (strncmp (topic, "prompt.", 7) == 0) {
        //  A work prompt (工作提示): issued to streets, signed, or chased.
        char prompt [HS_ID_MAX + 1], unit [HS_CODE_MAX + 1], title [HS_NOTE_MAX + 1];
        char due [32], rung [HS_CODE_MAX + 1];
        huishang_print_time (huishang_print_int (map, "due"), due, sizeof (due));
        huishang_print_str (map, "prompt", prompt, sizeof (prompt));
        huishang_print_str (map, "title", title, sizeof (title));
        huishang_print_str (map, "unit", unit, sizeof (unit));
        if (streq (topic, "prompt.issued")) {
            printf (" 工作提示 %s「%s」, sign by %s: ", prompt, title, due);
            huishang_print_units (units, hs_proto_get (map, "streets"));
        }
        else
        if (streq (topic, "prompt.signed"))
            printf (" 已签收 signed %s「%s」: %s", prompt, title, hs_units_zh (units, unit));
        else {
            int parsed = hs_rung_parse (huishang_print_str (map, "rung", rung, sizeof (rung)));
            printf (" %s(%s) #%lld %s「%s」: %s, due %s", parsed > 0? hs_rung_zh (parsed): "",
                    rung, (long long) huishang_print_int (map, "count"), prompt, title,
                    hs_units_zh (units, unit), due);
        }
    }
    else
    if (strncmp (topic, "proposal.", 9) == 0) {
        //  A major problem or policy proposal (重大问题及对策建议).
        char proposal [HS_ID_MAX + 1], unit [HS_CODE_MAX + 1], title [HS_NOTE_MAX + 1];
        char due [32], word [HS_CODE_MAX + 1], meeting [HS_ID_MAX + 1];
        huishang_print_time (huishang_print_int (map, "due"), due, sizeof (due));
        huishang_print_str (map, "proposal", proposal, sizeof (proposal));
        huishang_print_str (map, "title", title, sizeof (title));
        huishang_print_str (map, "unit", unit, sizeof (unit));
        huishang_print_str (map, "meeting", meeting, sizeof (meeting));
        if (streq (topic, "proposal.circulated")) {
            printf (" 征求意见 %s「%s」, opinions by %s: ", proposal, title, due);
            huishang_print_units (units, hs_proto_get (map, "members"));
        }
        else
        if (streq (topic, "proposal.opinion"))
            printf (" 意见 %s「%s」: %s %s", proposal, title, hs_units_zh (units, unit),
                    streq (huishang_print_str (map, "opinion", word, sizeof (word)), "amend")?
                    "修改 amend": "同意 agree");
        else
        if (streq (topic, "proposal.notice")) {
            int parsed = hs_rung_parse (huishang_print_str (map, "rung", word, sizeof (word)));
            printf (" %s(%s) #%lld %s「%s」: %s, opinion due %s", parsed > 0? hs_rung_zh (parsed): "",
                    word, (long long) huishang_print_int (map, "count"), proposal, title,
                    hs_units_zh (units, unit), due);
        }
        else
        if (streq (topic, "proposal.upward")) {
            printf (" 上报 %s「%s」, passed by %s (minutes seq %lld) → ", proposal, title, meeting,
                    (long long) huishang_print_int (map, "minutes"));
            huishang_print_units (units, hs_proto_get (map, "to"));
        }
        else
            printf (" 未通过 not passed %s「%s」 by %s, not sent up", proposal, title, meeting);
    }
    else
    if (streq (topic, "case.filed")) {
        char closed [32];
        huishang_print_time (huishang_print_int (map, "closed"), closed, sizeof (closed));
        printf (" 归档 filed %s case %s %s %s, closed %s → ", level_text, case_id,
                hs_units_zh (units, street), enterprise, closed);
        huishang_print_units (units, hs_proto_get (map, "to"));
    }
    else
    if (strncmp (topic, "inspection.", 11) == 0)
        s_print_inspection (units, topic, map);
    else
    if (strncmp (topic, "escalate.", 9) == 0) {
        char to [HS_CODE_MAX + 1];
        printf (" → %s: %s case %s %s %s %lld人 %s",
                hs_units_zh (units, huishang_print_str (map, "to", to, sizeof (to))),
                level_text, case_id, hs_units_zh (units, street), category,
                (long long) huishang_print_int (map, "workers"), enterprise);
    }
    else
        s_print_fields (map);        //  a kind this client does not know yet
    printf ("\n");
}

void
huishang_print_message (hs_units_t *units, const char *topic, const msgpack_object *body,
                        bool json)
{
    if (json) {
        json_t *object = json_object ();
        json_object_set_new (object, "topic", json_string (topic));
        json_object_set_new (object, "body", hs_json_from_object (body));
        char *text = json_dumps (object, JSON_COMPACT);
        printf ("%s\n", text);
        free (text);
        json_decref (object);
    }
    else
        huishang_print_line (units, topic, body);
    fflush (stdout);
}

void
huishang_print_event (hs_units_t *units, const msgpack_object *event)
{
    char type [16], topic [HS_TOPIC_MAX + 1], when [32], text [HS_NOTE_MAX + 1];
    huishang_print_str (event, "type", type, sizeof (type));
    huishang_print_str (event, "topic", topic, sizeof (topic));
    const msgpack_object *body = hs_proto_get (event, "body");
    if (hs_event_published (type)) {
        huishang_print_line (units, topic, body);
        return;
    }
    huishang_print_time (huishang_print_int (event, "at"), when, sizeof (when));
    char source [HS_CODE_MAX + 1];
    printf ("%s #%lld %s: %s", when, (long long) huishang_print_int (event, "seq"), type,
            hs_units_zh (units, huishang_print_str (body, "source", source, sizeof (source))));
    if (streq (type, "report")) {
        char level [HS_CODE_MAX + 1];
        int parsed = hs_level_parse (huishang_print_str (event, "level", level, sizeof (level)));
        printf (" reports %lld人", (long long) huishang_print_int (body, "workers"));
        if (huishang_print_int (body, "amount") >= 0)
            printf (" ¥%lld", (long long) huishang_print_int (body, "amount"));
        printf (" → %s(%s) by ", parsed >= 0? hs_level_zh (parsed): "", level);
        huishang_print_strings (hs_proto_get (event, "reasons"));
    }
    else
    if (streq (type, "update")) {
        bool noted = hs_proto_get (body, "note") != NULL;
        printf (" %s", huishang_print_str (body, "status", text, sizeof (text)));
        if (noted)
            printf (": %s", huishang_print_str (body, "note", text, sizeof (text)));
    }
    else
    if (streq (type, "rsvp"))
        printf (" %s %s", huishang_print_str (body, "answer", text, sizeof (text)),
                huishang_print_str (body, "meeting", source, sizeof (source)));
    else
    if (streq (type, "minutes")) {
        printf (" minutes of %s: ", huishang_print_str (body, "meeting", source, sizeof (source)));
        huishang_print_strings (hs_proto_get (body, "decisions"));
    }
    printf ("\n");
}

void
huishang_print_case (hs_units_t *units, const msgpack_object *kase, bool long_form)
{
    char id [HS_ID_MAX + 1], level [HS_CODE_MAX + 1], street [HS_CODE_MAX + 1];
    char category [HS_CODE_MAX + 1], status [HS_CODE_MAX + 1], enterprise [HS_NAME_MAX + 1];
    int parsed = hs_level_parse (huishang_print_str (kase, "level", level, sizeof (level)));
    const msgpack_object *closed = hs_proto_get (kase, "closed");
    const msgpack_object *overdue = hs_proto_get (kase, "overdue");
    bool is_closed = closed && closed->type == MSGPACK_OBJECT_BOOLEAN && closed->via.boolean;
    bool is_overdue = !is_closed && overdue && overdue->type == MSGPACK_OBJECT_BOOLEAN
                    && overdue->via.boolean;
    //  Since 0.5 a case has a stage (open, resolved, closed, merged);
    //  before, only closed or not.
    char stage [HS_CODE_MAX + 1];
    if (hs_proto_strcpy (hs_proto_get (kase, "stage"), stage, sizeof (stage)))
        snprintf (stage, sizeof (stage), "%s", is_closed? "closed": "open");
    printf ("%s %s(%s) %s %s %lld人 %s/%s%s %s\n", huishang_print_str (kase, "id", id, sizeof (id)),
            parsed >= 0? hs_level_zh (parsed): "", level,
            hs_units_zh (units, huishang_print_str (kase, "street", street, sizeof (street))),
            huishang_print_str (kase, "category", category, sizeof (category)),
            (long long) huishang_print_int (kase, "workers"),
            stage, huishang_print_str (kase, "status", status, sizeof (status)),
            is_overdue? " OVERDUE": "",
            huishang_print_str (kase, "enterprise", enterprise, sizeof (enterprise)));
    if (!long_form)
        return;
    printf ("  units:   ");
    huishang_print_units (units, hs_proto_get (kase, "units"));
    printf ("\n  reasons: ");
    huishang_print_strings (hs_proto_get (kase, "reasons"));
    char version [48], when [48];
    printf ("\n  rules:   %.12s\n",
            huishang_print_str (kase, "rules_version", version, sizeof (version)));
    if (!is_closed && huishang_print_int (kase, "due_at") > 0) {
        huishang_time_format_zoned (huishang_print_int (kase, "due_at"), when, sizeof (when));
        printf ("  due:     an update by %s%s\n", when, is_overdue? " (overdue)": "");
    }
}
