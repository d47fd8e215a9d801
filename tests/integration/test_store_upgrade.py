"""The store upgrades of issue 17. To format 3: a store written by the release
before it (tests/integration/fixtures/make_store_format2.py says how) is
brought up to the compact case record at start. What the api says of every
case is what the old daemon said, every record on disk is compact and
smaller, `huishang verify` finds the store sound, the rules backtest reads
it, and the upgraded cases go on taking messages; a second start rewrites
nothing. To format 4: a store written by the release before
(fixtures/make_store_format3.py) has its cases, their history and its
meetings moved to keys in the order of the ids' numbers, the api answering
as it did, and the tools read it before and after. To format 5: a store
written by the release before (fixtures/make_store_format4.py) has its
correlation keys spelled with the enterprise first and each enterprise's
early-warning window moved beside them; reports still join the cases they
joined and the window still counts the disputes it counted. To format 6: a
store written by the release before (fixtures/make_store_format5.py) replays
its alerts as the bytes that went out then, and every alert after the
upgrade is kept as its decision, smaller than its body, and replays as the
bytes that went out. To format 7: a store written by the release before
(fixtures/make_store_format6.py) is not rewritten; the api says of its cases
and meetings what the old daemon said, its meeting requests replay as the
bytes that went out, and what is written after the upgrade is compact: cases
with their handlers as differences (layout 4), meeting requests as their
decision (layout 3), meeting records without names. To format 8: a store
written by the release before (fixtures/make_store_format7.py) has each
enterprise's window and correlation keys merged into one `caseindex` record;
reports join the cases they joined and the window counts on. To format 9: a
store written by the release before (fixtures/make_store_format8.py) is not
rewritten; the api says of its cases what the old daemon said, and every
report, update and act after the upgrade keeps its body with the contract's
words as two bytes (layout 5), read back as the bytes that came."""

import json
import os
import shutil
import subprocess
import tempfile

import lmdb
import msgpack

import case_record
import event_record
import index_record
from harness import CLIENT, Daemon, backtest, replay_raw, report

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixtures", "store-format2.dump")
ANSWERS = os.path.join(HERE, "fixtures", "store-format2.cases.json")
START = "2026-03-04T10:00"


def _records(store):
    env = lmdb.open(store, max_dbs=32, readonly=True, lock=False)
    try:
        with env.begin() as txn:
            db = env.open_db(b"cases", txn=txn, create=False)
            meta = env.open_db(b"meta", txn=txn, create=False)
            fmt = txn.get(b"format", db=meta)
            return ({case_record.id_of_key(k): bytes(v) for k, v in txn.cursor(db=db)},
                    int.from_bytes(fmt, "big") if fmt else None)
    finally:
        env.close()


def _loaded(fixture, answers, prefix):
    """A folder with a store loaded from an `mdb_dump` fixture, and the
    answers its daemon gave."""
    folder = tempfile.mkdtemp(prefix=prefix)
    store = os.path.join(folder, "store")
    os.mkdir(store)
    subprocess.run(["mdb_load", "-f", fixture, store], check=True, capture_output=True,
                   timeout=30)
    with open(answers) as handle:
        return folder, store, json.load(handle)


def _assert_sound(store):
    verify = subprocess.run([CLIENT, "verify", "--store", store], capture_output=True,
                            text=True, timeout=60)
    assert verify.returncode == 0 and "sound" in verify.stdout, (verify.stdout, verify.stderr)


def _started(folder, store, cases):
    """The tools read a store not yet upgraded; a daemon started on it says
    of every case exactly what the old daemon said. Returns the daemon and
    the rules backtest's figures before it started."""
    _assert_sound(store)
    before, _ = backtest(store)
    daemon = Daemon(folder=folder, extra_args=["--time-start", START])
    daemon.start()
    try:
        for case_id, was in cases.items():
            assert daemon.case(case_id) == was, case_id
    except BaseException:
        daemon.cleanup()
        raise
    return daemon, before


