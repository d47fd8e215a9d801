"""The store under attack or accident (issue 12, items 1, 10, 11, 12): a
second daemon on the same store, a damaged data.mdb (before start and while
running), a clock that jumped ahead or came from a drill, a store from a
newer build. Each asserts what the operator sees: exit codes, log lines,
health, and every acked report in the store under its acked seq.

Corrupt copies: HS_SOAK_SECONDS set (make soak) tries 45, else 8."""

import fcntl
import os
import shutil
import subprocess
import tempfile
import threading
import time

import lmdb

import event_record
from harness import CLIENT, DAEMON, ROOT, Daemon, config_copy, now_ms, report
import lmdb_pages

EXIT_LOCKED, EXIT_DAMAGED, EXIT_NEWER = 75, 65, 78
DAY_MS = 86400000


def _meta(store, **values):
    """Read (no values) or set meta entries (u64, big-endian) of a stopped
    store; None deletes. Returns the meta table as a dict of ints."""
    env = lmdb.open(store, max_dbs=16, readonly=not values, lock=bool(values))
    try:
        db = env.open_db(b"meta", create=False)
        with env.begin(db=db, write=bool(values)) as txn:
            for name, value in values.items():
                key = name.replace("_", ".").encode() if name.startswith("clock") else name.encode()
                if value is None:
                    txn.delete(key)
                else:
                    txn.put(key, value.to_bytes(8, "big"))
            return {k.decode(): int.from_bytes(v, "big") for k, v in txn.cursor() if len(v) == 8}
    finally:
        env.close()


def _clock_events(store):
    """The `clock` events of a stopped store, as (at, body) pairs."""
    env = lmdb.open(store, max_dbs=16, readonly=True, lock=False)
    try:
        db = env.open_db(b"events", create=False)
        with env.begin(db=db) as txn:
            events = [event_record.decode(value) for _, value in txn.cursor()]
    finally:
        env.close()
    return [(event["at"], event["body"]) for event in events if event.get("type") == "clock"]


def _fill(daemon, count, prefix="f"):
    """`count` reports through a feeder, all stored; returns nothing."""
    feeder = daemon.feeder(hwm=0)
    for index in range(count):
        feeder.send(report(rid="%s%d" % (prefix, index), name="Store Test Enterprise %d" % index,
                           summary="x" * 200))
    feeder.close()
    counters = daemon.wait_counter("reports", count, timeout=60)
    assert counters["reports"] >= count, counters


def _acked(daemon, count, prefix):
    """`count` acknowledged submits: {report id: acked seq}."""
    submitter = daemon.submitter()
    acked = {}
    for index in range(count):
        rid = "%s%d" % (prefix, index)
        status, reply = submitter.submit(report(rid=rid, name="Acked Enterprise %s" % rid))
        assert status == "ok", (status, reply)
        acked[rid] = reply["seq"]
    submitter.close()
    return acked


def _assert_stored(store, acked):
    """Every acked report is in the events table under its acked seq."""
    env = lmdb.open(store, max_dbs=16, readonly=True, lock=False)
    try:
        db = env.open_db(b"events", create=False)
        with env.begin(db=db) as txn:
            for rid, seq in acked.items():
                record = txn.get(seq.to_bytes(8, "big"))
                assert record is not None and rid.encode() in record, (rid, seq)
    finally:
        env.close()


def _run(args, timeout=30):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout)


def _start_fails(folder, store, extra=(), timeout=30):
    """Start a daemon that should refuse: (exit status, its output)."""
    out = _run([DAEMON, "--foreground", "--store", store, "--api", "ipc://%s/a2" % folder,
                "--ingest", "ipc://%s/i2" % folder, "--publish", "ipc://%s/p2" % folder,
                "--submit", "ipc://%s/s2" % folder] + list(extra), timeout)
    return out.returncode, out.stdout + out.stderr


def _metric(daemon, name):
    """One sample of the metrics page, as Prometheus would scrape it."""
    status, body = daemon.request_args("metrics", {})
    assert status == "ok", body
    values = [float(line.rsplit(" ", 1)[1]) for line in body["text"].splitlines()
              if line.split(" ")[0] == name]
    assert len(values) == 1, (name, body["text"][:400])
    return values[0]


