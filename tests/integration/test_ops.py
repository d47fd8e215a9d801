"""Operations (issue 4): SIGHUP reload, the store running out of room and
coming back, hot backup and verify."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import lmdb

import event_record
from harness import CLIENT, Daemon, config_copy, report


def wait_log(daemon, text, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in daemon.read_log():
            return True
        time.sleep(0.05)
    raise AssertionError("log never said %r: %s" % (text, daemon.read_log()[-2000:]))


def test_sighup_swaps_rules_or_keeps_the_old_ones():
    folder = tempfile.mkdtemp(prefix="hs-reload-")
    try:
        daemon = Daemon(folder=folder, config=config_copy(folder)).start()
        rules = os.path.join(folder, "rules.cfg")
        before = daemon.health()["rules_version"]
        watcher = daemon.watcher(("alert.",))
        feeder = daemon.feeder()
        feeder.send(report(rid="h1", name="Reload One", workers=25))
        assert watcher.recv(5000)[0] == "alert.significant.caoyang"

        # the office lowers the major threshold to 20 workers
        with open(rules) as handle:
            text = handle.read()
        with open(rules, "w") as handle:
            handle.write(text.replace('"workers >= 30"', '"workers >= 20"'))
        daemon.proc.send_signal(signal.SIGHUP)
        wait_log(daemon, "configuration reloaded")
        after = daemon.health()["rules_version"]
        assert after != before
        feeder.send(report(rid="h2", name="Reload Two", workers=25))
        assert watcher.recv(5000)[0] == "alert.major.caoyang"

        # a broken file is refused with its line; the running rules stay
        with open(rules, "a") as handle:
            handle.write("    broken\n       line = 1\n")
        daemon.proc.send_signal(signal.SIGHUP)
        wait_log(daemon, "reload refused")
        assert re.search(r"reload refused.*rules\.cfg:\d+:", daemon.read_log())
        assert daemon.health()["rules_version"] == after
        feeder.send(report(rid="h3", name="Reload Three", workers=25))
        assert watcher.recv(5000)[0] == "alert.major.caoyang"
        feeder.close()
        assert daemon.alive()
        # the change of rules is an event in the store
        daemon.stop()
        env = lmdb.open(daemon.store, max_dbs=16, readonly=True, lock=False)
        with env.begin(db=env.open_db(b"events", create=False)) as txn:
            changes = [event_record.decode(v) for _, v in txn.cursor()]
        env.close()
        changes = [e["body"] for e in changes if e["type"] == "rules"]
        assert changes == [{"v": 1, "from": before, "to": after,
                            "rules_file": os.path.join(folder, "rules.cfg")}]
    finally:
        daemon.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def test_store_full_rejects_then_resumes_when_there_is_room():
    folder = tempfile.mkdtemp(prefix="hs-full-")
    try:
        config = config_copy(folder, map_size="1M", map_size_max="1M")
        daemon = Daemon(folder=folder, config=config).start()
        watcher = daemon.watcher(("warning.store",))
        submitter = daemon.submitter()
        accepted = []
        status = "ok"
        index = 0
        while status == "ok" and index < 5000:
            status, reply = submitter.submit(report(rid="f%d" % index, name="Full %d" % index,
                                                    summary="x" * 1500))
            if status == "ok":
                accepted.append(reply["seq"])
            index += 1
        assert status == "rejected" and reply["reason"] == "store_full", (status, reply)
        assert len(accepted) > 50
        topic, warning = watcher.recv(5000)
        assert topic == "warning.store" and warning["units"] == ["office"]
        assert warning["seq"] == 0              # it could not be stored: no seq
        health = daemon.health()
        assert health["status"] == "degraded" and health["store"]["full"] is True
        assert health["rejections"]["store_full"] >= 1
        # the same again is refused again, clearly, and the daemon stays up
        failed = report(rid="f%d" % (index - 1), name="Full %d" % (index - 1), summary="x" * 1500)
        status, reply = submitter.submit(failed)
        assert status == "rejected" and reply["reason"] == "store_full", reply
        assert watcher.recv_all(quiet_ms=300) == []     # warned once
        # room returns (the operator raises the maximum): ingest resumes
        config_copy(folder, map_size="1M", map_size_max="64M")
        daemon.proc.send_signal(signal.SIGHUP)
        wait_log(daemon, "configuration reloaded")
        status, reply = submitter.submit(failed)
        assert status == "ok", reply
        assert daemon.health()["status"] == "ok"
        submitter.close()
        daemon.stop()
        # everything accepted before is intact
        result = subprocess.run([CLIENT, "verify", "--store", daemon.store], capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
        env = lmdb.open(daemon.store, max_dbs=16, readonly=True, lock=False)
        with env.begin(db=env.open_db(b"events", create=False)) as txn:
            for seq in accepted:
                event = event_record.decode(txn.get(seq.to_bytes(8, "big")))
                assert event["type"] == "report"
        env.close()
    finally:
        daemon.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def test_hot_backup_verify_and_restore():
    daemon = Daemon().start()
    backup = tempfile.mkdtemp(prefix="hs-backup-")
    restored = None
    try:
        feeder = daemon.feeder()
        for index in range(300):
            feeder.send(report(rid="b%d" % index, name="Backup %d" % index, workers=index % 50 + 1))
        feeder.close()
        daemon.wait_counter("reports", 300)
        # a hot copy while the daemon runs and takes more
        feeder = daemon.feeder()
        for index in range(300, 400):
            feeder.send(report(rid="b%d" % index, name="Backup %d" % index))
        result = subprocess.run([CLIENT, "backup", "--store", daemon.store, backup + "/copy"],
                                capture_output=True, text=True, timeout=60)
        feeder.close()
        assert result.returncode == 0, result.stderr
        result = subprocess.run([CLIENT, "verify", "--store", backup + "/copy"], capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0 and "sound" in result.stdout, result.stdout
        live = subprocess.run([CLIENT, "verify", "--store", daemon.store], capture_output=True,
                              text=True, timeout=60)
        assert live.returncode == 0 and "sound" in live.stdout, live.stdout
        # compacted: no bigger than the live file
        assert os.path.getsize(backup + "/copy/data.mdb") <= os.path.getsize(daemon.store + "/data.mdb")
        # restore = a daemon on the copy: its seq goes on, its dedup holds
        daemon.stop()
        restored = Daemon(folder=tempfile.mkdtemp(prefix="hs-restored-"))
        shutil.copytree(backup + "/copy", restored.store)
        restored.start()
        counters = restored.health()
        assert counters["store"]["dedup"] >= 300
        submitter = restored.submitter()
        status, reply = submitter.submit(report(rid="b0", name="Backup 0", workers=1))
        assert status == "duplicate"
        submitter.close()
    finally:
        daemon.cleanup()
        if restored:
            restored.cleanup()
            shutil.rmtree(restored.folder, ignore_errors=True)
        shutil.rmtree(backup, ignore_errors=True)


def test_a_flooding_source_is_limited_and_starves_no_one():
    folder = tempfile.mkdtemp(prefix="hs-flood-")
    try:
        config = config_copy(folder, source_rate="200", source_burst="300")
        daemon = Daemon(folder=folder, config=config).start()
        watcher = daemon.watcher(("alert.",))
        feeder = daemon.feeder()
        for index in range(3000):
            feeder.send(report(source="hrss", street="wanli", rid="flood%d" % index,
                               name="Flood %d" % index))
            if index % 100 == 0:            # an honest street office, in the middle of it
                feeder.send(report(rid="honest%d" % index, name="Honest %d" % index))
        feeder.close()
        counters = daemon.wait_counter("received", 3030)
        rejections = daemon.health()["rejections"]
        assert rejections.get("rate_limited", 0) >= 2000, rejections
        honest = [b for _, b in watcher.recv_all(quiet_ms=500) if b["source"] == "street.caoyang"]
        assert len(honest) == 30                    # every one of them
        # the flood is counted, not stored: no dead letters for it
        assert daemon.health()["store"]["deadletters"] == 0
        assert daemon.read_log().count("rejected (rate_limited)") <= 2
        assert counters["reports"] == 3030 - rejections["rate_limited"]
    finally:
        daemon.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