def _resolved_and_stopped(daemon, message_id, opened):
    """An upgraded case goes on taking messages: putuo-5 resolved by the
    union. Stops the daemon; returns its log."""
    sub = daemon.submitter()
    status, reply = sub.submit({"v": 1, "id": message_id, "source": "union", "at": opened,
                                "case": "putuo-5", "status": "resolved", "note": "已调解"},
                               "update.union", deadline_s=10)
    sub.close()
    assert status == "ok", (status, reply)
    assert daemon.case("putuo-5")["case"]["last_seq"] == reply["seq"]
    assert daemon.stop() == 0
    return daemon.read_log()


def test_format2_store_upgrades_to_compact_records():
    folder, store, answers = _loaded(FIXTURE, ANSWERS, "hs-upgrade-")
    try:
        old, fmt = _records(store)
        assert fmt == 2 and sorted(old) == sorted(answers), (fmt, sorted(old))
        assert all(v[0] & 0xF0 in (0x80, 0xD0) for v in old.values())     # msgpack maps
        before, _ = backtest(store)
        daemon = Daemon(folder=folder, extra_args=["--time-start", START])
        daemon.start()
        try:
            # the api says of every case exactly what the old daemon said
            for case_id, was in answers.items():
                assert daemon.case(case_id)["case"] == was, case_id
            new, _ = _records(store)
            assert sorted(new) == sorted(old)
            for case_id, record in new.items():
                assert record[0] == 4, (case_id, record[:4])
                assert case_record.decode(record) == answers[case_id], case_id
                assert len(record) * 3 < len(old[case_id]), (case_id, len(record),
                                                              len(old[case_id]))
            # the upgraded cases go on taking messages
            log = _resolved_and_stopped(daemon, "after-upgrade", answers["putuo-5"]["opened"])
        finally:
            daemon.cleanup()
        _, fmt = _records(store)
        assert fmt == 9, fmt
        assert "6 case records rewritten compact (store format 3)" in log, log[-2000:]
        _assert_sound(store)
        assert backtest(store)[0][:2] == before[:2], before
        # a second start finds nothing to rewrite
        daemon = Daemon(folder=folder, extra_args=["--time-start", START])
        daemon.start()
        try:
            assert daemon.case("putuo-1")["case"] == answers["putuo-1"]
            assert daemon.stop() == 0
            again = daemon.read_log()[len(log):]
        finally:
            daemon.cleanup()
        assert "rewritten compact" not in again and "format 9" in again, again
    finally:
        shutil.rmtree(folder, ignore_errors=True)


FIXTURE3 = os.path.join(HERE, "fixtures", "store-format3.dump")
ANSWERS3 = os.path.join(HERE, "fixtures", "store-format3.cases.json")


def _tables(store, names=(b"cases", b"history", b"meetings")):
    """Each table's keys (the id-keyed ones unless told), in the store's
    order, and its records; and the meta mark of the format."""
    env = lmdb.open(store, max_dbs=32, readonly=True, lock=False)
    try:
        with env.begin() as txn:
            out = {}
            for name in names:
                db = env.open_db(name, txn=txn, create=False)
                out[name.decode()] = [(bytes(k), bytes(v)) for k, v in txn.cursor(db=db)]
            fmt = txn.get(b"format", db=env.open_db(b"meta", txn=txn, create=False))
            return out, int.from_bytes(fmt, "big")
    finally:
        env.close()


def _number(name):
    return int(name.rsplit("-", 1)[1].lstrip("m"))


