/*  =========================================================================
    huishang_case - how `huishang case` shows a case being handled

    People read these lines at a duty desk: the Chinese word first (签收,
    催办, 审核办结 ...), then the wire's name for scripts and for whoever
    reads PROTOCOL.md beside it. Every word comes from one table, so a
    name the daemon adds later shows as itself rather than as nothing.
    =========================================================================
*/

#include "huishang_case.h"
#include "huishang_print.h"

typedef struct {
    const char *name;           //  the wire's name
    const char *zh;             //  what a person reads
} s_word_t;

static const s_word_t s_stages [] = {
    { "open", "办理中" }, { "resolved", "待审核" }, { "closed", "已办结" }, { "merged", "已合并" },
    { NULL, NULL }
};
static const s_word_t s_states [] = {
    { "routed", "已派" }, { "signed", "已签收" }, { "done", "已办结" }, { "returned", "已退单" },
    { "removed", "已移除" }, { NULL, NULL }
};
static const s_word_t s_roles [] = { { "lead", "主办" }, { "co", "协办" }, { NULL, NULL } };
static const s_word_t s_clocks [] = {
    { "sign", "签收" }, { "progress", "进展" }, { "resolve", "办结" }, { NULL, NULL }
};
static const s_word_t s_rungs [] = {
    { "none", "未超期" }, { "remind", "催办" }, { "supervise", "督办" }, { "circulate", "通报" },
    { NULL, NULL }
};
static const s_word_t s_statuses [] = {
    { "signed", "签收" }, { "returned", "退单" }, { "accepted", "受理" },
    { "mediating", "调解中" }, { "resolved", "办结" }, { "closed", "结案" },
    { "failed", "调解失败" }, { NULL, NULL }
};
static const s_word_t s_acts [] = {
    { "close", "审核办结" }, { "reject_closure", "退回重办" }, { "followup", "回访" },
    { "regrade", "调整等级" }, { "merge", "合并" }, { "split", "拆分" },
    { "mute", "暂停督办" }, { "unmute", "恢复督办" }, { "reroute", "调整承办单位" },
    { "insist", "坚持交办" }, { NULL, NULL }
};
static const s_word_t s_alerts [] = {
    { "new", "立案" }, { "escalated", "升级" }, { "resolved", "办结待审核" },
    { "closed", "审核办结" }, { "reopened", "重新办理" }, { "sent_back", "退回重办" },
    { "returned", "退单" }, { "failed", "调解失败" }, { "regraded", "调整等级" },
    { "merged", "合并" }, { "unmuted", "恢复督办" }, { "overdue", "超期" },
    { "warning", "会议未达法定人数" }, { NULL, NULL }
};
static const s_word_t s_types [] = {
    { "report", "上报" }, { "meeting", "会议" }, { "reminder", "会议提醒" },
    { "escalate", "上报上级" }, { "warning", "预警" }, { "minutes", "会议纪要" },
    { "rsvp", "回复" }, { "brief", "通报" }, { NULL, NULL }
};

//  The Chinese of a wire name, or the name itself if the table lacks it.
static const char *
s_zh (const s_word_t *words, const char *name)
{
    for (size_t index = 0; words [index].name; index++)
        if (streq (words [index].name, name))
            return words [index].zh;
    return name;
}

//  A string field, or "" if absent.
static const char *
s_field (const msgpack_object *map, const char *key, char *buffer, size_t size)
{
    if (hs_proto_strcpy (hs_proto_get (map, key), buffer, size))
        *buffer = 0;
    return buffer;
}

static bool
s_bool (const msgpack_object *map, const char *key)
{
    const msgpack_object *value = hs_proto_get (map, key);
    return value && value->type == MSGPACK_OBJECT_BOOLEAN && value->via.boolean;
}

static bool
s_is_array (const msgpack_object *value)
{
    return value && value->type == MSGPACK_OBJECT_ARRAY;
}

//  A unit as 区人社局(hrss).
static void
s_print_unit (hs_units_t *units, const char *code)
{
    const char *zh = hs_units_zh (units, code);
    if (streq (zh, code))
        printf ("%s", code);
    else
        printf ("%s(%s)", zh, code);
}

//  A level as 重大(major).
static void
s_print_level (const char *name)
{
    int level = hs_level_parse (name);
    printf ("%s(%s)", level >= 0? hs_level_zh (level): "", name);
}

