/*  =========================================================================
    huishang_archive_page - the pages of an archive export

    A value's key says how it reads: times (at, deadline, due, ...) in
    the district's time, durations (…_ms) in days and hours, unit codes
    by their Chinese names, levels as badges; a map or a list of maps as
    a small table of its own; anything else as its text. No key is left
    out: what a page does not know, it shows as it is.
    =========================================================================
*/

#include "huishang_archive_page.h"
#include "huishang_html.h"
#include "huishang_print.h"

static const char s_style [] =
    "  :root { --ink: #1b1f24; --muted: #5f6670; --rule: #cfd4da; --head: #1f3a5f;"
    " --band: #f3f6f9; }\n"
    "  * { box-sizing: border-box; }\n"
    "  html { color: var(--ink); background: #fff; font-family: \"Noto Sans CJK SC\","
    " \"Source Han Sans SC\", \"PingFang SC\", \"Microsoft YaHei\", \"WenQuanYi Micro Hei\","
    " sans-serif; }\n"
    "  body { max-width: 1120px; margin: 0 auto; padding: 20px 28px; font-size: 14px;"
    " line-height: 1.5; }\n"
    "  header.top { border-bottom: 3px solid var(--head); padding-bottom: 8px; }\n"
    "  .org { color: var(--muted); font-size: 13px; }\n"
    "  h1 { font-size: 24px; margin: 2px 0; color: var(--head); }\n"
    "  h1 .id { font-family: \"DejaVu Sans Mono\", monospace; margin-left: 8px; }\n"
    "  h2 { font-size: 17px; color: var(--head); border-bottom: 1px solid var(--head);"
    " margin: 24px 0 8px; padding-bottom: 2px; }\n"
    "  h2 .n { float: right; color: var(--muted); font-size: 14px; font-weight: normal; }\n"
    "  .en { color: var(--muted); font-size: 0.86em; font-weight: normal; }\n"
    "  .code { font-family: \"DejaVu Sans Mono\", monospace; font-size: 0.84em;"
    " color: var(--muted); }\n"
    "  .period { font-size: 16px; margin: 6px 0 0; }\n"
    "  .counts { display: flex; gap: 14px; margin: 14px 0 0; }\n"
    "  .counts a { flex: 1; display: block; padding: 10px 14px; background: var(--band);"
    " border-left: 4px solid var(--head); color: inherit; text-decoration: none; }\n"
    "  .counts b { display: block; font-size: 26px; color: var(--head); }\n"
    "  .level { display: inline-block; padding: 0 6px; border: 1px solid; border-radius: 3px;"
    " font-weight: bold; white-space: nowrap; }\n"
    "  .level .en { color: inherit; opacity: 0.85; }\n"
    "  .level-critical { background: #b71c1c; border-color: #b71c1c; color: #fff; }\n"
    "  .level-major { background: #e65100; border-color: #e65100; color: #fff; }\n"
    "  .level-significant { background: #ffe082; border-color: #d4a600; color: #4a3800; }\n"
    "  .level-general { background: #e3f0fb; border-color: #8fb8de; color: #0d3c61; }\n"
    "  table { width: 100%; border-collapse: collapse; }\n"
    "  th, td { border: 1px solid var(--rule); padding: 4px 6px; text-align: left;"
    " vertical-align: top; }\n"
    "  thead th { background: var(--head); color: #fff; font-weight: bold; }\n"
    "  thead th .en { color: #d5dde8; }\n"
    "  table.list > tbody > tr:nth-child(even) { background: #f5f7f9; }\n"
    "  table.kv { border: none; }\n"
    "  table.kv th, table.kv td { border: none; border-bottom: 1px solid var(--rule);"
    " padding: 2px 6px 2px 0; background: none; }\n"
    "  table.kv th { width: 10em; color: var(--head); white-space: nowrap; }\n"
    "  table.kv table.kv th { width: auto; font-weight: normal; }\n"
    "  td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }\n"
    "  .t { white-space: nowrap; }\n"
    "  .none { color: var(--muted); }\n"
    "  .yes { color: #1f5f2a; font-weight: bold; }\n"
    "  .no { color: #b71c1c; font-weight: bold; }\n"
    "  a { color: #0b4f8a; }\n"
    "  footer { margin-top: 20px; padding-top: 6px; border-top: 1px solid var(--rule);"
    " color: var(--muted); font-size: 12px; }\n"
    "  @page { size: A4; margin: 12mm 10mm; }\n"
    "  @media print {\n"
    "    body { max-width: none; padding: 0; font-size: 9.5pt; }\n"
    "    * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n"
    "    thead { display: table-header-group; }\n"
    "    tr { break-inside: avoid; }\n"
    "  }\n";