def test_format3_store_upgrades_to_ids_keyed_in_numeric_order():
    # tests/integration/fixtures/make_store_format3.py says how the dump was made
    folder, store, answers = _loaded(FIXTURE3, ANSWERS3, "hs-upgrade3-")
    try:
        old, fmt = _tables(store)
        case_ids = [k.decode() for k, _ in old["cases"]]
        assert fmt == 3 and sorted(case_ids) == sorted(answers["cases"]), (fmt, case_ids)
        # as text, putuo-10 sorted before putuo-5
        assert case_ids.index("putuo-10") < case_ids.index("putuo-5"), case_ids
        # the tools read a store not yet upgraded; the api says of every
        # case, history included, and every meeting exactly what the old
        # daemon said
        daemon, before = _started(folder, store, answers["cases"])
        try:
            for meeting_id, was in answers["meetings"].items():
                status, reply = daemon.request_args("meeting", {"id": meeting_id})
                assert status == "ok" and reply == was, (meeting_id, reply)
            status, listed = daemon.request_args("meetings", {})
            shown = [item["id"] for item in listed["meetings"]]
            assert sorted(shown, key=_number) == shown == sorted(answers["meetings"],
                                                                 key=_number), shown
            new, _ = _tables(store)
            # every record under its id's key form, in numeric order, unchanged
            for name in ("cases", "meetings"):
                ids = sorted((k.decode() for k, _ in old[name]), key=_number)
                assert [k for k, _ in new[name]] == [case_record.key_of_id(i) for i in ids], name
                assert dict(new[name]) == {case_record.key_of_id(k.decode()): v
                                           for k, v in old[name]}, name
            assert len(new["history"]) == len(old["history"])
            for key, _ in new["history"]:
                case_id = key[:-9].decode(errors="replace")
                assert key[:-9] == case_record.key_of_id(case_record.id_of_key(key[:-9])), key
                assert "putuo-" in case_id and key[-9] == 0, key
            history_ids = [_number(case_record.id_of_key(k[:-9])) for k, _ in new["history"]]
            assert history_ids == sorted(history_ids), history_ids
            # the upgraded cases go on taking messages
            log = _resolved_and_stopped(daemon, "after-rekey",
                                        answers["cases"]["putuo-5"]["case"]["opened"])
        finally:
            daemon.cleanup()
        _, fmt = _tables(store)
        assert fmt == 9, fmt
        for line in ("6 cases records", "%d history records" % len(old["history"]),
                     "2 meetings records"):
            assert line + " keyed in numeric order (store format 4)" in log, (line, log[-2000:])
        _assert_sound(store)
        assert backtest(store)[0][:2] == before[:2], before
        # a second start finds nothing to move
        daemon = Daemon(folder=folder, extra_args=["--time-start", START])
        daemon.start()
        try:
            assert daemon.case("putuo-10") == answers["cases"]["putuo-10"]
            assert daemon.stop() == 0
            again = daemon.read_log()[len(log):]
        finally:
            daemon.cleanup()
        assert "keyed in numeric order" not in again, again
    finally:
        shutil.rmtree(folder, ignore_errors=True)


FIXTURE4 = os.path.join(HERE, "fixtures", "store-format4.dump")
ANSWERS4 = os.path.join(HERE, "fixtures", "store-format4.cases.json")


def _index_and_windows(store):
    """caseindex and windows, key -> value, and the meta marks format and windows."""
    env = lmdb.open(store, max_dbs=32, readonly=True, lock=False)
    try:
        with env.begin() as txn:
            out = [dict(txn.cursor(db=env.open_db(name, txn=txn, create=False)))
                   for name in (b"caseindex", b"windows")]
            meta = env.open_db(b"meta", txn=txn, create=False)
            return out + [int.from_bytes(txn.get(key, db=meta), "big")
                          for key in (b"format", b"windows")]
    finally:
        env.close()


def _joins_then_warns(daemon, name, code, at, prefix, *extra):
    """After an upgrade, reports join the cases they joined before: by the
    enterprise's name in Caoyang (its layoff case), by its credit code under
    another name (its wage-arrears case), then each of `extra`; and a third
    dispute of the enterprise by name within its window warns, once."""
    watcher = daemon.watcher(("alert.", "warning.enterprise"))
    sub = daemon.submitter()

    def put(body):
        status, reply = sub.submit(body, deadline_s=10)
        assert status == "ok", (status, reply)

    put({"v": 1, "id": prefix + "-w", "source": "hrss", "at": at, "street": "caoyang",
         "enterprise": {"name": name}, "category": "layoff", "workers": 7})
    put({"v": 1, "id": prefix + "-k", "source": "street.zhenru", "at": at,
         "enterprise": {"name": "另一个名字", "credit_code": code},
         "category": "wage_arrears", "workers": 9})
    for body in extra:
        put(body)
    put({"v": 1, "id": prefix + "-third", "source": "street.caoyang", "at": at,
         "enterprise": {"name": name}, "category": "contract", "workers": 4})
    sub.close()
    seen = watcher.recv_all(quiet_ms=800)
    warnings = [body for topic, body in seen if topic.startswith("warning.enterprise")]
    assert len(warnings) == 1 and warnings[0]["count"] == 3, seen