//  A length of time as 2d3h, 1h20m, 45s.
static void
s_print_span (int64_t ms)
{
    int64_t minutes = ms / 60000, hours = minutes / 60, days = hours / 24;
    if (days)
        printf ("%lldd%lldh", (long long) days, (long long) (hours % 24));
    else
    if (hours)
        printf ("%lldh%lldm", (long long) hours, (long long) (minutes % 60));
    else
    if (minutes)
        printf ("%lldm", (long long) minutes);
    else
        printf ("%llds", (long long) (ms / 1000));
}

static void
s_print_time (int64_t ms)
{
    char when [32];
    huishang_print_time (ms, when, sizeof (when));
    printf ("%s", when);
}

//  ---------------------------------------------------------------------
//  The case record

//  One clock of a handler: 签收 sign, due ..., its rung, notices, stopped.
static void
s_print_clock (const msgpack_object *clock)
{
    char name [16], rung_name [16];
    s_field (clock, "clock", name, sizeof (name));
    if (!*s_field (clock, "rung", rung_name, sizeof (rung_name)))
        hs_strcpy (rung_name, sizeof (rung_name), "none");     //  nil: no notice yet
    printf ("      %s %-9s due ", s_zh (s_clocks, name), name);
    s_print_time (hs_proto_int (clock, "due", 0));
    printf ("  %s %s", s_zh (s_rungs, rung_name), rung_name);
    int64_t notices = hs_proto_int (clock, "notices", 0);
    if (notices > 0)
        printf (", %lld notice%s", (long long) notices, notices == 1? "": "s");
    int64_t next = hs_proto_int (clock, "next", 0);
    if (next > 0) {
        printf (", next ");
        s_print_time (next);
    }
    else
        printf (", 已停 stopped");
    printf ("\n");
}

//  One handler: unit, 主办/协办, its state, when, then its clocks.
static void
s_print_handler (hs_units_t *units, const msgpack_object *handler)
{
    char unit [HS_CODE_MAX + 1], role [16], state [16];
    s_field (handler, "unit", unit, sizeof (unit));
    s_field (handler, "role", role, sizeof (role));
    s_field (handler, "state", state, sizeof (state));
    printf ("    ");
    s_print_unit (units, unit);
    printf (" %s %s(%s)", s_zh (s_roles, role), s_zh (s_states, state), state);
    static const struct { const char *key, *zh; } moments [] = {
        { "routed", "派" }, { "signed", "签收" }, { "progress", "进展" }, { "done", "办结" }
    };
    for (size_t index = 0; index < sizeof (moments) / sizeof (moments [0]); index++) {
        int64_t at = hs_proto_int (handler, moments [index].key, 0);
        if (at > 0) {
            printf (", %s ", moments [index].zh);
            s_print_time (at);
        }
    }
    printf ("\n");
    const msgpack_object *clocks = hs_proto_get (handler, "clocks");
    for (uint32_t index = 0; s_is_array (clocks) && index < clocks->via.array.size; index++)
        if (clocks->via.array.ptr [index].type == MSGPACK_OBJECT_MAP)
            s_print_clock (&clocks->via.array.ptr [index]);
}

//  Case ids of an array, joined by ", ".
static void
s_print_ids (const char *label, const msgpack_object *list)
{
    if (!s_is_array (list) || list->via.array.size == 0)
        return;
    printf ("  %s", label);
    huishang_print_strings (list);
    printf ("\n");
}

void
huishang_case_print_handling (hs_units_t *units, const msgpack_object *kase)
{
    char text [HS_ID_MAX + 1];
    if (*s_field (kase, "stage", text, sizeof (text)))
        printf ("  stage:   %s (%s)\n", s_zh (s_stages, text), text);
    if (*s_field (kase, "rules_level", text, sizeof (text))) {
        printf ("  graded:  the rules last said ");
        s_print_level (text);
        printf ("\n");
    }
    if (*s_field (kase, "lead", text, sizeof (text))) {
        printf ("  lead:    主办 ");
        s_print_unit (units, text);
        printf ("\n");
    }
    const msgpack_object *handlers = hs_proto_get (kase, "handlers");
    if (s_is_array (handlers) && handlers->via.array.size) {
        printf ("  handlers:\n");
        for (uint32_t index = 0; index < handlers->via.array.size; index++)
            if (handlers->via.array.ptr [index].type == MSGPACK_OBJECT_MAP)
                s_print_handler (units, &handlers->via.array.ptr [index]);
    }
    if (hs_proto_int (kase, "muted_until", 0) > 0) {
        printf ("  muted:   督办通知暂停至 ");
        s_print_time (hs_proto_int (kase, "muted_until", 0));
        printf (" (supervision notices held)\n");
    }
    if (*s_field (kase, "followup", text, sizeof (text)))
        printf ("  followup: 回访%s (%s)\n",
                streq (text, "satisfied")? "满意": streq (text, "unsatisfied")? "不满意": "", text);
    if (*s_field (kase, "merged_into", text, sizeof (text)))
        printf ("  merged:  已并入 %s (merged into)\n", text);
    s_print_ids ("merged from: ", hs_proto_get (kase, "merged_from"));
    if (hs_proto_int (kase, "reopened", 0) > 0)
        printf ("  reopened: 重新办理 %lld 次\n", (long long) hs_proto_int (kase, "reopened", 0));
    if (hs_proto_int (kase, "timer_at", 0) > 0) {
        printf ("  next check: ");
        s_print_time (hs_proto_int (kase, "timer_at", 0));
        printf ("%s\n", s_bool (kase, "overdue")? " (逾期 overdue)": "");
    }
}

