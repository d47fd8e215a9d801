/*  huishang duty board - what every page shares: the words of the wire's
    names (as the CLI's huishang_words.c has them), times in the district's
    zone, the api, the user box, and the live stream with its freshness.

    Every time is ms since the epoch (UTC) and is shown in the district's
    zone from /api/config zone_offset_ms: never the browser's own zone. */

"use strict";

var HS = (function () {
    var hs = {};

    //  -- words ---------------------------------------------------------------
    var WORDS = {
        level: { general: "一般", significant: "较大", major: "重大", critical: "特别重大" },
        level_en: { general: "general", significant: "significant", major: "major",
                    critical: "critical" },
        category: { wage_arrears: "拖欠工资", layoff: "裁员", social_insurance: "社会保险",
                    work_stoppage: "停工停产", negotiation: "集体协商", contract: "劳动合同",
                    injury: "工伤", other: "其他" },
        stage: { open: "办理中", resolved: "待审核", closed: "已办结", merged: "已合并" },
        state: { routed: "已派", signed: "已签收", done: "已办结", returned: "已退单",
                 removed: "已移除", not_signed: "未签收" },
        role: { lead: "主办", co: "协办" },
        clock: { sign: "签收", progress: "进展", resolve: "办结" },
        rung: { none: "未超期", remind: "催办", supervise: "督办", circulate: "通报" },
        status: { open: "办理中", signed: "签收", returned: "退单", accepted: "受理",
                  mediating: "调解中", resolved: "办结", closed: "结案", failed: "调解失败" },
        act: { close: "审核办结", reject_closure: "退回重办", send_back: "退回重办",
               followup: "回访", regrade: "调整等级", merge: "合并", split: "拆分",
               mute: "暂停督办", unmute: "恢复督办", reroute: "调整承办单位",
               insist: "坚持交办", sign: "签收", "return": "退单", progress: "报进展",
               resolve: "办结" },
        alert: { "new": "立案", escalated: "升级", resolved: "办结待审核", closed: "审核办结",
                 reopened: "重新办理", sent_back: "退回重办", returned: "退单",
                 failed: "调解失败", regraded: "调整等级", merged: "合并", unmuted: "恢复督办",
                 overdue: "超期", supervision: "督促检查", warning: "会议未达法定人数" },
        type: { report: "上报", update: "进展", act: "决定", alert: "通知", meeting: "会议",
                reminder: "会议提醒", escalate: "上报上级", warning: "预警",
                minutes: "会议纪要", rsvp: "回复", brief: "通报", rules: "规则变更",
                clock: "时钟调整", prompt: "工作提示", promptsign: "签收工作提示",
                workprompt: "工作提示", proposal: "重大问题及对策建议", opinion: "成员单位意见",
                consult: "征求意见与报送", filing: "归档", inspect: "督查方案",
                inspectplan: "督查方案审批", finding: "督查结果", rectified: "整改完成",
                inspection: "督查", action: "会议事项", call: "召集会议" },
        flag: { gathering: "聚集", petition_visit: "信访", road_blocking: "堵路", extreme: "极端行为",
                media: "媒体关注", litigation: "诉讼", repeat: "重复发生", cross_district: "跨区",
                epidemic: "疫情相关" },
        ownership: { "private": "民营", state: "国有", foreign: "外资", collective: "集体", other: "其他" },
        meeting: { special: "专题会议", plenary: "全体会议", office: "办公室会议",
                   normal: "常规", urgent: "紧急", attend: "出席", decline: "不出席" },
        mstate: { upcoming: "待召开", missed: "已逾期未开", "short": "未达法定人数",
                  held: "已召开", closed: "已关闭" },
        feed: { ok: "正常", silent: "数据中断", gap: "数据缺失" },
        warning: { enterprise: "企业重复预警", street: "街道集中预警", prompt: "工作提示建议",
                   quorum: "全体会议未达法定人数", gap: "数据缺失", silent: "数据中断",
                   resumed: "数据恢复", feed: "数据源", store: "存储" }
    };
    hs.words = WORDS;

    //  The Chinese word of a wire name (the name itself if there is none).
    hs.zh = function (table, name) {
        if (name === null || name === undefined)
            return "";
        var words = WORDS [table];
        return (words && Object.prototype.hasOwnProperty.call (words, name))? words [name]: String (name);
    };

    //  "特别重大 critical": the word with its English gloss.
    hs.levelText = function (level) {
        return hs.zh ("level", level) + " " + (WORDS.level_en [level] || level || "");
    };

    //  -- the page's config ---------------------------------------------------------
    hs.config = { zone_offset_ms: 8 * 3600000, zone_name: "Asia/Shanghai", district: "",
                  units: [], levels: ["general", "significant", "major", "critical"],
                  categories: [], heartbeat_ms: 2000, user: null, csrf: null };
    var unitNames = {};

    hs.unitName = function (code) {
        if (!code)
            return "";
        return unitNames [code] || code;
    };
    hs.units = function (list) {
        return (list || []).map (hs.unitName).join ("、");
    };

    //  -- elements ------------------------------------------------------------------
    hs.$ = function (id) { return document.getElementById (id); };

    //  el("td", {class: "x", "data-seq": 3}, child, "text", ...)
    hs.el = function (tag, attrs) {
        var node = document.createElement (tag);
        var key;
        for (key in (attrs || {})) {
            if (attrs [key] === null || attrs [key] === undefined || attrs [key] === false)
                continue;
            if (key === "class")
                node.className = attrs [key];
            else
                node.setAttribute (key, attrs [key]);
        }
        for (var index = 2; index < arguments.length; index++)
            hs.append (node, arguments [index]);
        return node;
    };
    hs.append = function (node, child) {
        if (child === null || child === undefined || child === false)
            return;
        if (Array.isArray (child))
            child.forEach (function (one) { hs.append (node, one); });
        else
        if (typeof child === "object")
            node.appendChild (child);
        else
            node.appendChild (document.createTextNode (String (child)));
    };
    hs.clear = function (node) {
        while (node && node.firstChild)
            node.removeChild (node.firstChild);
        return node;
    };
    //  Replace a table's body rows with `rows`, or one "none" row.
    hs.fillRows = function (table, rows, columns, none) {
        var body = table.tBodies [0] || table.appendChild (document.createElement ("tbody"));
        hs.clear (body);
        if (!rows.length)
            body.appendChild (hs.el ("tr", { "class": "none" },
                hs.el ("td", { colspan: columns }, none || "无 none")));
        rows.forEach (function (row) { body.appendChild (row); });
    };

    //  -- time in the district's zone -----------------------------------------------
    function pad (n) { return (n < 10? "0": "") + n; }

    hs.zoneLabel = function () {
        var offset = hs.config.zone_offset_ms, sign = offset < 0? "-": "+";
        offset = Math.abs (offset);
        return sign + pad (Math.floor (offset / 3600000)) + ":" + pad (Math.floor (offset % 3600000 / 60000));
    };
    //  The district's wall clock of `ms` as a Date read with getUTC*.
    function local (ms) { return new Date (ms + hs.config.zone_offset_ms); }

    hs.localDate = function (ms) {
        var d = local (ms);
        return d.getUTCFullYear () + "-" + pad (d.getUTCMonth () + 1) + "-" + pad (d.getUTCDate ());
    };
    hs.localClock = function (ms) {
        var d = local (ms);
        return pad (d.getUTCHours ()) + ":" + pad (d.getUTCMinutes ());
    };
    //  "2026-12-01 16:30 (+08:00)"
    hs.fullTime = function (ms) {
        return hs.localDate (ms) + " " + hs.localClock (ms) + " (" + hs.zoneLabel () + ")";
    };
    //  "16:30" when it is today in the district (by the daemon's clock), else
    //  the full time.
    hs.shortTime = function (ms) {
        return hs.localDate (ms) === hs.localDate (hs.now ())? hs.localClock (ms): hs.fullTime (ms);
    };
    //  A <time> element for `ms` (class t: the tests read these), its
    //  full time as the tooltip.
    hs.time = function (ms, full) {
        if (!ms)
            return hs.el ("span", { "class": "dim" }, "—");
        var text = full? hs.fullTime (ms): hs.shortTime (ms);
        //  a full time breaks between its date, clock and zone, not inside them
        var parts = text.split (" ").map (function (part, index) {
            return [index? " ": "", hs.el ("span", { "class": "seg" }, part)];
        });
        return hs.el ("time", { "class": "t", "data-ms": ms, title: hs.fullTime (ms) }, parts);
    };
    //  "2026-12-01T16:30" (the district's time) -> ms, or NaN.
    hs.parseLocal = function (text) {
        var m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)$/.exec ((text || "").trim ());
        if (!m)
            return NaN;
        return Date.UTC (+m [1], +m [2] - 1, +m [3], +m [4], +m [5]) - hs.config.zone_offset_ms;
    };
    //  A span of ms as the CLI writes it: 2d3h, 4h10m, 25m, 40s.
    hs.span = function (ms) {
        ms = Math.max (0, Math.round (ms || 0));
        var minutes = Math.floor (ms / 60000), hours = Math.floor (minutes / 60), days = Math.floor (hours / 24);
        if (days)
            return days + "d" + (hours % 24) + "h";
        if (hours)
            return hours + "h" + (minutes % 60) + "m";
        if (minutes)
            return minutes + "m";
        return Math.floor (ms / 1000) + "s";
    };
    //  "N 分钟前" (N min ago) by the daemon's clock.
    hs.ago = function (ms) {
        var late = Math.max (0, hs.now () - ms), minutes = Math.floor (late / 60000);
        if (minutes < 1)
            return "刚刚";
        if (minutes < 120)
            return minutes + " 分钟前";
        var hours = Math.floor (minutes / 60);
        if (hours < 48)
            return hours + " 小时前";
        return Math.floor (hours / 24) + " 天前";
    };

    //  The daemon's clock now: its last reading (a heartbeat, the board)
    //  plus the real time since (a drill clock runs faster: the next beat
    //  puts it right).
    var clockAt = 0, clockSeen = 0;
    //  forward only: an event's own time moves it on, never back
    hs.setClock = function (at, forward) {
        if (at && (!forward || at > hs.now ())) {
            clockAt = at;
            clockSeen = Date.now ();
        }
    };
    hs.now = function () {
        return clockAt? clockAt + (Date.now () - clockSeen): Date.now ();
    };

    //  -- the api --------------------------------------------------------------------
    hs.getJSON = function (path) {
        return fetch (path, { credentials: "same-origin", cache: "no-store" }).then (function (reply) {
            return reply.json ().catch (function () { return {}; }).then (function (body) {
                if (!reply.ok) {
                    var error = new Error ((body && body.error) || ("HTTP " + reply.status));
                    error.status = reply.status;
                    error.body = body;
                    throw error;
                }
                return body;
            });
        });
    };

    hs.loadConfig = function () {
        return hs.getJSON ("/api/config").then (function (config) {
            var key;
            for (key in config)
                hs.config [key] = config [key];
            unitNames = {};
            (hs.config.units || []).forEach (function (unit) { unitNames [unit.code] = unit.name || unit.code; });
            if (hs.config.district)
                document.title = document.title.replace ("{district}", hs.config.district);
            hs.showUser ();
            return hs.config;
        });
    };

    //  #user: who is logged in and a logout, or a login link.
    hs.showUser = function () {
        var box = hs.$ ("user");
        if (!box)
            return;
        hs.clear (box);
        var user = hs.config.user;
        if (user) {
            var form = hs.el ("form", { method: "post", action: "/logout", "class": "inline" },
                hs.el ("input", { type: "hidden", name: "csrf", value: hs.config.csrf || "" }),
                hs.el ("button", { type: "submit" }, "退出 logout"));
            hs.append (box, [hs.el ("span", { "class": "who" }, user.name + " · " + hs.unitName (user.unit)), " ", form]);
        }
        else
            hs.append (box, hs.el ("a", { href: "/login" }, "登录 log in"));
    };

    //  -- the live stream and its freshness --------------------------------------------
    //  handlers: { event-name: function (data) }. Shows #updated and
    //  #stale-banner: stale on the server's `stale`, or when no beat came
    //  for 3 heartbeats; fresh again on a beat or `fresh`.
    hs.live = function (handlers) {
        var lastBeat = Date.now (), lastWall = 0, stale = false, staleSince = 0;
        var banner = hs.$ ("stale-banner"), updated = hs.$ ("updated");

        function showStale (since) {
            if (!stale) {
                stale = true;
                staleSince = since || lastWall || Date.now ();
            }
            if (banner) {
                banner.textContent = "守护进程无响应 daemon not answering since " + hs.fullTime (staleSince);
                banner.hidden = false;
            }
            document.body.classList.add ("stale");
        }
        function showFresh () {
            stale = false;
            if (banner)
                banner.hidden = true;
            document.body.classList.remove ("stale");
        }
        function beat (data) {
            lastBeat = Date.now ();
            if (data && data.wall)
                lastWall = data.wall;
            if (data && data.at)
                hs.setClock (data.at);
            if (stale)
                showFresh ();
            tick ();
        }
        function tick () {
            var seconds = Math.floor ((Date.now () - lastBeat) / 1000);
            if (updated)
                updated.textContent = seconds + " 秒前更新 updated " + seconds + " s ago";
            if (!stale && Date.now () - lastBeat > 3 * (hs.config.heartbeat_ms || 2000))
                showStale (lastWall);
        }
        setInterval (tick, 500);
        tick ();

        //  The browser reconnects by itself (with Last-Event-ID); a stream
        //  the server refused or closed for good (503: too many clients) is
        //  opened again after 5 s from the last event seen (?since=).
        var lastId = 0, source = null;
        function parse (event) {
            if (event.lastEventId && +event.lastEventId > lastId)
                lastId = +event.lastEventId;
            try { return JSON.parse (event.data); } catch (error) { return null; }
        }
        function connect () {
            source = new EventSource (lastId? "/events?since=" + lastId: "/events");
            source.addEventListener ("heartbeat", function (event) {
                var data = parse (event);
                beat (data);
                if (handlers.heartbeat)
                    handlers.heartbeat (data);
            });
            source.addEventListener ("stale", function (event) {
                var data = parse (event) || {};
                showStale (data.since);
            });
            source.addEventListener ("fresh", function () { beat (null); });
            ["alert", "meeting", "warning", "escalate", "brief", "prompt", "proposal",
             "inspection", "case", "action"].forEach (function (name) {
                source.addEventListener (name, function (event) {
                    var data = parse (event);
                    if (data && handlers [name])
                        handlers [name] (data);
                    if (data && handlers.any)
                        handlers.any (name, data);
                });
            });
            source.onerror = function () {
                if (source.readyState === EventSource.CLOSED)
                    setTimeout (connect, 5000);
            };
        }
        connect ();
        return function () { return source; };
    };

    return hs;
}) ();
