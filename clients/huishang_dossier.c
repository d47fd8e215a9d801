/*  =========================================================================
    huishang_dossier - a whole case as one document: huishang dossier

    Every page of the api's `case` is read first and kept (the bodies are
    borrowed from their frames), so nothing is written unless the whole
    case came; then the document is written in one go, to stdout or to a
    temporary file beside FILE that is renamed onto it once complete. The
    case record shown is the last page's: it has seen every event of the
    pages before it.

    The page holds its own style (inline CSS, print-friendly), no script
    and nothing it would fetch: it opens the same on a machine without a
    network, years later. Times are the district's (calendar/utc_offset),
    as everywhere in huishang.
    =========================================================================
*/

#include "huishang_dossier.h"
#include "huishang_dossier_events.h"
#include "huishang_html.h"
#include "huishang_options.h"
#include "huishang_print.h"
#include "../protocol/hs_json.h"
#include <sys/stat.h>

typedef struct {
    //  The api's replies, in order. Each is a heap object of its own and
    //  never moves: a reply's body points into the reply itself.
    hs_client_reply_t **pages;
    size_t count;               //  replies held
    size_t room;                //  replies there is room for
} s_pages_t;

//  Every page of the case's history, following `next` (PROTOCOL.md §6.7).
//  Returns 0, or -1 with the reason said (no answer, an error such as no
//  such case, an interrupt).
static int
s_fetch (hs_client_t *client, const char *case_id, s_pages_t *pages)
{
    uint64_t from = 0;
    do {
        if (pages->count == pages->room) {
            pages->room = pages->room? 2 * pages->room: 8;
            pages->pages = (hs_client_reply_t **) realloc (pages->pages,
                                                           pages->room * sizeof (pages->pages [0]));
            assert (pages->pages);
        }
        hs_client_reply_t *reply = (hs_client_reply_t *) zmalloc (sizeof (hs_client_reply_t));
        pages->pages [pages->count++] = reply;
        hs_pack_t *args = hs_pack_new ();
        hs_case_request_encode (args, case_id, from);
        int rc = hs_client_request (client, "case", args, reply);
        hs_pack_destroy (&args);
        if (rc != 0)
            return -1;
        const msgpack_object *kase = hs_proto_get (reply->body, "case");
        if (!kase || kase->type != MSGPACK_OBJECT_MAP) {
            fprintf (stderr, "huishang: the daemon's answer holds no case record\n");
            return -1;
        }
        int64_t next = huishang_print_int (reply->body, "next");
        from = next > 0 && (uint64_t) next > from? (uint64_t) next: 0;
    } while (from && !zsys_interrupted);
    if (zsys_interrupted) {
        fprintf (stderr, "huishang: interrupted\n");
        return -1;
    }
    return 0;
}

static void
s_pages_destroy (s_pages_t *pages)
{
    for (size_t index = 0; index < pages->count; index++) {
        hs_client_reply_destroy (pages->pages [index]);
        free (pages->pages [index]);
    }
    free (pages->pages);
    memset (pages, 0, sizeof (*pages));
}

//  The case record of the last page (borrowed from it).
static const msgpack_object *
s_case (s_pages_t *pages)
{
    return hs_proto_get (pages->pages [pages->count - 1]->body, "case");
}

//  Call `write` for each event of every page, in order.
static size_t
s_each_event (s_pages_t *pages, void (*write) (const msgpack_object *event, void *arg), void *arg)
{
    size_t events = 0;
    for (size_t page = 0; page < pages->count; page++) {
        const msgpack_object *history = hs_proto_get (pages->pages [page]->body, "history");
        for (uint32_t index = 0; history && history->type == MSGPACK_OBJECT_ARRAY
                                 && index < history->via.array.size; index++, events++)
            if (write)
                write (&history->via.array.ptr [index], arg);
    }
    return events;
}

//  ---------------------------------------------------------------------
//  --json: {v, case, history}, the history of all pages in one array

