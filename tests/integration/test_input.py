"""Bad input of every kind is rejected with a counted reason and a dead
letter, and the daemon goes on: a valid report after it still works.
Dedup and updates too."""

import os
import struct

import lmdb
import msgpack

import event_record
from harness import credit_code, now_ms, report, running



def dead_letters(daemon):
    """The dead-letter table, read with python3-lmdb (read-only, as an
    operator would on a live store)."""
    env = lmdb.open(daemon.store, max_dbs=16, readonly=True, lock=False)
    try:
        db = env.open_db(b"deadletter", create=False)
        with env.begin(db=db) as txn:
            return [(struct.unpack(">Q", key)[0], event_record.decode(value))
                    for key, value in txn.cursor()]
    finally:
        env.close()


def test_duplicate_is_stored_once():
    with running() as daemon:
        watcher = daemon.watcher(("alert.",))
        feeder = daemon.feeder()
        body = report(rid="dup-1", workers=12)
        for _ in range(3):
            feeder.send(body)
        # same id from another source is not a duplicate
        feeder.send(report(source="hrss", street="caoyang", rid="dup-1", name="Another Co", workers=3))
        feeder.close()
        alerts = watcher.recv_all(quiet_ms=500)
        assert len(alerts) == 2, alerts
        counters = daemon.wait_counter("duplicates", 2)
        assert counters["duplicates"] == 2 and counters["reports"] == 2
        assert daemon.health()["store"]["dedup"] == 2


def test_bad_check_digit():
    good = credit_code("91310107MA1G00002")
    last = good[-1]
    bad = good[:-1] + ("0" if last != "0" else "1")
    with running() as daemon:
        watcher = daemon.watcher(("alert.",))
        feeder = daemon.feeder()
        feeder.send(report(rid="cc-bad", code=bad))
        feeder.send(report(rid="cc-short", code="9131010"))
        feeder.send(report(rid="cc-good", code=good))
        feeder.close()
        alerts = watcher.recv_all(quiet_ms=500)
        assert [a[1]["report"] for a in alerts] == ["cc-good"]
        health = daemon.health()
        assert health["rejections"]["bad_credit_code"] == 2
        letters = dead_letters(daemon)
        assert [l[1]["reason"] for l in letters] == ["bad_credit_code", "bad_credit_code"]
        # the dead letter keeps the message itself for inspection
        topic, body = letters[0][1]["data"]
        assert topic == b"report.street.caoyang"
        assert msgpack.unpackb(body, raw=False)["enterprise"]["credit_code"] == bad
        assert "GB 32100" in letters[0][1]["detail"]


def test_source_must_match_topic():
    with running() as daemon:
        watcher = daemon.watcher(("alert.",))
        feeder = daemon.feeder()
        feeder.send(report(source="union", street="caoyang", rid="sm-1"), topic="report.hrss")
        feeder.send(report(source="nobody", street="caoyang", rid="sm-2"))     # unknown unit
        feeder.send(report(source="hrss", rid="sm-3"))                         # no street
        feeder.send(report(source="hrss", street="atlantis", rid="sm-4"))      # unknown street
        feeder.send(report(source="hrss", street="caoyang", rid="sm-5"))      # valid
        feeder.close()
        alerts = watcher.recv_all(quiet_ms=500)
        assert [a[1]["report"] for a in alerts] == ["sm-5"]
        rejections = daemon.health()["rejections"]
        assert rejections == {"source_mismatch": 1, "unknown_unit": 1, "missing_field": 1,
                              "unknown_street": 1}, rejections


