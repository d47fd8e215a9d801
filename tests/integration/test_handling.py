"""Handling a case (issue 13, SPEC §3 "Early warning", "Handling a case",
"Supervision"), end to end through the real daemon: reports, updates and
acts submitted acknowledged (PROTOCOL §1.1), what a dashboard receives,
the api's `case` reply. Here: one dispute reported by three units, a head
count that grows, distinct disputes of one enterprise, the supervision
ladder of a silent case (催办, 督办, 通报) that never touches the level, the
sign-off clock on working days, and kill -9 in the middle of it.
test_handling_acts.py has the office's acts and the old store."""

from handling_desk import (HOUR_MS, LEVELS, Desk, at_least, clock, enterprise, handler,
                           handler_units, ok)
from harness import DAY_MS, due_after, local_date


def _no_rise_beyond(desk, case, level):
    """Nothing of the case went above `level`, nor up to the district/city."""
    for topic, body in desk.published():
        if body.get("case") != case:
            continue
        assert not topic.startswith("escalate."), (topic, body)
        if topic.startswith("alert."):
            assert LEVELS.index(body["level"]) <= LEVELS.index(level), (topic, body)


def test_three_reporters_of_one_gathering_make_one_major_case():
    # The seed asks the street, the petition office and the union to report:
    # one gathering of 35 workers reported by all three is ONE dispute.
    with Desk() as desk:
        firm = dict(enterprise(101), category="wage_arrears", workers=35, flags=["gathering"])
        case = desk.open_case(rid="g-street", source="street.caoyang", **firm)
        ok(desk.report(rid="g-petition", source="petition", street="caoyang", **firm))
        ok(desk.report(rid="g-union", source="union", street="caoyang", **firm))
        desk.settle()
        record = desk.case(case)
        assert record["reports"] == 3, record
        assert record["level"] == "major", record
        assert record["stage"] == "open" and "repeat" not in record["flags"], record
        assert desk.cases()["count"] == 1
        assert len(desk.alerts(kind="new")) == 1
        # no early warning, nothing up to the district or the city, no critical
        topics = [topic for topic, _ in desk.published()]
        assert not any(t.startswith("warning.enterprise") for t in topics), topics
        assert not any(t.startswith("escalate.") for t in topics), topics
        assert not any(t.startswith("alert.critical.") for t in topics), topics
        assert all(b["level"] == "major" for b in desk.alerts(case)), desk.alerts(case)
        assert not desk.alerts(case, kind="escalated")
        # the hrss leads a mass dispute (牵头处置群体性矛盾); the others co-handle
        units = handler_units(record)
        for unit in ("hrss", "petition", "union", "police", "justice", "legal", "street.caoyang"):
            assert unit in units, (unit, units)
        assert record["lead"] == "hrss" and handler(record, "hrss")["role"] == "lead"
        assert all(handler(record, u)["role"] == "co" for u in units if u != "hrss")
        assert not any(u in units for u in ("office", "convener", "district", "city"))
        meetings = [b for t, b in desk.published("meeting.request") if b.get("case") == case]
        assert len(meetings) == 1 and meetings[0]["level"] == "major", meetings


def test_a_growing_head_count_rises_once():
    with Desk() as desk:
        case = desk.open_case(rid="h-1", source="street.caoyang", workers=10, **enterprise(102))
        assert desk.case(case)["level"] == "significant"
        ok(desk.update("street.caoyang", case, "mediating", workers=20, note="又有十人反映"))
        desk.settle(300)
        assert desk.case(case)["level"] == "significant"
        assert not desk.alerts(case, kind="escalated")
        ok(desk.update("street.caoyang", case, "mediating", workers=35, note="聚集人数增至35人"))
        rise = desk.wait(lambda: desk.alerts(case, kind="escalated"), "the rise to major")
        # a smaller count later changes nothing: the case keeps the largest
        ok(desk.update("street.caoyang", case, "mediating", workers=12))
        desk.settle()
        rise = desk.alerts(case, kind="escalated")
        assert len(rise) == 1, rise
        assert rise[0]["previous_level"] == "significant" and rise[0]["level"] == "major", rise
        assert rise[0]["workers"] == 35
        record = desk.case(case)
        assert record["level"] == "major" and record["workers"] == 35, record
        assert record["rules_level"] == "major"
        _no_rise_beyond(desk, case, "major")
        # the ladder ran once for major: one meeting request
        meetings = [b for t, b in desk.published("meeting.request") if b.get("case") == case]
        assert len(meetings) == 1, meetings


