"""Meetings (issue 14, SPEC §3 "Meetings"): a meeting request that a later
one supersedes (the case rose from major to critical) is closed with a
pointer to its successor (`meeting.closed`, PROTOCOL §4.3), and is never
reminded nor reported short of a quorum, across a kill -9; answering it is
refused, answering the successor is not."""

import subprocess

from handling_desk import HOUR_MS, WAIT_S, Desk, enterprise, ok, refused
from harness import CLIENT


def test_a_superseded_request_is_closed_and_never_reminded():
    with Desk(time_start="2026-03-04T10:00", time_scale=60000) as desk:
        firm = enterprise(401)
        case = desk.open_case(source="street.caoyang", workers=35, **firm)     # major
        first = desk.wait(lambda: desk.published("meeting.request"), "the major meeting")
        first = first[0][1]
        assert first["urgency"] == "normal" and first["case"] == case, first
        # the crowd grows to 150: critical, an urgent all-member meeting
        ok(desk.update("street.caoyang", case, "mediating", workers=150, note="人数增加"))
        second = desk.wait(lambda: [b for t, b in desk.published("meeting.request")
                                    if b["meeting"] != first["meeting"]], "the critical meeting")
        second = second[0]
        assert second["urgency"] == "urgent", second
        closed = desk.wait(lambda: desk.published("meeting.closed"), "the first one closed")
        assert len(closed) == 1, closed
        topic, body = closed[0]
        assert body["meeting"] == first["meeting"] and body["superseded_by"] == second["meeting"]
        assert body["case"] == case and body["reasons"] == ["superseded"], body
        assert set(first["participants"]) <= set(body["to"]), body
        assert body["seq"] > second["seq"]
        # nobody answers the first any more; the second takes answers
        refused(desk.submit({"v": 1, "id": "r1", "source": "hrss", "at": desk.at(),
                             "meeting": first["meeting"], "answer": "attend"}, "rsvp.hrss"),
                "bad_state")
        ok(desk.submit({"v": 1, "id": "r2", "source": "hrss", "at": desk.at(),
                        "meeting": second["meeting"], "answer": "attend"}, "rsvp.hrss"))
        desk.kill9_and_restart()
        # past the first one's half deadline (12 h): reminders name only the second
        start = desk.clock()
        desk.wait(lambda: desk.clock() > start + 14 * HOUR_MS, "14 hours on",
                  timeout=WAIT_S * 2)
        desk.pump(300)                 # never quiet: a critical case at 60000 times
        reminded = [b["meeting"] for t, b in desk.published("meeting.reminder")]
        assert first["meeting"] not in reminded, reminded
        # the first's quorum check found it closed: at most the second's
        # no-quorum alert (at its half deadline, 1 h), none at 12 h
        warnings = desk.alerts(case, kind="warning")
        assert len(warnings) <= 1, warnings
        assert all(b["at"] < start + 2 * HOUR_MS for b in warnings), warnings
        record = desk.case(case)
        assert record["meeting"] == second["meeting"], record
        # people read it: the watch line and the case's history say so
        out = subprocess.run([CLIENT, "replay", "--no-follow", "--since", str(second["seq"]),
                              "--count", "50", "--api", desk.daemon.api, "meeting."],
                             capture_output=True, text=True, timeout=WAIT_S)
        assert out.returncode == 0, out.stderr
        line = [l for l in out.stdout.splitlines() if "meeting.closed" in l]
        assert line and "superseded by %s" % second["meeting"] in line[0], out.stdout[-2000:]