def test_format4_store_upgrades_to_windows_beside_the_correlation_keys():
    # tests/integration/fixtures/make_store_format4.py says how the dump was made
    folder, store, answers = _loaded(FIXTURE4, ANSWERS4, "hs-upgrade4-")
    name, code = answers["name"], answers["code"]
    cases = answers["cases"]
    caoyang = "nm/street.caoyang/" + name
    try:
        index, windows, fmt, marked = _index_and_windows(store)
        assert (fmt, marked) == (4, 2), (fmt, marked)
        assert index[("nm/street.caoyang/layoff/" + name).encode()] == b"putuo-3", index
        assert index[("cc/%s/wage_arrears" % code).encode()] == b"putuo-5", index
        ring = windows[("e/" + caoyang).encode()]
        assert ring[1] == 2, ring               # two disputes of the enterprise held
        daemon, before = _started(folder, store, cases)
        try:
            index, windows, fmt, marked = _index_and_windows(store)
            assert marked == 3, marked
            # one record an enterprise (format 8): its window as it was,
            # and its cases by category
            index = {k: index_record.decode(v) for k, v in index.items()}
            assert index[caoyang.encode()] == (ring, {"layoff": "putuo-3",
                                                       "wage_arrears": "putuo-1"}), index
            assert index[("cc/" + code).encode()][1] == {"wage_arrears": "putuo-5"}
            assert index[("cc/" + code).encode()][0][1] == 1
            assert index["nm/street.wanli/窗口印刷厂".encode()][1] == {}    # its case closed
            assert index["nm/street.wanli/窗口印刷厂".encode()][0][1] == 1
            assert not [k for k in index if b"/layoff/" in k or b"\x1f" in k]
            assert not [k for k in windows if k.startswith(b"e/")], windows
            _joins_then_warns(daemon, name, code, cases["putuo-1"]["case"]["opened"], "after")
            assert daemon.case("putuo-3")["case"]["reports"] == 2
            assert daemon.case("putuo-5")["case"]["reports"] == 2
            assert daemon.stop() == 0
            log = daemon.read_log()
        finally:
            daemon.cleanup()
        _, _, fmt, marked = _index_and_windows(store)
        assert (fmt, marked) == (9, 3), (fmt, marked)
        assert "4 caseindex records keyed beside their enterprise's window (store format 5)" in log, \
            log[-2000:]
        assert "3 enterprises' early-warning windows moved beside their correlation keys" in log, \
            log[-2000:]
        assert "caseindex entries merged into one record an enterprise, 0 dropped (store " \
            "format 8)" in log, log[-2000:]
        _assert_sound(store)
        # the rules read it: one case more (the third dispute), three reports
        assert backtest(store)[0][:2] == [before[0] + 1, before[1] + 3], before
        # a second start finds nothing to move
        daemon = Daemon(folder=folder, extra_args=["--time-start", START])
        daemon.start()
        try:
            assert daemon.case("putuo-3")["case"]["reports"] == 2
            assert daemon.stop() == 0
            again = daemon.read_log()[len(log):]
        finally:
            daemon.cleanup()
        assert "keyed beside" not in again and "moved beside" not in again, again
        assert "merged into one record" not in again, again
    finally:
        shutil.rmtree(folder, ignore_errors=True)


FIXTURE5 = os.path.join(HERE, "fixtures", "store-format5.dump")
ANSWERS5 = os.path.join(HERE, "fixtures", "store-format5.cases.json")


def _events(store):
    """seq -> the stored record's bytes, and the meta mark of the format."""
    tables, fmt = _tables(store, (b"events",))
    return {int.from_bytes(k, "big"): v for k, v in tables["events"]}, fmt