def test_second_daemon_on_one_store_refused():
    daemon = Daemon().start()
    try:
        first = _acked(daemon, 10, "a")
        started = time.time()
        code, output = _start_fails(daemon.folder, daemon.store)
        took = time.time() - started
        assert code == EXIT_LOCKED, (code, output)
        assert "pid %d" % daemon.proc.pid in output, output
        assert took < 5, took
        second = _acked(daemon, 10, "b")          # the first daemon carries on
        acked = dict(first, **second)
        assert len(set(acked.values())) == 20
        assert daemon.stop() == 0
        _assert_stored(daemon.store, acked)
        verify = _run([CLIENT, "verify", "--store", daemon.store])
        assert verify.returncode == 0 and "sound" in verify.stdout, verify.stdout + verify.stderr
        # a crash leaves the lock file behind: no bar to a restart
        restarted = Daemon(folder=daemon.folder).start()
        restarted.kill9()
        assert os.path.exists(os.path.join(daemon.store, "huishangd.lock"))
        again = Daemon(folder=daemon.folder).start()
        assert again.health()["counters"]["next_seq"] > max(acked.values())
        again.stop()
    finally:
        daemon.cleanup()


def _damaged_copy(source, folder, name):
    copy = os.path.join(folder, name)
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("lock.mdb", "huishangd.lock"))
    return os.path.join(copy, "data.mdb")


def _sound_store(count=1500):
    """A stopped daemon's folder whose store has `count` reports (and
    their alerts): events spans branch pages."""
    daemon = Daemon().start()
    _fill(daemon, count)
    assert daemon.stop() == 0
    return daemon


def test_damaged_store_refused_and_verify_reports():
    daemon = _sound_store()
    try:
        data = _damaged_copy(daemon.store, daemon.folder, "broken")
        page, old, new = lmdb_pages.point_elsewhere(data, b"events", seed=3)
        broken = os.path.dirname(data)
        code, output = _start_fails(daemon.folder, broken)
        assert code == EXIT_DAMAGED, (code, output[-2000:])
        assert "refusing to start" in output and "damaged" in output, output[-2000:]
        verify = _run([CLIENT, "verify", "--store", broken])
        assert verify.returncode == 1, (verify.returncode, verify.stdout, verify.stderr)
        assert "DAMAGED" in verify.stdout, verify.stdout
        # the unit file will not restart on it
        with open(os.path.join(ROOT, "config", "huishangd.service")) as f:
            unit = f.read()
        assert "RestartPreventExitStatus=%d %d" % (EXIT_DAMAGED, EXIT_NEWER) in unit
    finally:
        daemon.cleanup()


def test_a_check_without_verdict_does_not_keep_the_daemon_down():
    """A check that cannot finish (here: it waits on the store's lock file,
    which this test holds for half a second, against a check_timeout of
    1 ms) proves nothing about the pages: the daemon says so and starts."""
    daemon = _sound_store()
    try:
        daemon.config = config_copy(daemon.folder, check_timeout="1ms")
        # LMDB's readers take a shared lock on lock.mdb's first byte at open
        lock = open(os.path.join(daemon.store, "lock.mdb"), "r+b")
        fcntl.lockf(lock, fcntl.LOCK_EX, 1, 0)
        release = threading.Timer(0.5, lock.close)
        release.start()
        daemon.start()
        release.join()
        assert daemon.health()["status"] == "ok"
        log = daemon.read_log()
        assert "STARTING UNCHECKED" in log and "did not finish in 1 ms" in log, log[-2000:]
        assert daemon.health()["counters"]["next_seq"] > 1500     # the store is the old one
    finally:
        daemon.cleanup()


def _wait_check(daemon, timeout=120):
    """Health once its store.check is past `checking` (or the time is up)."""
    deadline = time.time() + timeout
    while True:
        health = daemon.health()
        if health["store"]["check"] != "checking" or time.time() > deadline:
            return health
        time.sleep(0.05)


