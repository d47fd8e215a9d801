"""Major problems and policy proposals (重大问题及对策建议, issue 14; SPEC §3
"Reporting upward", seed §三(一): 须经会商机制成员单位协商并讨论通过后报送):
the office drafts one on proposal.office, it is circulated to the member
units for their opinions (opinion.<unit>: agree, or amend with a note),
those who have not answered are chased 催办 -> 督办 -> 通报, a meeting called
to discuss it decides it in its minutes, and only a passed one goes upward
(proposal.upward, to the district and the city) with every opinion and the
minutes' reference; one not passed is closed and never sent up (PROTOCOL
§3.14, §4.15). Through the real daemon, the CLI and the Python client,
across a kill -9; every wait is bounded (handling_desk.WAIT_S)."""

import os
import subprocess
import sys

import lmdb
import msgpack

from handling_desk import HOUR_MS, WAIT_S, Desk, enterprise, ok, refused
from harness import CLIENT, ROOT

sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
import huishang  # noqa: E402  (the project's Python client)

AGENCIES = ["hrss", "legal", "petition", "news", "commerce", "police", "justice", "sasac",
            "court", "union", "fic"]


def proposal_body(desk, **fields):
    body = {"v": 1, "id": desk.next_id("j"), "source": "office", "at": desk.at(),
            "kind": "proposal", "title": "关于设立欠薪应急周转金的建议",
            "text": "针对建筑领域群体性欠薪多发，建议区政府设立欠薪应急周转金，"
                    "用于先行垫付、事后追偿。"}
    body.update(fields)
    return body


def opinion(desk, proposal, unit, answer="agree", **fields):
    body = {"v": 1, "id": desk.next_id("k"), "source": unit, "at": desk.at(),
            "proposal": proposal, "opinion": answer}
    body.update(fields)
    return desk.submit(body, "opinion." + unit)


def call(desk, proposals=None, **fields):
    body = {"v": 1, "id": desk.next_id("c"), "source": "office", "at": desk.at(),
            "kind": "office", "time": desk.clock() + HOUR_MS, "place": "区会商办会议室",
            "agenda": ["审议重大问题及对策建议"]}
    if proposals is not None:
        body["proposals"] = proposals
    body.update(fields)
    return desk.submit(body, "call.office")


def minutes(desk, meeting, decided, **fields):
    body = {"v": 1, "id": desk.next_id("m"), "source": "office", "at": desk.at(),
            "meeting": meeting, "proposals": decided}
    body.update(fields)
    return desk.submit(body, "minutes.office")


def records(store):
    """The `proposals` table (PROTOCOL §7), read beside the running daemon."""
    env = lmdb.open(store, max_dbs=32, readonly=True)
    try:
        with env.begin() as txn:
            try:
                db = env.open_db(b"proposals", txn=txn, create=False)
            except lmdb.NotFoundError:
                return {}
            return {key.decode(): msgpack.unpackb(value, raw=False)
                    for key, value in txn.cursor(db=db)}
    finally:
        env.close()


def next_seq(desk):
    return desk.daemon.counters()["next_seq"]


def said(desk, kind, proposal, unit=None):
    return [b for t, b in desk.published("proposal." + kind)
            if b["proposal"] == proposal and (unit is None or b.get("unit") == unit)]


def stored(desk, proposal):
    """What was published about it, as stored (replay), by seq."""
    return {seq: (topic, body) for seq, (topic, body) in desk.replayed().items()
            if topic.startswith("proposal.") and body.get("proposal") == proposal}