def test_format5_store_upgrades_to_alerts_kept_as_their_decision():
    # tests/integration/fixtures/make_store_format5.py says how the dump was made
    folder, store, answers = _loaded(FIXTURE5, ANSWERS5, "hs-upgrade5-")
    published = {int(seq): (alert["topic"], bytes.fromhex(alert["body"]))
                 for seq, alert in answers["alerts"].items()}
    try:
        events, fmt = _events(store)
        assert fmt == 5, fmt
        assert sorted(seq for seq, record in events.items()
                      if event_record.decode(record)["type"] == "alert") == sorted(published)
        assert all(events[seq][1] == 1 for seq in published)       # each body as it went out
        old = events
        daemon, before = _started(folder, store, answers["cases"])
        try:
            replayed = replay_raw(daemon)
            for seq, alert in published.items():
                assert replayed[seq] == alert, (seq, replayed[seq], alert)
            # after the upgrade: what goes out is what replays, kept as a decision
            watcher = daemon.watcher(("alert.",))
            opened = answers["cases"]["putuo-1"]["case"]["opened"]
            sub = daemon.submitter()

            def put(body, topic=None):
                status, reply = sub.submit(body, topic, deadline_s=10)
                assert status == "ok", (status, body, reply)
                return reply["seq"]

            put(report(rid="f6-a3", name="决策服装有限公司", workers=120, at=opened,
                       flags=["gathering", "media"]))
            c = "putuo-%d" % put(report(rid="f6-c1", source="union", street="zhenru",
                                        name="决策电子厂", category="social_insurance",
                                        workers=6, amount=250000, at=opened))
            put({"v": 1, "id": "f6-c-done", "source": "street.zhenru", "at": opened, "case": c,
                 "status": "resolved", "person": "李四", "note": "已补缴社保"},
                "update.street.zhenru")
            sub.close()
            live = {msgpack.unpackb(body)["seq"]: (topic, body)
                    for topic, body in watcher.recv_all(quiet_ms=1500, packed=True)}
            watcher.close()
            kinds = sorted(msgpack.unpackb(body)["kind"] for _, body in live.values())
            assert kinds == ["escalated", "new", "resolved"], kinds
            replayed = replay_raw(daemon)
            for seq, alert in live.items():
                assert replayed[seq] == alert, (seq, replayed[seq], alert)
            assert daemon.stop() == 0
        finally:
            daemon.cleanup()
        events, fmt = _events(store)
        assert fmt == 9, fmt
        for seq, (topic, body) in live.items():
            record = events[seq]
            assert record[1] == 2, (seq, record)                     # its decision
            assert len(record) < len(body), (seq, len(record), len(body))
            stored = event_record.decode(record)
            assert stored["topic"] == topic
            assert list(stored["body"].items()) == list(msgpack.unpackb(body).items()), seq
        assert all(events[seq] == old[seq] for seq in old)           # never rewritten
        _assert_sound(store)
        after, _ = backtest(store)
        assert after[:2] == [before[0] + 1, before[1] + 2], (before, after)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


FIXTURE6 = os.path.join(HERE, "fixtures", "store-format6.dump")

ANSWERS6 = os.path.join(HERE, "fixtures", "store-format6.cases.json")