static void
s_json_event (const msgpack_object *event, void *arg)
{
    json_array_append_new ((json_t *) arg, hs_json_from_object (event));
}

static void
s_write_json (FILE *out, s_pages_t *pages)
{
    json_t *document = json_object ();
    json_object_set_new (document, "v", json_integer (1));
    json_object_set_new (document, "case", hs_json_from_object (s_case (pages)));
    json_t *history = json_array ();
    s_each_event (pages, s_json_event, history);
    json_object_set_new (document, "history", history);
    json_dumpf (document, out, JSON_INDENT (2));
    fputs ("\n", out);
    json_decref (document);
}

//  ---------------------------------------------------------------------
//  The page

static const char s_style [] =
    "  :root { --ink: #1b1f24; --muted: #5f6670; --rule: #cfd4da; --head: #1f3a5f; }\n"
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
    "  .subject { font-size: 16px; margin: 2px 0 0; }\n"
    "  h2 { font-size: 17px; color: var(--head); border-bottom: 1px solid var(--head);"
    " margin: 22px 0 8px; padding-bottom: 2px; }\n"
    "  .en { color: var(--muted); font-size: 0.86em; font-weight: normal; }\n"
    "  code, .code { font-family: \"DejaVu Sans Mono\", monospace; font-size: 0.84em; }\n"
    "  .code { color: var(--muted); }\n"
    "  code.version, code.json { word-break: break-all; }\n"
    "  .level { display: inline-block; padding: 0 6px; border: 1px solid; border-radius: 3px;"
    " font-weight: bold; white-space: nowrap; }\n"
    "  .level .en { color: inherit; opacity: 0.85; }\n"
    "  .level-critical { background: #b71c1c; border-color: #b71c1c; color: #fff; }\n"
    "  .level-major { background: #e65100; border-color: #e65100; color: #fff; }\n"
    "  .level-significant { background: #ffe082; border-color: #d4a600; color: #4a3800; }\n"
    "  .level-general { background: #e3f0fb; border-color: #8fb8de; color: #0d3c61; }\n"
    "  .flag { display: inline-block; padding: 0 5px; border: 1px solid #b71c1c;"
    " border-radius: 3px; color: #b71c1c; font-weight: bold; }\n"
    "  dl.facts { display: grid; grid-template-columns: 1fr 1fr; column-gap: 24px; margin: 0; }\n"
    "  dl.facts > div { display: grid; grid-template-columns: 9.5em 1fr; padding: 4px 0;"
    " border-bottom: 1px solid var(--rule); }\n"
    "  dl.facts > div.wide { grid-column: 1 / -1; }\n"
    "  dl.facts dt { font-weight: bold; }\n"
    "  dl.facts dd { margin: 0; }\n"
    "  table { width: 100%; border-collapse: collapse; }\n"
    "  th, td { border: 1px solid var(--rule); padding: 4px 6px; text-align: left;"
    " vertical-align: top; }\n"
    "  thead th { background: var(--head); color: #fff; font-weight: bold; }\n"
    "  thead th .en { color: #d5dde8; }\n"
    "  table.history > tbody > tr:nth-child(even),"
    " table.handlers > tbody > tr:nth-child(even) { background: #f5f7f9; }\n"
    "  td.seq { text-align: right; font-variant-numeric: tabular-nums; width: 3.5em; }\n"
    "  td.time { width: 6.4em; font-variant-numeric: tabular-nums; }\n"
    "  td.type { width: 7.5em; }\n"
    "  td.topic { width: 9.5em; overflow-wrap: anywhere; }\n"
    "  .t { white-space: nowrap; }\n"
    "  td.time .t { white-space: normal; }\n"
    "  td.what > div + div { margin-top: 1px; }\n"
    "  .k { color: var(--head); font-weight: bold; white-space: nowrap; }\n"
    "  .sep { color: var(--muted); }\n"
    "  .minor, .minor .k { color: var(--muted); font-size: 0.88em; font-weight: normal; }\n"
    "  .note { white-space: pre-wrap; }\n"
    "  .rules { font-size: 0.92em; }\n"
    "  .from { color: #8a4b00; }\n"
    "  .ev-alert td.type b { color: #b71c1c; }\n"
    "  .ev-act td.type b { color: #1f5f2a; }\n"
    "  .ev-escalate td.type b { color: #6a1b9a; }\n"
    "  ol.decisions { margin: 0; padding-left: 1.6em; }\n"
    "  table.handlers > tbody > tr > td:nth-child(1) { width: 15em; }\n"
    "  table.handlers > tbody > tr > td:nth-child(2),"
    " table.handlers > tbody > tr > td:nth-child(3) { white-space: nowrap; }\n"
    "  table.handlers > tbody > tr > td:nth-child(4) { width: 12.5em; }\n"
    "  table.clk { width: 100%; }\n"
    "  table.clk th, table.clk td { border: none; padding: 0 8px 1px 0; background: none;"
    " white-space: nowrap; }\n"
    "  table.clk th { color: var(--muted); font-size: 0.85em; font-weight: normal;"
    " border-bottom: 1px solid var(--rule); }\n"
    "  table.clk td.n { text-align: right; }\n"
    "  .stopped, .stopped b { color: var(--muted); }\n"
    "  footer { margin-top: 20px; padding-top: 6px; border-top: 1px solid var(--rule);"
    " color: var(--muted); font-size: 12px; }\n"
    "  @page { size: A4; margin: 12mm 10mm; }\n"
    "  @media print {\n"
    "    body { max-width: none; padding: 0; font-size: 9.5pt; }\n"
    "    * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n"
    "    thead { display: table-header-group; }\n"
    "    tr, dl.facts > div { break-inside: avoid; }\n"
    "    h2 { break-after: avoid; }\n"
        "  }\n";