def test_refusals_store_nothing():
    # PROTOCOL §3.14, §5: not the office, an unknown case, a due time gone,
    # no text, a kind that is neither; an opinion from a unit not asked, on
    # no such proposal, an amendment without its note, twice; a meeting
    # called for no such proposal, minutes deciding one their meeting was
    # not called for: each refused with its code, and nothing stored
    with Desk() as desk:
        case = desk.open_case(source="street.caoyang", workers=3, **enterprise(701))
        before = next_seq(desk)
        for fields, topic, code in (
                (dict(source="hrss"), "proposal.hrss", "not_authorized"),
                (dict(cases=[case, "putuo-999999"]), None, "unknown_case"),
                (dict(due=desk.at() - HOUR_MS), None, "bad_value"),
                (dict(text=None), None, "missing_field"),
                (dict(title=""), None, "bad_value"),
                (dict(kind="idea"), None, "bad_value")):
            body = {k: v for k, v in proposal_body(desk, **fields).items() if v is not None}
            refused(desk.submit(body, topic or "proposal.office"), code)
        assert next_seq(desk) == before, "a refused proposal took a seq"
        assert records(desk.daemon.store) == {}
        seq = ok(desk.submit(proposal_body(desk, cases=[case]), "proposal.office"))
        proposal = "putuo-j%d" % seq
        ok(opinion(desk, proposal, "legal", "amend", note="第二条宜写明追偿程序"))
        desk.wait(lambda: said(desk, "opinion", proposal), "the opinion said")
        seq = ok(call(desk))                    # a meeting not called for it
        meeting = "putuo-m%d" % (seq + 1)
        desk.wait(lambda: [b for t, b in desk.published("meeting.request")
                           if b["meeting"] == meeting], "the meeting requested")
        before = next_seq(desk)
        refused(opinion(desk, proposal, "legal"), "bad_state")                # twice
        refused(opinion(desk, proposal, "convener"), "not_invited")           # no member
        refused(opinion(desk, "putuo-j999999", "hrss"), "unknown_proposal")
        refused(opinion(desk, proposal, "hrss", "amend"), "missing_field")    # no note
        refused(opinion(desk, proposal, "hrss", "maybe"), "bad_value")
        refused(call(desk, proposals=["putuo-j999999"]), "unknown_proposal")
        refused(minutes(desk, meeting, [{"id": proposal, "passed": True}]), "bad_value")
        refused(minutes(desk, meeting, [{"id": proposal}]), "missing_field")
        # a meeting called for it cannot pass it while members have not
        # answered and their time is not over (须经协商): bad_state
        seq = ok(call(desk, proposals=[proposal]))
        meeting = "putuo-m%d" % (seq + 1)
        desk.wait(lambda: [b for t, b in desk.published("meeting.request")
                           if b["meeting"] == meeting], "the meeting for it requested")
        before = next_seq(desk)
        refused(minutes(desk, meeting, [{"id": proposal, "passed": True}]), "bad_state")
        assert next_seq(desk) == before, "a refused opinion, call or minutes took a seq"
        record = records(desk.daemon.store)[proposal]
        answered = {m["unit"]: m["opinion"] for m in record["members"]}
        assert answered["legal"] == "amend" and answered["hrss"] is None, record
        assert record["state"] == "open" and record["meetings"] == [meeting], record
        assert not said(desk, "upward", proposal)
        rejections = desk.daemon.health()["rejections"]
        for code in ("not_authorized", "unknown_case", "not_invited", "bad_state",
                     "unknown_proposal", "missing_field", "bad_value"):
            assert rejections.get(code), (code, rejections)


