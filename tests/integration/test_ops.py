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
import msgpack

from harness import CLIENT, ROOT, Daemon, report


def config_copy(folder, **settings):
    """The shipped config files in `folder`, with settings replaced."""
    for name in ("huishang.cfg", "units.cfg", "rules.cfg", "holidays-cn-2026.txt"):
        shutil.copy(os.path.join(ROOT, "config", name), folder)
    path = os.path.join(folder, "huishang.cfg")
    with open(path) as handle:
        text = handle.read()
    for key, value in settings.items():
        text, count = re.subn(r"(\n    %s = )\S+" % key, r"\g<1>%s" % value, text)
        assert count == 1, key
    with open(path, "w") as handle:
        handle.write(text)
    return path


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
            changes = [msgpack.unpackb(v, raw=False) for _, v in txn.cursor()]
        env.close()
        changes = [e["body"] for e in changes if e["type"] == "rules"]
        assert changes == [{"v": 1, "from": before, "to": after,
                            "rules_file": os.path.join(folder, "rules.cfg")}]
    finally:
        daemon.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