//  One fact of the case: a label (Chinese, English) and, after this, its
//  value until s_fact_end. `wide`: across the whole width.
static void
s_fact (FILE *out, const char *zh, const char *en, bool wide)
{
    fprintf (out, "<div%s><dt>%s <span class=\"en\">%s</span></dt><dd>",
             wide? " class=\"wide\"": "", zh, en);
}

static void
s_fact_end (FILE *out)
{
    fputs ("</dd></div>\n", out);
}

//  A string field of the case as a fact: through `table` if it is one.
static void
s_fact_word (FILE *out, const msgpack_object *kase, const char *key, huishang_words_t table,
             const char *zh, const char *en)
{
    char name [HS_CODE_MAX + 1];
    s_fact (out, zh, en, false);
    if (*huishang_print_field (kase, key, name, sizeof (name)))
        huishang_html_word (out, table, name);
    else
        fputs ("—", out);
    s_fact_end (out);
}

static void
s_fact_time (FILE *out, const msgpack_object *kase, const char *key, const char *zh,
             const char *en)
{
    s_fact (out, zh, en, false);
    huishang_html_time (out, hs_proto_int (kase, key, 0));
    s_fact_end (out);
}

static bool
s_has_items (const msgpack_object *list)
{
    return list && list->type == MSGPACK_OBJECT_ARRAY && list->via.array.size > 0;
}