//  The Chinese of the keys the pages show; a key not here shows as itself.
static const char *s_labels [][2] = {
    { "meeting", "会议" }, { "kind", "类别" }, { "case", "案件" }, { "cases", "案件" },
    { "level", "级别" }, { "participants", "参会单位" }, { "chairs", "主持" },
    { "urgency", "紧急程度" }, { "deadline", "期限" }, { "reasons", "原因" },
    { "called_by", "召集单位" }, { "time", "会议时间" }, { "place", "地点" },
    { "agenda", "议题" }, { "to", "送达" }, { "about", "事由" },
    { "superseded_by", "由此会议取代" }, { "decisions", "决定事项" }, { "actions", "督办事项" },
    { "note", "备注" }, { "item", "事项" }, { "owner", "责任单位" }, { "text", "内容" },
    { "due", "完成期限" }, { "rung", "督办层级" }, { "count", "次数" }, { "late_ms", "逾期" },
    { "done", "完成时间" }, { "source", "来源" }, { "update", "消息编号" }, { "at", "时间" },
    { "period", "周期" }, { "district", "区" }, { "units", "送达单位" }, { "since", "起" },
    { "until", "止" }, { "new", "新增案件" }, { "open", "在办案件" },
    { "open_by_level", "在办分级" }, { "overdue", "逾期案件" },
    { "overdue_alerts", "督促通知" }, { "escalated", "升级" }, { "resolved", "办结" },
    { "meetings_requested", "会议请求" }, { "meetings_held", "已开会议" },
    { "warnings", "预警" }, { "supervision", "督办统计" }, { "named", "通报单位" },
    { "actions_open", "未完成事项" }, { "actions_late", "逾期事项" }, { "prompts", "工作提示" },
    { "street", "街道" }, { "enterprise", "企业" }, { "filed", "归档时间" },
    { "closed", "办结时间" }, { "total", "合计" }, { "by_level", "按级别" },
    { "by_street", "按街道" }, { "by_category", "按类别" }, { "unit", "单位" },
    { "remind", "催办" }, { "supervise", "督办" }, { "circulate", "通报" },
    { "signed", "签收" }, { "sign_avg_ms", "平均签收用时" }, { "resolve_avg_ms", "平均办结用时" },
    { "from", "报送单位" }, { "requested", "请求时间" }, { "held", "已召开" },
    { "reminded", "已提醒" }, { "invited", "邀请单位" }, { "start", "决定时间" },
    { "next", "下次督办" }, { "notices", "督办次数" }, { "title", "标题" },
    { "issued", "下发时间" }, { "late", "逾期未签收" }, { "waiting", "待签收" },
    { "prompt", "工作提示" }, { NULL, NULL }
};

static const char *
s_label (const char *key)
{
    for (size_t index = 0; s_labels [index][0]; index++)
        if (streq (s_labels [index][0], key))
            return s_labels [index][1];
    return NULL;
}

static void
s_key (FILE *out, const char *key)
{
    const char *zh = s_label (key);
    if (zh)
        fprintf (out, "%s <span class=\"en\">", zh);
    else
        fputs ("<span class=\"code\">", out);
    huishang_html_puts (out, key);
    fputs ("</span>", out);
}

static bool
s_is_time (const char *key)
{
    const char *times [] = { "at", "deadline", "due", "time", "done", "since", "until", "filed",
                             "closed", "requested", "start", "next", "issued", NULL };
    for (size_t index = 0; times [index]; index++)
        if (streq (times [index], key))
            return true;
    return false;
}

