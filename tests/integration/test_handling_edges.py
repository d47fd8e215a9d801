"""The edges of per-unit handling (issue 13) that a review of the daemon
found: a reroute that would leave a case without a lead or change nothing,
the units a reroute or a merge adds, a merge that keeps the absorbed case's
credit code for correlation and gives the adopted units fresh clocks, a
split of a report that came with a merged case, a mute that goes on
counting and ends with a close, the facts of a `failed` that re-opens a
closed case, and `huishang verify` over merges of merges. Each through the
real daemon (PROTOCOL §3.5, §3.12, §4.7)."""

import os
import shutil
import subprocess
import tempfile

from handling_desk import (DISTRICT, HOUR_MS, WAIT_S, Desk, clock, enterprise, handler, ok,
                           refused, rung_of)
from harness import CLIENT, config_copy


def test_a_reroute_keeps_a_lead_changes_something_and_adds_units():
    with Desk() as desk:
        case = desk.open_case(source="street.caoyang", workers=12, **enterprise(301))
        record = desk.case(case)
        lead = record["lead"]
        assert lead == "street.caoyang", record
        # removing the lead without naming another: the case would have none
        refused(desk.act("office", case, "reroute", remove=[lead], reason="调整"), "bad_value")
        # adding a unit that handles it already, naming the lead it has: nothing to do
        refused(desk.act("office", case, "reroute", add=["hrss"], lead=lead, reason="调整"),
                "bad_value")
        assert desk.case(case)["lead"] == lead                   # refused: nothing changed
        ok(desk.act("office", case, "reroute", add=["court"], remove=[lead], lead="hrss",
                    reason="转人社主办"))
        record = desk.case(case)
        assert record["lead"] == "hrss" and handler(record, lead)["state"] == "removed", record
        court = handler(record, "court")
        assert court["role"] == "co" and court["state"] == "routed", court
        assert clock(court, "sign")["next"] > 0, court
        assert "court" in record["units"], record["units"]        # it joins the units
        # the lead resolves: the resolved alert goes to the units, court with them
        ok(desk.update("hrss", case, "resolved", note="已办结"))
        resolved = desk.wait(lambda: desk.alerts(case, kind="resolved"), "the resolved alert")
        assert "court" in resolved[0]["units"] and "office" in resolved[0]["units"], resolved


def test_a_merge_keeps_the_credit_code_and_gives_fresh_clocks():
    scale = 20000
    with Desk(time_start="2026-03-04T10:00", time_scale=scale) as desk:
        firm = enterprise(302)
        # the absorbed case knows the credit code; the target, under another
        # name in another category, does not
        absorbed = desk.open_case(rid="c-a", source="street.caoyang", workers=12, **firm)
        target = desk.open_case(rid="c-b", source="petition", street="caoyang", workers=3,
                                name="另一个名称的同一企业", category="layoff")
        # the absorbed case's sign-off clocks run late (4 h at significant)
        desk.wait(lambda: [n for n in desk.alerts(absorbed, kind="supervision")
                           if n["unit"] == "street.caoyang"], "a notice on the absorbed case")
        before = {h["unit"] for h in desk.case(target)["handlers"]}
        ok(desk.act("office", absorbed, "merge", into=target, reason="同一纠纷"))
        merged = desk.wait(lambda: desk.alerts(absorbed, kind="merged"), "the merged alert")
        kept = desk.case(target)
        assert kept["merged_from"] == [absorbed], kept
        adopted = [h for h in kept["handlers"] if h["unit"] not in before]
        assert adopted, (before, kept["handlers"])          # justice, union: significant's
        for unit in adopted:
            assert unit["role"] == "co" and unit["state"] == "routed", unit
            assert unit["unit"] in kept["units"], kept["units"]
            assert not clock(unit, "progress") or not clock(unit, "progress")["next"], unit
            for entry in unit["clocks"]:
                if entry["next"]:
                    assert rung_of(entry) == 0 and entry["notices"] == 0, unit   # fresh
                    assert entry["start"] >= merged[0]["at"], unit
        # the act is in the target's history too
        merge_seqs = [e["seq"] for e in desk.history(absorbed) if e["type"] == "act"]
        assert merge_seqs and merge_seqs[0] in [e["seq"] for e in desk.history(target)]
        # a new report with the credit code joins the target: the key moved with it
        joined = ok(desk.report(rid="c-c", source="union", street="caoyang", workers=5,
                                code=firm["code"], name="又一个名称", category="layoff"))
        desk.settle(300)
        assert desk.case(target)["reports"] == 3, desk.case(target)
        assert not desk.alerts("%s-%d" % (DISTRICT, joined)), "a new case was opened"
        # the absorbed case's first report came with it: it stays
        refused(desk.act("office", target, "split", report=int(absorbed.split("-")[1])),
                "bad_value")