def test_format6_store_upgrades_to_requests_handlers_and_meetings_kept_compact():
    # tests/integration/fixtures/make_store_format6.py says how the dump was made
    folder, store, answers = _loaded(FIXTURE6, ANSWERS6, "hs-upgrade6-")
    cases = answers["cases"]
    b = [k for k, v in cases.items() if v["case"]["category"] == "layoff"][0]
    c = [k for k, v in cases.items() if v["case"]["closed"]][0]
    try:
        old, fmt = _records(store)
        assert fmt == 6 and sorted(old) == sorted(cases), (fmt, sorted(old))
        for case_id, record in old.items():
            assert record[0] == 3, (case_id, record[:4])             # layout 3
            assert case_record.decode(record) == cases[case_id]["case"], case_id
        meetings_before = dict(_tables(store, (b"meetings",))[0]["meetings"])
        assert sorted(meetings_before) == [case_record.key_of_id(m) for m in answers["meetings"]]
        assert all(0x80 <= v[0] <= 0x8F or v[0] in (0xDE, 0xDF) for v in meetings_before.values())
        events, _ = _events(store)
        requests = [seq for seq, record in events.items()
                    if event_record.decode(record)["topic"] == "meeting.request"]
        assert requests and all(events[seq][1] == 1 for seq in requests), requests
        daemon, before = _started(folder, store, cases)
        try:
            replayed = replay_raw(daemon)
            for seq in requests:                    # as it went out: the body stored
                assert replayed[seq][1] == event_record.body_bytes(events[seq]), seq
            for meeting_id, was in answers["meetings"].items():
                assert daemon.request_args("meeting", {"id": meeting_id}) == ("ok", was)
            watcher = daemon.watcher(("meeting.",))
            desk = daemon.submitter()

            def put(body, topic=None):
                status, reply = desk.submit(body, topic, deadline_s=10)
                assert status == "ok", (status, body, reply)
                return reply["seq"]

            opened = cases[b]["case"]["opened"]
            put({"v": 1, "id": "f7-b-sign", "source": "hrss", "at": opened, "case": b,
                 "status": "signed"}, "update.hrss")
            d = "putuo-%d" % put(report(rid="f7-d1", source="street.ganquan", name="差分机械厂",
                                        workers=80, amount=1200000, flags=["gathering"],
                                        at=opened))
            put({"v": 1, "id": "f7-a-rsvp", "source": "union", "at": opened,
                 "meeting": "putuo-m3", "answer": "decline"}, "rsvp.union")
            desk.close()
            live = {msgpack.unpackb(body)["seq"]: (topic, body)
                    for topic, body in watcher.recv_all(quiet_ms=1500, packed=True)
                    if topic == "meeting.request"}
            watcher.close()
            assert [msgpack.unpackb(body)["case"] for _, body in live.values()] == [d], live
            replayed = replay_raw(daemon)
            for seq, request in live.items():
                assert replayed[seq] == request, (seq, replayed[seq], request)
            after = {case_id: daemon.case(case_id)["case"] for case_id in (b, d)}
            shown = {m: daemon.request_args("meeting", {"id": m})[1]["meeting"]
                     for m in ("putuo-m3", after[d]["meeting"])}
            was = answers["meetings"]["putuo-m3"]["meeting"]
            assert shown["putuo-m3"] == dict(was, invited=dict(was["invited"], union="decline"))
            status, listed = daemon.request_args("cases", {"status": "open"})
            assert status == "ok", listed
            assert sorted(c["id"] for c in listed["cases"]) == sorted(["putuo-1", b, d]), listed
            assert len(after[d]["handlers"]) >= 5, after[d]
            hrss = [h for h in after[b]["handlers"] if h["unit"] == "hrss"]
            assert hrss[0]["state"] == "signed", after[b]
            assert daemon.stop() == 0
        finally:
            daemon.cleanup()
        new, fmt = _records(store)
        assert fmt == 9, fmt
        now, _ = _events(store)
        assert all(now[seq] == record for seq, record in events.items())   # never rewritten
        for seq, (topic, body) in live.items():     # a request since: kept as its decision
            record = now[seq]
            assert record[1] == 3, (seq, record[:4])
            assert len(record) + 80 < len(body), (seq, len(record), len(body))
            stored = event_record.decode(record)
            assert stored["topic"] == topic
            assert list(stored["body"].items()) == list(msgpack.unpackb(body).items()), seq
        # an open case written since is a key alone in opencases, its summary
        # caseorder's; one not written since keeps the summary it had
        order = _tables(store, (b"caseorder", b"opencases"))[0]
        summaries = dict(order["caseorder"])
        opened = {int.from_bytes(k, "big"): v for k, v in order["opencases"]}
        first = {case_id: case_record.decode(new[case_id])["first_seq"]
                 for case_id in ("putuo-1", b, d)}
        assert sorted(opened) == sorted(first.values()), (opened, first)
        assert opened[first[b]] == opened[first[d]] == b"", opened
        assert opened[first["putuo-1"]] == summaries[first["putuo-1"].to_bytes(8, "big")]
        meetings = dict(_tables(store, (b"meetings",))[0]["meetings"])
        for meeting_id, map_ in shown.items():      # written since: compact
            record = meetings[case_record.key_of_id(meeting_id)]
            assert record[0] == 1, (meeting_id, record[:4])
            assert len(record) + 100 < len(msgpack.packb(map_)), (len(record), map_)
        for case_id in ("putuo-1", c):                  # never rewritten
            assert new[case_id] == old[case_id], case_id
        for case_id, was in after.items():              # written since: layout 4
            assert new[case_id][0] == 4, (case_id, new[case_id][:4])
            assert case_record.decode(new[case_id]) == was, case_id
        # b's four handlers: the three routed with the first take three bytes each
        assert len(new[b]) + 3 * 30 < len(old[b]), \
            (len(new[b]), len(old[b]))
        _assert_sound(store)
        result, _ = backtest(store)
        assert result[:2] == [before[0] + 1, before[1] + 1], (before, result)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


