"""Inspection (督查, issue 14; SPEC §3 "Inspection", seed §三(四): the
office drafts an inspection plan, reported to the convener, who approves
it): a plan on inspect.office, the convener's decision on
inspectplan.convener, each unit's result on finding.office with the
rectifications (整改) it asks, and each rectification done on
rectified.<unit> (PROTOCOL §3.15); a rectification not done is chased
催办 -> 督办 -> 通报, each notice once, across a kill -9, until it is.
Through the real daemon, the CLI and the Python client; every wait is
bounded (handling_desk.WAIT_S)."""

import datetime
import os
import subprocess
import sys

import lmdb
import msgpack

from handling_desk import HOUR_MS, WAIT_S, Desk, ok, refused
from harness import CLIENT, ROOT, SHANGHAI_MS

sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
import huishang  # noqa: E402  (the project's Python client)

DAY_MS = 24 * HOUR_MS


def plan_body(desk, **fields):
    body = {"v": 1, "id": desk.next_id("i"), "source": "office", "at": desk.at(),
            "title": "2026年第一季度根治欠薪专项督查",
            "units": ["hrss", "caoyang"],
            "items": ["工资支付保证金制度落实情况", "农民工工资专用账户开设情况"],
            "start": desk.at() + DAY_MS, "end": desk.at() + 8 * DAY_MS}
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


def send(desk, topic, source, **fields):
    body = {"v": 1, "id": desk.next_id(topic[0]), "source": source, "at": desk.at()}
    body.update(fields)
    return desk.submit({k: v for k, v in body.items() if v is not None},
                       "%s.%s" % (topic, source))


def decide(desk, plan, decision, source="convener", note=None):
    return send(desk, "inspectplan", source, plan=plan, decision=decision, note=note)


def finding(desk, plan, unit, rectify=(), source="office", findings="台账不全，专户未开设"):
    return send(desk, "finding", source, plan=plan, unit=unit, findings=findings,
                rectify=list(rectify))


def rectified(desk, item, source, note=None):
    return send(desk, "rectified", source, item=item, note=note)


def plans(store):
    """The `inspections` table (PROTOCOL §7), read beside the running daemon."""
    env = lmdb.open(store, max_dbs=32, readonly=True)
    try:
        with env.begin() as txn:
            try:
                db = env.open_db(b"inspections", txn=txn, create=False)
            except lmdb.NotFoundError:
                return {}
            return {key.decode(): msgpack.unpackb(value, raw=False)
                    for key, value in txn.cursor(db=db)}
    finally:
        env.close()


def next_seq(desk):
    return desk.daemon.counters()["next_seq"]


def said(desk, kind, plan, item=None):
    return [b for t, b in desk.published("inspection." + kind)
            if b["plan"] == plan and (item is None or b.get("item") == item)]