static bool
s_is_unit (const char *key)
{
    const char *units [] = { "to", "units", "unit", "owner", "source", "participants", "chairs",
                             "called_by", "street", "from", "named", "signed", "late", "waiting",
                             NULL };
    for (size_t index = 0; units [index]; index++)
        if (streq (units [index], key))
            return true;
    return false;
}

static void
s_duration (FILE *out, json_int_t ms)
{
    json_int_t minutes = (ms < 0? -ms: ms) / 60000;
    fprintf (out, "%s", ms < 0? "−": "");
    if (minutes >= 1440)
        fprintf (out, "%lld 天 ", (long long) (minutes / 1440));
    fprintf (out, "%lld 小时 %lld 分 <span class=\"en\">%lld ms</span>",
             (long long) (minutes % 1440 / 60), (long long) (minutes % 60), (long long) ms);
}

static void s_value (FILE *out, hs_config_t *config, const char *key, json_t *value, int depth);

//  A map as a table of its keys (not `skip`, NULL-terminated).
static void
s_map (FILE *out, hs_config_t *config, json_t *map, const char *const *skip, int depth)
{
    fputs ("<table class=\"kv\">", out);
    const char *key;
    json_t *value;
    json_object_foreach (map, key, value) {
        bool skipped = false;
        for (size_t index = 0; skip && skip [index]; index++)
            skipped |= streq (skip [index], key);
        if (skipped)
            continue;
        fputs ("<tr><th>", out);
        s_key (out, key);
        fputs ("</th><td>", out);
        s_value (out, config, key, value, depth + 1);
        fputs ("</td></tr>", out);
    }
    fputs ("</table>", out);
}

static void
s_value (FILE *out, hs_config_t *config, const char *key, json_t *value, int depth)
{
    if (json_is_string (value)) {
        const char *text = json_string_value (value);
        if (streq (key, "level"))
            huishang_html_level (out, text);
        else
        if (s_is_unit (key))
            huishang_html_unit (out, config->units, text, false);
        else
            huishang_html_text (out, text, json_string_length (value));
    }
    else
    if (json_is_integer (value)) {
        json_int_t number = json_integer_value (value);
        size_t length = strlen (key);
        if (s_is_time (key) && number > 0)
            huishang_html_time (out, number);
        else
        if (length > 3 && streq (key + length - 3, "_ms"))
            s_duration (out, number);
        else
            fprintf (out, "%lld", (long long) number);
    }
    else
    if (json_is_true (value) || json_is_false (value))
        fputs (json_is_true (value)? "<span class=\"yes\">是</span> <span class=\"en\">yes"
                                     "</span>": "否 <span class=\"en\">no</span>", out);
    else
    if (json_is_null (value))
        fputs ("<span class=\"none\">—</span>", out);
    else
    if (json_is_array (value)) {
        if (json_array_size (value) == 0)
            fputs ("<span class=\"none\">—</span>", out);
        size_t index;
        json_t *item;
        json_array_foreach (value, index, item) {
            if (!json_is_object (item) && index)
                fputs ("、", out);
            s_value (out, config, key, item, depth);
        }
    }
    else
    if (json_is_object (value) && depth < 6)
        s_map (out, config, value, NULL, depth);
}

static void
s_begin (FILE *out, hs_config_t *config, const char *title_zh, const char *title_en,
         const char *id)
{
    fputs ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", out);
    fprintf (out, "<meta name=\"generator\" content=\"huishang %s\">\n<title>%s ", HS_VERSION,
             title_zh);
    huishang_html_puts (out, id);
    fprintf (out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header class=\"top\">\n"
             "<div class=\"org\">劳动关系矛盾会商机制 · ", s_style);
    huishang_html_puts (out, config->district);
    fprintf (out, " <span class=\"en\">labour-dispute consultation mechanism</span></div>\n"
             "<h1>%s <span class=\"en\">%s</span><span class=\"id\">", title_zh, title_en);
    huishang_html_puts (out, id);
    fputs ("</span></h1>\n", out);
}