FIXTURE7 = os.path.join(HERE, "fixtures", "store-format7.dump")
ANSWERS7 = os.path.join(HERE, "fixtures", "store-format7.cases.json")


def test_format7_store_upgrades_to_one_index_record_an_enterprise():
    # tests/integration/fixtures/make_store_format7.py says how the dump was made
    folder, store, answers = _loaded(FIXTURE7, ANSWERS7, "hs-upgrade7-")
    cases, name, code = answers["cases"], answers["name"], answers["code"]
    caoyang = ("nm/street.caoyang/" + name).encode()
    zhenru = "nm/street.zhenru/合并电子厂".encode()
    wanli = "nm/street.wanli/合并印刷厂".encode()
    try:
        old, _, fmt, _ = _index_and_windows(store)
        assert fmt == 7 and len(old) == 7, (fmt, old)
        assert old[caoyang + b"\x1flayoff"] == b"putuo-3", old
        ring = old[caoyang]
        assert ring[1] == 2, ring                   # two disputes of the enterprise held
        daemon, before = _started(folder, store, cases)
        try:
            index, _, _, _ = _index_and_windows(store)
            assert len(index) == 4, index
            assert sum(map(len, index)) + sum(map(len, index.values())) + 40 < \
                sum(map(len, old)) + sum(map(len, old.values())), (index, old)
            index = {k: index_record.decode(v) for k, v in index.items()}
            # the window as it was, the cases by category, the name once
            assert index[caoyang] == (ring, {"layoff": "putuo-3", "wage_arrears": "putuo-1"})
            assert index[("cc/" + code).encode()] == (old[("cc/" + code).encode()],
                                                      {"wage_arrears": "putuo-5"})
            assert index[zhenru] == (None, {"wage_arrears": "putuo-5"})
            assert index[wanli] == (old[wanli], {})                      # its case closed
            at = cases["putuo-1"]["case"]["opened"]
            # ... and by the name of the enterprise with a code
            _joins_then_warns(daemon, name, code, at, "after7", {
                "v": 1, "id": "after7-z", "source": "union", "at": at, "street": "zhenru",
                "enterprise": {"name": "合并电子厂"}, "category": "wage_arrears", "workers": 9})
            assert daemon.case("putuo-3")["case"]["reports"] == 2
            assert daemon.case("putuo-5")["case"]["reports"] == 3
            assert daemon.stop() == 0
            log = daemon.read_log()
        finally:
            daemon.cleanup()
        index, _, fmt, _ = _index_and_windows(store)
        assert fmt == 9, fmt
        window, kept = index_record.decode(index[caoyang])
        assert window[1] == 3 and sorted(kept) == ["contract", "layoff", "wage_arrears"], kept
        assert "7 caseindex entries merged into one record an enterprise, 0 dropped (store " \
            "format 8)" in log, log[-2000:]
        _assert_sound(store)
        assert backtest(store)[0][:2] == [before[0] + 1, before[1] + 4], before
        # a second start finds nothing to merge
        daemon = Daemon(folder=folder, extra_args=["--time-start", START])
        daemon.start()
        try:
            assert daemon.case("putuo-5")["case"]["reports"] == 3
            assert daemon.stop() == 0
            again = daemon.read_log()[len(log):]
        finally:
            daemon.cleanup()
        assert "merged into one record" not in again, again
    finally:
        shutil.rmtree(folder, ignore_errors=True)