def test_hostile_bytes_then_valid_report():
    valid = msgpack.packb(report(rid="hostile-ok"), use_bin_type=True)
    deep = b"\x91" * 5000 + b"\x01"
    hostile = [
        # (frames, reason)
        ([b"report.hrss", valid[: len(valid) // 2]], "malformed"),          # truncated
        ([b"report.hrss", deep], "too_deep"),                               # deep nesting
        ([b"report.hrss", b"\xdd\xff\xff\xff\xff"], "too_large"),           # msgpack-c #1013
        ([b"report.hrss", b"\xdf\x7f\xff\xff\xff"], "too_large"),           # huge map
        ([b"report.hrss", b"\xdb\xff\xff\xff\xf0abc"], "too_large"),        # huge string
        ([b"report.hrss", b"\x81\xa1v\xc7\x20\x01"], "malformed"),          # ext past the end
        ([b"report.hrss", b"\xc1"], "malformed"),                           # never-used byte
        ([b"report.hrss", b"\x80\x80"], "malformed"),                       # trailing bytes
        ([b"report.hrss", b""], "malformed"),                               # empty body
        ([b"report.hrss", msgpack.packb([1, 2, 3])], "not_a_map"),
        ([b"report.hrss", msgpack.packb({"v": "1"})], "bad_type"),          # wrong type
        ([b"report.street.caoyang", msgpack.packb(dict(report(rid="w1"), workers="many"))], "bad_type"),
        ([b"report.street.caoyang", msgpack.packb(dict(report(rid="w2"), workers=-4))], "bad_value"),
        ([b"report.street.caoyang", msgpack.packb(dict(report(rid="w3"), workers=10 ** 12))], "bad_value"),
        ([b"report.street.caoyang", msgpack.packb(dict(report(rid="w4"), at=now_ms() + 10 ** 10))], "bad_value"),
        ([b"report.street.caoyang", msgpack.packb(dict(report(rid="w5"), v=2))], "bad_version"),
        ([b"report.street.caoyang", msgpack.packb(dict(report(rid="w6"), category="mutiny"))], "bad_value"),
        ([b"report.street.caoyang", msgpack.packb(dict(report(rid="w7"), flags=["riot"]))], "bad_value"),
        ([b"report.street.caoyang", b"\x81\xa2id\xa2\xff\xfe"], "missing_field"),
        ([b"report.street.caoyang", msgpack.packb(dict(report(rid="x" * 65)))], "bad_value"),
        ([b"report.street.caoyang", msgpack.packb(dict(report(rid="w9"), summary="x" * 5000))], "bad_value"),
        ([os.urandom(60 << 10)], "frames"),                                 # 60 KiB of noise, one frame
        # a body over max_body (64K) in a frame under max_message (65K);
        # a bigger frame cuts the peer off (test_floods)
        ([b"report.hrss", os.urandom((64 << 10) + 1)], "oversized"),
        ([b"report.hrss"], "frames"),                                       # wrong frame counts
        ([b"report.hrss", valid, b"extra"], "frames"),
        ([b"alert.critical.caoyang", valid], "unknown_topic"),
        ([b"report.\x00\x01", valid], "bad_topic"),
        ([b"report.ghost", valid], "unknown_unit"),
    ]
    with running() as daemon:
        watcher = daemon.watcher(("alert.",))
        feeder = daemon.feeder()
        for frames, _ in hostile:
            feeder.send_raw(frames)
        feeder.send_raw([b"report.street.caoyang", valid])
        feeder.close()
        alerts = watcher.recv_all(quiet_ms=800)
        assert [a[1]["report"] for a in alerts] == ["hostile-ok"], alerts
        assert daemon.alive()
        health = daemon.health()
        expected = {}
        for _, reason in hostile:
            expected[reason] = expected.get(reason, 0) + 1
        assert health["rejections"] == expected, (health["rejections"], expected)
        rejected = sum(expected.values())
        assert health["counters"]["rejected"] == rejected
        assert health["store"]["deadletters"] == rejected
        letters = dead_letters(daemon)
        assert len(letters) == rejected
        # the noise is kept, truncated, with its real size
        noise = [l for _, l in letters if l["reason"] == "oversized"][0]
        assert noise["size"] > 64 << 10 and len(noise["data"][1]) <= 4096
        # the log names reasons, once per reason per interval: no flood
        log = daemon.read_log()
        assert "rejected (too_large)" in log and "rejected (frames)" in log
        assert log.count("rejected (malformed)") == 1, log


def test_invalid_utf8_rejected():
    with running() as daemon:
        feeder = daemon.feeder()
        body = msgpack.packb(report(rid="u1"))
        body = body.replace("上海测试制衣有限公司".encode(), b"\xe4\xb8" + b"\xff" * 28)
        feeder.send_raw([b"report.street.caoyang", body])
        feeder.close()
        daemon.wait_counter("rejected", 1)
        assert daemon.health()["rejections"] == {"bad_value": 1}


def test_flood_of_garbage_is_logged_once():
    with running() as daemon:
        feeder = daemon.feeder()
        for index in range(2000):
            feeder.send_raw([b"report.hrss", b"\xc1" + bytes([index % 256])])
        feeder.close()
        counters = daemon.wait_counter("rejected", 2000)
        assert counters["rejected"] == 2000
        assert daemon.read_log().count("rejected (malformed)") == 1


def test_updates():
    with running() as daemon:
        watcher = daemon.watcher(("alert.",))
        feeder = daemon.feeder()
        feeder.send(report(rid="up-1", workers=12))
        topic, alert = watcher.recv(5000)
        case = alert["case"]
        assert "justice" in alert["units"] and "police" not in alert["units"]

        def update(source, uid, status, case_id=case, note=None):
            body = {"v": 1, "id": uid, "source": source, "at": now_ms(), "case": case_id,
                    "status": status}
            if note:
                body["note"] = note
            feeder.send(body, topic="update." + source)

        update("justice", "j1", "mediating", note="人民调解介入")    # a co-handler's progress
        update("police", "p1", "accepted")                 # not routed on this case
        update("justice", "j2", "accepted", case_id="putuo-999999")
        update("justice", "j1", "mediating")               # duplicate
        update("office", "o1", "resolved")                 # only a handler resolves: not_routed
        update("street.caoyang", "s1", "closed")           # only the office closes
        update("street.caoyang", "s2", "resolved", note="工资已付清")   # the lead: 办结
        messages = watcher.recv_all(quiet_ms=500)
        assert len(messages) == 1, messages
        topic, resolved = messages[0]
        assert topic == "alert.significant.caoyang" and resolved["kind"] == "resolved"
        assert resolved["case"] == case and resolved["units"][-1] == "office", resolved
        assert resolved["source"] == "street.caoyang" and resolved["update"] == "s2"
        # the office reviews it and closes it (审核办结)
        update("office", "o2", "closed", note="审核通过")
        feeder.close()
        messages = watcher.recv_all(quiet_ms=500)
        assert [m[1]["kind"] for m in messages] == ["closed"], messages
        health = daemon.health()
        assert health["counters"]["updates"] == 3 and health["counters"]["duplicates"] == 1
        assert health["rejections"] == {"not_routed": 2, "unknown_case": 1,
                                        "not_authorized": 1}, health["rejections"]
        assert health["store"]["open_cases"] == 0
        # a new report about the same enterprise now opens a new case
        feeder = daemon.feeder()
        feeder.send(report(rid="up-2", workers=12))
        feeder.close()
        topic, alert = watcher.recv(5000)
        assert alert["kind"] == "new" and alert["case"] != case