def test_three_distinct_disputes_of_one_enterprise_warn_once():
    with Desk() as desk:
        firm = enterprise(103)
        cases = []
        for category in ("wage_arrears", "social_insurance", "contract"):
            cases.append(desk.open_case(source="street.caoyang", category=category, workers=5,
                                        **firm))
            desk.settle(200)
        # a report joining the third case is the same dispute: no second warning
        ok(desk.report(source="union", street="caoyang", category="contract", workers=6, **firm))
        desk.settle()
        assert len(set(cases)) == 3
        warnings = [b for t, b in desk.published("warning.enterprise")]
        assert len(warnings) == 1, warnings
        assert warnings[0]["case"] == cases[2] and warnings[0]["count"] == 3, warnings
        assert {"office", "hrss"} <= set(warnings[0]["units"]), warnings
        third = desk.case(cases[2])
        assert "repeat" in third["flags"] and at_least(third["level"], "significant"), third
        for early in cases[:2]:
            record = desk.case(early)
            assert "repeat" not in record["flags"] and record["level"] == "general", record
        # what the dashboard last heard of the third case says so too
        last = desk.alerts(cases[2])[-1]
        assert at_least(last["level"], "significant") and "repeat" in last["flags"], last


def test_closed_then_new_disputes_count_reports_joining_do_not():
    with Desk() as desk:
        firm = dict(enterprise(104), category="wage_arrears", workers=4)
        cases = []
        for index in range(3):
            case = desk.open_case(source="street.caoyang", **firm)
            cases.append(case)
            # another unit reports the same dispute: it joins, it is not counted
            ok(desk.report(source="hrss", street="caoyang", **firm))
            if index < 2:
                ok(desk.update("street.caoyang", case, "resolved", note="已办结"))
                ok(desk.act("office", case, "close", note="审核办结"))
                desk.wait(lambda: desk.alerts(case, kind="closed"), "closed")
            desk.settle(200)
        desk.settle()
        assert len(set(cases)) == 3, cases
        assert [desk.case(c)["reports"] for c in cases] == [2, 2, 2]
        warnings = [b for t, b in desk.published("warning.enterprise")]
        assert len(warnings) == 1 and warnings[0]["case"] == cases[2], warnings
        assert "repeat" in desk.case(cases[2])["flags"]