//  ---------------------------------------------------------------------
//  The history

//  A note or reason, after a dash.
static void
s_print_text (const msgpack_object *body, const char *key, const char *label)
{
    const msgpack_object *text = hs_proto_get (body, key);
    if (text && text->type == MSGPACK_OBJECT_STR)
        printf (" — %s%.*s", label, (int) text->via.str.size, text->via.str.ptr);
}

//  Units of an array, by their Chinese names, after a label.
static void
s_print_unit_list (hs_units_t *units, const char *label, const msgpack_object *list)
{
    if (!s_is_array (list) || list->via.array.size == 0)
        return;
    if (*label)
        printf (" %s ", label);
    else
        printf (" ");
    huishang_print_units (units, list);
}

//  The facts an update or report may carry: 40人 ¥600000 [flags].
static void
s_print_facts (const msgpack_object *body)
{
    if (hs_proto_int (body, "workers", -1) >= 0)
        printf (" %lld人", (long long) hs_proto_int (body, "workers", -1));
    if (hs_proto_int (body, "amount", -1) >= 0)
        printf (" ¥%lld", (long long) hs_proto_int (body, "amount", -1));
    const msgpack_object *flags = hs_proto_get (body, "flags");
    if (s_is_array (flags) && flags->via.array.size) {
        printf (" [");
        huishang_print_strings (flags);
        printf ("]");
    }
}

//  An act's keys, those it has: 并入, 报告, 至, 增加, 移除, 主办, 单位 ...
static void
s_print_act (hs_units_t *units, const msgpack_object *body)
{
    char text [HS_ID_MAX + 1];
    const msgpack_object *satisfied = hs_proto_get (body, "satisfied");
    if (satisfied && satisfied->type == MSGPACK_OBJECT_BOOLEAN)
        printf (" %s", satisfied->via.boolean? "满意 satisfied": "不满意 not satisfied");
    if (*s_field (body, "level", text, sizeof (text))) {
        printf (" → ");
        s_print_level (text);
    }
    if (*s_field (body, "into", text, sizeof (text)))
        printf (" 并入 into %s", text);
    if (hs_proto_int (body, "report", 0) > 0)
        printf (" 报告 report #%lld", (long long) hs_proto_int (body, "report", 0));
    if (hs_proto_int (body, "until", 0) > 0) {
        printf (" 至 until ");
        s_print_time (hs_proto_int (body, "until", 0));
    }
    s_print_unit_list (units, "增加 add", hs_proto_get (body, "add"));
    s_print_unit_list (units, "移除 remove", hs_proto_get (body, "remove"));
    if (*s_field (body, "lead", text, sizeof (text))) {
        printf (" 主办 lead ");
        s_print_unit (units, text);
    }
    if (*s_field (body, "unit", text, sizeof (text))) {
        printf (" ");
        s_print_unit (units, text);
    }
    s_print_text (body, "reason", "理由: ");
    s_print_text (body, "note", "");
}