static void
s_end (FILE *out, hs_config_t *config)
{
    (void) config;
    fputs ("<footer>生成时间 <span class=\"en\">made</span> ", out);
    huishang_html_time (out, zclock_time ());
    fprintf (out, " · 时间均为本区时间 <span class=\"en\">times are the district's,</span> "
             "UTC%s · huishang %s</footer>\n</body>\n</html>\n",
             huishang_time_label (), HS_VERSION);
}

static const char *
s_meeting_kind (const char *kind)
{
    return !kind? "会议": streq (kind, "special")? "专题会议": streq (kind, "plenary")? "全体会议":
           streq (kind, "office")? "办公室会议": "会议";
}

//  The invited units (or chairs) of a record and their answers, as rows.
static void
s_answers (FILE *out, hs_config_t *config, json_t *answers, const char *role_zh,
           const char *role_en)
{
    const char *unit;
    json_t *answer;
    json_object_foreach (answers, unit, answer) {
        const char *said = json_string_value (answer);
        fprintf (out, "<tr><td>");
        huishang_html_unit (out, config->units, unit, true);
        fprintf (out, "</td><td>%s <span class=\"en\">%s</span></td><td>%s</td></tr>\n",
                 role_zh, role_en, !said? "<span class=\"none\">未答复 <span class=\"en\">"
                 "no answer</span></span>": streq (said, "attend")? "<span class=\"yes\">出席"
                 "</span> <span class=\"en\">attend</span>": "<span class=\"no\">不出席</span> "
                 "<span class=\"en\">decline</span>");
    }
}

static void
s_events (FILE *out, hs_config_t *config, json_t *events, const char *const *skip)
{
    fputs ("<table class=\"list\">\n<thead><tr><th>序号 <span class=\"en\">seq</span></th>"
           "<th>时间 <span class=\"en\">time</span></th><th>主题 <span class=\"en\">topic</span>"
           "</th><th>内容 <span class=\"en\">content</span></th></tr></thead>\n<tbody>\n", out);
    size_t index;
    json_t *event;
    json_array_foreach (events, index, event) {
        json_t *body = json_object_get (event, "body");
        fprintf (out, "<tr><td class=\"n\">%lld</td><td>",
                 (long long) json_integer_value (json_object_get (event, "seq")));
        huishang_html_time (out, json_integer_value (json_object_get (body, "at")));
        fputs ("</td><td class=\"code\">", out);
        huishang_html_puts (out, json_string_value (json_object_get (event, "topic")));
        fputs ("</td><td>", out);
        s_map (out, config, body, skip, 0);
        fputs ("</td></tr>\n", out);
    }
    fputs ("</tbody>\n</table>\n", out);
}

