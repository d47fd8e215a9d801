"""Reporting upward (汇报, issue 14, SPEC §3 "Reporting upward"): a critical
case goes up at once as a first report (首报) to the district government and
the city, then as follow-up reports (续报) when its lead, a meeting's outcome
or its level changes, and a final report (终报) when it is closed; re-opened,
it is reported again. All through the real daemon, and across a kill -9. And
each report upward is stored as its decision (store format 7) and replays as
the bytes that went out."""

import lmdb
import msgpack

import event_record
from handling_desk import Desk, enterprise, ok
from harness import Daemon, replay_raw, report


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


def test_reports_upward_are_kept_as_their_decision_and_replay_as_sent():
    """Store format 7: a report upward is stored as the decision it is, not
    a second copy of its body; what replay sends is the bytes a subscriber
    got, and the record is smaller than the body."""
    daemon = Daemon().start()
    try:
        watcher = daemon.watcher(("escalate.",))
        sub = daemon.submitter()
        status, reply = sub.submit(report(rid="up-1", source="street.caoyang", workers=150,
                                          **enterprise(777)))
        assert status == "ok", reply
        sub.close()
        sent = {msgpack.unpackb(body)["seq"]: (topic, body)
                for topic, body in watcher.recv_all(quiet_ms=1500, packed=True)}
        watcher.close()
        assert sorted(t for t, _ in sent.values()) == ["escalate.city", "escalate.district"], sent
        replayed = replay_raw(daemon)
        for seq, upward in sent.items():
            assert replayed[seq] == upward, (seq, replayed[seq], upward)
        assert daemon.stop() == 0
        env = lmdb.open(daemon.store, max_dbs=32, readonly=True, lock=False)
        try:
            with env.begin(db=env.open_db(b"events", create=False)) as txn:
                records = {seq: bytes(txn.get(seq.to_bytes(8, "big"))) for seq in sent}
        finally:
            env.close()
        for seq, (topic, body) in sent.items():
            record = records[seq]
            assert record[1] == 4, (seq, record[:4])            # its decision
            assert len(record) + 100 < len(body), (seq, len(record), len(body))
            stored = event_record.decode(record)
            assert stored["type"] == "escalate" and stored["topic"] == topic, stored
            assert list(stored["body"].items()) == list(msgpack.unpackb(body).items()), seq
    finally:
        daemon.cleanup()
