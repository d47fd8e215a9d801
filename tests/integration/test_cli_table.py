"""Every subcommand of `huishang` (as `huishang --help` lists them), the
same four ways: --help (rc 0, its usage on stdout, nothing on stderr), an
option it does not know (rc 2, usage on stderr, nothing on stdout), a bad
number or duration (rc 2, said on stderr) and a daemon that is down (rc 3
within the 2 s default timeout and a little, the endpoint named on stderr).
Then a real daemon: a refused update is rc 1 with the reason, a kill -9 in
the middle loses nothing and no update is applied twice."""

import concurrent.futures
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

from harness import CLIENT, DAEMON, ROOT, Daemon, config_copy, report

SOLO = True                     # it measures how long each command waits

CASE = "C-2026-000001"
SRC = ["--source", "street.caoyang"]

# command: (arguments a down daemon is asked with, or None: no daemon used;
#           arguments with a bad number or duration)
TABLE = {
    "pub":             (SRC + ["--enterprise", "某公司", "--category", "wage_arrears", "--workers", "3",
                        "--id", "t1"], ["--timeout", "abc"]),
    "sign":            ([CASE] + SRC, [CASE] + SRC + ["--timeout", "5x"]),
    "return":          ([CASE] + SRC + ["--reason", "no"], [CASE, "--timeout", "-1"]),
    "update":          ([CASE] + SRC + ["--status", "mediating"], [CASE, "--workers", "many"]),
    "resolve":         ([CASE] + SRC + ["--note", "done"], [CASE, "--timeout", "abc"]),
    "close":           ([CASE], [CASE, "--timeout", "abc"]),
    "reject-closure":  ([CASE, "--reason", "r"], [CASE, "--timeout", "abc"]),
    "followup":        ([CASE] + SRC + ["--satisfied", "yes"], [CASE, "--timeout", "abc"]),
    "regrade":         ([CASE, "--level", "major", "--reason", "r"], [CASE, "--timeout", "abc"]),
    "merge":           ([CASE, "C-2026-000002"], [CASE, "C-2026-000002", "--timeout", "abc"]),
    "split":           ([CASE, "7"], [CASE, "seven"]),
    "mute":            ([CASE, "--until", "2030-01-01T00:00", "--reason", "r"],
                        [CASE, "--timeout", "abc"]),
    "unmute":          ([CASE], [CASE, "--timeout", "abc"]),
    "reroute":         ([CASE, "--add", "rsj", "--reason", "r"], [CASE, "--timeout", "abc"]),
    "insist":          ([CASE, "--unit", "rsj", "--reason", "r"], [CASE, "--timeout", "abc"]),
    "done":            (["M-1-1"] + SRC, ["M-1-1", "--timeout", "abc"]),
    "prompt":          (["--title", "t", "--guidance", "g"], ["--timeout", "abc"]),
    "prompt-sign":     (["P-1"] + SRC, ["P-1", "--timeout", "abc"]),
    "propose":         (["--title", "t", "--text", "x"], ["--timeout", "abc"]),
    "opinion":         (["X-1", "--source", "rsj", "--agree"], ["X-1", "--timeout", "abc"]),
    "call":            (["--kind", "office", "--time", "2030-01-01T09:00", "--place", "p",
                         "--agenda", "a"], ["--timeout", "abc"]),
    "minutes":         (["M-1"], ["M-1", "--timeout", "abc"]),
    "inspect-plan":    (["--title", "t", "--units", "rsj", "--item", "i", "--from",
                         "2030-01-01T00:00", "--until", "2030-02-01T00:00"], ["--timeout", "abc"]),
    "inspect-approve": (["I-1"], ["I-1", "--timeout", "abc"]),
    "inspect-result":  (["I-1", "--unit", "rsj", "--findings", "f"], ["I-1", "--timeout", "abc"]),
    "rectified":       (["R-1", "--source", "rsj"], ["R-1", "--timeout", "abc"]),
    "watch":           ([], ["-n", "many"]),
    "replay":          (["--no-follow"], ["--count", "many"]),
    "case":            ([CASE], [CASE, "--timeout", "abc"]),
    "why":             ([CASE], [CASE, "--timeout", "abc"]),
    "dossier":         ([CASE], [CASE, "--timeout", "abc"]),
    "archive":         (["--since", "2026-01-01T00:00", "--until", "2026-02-01T00:00", "DIR"],
                        ["--timeout", "abc"]),
    "cases":           ([], ["--limit", "two"]),
    "plenary":         ([], ["--timeout", "abc"]),
    "health":          ([], ["--timeout", "abc"]),
    "status":          ([], ["--timeout", "abc"]),
    "metrics":         ([], ["--timeout", "abc"]),
    "rules":           (None, ["backtest", "config/rules.cfg", "--limit", "ten"]),
    "top":             ([], ["--interval", "soon"]),
    "verify":          (None, ["--timeout", "abc"]),      # the global option, before it
    "keygen":          (None, ["--timeout", "abc"]),
    "backup":          (None, ["--timeout", "abc"]),
}
GLOBAL_ONLY = ("verify", "keygen", "backup")  # no number of their own