//  The case's own facts (PROTOCOL.md §7, the case record).
static void
s_write_case (FILE *out, hs_units_t *units, const msgpack_object *kase, size_t events)
{
    char text [HS_NAME_MAX + 1];
    fputs ("<section id=\"case\">\n<h2>案件情况 <span class=\"en\">The case</span></h2>\n"
           "<dl class=\"facts\">\n", out);
    s_fact (out, "案件编号", "case", false);
    huishang_html_puts (out, huishang_print_field (kase, "id", text, sizeof (text)));
    s_fact_end (out);
    s_fact (out, "等级", "level", false);
    huishang_html_level (out, huishang_print_field (kase, "level", text, sizeof (text)));
    char rules_level [HS_CODE_MAX + 1];
    if (*huishang_print_field (kase, "rules_level", rules_level, sizeof (rules_level))
    &&  !streq (rules_level, text)) {
        fputs (" <span class=\"minor\">规则定级 <span class=\"en\">the rules said</span> ", out);
        huishang_html_level (out, rules_level);
        fputs ("</span>", out);
    }
    s_fact_end (out);
    s_fact_word (out, kase, "stage", HUISHANG_WORDS_STAGE, "阶段", "stage");
    s_fact (out, "状态", "status", false);
    if (*huishang_print_field (kase, "status", text, sizeof (text)))
        huishang_html_word (out, HUISHANG_WORDS_STATUS, text);
    if (huishang_print_bool (kase, "overdue") && !huishang_print_bool (kase, "closed"))
        fputs (" <span class=\"flag\">逾期 <span class=\"en\">overdue</span></span>", out);
    s_fact_end (out);
    s_fact_word (out, kase, "category", HUISHANG_WORDS_CATEGORY, "类别", "category");
    s_fact (out, "街道", "street", false);
    huishang_html_unit (out, units, huishang_print_field (kase, "street", text, sizeof (text)),
                        true);
    s_fact_end (out);
    s_fact (out, "企业", "enterprise", true);
    fputs ("<b>", out);
    huishang_html_puts (out, huishang_print_field (kase, "enterprise", text, sizeof (text)));
    fputs ("</b>", out);
    if (*huishang_print_field (kase, "credit_code", text, sizeof (text))) {
        fputs (" · 统一社会信用代码 <span class=\"en\">credit code</span> <code>", out);
        huishang_html_puts (out, text);
        fputs ("</code>", out);
    }
    if (*huishang_print_field (kase, "ownership", text, sizeof (text))) {
        fputs (" · ", out);
        huishang_html_word (out, HUISHANG_WORDS_OWNERSHIP, text);
    }
    if (*huishang_print_field (kase, "sector", text, sizeof (text))) {
        fputs (" · 行业 <span class=\"en\">sector</span> ", out);
        huishang_html_puts (out, text);
    }
    s_fact_end (out);
    s_fact (out, "涉及人数", "workers", false);
    fprintf (out, "<b>%lld</b> 人", (long long) hs_proto_int (kase, "workers", 0));
    s_fact_end (out);
    s_fact (out, "涉及金额", "amount", false);
    int64_t amount = hs_proto_int (kase, "amount", -1);
    if (amount >= 0)
        huishang_html_amount (out, amount);
    else
        fputs ("不详 <span class=\"en\">unknown</span>", out);
    s_fact_end (out);
    s_fact (out, "情形", "flags", true);
    if (!huishang_html_words (out, HUISHANG_WORDS_FLAG, hs_proto_get (kase, "flags")))
        fputs ("无 <span class=\"en\">none</span>", out);
    s_fact_end (out);
    s_fact (out, "主办单位", "lead", false);
    if (*huishang_print_field (kase, "lead", text, sizeof (text)))
        huishang_html_unit (out, units, text, true);
    else
        fputs ("—", out);
    s_fact_end (out);
    s_fact (out, "报告", "reports", false);
    fprintf (out, "%lld 份 · 来源 <span class=\"en\">from</span> ",
             (long long) hs_proto_int (kase, "reports", 0));
    huishang_html_units (out, units, hs_proto_get (kase, "sources"));
    s_fact_end (out);
    s_fact_time (out, kase, "opened", "立案时间", "opened");
    s_fact_time (out, kase, "updated", "最近更新", "updated");
    if (hs_proto_int (kase, "closed_at", 0) > 0)
        s_fact_time (out, kase, "closed_at", "审核办结", "closed");
    if (hs_proto_int (kase, "filed", 0) > 0)
        s_fact_time (out, kase, "filed", "归档时间", "filed");
    s_fact (out, "涉及单位", "units", true);
    huishang_html_units (out, units, hs_proto_get (kase, "units"));
    s_fact_end (out);
    s_fact (out, "定级依据", "reasons", true);
    huishang_html_strings (out, hs_proto_get (kase, "reasons"), ", ");
    if (*huishang_print_field (kase, "rules_version", text, sizeof (text))) {
        fputs ("<br><span class=\"minor\">规则版本 rules version <code class=\"version\">", out);
        huishang_html_puts (out, text);
        fputs ("</code></span>", out);
    }
    s_fact_end (out);
    s_fact (out, "督办", "supervision", false);
    if (hs_proto_int (kase, "muted_until", 0) > 0) {
        fputs ("暂停至 <span class=\"en\">muted until</span> ", out);
        huishang_html_time (out, hs_proto_int (kase, "muted_until", 0));
        fputs ("<br>", out);
    }
    if (hs_proto_int (kase, "timer_at", 0) > 0) {
        fputs ("下次检查 <span class=\"en\">next check</span> ", out);
        huishang_html_time (out, hs_proto_int (kase, "timer_at", 0));
    }
    else
        fputs ("无 <span class=\"en\">none running</span>", out);
    s_fact_end (out);
    s_fact (out, "回访", "follow-up", false);
    if (*huishang_print_field (kase, "followup", text, sizeof (text)))
        fprintf (out, "%s <span class=\"en\">%s</span>", streq (text, "satisfied")? "满意":
                 streq (text, "unsatisfied")? "不满意": "", streq (text, "satisfied")?
                 "satisfied": streq (text, "unsatisfied")? "unsatisfied": "");
    else
        fputs ("—", out);
    if (hs_proto_int (kase, "reopened", 0) > 0)
        fprintf (out, " · 重新办理 %lld 次 <span class=\"en\">reopened</span>",
                 (long long) hs_proto_int (kase, "reopened", 0));
    s_fact_end (out);
    //  Merges and splits name the other cases, whose own dossiers tell the rest.
    const msgpack_object *merged_from = hs_proto_get (kase, "merged_from");
    bool merged_into = *huishang_print_field (kase, "merged_into", text, sizeof (text));
    char split_from [HS_ID_MAX + 1];
    bool split = *huishang_print_field (kase, "split_from", split_from, sizeof (split_from));
    if (merged_into || split || s_has_items (merged_from)) {
        s_fact (out, "关联案件", "related cases", true);
        if (merged_into) {
            fputs ("<div>已并入 <span class=\"en\">merged into</span> <b>", out);
            huishang_html_puts (out, text);
            fputs ("</b></div>", out);
        }
        if (s_has_items (merged_from)) {
            fputs ("<div>并入本案 <span class=\"en\">merged from</span> <b>", out);
            huishang_html_strings (out, merged_from, "</b>, <b>");
            fputs ("</b></div>", out);
        }
        if (split) {
            fputs ("<div>拆分自 <span class=\"en\">split from</span> <b>", out);
            huishang_html_puts (out, split_from);
            fputs ("</b></div>", out);
        }
        s_fact_end (out);
    }
    s_fact (out, "办理记录", "history", true);
    fprintf (out, "%zu 条 <span class=\"en\">events</span>, #%lld – #%lld", events,
             (long long) hs_proto_int (kase, "first_seq", 0),
             (long long) hs_proto_int (kase, "last_seq", 0));
    s_fact_end (out);
    fputs ("</dl>\n</section>\n", out);
}