def test_refusals_store_nothing_and_a_returned_plan_revised():
    # PROTOCOL §3.15, §5: each refusal has its code and stores nothing (no
    # seq taken, no record changed); a plan returned (with its note) is
    # revised by a new one, which the convener approves
    with Desk() as desk:
        before = next_seq(desk)
        for fields, source, code in (
                ({}, "hrss", "not_authorized"),
                (dict(units=["hrss", "nowhere"]), "office", "unknown_unit"),
                (dict(units=["convener"]), "office", "unknown_unit"),     # a role
                (dict(end=desk.at()), "office", "bad_value"),             # end before start
                (dict(items=None), "office", "missing_field"),
                (dict(items=[]), "office", "bad_value"),
                (dict(plan="putuo-i999999"), "office", "unknown_inspection")):
            body = plan_body(desk, source=source, **fields)
            refused(desk.submit(body, "inspect." + source), code)
        assert next_seq(desk) == before, "a refused plan took a seq"
        assert plans(desk.daemon.store) == {}
        first = "putuo-i%d" % ok(desk.submit(plan_body(desk), "inspect.office"))
        drafted = desk.wait(lambda: said(desk, "plan", first), "inspection.plan")[0]
        assert drafted["to"] == ["convener"] and drafted["state"] == "drafted", drafted
        assert drafted["units"] == ["hrss", "street.caoyang"] and len(drafted["items"]) == 2
        before = next_seq(desk)
        refused(finding(desk, first, "hrss"), "bad_state")                # not approved
        refused(decide(desk, first, "approve", source="office"), "not_authorized")
        refused(decide(desk, first, "return"), "missing_field")           # no note
        refused(decide(desk, "putuo-i999999", "approve"), "unknown_inspection")
        refused(rectified(desk, first + "-r1", "hrss"), "unknown_inspection")
        refused(desk.submit(plan_body(desk, plan=first), "inspect.office"), "bad_state")
        assert next_seq(desk) == before, "a refusal took a seq"
        record = plans(desk.daemon.store)[first]
        assert record["state"] == "drafted" and not any(u["found"] for u in record["units"])
        # returned with a note, then revised: the first is closed, pointing on
        ok(decide(desk, first, "return", note="督查范围应包括街道劳动保障所"))
        back = desk.wait(lambda: said(desk, "returned", first), "inspection.returned")[0]
        assert back["note"].startswith("督查范围") and back["to"] == ["office"], back
        refused(decide(desk, first, "approve"), "bad_state")              # decided already
        second = "putuo-i%d" % ok(desk.submit(
            plan_body(desk, plan=first, units=["hrss", "caoyang", "street.wanli"]),
            "inspect.office"))
        revised = desk.wait(lambda: said(desk, "plan", second), "the revised plan")[0]
        assert revised["revises"] == first, revised
        refused(desk.submit(plan_body(desk, plan=first), "inspect.office"), "bad_state")
        ok(decide(desk, second, "approve"))
        approved = desk.wait(lambda: said(desk, "approved", second), "approved")[0]
        assert approved["to"] == ["office", "hrss", "street.caoyang", "street.wanli"], approved
        stored = plans(desk.daemon.store)
        assert stored[first]["state"] == "revised" and stored[first]["revised_by"] == second
        assert stored[second]["state"] == "approved" and stored[second]["decider"] == "convener"
        # results on the approved plan: a unit it does not inspect, an
        # owner that is no unit, a due time gone: refused, nothing stored
        before = next_seq(desk)
        fix = {"owner": "hrss", "text": "开设专户", "due": desk.at() + DAY_MS}
        refused(finding(desk, second, "street.taopu"), "not_invited")
        refused(finding(desk, second, "nowhere"), "unknown_unit")
        refused(finding(desk, second, "hrss", [dict(fix, owner="nobody")]), "unknown_unit")
        refused(finding(desk, second, "hrss", [dict(fix, due=desk.at() - 1)]), "bad_value")
        refused(finding(desk, second, "hrss", source="hrss"), "not_authorized")
        assert next_seq(desk) == before, "a refused result took a seq"
        assert not any(u["found"] for u in plans(desk.daemon.store)[second]["units"])
        ok(finding(desk, second, "hrss", [fix]))
        refused(finding(desk, second, "hrss"), "bad_state")                # twice
        refused(rectified(desk, second + "-r1", "street.wanli"), "not_authorized")
        rejections = desk.daemon.health()["rejections"]
        for code in ("not_authorized", "unknown_unit", "unknown_inspection", "not_invited",
                     "bad_state", "missing_field"):
            assert rejections.get(code), (code, rejections)


