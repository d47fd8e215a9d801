/*  =========================================================================
    huishang_dossier_events - the events of a case's history, as rows

    Each row's content is lines (<div>) of labelled pieces: a label in
    Chinese with its English beside it (class "k"), then the value. Only
    what the event has is shown. The words come from huishang_words, as
    `huishang case` has them; every value goes through huishang_html.
    =========================================================================
*/

#include "huishang_dossier_events.h"
#include "huishang_html.h"
#include "huishang_print.h"
#include "../protocol/hs_json.h"
#include <czmq.h>

//  A label: 来源 <en>source</en>, then a space.
static void
s_label (FILE *out, const char *zh, const char *en)
{
    fprintf (out, "<span class=\"k\">%s <span class=\"en\">%s</span></span> ", zh, en);
}

//  Before a piece of a line: a dot unless it is the line's first;
//  `*pieces` counts them.
static void
s_next (FILE *out, int *pieces)
{
    if ((*pieces)++)
        fputs (" <span class=\"sep\">·</span> ", out);
}

//  A string or whole-number field as a labelled piece of a line (after
//  s_next). Nothing if the field is absent.
static void
s_piece (FILE *out, const msgpack_object *map, const char *key, const char *zh, const char *en,
         int *pieces)
{
    const msgpack_object *value = hs_proto_get (map, key);
    if (!value || (value->type != MSGPACK_OBJECT_STR
               &&  value->type != MSGPACK_OBJECT_POSITIVE_INTEGER))
        return;
    s_next (out, pieces);
    s_label (out, zh, en);
    huishang_html_value (out, value);
}

//  A text of many lines (a note, a reason, a summary) on a line of its own.
static void
s_text_line (FILE *out, const msgpack_object *map, const char *key, const char *zh,
             const char *en)
{
    const msgpack_object *value = hs_proto_get (map, key);
    if (!value || value->type != MSGPACK_OBJECT_STR)
        return;
    fputs ("<div>", out);
    s_label (out, zh, en);
    fputs ("<span class=\"note\">", out);
    huishang_html_value (out, value);
    fputs ("</span></div>\n", out);
}

//  A list of units on a line of its own: 通知 to: 区人社局、会商机制办公室.
static void
s_units_line (FILE *out, hs_units_t *units, const msgpack_object *list, const char *zh,
              const char *en)
{
    if (!list || list->type != MSGPACK_OBJECT_ARRAY || list->via.array.size == 0)
        return;
    fputs ("<div>", out);
    s_label (out, zh, en);
    huishang_html_units (out, units, list);
    fputs ("</div>\n", out);
}

//  The rules that fired, on a line of their own, with their version.
static void
s_reasons_line (FILE *out, const msgpack_object *map, const char *zh, const char *en)
{
    const msgpack_object *reasons = hs_proto_get (map, "reasons");
    const msgpack_object *version = hs_proto_get (map, "rules_version");
    bool listed = reasons && reasons->type == MSGPACK_OBJECT_ARRAY && reasons->via.array.size;
    if (!listed && !version)
        return;
    fputs ("<div>", out);
    if (listed) {
        s_label (out, zh, en);
        fputs ("<span class=\"rules\">", out);
        huishang_html_strings (out, reasons, ", ");
        fputs ("</span>", out);
    }
    if (version && version->type == MSGPACK_OBJECT_STR) {
        int pieces = listed;
        s_next (out, &pieces);
        s_label (out, "规则版本", "rules version");
        fputs ("<code class=\"version\">", out);
        huishang_html_value (out, version);
        fputs ("</code>", out);
    }
    fputs ("</div>\n", out);
}

//  A report's or an update's facts, after a dot: 35人 · ¥600,000 · 聚集 gathering.
static void
s_facts (FILE *out, const msgpack_object *body, int *pieces)
{
    if (hs_proto_int (body, "workers", -1) >= 0) {
        s_next (out, pieces);
        fprintf (out, "<b>%lld</b> 人 <span class=\"en\">workers</span>",
                 (long long) hs_proto_int (body, "workers", -1));
    }
    if (hs_proto_int (body, "amount", -1) >= 0) {
        s_next (out, pieces);
        huishang_html_amount (out, hs_proto_int (body, "amount", -1));
    }
    const msgpack_object *flags = hs_proto_get (body, "flags");
    if (flags && flags->type == MSGPACK_OBJECT_ARRAY && flags->via.array.size) {
        s_next (out, pieces);
        huishang_html_words (out, HUISHANG_WORDS_FLAG, flags);
    }
}

