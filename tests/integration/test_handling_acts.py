"""What people of the mechanism do to a case (issue 13, SPEC §3 "Handling a
case", "People change things"), end to end through the real daemon: a
return re-routed by the office, a closure sent back, an unsatisfied
follow-up, re-grading, merging, splitting and muting (each refused to a unit
without the authority), refused updates, and a store written before the
per-unit handling, upgraded and backtested. Acks, published alerts and the
api's `case` reply are what is checked: what a user sees."""

import os
import shutil
import subprocess
import tempfile

import lmdb
import msgpack

import case_record

from handling_desk import (DISTRICT, HOUR_MS, ROLES, WAIT_S, Desk, clock, enterprise, handler,
                           handler_units, ok, refused, rung_of, running_clocks)
from harness import CLIENT, DAY_MS, ROOT, Daemon, backtest

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures",
                       "store-format1.dump")
RULES = os.path.join(ROOT, "config", "rules.cfg")


def _close(desk, case, lead="street.caoyang"):
    ok(desk.update(lead, case, "resolved", note="已办结"))
    ok(desk.act("office", case, "close", note="审核通过"))
    desk.wait(lambda: desk.alerts(case, kind="closed"), "closed alert of %s" % case)


def test_a_return_is_rerouted_by_the_office():
    with Desk() as desk:
        case = desk.open_case(source="street.caoyang", workers=12, **enterprise(201))
        assert "justice" in handler_units(desk.case(case))
        refused(desk.update("justice", case, "returned"), "missing_field")
        note = "不属于司法局职责，请改派"
        ok(desk.update("justice", case, "returned", note=note))
        returned = desk.wait(lambda: desk.alerts(case, kind="returned"), "the returned alert")
        assert len(returned) == 1 and returned[0]["unit"] == "justice", returned
        assert returned[0]["note"] == note and "office" in returned[0]["units"], returned
        record = desk.case(case)
        justice = handler(record, "justice")
        assert justice["state"] == "returned", justice
        assert all(not entry["next"] for entry in justice["clocks"]), justice
        # the office re-routes: wrong units and nothing to do are refused
        refused(desk.act("office", case, "reroute", add=["nosuchunit"], reason="改派"),
                "unknown_unit")
        refused(desk.act("office", case, "reroute", reason="改派"), "bad_value")
        refused(desk.act("street.caoyang", case, "reroute", add=["court"], reason="改派"),
                "not_authorized")
        before = desk.clock()
        ok(desk.act("office", case, "reroute", add=["court"], reason="涉诉，改由法院协办"))
        record = desk.case(case)
        court = handler(record, "court")
        assert court and court["role"] == "co" and court["state"] == "routed", record["handlers"]
        sign = clock(court, "sign")
        assert sign and sign["start"] >= before and sign["next"], court
        assert sign["due"] - sign["start"] == 4 * HOUR_MS, sign          # significant
        assert "court" in handler_units(record) and record["lead"] == "street.caoyang"
        # the court is on the case now: it may sign
        ok(desk.update("court", case, "signed"))
        assert handler(desk.case(case), "court")["state"] == "signed"
        # the office may also insist that the returning unit takes it
        refused(desk.act("office", case, "insist", unit="hrss", reason="请办理"), "bad_state")
        old_start = clock(justice, "sign")["start"]
        ok(desk.act("office", case, "insist", unit="justice", reason="属调解范围，请签收"))
        justice = handler(desk.case(case), "justice")
        assert justice["state"] == "routed", justice
        again = clock(justice, "sign")
        assert again["next"] and again["start"] > old_start, justice
        acts = [e for e in desk.history(case) if e["type"] == "act"]
        assert [e["body"]["act"] for e in acts] == ["reroute", "insist"], acts


