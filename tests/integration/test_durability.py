"""Durability and load: a 20,000-report burst, kill -9 and restart, SIGTERM,
a subscriber that never reads, and the store as mdb_stat / mdb_dump see it."""

import re
import shutil
import signal
import subprocess
import tempfile
import time

import lmdb
import zmq

import event_record
import index_record
from harness import Daemon, config_copy, report



def mdb_entries(store, db):
    """Entries of one sub-database, as mdb_stat (lmdb-utils) reports them."""
    out = subprocess.run(["mdb_stat", "-s", db, store], capture_output=True, text=True,
                         check=True).stdout
    return int(re.search(r"Entries: (\d+)", out).group(1))


def test_burst_of_20000_all_processed():
    count = 20000
    daemon = Daemon().start()
    try:
        watcher = daemon.watcher(("alert.",))
        # one feeder, as fast as python can send, with an unlimited send HWM
        # as `huishang pub` has (a PUB socket drops on its own side when its
        # queue is full, which no daemon setting can prevent): the daemon's
        # receive HWM must take the whole burst off it. Distinct
        # enterprises, so each report opens a case and causes one alert.
        feeder = daemon.feeder(hwm=0)
        for index in range(count):
            feeder.send(report(rid="b%d" % index, name="Burst Enterprise %d" % index, workers=3))
        feeder.close()
        seqs = []
        deadline = time.time() + 120
        while len(seqs) < count and time.time() < deadline:
            message = watcher.recv(5000)
            if message is None:
                break
            seqs.append(message[1]["seq"])
        assert len(seqs) == count, "only %d of %d alerts: %r" % (len(seqs), count, daemon.counters())
        assert seqs == sorted(seqs) and len(set(seqs)) == count
        counters = daemon.wait_counter("reports", count)
        assert counters["reports"] == count and counters["received"] == count
        assert counters["rejected"] == 0 and counters["lost"] == 0
        assert counters["publish_overflows"] == 0
        # group commit: far fewer transactions than reports
        assert counters["batches"] < count / 4, counters
        assert counters["batch_largest"] > 1
        daemon.stop()
        # report + alert per message, and the street's early warning, all
        # in the store
        assert counters["warnings"] == 1
        assert mdb_entries(daemon.store, "events") == 2 * count + 1
        assert mdb_entries(daemon.store, "dedup") == count
    finally:
        daemon.cleanup()


def test_kill9_restart_keeps_seq_and_dedup():
    daemon = Daemon().start()
    try:
        watcher = daemon.watcher(("alert.",))
        feeder = daemon.feeder()
        for index in range(50):
            feeder.send(report(rid="k%d" % index, name="Kill Test %d" % index))
        feeder.close()
        before = [m[1]["seq"] for m in watcher.recv_all(quiet_ms=500)]
        assert len(before) == 50
        watcher.close()
        daemon.kill9()

        daemon.start()
        watcher = daemon.watcher(("alert.",))
        feeder = daemon.feeder()
        for index in range(50):                     # all seen before: duplicates
            feeder.send(report(rid="k%d" % index, name="Kill Test %d" % index))
        feeder.send(report(rid="after", name="After Restart Ltd"))
        feeder.close()
        after = watcher.recv_all(quiet_ms=500)
        assert [m[1]["report"] for m in after] == ["after"], after
        assert after[0][1]["seq"] > max(before)
        counters = daemon.counters()
        assert counters["duplicates"] == 50 and counters["reports"] == 1
        assert counters["next_seq"] == after[0][1]["seq"] + 1
    finally:
        daemon.cleanup()


def test_kill9_under_load_loses_nothing_committed():
    """kill -9 while a feeder is sending: every alert a subscriber saw is in
    the store after restart, and new seqs continue above all of them."""
    daemon = Daemon().start()
    try:
        watcher = daemon.watcher(("alert.",))
        feeder = daemon.feeder()
        for index in range(5000):
            feeder.send(report(rid="L%d" % index, name="Load %d" % index))
        time.sleep(0.05)
        daemon.kill9()
        feeder.close()
        seen = [m[1] for m in watcher.recv_all(quiet_ms=300)]
        watcher.close()
        env = lmdb.open(daemon.store, max_dbs=16, readonly=True, lock=False)
        events = env.open_db(b"events", create=False)
        with env.begin(db=events) as txn:
            stored = {}
            for key, value in txn.cursor():
                event = event_record.decode(value)
                stored[int.from_bytes(key, "big")] = event
        env.close()
        for alert in seen:
            event = stored.get(alert["seq"])
            assert event is not None, "alert %d was published but not stored" % alert["seq"]
            assert event["type"] == "alert" and event["body"]["case"] == alert["case"]
        daemon.start()
        watcher = daemon.watcher(("alert.",))
        feeder = daemon.feeder()
        feeder.send(report(rid="fresh", name="Fresh Ltd"))
        feeder.close()
        fresh = watcher.recv(5000)
        assert fresh and fresh[1]["seq"] > max(stored)
    finally:
        daemon.cleanup()