//  An alert: its kind in Chinese (a supervision notice: its rung), the
//  level, then the keys it has, and to whom.
static void
s_print_alert (hs_units_t *units, const char *topic, const msgpack_object *body)
{
    char kind [HS_CODE_MAX + 1], text [HS_ID_MAX + 1];
    s_field (body, "kind", kind, sizeof (kind));
    if (streq (kind, "supervision"))
        printf ("%s %s [supervision] ", s_zh (s_rungs, s_field (body, "rung", text, sizeof (text))),
                topic);
    else
        printf ("%s %s [%s] ", s_zh (s_alerts, kind), topic, kind);
    if (*s_field (body, "previous_level", text, sizeof (text))) {
        s_print_level (text);
        printf (" → ");
    }
    s_print_level (s_field (body, "level", text, sizeof (text)));
    if (streq (kind, "new") || streq (kind, "escalated"))
        s_print_facts (body);
    if (*s_field (body, "unit", text, sizeof (text))) {
        printf (" ");
        s_print_unit (units, text);
    }
    if (*s_field (body, "clock", text, sizeof (text)))
        printf (" %s(%s)", s_zh (s_clocks, text), text);
    if (hs_proto_int (body, "count", 0) > 0)
        printf (" 第%lld次", (long long) hs_proto_int (body, "count", 0));
    if (hs_proto_int (body, "late_ms", -1) >= 0) {
        printf (" 逾期 ");
        s_print_span (hs_proto_int (body, "late_ms", 0));
    }
    if (*s_field (body, "into", text, sizeof (text)))
        printf (" 并入 into %s", text);
    const msgpack_object *satisfied = hs_proto_get (body, "satisfied");
    if (satisfied && satisfied->type == MSGPACK_OBJECT_BOOLEAN)
        printf (" %s", satisfied->via.boolean? "满意": "不满意");
    s_print_text (body, "note", "");
    s_print_unit_list (units, "→", hs_proto_get (body, "units"));
    const msgpack_object *reasons = hs_proto_get (body, "reasons");
    if (s_is_array (reasons) && reasons->via.array.size) {
        printf (" (");
        huishang_print_strings (reasons);
        printf (")");
    }
}

void
huishang_case_print_event (hs_units_t *units, const msgpack_object *event)
{
    char type [16], topic [HS_TOPIC_MAX + 1], source [HS_CODE_MAX + 1], text [HS_ID_MAX + 1];
    s_field (event, "type", type, sizeof (type));
    s_field (event, "topic", topic, sizeof (topic));
    const msgpack_object *body = hs_proto_get (event, "body");
    s_field (body, "source", source, sizeof (source));
    printf ("  ");
    s_print_time (hs_proto_int (event, "at", 0));
    printf (" #%lld ", (long long) hs_proto_int (event, "seq", 0));
    if (streq (type, "alert"))
        s_print_alert (units, topic, body);
    else
    if (streq (type, "update")) {
        s_field (body, "status", text, sizeof (text));
        printf ("%s update ", s_zh (s_statuses, text));
        s_print_unit (units, source);
        printf (": %s", text);
        s_print_facts (body);
        s_print_text (body, "note", "");
    }
    else
    if (streq (type, "act")) {
        s_field (body, "act", text, sizeof (text));
        printf ("%s act %s ", s_zh (s_acts, text), text);
        s_print_unit (units, source);
        printf (":");
        s_print_act (units, body);
    }
    else
    if (streq (type, "report")) {
        printf ("上报 report ");
        s_print_unit (units, source);
        printf (":");
        s_print_facts (body);
        printf (" → ");
        s_print_level (s_field (event, "level", text, sizeof (text)));
        printf (" (");
        huishang_print_strings (hs_proto_get (event, "reasons"));
        printf (")");
    }
    else
    if (streq (type, "meeting")) {
        printf ("会议 %s %s [%s] ", topic, s_field (body, "meeting", source, sizeof (source)),
                s_field (body, "urgency", text, sizeof (text)));
        s_print_level (s_field (body, "level", text, sizeof (text)));
        printf (", 限 ");
        s_print_time (hs_proto_int (body, "deadline", 0));
        printf (" 前召开:");
        s_print_unit_list (units, "", hs_proto_get (body, "participants"));
    }
    else
    if (streq (type, "reminder")) {
        printf ("会议提醒 %s %s", topic, s_field (body, "meeting", text, sizeof (text)));
        s_print_unit_list (units, "→", hs_proto_get (body, "to"));
    }
    else
    if (streq (type, "minutes")) {
        printf ("会议纪要 minutes %s: ", s_field (body, "meeting", text, sizeof (text)));
        huishang_print_strings (hs_proto_get (body, "decisions"));
    }
    else
    if (streq (type, "rsvp")) {
        printf ("回复 rsvp ");
        s_print_unit (units, source);
        printf (": %s %s", s_field (body, "answer", text, sizeof (text)),
                s_field (body, "meeting", topic, sizeof (topic)));
    }
    else {
        printf ("%s %s", s_zh (s_types, type), topic);
        if (*s_field (body, "to", text, sizeof (text))) {
            printf (" → ");
            s_print_unit (units, text);
        }
        if (*s_field (body, "kind", text, sizeof (text)))
            printf (" [%s]", text);
        if (*s_field (body, "level", text, sizeof (text))) {
            printf (" ");
            s_print_level (text);
        }
        if (hs_proto_int (body, "count", -1) >= 0)
            printf (" count %lld", (long long) hs_proto_int (body, "count", -1));
    }
    printf ("\n");
}