def test_a_closure_is_sent_back_then_closed():
    with Desk() as desk:
        case = desk.open_case(source="street.caoyang", workers=3, **enterprise(202))
        assert desk.case(case)["lead"] == "street.caoyang"
        refused(desk.act("office", case, "close"), "bad_state")
        refused(desk.act("office", case, "reject_closure", reason="材料不全"), "bad_state")
        # a co-handler's part is done: nothing published
        ok(desk.update("hrss", case, "resolved", note="仲裁部分已结"))
        desk.settle(300)
        assert not desk.alerts(case, kind="resolved")
        record = desk.case(case)
        assert handler(record, "hrss")["state"] == "done" and record["stage"] == "open"
        # the lead resolves (办结): the office has it to review
        ok(desk.update("street.caoyang", case, "resolved", note="已调解，工资已付"))
        desk.wait(lambda: desk.alerts(case, kind="resolved"), "the resolved alert")
        record = desk.case(case)
        assert record["stage"] == "resolved" and running_clocks(record) == [], record
        refused(desk.act("office", case, "reject_closure"), "missing_field")
        refused(desk.act("street.caoyang", case, "close"), "not_authorized")
        refused(desk.update("street.caoyang", case, "closed"), "not_authorized")
        ok(desk.act("office", case, "reject_closure", reason="未附工资支付凭证"))
        back = desk.wait(lambda: desk.alerts(case, kind="sent_back"), "the sent_back alert")
        assert back[0]["note"] == "未附工资支付凭证", back
        record = desk.case(case)
        assert record["stage"] == "open" and not record["closed"], record
        assert ("street.caoyang", "resolve") in running_clocks(record), record["handlers"]
        # resolved again, and closed by the office (审核办结)
        ok(desk.update("street.caoyang", case, "resolved", note="已补交支付凭证"))
        desk.wait(lambda: len(desk.alerts(case, kind="resolved")) == 2, "a second resolved")
        ok(desk.act("office", case, "close", note="审核通过"))
        closed = desk.wait(lambda: desk.alerts(case, kind="closed"), "the closed alert")
        assert len(closed) == 1, closed
        record = desk.case(case)
        assert record["stage"] == "closed" and record["closed"] is True, record
        assert running_clocks(record) == []
        refused(desk.update("street.caoyang", case, "mediating"), "case_closed")
        refused(desk.act("office", case, "close"), "bad_state")
        acts = [e["body"]["act"] for e in desk.history(case) if e["type"] == "act"]
        assert acts == ["reject_closure", "close"], acts
        # sent back to the lead and the office (PROTOCOL §4.2: "the lead, then office")
        assert back[0]["units"] == ["street.caoyang", "office"], back


def test_an_unsatisfied_followup_reopens_the_case():
    with Desk() as desk:
        firm = dict(enterprise(203), category="wage_arrears")
        case = desk.open_case(source="street.caoyang", workers=3, **firm)
        other = desk.open_case(source="street.caoyang", workers=3, **enterprise(204))
        refused(desk.act("street.caoyang", case, "followup", satisfied=False), "bad_state")
        _close(desk, case)
        _close(desk, other)
        refused(desk.act("street.wanli", case, "followup", satisfied=False), "not_authorized")
        refused(desk.act("justice", case, "followup", satisfied=False), "not_authorized")
        refused(desk.act("street.caoyang", case, "followup"), "missing_field")
        refused(desk.act("street.caoyang", case, "followup", satisfied="no"), "bad_type")
        # satisfied: recorded, stays closed (the union may follow up too)
        ok(desk.act("union", other, "followup", satisfied=True, note="工人表示满意"))
        record = desk.case(other)
        assert record["followup"] == "satisfied" and record["stage"] == "closed", record
        # not satisfied: open again, clocks running, back in correlation
        ok(desk.act("street.caoyang", case, "followup", satisfied=False,
                    note="工人反映仍未足额支付"))
        reopened = desk.wait(lambda: desk.alerts(case, kind="reopened"), "the reopened alert")
        assert len(reopened) == 1, reopened
        record = desk.case(case)
        assert record["stage"] == "open" and record["closed"] is False, record
        assert record["followup"] == "unsatisfied" and record["reopened"] == 1, record
        assert running_clocks(record), record["handlers"]
        assert record["timer_at"] > 0, record
        refused(desk.act("street.caoyang", case, "followup", satisfied=False), "bad_state")
        ok(desk.report(source="hrss", street="caoyang", workers=4, **firm))
        desk.settle(300)
        assert desk.case(case)["reports"] == 2
        assert desk.cases(status="open")["count"] == 1