FIXTURE8 = os.path.join(HERE, "fixtures", "store-format8.dump")
ANSWERS8 = os.path.join(HERE, "fixtures", "store-format8.cases.json")


def test_format8_store_upgrades_to_bodies_kept_with_their_words():
    # tests/integration/fixtures/make_store_format8.py says how the dump was made
    folder, store, answers = _loaded(FIXTURE8, ANSWERS8, "hs-upgrade8-")
    cases = answers["cases"]
    b = [k for k, v in cases.items() if v["case"]["category"] == "layoff"][0]
    try:
        events, fmt = _events(store)
        assert fmt == 8, fmt
        inbound = {seq: record for seq, record in events.items()
                   if event_record.decode(record)["type"] in ("report", "update", "act")}
        assert len(inbound) == 7 and all(r[1] == 1 for r in inbound.values()), inbound
        # the old daemon's answers (every event of each case, body and all)
        # are the new one's: the records of format 8 are read as they are
        daemon, before = _started(folder, store, cases)
        try:
            opened = cases[b]["case"]["opened"]
            sent = [
                # the same report as f8-b2 of the fixture, under another id
                report(rid="f9-b3", source="union", street="zhenru", name="字词电子有限公司",
                       category="layoff", workers=45, at=opened),
                report(rid="f9-d1", source="hrss", street="ganquan", name="字词机械厂",
                       code="91310107MA1G8F4X2X", ownership="state", sector="machinery",
                       workers=60, amount=900000, flags=["road_blocking"],
                       summary="工人堵路，要求结清欠薪", at=opened),
                {"v": 1, "id": "f9-b-sign", "source": "hrss", "at": opened, "case": b,
                 "status": "signed", "person": "赵六"},
            ]
            topics = [None, None, "update.hrss"]
            sub = daemon.submitter()
            seqs = []
            for body, topic in zip(sent, topics):
                status, reply = sub.submit(body, topic, deadline_s=10)
                assert status == "ok", (status, reply)
                seqs.append(reply["seq"])
            sub.close()
            d = "putuo-%d" % seqs[1]
            shown = {e["seq"]: e for e in daemon.case(b)["history"] + daemon.case(d)["history"]}
            for seq, body in zip(seqs, sent):
                assert shown[seq]["body"] == body, (seq, shown[seq])
            assert daemon.case(b)["case"]["reports"] == 3
            assert daemon.stop() == 0
            log = daemon.read_log()
        finally:
            daemon.cleanup()
        after, fmt = _events(store)
        assert fmt == 9, fmt
        assert "marked format 9 (it was 8" in log, log[-2000:]
        assert all(after[seq] == record for seq, record in inbound.items())  # not rewritten
        for seq, body in zip(seqs, sent):
            record = after[seq]
            assert record[1] == 5, (seq, record[:4])                    # layout 5
            # the bytes that came, byte for byte; the api's map of the event
            assert event_record.body_bytes(record) == msgpack.packb(body, use_bin_type=True)
            assert event_record.decode(record) == shown[seq], seq
        # a report with its words as two bytes, its type and topic implied:
        # 60 bytes shorter than the same report of format 8
        old_b2 = [r for r in inbound.values() if event_record.decode(r)["body"]["id"] == "f8-b2"]
        assert len(after[seqs[0]]) + 60 <= len(old_b2[0]), (len(after[seqs[0]]), len(old_b2[0]))
        assert event_record.decode(after[seqs[0]])["topic"] == "report.union"
        assert event_record.decode(after[seqs[2]])["topic"] == "update.hrss"
        _assert_sound(store)
        assert backtest(store)[0][:2] == [before[0] + 1, before[1] + 2], before
    finally:
        shutil.rmtree(folder, ignore_errors=True)
