/*  huishang duty board - a case's page (/case/<id>): its record, its
    units' handling, the rules of each decision, its history, and the
    actions the server says this user may take on it (POST /api/act with
    the csrf of /api/config; the daemon's refusal is shown as it came). */

"use strict";

(function () {
    var hs = HS, el = HS.el;
    var caseId = decodeURIComponent (location.pathname.replace (/^\/case\//, "").replace (/\/$/, ""));
    var reloadTimer = null;

    function row (label, value) {
        return [el ("dt", null, label), el ("dd", null, value === "" || value === null || value === undefined? "—": value)];
    }
    function yuan (amount) {
        return amount === undefined || amount === null || amount < 0? "未知 unknown": amount.toLocaleString ("zh-CN") + " 元";
    }

    function showRecord (kase) {
        var head = hs.clear (hs.$ ("case-head"));
        hs.append (head, [el ("span", { "class": "badge level-" + kase.level }, hs.levelText (kase.level)), " ",
            el ("b", null, kase.enterprise || ""), " · ", hs.unitName (kase.street), " · ",
            hs.zh ("category", kase.category), kase.overdue? el ("b", { "class": "late" }, " 超期 overdue"): null]);
        var record = hs.clear (hs.$ ("case-record"));
        var muted = kase.muted_until && kase.muted_until > hs.now ();
        hs.append (record, [
            row ("案件 case", kase.id), row ("阶段 stage", hs.zh ("stage", kase.stage || (kase.closed? "closed": "open"))
                + (kase.stage? " " + kase.stage: "")),
            row ("状态 status", hs.zh ("status", kase.status) + " " + (kase.status || "")),
            row ("主办 lead", hs.unitName (kase.lead)),
            row ("人数 workers", kase.workers === undefined? "": kase.workers + " 人"), row ("金额 amount", yuan (kase.amount)),
            row ("立案 opened", hs.time (kase.opened, true)), row ("更新 updated", hs.time (kase.updated, true)),
            row ("信用代码 credit code", kase.credit_code || ""), row ("报送单位 sources", hs.units (kase.sources)),
            row ("承办单位 units", hs.units (kase.units)),
            row ("情形 flags", (kase.flags || []).map (function (f) { return hs.zh ("flag", f); }).join ("、")),
            row ("性质 ownership", kase.ownership? hs.zh ("ownership", kase.ownership): ""),
            row ("规则 rules", (kase.reasons || []).join (", ")),
            row ("暂停督办 muted", muted? ["至 until ", hs.time (kase.muted_until, true)]: "否 no")
        ]);
        if (kase.merged_into)
            hs.append (record, row ("并入 merged into", el ("a", { href: "/case/" + kase.merged_into }, kase.merged_into)));
        if (kase.meeting)
            hs.append (record, row ("会议 meeting", kase.meeting));
    }

    function showHandlers (kase) {
        var rows = (kase.handlers || []).map (function (h) {
            var clocks = (h.clocks || []).map (function (clock) {
                return el ("div", { "class": "clock" + (clock.rung? " rung-" + clock.rung: "") },
                    hs.zh ("clock", clock.clock), clock.due? [" 限 due ", hs.time (clock.due, true)]: " 未开始 not started",
                    clock.rung? " · " + hs.zh ("rung", clock.rung) + " ×" + (clock.notices || 0): "",
                    clock.next || !clock.due? "": " · 已停 stopped");
            });
            return el ("tr", { "class": "handler state-" + h.state, "data-unit": h.unit },
                el ("td", null, hs.unitName (h.unit)), el ("td", null, hs.zh ("role", h.role)),
                el ("td", { "class": "state" }, hs.zh ("state", h.state)),
                el ("td", null, hs.time (h.routed, true)), el ("td", null, hs.time (h.signed, true)),
                el ("td", null, hs.time (h.done, true)), el ("td", null, clocks));
        });
        hs.fillRows (hs.$ ("case-handlers"), rows, 7, "尚未派单 not routed");
    }

    //  -- history ------------------------------------------------------------------
    function unitOf (event) {
        var body = event.body || {};
        if (body.source)
            return body.source;
        if (body.unit)
            return body.unit;
        var topic = event.topic || "";
        var dot = topic.indexOf (".");
        return (event.type === "update" || event.type === "act" || event.type === "report") && dot > 0?
            topic.slice (dot + 1): "";
    }
    function what (event) {
        var body = event.body || {}, parts = [];
        switch (event.type) {
            case "report":
                parts.push (hs.zh ("level", event.level || body.level), (body.workers !== undefined? body.workers + "人": ""));
                if (body.summary)
                    parts.push (body.summary);
                break;
            case "update":
                parts.push (hs.zh ("status", body.status));
                if (body.workers !== undefined)
                    parts.push (body.workers + "人");
                break;
            case "act":
                parts.push (hs.zh ("act", body.act));
                if (body.level)
                    parts.push ("→ " + hs.zh ("level", body.level));
                break;
            case "alert":
                parts.push (hs.zh ("alert", body.kind), hs.zh ("level", body.level));
                if (body.rung)
                    parts.push (hs.zh ("rung", body.rung) + " " + hs.zh ("clock", body.clock));
                if (body.units && body.units.length)
                    parts.push ("→ " + hs.units (body.units));
                break;
            default:
                parts.push (event.topic || "");
                if (body.meeting)
                    parts.push (body.meeting);
        }
        var note = body.note || body.reason;
        if (note)
            parts.push ("“" + note + "”");
        return parts.filter (function (p) { return p; }).join (" ");
    }
    function showHistory (history) {
        var rows = (history || []).map (function (event) {
            var body = event.body || {};
            return el ("tr", { "class": "event type-" + event.type, "data-seq": event.seq },
                el ("td", { "class": "when" }, hs.time (event.at, true)),
                el ("td", { "class": "n dim" }, event.seq),
                el ("td", null, hs.zh ("type", event.type)),
                el ("td", null, hs.unitName (unitOf (event))),
                el ("td", { "class": "person" }, body.person || ""),
                el ("td", null, what (event)));
        });
        hs.fillRows (hs.$ ("case-history"), rows, 6, "无 none");
    }

    //  -- why ----------------------------------------------------------------------
    function codes (list) {
        var out = [];
        (list || []).forEach (function (one, index) {
            if (index)
                out.push (" ");
            out.push (el ("code", null, one));
        });
        return out;
    }
    function whyItem (item) {
        if (typeof item === "string")
            return el ("li", null, item);
        if (!item || typeof item !== "object")
            return el ("li", null, String (item));
        var body = item.body || {};
        var reasons = item.reasons || body.reasons;
        var level = item.level || body.level;
        var parts = [];
        if (item.at)
            parts.push (hs.time (item.at, true), " ");
        if (item.seq)
            parts.push (el ("span", { "class": "dim" }, "#" + item.seq + " "));
        if (item.type)
            parts.push (hs.zh ("type", item.type) + (body.kind? " " + hs.zh ("alert", body.kind): "") + " ");
        if (item.unit)
            parts.push (hs.unitName (item.unit) + " ");
        if (level)
            parts.push (el ("span", { "class": "level level-" + level }, hs.zh ("level", level)), " ");
        if (body.previous_level)
            parts.push ("(原 was " + hs.zh ("level", body.previous_level) + ") ");
        if (reasons)
            parts.push ("规则 rules: ", codes (reasons));
        if (item.rule)
            parts.push ("规则 rule: ", codes ([item.rule]));
        if (item.rules_version)
            parts.push (el ("span", { "class": "dim" }, " 规则版本 rules " + String (item.rules_version).slice (0, 12)));
        if (item.text)
            parts.push (" " + item.text);
        if (parts.length === 0)
            parts.push (JSON.stringify (item));
        return el ("li", null, parts);
    }
    function showWhy (why) {
        var box = hs.clear (hs.$ ("case-why"));
        if (!why || !why.length) {
            hs.append (box, el ("p", { "class": "dim" }, "无 none"));
            return;
        }
        hs.append (box, el ("ul", { "class": "why" }, why.map (whyItem)));
    }

    //  -- acting ---------------------------------------------------------------------
    function actionName (action) {
        return typeof action === "string"? action: (action && action.action) || "";
    }
    function showActions (actions) {
        var box = hs.clear (hs.$ ("case-actions"));
        if (!hs.config.user) {
            hs.append (box, el ("span", { "class": "dim" }, "登录后可办理 ", el ("a", { href: "/login" }, "log in"), " to act"));
            return;
        }
        var names = (actions || []).map (actionName).filter (function (n) { return n; });
        if (!names.length) {
            hs.append (box, el ("span", { "class": "dim no-actions" }, "本单位对此案无可办理的操作 no action for your unit on this case"));
            return;
        }
        var note = el ("input", { id: "act-note", type: "text", placeholder: "说明 note", size: 24, maxlength: 500 });
        hs.append (box, el ("label", null, "说明 note ", note));
        if (names.indexOf ("regrade") >= 0) {
            var select = el ("select", { id: "act-level" });
            (hs.config.levels || []).forEach (function (level) {
                select.appendChild (el ("option", { value: level }, hs.levelText (level)));
            });
            hs.append (box, el ("label", null, "等级 level ", select));
        }
        if (names.indexOf ("mute") >= 0)
            hs.append (box, el ("label", null, "暂停至 until ",
                el ("input", { id: "act-until", type: "text", placeholder: "YYYY-MM-DD HH:MM", size: 16 }),
                " (" + hs.zoneLabel () + ")"));
        names.forEach (function (name) {
            var button = el ("button", { type: "button", "class": "act", "data-action": name },
                             hs.zh ("act", name) + " " + name.replace ("_", " "));
            button.addEventListener ("click", function () { act (name, button); });
            box.appendChild (button);
        });
    }

    function say (text, ok) {
        var result = hs.$ ("act-result");
        result.textContent = text;
        result.className = "act-result " + (ok? "ok": "error");
    }

    function act (name, button) {
        var body = { csrf: hs.config.csrf || "", "case": caseId, action: name };
        var note = hs.$ ("act-note");
        if (note && note.value.trim ())
            body.note = note.value.trim ();
        if (name === "regrade")
            body.level = hs.$ ("act-level").value;
        if (name === "mute") {
            var until = hs.parseLocal (hs.$ ("act-until").value);
            if (isNaN (until)) {
                say ("请填写暂停截止时间 give the time it is muted until: YYYY-MM-DD HH:MM", false);
                return;
            }
            body.until = until;
        }
        var buttons = document.querySelectorAll ("button.act");
        Array.prototype.forEach.call (buttons, function (b) { b.disabled = true; });
        say ("提交中 sending…", true);
        fetch ("/api/act", { method: "POST", credentials: "same-origin",
                             headers: { "Content-Type": "application/json" }, body: JSON.stringify (body) })
        .then (function (reply) {
            return reply.json ().catch (function () { return {}; }).then (function (answer) {
                if (reply.ok && answer.ok)
                    say ("已提交 done: " + hs.zh ("act", name) + " (#" + answer.seq + ")", true);
                else
                    say ("被拒绝 refused: " + (answer.error || ("HTTP " + reply.status))
                         + (answer.detail? " — " + answer.detail: ""), false);
            });
        }, function (error) {
            say ("无法提交 cannot send: " + error.message, false);
        }).then (function () {
            Array.prototype.forEach.call (buttons, function (b) { b.disabled = false; });
            load ();
        });
    }

    //  -- reading it ------------------------------------------------------------------
    function load () {
        return hs.getJSON ("/api/case/" + encodeURIComponent (caseId)).then (function (reply) {
            var kase = reply ["case"] || {};
            document.title = "案件 " + (kase.id || caseId) + " · " + (kase.enterprise || "");
            showRecord (kase);
            showHandlers (kase);
            showWhy (reply.why);
            showHistory (reply.history);
            showActions (reply.actions);
        }, function (error) {
            var head = hs.clear (hs.$ ("case-head"));
            hs.append (head, el ("span", { "class": "error-page" }, error.status === 404?
                "无此案件 no such case: " + caseId: "无法读取案件 cannot read the case: " + error.message));
        });
    }
    function reloadSoon (data) {
        if (data && data.body && data.body ["case"] && data.body ["case"] !== caseId)
            return;
        if (reloadTimer)
            return;
        reloadTimer = setTimeout (function () { reloadTimer = null; load (); }, 300);
    }

    hs.$ ("case-id").textContent = caseId;
    hs.loadConfig ().catch (function () { return null; }).then (function () {
        load ();
        hs.live ({ alert: reloadSoon, meeting: reloadSoon, "case": reloadSoon, escalate: reloadSoon });
    });
}) ();