def test_regrade_up_runs_the_ladder_and_down_lowers():
    with Desk() as desk:
        case = desk.open_case(source="street.caoyang", workers=3, **enterprise(205))
        for source in ("street.caoyang", "court"):
            refused(desk.act(source, case, "regrade", level="major", reason="提级"),
                    "not_authorized")
        refused(desk.act("office", case, "regrade", level="general", reason="不变"), "bad_value")
        refused(desk.act("office", case, "regrade", level="major"), "missing_field")
        reason = "舆情升温，提级处置"
        ok(desk.act("office", case, "regrade", level="major", reason=reason))
        up = desk.wait(lambda: desk.alerts(case, kind="regraded"), "the regraded alert")
        assert up[0]["previous_level"] == "general" and up[0]["level"] == "major", up
        assert up[0]["note"] == reason, up
        meetings = desk.wait(lambda: [b for t, b in desk.published("meeting.request")
                                      if b.get("case") == case], "the ladder's meeting")
        assert meetings[0]["level"] == "major", meetings
        assert desk.case(case)["level"] == "major"
        # the convener may re-grade too, and down
        ok(desk.act("convener", case, "regrade", level="significant", reason="已控制，降级"))
        down = desk.wait(lambda: len(desk.alerts(case, kind="regraded")) == 2 and
                         desk.alerts(case, kind="regraded"), "the second regraded alert")
        assert down[1]["previous_level"] == "major" and down[1]["level"] == "significant", down
        desk.settle(300)
        record = desk.case(case)
        assert record["level"] == "significant" and record["rules_level"] == "general", record
        assert not [t for t, b in desk.published("escalate.")]
        assert not desk.alerts(case, kind="escalated")
        acts = [e for e in desk.history(case) if e["type"] == "act"]
        assert [(e["body"]["act"], e["body"]["source"]) for e in acts] == \
            [("regrade", "office"), ("regrade", "convener")], acts


def test_merge_folds_one_case_into_another():
    with Desk() as desk:
        # one dispute reported under two names (no credit code): two cases
        absorbed = desk.open_case(rid="m-a", source="petition", street="caoyang", workers=14,
                                  name="沪西制衣厂")
        target = desk.open_case(rid="m-b", source="street.caoyang", workers=8,
                                name="上海沪西服装制造有限公司")
        for source in ("street.caoyang", "court"):
            refused(desk.act(source, absorbed, "merge", into=target), "not_authorized")
        refused(desk.act("office", absorbed, "merge", into=absorbed), "bad_value")
        refused(desk.act("office", absorbed, "merge", into="%s-999999" % DISTRICT), "unknown_case")
        refused(desk.act("office", absorbed, "merge"), "missing_field")
        absorbed_seqs = [e["seq"] for e in desk.history(absorbed)]
        ok(desk.act("office", absorbed, "merge", into=target, reason="同一纠纷，两个名称"))
        merged = desk.wait(lambda: desk.alerts(absorbed, kind="merged"), "the merged alert")
        assert merged[0]["into"] == target, merged
        record = desk.case(absorbed)
        assert record["stage"] == "merged" and record["merged_into"] == target, record
        assert record["closed"] is True
        kept = desk.case(target)
        assert absorbed in kept["merged_from"] and kept["workers"] == 14, kept
        assert "petition" in handler_units(kept), kept["handlers"]
        assert kept["level"] == "significant"
        history = [e["seq"] for e in desk.history(target)]
        assert set(absorbed_seqs) <= set(history), (absorbed_seqs, history)
        assert [e for e in desk.history(target) if e["type"] == "act"]
        refused(desk.update("petition", absorbed, "mediating"), "case_closed")
        # every act on a merged case is bad_state (PROTOCOL §3.12)
        refused(desk.act("office", absorbed, "merge", into=target), "bad_state")