//  One clock of a handler as a row of its small table, unless it never
//  ran (a co-handler's progress).
static void
s_write_clock (FILE *out, const msgpack_object *clock)
{
    int64_t start = hs_proto_int (clock, "start", 0), next = hs_proto_int (clock, "next", 0);
    if (start <= 0 && next <= 0)
        return;
    char name [HS_CODE_MAX + 1], rung [HS_CODE_MAX + 1];
    huishang_print_field (clock, "clock", name, sizeof (name));
    if (!*huishang_print_field (clock, "rung", rung, sizeof (rung)))
        hs_strcpy (rung, sizeof (rung), "none");        //  nil: no notice yet
    fprintf (out, "<tr%s><td><b>", next > 0? "": " class=\"stopped\"");
    huishang_html_word (out, HUISHANG_WORDS_CLOCK, name);
    fputs ("</b></td><td>", out);
    huishang_html_time (out, hs_proto_int (clock, "due", 0));
    fputs ("</td><td>", out);
    huishang_html_word (out, HUISHANG_WORDS_RUNG, rung);
    fprintf (out, "</td><td class=\"n\">%lld</td><td>",
             (long long) hs_proto_int (clock, "notices", 0));
    if (next > 0)
        huishang_html_time (out, next);
    else
        fputs ("已停 <span class=\"en\">stopped</span>", out);
    fputs ("</td></tr>", out);
}

