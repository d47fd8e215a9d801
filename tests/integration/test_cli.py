"""The two programs as a user runs them: huishangd's options and config
checks, `huishang pub` (flags and JSON lines) and `huishang watch`."""

import datetime
import json
import os
import shutil
import subprocess
import tempfile
import time

from harness import CLIENT, DAEMON, ROOT, Daemon, config_copy, credit_code


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=30, **kwargs)


def test_help_and_version():
    result = run([DAEMON, "--help"])
    assert result.returncode == 0
    for option in ("--config", "--foreground", "--ingest", "--publish", "--api", "--store",
                   "--check-config", "--version"):
        assert option in result.stdout, option
    assert run([DAEMON, "--version"]).stdout.startswith("huishangd ")
    assert run([DAEMON, "--no-such-option"]).returncode == 2
    assert run([CLIENT, "--help"]).returncode == 0
    assert run([CLIENT, "frobnicate"]).returncode == 2


def test_check_config_shipped_and_builtin_agree():
    builtin = run([DAEMON, "--check-config"])
    shipped = run([DAEMON, "--check-config", "--config", os.path.join(ROOT, "config", "huishang.cfg")])
    assert builtin.returncode == 0 and shipped.returncode == 0, (builtin.stderr, shipped.stderr)
    # the same rules version (content hash) whether built in or read from config/
    version = lambda out: out.split("version ")[1].strip(")\n")
    assert version(builtin.stdout) == version(shipped.stdout)


def test_check_config_reports_line_numbers():
    folder = tempfile.mkdtemp(prefix="hs-cfg-")
    try:
        config = config_copy(folder)
        rules = os.path.join(folder, "rules.cfg")
        with open(rules) as handle:
            lines = handle.read().split("\n")
        # break one threshold; its line must be named
        number = next(i for i, line in enumerate(lines) if '"workers >= 30"' in line)
        lines[number] = lines[number].replace("workers >= 30", "workers >= thirty")
        with open(rules, "w") as handle:
            handle.write("\n".join(lines))
        result = run([DAEMON, "--check-config", "--config", config])
        assert result.returncode != 0
        assert "rules.cfg:%d:" % (number + 1) in result.stderr, result.stderr
        assert "thirty" in result.stderr

        config_copy(folder)
        with open(config) as handle:
            text = handle.read()
        with open(config, "w") as handle:
            handle.write(text.replace("    max_body = ", "    max_bodyy = "))
        result = run([DAEMON, "--check-config", "--config", config])
        assert result.returncode != 0 and "huishang.cfg:" in result.stderr
        assert "max_bodyy" in result.stderr

        # a block given twice, or one that means nothing, would be ignored:
        # refused at its line, in each file
        config_copy(folder)
        with open(config, "a") as handle:
            handle.write("limits\n    max_body = 12\n")
        result = run([DAEMON, "--check-config", "--config", config])
        line = text.count("\n") + 1
        assert result.returncode != 0, result.stderr
        assert "huishang.cfg:%d: 'limits' given twice" % line in result.stderr, result.stderr
        for extra, message in (("rules\n    severity\n", "'rules' given twice"),
                               ("rulez\n    severity\n", "unknown top-level block 'rulez'")):
            config_copy(folder)
            with open(rules) as handle:
                line = handle.read().count("\n") + 1
            with open(rules, "a") as handle:
                handle.write(extra)
            result = run([DAEMON, "--check-config", "--config", config])
            assert result.returncode != 0, result.stderr
            assert "rules.cfg:%d: %s" % (line, message) in result.stderr, result.stderr

        config_copy(folder)
        with open(os.path.join(folder, "units.cfg"), "a") as handle:
            handle.write("    street.nowhere\n       zh = 无\n")
        result = run([DAEMON, "--check-config", "--config", config])
        assert result.returncode != 0 and "units.cfg:" in result.stderr, result.stderr
        # a daemon will not start on a broken config either
        result = run([DAEMON, "--config", config, "--store", os.path.join(folder, "s")])
        assert result.returncode != 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_command_line_overrides_config():
    daemon = Daemon().start()
    try:
        # the health reply names the store given on the command line
        assert daemon.health()["store"]["path"] == daemon.store
        assert daemon.health()["district"] == "putuo"
    finally:
        daemon.cleanup()