def test_split_makes_a_new_case_from_one_report():
    with Desk() as desk:
        firm = dict(enterprise(206), category="wage_arrears")
        first = ok(desk.report(rid="s-1", source="street.caoyang", workers=5, **firm))
        case = "%s-%d" % (DISTRICT, first)
        joined = ok(desk.report(rid="s-2", source="union", street="caoyang", workers=12, **firm))
        unrelated = ok(desk.report(rid="s-3", source="street.wanli", workers=2, **enterprise(207)))
        desk.settle(300)
        assert desk.case(case)["reports"] == 2 and desk.case(case)["level"] == "significant"
        for source in ("street.caoyang", "court"):
            refused(desk.act(source, case, "split", report=joined), "not_authorized")
        refused(desk.act("office", case, "split", report=first), "bad_value")
        refused(desk.act("office", case, "split", report=unrelated), "bad_value")
        refused(desk.act("office", case, "split", report="s-2"), "bad_type")
        act = ok(desk.act("office", case, "split", report=joined, reason="另一车间的独立纠纷"))
        # the new case: <district>-<seq of the act>
        fresh = "%s-%d" % (DISTRICT, act)
        new = desk.wait(lambda: desk.alerts(fresh, kind="new"), "the split case's new alert")
        assert new[0]["workers"] == 12, new
        record = desk.case(fresh)
        assert record["workers"] == 12 and record["stage"] == "open", record
        assert handler_units(record), record
        old = desk.case(case)
        assert old["workers"] == 5 and old["level"] == "significant", old   # never falls
        # the act is in both histories
        assert act in [e["seq"] for e in desk.history(fresh)]
        assert act in [e["seq"] for e in desk.history(case)]
        # its reasons are the classification's plus `split` (PROTOCOL §4.2, §3.12)
        assert "split" in new[0]["reasons"], new[0]["reasons"]
        # the report left the old case for the new one, which says where it came from
        assert record["split_from"] == case, record
        assert joined in [e["seq"] for e in desk.history(fresh)]
        assert joined not in [e["seq"] for e in desk.history(case)]
        refused(desk.act("office", case, "split", report=joined), "bad_value")
        # a later report folds the old case's facts again without the split one
        ok(desk.report(rid="s-4", source="petition", street="caoyang", workers=7, **firm))
        desk.settle(300)
        assert desk.case(case)["workers"] == 7, desk.case(case)
        assert desk.daemon.stop() == 0
        verify = subprocess.run([CLIENT, "verify", "--store", desk.daemon.store],
                                capture_output=True, text=True, timeout=WAIT_S * 3)
        assert verify.returncode == 0, (verify.stdout, verify.stderr)


def test_mute_holds_notices_until_then_unmuted():
    scale = 10000
    with Desk(time_start="2026-03-04T10:00", time_scale=scale) as desk:
        case = desk.open_case(source="street.caoyang", workers=12, **enterprise(208))
        now = desk.clock()
        for source in ("street.caoyang", "court"):
            refused(desk.act(source, case, "mute", until=now + 10 * HOUR_MS, reason="暂缓"),
                    "not_authorized")
        refused(desk.act("office", case, "mute", until=now - HOUR_MS, reason="暂缓"), "bad_value")
        refused(desk.act("office", case, "mute", until=now + 31 * DAY_MS, reason="暂缓"),
                "bad_value")
        refused(desk.act("office", case, "unmute"), "bad_state")
        until = desk.clock() + 10 * HOUR_MS
        ok(desk.act("office", case, "mute", until=until, reason="春节前集中协调，暂缓催办"))
        assert desk.case(case)["muted_until"] == until
        unmuted = desk.wait(lambda: desk.alerts(case, kind="unmuted"), "the unmuted alert")
        assert len(unmuted) == 1 and unmuted[0]["at"] >= until, unmuted
        # nothing while muted; the notices come again after
        notices = desk.alerts(case, kind="supervision")
        assert all(n["seq"] > unmuted[0]["seq"] for n in notices), notices
        desk.wait(lambda: [n for n in desk.alerts(case, kind="supervision")
                           if n["seq"] > unmuted[0]["seq"]], "a notice after the mute")
        record = desk.case(case)
        assert record["muted_until"] == 0 and record["level"] == "significant", record
        # the ladder kept counting while muted: past 2x the sign-off time
        assert rung_of(clock(handler(record, "hrss"), "sign")) >= 2, record["handlers"]
        acts = [e["body"]["act"] for e in desk.history(case) if e["type"] == "act"]
        assert acts == ["mute"], acts