void
huishang_archive_page_meeting (FILE *out, hs_config_t *config, const char *id, json_t *record,
                               json_t *events)
{
    json_t *request = NULL;
    size_t index;
    json_t *event;
    json_array_foreach (events, index, event)
        if (!request && streq (json_string_value (json_object_get (event, "topic")),
                               "meeting.request"))
            request = json_object_get (event, "body");
    const char *kind = json_string_value (json_object_get (record? record: request, "kind"));
    s_begin (out, config, s_meeting_kind (kind), "meeting record", id);
    fputs ("</header>\n<section>\n<h2>会议概况 <span class=\"en\">The meeting</span></h2>\n", out);
    //  The request's own keys first (agenda, time, place), then the record's.
    json_t *facts = json_object ();
    if (request)
        json_object_update (facts, request);
    if (record)
        json_object_update (facts, record);
    const char *skip [] = { "v", "seq", "id", "meeting", "invited", "chairs", "participants",
                            "actions", "timer_at", "to", NULL };
    s_map (out, config, facts, skip, 0);
    json_decref (facts);
    fputs ("</section>\n<section>\n<h2>邀请与答复 <span class=\"en\">Invited and their "
           "answers (RSVP)</span></h2>\n", out);
    if (record) {
        fputs ("<table class=\"list\">\n<thead><tr><th>单位 <span class=\"en\">unit</span></th>"
               "<th>身份 <span class=\"en\">as</span></th><th>答复 <span class=\"en\">answer"
               "</span></th></tr></thead>\n<tbody>\n", out);
        s_answers (out, config, json_object_get (record, "chairs"), "主持", "chair");
        s_answers (out, config, json_object_get (record, "invited"), "参会", "invited");
        fputs ("</tbody>\n</table>\n", out);
    }
    else
        fputs ("<p class=\"none\">会议记录不可读 <span class=\"en\">the record could not be "
               "read</span></p>\n", out);
    fputs ("</section>\n<section>\n<h2>督办事项 <span class=\"en\">Action items</span></h2>\n",
           out);
    json_t *actions = json_object_get (record, "actions");
    if (json_array_size (actions) == 0)
        fputs ("<p class=\"none\">无 <span class=\"en\">none</span></p>\n", out);
    else {
        fputs ("<table class=\"list\">\n<thead><tr><th>事项 <span class=\"en\">item</span></th>"
               "<th>责任单位 <span class=\"en\">owner</span></th><th>内容 <span class=\"en\">"
               "text</span></th><th>完成期限 <span class=\"en\">due</span></th><th>完成 <span "
               "class=\"en\">done</span></th></tr></thead>\n<tbody>\n", out);
        json_t *action;
        json_array_foreach (actions, index, action) {
            fputs ("<tr><td class=\"code\">", out);
            huishang_html_printf (out, "%s-a%zu", id, index + 1);
            fputs ("</td><td>", out);
            s_value (out, config, "owner", json_object_get (action, "owner"), 0);
            fputs ("</td><td>", out);
            s_value (out, config, "text", json_object_get (action, "text"), 0);
            if (json_is_string (json_object_get (action, "case"))) {
                fputs (" <span class=\"code\">", out);
                huishang_html_puts (out, json_string_value (json_object_get (action, "case")));
                fputs ("</span>", out);
            }
            fputs ("</td><td>", out);
            huishang_html_time (out, json_integer_value (json_object_get (action, "due")));
            fputs ("</td><td>", out);
            json_int_t done = json_integer_value (json_object_get (action, "done"));
            if (done > 0)
                huishang_html_time (out, done);
            else
                fputs ("<span class=\"no\">未完成</span> <span class=\"en\">open</span>", out);
            fputs ("</td></tr>\n", out);
        }
        fputs ("</tbody>\n</table>\n", out);
    }
    fprintf (out, "</section>\n<section>\n<h2>会议记录 <span class=\"en\">Every event about "
             "it, in order</span><span class=\"n\">%zu</span></h2>\n", json_array_size (events));
    const char *event_skip [] = { "v", "seq", "meeting", "at", NULL };
    s_events (out, config, events, event_skip);
    fputs ("</section>\n", out);
    s_end (out, config);
}

void
huishang_archive_page_briefing (FILE *out, hs_config_t *config, json_t *event)
{
    json_t *body = json_object_get (event, "body");
    const char *period = json_string_value (json_object_get (body, "period"));
    char id [32];
    snprintf (id, sizeof (id), "%lld", (long long) json_integer_value (json_object_get (event,
                                                                                        "seq")));
    bool weekly = period && streq (period, "weekly");
    s_begin (out, config, weekly? "周通报": "日通报", weekly? "weekly briefing":
             "daily briefing", id);
    fputs ("<p class=\"period\">", out);
    huishang_html_time (out, json_integer_value (json_object_get (body, "since")));
    fputs (" — ", out);
    huishang_html_time (out, json_integer_value (json_object_get (body, "until")));
    fputs ("</p>\n</header>\n<section>\n<h2>通报内容 <span class=\"en\">The briefing as "
           "published</span></h2>\n", out);
    const char *skip [] = { "v", NULL };
    s_map (out, config, body, skip, 0);
    fputs ("</section>\n", out);
    s_end (out, config);
}