def test_goes_up_only_after_opinions_and_a_passing_minute():
    # a Monday at 09:00, the clock 60000 times fast (an hour in 60 ms): the
    # opinions due at 17:00, so 督办 at 01:00 and 通报 at 09:00 on Tuesday.
    # legal amends, court is chased until it answers, union never answers,
    # the other members agree; a kill -9 after the opinions, before the
    # minutes; then a meeting called for it passes it
    with Desk(time_start="2026-03-02T09:00", time_scale=60000) as desk:
        case = desk.open_case(source="street.ganquan", workers=3, **enterprise(702))
        submit = ["--submit", desk.daemon.submit, "--api", desk.daemon.api]
        out = subprocess.run([CLIENT, "propose", "--title", "关于建立欠薪应急周转金的建议",
                              "--text", "建议设立欠薪应急周转金，先行垫付、事后追偿。",
                              "--case", case, "--due", "+8h", "--at", str(desk.at())] + submit,
                             capture_output=True, text=True, timeout=WAIT_S)
        assert out.returncode == 0, (out.stdout, out.stderr)
        words = out.stdout.split()
        assert words[:2] == ["ok", "seq"] and words[3] == "proposal", out.stdout
        proposal = words[4]
        assert proposal == "putuo-j" + words[2], out.stdout
        circulated = desk.wait(lambda: said(desk, "circulated", proposal), "circulated")[0]
        members = circulated["members"]
        assert set(AGENCIES) <= set(members) and "office" not in members, members
        assert "street.ganquan" in members and len(members) == len(set(members)), members
        assert circulated["to"] == members + ["office"], circulated["to"]
        assert circulated["cases"] == [case] and circulated["source"] == "office", circulated
        due = circulated["due"]
        assert abs(due - (circulated["at"] + 8 * HOUR_MS)) < HOUR_MS, circulated
        client = huishang.Client(submit=desk.daemon.submit, api=desk.daemon.api, timeout=2)
        assert client.give_opinion(proposal, "legal", "amend", note="宜明确追偿主体",
                                   at=desk.at()) > 0
        for unit in members:
            if unit not in ("legal", "court", "union"):
                ok(opinion(desk, proposal, unit))
        desk.wait(lambda: len(said(desk, "opinion", proposal)) == len(members) - 2,
                  "the opinions said")
        amended = said(desk, "opinion", proposal, "legal")[0]
        assert amended["opinion"] == "amend" and amended["note"] == "宜明确追偿主体", amended
        assert amended["to"] == ["office", "legal"], amended["to"]
        # court and union chased: 催办 to each, 督办 to the office; then kill -9
        desk.wait(lambda: [b for b in said(desk, "notice", proposal, "court")
                           if b["rung"] == "supervise"], "督办 of court")
        assert not said(desk, "upward", proposal), "it went upward before any minutes"
        desk.kill9_and_restart()
        desk.wait(lambda: [b for b in said(desk, "notice", proposal, "court")
                           if b["rung"] == "circulate"], "通报 of court", timeout=WAIT_S * 2)
        # court answers at last, from the command line: chased no more
        args = [CLIENT, "opinion", proposal, "--source", "court", "--agree", "--note",
                "同意", "--at", str(desk.at())]
        out = subprocess.run(args + submit, capture_output=True, text=True, timeout=WAIT_S)
        assert out.returncode == 0 and out.stdout.startswith("ok seq "), (out.stdout, out.stderr)
        again = subprocess.run(args + submit, capture_output=True, text=True, timeout=WAIT_S)
        assert again.returncode == 1 and "rejected bad_state" in again.stderr, again.stderr
        for bad in (["opinion", proposal, "--source", "union"],              # no answer
                    ["opinion", proposal, "--source", "union", "--amend"],   # no note
                    ["propose", "--title", "t"]):                           # no text
            usage = subprocess.run([CLIENT] + bad + submit, capture_output=True, text=True,
                                   timeout=WAIT_S)
            assert usage.returncode == 2 and "usage: huishang" in usage.stderr, (bad, usage)
        court = desk.wait(lambda: said(desk, "opinion", proposal, "court"), "court's opinion")
        # nothing upward yet: a meeting is called for it, its minutes pass it
        assert not [b for t, b in stored(desk, proposal).values() if t == "proposal.upward"]
        seq = client.call_meeting("office", desk.clock() + HOUR_MS, "区会商办会议室",
                                  ["审议欠薪应急周转金建议"], proposals=[proposal], at=desk.at())
        meeting = "putuo-m%d" % (seq + 1)
        desk.wait(lambda: [b for t, b in desk.published("meeting.request")
                           if b["meeting"] == meeting], "the meeting requested")
        assert not [b for t, b in stored(desk, proposal).values() if t == "proposal.upward"]
        held = client.record_minutes(meeting, decisions=["原则通过，按修改意见完善后报送"],
                                     passed=[proposal], at=desk.at())
        client.close()
        upward = desk.wait(lambda: said(desk, "upward", proposal), "proposal.upward")[0]
        assert upward["to"] == ["district", "city"] and upward["passed"] is True, upward
        assert upward["meeting"] == meeting and upward["minutes"] == held, upward
        assert upward["text"].startswith("建议设立") and upward["cases"] == [case], upward
        given = {o["unit"]: o for o in upward["opinions"]}
        assert sorted(given) == sorted(members), sorted(given)
        assert given["legal"]["opinion"] == "amend" and given["legal"]["note"] == "宜明确追偿主体"
        assert given["court"]["opinion"] == "agree" and given["union"]["opinion"] is None
        assert upward["unanswered"] == ["union"], upward["unanswered"]
        assert court[0]["at"] < upward["at"], "upward before the last opinion"
        # a day on: nobody chased after the decision, nothing sent up twice
        start = desk.clock()
        desk.wait(lambda: desk.clock() > start + 30 * HOUR_MS, "a day and more on")
        desk.pump(300)
        events = stored(desk, proposal)
        seen = {b["seq"]: (t, b) for t, b in desk.published("proposal.")
                if b["proposal"] == proposal}
        assert set(seen) <= set(events) and all(events[s] == seen[s] for s in seen)
        ups = [s for s in events if events[s][0] == "proposal.upward"]
        assert ups == [upward["seq"]], ups
        notices = [events[s][1] for s in sorted(events) if events[s][0] == "proposal.notice"]
        assert {b["unit"] for b in notices} == {"court", "union"}, notices
        for unit in ("court", "union"):
            mine = [b for b in notices if b["unit"] == unit]
            # each notice once across the kill -9: counts 1..n, none twice
            assert [b["count"] for b in mine] == list(range(1, len(mine) + 1)), mine
            assert [b["rung"] for b in mine][:3] == ["remind", "supervise", "circulate"], mine
            assert all(b["due"] == due and b["late_ms"] == b["at"] - due for b in mine)
        assert all(b["at"] <= upward["at"] for b in notices), "chased after the decision"
        assert all(b["at"] <= court[0]["at"] for b in notices if b["unit"] == "court")
        assert [b["to"] for b in notices if b["unit"] == "court"][:3] == [
            ["court"], ["office"], ["office", "court"]]
        # the briefings count the members' notices (督促检查) and name union (通报)
        briefs = [b for t, b in desk.replayed().values() if t == "brief.daily"]
        chased = {s["unit"] for b in briefs for s in b.get("supervision", [])
                  if s.get("remind")}
        assert {"court", "union"} <= chased, chased
        assert any("union" in b["named"] for b in briefs), [b["named"] for b in briefs]
        # the case's history holds it: the draft, its circulation, its way up
        topics = [e["topic"] for e in desk.history(case)]
        for topic in ("proposal.office", "proposal.circulated", "proposal.upward"):
            assert topic in topics, (topic, topics)
        record = records(desk.daemon.store)[proposal]
        assert record["state"] == "passed" and record["upward"] == upward["seq"], record
        assert record["timer_at"] == 0 and all(not m["next"] for m in record["members"])
        verify = subprocess.run([CLIENT, "verify", "--store", desk.daemon.store],
                                capture_output=True, text=True, timeout=WAIT_S)
        assert verify.returncode == 0 and "1 proposals" in verify.stdout, verify.stdout
        # people read it: the watch line names the topic
        out = subprocess.run([CLIENT, "replay", "--no-follow", "--since", "1", "--api",
                              desk.daemon.api, "proposal."],
                             capture_output=True, text=True, timeout=WAIT_S)
        assert out.returncode == 0 and "proposal.upward" in out.stdout, out.stdout[-2000:]
        assert "上报" in out.stdout, out.stdout[-2000:]