def test_updates_refused_with_their_codes():
    with Desk() as desk:
        case = desk.open_case(source="street.caoyang", workers=3, **enterprise(209))
        desk.settle(200)
        published = len(desk.seen)
        refused(desk.update("street.caoyang", case, "closed"), "not_authorized")
        refused(desk.update("court", case, "mediating"), "not_routed")
        refused(desk.update("police", case, "signed"), "not_routed")
        refused(desk.update("hrss", case, "returned"), "missing_field")
        refused(desk.update("office", case, "signed"), "not_routed")
        refused(desk.update("office", case, "resolved", note="办结"), "not_routed")
        refused(desk.act("office", "%s-999999" % DISTRICT, "close"), "unknown_case")
        refused(desk.act("office", case, "dance"), "bad_value")
        refused(desk.act("office", case, "regrade", level=3, reason="x"), "bad_type")
        desk.settle(300)
        assert len(desk.seen) == published, desk.published()[-5:]
        record = desk.case(case)
        assert record["stage"] == "open" and record["level"] == "general"
        assert all(h["state"] == "routed" for h in record["handlers"]), record["handlers"]
        rejections = desk.daemon.health()["rejections"]
        assert rejections.get("not_routed") == 4 and rejections.get("not_authorized") == 1, \
            rejections
        # signing is idempotent, and stops that unit's sign clock only
        ok(desk.update("hrss", case, "signed"))
        ok(desk.update("hrss", case, "signed", note="再次签收"))
        record = desk.case(case)
        hrss = handler(record, "hrss")
        assert hrss["state"] == "signed" and hrss["signed"] > 0, hrss
        assert not clock(hrss, "sign")["next"]
        assert clock(handler(record, "street.caoyang"), "sign")["next"]


# PROTOCOL §4.2: the keys of an alert, in this order (others may follow: ignored)
ALERT_KEYS = ("v", "seq", "kind", "case", "level", "category", "street", "enterprise", "workers",
              "amount", "flags", "units", "reasons", "at", "previous_level", "source", "report",
              "update", "unit", "clock", "rung", "count", "due", "late_ms", "note", "into",
              "satisfied")


def _documented_order(body):
    known = [key for key in body if key in ALERT_KEYS]
    assert known == sorted(known, key=ALERT_KEYS.index), (body["kind"], list(body))


def test_alerts_of_updates_and_acts_carry_their_keys():
    # PROTOCOL §4.2 for each kind: `source` and `update` (the message's id),
    # `note`, `reasons` (["<kind>"] for the kinds without a classification)
    # and `units`; every problem is listed before the test fails
    with Desk() as desk:
        case = desk.open_case(source="street.caoyang", workers=3, **enterprise(210))
        other = desk.open_case(source="street.caoyang", workers=3, **enterprise(211))
        lead = ["street.caoyang", "office"]
        steps = [("hrss", "update", "returned", {"note": "非本单位职责"}, "returned", ["office"]),
                 ("office", "act", "insist", {"unit": "hrss", "reason": "请办理"}, None, None),
                 ("street.caoyang", "update", "resolved", {"note": "已付清"}, "resolved", None),
                 ("office", "act", "reject_closure", {"reason": "缺凭证"}, "sent_back", lead),
                 ("street.caoyang", "update", "resolved", {"note": "补凭证"}, "resolved", None),
                 ("office", "act", "close", {}, "closed", None),
                 ("street.caoyang", "act", "followup", {"satisfied": False}, "reopened", None),
                 ("office", "act", "regrade", {"level": "significant", "reason": "提级"},
                  "regraded", None),
                 ("street.caoyang", "update", "failed", {"note": "调解失败"}, "failed", ["office"]),
                 ("office", "act", "mute", {"until": desk.clock() + 48 * HOUR_MS,
                                            "reason": "暂缓"}, None, None),
                 ("office", "act", "unmute", {"reason": "恢复"}, "unmuted", ["office"]),
                 ("office", "act", "merge", {"into": other, "reason": "同一纠纷"}, "merged", None)]
        problems = []
        for source, what, name, extra, kind, units in steps:
            mid = desk.next_id("k")
            send = desk.update if what == "update" else desk.act
            seq = ok(send(source, case, name, id=mid, **extra))
            if kind is None:
                continue
            body = desk.wait(lambda: [b for b in desk.alerts(case, kind=kind) if b["seq"] > seq],
                             "the %s alert of %s" % (kind, name))[0]
            _documented_order(body)
            if body.get("source") != source or body.get("update") != mid:
                problems.append("%s: source/update %r/%r, want %s/%s"
                                % (kind, body.get("source"), body.get("update"), source, mid))
            note = extra.get("note") or extra.get("reason")
            if kind in ("returned", "sent_back", "regraded", "resolved", "failed") \
                    and body.get("note") != note:
                problems.append("%s: note %r, want %r" % (kind, body.get("note"), note))
            if kind in ("returned", "sent_back", "failed", "merged", "unmuted") \
                    and body["reasons"] != [kind]:
                problems.append("%s: reasons %r, want [%r]" % (kind, body["reasons"], kind))
            if units is not None and body["units"] != units:
                problems.append("%s: units %r, want %r" % (kind, body["units"], units))
            if kind == "resolved" and body["units"][-1:] != ["office"]:
                problems.append("resolved: units %r, want the case's then office" % body["units"])
        for kind, key, want in (("returned", "unit", "hrss"), ("reopened", "satisfied", False),
                                ("regraded", "previous_level", "general"),
                                ("merged", "into", other)):
            got = desk.alerts(case, kind=kind)[0].get(key, "(absent)")
            if got != want:
                problems.append("%s: %s %r, want %r" % (kind, key, got, want))
        assert desk.case(case)["level"] == "significant"           # failed never raises
        # the eight acts accepted are counted (PROTOCOL §6.5)
        assert desk.daemon.health()["counters"]["acts"] == 8, desk.daemon.health()["counters"]
        regraded = desk.alerts(case, kind="regraded")[0]
        assert "regrade" in regraded["reasons"], regraded        # what set the level
        for body in desk.alerts():
            _documented_order(body)
        assert not problems, "\n".join(problems)