def run(args, timeout=15, **kwargs):
    start = time.monotonic()
    result = subprocess.run([CLIENT] + args, capture_output=True, text=True, timeout=timeout,
                            cwd=ROOT, stdin=subprocess.DEVNULL, **kwargs)
    return result, time.monotonic() - start


def listed_commands():
    result, _ = run(["--help"])
    assert result.returncode == 0 and result.stderr == "", result
    names = []
    for line in result.stdout.split("\n\n")[1].splitlines():
        match = re.match(r"  ([a-z][a-z-]*) ", line)
        if match:
            names.append(match.group(1))
    return names


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def test_the_table_covers_every_command():
    listed = listed_commands()
    assert len(listed) >= 40, listed
    assert sorted(listed) == sorted(TABLE), set(listed) ^ set(TABLE)


def check_help(name):
    result, _ = run([name, "--help"])
    assert result.returncode == 0, (name, result)
    assert result.stdout.startswith("usage: huishang "), (name, result.stdout[:80])
    assert result.stderr == "", (name, result.stderr)


def check_bad_option(name):
    result, _ = run([name, "--no-such-option"])
    assert result.returncode == 2, (name, result)
    assert result.stdout == "", (name, result.stdout[:200])
    assert "usage: huishang" in result.stderr, (name, result.stderr)


def check_bad_number(name):
    bad = TABLE[name][1]
    args = bad + [name] if name in GLOBAL_ONLY else [name] + bad
    result, _ = run(args)
    assert result.returncode == 2, (name, args, result)
    assert result.stdout == "", (name, result.stdout[:200])
    assert bad[-1] in result.stderr, (name, result.stderr)


def check_down(name, ports):
    args = TABLE[name][0]
    if args is None:
        return
    endpoints = ["tcp://127.0.0.1:%d" % port for port in ports]
    where = ["--api", endpoints[0], "--submit", endpoints[1], "--ingest", endpoints[2],
             "--publish", endpoints[3]]
    result, took = run(where + [name] + args)
    assert result.returncode == 3, (name, result)
    assert took < 2.8 or (name == "pub" and took < 11), (name, took)
    assert result.stdout == "", (name, result.stdout[:200])
    assert any(endpoint in result.stderr for endpoint in endpoints), (name, result.stderr)


def test_help_bad_option_bad_number_down_daemon_for_every_command():
    ports = free_ports(4)
    started = time.monotonic()
    checks = [(check, name) for name in TABLE for check in (check_help, check_bad_option,
                                                            check_bad_number)]
    down = [name for name in TABLE if TABLE[name][0] is not None]
    failures = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        futures = {pool.submit(check, name): (check.__name__, name) for check, name in checks}
        futures.update({pool.submit(check_down, name, ports): ("check_down", name) for name in down})
        for future in concurrent.futures.as_completed(futures):
            try:
                future.result()
            except AssertionError as error:
                failures.append((futures[future], str(error)[:400]))
    assert not failures, "\n".join(map(str, sorted(failures)))
    assert time.monotonic() - started < 20