def test_two_rectifications_one_done_in_time_one_chased_until_done():
    # the clock 60000 times fast (an hour in 60 ms); both rectifications due
    # 8 h after the result: 催办 at 8 h, 督办 at 16 h, 通报 at 24 h, again
    # every inspections/repeat (24 h); a kill -9 between 督办 and 通报. A
    # second plan the convener never decides is reminded after
    # inspections/decide (48 h), once
    with Desk(time_start="2026-03-02T09:00", time_scale=60000) as desk:
        plan = "putuo-i%d" % ok(desk.submit(plan_body(desk), "inspect.office"))
        idle = "putuo-i%d" % ok(desk.submit(plan_body(desk, title="街道劳动保障所督查"),
                                            "inspect.office"))
        ok(decide(desk, plan, "approve", note="同意"))
        due = desk.clock() + 8 * HOUR_MS
        ok(finding(desk, plan, "hrss", [
            {"owner": "hrss", "text": "补齐工资支付台账", "due": due},
            {"owner": "caoyang", "text": "督促辖区企业开设农民工工资专用账户", "due": due}]))
        result = desk.wait(lambda: said(desk, "result", plan), "inspection.result")[0]
        first, second = plan + "-r1", plan + "-r2"
        assert [r["item"] for r in result["rectify"]] == [first, second], result
        assert [r["owner"] for r in result["rectify"]] == ["hrss", "street.caoyang"], result
        assert result["to"] == ["hrss", "street.caoyang", "office"], result["to"]
        ok(rectified(desk, first, "hrss", note="台账已补齐"))
        ok(finding(desk, plan, "caoyang"))                      # a result with no rectification
        done = desk.wait(lambda: said(desk, "rectified", plan, first), "the first done")[0]
        assert done["done"] < due and done["note"] == "台账已补齐", done
        assert done["to"] == ["office", "hrss"], done["to"]
        # the second is chased: 催办 to its owner, 督办 to the office; kill -9
        desk.wait(lambda: [b for b in said(desk, "notice", plan) if b["rung"] == "supervise"],
                  "督办")
        desk.kill9_and_restart()
        desk.wait(lambda: [b for b in said(desk, "notice", plan) if b["count"] >= 4],
                  "通报 and its repeat", timeout=WAIT_S * 2)
        assert not said(desk, "complete", plan), "complete with a rectification open"
        ok(rectified(desk, second, "street.caoyang", note="已开设"))
        desk.wait(lambda: said(desk, "complete", plan), "inspection.complete")
        start = desk.clock()
        desk.wait(lambda: desk.clock() > start + 30 * HOUR_MS, "a day and more on")
        desk.pump(300)             # never quiet at 60000 times: pump, not settle
        # what is stored (replay) holds what was seen live, under the same
        # seqs, and what went out while nobody was back after the restart
        stored = {seq: (topic, body) for seq, (topic, body) in desk.replayed().items()
                  if topic.startswith("inspection.") and body.get("plan") == plan}
        seen = {b["seq"]: (t, b) for t, b in desk.published("inspection.") if b["plan"] == plan}
        assert set(seen) <= set(stored) and all(stored[s] == seen[s] for s in seen)
        chased = [stored[s][1] for s in sorted(stored) if stored[s][0] == "inspection.notice"]
        assert {b["item"] for b in chased} == {second}, "a rectification done was chased"
        rungs = [b["rung"] for b in chased]
        assert rungs[:3] == ["remind", "supervise", "circulate"], rungs
        assert set(rungs[3:]) <= {"circulate"}, rungs
        # each notice once: counts 1..n, none twice or missing, across the kill -9
        assert [b["count"] for b in chased] == list(range(1, len(chased) + 1)), chased
        times = [b["at"] for b in chased]
        assert all(later - earlier >= 7 * HOUR_MS for earlier, later in zip(times, times[1:]))
        assert all(b["late_ms"] == b["at"] - due >= 0 and b["due"] == due for b in chased)
        assert chased[0]["to"] == ["street.caoyang"], chased[0]
        assert chased[1]["to"] == ["office"], chased[1]
        assert chased[2]["to"] == ["office", "street.caoyang"], chased[2]
        assert [b["reasons"] for b in chased[:3]] == [["inspection.remind"],
                                                      ["inspection.supervise"],
                                                      ["inspection.circulate"]]
        last = said(desk, "rectified", plan, second)[0]
        assert all(b["at"] <= last["at"] for b in chased), "chased after it was done"
        kinds = [stored[s][0] for s in sorted(stored)]
        assert kinds.count("inspection.complete") == 1 and kinds[-1] == "inspection.complete"
        # nothing lost: the record has every result and both done, no timer
        record = plans(desk.daemon.store)[plan]
        assert record["state"] == "complete" and record["timer_at"] == 0, record
        assert all(u["found"] and u["seq"] for u in record["units"]), record["units"]
        assert all(r["done"] and not r["next"] for r in record["rectify"]), record["rectify"]
        assert record["rectify"][1]["notices"] == len(chased), record["rectify"][1]
        # the plan never decided: one reminder to the convener at 48 h, once
        # across the kill -9, and still waiting
        reminders = [b for t, b in desk.replayed().values() if t == "inspection.reminder"]
        assert [b["plan"] for b in reminders] == [idle], reminders
        assert reminders[0]["count"] == 1 and reminders[0]["to"] == ["convener"], reminders
        assert 48 * HOUR_MS <= reminders[0]["waiting_ms"] < 49 * HOUR_MS, reminders
        idle_record = plans(desk.daemon.store)[idle]
        assert idle_record["state"] == "drafted" and idle_record["reminders"] == 1, idle_record
        assert idle_record["timer_at"] == idle_record["decide_next"] > last["at"], idle_record
        verify = subprocess.run([CLIENT, "verify", "--store", desk.daemon.store],
                                capture_output=True, text=True, timeout=WAIT_S)
        assert verify.returncode == 0 and "2 inspection plans" in verify.stdout, verify.stdout
        # the daily briefings (as stored): Tuesday's and Wednesday's count the
        # rectification open and late, and its owner's notices (通报 names it);
        # Thursday's, after it was done, none open
        events = desk.replayed()
        briefs = [events[s][1] for s in sorted(events) if events[s][0] == "brief.daily"]
        assert [b for b in briefs if b["rectify_open"] == 1 and b["rectify_late"] == 1], briefs
        assert briefs[-1]["rectify_open"] == 0 and briefs[-1]["at"] > last["at"], briefs[-1]
        rows = [r for b in briefs for r in b["supervision"] if r["unit"] == "street.caoyang"]
        assert sum(r["remind"] + r["supervise"] + r["circulate"] for r in rows) >= 3, rows
        assert any("street.caoyang" in b["named"] for b in briefs), [b["named"] for b in briefs]