//  Each unit's handling: role, state, its moments and its clocks.
static void
s_write_handlers (FILE *out, hs_units_t *units, const msgpack_object *kase)
{
    fputs ("<section id=\"handling\">\n<h2>承办单位办理情况 <span class=\"en\">The units' "
           "handling</span></h2>\n", out);
    const msgpack_object *handlers = hs_proto_get (kase, "handlers");
    if (!s_has_items (handlers)) {
        fputs ("<p>本案记录无承办单位 <span class=\"en\">the record names no handlers (a "
               "store from before 0.5)</span></p>\n</section>\n", out);
        return;
    }
    fputs ("<table class=\"handlers\">\n<thead><tr><th>单位 <span class=\"en\">unit</span></th>"
           "<th>角色 <span class=\"en\">role</span></th><th>状态 <span class=\"en\">state</span>"
           "</th><th>时间 <span class=\"en\">times</span></th><th>时限 <span class=\"en\">"
           "clocks</span></th></tr></thead>\n<tbody>\n", out);
    static const struct { const char *key, *zh, *en; } moments [] = {
        { "routed", "派单", "routed" }, { "signed", "签收", "signed" },
        { "progress", "进展", "progress" }, { "done", "办结", "done" }
    };
    for (uint32_t index = 0; index < handlers->via.array.size; index++) {
        const msgpack_object *handler = &handlers->via.array.ptr [index];
        if (handler->type != MSGPACK_OBJECT_MAP)
            continue;
        char text [HS_CODE_MAX + 1];
        fputs ("<tr><td>", out);
        huishang_html_unit (out, units, huishang_print_field (handler, "unit", text,
                                                              sizeof (text)), true);
        fputs ("</td><td>", out);
        huishang_html_word (out, HUISHANG_WORDS_ROLE,
                            huishang_print_field (handler, "role", text, sizeof (text)));
        fputs ("</td><td>", out);
        huishang_html_word (out, HUISHANG_WORDS_STATE,
                            huishang_print_field (handler, "state", text, sizeof (text)));
        fputs ("</td><td>", out);
        for (size_t moment = 0; moment < sizeof (moments) / sizeof (moments [0]); moment++)
            if (hs_proto_int (handler, moments [moment].key, 0) > 0) {
                fprintf (out, "<div>%s <span class=\"en\">%s</span> ", moments [moment].zh,
                         moments [moment].en);
                huishang_html_time (out, hs_proto_int (handler, moments [moment].key, 0));
                fputs ("</div>", out);
            }
        fputs ("</td><td class=\"clocks\">", out);
        const msgpack_object *clocks = hs_proto_get (handler, "clocks");
        if (s_has_items (clocks)) {
            fputs ("<table class=\"clk\"><tr><th>时限 <span class=\"en\">clock</span></th>"
                   "<th>到期 <span class=\"en\">due</span></th><th>督办 <span class=\"en\">"
                   "rung</span></th><th>次数 <span class=\"en\">notices</span></th><th>下次 "
                   "<span class=\"en\">next</span></th></tr>", out);
            for (uint32_t clock = 0; clock < clocks->via.array.size; clock++)
                if (clocks->via.array.ptr [clock].type == MSGPACK_OBJECT_MAP)
                    s_write_clock (out, &clocks->via.array.ptr [clock]);
            fputs ("</table>", out);
        }
        fputs ("</td></tr>\n", out);
    }
    fputs ("</tbody>\n</table>\n</section>\n", out);
}