static void
s_link (FILE *out, const char *href, const char *text)
{
    fputs ("<a href=\"", out);
    huishang_html_puts (out, href);
    fputs ("\">", out);
    huishang_html_puts (out, text);
    fputs ("</a>", out);
}

//  A row's last cell: its HTML and JSON files.
static void
s_files (FILE *out, json_t *item)
{
    fputs ("<td>", out);
    s_link (out, json_string_value (json_object_get (item, "html")), "HTML");
    fputs (" · ", out);
    s_link (out, json_string_value (json_object_get (item, "json")), "JSON");
    fputs ("</td>", out);
}

void
huishang_archive_page_index (FILE *out, hs_config_t *config, int64_t since, int64_t until,
                             json_t *cases, json_t *meetings, json_t *order, json_t *briefings)
{
    s_begin (out, config, "档案", "archive export", config->district);
    fputs ("<p class=\"period\">归档期间 <span class=\"en\">period</span> ", out);
    huishang_html_time (out, since);
    fputs (" — ", out);
    huishang_html_time (out, until);
    fprintf (out, "</p>\n<div class=\"counts\"><a href=\"#cases\"><b>%zu</b>归档案件 <span "
             "class=\"en\">filed cases</span></a><a href=\"#meetings\"><b>%zu</b>会议 <span "
             "class=\"en\">meetings</span></a><a href=\"#briefings\"><b>%zu</b>通报 <span "
             "class=\"en\">briefings</span></a></div>\n</header>\n", json_array_size (cases),
             json_array_size (order), json_array_size (briefings));
    fputs ("<section id=\"cases\">\n<h2>归档案件 <span class=\"en\">Cases filed in the period"
           "</span></h2>\n<table class=\"list\">\n<thead><tr><th>案件 <span class=\"en\">case"
           "</span></th><th>级别 <span class=\"en\">level</span></th><th>企业 <span class=\"en\">"
           "enterprise</span></th><th>街道 <span class=\"en\">street</span></th><th>归档时间 "
           "<span class=\"en\">filed</span></th><th class=\"n\">事件 <span class=\"en\">events"
           "</span></th><th>卷宗 <span class=\"en\">dossier</span></th></tr></thead>\n<tbody>\n",
           out);
    size_t index;
    json_t *item;
    json_array_foreach (cases, index, item) {
        json_t *record = json_object_get (item, "record");
        const char *id = json_string_value (json_object_get (item, "case"));
        const char *html = json_string_value (json_object_get (item, "html"));
        fputs ("<tr><td>", out);
        s_link (out, html, id);
        fputs ("</td><td>", out);
        s_value (out, config, "level", json_object_get (record, "level"), 0);
        fputs ("</td><td>", out);
        s_value (out, config, "enterprise", json_object_get (record, "enterprise"), 0);
        fputs ("</td><td>", out);
        s_value (out, config, "street", json_object_get (record, "street"), 0);
        fputs ("</td><td>", out);
        huishang_html_time (out, json_integer_value (json_object_get (item, "filed")));
        fprintf (out, "</td><td class=\"n\">%lld</td>",
                 (long long) json_integer_value (json_object_get (item, "events")));
        s_files (out, item);
        fputs ("</tr>\n", out);
    }
    if (json_array_size (cases) == 0)
        fputs ("<tr><td colspan=\"7\" class=\"none\">本期无归档案件 <span class=\"en\">no case "
               "was filed in the period</span></td></tr>\n", out);
    fputs ("</tbody>\n</table>\n</section>\n<section id=\"meetings\">\n<h2>会议 <span class="
           "\"en\">Meetings of the period</span></h2>\n<table class=\"list\">\n<thead><tr><th>"
           "会议 <span class=\"en\">meeting</span></th><th>类别 <span class=\"en\">kind</span></th>"
           "<th>请求时间 <span class=\"en\">requested</span></th><th>议题 / 案件 <span class=\"en"
           "\">agenda / cases</span></th><th>纪要 <span class=\"en\">minutes</span></th><th "
           "class=\"n\">事件 <span class=\"en\">events</span></th><th>文件 <span class=\"en\">"
           "files</span></th></tr></thead>\n<tbody>\n", out);
    json_t *value;
    json_array_foreach (order, index, value) {
        const char *id = json_string_value (value);
        json_t *held = json_object_get (meetings, id);
        json_t *record = json_object_get (held, "record");
        json_t *events = json_object_get (held, "events");
        json_t *first = json_object_get (json_array_get (events, 0), "body");
        fputs ("<tr><td>", out);
        s_link (out, json_string_value (json_object_get (held, "html")), id);
        fprintf (out, "</td><td>%s</td><td>", s_meeting_kind (json_string_value (
                 json_object_get (record? record: first, "kind"))));
        huishang_html_time (out, json_integer_value (json_object_get (record, "requested")));
        fputs ("</td><td>", out);
        json_t *agenda = json_object_get (first, "agenda");
        s_value (out, config, "agenda", agenda? agenda: json_object_get (record, "cases"), 0);
        fprintf (out, "</td><td>%s</td><td class=\"n\">%zu</td>",
                 json_is_true (json_object_get (record, "held"))? "<span class=\"yes\">已记录"
                 "</span>": "<span class=\"none\">无</span>", json_array_size (events));
        s_files (out, held);
        fputs ("</tr>\n", out);
    }
    if (json_array_size (order) == 0)
        fputs ("<tr><td colspan=\"7\" class=\"none\">本期无会议 <span class=\"en\">no meeting in "
               "the period</span></td></tr>\n", out);
    fputs ("</tbody>\n</table>\n</section>\n<section id=\"briefings\">\n<h2>通报 <span class="
           "\"en\">Briefings of the period</span></h2>\n<table class=\"list\">\n<thead><tr><th "
           "class=\"n\">序号 <span class=\"en\">seq</span></th><th>周期 <span class=\"en\">period"
           "</span></th><th>时段 <span class=\"en\">covers</span></th><th class=\"n\">新增 <span "
           "class=\"en\">new</span></th><th class=\"n\">在办 <span class=\"en\">open</span></th>"
           "<th class=\"n\">逾期 <span class=\"en\">overdue</span></th><th>文件 <span class=\"en\">"
           "files</span></th></tr></thead>\n<tbody>\n",
           out);
    json_array_foreach (briefings, index, item) {
        json_t *body = json_object_get (item, "body");
        char seq [32];
        snprintf (seq, sizeof (seq), "%lld",
                  (long long) json_integer_value (json_object_get (item, "seq")));
        fputs ("<tr><td class=\"n\">", out);
        s_link (out, json_string_value (json_object_get (item, "html")), seq);
        bool weekly = streq (json_string_value (json_object_get (item, "topic")), "brief.weekly");
        fprintf (out, "</td><td>%s</td><td>", weekly? "周通报 <span class=\"en\">weekly</span>":
                 "日通报 <span class=\"en\">daily</span>");
        huishang_html_time (out, json_integer_value (json_object_get (body, "since")));
        fputs (" — ", out);
        huishang_html_time (out, json_integer_value (json_object_get (body, "until")));
        fprintf (out, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">"
                 "%lld</td>", (long long) json_integer_value (json_object_get (
                 json_object_get (body, "new"), "total")),
                 (long long) json_integer_value (json_object_get (body, "open")),
                 (long long) json_integer_value (json_object_get (body, "overdue")));
        s_files (out, item);
        fputs ("</tr>\n", out);
    }
    if (json_array_size (briefings) == 0)
        fputs ("<tr><td colspan=\"7\" class=\"none\">本期无通报 <span class=\"en\">no briefing in "
               "the period</span></td></tr>\n", out);
    fputs ("</tbody>\n</table>\n</section>\n<p class=\"none\">清单 <span class=\"en\">manifest"
           "</span>: <a href=\"manifest.json\">manifest.json</a> (文件、数量、序号范围、SHA-1 "
           "<span class=\"en\">files, counts, seq range, SHA-1</span>)</p>\n", out);
    s_end (out, config);
}