def test_the_cli_and_the_python_client():
    # huishang inspect-plan / inspect-approve / inspect-result / rectified,
    # acknowledged (ok seq N, a refusal on stderr and exit 1, a usage error
    # exit 2); the Python client's four calls. The dashboard subscribes to
    # `inspection.` (a prefix of the daemon's, §4)
    with Desk(prefixes=("inspection.",)) as desk:
        submit = ["--submit", desk.daemon.submit, "--api", desk.daemon.api]

        def cli(*args):
            return subprocess.run([CLIENT] + list(args) + submit, capture_output=True,
                                  text=True, timeout=WAIT_S)
        out = cli("inspect-plan", "--title", "节前根治欠薪督查", "--units", "hrss,caoyang",
                  "--item", "欠薪线索排查", "--item", "工资专户", "--from", "+1h",
                  "--until", "+3d")
        assert out.returncode == 0, (out.stdout, out.stderr)
        words = out.stdout.split()
        assert words[:2] == ["ok", "seq"] and words[3] == "plan", out.stdout
        first = words[4]
        assert first == "putuo-i" + words[2], out.stdout
        drafted = desk.wait(lambda: said(desk, "plan", first), "the CLI's plan")[0]
        assert drafted["items"] == ["欠薪线索排查", "工资专户"], drafted
        assert abs(drafted["end"] - drafted["start"] - (3 * DAY_MS - HOUR_MS)) < 60 * 1000
        out = cli("inspect-approve", first, "--return", "--note", "请补充街道")
        assert out.returncode == 0 and out.stdout.startswith("ok seq "), (out.stdout, out.stderr)
        desk.wait(lambda: said(desk, "returned", first), "returned from the CLI")
        out = cli("inspect-plan", "--title", "节前根治欠薪督查（修改稿）", "--units",
                  "hrss,caoyang,wanli", "--item", "欠薪线索排查", "--from", "+1h",
                  "--until", "+3d", "--revise", first)
        assert out.returncode == 0, (out.stdout, out.stderr)
        second = out.stdout.split()[4]
        client = huishang.Client(submit=desk.daemon.submit, api=desk.daemon.api, timeout=2)
        assert client.decide_inspection(second) > 0                       # approve
        desk.wait(lambda: said(desk, "approved", second), "approved from Python")
        # a result with a relative and a wall-time due date, from the CLI
        tomorrow = datetime.datetime.fromtimestamp(
            (desk.at() + SHANGHAI_MS + DAY_MS) // 1000,
            datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M")
        out = cli("inspect-result", second, "--unit", "hrss", "--findings", "专户未开设",
                  "--rectify", "hrss:+2d:开设农民工工资专用账户",
                  "--rectify", "caoyang:%s:约谈辖区欠薪企业" % tomorrow)
        assert out.returncode == 0, (out.stdout, out.stderr)
        result = desk.wait(lambda: said(desk, "result", second), "the CLI's result")[0]
        fixes = result["rectify"]
        assert [r["owner"] for r in fixes] == ["hrss", "street.caoyang"], fixes
        assert abs(fixes[0]["due"] - (result["at"] + 2 * DAY_MS)) < 60 * 1000, fixes
        assert abs(fixes[1]["due"] - (desk.at() + DAY_MS)) < 61 * 1000, fixes
        assert fixes[1]["text"] == "约谈辖区欠薪企业", fixes
        # the Python client records the others; the owners report done
        for unit in ("caoyang", "wanli"):
            assert client.record_finding(second, unit, "未发现问题") > 0
        out = cli("rectified", fixes[0]["item"], "--source", "hrss", "--note", "已开设")
        assert out.returncode == 0 and out.stdout.startswith("ok seq "), (out.stdout, out.stderr)
        again = cli("rectified", fixes[0]["item"], "--source", "hrss")
        assert again.returncode == 1 and "rejected bad_state" in again.stderr, again.stderr
        try:
            client.report_rectified(fixes[1]["item"], "hrss")
            raise AssertionError("a unit not its owner reported a rectification done")
        except huishang.Rejected as rejected:
            assert rejected.reason == "not_authorized", rejected
        assert client.report_rectified(fixes[1]["item"], "street.caoyang", note="已约谈") > 0
        desk.wait(lambda: said(desk, "complete", second), "complete")
        try:
            client.draft_inspection("t", ["hrss"], ["x"], 10, 20, source="hrss")
            raise AssertionError("a plan not from the office was taken")
        except huishang.Rejected as rejected:
            assert rejected.reason == "not_authorized", rejected
        client.close()
        for bad in (["inspect-plan", "--title", "t", "--units", "hrss", "--from", "+1h",
                     "--until", "+2h"],                                   # no --item
                    ["inspect-plan", "--title", "t", "--units", "hrss", "--item", "x",
                     "--from", "+2h", "--until", "+1h"],                  # ends before
                    ["inspect-approve", second, "--return"],              # no note
                    ["inspect-result", second, "--unit", "hrss", "--findings", "f",
                     "--rectify", "hrss-tomorrow"],
                    ["rectified", "--source", "hrss"]):                   # no ITEM
            usage = cli(*bad)
            assert usage.returncode == 2 and "usage: huishang" in usage.stderr, (bad, usage)
        assert desk.daemon.counters()["subscriptions_refused"] == 0
        # people read it: the watch lines
        out = subprocess.run([CLIENT, "replay", "--no-follow", "--since", "1", "--api",
                              desk.daemon.api, "inspection."],
                             capture_output=True, text=True, timeout=WAIT_S)
        assert out.returncode == 0, out.stderr
        for words in ("inspection.plan", "退回 returned", "已同意 approved", "督查结果",
                      "整改完成 rectified", "督查完成 complete"):
            assert words in out.stdout, (words, out.stdout[-2000:])