def test_start_waits_for_the_quick_check_only_and_damage_found_later_is_refused_next():
    """store/check_wait = 0: the start reads the quick part (meta, free
    pages, both ends of each table) and goes on; the rest of the walk finds
    a leaf in the middle of `events` replaced, while the daemon serves. It
    says so (log, health, metrics), leaves a note, and the next start reads
    the whole store and refuses it; a restored store starts again, the note
    gone."""
    daemon = _sound_store()
    try:
        sound = os.path.join(daemon.folder, "backup")
        shutil.copytree(daemon.store, sound, ignore=shutil.ignore_patterns("lock.mdb", "*.lock"))
        lmdb_pages.point_elsewhere(os.path.join(daemon.store, "data.mdb"), b"events", seed=5,
                                   leaf="middle")
        daemon.config = config_copy(daemon.folder, check_wait="0")
        daemon.start()
        note = os.path.join(daemon.store, "DAMAGED")
        health = _wait_check(daemon)
        assert health["store"]["check"] == "damaged" and health["status"] == "damaged", health
        log = daemon.read_log()
        assert "the quick check is sound" in log and "rest is read in the background" in log, log
        assert "THE STORE IS DAMAGED" in log and "(the check in the background)" in log, log
        assert _metric(daemon, 'huishang_store_check{state="damaged"}') == 1
        assert _metric(daemon, 'huishang_store_check{state="checking"}') == 0
        with open(note) as f:
            assert "damaged" in f.read()
        # it goes on: new reports are taken and stored (appends, not the damaged leaf)
        acked = _acked(daemon, 5, "after")
        assert daemon.stop() == 0
        _assert_stored(daemon.store, acked)
        # the next start reads it all, and refuses
        code, output = _start_fails(daemon.folder, daemon.store, ["--config", daemon.config])
        assert code == EXIT_DAMAGED, (code, output[-2000:])
        assert "DAMAGED says the store was found damaged" in output, output[-2000:]
        assert "refusing to start" in output and os.path.exists(note), output[-2000:]
        verify = _run([CLIENT, "verify", "--store", daemon.store])
        assert verify.returncode != 0 and "DAMAGED" in verify.stdout, verify.stdout
        # restored from the copy: it reads whole, the note goes, it starts
        shutil.copy(os.path.join(sound, "data.mdb"), os.path.join(daemon.store, "data.mdb"))
        daemon.start()
        assert not os.path.exists(note)
        log = daemon.read_log()
        assert "it reads whole now" in log and "removed" in log, log[-2000:]
        health = daemon.health()
        assert health["status"] == "ok" and health["store"]["check"] == "sound", health
    finally:
        daemon.cleanup()


