"""Delivery guarantees (issue 4): acknowledged submit, the Lazy Pirate
client, alerts that a crash held back sent again at restart, and the crash
test: continuous acknowledged load while huishangd is killed with SIGKILL
at random moments. HS_SOAK_SECONDS makes the crash test run that long
(make soak); by default it runs a few cycles."""

import os
import random
import subprocess
import threading
import time

import lmdb

import event_record
import case_record
import lmdb_pages
from harness import CLIENT, Daemon, report, running



def test_ack_submit_answers_after_commit():
    with running() as daemon:
        submitter = daemon.submitter()
        status, reply = submitter.submit(report(rid="ack-1", workers=12))
        assert status == "ok" and reply["seq"] == 1
        # it is in the store already: the api sees it
        assert daemon.health()["store"]["dedup"] == 1
        status, again = submitter.submit(report(rid="ack-1", workers=12))
        assert status == "duplicate" and again["seq"] == reply["seq"]
        status, bad = submitter.submit(report(rid="ack-2", code="91350100M000100Y44"))
        assert status == "rejected" and bad["reason"] == "bad_credit_code"
        assert "GB 32100" in bad["detail"]
        status, bad = submitter.submit(report(rid="ack-3", source="union", street="caoyang"),
                                       topic="report.hrss")
        assert status == "rejected" and bad["reason"] == "source_mismatch"
        submitter.close()
        counters = daemon.counters()
        assert counters["reports"] == 1 and counters["duplicates"] == 1