def test_pub_and_watch():
    daemon = Daemon().start()
    try:
        before = daemon.counters()["subscriptions"]
        # times a person reads are the district's (+8), whatever the TZ
        watch = subprocess.Popen([CLIENT, "watch", "-e", daemon.publish, "-n", "2"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=dict(os.environ, TZ="America/New_York"))
        watch_json = subprocess.Popen([CLIENT, "watch", "--json", "-e", daemon.publish, "-n", "2"],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        daemon.wait_counter("subscriptions", before + 10, timeout=10)
        result = run([CLIENT, "pub", "-e", daemon.ingest, "--source", "street.changfeng",
                      "--id", "cli-1", "--enterprise", "长风某物流有限公司",
                      "--credit-code", credit_code("91310107MA1G00003"), "--ownership", "private",
                      "--category", "wage_arrears", "--workers", "45", "--amount", "800000",
                      "--flags", "gathering,media"])
        assert result.returncode == 0, result.stderr
        out, _ = watch.communicate(timeout=10)
        lines = out.strip().split("\n")
        assert len(lines) == 2, out
        assert "alert.major.changfeng" in lines[0] and "[new]" in lines[0]
        assert "重大" in lines[0] and "长风新村街道" in lines[0] and "区公安分局" in lines[0]
        assert "长风某物流有限公司" in lines[0] and "45人" in lines[0]
        assert "meeting.request" in lines[1] and "区人社局" in lines[1]
        out, _ = watch_json.communicate(timeout=10)
        messages = [json.loads(line) for line in out.strip().split("\n")]
        assert messages[0]["topic"] == "alert.major.changfeng"
        assert messages[0]["body"]["workers"] == 45
        assert messages[1]["body"]["urgency"] == "normal"
        at = messages[0]["body"]["at"]
        shanghai = datetime.datetime.utcfromtimestamp(at / 1000 + 8 * 3600)
        assert shanghai.strftime("%Y-%m-%d %H:%M:%S") in lines[0], (shanghai, lines[0])
    finally:
        daemon.cleanup()


def test_pub_json_lines_from_stdin():
    daemon = Daemon().start()
    try:
        watcher = daemon.watcher(("alert.",))
        lines = [
            {"source": "petition", "id": "j1", "street": "ganquan",
             "enterprise": {"name": "甘泉某餐饮公司"}, "category": "wage_arrears", "workers": 12},
            {"source": "union", "id": "j2", "street": "street.taopu",
             "enterprise": {"name": "桃浦某厂"}, "category": "negotiation", "workers": 3},
            "this is not json",
            {"source": "union", "id": "j3", "street": "taopu",
             "enterprise": {"name": "桃浦某厂"}, "category": "negotiation", "workers": "three"},
        ]
        text = "\n".join(l if isinstance(l, str) else json.dumps(l, ensure_ascii=False)
                         for l in lines) + "\n"
        result = run([CLIENT, "pub", "-e", daemon.ingest, "-"], input=text)
        # two sent; the bad line and the bad field are refused locally, named by line
        assert result.returncode == 1
        assert "line 3: not JSON" in result.stderr
        assert "line 4: not sent: bad_type" in result.stderr
        assert "2 sent, 2 not sent" in result.stderr
        alerts = watcher.recv_all(quiet_ms=500)
        assert [a[0] for a in alerts] == ["alert.significant.ganquan", "alert.general.taopu"]
        assert "petition" in alerts[0][1]["units"]
        assert "union" in alerts[1][1]["units"]
    finally:
        daemon.cleanup()


def test_pub_without_daemon_fails_clearly():
    folder = tempfile.mkdtemp(prefix="hs-nodaemon-")
    try:
        result = run([CLIENT, "pub", "-e", "ipc://%s/nobody" % folder, "--timeout", "300",
                      "--source", "hrss", "--street", "caoyang", "--enterprise", "x",
                      "--category", "other", "--workers", "1"])
        # rc 3: the daemon unreachable, its endpoint named
        assert result.returncode == 3, result
        assert "no daemon is listening at ipc://%s/nobody" % folder in result.stderr, result.stderr
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_health_command():
    daemon = Daemon().start()
    try:
        result = run([CLIENT, "health", "--api", daemon.api])
        assert result.returncode == 0, result.stderr
        health = json.loads(result.stdout)
        assert health["status"] == "ok" and health["counters"]["reports"] == 0
        assert len(health["rules_version"]) == 40
        # an unknown api command gets an error reply, not silence
        status, body = daemon.request("launch-missiles")
        assert status == "error" and "unknown command" in body["error"]
    finally:
        daemon.cleanup()


def test_defaults_run_without_arguments():
    """huishangd with no arguments runs on the built-in defaults: loopback
    tcp endpoints and a store under ./var of its working folder."""
    folder = tempfile.mkdtemp(prefix="hs-defaults-")
    proc = subprocess.Popen([DAEMON], cwd=folder, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 10
        result = None
        while time.time() < deadline:
            result = run([CLIENT, "health", "--timeout", "500"])
            if result.returncode == 0:
                break
            if proc.poll() is not None:
                break
        if result.returncode != 0 and proc.poll() is not None:
            out = proc.stdout.read()
            if "Address already in use" in out:
                return      # another huishangd owns the default ports here
            raise AssertionError(out)
        health = json.loads(result.stdout)
        assert health["store"]["path"] == "var/huishang"
        assert os.path.exists(os.path.join(folder, "var", "huishang", "data.mdb"))
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(folder, ignore_errors=True)