def test_writer_meeting_a_damaged_page_leaves_a_note_no_crash_loop():
    """The pointer to the last leaf of `events` turned back to the table's
    root under the running daemon: the writer's next append descends for
    ever, and LMDB fails it (MDB_CURSOR_FULL). The daemon says damaged,
    leaves the note, and the restart reads the whole store and refuses it
    (exit 65), not a crash at every restart. (A writer that faults or that
    LMDB aborts leaves the note too: hs_guard's self test.)"""
    daemon = _sound_store()
    daemon.env["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
    try:
        daemon.start()
        assert _wait_check(daemon)["store"]["check"] == "sound"
        lmdb_pages.point_elsewhere(os.path.join(daemon.store, "data.mdb"), b"events", seed=5,
                                   leaf="last", to="root")
        note = os.path.join(daemon.store, "DAMAGED")
        feeder = daemon.feeder(hwm=0)
        deadline = time.time() + 20
        index = 0
        while daemon.alive() and not os.path.exists(note) and time.time() < deadline:
            feeder.send(report(rid="w%d" % index, name="Writer Enterprise %d" % index))
            index += 1
            time.sleep(0.01)
        feeder.close()
        time.sleep(0.2)
        log = daemon.read_log()
        assert os.path.exists(note), log[-2000:]
        assert daemon.alive(), log[-2000:]
        assert "MDB_CURSOR_FULL" in log and "THE STORE IS DAMAGED" in log, log[-2000:]
        assert daemon.health()["status"] == "damaged"
        assert _metric(daemon, "huishang_store_faults_total") >= 1
        with open(note) as f:
            assert "MDB_CURSOR_FULL" in f.read()
        daemon.stop()
        code, output = _start_fails(daemon.folder, daemon.store)
        assert code == EXIT_DAMAGED, (code, output[-2000:])
        assert "DAMAGED says the store was found damaged" in output, output[-2000:]
    finally:
        daemon.cleanup()


def test_a_byte_changed_inside_a_value_never_reaches_a_client():
    """Damage the start's check cannot see: one byte inside a stored alert's
    text and one inside a stored case's. Replay leaves that alert out, a
    `cases` page leaves that case out, `case` on it is store_corrupt; every
    other answer decodes (python3-msgpack refuses what is not UTF-8), and
    health says damaged."""
    daemon = _sound_store(60)
    try:
        # an alert of enterprise 7 (its type: "alert"), the case of enterprise 3
        # (each name whole, with its length before it: msgpack's, the compact record's)
        seq = int.from_bytes(lmdb_pages.change_a_byte(daemon.store, b"events",
                                            b"\x17Store Test Enterprise 7",
                                            must=event_record.of_type("alert")), "big")
        lmdb_pages.change_a_byte(daemon.store, b"cases", b"\x17Store Test Enterprise 3")
        daemon.start()
        status, body = daemon.request_args("replay", {"since": 1, "limit": 10000})
        assert status == "ok", body
        seqs = [event["seq"] for event in body["events"]]
        assert seq not in seqs and seq - 2 in seqs and seq + 2 in seqs and len(seqs) >= 50, (seq, seqs)
        status, body = daemon.request_args("cases", {"limit": 100})
        assert status == "ok", body
        names = [case["enterprise"] for case in body["cases"]]
        assert "Store Test Enterprise 3" not in names and "Store Test Enterprise 4" in names, names
        health = daemon.health()
        assert health["status"] == "damaged", health["status"]
        assert _metric(daemon, "huishang_store_faults_total") >= 1
        assert "THE STORE IS DAMAGED" in daemon.read_log()
    finally:
        daemon.cleanup()


def test_check_state_on_a_sound_start():
    """By default (check_wait 300 ms) a small store is read whole before the
    start (or, on a slow moment, just after it): health says sound; with the
    check off, off."""
    daemon = _sound_store(200)
    try:
        daemon.start()
        assert _wait_check(daemon)["store"]["check"] == "sound"
        assert _metric(daemon, 'huishang_store_check{state="sound"}') == 1
        daemon.stop()
        daemon.config = config_copy(daemon.folder, check_timeout="0")
        daemon.start()
        assert daemon.health()["store"]["check"] == "off"
    finally:
        daemon.cleanup()


def test_store_damaged_while_running_fails_the_request_not_the_daemon():
    daemon = _sound_store()
    # A request that faulted leaves what it had allocated (its cursors, its
    # reply): documented, and not what the sanitizer build is to judge here.
    daemon.env["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
    try:
        daemon.start()
        assert daemon.health()["status"] == "ok"
        # damage the pages under the running daemon (its map is the file)
        lmdb_pages.point_elsewhere(os.path.join(daemon.store, "data.mdb"), b"events", seed=3)
        answers = []
        since = 1
        for _ in range(40):
            status, body = daemon.request_args("replay", {"since": since, "limit": 1000})
            answers.append((status, body.get("code") if status != "ok" else None))
            if status == "ok":
                since = body["next"]
                if since > body["last"]:
                    since = 1
        assert daemon.alive(), daemon.read_log()[-2000:]
        assert ("error", "store_corrupt") in answers, answers[:5]
        health = daemon.health()
        assert health["status"] == "damaged", health["status"]
        assert "THE STORE IS DAMAGED" in daemon.read_log()
        faults = _metric(daemon, "huishang_store_faults_total")
        assert faults >= 1 and faults == answers.count(("error", "store_corrupt")), (faults, answers)
    finally:
        daemon.cleanup()


def test_corrupt_copies_never_crash_the_daemon():
    tries = 45 if os.environ.get("HS_SOAK_SECONDS") else 8
    daemon = _sound_store(800)
    outcomes = {"refused": 0, "served": 0, "crashed": 0}
    try:
        for seed in range(tries):
            data = _damaged_copy(daemon.store, daemon.folder, "copy%d" % seed)
            lmdb_pages.damage_random(data, seed, count=6)
            copy = Daemon(folder=tempfile.mkdtemp(prefix="hs-copy-"))
            copy.store = os.path.dirname(data)
            try:
                try:
                    copy.start(timeout=15)
                except RuntimeError:
                    code = copy.proc.returncode
                    assert code in (EXIT_DAMAGED, 1), (seed, code, copy.read_log()[-1500:])
                    outcomes["refused" if code == EXIT_DAMAGED else "crashed"] += 1
                    continue
                for command in ("replay", "cases"):
                    copy.request_args(command, {"since": 1, "limit": 1000} if command == "replay"
                                      else {})
                if copy.alive():
                    outcomes["served"] += 1
                else:
                    outcomes["crashed"] += 1
            finally:
                copy.cleanup()
                shutil.rmtree(copy.folder, ignore_errors=True)
                shutil.rmtree(os.path.dirname(data), ignore_errors=True)
        print("corrupt copies:", outcomes)
        assert outcomes["crashed"] == 0, outcomes
    finally:
        daemon.cleanup()


def test_drill_clock_does_not_persist():
    daemon = Daemon(extra_args=["--time-start", "2035-01-01T00:00"]).start()
    try:
        assert daemon.health()["at"] > now_ms() + 2500 * DAY_MS
        _acked(daemon, 1, "d")
        assert daemon.stop() == 0
        assert _meta(daemon.store)["clock.drill"] == 1
        # the real clock after a drill: back to now, said in the log
        daemon.extra_args = []
        daemon.start()
        at = daemon.health()["at"]
        assert abs(at - now_ms()) < 60000, at - now_ms()
        assert "a drill's time is not kept" in daemon.read_log()
        assert daemon.stop() == 0
        meta = _meta(daemon.store)
        assert meta["clock.drill"] == 0 and meta["clock.resets"] == 1, meta
        # ... and in the log of events, for the audit: from the drill's time to now
        (at, body), = _clock_events(daemon.store)
        assert body["why"] == "drill" and body["from"] > now_ms() + 2500 * DAY_MS, body
        assert abs(body["to"] - now_ms()) < 60000 and at >= body["to"], (at, body)
        # ... unless asked: a drill again, then --clock-keep
        daemon.extra_args = ["--time-start", "2035-01-01T00:00"]
        daemon.start()
        assert daemon.stop() == 0
        daemon.extra_args = ["--clock-keep"]
        daemon.start()
        assert daemon.health()["at"] > now_ms() + 2500 * DAY_MS
    finally:
        daemon.cleanup()


def test_clock_far_ahead_warns_until_reset():
    daemon = Daemon().start()
    try:
        _acked(daemon, 1, "c")
        assert daemon.stop() == 0
        # a wrong system clock (not a drill) left the store 10 days ahead
        ahead = now_ms() + 10 * DAY_MS + 300000
        _meta(daemon.store, clock=ahead, clock_drill=0)
        daemon.start()
        health = daemon.health()
        assert health["status"] == "degraded", health["status"]
        assert health["at"] >= ahead                  # never backwards unless asked
        assert "THE STORE'S CLOCK IS 10 DAYS" in daemon.read_log()
        assert _metric(daemon, "huishang_clock_ahead_seconds") > 10 * 86400 - 3600
        assert daemon.stop() == 0
        # the documented recovery
        daemon.extra_args = ["--clock-reset"]
        daemon.start()
        health = daemon.health()
        assert health["status"] == "ok" and abs(health["at"] - now_ms()) < 60000, health
        assert _metric(daemon, "huishang_clock_ahead_seconds") == 0
        assert daemon.stop() == 0
        assert _meta(daemon.store)["clock.resets"] == 1
        (at, body), = _clock_events(daemon.store)
        assert body["why"] == "reset" and body["from"] >= ahead, body
        verify = _run([CLIENT, "verify", "--store", daemon.store])
        assert verify.returncode == 0, (verify.stdout, verify.stderr)
        # and it stays back on the next plain start
        daemon.extra_args = []
        daemon.start()
        assert abs(daemon.health()["at"] - now_ms()) < 60000
    finally:
        daemon.cleanup()


FORMAT = 9          # the store format this build writes (HS_STORE_FORMAT)


def test_format_version_newer_refused_older_marked():
    daemon = Daemon().start()
    try:
        acked = _acked(daemon, 3, "v")
        assert daemon.stop() == 0
        assert _meta(daemon.store)["format"] == FORMAT
        # a store from before formats (0.4): marked on start (its cases upgraded), nothing lost
        _meta(daemon.store, format=None)
        daemon.start()
        assert daemon.stop() == 0
        _assert_stored(daemon.store, acked)
        assert _meta(daemon.store)["format"] == FORMAT
        assert "marked format %d" % FORMAT in daemon.read_log()
        # a newer build's store: refused, untouched
        _meta(daemon.store, format=FORMAT + 1)
        size = os.path.getsize(os.path.join(daemon.store, "data.mdb"))
        code, output = _start_fails(daemon.folder, daemon.store)
        assert code == EXIT_NEWER and "newer" in output, (code, output[-1500:])
        assert _meta(daemon.store)["format"] == FORMAT + 1
        assert os.path.getsize(os.path.join(daemon.store, "data.mdb")) == size
        verify = _run([CLIENT, "verify", "--store", daemon.store])
        assert verify.returncode == 1 and "NEWER FORMAT" in verify.stdout, verify.stdout
    finally:
        daemon.cleanup()