//  The unit that sent it, as the line's first piece.
static void
s_source (FILE *out, hs_units_t *units, const msgpack_object *body, int *pieces)
{
    char source [HS_CODE_MAX + 1];
    if (!*huishang_print_field (body, "source", source, sizeof (source)))
        return;
    s_next (out, pieces);
    huishang_html_unit (out, units, source, false);
}

//  The id a unit gave its message, and the time it says it sent it.
static void
s_ids_line (FILE *out, const msgpack_object *body)
{
    int pieces = 0;
    fputs ("<div class=\"minor\">", out);
    s_piece (out, body, "id", "编号", "id", &pieces);
    if (hs_proto_int (body, "at", 0) > 0) {
        s_next (out, &pieces);
        s_label (out, "发送时间", "sent at");
        huishang_html_time (out, hs_proto_int (body, "at", 0));
    }
    fputs ("</div>\n", out);
}

//  ---------------------------------------------------------------------
//  By type

static void
s_report (FILE *out, hs_units_t *units, const msgpack_object *event, const msgpack_object *body)
{
    int pieces = 0;
    char text [HS_CODE_MAX + 1];
    fputs ("<div>", out);
    s_source (out, units, body, &pieces);
    s_facts (out, body, &pieces);
    if (*huishang_print_field (body, "category", text, sizeof (text))) {
        s_next (out, &pieces);
        huishang_html_word (out, HUISHANG_WORDS_CATEGORY, text);
    }
    fputs ("</div>\n<div>", out);
    const msgpack_object *enterprise = hs_proto_get (body, "enterprise");
    pieces = 0;
    s_piece (out, enterprise, "name", "企业", "enterprise", &pieces);
    s_piece (out, enterprise, "credit_code", "信用代码", "credit code", &pieces);
    if (*huishang_print_field (enterprise, "ownership", text, sizeof (text))) {
        s_next (out, &pieces);
        huishang_html_word (out, HUISHANG_WORDS_OWNERSHIP, text);
    }
    s_piece (out, enterprise, "sector", "行业", "sector", &pieces);
    //  A report names its street by code or by short name (§3.2).
    char street [HS_CODE_MAX + 1];
    if (*huishang_print_field (body, "street", street, sizeof (street))) {
        const hs_unit_t *unit = hs_units_street (units, street);
        s_next (out, &pieces);
        s_label (out, "街道", "street");
        huishang_html_unit (out, units, unit? unit->code: street, false);
    }
    fputs ("</div>\n", out);
    s_text_line (out, body, "summary", "摘要", "summary");
    char level [HS_CODE_MAX + 1];
    if (*huishang_print_field (event, "level", level, sizeof (level))) {
        fputs ("<div>", out);
        s_label (out, "定级", "graded");
        huishang_html_level (out, level);
        fputs ("</div>\n", out);
    }
    s_reasons_line (out, event, "触发规则", "rules fired");
    s_ids_line (out, body);
}

static void
s_update (FILE *out, hs_units_t *units, const msgpack_object *body)
{
    int pieces = 0;
    char status [HS_CODE_MAX + 1];
    fputs ("<div>", out);
    s_source (out, units, body, &pieces);
    s_piece (out, body, "person", "经办人", "by", &pieces);
    if (*huishang_print_field (body, "status", status, sizeof (status))) {
        s_next (out, &pieces);
        huishang_html_word (out, HUISHANG_WORDS_STATUS, status);
    }
    s_facts (out, body, &pieces);
    fputs ("</div>\n", out);
    s_text_line (out, body, "note", "说明", "note");
    s_ids_line (out, body);
}