def test_not_passed_never_goes_up():
    # the minutes record it not passed: closed, chased no more, never sent
    # up however long one waits; deciding it again, an opinion after it:
    # bad_state. The Python client drafts it; the dashboard subscribes to
    # `proposal.` (a prefix of the daemon's, §4)
    with Desk(time_start="2026-03-02T09:00", time_scale=60000,
              prefixes=("proposal.", "meeting.")) as desk:
        client = huishang.Client(submit=desk.daemon.submit, api=desk.daemon.api, timeout=2)
        seq = client.propose("关于调整欠薪线索移送标准的问题", "现行移送标准偏高，建议下调。",
                             kind="problem", due=desk.clock() + 2 * HOUR_MS, at=desk.at())
        proposal = "putuo-j%d" % seq
        circulated = desk.wait(lambda: said(desk, "circulated", proposal), "circulated")[0]
        assert circulated["kind"] == "problem", circulated
        assert client.give_opinion(proposal, "hrss", "agree", at=desk.at()) > 0
        # the meeting called and its minutes recorded from the command line
        submit = ["--submit", desk.daemon.submit, "--api", desk.daemon.api,
                  "--at", str(desk.at())]
        out = subprocess.run([CLIENT, "call", "--kind", "office", "--time", "+1h", "--place",
                              "区会商办会议室", "--agenda", "审议移送标准问题", "--proposal",
                              proposal] + submit, capture_output=True, text=True,
                             timeout=WAIT_S)
        assert out.returncode == 0 and out.stdout.startswith("ok seq "), (out.stdout, out.stderr)
        words = out.stdout.split()
        meeting = words[4]
        assert words[3] == "meeting" and meeting == "putuo-m%d" % (int(words[2]) + 1), words
        request = desk.wait(lambda: [b for t, b in desk.published("meeting.request")
                                     if b["meeting"] == meeting], "the meeting requested")[0]
        assert request["proposals"] == [proposal] and request["kind"] == "office", request
        for bad in (["call", "--kind", "office", "--time", "+1h", "--place", "p"],  # no agenda
                    ["minutes", meeting, "--kind", "office"],                     # not its
                    ["minutes"]):                                                 # no MEETING
            usage = subprocess.run([CLIENT] + bad + submit, capture_output=True, text=True,
                                   timeout=WAIT_S)
            assert usage.returncode == 2 and "usage: huishang" in usage.stderr, (bad, usage)
        out = subprocess.run([CLIENT, "minutes", meeting, "--decision", "暂缓报送，继续调研",
                              "--rejected", proposal] + submit,
                             capture_output=True, text=True, timeout=WAIT_S)
        assert out.returncode == 0 and out.stdout.startswith("ok seq "), (out.stdout, out.stderr)
        held = int(out.stdout.split()[2])
        closed = desk.wait(lambda: said(desk, "closed", proposal), "proposal.closed")[0]
        assert closed["passed"] is False and closed["minutes"] == held, closed
        assert closed["meeting"] == meeting and "office" in closed["to"], closed
        assert "district" not in closed["to"] and "city" not in closed["to"], closed
        for bad in (lambda: client.record_minutes(meeting, passed=[proposal], at=desk.at()),
                    lambda: client.give_opinion(proposal, "legal", "agree", at=desk.at())):
            try:
                bad()
                raise AssertionError("a decided proposal was acted on again")
            except huishang.Rejected as rejected:
                assert rejected.reason == "bad_state", rejected
        try:
            client.give_opinion(proposal, "legal", "amend")
            raise AssertionError("an amendment without a note was sent")
        except ValueError:
            pass
        client.close()
        # wait past every rung it would have reached (2h due: 通报 at 6h)
        start = desk.clock()
        desk.wait(lambda: desk.clock() > start + 12 * HOUR_MS, "twelve hours on")
        desk.pump(300)
        events = stored(desk, proposal)
        assert not [s for s in events if events[s][0] == "proposal.upward"], events
        assert not said(desk, "upward", proposal)
        late = [b for t, b in events.values() if t == "proposal.notice"]
        assert all(b["at"] <= closed["at"] for b in late), "chased after it was closed"
        record = records(desk.daemon.store)[proposal]
        assert record["state"] == "rejected" and record["upward"] == 0, record
        assert record["timer_at"] == 0, record
        assert desk.daemon.counters()["subscriptions_refused"] == 0