def test_a_silent_case_climbs_remind_supervise_circulate_and_repeats():
    # significant: sign-off due in 4 h (plain time), repeats every 24 h; a
    # Wednesday morning, so a repeat is a day later whichever way it counts
    scale = 30000
    with Desk(time_start="2026-03-04T10:00", time_scale=scale) as desk:
        case = desk.open_case(source="street.caoyang", workers=12, **enterprise(105))
        record = desk.case(case)
        assert record["level"] == "significant"
        units = handler_units(record)
        assert {"hrss", "justice", "union", "street.caoyang"} <= set(units), units
        assert record["lead"] == "street.caoyang"
        signs = {u: clock(handler(record, u), "sign") for u in units}
        for unit, entry in signs.items():
            assert entry and entry["due"] - entry["start"] == 4 * HOUR_MS, (unit, entry)
            assert entry["rung"] == 0 and entry["notices"] == 0 and entry["next"], (unit, entry)

        def fourth_for_all():
            return all(desk.alerts(case, kind="supervision", unit=u, clock="sign", count=4)
                       for u in units)

        desk.wait(fourth_for_all, "four sign-off notices for every unit", timeout=15)
        slack = 3 * HOUR_MS                 # a few real ms at this speed
        for unit in units:
            notices = desk.alerts(case, kind="supervision", unit=unit, clock="sign")
            counts = [n["count"] for n in notices]
            assert counts == list(range(1, len(notices) + 1)), (unit, counts)
            rungs = [n["rung"] for n in notices]
            assert rungs[:4] == ["remind", "supervise", "circulate", "circulate"], (unit, rungs)
            assert all(r == "circulate" for r in rungs[3:]), (unit, rungs)
            due = signs[unit]["due"]
            start = signs[unit]["start"]
            for notice in notices:
                assert notice["due"] == due, (unit, notice)
                assert abs(notice["late_ms"] - (notice["at"] - due)) <= 60000, notice
            for rung in (1, 2, 3):          # past 1x, 2x, 3x the due time
                fired = notices[rung - 1]["at"]
                assert start + rung * 4 * HOUR_MS <= fired < start + rung * 4 * HOUR_MS + slack, \
                    (unit, rung, fired - start)
            assert notices[3]["at"] - notices[2]["at"] >= 24 * HOUR_MS - slack, unit
            # who is told: the unit (催办), the office (督办), the office and the unit (通报)
            assert notices[0]["units"] == [unit], notices[0]
            assert "office" in notices[1]["units"] and "convener" not in notices[1]["units"]
            assert {"office", unit} <= set(notices[2]["units"]), notices[2]
        # lateness is about the handling, never the dispute's level
        everything = desk.alerts(case)
        assert {b["level"] for b in everything} == {"significant"}, everything
        assert not desk.alerts(case, kind="escalated")
        assert not [b for t, b in desk.published("meeting.") if b.get("case") == case]
        after = desk.case(case)
        assert after["level"] == "significant" and after["overdue"] is True, after
        for unit in units:
            entry = clock(handler(after, unit), "sign")
            assert entry["rung"] == 3 and entry["notices"] >= 4, (unit, entry)


def _sign_clocks_on_working_days(start_text, expect_date, lead_progress_date):
    with Desk(time_start=start_text, time_scale=60) as desk:
        case = desk.open_case(source="street.caoyang", workers=3, **enterprise(106))
        record = desk.case(case)
        assert record["level"] == "general" and record["lead"] == "street.caoyang"
        units = handler_units(record)
        assert set(units) == {"hrss", "street.caoyang"}, units
        for unit in units:
            sign = clock(handler(record, unit), "sign")
            assert sign, (unit, handler(record, unit))
            assert local_date(sign["start"]) == start_text[:10], sign
            # 24 h = one working day, at the same local time of day
            assert sign["due"] == due_after(sign["start"], DAY_MS), (unit, sign)
            assert local_date(sign["due"]) == expect_date, (unit, local_date(sign["due"]))
            assert (sign["due"] - sign["start"]) % DAY_MS == 0, sign
            resolve = clock(handler(record, unit), "resolve")
            assert resolve and resolve["due"] == due_after(resolve["start"], 15 * DAY_MS), resolve
        progress = clock(handler(record, "street.caoyang"), "progress")
        assert progress["due"] == due_after(progress["start"], 7 * DAY_MS), progress
        assert local_date(progress["due"]) == lead_progress_date
        assert clock(handler(record, "hrss"), "progress") is None     # the lead's only


def test_sign_clock_counts_working_days_friday_to_monday():
    _sign_clocks_on_working_days("2026-03-06T15:00", "2026-03-09", "2026-03-17")


def test_sign_clock_counts_working_days_across_the_spring_festival():
    # Friday 13 Feb: the next working day is the make-up Saturday (调休)
    _sign_clocks_on_working_days("2026-02-13T15:00", "2026-02-14", "2026-03-02")
    # the make-up Saturday: the holiday runs to 23 Feb, so Tuesday 24 Feb
    _sign_clocks_on_working_days("2026-02-14T15:00", "2026-02-24", "2026-03-03")