static void
s_act (FILE *out, hs_units_t *units, const msgpack_object *body)
{
    int pieces = 0;
    char text [HS_ID_MAX + 1];
    fputs ("<div>", out);
    s_source (out, units, body, &pieces);
    s_piece (out, body, "person", "经办人", "by", &pieces);
    if (*huishang_print_field (body, "act", text, sizeof (text))) {
        s_next (out, &pieces);
        huishang_html_word (out, HUISHANG_WORDS_ACT, text);
    }
    const msgpack_object *satisfied = hs_proto_get (body, "satisfied");
    if (satisfied && satisfied->type == MSGPACK_OBJECT_BOOLEAN)
        fputs (satisfied->via.boolean? " · 满意 <span class=\"en\">satisfied</span>":
               " · 不满意 <span class=\"en\">not satisfied</span>", out);
    if (*huishang_print_field (body, "level", text, sizeof (text))) {
        s_next (out, &pieces);
        s_label (out, "调整为", "to");
        huishang_html_level (out, text);
    }
    s_piece (out, body, "into", "并入", "into", &pieces);
    if (hs_proto_int (body, "report", 0) > 0) {
        s_next (out, &pieces);
        s_label (out, "拆出报告", "report");
        fprintf (out, "#%lld", (long long) hs_proto_int (body, "report", 0));
    }
    if (hs_proto_int (body, "until", 0) > 0) {
        s_next (out, &pieces);
        s_label (out, "暂停至", "until");
        huishang_html_time (out, hs_proto_int (body, "until", 0));
    }
    if (*huishang_print_field (body, "lead", text, sizeof (text))) {
        s_next (out, &pieces);
        s_label (out, "主办", "lead");
        huishang_html_unit (out, units, text, false);
    }
    if (*huishang_print_field (body, "unit", text, sizeof (text))) {
        s_next (out, &pieces);
        s_label (out, "单位", "unit");
        huishang_html_unit (out, units, text, false);
    }
    fputs ("</div>\n", out);
    s_units_line (out, units, hs_proto_get (body, "add"), "增加", "add");
    s_units_line (out, units, hs_proto_get (body, "remove"), "移除", "remove");
    s_text_line (out, body, "reason", "理由", "reason");
    s_text_line (out, body, "note", "说明", "note");
    s_ids_line (out, body);
}

static void
s_alert (FILE *out, hs_units_t *units, const msgpack_object *body)
{
    char kind [HS_CODE_MAX + 1], text [HS_ID_MAX + 1];
    huishang_print_field (body, "kind", kind, sizeof (kind));
    int pieces = 1;
    fputs ("<div>", out);
    if (*huishang_print_field (body, "previous_level", text, sizeof (text))) {
        huishang_html_level (out, text);
        fputs (" → ", out);
    }
    huishang_html_level (out, huishang_print_field (body, "level", text, sizeof (text)));
    if (streq (kind, "new") || streq (kind, "escalated") || streq (kind, "merged"))
        s_facts (out, body, &pieces);
    s_piece (out, body, "into", "并入", "into", &pieces);
    const msgpack_object *satisfied = hs_proto_get (body, "satisfied");
    if (satisfied && satisfied->type == MSGPACK_OBJECT_BOOLEAN)
        fputs (satisfied->via.boolean? " · 回访满意 <span class=\"en\">satisfied</span>":
               " · 回访不满意 <span class=\"en\">not satisfied</span>", out);
    fputs ("</div>\n", out);
    if (*huishang_print_field (body, "unit", text, sizeof (text))) {
        fputs ("<div>", out);
        s_label (out, "单位", "unit");
        huishang_html_unit (out, units, text, false);
        pieces = 1;
        if (*huishang_print_field (body, "clock", text, sizeof (text))) {
            s_next (out, &pieces);
            s_label (out, "时限", "clock");
            huishang_html_word (out, HUISHANG_WORDS_CLOCK, text);
        }
        if (*huishang_print_field (body, "rung", text, sizeof (text))) {
            s_next (out, &pieces);
            huishang_html_word (out, HUISHANG_WORDS_RUNG, text);
        }
        if (hs_proto_int (body, "count", 0) > 0)
            fprintf (out, " · 第 <b>%lld</b> 次 <span class=\"en\">notice %lld</span>",
                     (long long) hs_proto_int (body, "count", 0),
                     (long long) hs_proto_int (body, "count", 0));
        if (hs_proto_int (body, "due", 0) > 0) {
            s_next (out, &pieces);
            s_label (out, "到期", "due");
            huishang_html_time (out, hs_proto_int (body, "due", 0));
        }
        if (hs_proto_int (body, "late_ms", -1) >= 0) {
            char span [32];
            huishang_words_span (hs_proto_int (body, "late_ms", 0), span, sizeof (span));
            s_next (out, &pieces);
            s_label (out, "逾期", "late");
            fprintf (out, "<b>%s</b>", span);
        }
        fputs ("</div>\n", out);
    }
    s_text_line (out, body, "note", "说明", "note");
    s_units_line (out, units, hs_proto_get (body, "units"), "通知", "to");
    s_reasons_line (out, body, "依据", "reasons");
    if (*huishang_print_field (body, "source", text, sizeof (text))) {
        fputs ("<div class=\"minor\">", out);
        s_label (out, "起因", "caused by");
        huishang_html_unit (out, units, text, false);
        pieces = 1;
        s_piece (out, body, "person", "经办人", "by", &pieces);
        s_piece (out, body, "report", "报告", "report", &pieces);
        s_piece (out, body, "update", "消息", "message", &pieces);
        fputs ("</div>\n", out);
    }
}