def test_sigterm_and_sigint_exit_cleanly():
    for sig in (signal.SIGTERM, signal.SIGINT):
        daemon = Daemon().start()
        try:
            feeder = daemon.feeder()
            for index in range(200):
                feeder.send(report(rid="t%d" % index, name="Term %d" % index))
            feeder.close()
            daemon.wait_counter("reports", 200)
            assert daemon.stop(sig) == 0
            assert "stopping: 200 reports stored" in daemon.read_log()
            assert mdb_entries(daemon.store, "dedup") == 200
        finally:
            daemon.cleanup()


def test_store_readable_with_mdb_dump():
    daemon = Daemon().start()
    try:
        watcher = daemon.watcher(("",))
        feeder = daemon.feeder()
        feeder.send(report(rid="d1", workers=120))
        feeder.close()
        messages = watcher.recv_all(quiet_ms=500)
        assert len(messages) == 4       # alert, meeting, escalate.district, escalate.city
        daemon.stop()
        dump = subprocess.run(["mdb_dump", "-s", "events", daemon.store], capture_output=True,
                              check=True).stdout.decode()
        assert "VERSION=3" in dump and "database=events" in dump
        # five events: the report and the four messages, under seq 1..5
        keys = [line.strip() for line in dump.splitlines()[1:]
                if re.fullmatch(r"\s*0{14}0[0-9a-f]", line)]
        assert keys == ["%016x" % n for n in range(1, 6)], keys
        assert mdb_entries(daemon.store, "cases") == 1
        # one record for the enterprise: its window and its case (store format 8)
        assert mdb_entries(daemon.store, "caseindex") == 1
        env = lmdb.open(daemon.store, max_dbs=16, readonly=True, lock=False)
        with env.begin(db=env.open_db(b"caseindex", create=False)) as txn:
            [(name, value)] = list(txn.cursor())
            window, cases = index_record.decode(value)
        env.close()
        assert name.startswith(b"nm/street.") and window and window[1] == 1, (name, window)
        assert list(cases.values()) == [messages[0][1]["case"]], (cases, messages[0])
        # each published body is exactly the stored event's body
        env = lmdb.open(daemon.store, max_dbs=16, readonly=True, lock=False)
        with env.begin(db=env.open_db(b"events", create=False)) as txn:
            for topic, body in messages:
                event = event_record.decode(txn.get(body["seq"].to_bytes(8, "big")))
                assert event["topic"] == topic and event["body"] == body
                assert event["seq"] == body["seq"]
        env.close()
    finally:
        daemon.cleanup()


def test_slow_subscriber_never_blocks():
    folder = tempfile.mkdtemp(prefix="hs-slow-")
    config = config_copy(folder, publish_hwm="1000")
    daemon = Daemon(folder=folder, config=config).start()
    try:
        # a dashboard that subscribes and then never reads
        stuck = daemon.ctx.socket(zmq.SUB)
        stuck.setsockopt(zmq.RCVHWM, 10)
        stuck.setsockopt(zmq.RCVBUF, 4096)
        stuck.setsockopt(zmq.SUBSCRIBE, b"")
        stuck.setsockopt(zmq.LINGER, 0)
        stuck.connect(daemon.publish)
        good = daemon.watcher(("alert.",))
        feeder = daemon.feeder()
        # chunks small enough for a subscriber that reads to keep up; the
        # stuck one falls behind by all of them
        count, chunk = 8000, 200
        received = 0
        for start in range(0, count, chunk):
            for index in range(start, start + chunk):
                feeder.send(report(rid="s%d" % index, name="Slow %d Ltd" % index))
            while received < start + chunk:
                message = good.recv(5000)
                assert message is not None, (received, daemon.counters())
                received += 1
        feeder.close()
        assert received == count
        counters = daemon.wait_counter("reports", count)
        assert counters["reports"] == count
        assert counters["publish_overflows"] > 0, counters
        assert counters["alerts"] == count
        assert counters["published"] == count + counters["warnings"]
        stuck.close()
    finally:
        daemon.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


# they load the machine (bursts, crash cycles): run.py runs them alone
test_burst_of_20000_all_processed.solo = True
test_kill9_under_load_loses_nothing_committed.solo = True