# -- a store from before the per-unit handling ----------------------------------------------------

def _old_cases(store):
    env = lmdb.open(store, max_dbs=16, readonly=True, lock=False)
    try:
        with env.begin() as txn:
            db = env.open_db(b"cases", txn=txn, create=False)
            return {case_record.id_of_key(k): msgpack.unpackb(v, raw=False)
                    for k, v in txn.cursor(db=db)}
    finally:
        env.close()


def test_old_store_upgrade_and_backtest():
    # tests/integration/fixtures/make_store_format1.py says how the dump was made
    folder = tempfile.mkdtemp(prefix="hs-oldstore-")
    store = os.path.join(folder, "store")
    os.mkdir(store)
    try:
        subprocess.run(["mdb_load", "-f", FIXTURE, store], check=True, capture_output=True,
                       timeout=WAIT_S)
        old = _old_cases(store)
        assert len(old) == 5 and all("due_at" in c and "handlers" not in c for c in old.values())
        (cases, reports, _), table = backtest(store, RULES, timeout=WAIT_S * 3)
        assert (cases, reports) == (5, 6), (cases, reports)
        assert sum(before for before, _ in table.values()) == 5, table
        daemon = Daemon(folder=folder, extra_args=["--time-start", "2026-03-04T10:00"])
        daemon.start()
        try:
            for case_id, was in old.items():
                record = daemon.case(case_id)["case"]
                if was["closed"]:
                    assert record["stage"] == "closed" and record["closed"], record
                    assert not [c for h in record.get("handlers") or [] for c in h["clocks"]
                                if c["next"]], record
                    continue
                assert record["stage"] == "open" and record["level"] == was["level"], record
                units = [h["unit"] for h in record.get("handlers") or []]
                routed = [u for u in was["units"] if u not in ROLES]
                assert sorted(units) == sorted(routed), (case_id, units, routed)
                assert record["lead"] in units, record
                dues = [c["due"] for h in record["handlers"] for c in h["clocks"]]
                assert was["due_at"] in dues, (case_id, was["due_at"], dues)
                assert record["timer_at"] > 0, record
                assert "due_at" not in record and "clock_start" not in record, record
            # the upgraded cases take the new messages
            sub = daemon.submitter()
            body = {"v": 1, "id": "after-upgrade", "source": "street.caoyang",
                    "at": old["putuo-1"]["opened"], "case": "putuo-1", "status": "signed"}
            status, reply = sub.submit(body, "update.street.caoyang", deadline_s=WAIT_S)
            sub.close()
            assert status == "ok", (status, reply)
            record = daemon.case("putuo-1")["case"]
            assert [h["state"] for h in record["handlers"] if h["unit"] == "street.caoyang"] \
                == ["signed"], record["handlers"]
            assert daemon.stop() == 0
        finally:
            daemon.cleanup()
        verify = subprocess.run([CLIENT, "verify", "--store", store], capture_output=True,
                                text=True, timeout=WAIT_S * 3)
        assert verify.returncode == 0, (verify.stdout, verify.stderr)
        (cases, reports, _), table = backtest(store, RULES, timeout=WAIT_S * 3)
        assert (cases, reports) == (5, 6), (cases, reports)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