def test_pub_ack_retries_until_the_daemon_is_back():
    daemon = Daemon()
    try:
        lines = "".join('{"source":"hrss","id":"lp-%d","street":"caoyang","enterprise":{"name":"LP %d"},'
                        '"category":"other","workers":2}\n' % (i, i) for i in range(5))
        pub = subprocess.Popen([CLIENT, "pub", "--ack", "--submit", daemon.submit, "--timeout", "300",
                                "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        pub.stdin.write(lines)
        pub.stdin.close()
        time.sleep(1.0)                     # nobody answers yet: it keeps resending
        assert pub.poll() is None
        daemon.start()
        pub.wait(30)
        out, err = pub.stdout.read(), pub.stderr.read()
        assert pub.returncode == 0, err
        answers = out.strip().split("\n")
        assert [a.split()[0] for a in answers] == ["ok"] * 5, out
        assert "sending again" in err
        assert daemon.counters()["reports"] == 5
        # the same lines again: every one a duplicate with its original seq
        again = subprocess.run([CLIENT, "pub", "--ack", "--submit", daemon.submit, "-"],
                               input=lines, capture_output=True, text=True, timeout=30)
        assert [a.split()[0] for a in again.stdout.split("\n") if a] == ["duplicate"] * 5
        assert [a.split()[1] for a in again.stdout.split("\n") if a] == \
            [a.split()[1] for a in answers]
    finally:
        daemon.cleanup()


def _crash_after_commit(daemon):
    """A critical report stored, and the daemon dead before it published
    what it decided (HUISHANGD_FAULT=after-commit: exit 3)."""
    os.environ["HUISHANGD_FAULT"] = "after-commit"
    try:
        daemon.start()
    finally:
        del os.environ["HUISHANGD_FAULT"]
    feeder = daemon.feeder()
    feeder.send(report(rid="held", workers=150))
    feeder.close()
    daemon.proc.wait(10)
    assert daemon.proc.returncode == 3
    daemon.log.close()


def test_alerts_held_back_by_a_crash_are_sent_at_restart():
    daemon = Daemon()
    try:
        _crash_after_commit(daemon)             # it died between commit and publish
        daemon.start()
        watcher = daemon.watcher(("",))
        messages = watcher.recv_all(quiet_ms=2500)
        topics = [t for t, _ in messages]
        assert topics == ["alert.critical.caoyang", "meeting.request", "escalate.district",
                          "escalate.city"], topics
        assert "sent again 4 events" in daemon.read_log()
        # a clean stop notes that everything went out: nothing is sent twice
        assert daemon.stop() == 0
        daemon.start()
        watcher = daemon.watcher(("",))
        assert watcher.recv_all(quiet_ms=2000) == []
    finally:
        daemon.cleanup()


def test_a_held_back_alert_changed_in_the_store_is_not_sent_again():
    """As above, but a byte inside the held-back alert's text changed while
    the daemon was down (damage the start's check cannot see): the three
    others go out, the alert does not, and the daemon says the store is
    damaged."""
    daemon = Daemon()
    try:
        _crash_after_commit(daemon)
        name = "上海测试制衣有限公司".encode()
        lmdb_pages.change_a_byte(daemon.store, b"events", bytes([len(name)]) + name,
                                 must=event_record.of_type("alert"))
        daemon.start()
        watcher = daemon.watcher(("",))
        topics = [t for t, _ in watcher.recv_all(quiet_ms=2500)]
        assert topics == ["meeting.request", "escalate.district", "escalate.city"], topics
        log = daemon.read_log()
        assert "sent again 3 events" in log and "THE STORE IS DAMAGED" in log, log[-2000:]
        assert daemon.health()["status"] == "damaged"
    finally:
        daemon.cleanup()


def _crash_cycles(seconds, cycles):
    """Acknowledged load from two clients while the daemon is SIGKILLed at
    random moments; returns what was checked."""
    daemon = Daemon()
    acked = {}                                  # id -> seq
    lock = threading.Lock()
    stop = threading.Event()

    def client(name):
        submitter = daemon.submitter()
        index = 0
        while not stop.is_set():
            rid = "%s-%d" % (name, index)
            body = report(rid=rid, name="Crash %s" % rid, workers=random.choice([3, 12, 40]),
                          street=random.choice(["wanli", "taopu", "zhenru", "caoyang"]),
                          source="hrss")
            status, reply = submitter.submit(body, deadline_s=120)
            assert status in ("ok", "duplicate"), (status, reply)
            with lock:
                assert acked.get(rid, reply["seq"]) == reply["seq"], "seq changed for %s" % rid
                acked[rid] = reply["seq"]
            index += 1
        submitter.close()

    daemon.start()
    threads = [threading.Thread(target=client, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    kills = 0
    deadline = time.time() + seconds
    try:
        while kills < cycles or time.time() < deadline:
            time.sleep(random.uniform(0.2, 0.7))
            daemon.kill9()
            kills += 1
            time.sleep(random.uniform(0.0, 0.3))
            daemon.start()
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(120)
    daemon.stop()
    try:
        env = lmdb.open(daemon.store, max_dbs=16, readonly=True, lock=False)
        events = env.open_db(b"events", create=False)
        dedup = env.open_db(b"dedup", create=False)
        cases = env.open_db(b"cases", create=False)
        timers = env.open_db(b"timers", create=False)
        meta = env.open_db(b"meta", create=False)
        with env.begin() as txn:
            stored = {}
            for key, value in txn.cursor(db=events):
                stored[int.from_bytes(key, "big")] = event_record.decode(value)
            # every acknowledged report is in the store, under the seq it was acked with
            for rid, seq in acked.items():
                assert txn.get(("r/hrss/" + rid).encode(), db=dedup) == seq.to_bytes(8, "big"), rid
                event = stored[seq]
                assert event["type"] == "report" and event["body"]["id"] == rid
            # no seq reused: one event per seq, and the counter is past them all
            next_seq = int.from_bytes(txn.get(b"next_seq", db=meta), "big")
            assert max(stored) < next_seq
            # no acknowledged report alerted twice as new
            news = [e["body"]["report"] for e in stored.values()
                    if e["type"] == "alert" and e["body"]["kind"] == "new"]
            assert len(news) == len(set(news))
            assert set(news) == set(acked)
            # supervision clocks intact (PROTOCOL 4.7, 7): every open case has
            # its clocks running and its one supervision timer (a moved one is
            # replaced, not left behind), at the earliest
            # next of its clocks, in `timers`; overdue or not, since a late
            # clock goes on to its next rung
            due = {}                 # case id -> its supervision timers, (due, kind, id)
            for key, _ in txn.cursor(db=timers):
                if key[8:9] == b"s":
                    due.setdefault(key[9:].decode(), []).append(
                        (int.from_bytes(key[:8], "big"), key[8:9], key[9:].decode()))
            open_cases = 0
            for _, value in txn.cursor(db=cases):
                kase = case_record.decode(value)
                if kase["closed"]:
                    continue
                assert kase["stage"] == "open" and not kase["muted_until"], kase["id"]
                open_cases += 1
                lead = [h for h in kase["handlers"] if h["role"] == "lead"]
                assert len(lead) == 1 and lead[0]["unit"] == kase["lead"], kase["id"]
                nexts = [clock["next"] for handler in kase["handlers"]
                         for clock in handler["clocks"] if clock["next"]]
                for handler in kase["handlers"]:
                    running = {c["clock"] for c in handler["clocks"] if c["next"]}
                    wanted = {"sign", "progress", "resolve"} if handler["role"] == "lead" \
                        else {"sign", "resolve"}
                    assert running == wanted, (kase["id"], handler["unit"], running)
                assert nexts and kase["timer_at"] == min(nexts), kase["id"]
                mine = due.get(kase["id"], [])
                assert mine == [(kase["timer_at"], b"s", kase["id"])], (kase["id"], mine)
        env.close()
        # and the store's own invariants hold
        result = subprocess.run([CLIENT, "verify", "--store", daemon.store], capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0 and "sound" in result.stdout, result.stdout
        return kills, len(acked), open_cases
    finally:
        daemon.cleanup()


def test_crash_cycles_lose_nothing_acknowledged():
    seconds = float(os.environ.get("HS_SOAK_SECONDS", "0"))
    kills, acked, open_cases = _crash_cycles(seconds, cycles=6)
    print("    crash test: %d SIGKILL cycles, %d acknowledged reports checked, %d clocks"
          % (kills, acked, open_cases))
    assert kills >= 6 and acked > 0


def test_feed_gaps_and_silence_are_warnings():
    import shutil
    import tempfile
    from harness import config_copy, now_ms
    folder = tempfile.mkdtemp(prefix="hs-feeds-")
    try:
        config = config_copy(folder, silence="1500ms")
        daemon = Daemon(folder=folder, config=config).start()
        watcher = daemon.watcher(("warning.feed",))
        feeder = daemon.feeder()
        # a unit that only reports (no heartbeat) is quiet, never "silent"
        feeder.send(report(source="union", street="wanli", rid="q1", name="Quiet 1"))
        for fseq in (1, 2, 3, 6):                          # 4 and 5 never arrive
            feeder.send(report(source="hrss", street="wanli", rid="g%d" % fseq,
                               name="Gap %d" % fseq, fseq=fseq))
        topic, gap = watcher.recv(5000)
        assert topic == "warning.feed" and gap["kind"] == "gap"
        assert (gap["source"], gap["from"], gap["to"], gap["count"]) == ("hrss", 4, 5, 2)
        assert gap["units"] == ["office"] and gap["seq"] > 0
        # a heartbeat says it has sent up to 8: 7 and 8 are missing
        feeder.send({"v": 1, "source": "hrss", "at": now_ms(), "fseq": 8}, topic="heartbeat.hrss")
        topic, gap = watcher.recv(5000)
        assert gap["kind"] == "gap" and (gap["from"], gap["to"]) == (7, 8)
        # a heartbeat that claims another unit is refused
        feeder.send({"v": 1, "source": "police", "at": now_ms()}, topic="heartbeat.hrss")
        # then nothing from hrss: after the silence interval, a warning, once
        topic, silent = watcher.recv(5000)
        assert silent["kind"] == "silent" and silent["source"] == "hrss"
        assert silent["window_ms"] == 1500 and silent["last_heard"] > 0
        assert watcher.recv_all(quiet_ms=500) == []
        assert daemon.health()["rejections"] == {"source_mismatch": 1}
        assert daemon.counters()["heartbeats"] == 1
        # the state survives kill -9: the next number after 8 is 9
        watcher.close()
        daemon.kill9()
        daemon.start()
        watcher = daemon.watcher(("warning.feed",))
        feeder.close()
        feeder = daemon.feeder()
        feeder.send(report(source="hrss", street="wanli", rid="g10", name="Gap 10", fseq=10))
        feeder.close()
        kinds = [(b["kind"], b.get("from")) for _, b in watcher.recv_all(quiet_ms=800)
                 if b["seq"] > silent["seq"]]
        # (and, 1.5 s later, it may already be silent again)
        assert kinds[:2] == [("resumed", None), ("gap", 9)], kinds
        assert all(kind == "silent" for kind, _ in kinds[2:]), kinds
    finally:
        daemon.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


# they load the machine (bursts, crash cycles): run.py runs them alone
test_crash_cycles_lose_nothing_acknowledged.solo = True
test_alerts_held_back_by_a_crash_are_sent_at_restart.solo = True
