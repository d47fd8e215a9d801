"""Reporting upward (汇报, issue 14, SPEC §3 "Reporting upward"): a critical
case goes up at once as a first report (首报) to the district government and
the city, then as follow-up reports (续报) when its lead, a meeting's outcome
or its level changes, and a final report (终报) when it is closed; re-opened,
it is reported again. All through the real daemon, and across a kill -9."""

from handling_desk import Desk, enterprise, ok


def _upward(desk, case):
    return [(t, b) for t, b in desk.published("escalate.") if b.get("case") == case]


def test_first_followup_and_final_reports():
    with Desk() as desk:
        case = desk.open_case(source="street.caoyang", workers=150, **enterprise(501))
        sent = desk.wait(lambda: _upward(desk, case), "the first report")
        desk.settle(200)
        sent = _upward(desk, case)
        assert sorted(t for t, b in sent) == ["escalate.city", "escalate.district"], sent
        assert all(b["report"] == "first" and "changed" not in b for t, b in sent), sent
        assert all(b["level"] == "critical" and b["from"] == "putuo" for t, b in sent), sent
        lead = desk.case(case)["lead"]
        assert lead == "hrss", desk.case(case)

        def reports_since(count):
            desk.settle(200)
            return _upward(desk, case)[count:]

        # the lead changes: 续报 (lead), to both
        count = len(_upward(desk, case))
        ok(desk.act("office", case, "reroute", lead="street.caoyang", reason="属地主办"))
        new = reports_since(count)
        assert [(b["report"], b["changed"]) for t, b in new] == [("followup", ["lead"])] * 2, new
        # a meeting's minutes on it: 续报 (minutes)
        meeting = [b for t, b in desk.published("meeting.request") if b.get("case") == case][0]
        count = len(_upward(desk, case))
        ok(desk.submit({"v": 1, "id": "mn-1", "source": "office", "at": desk.at(),
                        "meeting": meeting["meeting"], "decisions": ["人社局牵头垫付工资"],
                        "cases": [case]}, "minutes.office"))
        new = reports_since(count)
        assert [(b["report"], b["changed"]) for t, b in new] == [("followup", ["minutes"])] * 2
        desk.kill9_and_restart()
        # the office regrades it down: 续报 (level)
        count = len(_upward(desk, case))
        ok(desk.act("office", case, "regrade", level="major", reason="人数核实为八十人"))
        new = reports_since(count)
        assert [(b["report"], b["changed"], b["level"]) for t, b in new] \
            == [("followup", ["level"], "major")] * 2, new
        # resolved and closed: 终报, once
        count = len(_upward(desk, case))
        ok(desk.update("street.caoyang", case, "resolved", note="工资已全部支付"))
        assert reports_since(count) == []                   # resolved is not closed
        ok(desk.act("office", case, "close", note="审核通过"))
        new = reports_since(count)
        assert [(b["report"], b["changed"]) for t, b in new] == [("final", ["closed"])] * 2, new
        # re-opened by a failed mediation: reported again
        count = len(_upward(desk, case))
        ok(desk.update("street.caoyang", case, "failed", note="再次聚集"))
        new = reports_since(count)
        assert [(b["report"], b["changed"]) for t, b in new] == [("followup", ["reopened"])] * 2
        record = desk.case(case)
        assert record["upward"] == 1 and record["upward_level"] == "major", record


def test_a_case_never_critical_is_never_reported_up():
    with Desk() as desk:
        case = desk.open_case(source="street.caoyang", workers=35, **enterprise(502))
        ok(desk.update("hrss", case, "resolved", note="已处置"))
        ok(desk.act("office", case, "close"))
        desk.settle(300)
        assert _upward(desk, case) == [], _upward(desk, case)