typedef struct {
    FILE *out;
    hs_units_t *units;
    const char *case_id;
} s_rows_t;

static void
s_row (const msgpack_object *event, void *arg)
{
    s_rows_t *rows = (s_rows_t *) arg;
    huishang_dossier_events_row (rows->out, rows->units, rows->case_id, event);
}

static void
s_write_html (FILE *out, hs_config_t *config, s_pages_t *pages)
{
    const msgpack_object *kase = s_case (pages);
    char id [HS_ID_MAX + 1], enterprise [HS_NAME_MAX + 1], level [HS_CODE_MAX + 1];
    huishang_print_field (kase, "id", id, sizeof (id));
    huishang_print_field (kase, "enterprise", enterprise, sizeof (enterprise));
    huishang_print_field (kase, "level", level, sizeof (level));
    size_t events = s_each_event (pages, NULL, NULL);
    fputs ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", out);
    fprintf (out, "<meta name=\"generator\" content=\"huishang %s\">\n<title>案件卷宗 ",
             HS_VERSION);
    huishang_html_puts (out, id);
    fputs (" · ", out);
    huishang_html_puts (out, enterprise);
    fprintf (out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", s_style);
    fputs ("<header class=\"top\">\n<div class=\"org\">劳动关系矛盾会商机制 · ", out);
    huishang_html_puts (out, config->district);
    fputs (" <span class=\"en\">labour-dispute consultation mechanism</span></div>\n"
           "<h1>案件卷宗 <span class=\"en\">case dossier</span><span class=\"id\">", out);
    huishang_html_puts (out, id);
    fputs ("</span></h1>\n<p class=\"subject\">", out);
    huishang_html_level (out, level);
    fputs (" <b>", out);
    huishang_html_puts (out, enterprise);
    fputs ("</b></p>\n</header>\n", out);
    s_write_case (out, config->units, kase, events);
    s_write_handlers (out, config->units, kase);
    fputs ("<section id=\"history\">\n<h2>办理记录 <span class=\"en\">History, every event in "
           "order</span></h2>\n<table class=\"history\">\n<thead><tr><th>序号 <span class=\"en\">"
           "seq</span></th><th>时间 <span class=\"en\">time</span></th><th>类型 <span class="
           "\"en\">type</span></th><th>主题 <span class=\"en\">topic</span></th><th>内容 <span "
           "class=\"en\">content</span></th></tr></thead>\n<tbody>\n", out);
    s_rows_t rows = { out, config->units, id };
    s_each_event (pages, s_row, &rows);
    fputs ("</tbody>\n</table>\n</section>\n<footer>", out);
    fputs ("生成时间 <span class=\"en\">made</span> ", out);
    huishang_html_time (out, zclock_time ());
    fprintf (out, " · 时间均为本区时间 <span class=\"en\">times are the district's,</span> "
             "UTC%s · huishang %s</footer>\n</body>\n</html>\n",
             huishang_time_label (), HS_VERSION);
}

//  ---------------------------------------------------------------------
//  Where it goes

typedef struct {
    FILE *file;                 //  stdout, or the temporary file
    const char *path;           //  -o FILE, or NULL
    char *temp;                 //  FILE.XXXXXX beside it, renamed onto it at the end
} s_output_t;

static int
s_output_open (s_output_t *output, const char *path)
{
    memset (output, 0, sizeof (*output));
    output->path = path;
    if (!path) {
        output->file = stdout;
        return 0;
    }
    output->temp = zsys_sprintf ("%s.XXXXXX", path);
    int handle = mkstemp (output->temp);
    if (handle >= 0) {
        mode_t mask = umask (0);        //  as a plain fopen would make it
        umask (mask);
        if (fchmod (handle, 0666 & ~mask) == 0)
            output->file = fdopen (handle, "w");
        if (!output->file) {
            close (handle);
            unlink (output->temp);
        }
    }
    if (!output->file) {
        fprintf (stderr, "huishang: cannot write %s: %s\n", path, strerror (errno));
        zstr_free (&output->temp);
        return -1;
    }
    return 0;
}

//  Finish the output: flushed and synced, the temporary file renamed onto
//  FILE. Returns 0, or -1 (said; the temporary file is gone).
static int
s_output_close (s_output_t *output)
{
    if (!output->path) {
        if (fflush (stdout) == 0 && !ferror (stdout))
            return 0;
        fprintf (stderr, "huishang: cannot write the dossier: %s\n", strerror (errno));
        return -1;
    }
    bool failed = fflush (output->file) != 0 || ferror (output->file)
               || fsync (fileno (output->file)) != 0;
    failed |= fclose (output->file) != 0;
    if (!failed && rename (output->temp, output->path) == 0) {
        zstr_free (&output->temp);
        return 0;
    }
    fprintf (stderr, "huishang: cannot write %s: %s\n", output->path, strerror (errno));
    unlink (output->temp);
    zstr_free (&output->temp);
    return -1;
}

static void
s_option (int option, const char *value, void *arg)
{
    if (option == 'o')
        *(const char **) arg = value;
}

int
huishang_dossier_write (hs_client_t *client, hs_config_t *config, const char *case_id,
                        const char *html_path, const char *json_path, size_t *events,
                        json_t **kase)
{
    s_pages_t pages = { NULL, 0, 0 };
    int rc = s_fetch (client, case_id, &pages);
    for (int form = 0; rc == 0 && form < 2; form++) {
        s_output_t output;
        const char *path = form? json_path: html_path;
        if (!path)
            continue;
        rc = s_output_open (&output, path);
        if (rc == 0) {
            if (form)
                s_write_json (output.file, &pages);
            else
                s_write_html (output.file, config, &pages);
            rc = s_output_close (&output);
        }
    }
    if (rc == 0 && events)
        *events = s_each_event (&pages, NULL, NULL);
    if (rc == 0 && kase)
        *kase = hs_json_from_object (s_case (&pages));
    s_pages_destroy (&pages);
    return rc;
}

int
huishang_dossier_main (hs_client_t *client, hs_config_t *config, int argc, char *argv [])
{
    static const struct option extra [] = {
        { "output", required_argument, NULL, 'o' }, { NULL, 0, NULL, 0 }
    };
    const char *path = NULL;
    bool json;
    int first = huishang_options_parse (client, argc, argv, extra, s_option, &path, &json);
    if (first < 0 || first != argc - 1 || (path && !*path)) {
        fprintf (first == -1? stdout: stderr,
                 "usage: huishang dossier CASE [--json] [-o FILE] [--api EP] [--timeout D]\n"
                 "  the case and its whole history as one HTML page to print or hand over\n"
                 "  (--json: one JSON document {v, case, history}); to stdout, or to FILE\n");
        return first == -1? 0: 2;
    }
    if (!hs_client_api_socket (client))
        return 1;
    s_pages_t pages = { NULL, 0, 0 };
    int rc = s_fetch (client, argv [first], &pages);
    s_output_t output;
    if (rc == 0)
        rc = s_output_open (&output, path);
    if (rc == 0) {
        if (json)
            s_write_json (output.file, &pages);
        else
            s_write_html (output.file, config, &pages);
        rc = s_output_close (&output);
    }
    s_pages_destroy (&pages);
    return rc == 0? 0: 1;
}