def test_a_mute_goes_on_counting_and_a_close_ends_it():
    scale = 10000
    with Desk(time_start="2026-03-04T10:00", time_scale=scale) as desk:
        case = desk.open_case(source="street.caoyang", workers=12, **enterprise(303))
        until = desk.clock() + 10 * HOUR_MS
        ok(desk.act("office", case, "mute", until=until, reason="暂缓"))
        # past 1x (4 h) and 2x the sign-off time while muted: counted, held,
        # and the case is overdue all the same
        desk.wait(lambda: desk.clock() > until - 3 * HOUR_MS and
                  rung_of(clock(handler(desk.case(case), "hrss"), "sign")) >= 2,
                  "the ladder while muted", timeout=WAIT_S * 2)
        record = desk.case(case)
        assert record["muted_until"] == until and record["overdue"] is True, record
        assert not desk.alerts(case, kind="supervision"), desk.alerts(case, kind="supervision")
        unmuted = desk.wait(lambda: desk.alerts(case, kind="unmuted"), "the unmuted alert")
        after = desk.wait(lambda: [n for n in desk.alerts(case, kind="supervision")
                                   if n["unit"] == "hrss" and n["clock"] == "sign"],
                          "hrss's next sign-off notice", timeout=WAIT_S * 2)
        assert after[0]["seq"] > unmuted[0]["seq"] and after[0]["count"] > 2, after[0]
        # a second case, muted, then resolved and closed: the close ends the mute
        other = desk.open_case(source="street.caoyang", workers=3, **enterprise(304))
        ok(desk.act("office", other, "mute", until=desk.clock() + 2 * HOUR_MS, reason="暂缓"))
        ok(desk.update("street.caoyang", other, "resolved", note="已付清"))
        ok(desk.act("office", other, "close"))
        assert desk.case(other)["muted_until"] == 0
        closed_at = desk.clock()
        desk.wait(lambda: desk.clock() > closed_at + 3 * HOUR_MS, "three hours on")
        assert not desk.alerts(other, kind="unmuted"), desk.alerts(other, kind="unmuted")


def test_failed_on_a_closed_case_brings_its_facts():
    with Desk() as desk:
        case = desk.open_case(source="street.caoyang", workers=12, **enterprise(305))
        ok(desk.update("street.caoyang", case, "resolved", note="已付清"))
        ok(desk.act("office", case, "close"))
        # mediation failed after all, and the crowd is now 40: it re-opens and rises
        ok(desk.update("street.caoyang", case, "failed", note="再次聚集", workers=40))
        desk.wait(lambda: desk.alerts(case, kind="escalated"), "the rise")
        record = desk.case(case)
        assert record["stage"] == "open" and record["workers"] == 40, record
        assert record["level"] == "major", record
        lead = handler(record, record["lead"])
        assert lead["state"] != "done" and clock(lead, "progress")["next"] > 0, lead


def test_verify_follows_merges_of_merges():
    with Desk() as desk:
        first = desk.open_case(source="street.caoyang", workers=3, **enterprise(306))
        second = desk.open_case(source="street.caoyang", workers=4, **enterprise(307))
        third = desk.open_case(source="street.caoyang", workers=5, **enterprise(308))
        ok(desk.act("office", first, "merge", into=second, reason="同一纠纷"))
        ok(desk.act("office", second, "merge", into=third, reason="同一纠纷"))
        kept = desk.case(third)
        assert kept["merged_from"] == [second], kept
        seqs = [e["seq"] for e in desk.history(third)]
        assert all(e["seq"] in seqs for e in desk.history(first)), (seqs, desk.history(first))
        assert desk.daemon.stop() == 0
        verify = subprocess.run([CLIENT, "verify", "--store", desk.daemon.store],
                                capture_output=True, text=True, timeout=WAIT_S * 3)
        assert verify.returncode == 0, (verify.stdout, verify.stderr)


def test_a_split_of_a_report_that_no_longer_reads_is_refused_not_a_store_error():
    # a street taken out of units.cfg after its reports were stored: the
    # split of one of them is refused bad_value, and the rest goes on
    folder = tempfile.mkdtemp(prefix="hs-test-split-")
    try:
        _split_after_units_change(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _split_after_units_change(folder):
    with Desk(folder=folder) as desk:
        desk.disconnect()
        desk.daemon.stop()
        desk.daemon.config = config_copy(folder)
        desk.daemon.start()
        desk.connect()
        firm = enterprise(309)
        case = desk.open_case(source="street.taopu", workers=3, **firm)
        second = ok(desk.report(source="union", street="taopu", workers=12, **firm))
        desk.disconnect()
        assert desk.daemon.stop() == 0
        path = os.path.join(folder, "units.cfg")
        text = open(path).read()
        block = "    street.taopu\n        zh = 桃浦镇\n        en = \"Taopu Town\"\n        kind = street\n"
        assert block in text
        open(path, "w").write(text.replace(block, ""))
        desk.daemon.start()
        desk.connect()
        refused(desk.act("office", case, "split", report=second, reason="另案"), "bad_value")
        # the daemon goes on: the next message is stored as ever
        ok(desk.report(source="street.caoyang", workers=2, **enterprise(310)))
        health = desk.daemon.health()
        assert "store_error" not in health["rejections"], health["rejections"]
        assert health["rejections"].get("bad_value") == 1, health["rejections"]
