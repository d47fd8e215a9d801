/*  huishang duty board - the board page (值班看板): /api/board and
    /api/alerts once, then the live stream: an alert's row at once, the
    rest of the board read again shortly after any event. */

"use strict";

(function () {
    var hs = HS, el = HS.el;
    var ALERTS_KEPT = 100;
    var alerts = [];            //  alert rows' data, newest (highest seq) first
    var alertSeqs = {};         //  seq -> true: each alert once
    var chart = null;
    var refreshTimer = null;

    function levelCell (level) {
        return el ("td", { "class": "level level-" + level }, hs.zh ("level", level));
    }
    function caseLink (id) {
        return id? el ("a", { href: "/case/" + encodeURIComponent (id) }, id): "";
    }
    function caseCell (id) {
        return el ("td", { "class": "case" }, caseLink (id));
    }
    function num (n) {
        return el ("td", { "class": "n" + (n? "": " zero") }, n || 0);
    }

    //  -- open cases by street x level --------------------------------------------------
    function showOpen (open) {
        var rows = [], total = null;
        (open || []).forEach (function (row) {
            var levels = hs.config.levels || ["general", "significant", "major", "critical"];
            var cells = [el ("th", { scope: "row" }, row.street === "total"? "合计 total": hs.unitName (row.street))];
            levels.forEach (function (level) { cells.push (num (row [level])); });
            cells.push (el ("td", { "class": "n total" }, row.total || 0));
            var tr = el ("tr", { "class": row.street === "total"? "totals": "street", "data-street": row.street }, cells);
            if (row.street === "total")
                total = tr;
            else
                rows.push (tr);
        });
        if (total)
            rows.push (total);
        hs.fillRows (hs.$ ("open-table"), rows, 6, "无在办案件 no open case");
        var sum = (open || []).filter (function (row) { return row.street === "total"; }) [0];
        hs.$ ("open-count").textContent = sum? sum.total + " 件": "";
    }

    //  -- alerts ---------------------------------------------------------------------
    function alertFrom (seq, topic, body) {
        return { seq: seq, topic: topic, level: body.level, kind: body.kind, "case": body ["case"],
                 street: body.street, category: body.category, enterprise: body.enterprise,
                 workers: body.workers, at: body.at, person: body.person, unit: body.unit,
                 rung: body.rung };
    }
    function addAlert (alert) {
        if (!alert || !alert.seq || alertSeqs [alert.seq])
            return false;
        alertSeqs [alert.seq] = true;
        alerts.push (alert);
        alerts.sort (function (a, b) { return b.seq - a.seq; });
        while (alerts.length > ALERTS_KEPT)
            delete alertSeqs [alerts.pop ().seq];
        return true;
    }
    function alertRow (alert) {
        //  a supervision notice says its rung: 催办, 督办 or 通报
        var kind = alert.kind === "supervision" && alert.rung? hs.zh ("rung", alert.rung): hs.zh ("alert", alert.kind);
        var who = alert.person? el ("span", { "class": "person" }, " " + alert.person): null;
        return el ("tr", { "class": "alert level-" + alert.level, "data-seq": alert.seq, "data-case": alert ["case"] },
            el ("td", { "class": "when" }, hs.time (alert.at), el ("br"), el ("span", { "class": "ago" }, hs.ago (alert.at))),
            levelCell (alert.level),
            el ("td", null, kind, who),
            caseCell (alert ["case"]),
            el ("td", { "class": "name" }, alert.enterprise || "", el ("br"),
                el ("span", { "class": "dim" }, hs.unitName (alert.street) + " · " + hs.zh ("category", alert.category))),
            el ("td", { "class": "n" }, alert.workers === undefined? "": alert.workers + "人"));
    }
    function showAlerts () {
        hs.fillRows (hs.$ ("alerts"), alerts.map (alertRow), 6, "暂无通知 no alert yet");
    }

    //  -- overdue, handling, meetings, actions --------------------------------------------
    function showOverdue (overdue) {
        var rows = (overdue || []).map (function (row) {
            var units = (row.units || []).map (function (unit) {
                return el ("span", { "class": unit === row.lead? "unit lead": "unit" },
                           hs.unitName (unit) + (unit === row.lead? "(主办)": ""));
            });
            var listed = [];
            units.forEach (function (unit, index) { if (index) listed.push ("、"); listed.push (unit); });
            return el ("tr", { "class": "overdue level-" + row.level + " rung-" + (row.rung || "none"), "data-case": row ["case"] },
                el ("td", { "class": "case" }, caseLink (row ["case"]), el ("br"),
                    el ("span", { "class": "level level-" + row.level }, hs.zh ("level", row.level))),
                el ("td", { "class": "name" }, row.enterprise || "", el ("br"),
                    el ("span", { "class": "dim" }, hs.unitName (row.street))),
                el ("td", { "class": "units" }, listed),
                el ("td", { "class": "n late" }, el ("span", { "class": "rung" }, hs.zh ("rung", row.rung || "none")),
                    el ("br"), hs.span (row.late_ms)));
        });
        hs.fillRows (hs.$ ("overdue"), rows, 4, "无超期案件 nothing overdue");
    }

    var STATE_ORDER = { returned: 0, not_signed: 1, signed: 2, done: 3 };
    function showHandling (handling) {
        var list = (handling || []).slice ();
        list.sort (function (a, b) {
            return (STATE_ORDER [a.state] - STATE_ORDER [b.state]) || String (a.unit).localeCompare (b.unit)
                || (a.since || 0) - (b.since || 0);
        });
        var rows = list.map (function (row) {
            return el ("tr", { "class": "handler state-" + row.state, "data-case": row ["case"], "data-unit": row.unit },
                el ("td", null, hs.unitName (row.unit)), caseCell (row ["case"]),
                levelCell (row.level), el ("td", { "class": "state" }, hs.zh ("state", row.state)),
                el ("td", null, hs.time (row.since)));
        });
        hs.fillRows (hs.$ ("handling"), rows, 5, "无 none");
    }

    function showMeetings (meetings) {
        var rows = (meetings || []).map (function (m) {
            var invited = m.invited || 0, attending = m.attending || 0;
            return el ("tr", { "class": "meeting mstate-" + m.state, "data-state": m.state, "data-meeting": m.meeting },
                el ("td", null, hs.time (m.time || m.deadline)),
                el ("td", null, hs.zh ("meeting", m.kind), el ("br"), el ("span", { "class": "dim" }, m.meeting),
                    m ["case"]? [" · ", caseLink (m ["case"])]: null),
                el ("td", { "class": "mstate" }, hs.zh ("mstate", m.state), el ("br"), el ("span", { "class": "en" }, m.state)),
                el ("td", { "class": "n" }, attending + "/" + invited));
        });
        hs.fillRows (hs.$ ("meetings"), rows, 4, "无会议 no meeting");
    }

    function showActions (actions) {
        var rows = (actions || []).map (function (a) {
            return el ("tr", { "class": "action" + (a.late_ms > 0? " late": ""), "data-item": a.item },
                el ("td", null, hs.unitName (a.owner)),
                el ("td", null, a.text || "", el ("br"), el ("span", { "class": "dim" }, a.meeting || "")),
                el ("td", null, hs.time (a.due)),
                el ("td", { "class": "n late" }, a.late_ms > 0? hs.span (a.late_ms): ""));
        });
        hs.fillRows (hs.$ ("actions"), rows, 4, "无未办结事项 none open");
    }

    //  -- feeders, store -----------------------------------------------------------------
    function showFeeders (feeders) {
        var bad = (feeders || []).filter (function (f) { return f.state !== "ok"; });
        var good = (feeders || []).length - bad.length;
        var rows = bad.map (function (f) {
            return el ("tr", { "class": "feeder feed-" + f.state, "data-unit": f.unit },
                el ("td", null, hs.unitName (f.unit)),
                el ("td", { "class": "fstate" }, hs.zh ("feed", f.state) + " " + f.state),
                el ("td", null, hs.time (f.last)));
        });
        if (good)
            rows.push (el ("tr", { "class": "feeder-ok" }, el ("td", { colspan: 3 },
                good + " 个数据源正常 feeders ok")));
        hs.fillRows (hs.$ ("feeders"), rows, 3, "无数据源 no feeder");
    }

    function megabytes (n) { return (n / 1048576).toFixed (n < 10485760? 1: 0) + " MB"; }
    function showStore (store) {
        var box = hs.clear (hs.$ ("store"));
        if (!store)
            return;
        var share = store.map_size? Math.min (100, 100 * store.map_used / store.map_size): 0;
        box.className = "store" + (store.full? " full": share > 80? " high": "");
        hs.append (box, [
            el ("div", { "class": "bar" }, el ("div", { "class": "fill", style: "width:" + share.toFixed (1) + "%" })),
            el ("div", null, (store.full? "存储已满 store full · ": "已用 used ") + megabytes (store.map_used || 0)
                + " / " + megabytes (store.map_size || 0) + " (" + share.toFixed (1) + "%)")]);
    }

    //  -- the trend ------------------------------------------------------------------------
    var COLOURS = ["#c0392b", "#2e86c1", "#27ae60", "#d68910", "#8e44ad", "#16a085", "#7f8c8d", "#a04000"];
    function showTrend (trend) {
        var canvas = hs.$ ("trend");
        if (!trend || !trend.days)
            return;
        var series = trend.series || {};
        var categories = Object.keys (series).sort ();
        var datasets = categories.map (function (category, index) {
            return { label: hs.zh ("category", category), data: series [category],
                     backgroundColor: COLOURS [index % COLOURS.length], stack: "new" };
        });
        var labels = trend.days.map (function (day) { return day.slice (5); });
        var total = 0;
        categories.forEach (function (c) { (series [c] || []).forEach (function (n) { total += n || 0; }); });
        var empty = canvas.parentNode.querySelector (".empty")
            || canvas.parentNode.appendChild (el ("p", { "class": "empty dim" }, "近 14 天无新增案件 no new case in 14 days"));
        empty.hidden = total > 0;
        if (typeof Chart === "undefined") {
            var note = canvas.parentNode.querySelector (".nochart")
                || canvas.parentNode.appendChild (el ("p", { "class": "nochart dim" }));
            note.textContent = "图表库不可用 chart library missing: " + trend.days.map (function (day, i) {
                var n = 0;
                categories.forEach (function (c) { n += series [c] [i] || 0; });
                return day.slice (5) + " " + n;
            }).join (", ");
            return;
        }
        if (chart) {
            chart.data.labels = labels;
            chart.data.datasets = datasets;
            chart.update ("none");
            return;
        }
        chart = new Chart (canvas, {
            type: "bar",
            data: { labels: labels, datasets: datasets },
            options: { responsive: true, maintainAspectRatio: false, animation: false,
                       plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
                       scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true,
                                                            ticks: { precision: 0 } } } }
        });
    }

    //  -- reading the board ----------------------------------------------------------------
    function loadBoard () {
        return hs.getJSON ("/api/board").then (function (board) {
            hs.setClock (board.at);
            showOpen (board.open);
            showOverdue (board.overdue);
            showHandling (board.handling);
            showMeetings (board.meetings);
            showActions (board.actions);
            showFeeders (board.feeders);
            showStore (board.store);
            showTrend (board.trend);
            document.body.classList.remove ("unreachable");
        }).catch (function () {
            document.body.classList.add ("unreachable");
        });
    }
    function loadAlerts () {
        return hs.getJSON ("/api/alerts?limit=" + ALERTS_KEPT).then (function (list) {
            (list || []).forEach (addAlert);
            showAlerts ();
        }).catch (function () { /* the stream brings them */ });
    }
    function refreshSoon () {
        if (refreshTimer)
            return;
        refreshTimer = setTimeout (function () {
            refreshTimer = null;
            loadBoard ();
        }, 300);
    }

    function start () {
        hs.$ ("district").textContent = hs.config.district || "";
        hs.live ({
            alert: function (data) {
                if (data.body && data.body.at)
                    hs.setClock (data.body.at, true);
                if (data.body && addAlert (alertFrom (data.seq, data.topic, data.body)))
                    showAlerts ();
            },
            any: function () { refreshSoon (); },
            heartbeat: function () { /* the clock moved: the "ago" cells follow below */ }
        });
        //  the board and the feed from their start, then live
        loadBoard ();
        loadAlerts ();
        setInterval (showAlerts, 30000);        //  "N 分钟前" moves on
        setInterval (loadBoard, 30000);         //  lateness grows without events
    }

    hs.loadConfig ().then (start, function () {
        hs.$ ("updated").textContent = "无法读取配置 cannot read /api/config";
        start ();
    });
}) ();