static void
s_meeting (FILE *out, hs_units_t *units, const char *type, const msgpack_object *body)
{
    int pieces = 0;
    char text [HS_ID_MAX + 1];
    fputs ("<div>", out);
    s_piece (out, body, "meeting", "会议", "meeting", &pieces);
    if (*huishang_print_field (body, "kind", text, sizeof (text))) {
        s_next (out, &pieces);
        huishang_html_word (out, HUISHANG_WORDS_MEETING, text);
    }
    if (*huishang_print_field (body, "urgency", text, sizeof (text))) {
        s_next (out, &pieces);
        huishang_html_word (out, HUISHANG_WORDS_MEETING, text);
    }
    if (*huishang_print_field (body, "level", text, sizeof (text))) {
        s_next (out, &pieces);
        huishang_html_level (out, text);
    }
    if (hs_proto_int (body, "deadline", 0) > 0) {
        s_next (out, &pieces);
        s_label (out, "限期", "meet before");
        huishang_html_time (out, hs_proto_int (body, "deadline", 0));
    }
    fputs ("</div>\n", out);
    if (streq (type, "reminder"))
        s_units_line (out, units, hs_proto_get (body, "to"), "提醒", "reminded");
    s_units_line (out, units, hs_proto_get (body, "participants"), "参会", "participants");
    s_units_line (out, units, hs_proto_get (body, "chairs"), "主持", "chairs");
    if (streq (type, "meeting"))
        s_reasons_line (out, body, "依据", "reasons");
}

static void
s_minutes (FILE *out, hs_units_t *units, const msgpack_object *body)
{
    int pieces = 0;
    fputs ("<div>", out);
    s_source (out, units, body, &pieces);
    s_piece (out, body, "meeting", "会议", "meeting", &pieces);
    fputs ("</div>\n", out);
    const msgpack_object *decisions = hs_proto_get (body, "decisions");
    if (decisions && decisions->type == MSGPACK_OBJECT_ARRAY && decisions->via.array.size) {
        fputs ("<div>", out);
        s_label (out, "议定事项", "decisions");
        fputs ("<ol class=\"decisions\"><li>", out);
        huishang_html_strings (out, decisions, "</li><li>");
        fputs ("</li></ol></div>\n", out);
    }
    s_units_line (out, units, hs_proto_get (body, "followup"), "跟进单位", "follow-up");
    const msgpack_object *cases = hs_proto_get (body, "cases");
    if (cases && cases->type == MSGPACK_OBJECT_ARRAY && cases->via.array.size) {
        fputs ("<div>", out);
        s_label (out, "涉及案件", "cases");
        huishang_html_strings (out, cases, ", ");
        fputs ("</div>\n", out);
    }
    s_text_line (out, body, "note", "说明", "note");
    s_ids_line (out, body);
}

static void
s_rsvp (FILE *out, hs_units_t *units, const msgpack_object *body)
{
    int pieces = 0;
    char text [HS_CODE_MAX + 1];
    fputs ("<div>", out);
    s_source (out, units, body, &pieces);
    if (*huishang_print_field (body, "answer", text, sizeof (text))) {
        s_next (out, &pieces);
        huishang_html_word (out, HUISHANG_WORDS_MEETING, text);
    }
    s_piece (out, body, "meeting", "会议", "meeting", &pieces);
    fputs ("</div>\n", out);
    s_text_line (out, body, "note", "说明", "note");
    s_ids_line (out, body);
}

