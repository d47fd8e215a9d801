"""Running as a service (issue 6): the systemd notify protocol for real (a
test NOTIFY_SOCKET and WATCHDOG_USEC), the journal's priority prefixes and
--log-level, and the unit file as systemd-analyze sees it."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from harness import DAEMON, Daemon, report

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class NotifySocket:
    """What systemd listens on: a datagram socket; records (time, message)."""

    def __init__(self, folder):
        self.path = os.path.join(folder, "notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.1)
        self.messages = []

    def drain(self, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            self.messages.append((time.time(), data.decode()))

    def wait_for(self, text, timeout=10.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for when, message in self.messages:
                if text in message.split("\n"):
                    return when, message
            self.drain(0.1)
        raise AssertionError("never sent %r; sent %r" % (text, self.messages))

    def close(self):
        self.sock.close()


def test_notify_ready_status_watchdog_reloading_stopping():
    folder = tempfile.mkdtemp(prefix="hs-notify-")
    notify = NotifySocket(folder)
    shutil.copy(os.path.join(ROOT, "config", "huishang.cfg"), folder)
    for name in ("units.cfg", "rules.cfg", "holidays-cn-2026.txt"):
        shutil.copy(os.path.join(ROOT, "config", name), folder)
    daemon = Daemon(folder=folder, config=os.path.join(folder, "huishang.cfg"),
                    env={"NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000"})
    try:
        daemon.start()
        when_ready, ready = notify.wait_for("READY=1")
        # READY=1 means serving: the api answers and the store is open.
        assert daemon.health()["status"] == "ok"
        assert any(line.startswith("STATUS=putuo: 0 reports") for line in ready.split("\n")), ready
        assert all(line != "WATCHDOG=1" for _, line in notify.messages[:1])
        # the watchdog: pinged from the main loop every 200 ms (half of 400 ms)
        notify.drain(1.5)
        pings = [when for when, message in notify.messages if message == "WATCHDOG=1"]
        assert len(pings) >= 5, notify.messages
        gaps = [b - a for a, b in zip(pings, pings[1:])]
        assert max(gaps) < 0.4, gaps
        # STATUS= with live counts, every 5 s
        feeder = daemon.feeder()
        feeder.send(report(rid="s1", street="wanli", source="hrss"))
        feeder.close()
        daemon.wait_counter("reports", 1)
        deadline = time.time() + 8
        while time.time() < deadline and not any(
                "STATUS=putuo: 1 reports" in message for _, message in notify.messages):
            notify.drain(0.2)
        assert any("STATUS=putuo: 1 reports, 0 rejected, 0 lost, 1 alerts, 1 open cases"
                   in message for _, message in notify.messages), notify.messages[-5:]
        # a reload: RELOADING=1, then READY=1 again
        notify.messages.clear()
        daemon.proc.send_signal(signal.SIGHUP)
        when_reloading, reloading = notify.wait_for("RELOADING=1")
        assert any(line.startswith("MONOTONIC_USEC=") for line in reloading.split("\n"))
        when_ready, _ = notify.wait_for("READY=1")
        assert when_ready >= when_reloading
        # a stop: STOPPING=1, then it exits 0
        notify.messages.clear()
        assert daemon.stop() == 0
        notify.wait_for("STOPPING=1", timeout=2)
    finally:
        notify.close()
        daemon.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def test_journal_priorities_and_log_level():
    folder = tempfile.mkdtemp(prefix="hs-journal-")
    try:
        # What systemd does: stderr is the journal's stream, named by
        # JOURNAL_STREAM=<device>:<inode>.
        log_path = os.path.join(folder, "stream")
        with open(log_path, "wb") as stream:
            info = os.fstat(stream.fileno())
            env = dict(os.environ, JOURNAL_STREAM="%d:%d" % (info.st_dev, info.st_ino))
            proc = subprocess.Popen([DAEMON, "--foreground", "--store", os.path.join(folder, "store"),
                                     "--ingest", "ipc://%s/i" % folder, "--publish", "ipc://%s/p" % folder,
                                     "--api", "ipc://%s/a" % folder, "--submit", "ipc://%s/s" % folder],
                                    stdout=stream, stderr=stream, env=env)
            time.sleep(1.0)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(10) == 0
        lines = open(log_path, encoding="utf-8").read().splitlines()
        assert lines and all(line[:1] == "<" and line[2] == ">" for line in lines), lines
        assert any(line.startswith("<5>huishangd: district putuo") for line in lines), lines
        assert any(line.startswith("<5>huishangd: stopping") for line in lines), lines
        # an error is an error: a store that cannot be opened
        blocker = os.path.join(folder, "blocker")
        open(blocker, "w").close()
        with open(log_path, "wb") as stream:
            info = os.fstat(stream.fileno())
            env = dict(os.environ, JOURNAL_STREAM="%d:%d" % (info.st_dev, info.st_ino))
            code = subprocess.call([DAEMON, "--foreground", "--store", os.path.join(blocker, "store"),
                                    "--ingest", "ipc://%s/i" % folder], stdout=stream, stderr=stream,
                                   env=env)
        assert code == 1
        text = open(log_path, encoding="utf-8").read()
        assert "<3>huishangd: " in text, text
        # --log-level warning: no notices, in the foreground's readable lines
        out = subprocess.run([DAEMON, "--foreground", "--log-level", "warning",
                              "--store", os.path.join(folder, "store"), "--ingest", "ipc://%s/i" % folder,
                              "--publish", "ipc://%s/p" % folder, "--api", "ipc://%s/a" % folder,
                              "--submit", "ipc://%s/s" % folder], capture_output=True, text=True,
                             timeout=3, preexec_fn=lambda: signal.alarm(1))
        assert "district putuo" not in out.stderr, out.stderr
        out = subprocess.run([DAEMON, "--log-level", "loud"], capture_output=True, text=True)
        assert out.returncode == 2 and "--log-level is error, warning" in out.stderr
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_unit_file_verifies():
    """systemd-analyze verify passes on the unit (pointed at this build), and
    its security exposure is what the README says."""
    folder = tempfile.mkdtemp(prefix="hs-unit-")
    try:
        text = open(os.path.join(ROOT, "config", "huishangd.service")).read()
        unit = os.path.join(folder, "huishangd.service")
        with open(unit, "w") as handle:
            handle.write(text.replace("/usr/local/sbin/huishangd", DAEMON))
        out = subprocess.run(["systemd-analyze", "verify", "--man=no", unit],
                             capture_output=True, text=True)
        assert out.returncode == 0 and out.stderr.strip() == "", out.stderr
        out = subprocess.run(["systemd-analyze", "security", "--offline=true", unit],
                             capture_output=True, text=True)
        assert "Overall exposure level for huishangd.service: 1.1 OK" in out.stdout, out.stdout[-800:]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
