/*  =========================================================================
    huishang_case - how `huishang case` shows a case being handled

    People read these lines at a duty desk: the Chinese word first (签收,
    催办, 审核办结 ...), then the wire's name for scripts and for whoever
    reads PROTOCOL.md beside it. Every word comes from huishang_words, which
    `huishang dossier` shares: a case reads alike on a terminal and on paper.
    =========================================================================
*/

#include "huishang_case.h"
#include "huishang_print.h"
#include "huishang_words.h"

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
    printf ("%s(%s)", huishang_words_level (name), name);
}

//  A length of time as 2d3h, 1h20m, 45s.
static void
s_print_span (int64_t ms)
{
    char span [32];
    huishang_words_span (ms, span, sizeof (span));
    printf ("%s", span);
}

static void
s_print_time (int64_t ms)
{
    char when [32];
    huishang_print_time (ms, when, sizeof (when));
    printf ("%s", when);
}

//  A due time or deadline, which could be misread: with the zone (+08:00).
static void
s_print_when (int64_t ms)
{
    char when [48];
    huishang_time_format_zoned (ms, when, sizeof (when));
    printf ("%s", when);
}

//  ---------------------------------------------------------------------
//  The case record

//  One clock of a handler: 签收 sign, due ..., its rung, notices, stopped;
//  nothing for one that never started.
static void
s_print_clock (const msgpack_object *clock)
{
    if (!hs_proto_int (clock, "start", 0) && !hs_proto_int (clock, "next", 0))
        return;                 //  never started (a co-handler's progress): nothing to say
    char name [16], rung_name [16];
    huishang_print_field (clock, "clock", name, sizeof (name));
    if (!*huishang_print_field (clock, "rung", rung_name, sizeof (rung_name)))
        hs_strcpy (rung_name, sizeof (rung_name), "none");     //  nil: no notice yet
    printf ("      %s %-9s due ", huishang_words_zh (HUISHANG_WORDS_CLOCK, name), name);
    s_print_when (hs_proto_int (clock, "due", 0));
    printf ("  %s %s", huishang_words_zh (HUISHANG_WORDS_RUNG, rung_name), rung_name);
    int64_t notices = hs_proto_int (clock, "notices", 0);
    if (notices > 0)
        printf (", %lld notice%s", (long long) notices, notices == 1? "": "s");
    int64_t next = hs_proto_int (clock, "next", 0);
    if (next > 0) {
        printf (", next ");
        s_print_when (next);
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
    huishang_print_field (handler, "unit", unit, sizeof (unit));
    huishang_print_field (handler, "role", role, sizeof (role));
    huishang_print_field (handler, "state", state, sizeof (state));
    printf ("    ");
    s_print_unit (units, unit);
    printf (" %s %s(%s)", huishang_words_zh (HUISHANG_WORDS_ROLE, role),
            huishang_words_zh (HUISHANG_WORDS_STATE, state), state);
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
    if (*huishang_print_field (kase, "stage", text, sizeof (text)))
        printf ("  stage:   %s (%s)\n", huishang_words_zh (HUISHANG_WORDS_STAGE, text), text);
    if (*huishang_print_field (kase, "rules_level", text, sizeof (text))) {
        printf ("  graded:  the rules last said ");
        s_print_level (text);
        printf ("\n");
    }
    if (*huishang_print_field (kase, "lead", text, sizeof (text))) {
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
        s_print_when (hs_proto_int (kase, "muted_until", 0));
        printf (" (supervision notices held)\n");
    }
    if (*huishang_print_field (kase, "followup", text, sizeof (text)))
        printf ("  followup: 回访%s (%s)\n",
                streq (text, "satisfied")? "满意": streq (text, "unsatisfied")? "不满意": "", text);
    if (*huishang_print_field (kase, "merged_into", text, sizeof (text)))
        printf ("  merged:  已并入 %s (merged into)\n", text);
    s_print_ids ("merged from: ", hs_proto_get (kase, "merged_from"));
    if (hs_proto_int (kase, "reopened", 0) > 0)
        printf ("  reopened: 重新办理 %lld 次\n", (long long) hs_proto_int (kase, "reopened", 0));
    if (hs_proto_int (kase, "timer_at", 0) > 0) {
        printf ("  next check: ");
        s_print_when (hs_proto_int (kase, "timer_at", 0));
        printf ("%s\n", huishang_print_bool (kase, "overdue")? " (逾期 overdue)": "");
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

//  Who in the unit did it (an update's, an act's, the alert's they
//  caused): " by 张伟", or nothing when the body names nobody.
static void
s_print_person (const msgpack_object *body)
{
    const msgpack_object *person = hs_proto_get (body, "person");
    if (person && person->type == MSGPACK_OBJECT_STR && person->via.str.size)
        printf (" by %.*s", (int) person->via.str.size, person->via.str.ptr);
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
    if (*huishang_print_field (body, "level", text, sizeof (text))) {
        printf (" → ");
        s_print_level (text);
    }
    if (*huishang_print_field (body, "into", text, sizeof (text)))
        printf (" 并入 into %s", text);
    if (hs_proto_int (body, "report", 0) > 0)
        printf (" 报告 report #%lld", (long long) hs_proto_int (body, "report", 0));
    if (hs_proto_int (body, "until", 0) > 0) {
        printf (" 至 until ");
        s_print_when (hs_proto_int (body, "until", 0));
    }
    s_print_unit_list (units, "增加 add", hs_proto_get (body, "add"));
    s_print_unit_list (units, "移除 remove", hs_proto_get (body, "remove"));
    if (*huishang_print_field (body, "lead", text, sizeof (text))) {
        printf (" 主办 lead ");
        s_print_unit (units, text);
    }
    if (*huishang_print_field (body, "unit", text, sizeof (text))) {
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
    huishang_print_field (body, "kind", kind, sizeof (kind));
    if (streq (kind, "supervision"))
        printf ("%s %s [supervision] ", huishang_words_zh (HUISHANG_WORDS_RUNG,
                huishang_print_field (body, "rung", text, sizeof (text))), topic);
    else
        printf ("%s %s [%s] ", huishang_words_zh (HUISHANG_WORDS_ALERT, kind), topic, kind);
    if (*huishang_print_field (body, "previous_level", text, sizeof (text))) {
        s_print_level (text);
        printf (" → ");
    }
    s_print_level (huishang_print_field (body, "level", text, sizeof (text)));
    if (streq (kind, "new") || streq (kind, "escalated"))
        s_print_facts (body);
    if (*huishang_print_field (body, "unit", text, sizeof (text))) {
        printf (" ");
        s_print_unit (units, text);
    }
    if (*huishang_print_field (body, "clock", text, sizeof (text)))
        printf (" %s(%s)", huishang_words_zh (HUISHANG_WORDS_CLOCK, text), text);
    if (hs_proto_int (body, "count", 0) > 0)
        printf (" 第%lld次", (long long) hs_proto_int (body, "count", 0));
    if (hs_proto_int (body, "late_ms", -1) >= 0) {
        printf (" 逾期 ");
        s_print_span (hs_proto_int (body, "late_ms", 0));
    }
    if (*huishang_print_field (body, "into", text, sizeof (text)))
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
    s_print_person (body);
}

void
huishang_case_print_event (hs_units_t *units, const msgpack_object *event)
{
    char type [16], topic [HS_TOPIC_MAX + 1], source [HS_CODE_MAX + 1], text [HS_ID_MAX + 1];
    huishang_print_field (event, "type", type, sizeof (type));
    huishang_print_field (event, "topic", topic, sizeof (topic));
    const msgpack_object *body = hs_proto_get (event, "body");
    huishang_print_field (body, "source", source, sizeof (source));
    printf ("  ");
    s_print_time (hs_proto_int (event, "at", 0));
    printf (" #%lld ", (long long) hs_proto_int (event, "seq", 0));
    if (streq (type, "alert"))
        s_print_alert (units, topic, body);
    else
    if (streq (type, "update")) {
        huishang_print_field (body, "status", text, sizeof (text));
        printf ("%s update ", huishang_words_zh (HUISHANG_WORDS_STATUS, text));
        s_print_unit (units, source);
        s_print_person (body);
        printf (": %s", text);
        s_print_facts (body);
        s_print_text (body, "note", "");
    }
    else
    if (streq (type, "act")) {
        huishang_print_field (body, "act", text, sizeof (text));
        printf ("%s act %s ", huishang_words_zh (HUISHANG_WORDS_ACT, text), text);
        s_print_unit (units, source);
        s_print_person (body);
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
        s_print_level (huishang_print_field (event, "level", text, sizeof (text)));
        printf (" (");
        huishang_print_strings (hs_proto_get (event, "reasons"));
        printf (")");
    }
    else
    if (streq (type, "meeting")) {
        printf ("会议 %s %s [%s] ", topic,
                huishang_print_field (body, "meeting", source, sizeof (source)),
                huishang_print_field (body, "urgency", text, sizeof (text)));
        s_print_level (huishang_print_field (body, "level", text, sizeof (text)));
        printf (", 限 ");
        s_print_when (hs_proto_int (body, "deadline", 0));
        printf (" 前召开:");
        s_print_unit_list (units, "", hs_proto_get (body, "participants"));
    }
    else
    if (streq (type, "reminder")) {
        printf ("会议提醒 %s %s", topic, huishang_print_field (body, "meeting", text, sizeof (text)));
        s_print_unit_list (units, "→", hs_proto_get (body, "to"));
    }
    else
    if (streq (type, "minutes")) {
        printf ("会议纪要 minutes %s: ", huishang_print_field (body, "meeting", text, sizeof (text)));
        huishang_print_strings (hs_proto_get (body, "decisions"));
    }
    else
    if (streq (type, "rsvp")) {
        printf ("回复 rsvp ");
        s_print_unit (units, source);
        printf (": %s %s", huishang_print_field (body, "answer", text, sizeof (text)),
                huishang_print_field (body, "meeting", topic, sizeof (topic)));
    }
    else {
        printf ("%s %s", huishang_words_zh (HUISHANG_WORDS_TYPE, type), topic);
        if (*huishang_print_field (body, "to", text, sizeof (text))) {
            printf (" → ");
            s_print_unit (units, text);
        }
        if (*huishang_print_field (body, "kind", text, sizeof (text)))
            printf (" [%s]", text);
        if (*huishang_print_field (body, "level", text, sizeof (text))) {
            printf (" ");
            s_print_level (text);
        }
        if (hs_proto_int (body, "count", -1) >= 0)
            printf (" count %lld", (long long) hs_proto_int (body, "count", -1));
    }
    printf ("\n");
}