def test_stray_operands_and_missing_ones_are_usage_errors():
    for args in (["rules", "backtest", "config/rules.cfg", "[--since", "T]"],
                 ["rules", "check", "config/rules.cfg", "extra"], ["case"], ["case", CASE, "extra"],
                 ["health", "extra"], ["cases", "extra"], ["verify", "extra"]):
        result, _ = run(args)
        assert result.returncode == 2, (args, result)
        assert result.stdout == "" and "usage: huishang" in result.stderr, (args, result)
    for args in (["rules", "check", "--help"], ["update", "--help"]):
        result, _ = run(args)
        assert result.returncode == 0 and result.stdout.startswith("usage: huishang " + args[0])
    result, _ = run(["health", "--timeout", "abc"])
    assert result.returncode == 2 and "abc" in result.stderr


def test_pub_ack_gives_up_after_its_deadline_and_ctrl_c_is_130():
    ports = free_ports(1)
    endpoint = "tcp://127.0.0.1:%d" % ports[0]
    # the default, 10 s, said; a shorter one given (the test stays short)
    result, _ = run(["pub", "--help"])
    assert "--deadline D" in result.stdout and "default 10s" in result.stdout
    args = ["--submit", endpoint, "pub", "--ack", "--timeout", "500ms", "--deadline", "2s", "-"]
    line = json.dumps(report(rid="t-ack"), ensure_ascii=False) + "\n"
    start = time.monotonic()
    result = subprocess.run([CLIENT] + args, input=line, capture_output=True, text=True,
                            timeout=20, cwd=ROOT)
    took = time.monotonic() - start
    assert result.returncode == 3, result
    assert 1.9 < took < 3, took
    assert result.stderr.count("sending again") >= 3, result.stderr
    assert "gave up" in result.stderr and endpoint in result.stderr, result.stderr
    # Ctrl-C: rc 130 and no word of giving up
    proc = subprocess.Popen([CLIENT] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    proc.stdin.write(line)
    proc.stdin.flush()
    time.sleep(1)                       # past its first try
    proc.send_signal(2)
    out, err = proc.communicate(timeout=5)
    assert proc.returncode == 130, (proc.returncode, err)
    assert "gave up" not in err, err
    # an api question interrupted: 130 and nothing said about the daemon
    proc = subprocess.Popen([CLIENT, "--api", endpoint, "health", "--timeout", "5s"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    time.sleep(0.5)
    started = time.monotonic()
    proc.send_signal(2)
    out, err = proc.communicate(timeout=5)
    assert proc.returncode == 130 and err == "" and out == "", (proc.returncode, out, err)
    assert time.monotonic() - started < 1


def test_a_refused_update_is_rc_1_and_a_kill_9_loses_nothing():
    daemon = Daemon().start()
    try:
        where = ["--api", daemon.api, "--submit", daemon.submit, "--ingest", daemon.ingest,
                 "--publish", daemon.publish]
        submitter = daemon.submitter()
        for number, name in enumerate(("上海甲制衣有限公司", "上海乙五金有限公司", "上海丙餐饮有限公司")):
            status, body = submitter.submit(report(rid="r-table-%d" % number, name=name))
            assert status == "ok", (status, body)
        # a header, two rows, "2 of 3 cases"
        result, _ = run(where + ["cases", "--limit", "2"])
        lines = result.stdout.splitlines()
        assert result.returncode == 0 and lines[0].startswith("CASE LEVEL STREET"), result
        assert len(lines) == 4 and lines[-1] == "2 of 3 cases", lines
        # status: readable lines, and --json the JSON
        result, _ = run(where + ["status"])
        assert result.returncode == 0 and re.search(r"^status +ok$", result.stdout, re.M), result
        result, _ = run(where + ["status", "--json"])
        assert result.returncode == 0 and json.loads(result.stdout)["status"] == "ok", result
        result, _ = run(where + ["cases", "--json"])
        assert result.returncode == 0, result
        case = json.loads(result.stdout)["cases"][0]["id"]
        # a unit not on the case: refused, the reason said, rc 1, not "1 sent"
        result, _ = run(where + ["update", case, "--source", "jw", "--status", "mediating"])
        assert result.returncode == 1, result
        assert "sent" not in result.stdout and result.stderr.strip(), result
        # the street that reported it is on the case: accepted, rc 0
        result, _ = run(where + ["update", case] + SRC + ["--status", "mediating", "--id", "u-1",
                                                          "--note", "工资谈判中"])
        assert result.returncode == 0, result
        # the case shows the update's status and its note, each as itself
        result, _ = run(where + ["case", case])
        line = next(l for l in result.stdout.splitlines() if "工资谈判中" in l)
        assert " mediating" in line and line.index("mediating") < line.index("工资谈判中"), line
        before = daemon.case(case)
        daemon.kill9()
        daemon.start()
        after = daemon.case(case)
        assert after == before, (before, after)
        # the same update again after the restart: a duplicate, not applied twice
        result, _ = run(where + ["update", case] + SRC + ["--status", "mediating", "--id", "u-1",
                                                          "--note", "工资谈判中"])
        assert result.returncode == 0, result
        assert daemon.case(case) == after
        result, _ = run(where + ["case", case])
        assert result.returncode == 0 and case in result.stdout, result
    finally:
        daemon.cleanup()


def test_the_config_is_found_at_huishang_config():
    folder = tempfile.mkdtemp(prefix="hs-cfg-")
    try:
        endpoint = "ipc://%s/api-from-env" % folder
        config = config_copy(folder, api=endpoint)
        env = dict(os.environ, HUISHANG_CONFIG=config)
        # the CLI: its api endpoint comes from $HUISHANG_CONFIG's file
        result, took = run(["health", "--timeout", "300ms"], env=env)
        assert result.returncode == 3 and endpoint in result.stderr, result
        assert took < 1.5, took
        # the daemon reads it too: --check-config names that file's broken line
        with open(config, "a") as handle:
            handle.write("rulez\n    x = 1\n")
        result = subprocess.run([DAEMON, "--check-config"], capture_output=True, text=True,
                                timeout=15, env=env)
        assert result.returncode != 0 and config in result.stderr, result
        # --help says where the config is looked for
        result, _ = run(["--help"])
        assert "$HUISHANG_CONFIG" in result.stdout and "/etc/huishang/huishang.cfg" in result.stdout
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_rules_test_takes_the_lines_pub_takes():
    # no "v", no "at", a "topic": pub - sends it; rules test classifies it
    line = json.dumps({"topic": "report.petition", "source": "petition", "id": "p-7",
                       "street": "caoyang", "enterprise": {"name": "上海某某制衣有限公司"},
                       "category": "wage_arrears", "workers": 120}, ensure_ascii=False)
    start = time.monotonic()
    result = subprocess.run([CLIENT, "rules", "test", "config/rules.cfg", "-"], input=line + "\n",
                            capture_output=True, text=True, timeout=15, cwd=ROOT)
    assert result.returncode == 0, result
    assert result.stdout.startswith("-:1 p-7: critical"), result.stdout
    assert time.monotonic() - start < 5
    # a line that is no report is still refused, rc 1
    result = subprocess.run([CLIENT, "rules", "test", "config/rules.cfg", "-"],
                            input='{"source": "petition", "id": "p-8"}\n', capture_output=True,
                            text=True, timeout=15, cwd=ROOT)
    assert result.returncode == 1 and result.stderr + result.stdout, result
