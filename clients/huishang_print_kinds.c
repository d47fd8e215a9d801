/*  =========================================================================
    huishang_print_kinds - the rest of the published kinds, one line each
    =========================================================================
*/

#include "huishang_print_kinds.h"
#include "huishang_print.h"
#include "huishang_words.h"
#include "../protocol/hs_handler.h"

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

bool
huishang_print_kinds (hs_units_t *units, const char *topic, const msgpack_object *map)
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

void
huishang_print_fields (const msgpack_object *map)
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