//  A report upward (escalate.district, escalate.city), or a warning.
static void
s_upward (FILE *out, hs_units_t *units, const char *type, const msgpack_object *body)
{
    int pieces = 0;
    char text [HS_NAME_MAX + 1];
    fputs ("<div>", out);
    if (*huishang_print_field (body, "to", text, sizeof (text))) {
        s_label (out, "报送", "to");
        huishang_html_unit (out, units, text, false);
        pieces++;
    }
    s_piece (out, body, "from", "来自", "from", &pieces);
    //  首报, 续报 (and why), 终报 (PROTOCOL §4.4)
    if (*huishang_print_field (body, "report", text, sizeof (text))) {
        s_next (out, &pieces);
        fputs (streq (text, "first")? "首报": streq (text, "final")? "终报": "续报", out);
        fprintf (out, " <span class=\"en\">%s</span>", streq (text, "first")? "first":
                 streq (text, "final")? "final": "follow-up");
        const msgpack_object *changed = hs_proto_get (body, "changed");
        for (uint32_t index = 0; changed && changed->type == MSGPACK_OBJECT_ARRAY
                                 && index < changed->via.array.size; index++) {
            fputs (index? ", ": " (", out);
            huishang_html_value (out, &changed->via.array.ptr [index]);
            if (index + 1 == changed->via.array.size)
                fputs (")", out);
        }
    }
    if (streq (type, "warning") && *huishang_print_field (body, "kind", text, sizeof (text))) {
        s_next (out, &pieces);
        huishang_html_word (out, HUISHANG_WORDS_WARNING, text);
    }
    if (*huishang_print_field (body, "level", text, sizeof (text))) {
        s_next (out, &pieces);
        huishang_html_level (out, text);
    }
    s_facts (out, body, &pieces);
    if (hs_proto_int (body, "count", -1) >= 0) {
        s_next (out, &pieces);
        s_label (out, "数量", "count");
        fprintf (out, "%lld", (long long) hs_proto_int (body, "count", -1));
    }
    if (hs_proto_int (body, "window_ms", 0) > 0) {
        char span [32];
        huishang_words_span (hs_proto_int (body, "window_ms", 0), span, sizeof (span));
        s_next (out, &pieces);
        s_label (out, "窗口", "window");
        fputs (span, out);
    }
    fputs ("</div>\n<div>", out);
    pieces = 0;
    s_piece (out, body, "enterprise", "企业", "enterprise", &pieces);
    s_piece (out, body, "credit_code", "信用代码", "credit code", &pieces);
    if (*huishang_print_field (body, "street", text, sizeof (text))) {
        s_next (out, &pieces);
        s_label (out, "街道", "street");
        huishang_html_unit (out, units, text, false);
    }
    fputs ("</div>\n", out);
    s_units_line (out, units, hs_proto_get (body, "streets"), "街道", "streets");
    s_units_line (out, units, hs_proto_get (body, "units"), "通知", "to");
    s_reasons_line (out, body, "依据", "reasons");
}

//  case.filed: filed (归档) after its quiet period, from its closure.
static void
s_filing (FILE *out, hs_units_t *units, const msgpack_object *body)
{
    char span [32];
    huishang_words_span (hs_proto_int (body, "quiet_ms", 0), span, sizeof (span));
    fputs ("<div>", out);
    s_label (out, "归档", "filed");
    huishang_html_time (out, hs_proto_int (body, "filed", 0));
    fputs (" <span class=\"sep\">·</span> ", out);
    s_label (out, "审核办结", "closed");
    huishang_html_time (out, hs_proto_int (body, "closed", 0));
    fputs (" <span class=\"sep\">·</span> ", out);
    s_label (out, "静置期", "quiet period");
    fputs (span, out);
    fprintf (out, " <span class=\"sep\">·</span> ");
    s_label (out, "重新办理", "reopened");
    fprintf (out, "%lld</div>\n", (long long) hs_proto_int (body, "reopened", 0));
    s_units_line (out, units, hs_proto_get (body, "to"), "通知", "to");
}

//  Anything else: its body as JSON, so the row still says all it holds.
static void
s_other (FILE *out, const msgpack_object *body)
{
    json_t *json = hs_json_from_object (body);
    char *text = json? json_dumps (json, JSON_COMPACT): NULL;
    fputs ("<div><code class=\"json\">", out);
    huishang_html_puts (out, text);
    fputs ("</code></div>\n", out);
    free (text);
    json_decref (json);
}

//  ---------------------------------------------------------------------