def test_supervision_notices_once_each_across_kill9():
    scale = 20000
    with Desk(time_start="2026-03-04T10:00", time_scale=scale) as desk:
        k1 = desk.open_case(source="street.caoyang", workers=12, **enterprise(111))
        k2 = desk.open_case(source="street.wanli", workers=15, **enterprise(112))
        k3 = desk.open_case(source="hrss", street="zhenru", workers=11, **enterprise(113))
        # acked before the crash: two sign-offs and an office act
        signed = {(k1, "justice"): ok(desk.update("justice", k1, "signed", id="sign-k1")),
                  (k2, "union"): ok(desk.update("union", k2, "signed", id="sign-k2"))}
        reroute = ok(desk.act("office", k3, "reroute", add=["court"], reason="涉诉", id="rr-k3"))
        # kill -9 once the office supervises (2x the sign-off time)
        desk.wait(lambda: desk.alerts(kind="supervision", rung="supervise"), "a 督办 notice")
        live_before = dict(desk.seen)
        desk.kill9_and_restart()
        cases = (k1, k2, k3)

        def chased():
            out = []
            for kase in cases:
                for item in desk.case(kase)["handlers"]:
                    if item["state"] == "routed":
                        out.append((kase, item["unit"]))
            return out

        def all_circulated():
            return all(desk.alerts(kase, kind="supervision", unit=unit, clock="sign", count=3)
                       for kase, unit in chased())

        # the dashboard fills in what it missed around the crash through replay
        desk.wait(lambda: desk.seen.update(
            (s, e) for s, e in desk.replayed().items() if s not in desk.seen) or all_circulated(),
            "3 sign-off notices for every unsigned unit", timeout=15)
        desk.settle(300)
        replayed = desk.replayed()
        # every event a subscriber saw, before the crash or after, is stored under its seq
        for seq, (topic, body) in list(live_before.items()) + list(desk.seen.items()):
            assert seq in replayed and replayed[seq][1] == body, (seq, topic)
        by_key = {}
        for seq, (topic, body) in replayed.items():
            if topic.startswith("alert.") and body.get("kind") == "supervision" \
                    and body["case"] in cases:
                key = (body["case"], body["unit"], body["clock"], body["count"])
                by_key.setdefault(key, []).append(seq)
        doubled = {key: seqs for key, seqs in by_key.items() if len(seqs) > 1}
        assert not doubled, doubled
        ladders = {}
        for kase, unit, name, count in by_key:
            ladders.setdefault((kase, unit, name), []).append(count)
        for key, counts in ladders.items():
            assert sorted(counts) == list(range(1, len(counts) + 1)), (key, sorted(counts))
        for kase, unit in chased():
            assert len(ladders.get((kase, unit, "sign"), [])) >= 3, (kase, unit)
        # the acked sign-offs and the reroute survived: nothing chased them
        for (kase, unit), seq in signed.items():
            assert handler(desk.case(kase), unit)["state"] == "signed", (kase, unit)
            assert seq in [e["seq"] for e in desk.history(kase)]
            assert (kase, unit, "sign") not in ladders, (kase, unit)
        assert reroute in [e["seq"] for e in desk.history(k3)]
        court = handler(desk.case(k3), "court")
        assert court and clock(court, "sign"), desk.case(k3)
        assert (k3, "court", "sign") in ladders
        # sent again, the same messages are duplicates of what was stored
        status, reply = desk.update("justice", k1, "signed", id="sign-k1")
        assert status == "duplicate" and reply["seq"] == signed[(k1, "justice")], (status, reply)
        status, reply = desk.act("office", k3, "reroute", add=["court"], reason="涉诉", id="rr-k3")
        assert status == "duplicate" and reply["seq"] == reroute, (status, reply)
        for kase in cases:
            levels = {b["level"] for b in desk.alerts(kase)}
            assert len(levels) == 1, (kase, levels)

