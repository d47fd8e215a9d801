/*  huishang duty board - the printable briefing (通报, PROTOCOL §4.10):
    the last brief.daily (or weekly) body as a document, in the district's
    time, for print.css to put on A4. */

"use strict";

(function () {
    var hs = HS, el = HS.el;

    function figure (label, value, late) {
        return el ("div", { "class": "figure" + (late? " late": "") }, el ("b", null, value === undefined? "—": value), label);
    }
    function countTable (title, map, word, columns) {
        var keys = Object.keys (map || {});
        if (!keys.length)
            return null;
        return [el ("h3", null, title),
            el ("table", { "class": "counts" },
                el ("thead", null, el ("tr", null, el ("th", null, columns [0]), el ("th", { "class": "n" }, columns [1]))),
                el ("tbody", null, keys.map (function (key) {
                    return el ("tr", null, el ("td", null, word (key)), el ("td", { "class": "n" }, map [key]));
                })))];
    }
    function avg (ms) { return ms? hs.span (ms): ""; }

    function show (brief) {
        var box = hs.clear (hs.$ ("briefing"));
        var levels = hs.config.levels || ["general", "significant", "major", "critical"];
        var title = (brief.period === "weekly"? "每周通报 weekly briefing": "每日通报 daily briefing");
        hs.append (box, [
            el ("h2", null, title, " ", el ("span", { "class": "dim" }, "#" + brief.seq)),
            el ("p", null, "区 district ", el ("b", null, brief.district || hs.config.district || ""),
                " · 期间 period ", hs.time (brief.since, true), " — ", hs.time (brief.until, true)),
            el ("h3", null, "概况 overview"),
            el ("div", { "class": "figures" },
                figure ("新立案件 new cases", (brief ["new"] || {}).total),
                figure ("在办案件 open now", brief.open),
                figure ("超期案件 overdue", brief.overdue, brief.overdue > 0),
                figure ("督办通知 supervision notices", brief.overdue_alerts),
                figure ("升级 escalated", brief.escalated),
                figure ("办结 resolved", brief.resolved),
                figure ("会议 请求/召开 meetings asked/held", (brief.meetings_requested || 0) + " / " + (brief.meetings_held || 0)),
                figure ("预警 warnings", brief.warnings),
                figure ("交办事项 未办/超期 action items open/late", (brief.actions_open || 0) + " / " + (brief.actions_late || 0),
                        brief.actions_late > 0),
                figure ("整改 未完成/超期 rectifications open/late", (brief.rectify_open || 0) + " / " + (brief.rectify_late || 0),
                        brief.rectify_late > 0)),
            el ("h3", null, "按等级 by level"),
            el ("table", { "class": "levels" },
                el ("thead", null, el ("tr", null, el ("th", null, ""), levels.map (function (level) {
                    return el ("th", { "class": "n level-" + level }, hs.zh ("level", level));
                }))),
                el ("tbody", null,
                    el ("tr", null, el ("th", null, "新立 new"), levels.map (function (level) {
                        return el ("td", { "class": "n" }, ((brief ["new"] || {}).by_level || {}) [level] || 0);
                    })),
                    el ("tr", null, el ("th", null, "在办 open"), levels.map (function (level) {
                        return el ("td", { "class": "n" }, (brief.open_by_level || {}) [level] || 0);
                    })))),
            countTable ("新立案件按街镇 new cases by street", (brief ["new"] || {}).by_street, hs.unitName,
                        ["街镇 street", "件 cases"]),
            countTable ("新立案件按类别 new cases by category", (brief ["new"] || {}).by_category,
                        function (c) { return hs.zh ("category", c); }, ["类别 category", "件 cases"])
        ]);
        var supervision = brief.supervision || [];
        if (supervision.length)
            hs.append (box, [el ("h3", null, "各单位督办与签收 supervision and sign-off by unit"),
                el ("table", { "class": "supervision" },
                    el ("thead", null, el ("tr", null, el ("th", null, "单位 unit"), el ("th", { "class": "n" }, "催办"),
                        el ("th", { "class": "n" }, "督办"), el ("th", { "class": "n" }, "通报"),
                        el ("th", { "class": "n" }, "签收 signed"), el ("th", { "class": "n" }, "平均签收 avg"),
                        el ("th", { "class": "n" }, "办结 done"), el ("th", { "class": "n" }, "平均办结 avg"))),
                    el ("tbody", null, supervision.map (function (s) {
                        return el ("tr", { "class": s.circulate? "rung-circulate": "" }, el ("td", null, hs.unitName (s.unit)),
                            el ("td", { "class": "n" }, s.remind || 0), el ("td", { "class": "n" }, s.supervise || 0),
                            el ("td", { "class": "n" }, s.circulate || 0), el ("td", { "class": "n" }, s.signed || 0),
                            el ("td", { "class": "n" }, avg (s.sign_avg_ms)), el ("td", { "class": "n" }, s.resolved || 0),
                            el ("td", { "class": "n" }, avg (s.resolve_avg_ms)));
                    })))]);
        if ((brief.named || []).length)
            hs.append (box, el ("p", null, el ("b", null, "通报单位 units named: "), hs.units (brief.named)));
        var prompts = brief.prompts || [];
        if (prompts.length)
            hs.append (box, [el ("h3", null, "工作提示 work prompts"),
                el ("table", { "class": "prompts" },
                    el ("thead", null, el ("tr", null, el ("th", null, "提示 prompt"), el ("th", null, "期限 due"),
                        el ("th", null, "已签收 signed"), el ("th", null, "超期未签 late"), el ("th", null, "待签 waiting"))),
                    el ("tbody", null, prompts.map (function (p) {
                        return el ("tr", null, el ("td", null, p.title || p.prompt, el ("br"), el ("span", { "class": "dim" }, p.prompt)),
                            el ("td", null, hs.time (p.due, true)), el ("td", null, hs.units (p.signed)),
                            el ("td", { "class": "late" }, hs.units (p.late)), el ("td", null, hs.units (p.waiting)));
                    })))]);
        hs.append (box, el ("p", { "class": "dim" }, "送 to: " + hs.units (brief.units)));
    }

    function load () {
        var period = hs.$ ("period").value;
        hs.getJSON ("/api/briefing?period=" + period).then (function (reply) {
            show (reply.brief || {});
        }, function (error) {
            var box = hs.clear (hs.$ ("briefing"));
            hs.append (box, el ("p", { "class": "dim" }, error.status === 404?
                "尚无通报 no " + period + " briefing yet": "无法读取通报 cannot read the briefing: " + error.message));
        });
    }

    var period = /[?&]period=(weekly|daily)/.exec (location.search);
    if (period)
        hs.$ ("period").value = period [1];
    hs.$ ("period").addEventListener ("change", load);
    hs.$ ("print").addEventListener ("click", function () { window.print (); });
    hs.loadConfig ().catch (function () { return null; }).then (function () {
        hs.$ ("district").textContent = hs.config.district || "";
        load ();
    });
}) ();