//  The type cell: the Chinese of what happened (an alert's kind, a
//  supervision notice's rung, an update's status, an act), and below it
//  the wire's type and kind.
static void
s_type_cell (FILE *out, const char *type, const msgpack_object *body)
{
    char kind [HS_CODE_MAX + 1] = "";
    huishang_words_t table = HUISHANG_WORDS_TYPE;
    const char *key = "";
    if (streq (type, "alert")) {
        key = "kind";
        table = HUISHANG_WORDS_ALERT;
    }
    else
    if (streq (type, "update")) {
        key = "status";
        table = HUISHANG_WORDS_STATUS;
    }
    else
    if (streq (type, "act")) {
        key = "act";
        table = HUISHANG_WORDS_ACT;
    }
    else
    if (streq (type, "meeting") || streq (type, "warning"))
        key = "kind";
    if (*key)
        huishang_print_field (body, key, kind, sizeof (kind));
    const char *zh = huishang_words_zh (table, *kind && table != HUISHANG_WORDS_TYPE? kind: type);
    char rung [HS_CODE_MAX + 1];
    if (streq (type, "alert") && streq (kind, "supervision")
    &&  *huishang_print_field (body, "rung", rung, sizeof (rung)))
        zh = huishang_words_zh (HUISHANG_WORDS_RUNG, rung);
    fputs ("<td class=\"type\"><b>", out);
    huishang_html_puts (out, zh);
    fputs ("</b><br><span class=\"en\">", out);
    huishang_html_puts (out, type);
    if (*kind) {
        fputs (" · ", out);
        huishang_html_puts (out, kind);
    }
    fputs ("</span></td>", out);
}

void
huishang_dossier_events_row (FILE *out, hs_units_t *units, const char *case_id,
                             const msgpack_object *event)
{
    char type [HS_CODE_MAX + 1], topic [HS_TOPIC_MAX + 1], event_case [HS_ID_MAX + 1];
    huishang_print_field (event, "type", type, sizeof (type));
    huishang_print_field (event, "topic", topic, sizeof (topic));
    const msgpack_object *body = hs_proto_get (event, "body");
    int64_t seq = hs_proto_int (event, "seq", 0);
    fprintf (out, "<tr id=\"e%lld\" class=\"ev ev-", (long long) seq);
    huishang_html_puts (out, type);
    fprintf (out, "\"><td class=\"seq\">%lld</td><td class=\"time\">", (long long) seq);
    huishang_html_time (out, hs_proto_int (event, "at", 0));
    fputs ("</td>", out);
    s_type_cell (out, type, body);
    //  A topic may break after each dot: alert.<wbr>major.<wbr>caoyang
    fputs ("<td class=\"topic\"><code>", out);
    for (const char *part = topic; *part; ) {
        const char *dot = strchr (part, '.');
        size_t length = dot? (size_t) (dot - part) + 1: strlen (part);
        huishang_html_text (out, part, length);
        part += length;
        if (*part)
            fputs ("<wbr>", out);
    }
    fputs ("</code></td>\n<td class=\"what\">", out);
    //  The history of a case that absorbed another holds the other's events.
    if (*huishang_print_field (event, "case", event_case, sizeof (event_case))
    &&  !streq (event_case, case_id)) {
        fputs ("<div class=\"from\">", out);
        s_label (out, "原属案件", "of case");
        huishang_html_puts (out, event_case);
        fputs ("</div>\n", out);
    }
    if (!body || body->type != MSGPACK_OBJECT_MAP)
        fputs ("—", out);
    else
    if (streq (type, "report"))
        s_report (out, units, event, body);
    else
    if (streq (type, "update"))
        s_update (out, units, body);
    else
    if (streq (type, "act"))
        s_act (out, units, body);
    else
    if (streq (type, "alert"))
        s_alert (out, units, body);
    else
    if (streq (type, "meeting") || streq (type, "reminder"))
        s_meeting (out, units, type, body);
    else
    if (streq (type, "minutes"))
        s_minutes (out, units, body);
    else
    if (streq (type, "rsvp"))
        s_rsvp (out, units, body);
    else
    if (streq (type, "escalate") || streq (type, "warning"))
        s_upward (out, units, type, body);
    else
    if (streq (type, "filing"))
        s_filing (out, units, body);
    else
        s_other (out, body);
    fputs ("</td></tr>\n", out);
}
