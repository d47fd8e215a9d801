"""The Python client tells the truth (issue 16): every api error the client
can meet arrives as an exception with the daemon's code and text, of a class
a caller can catch by Python's own builtins (LookupError, ValueError,
PermissionError, ConnectionError); a duplicate submit is told from a first
one, across a kill -9; the examples exit 130 quietly on Ctrl-C; the feeder
runs from the repository root as the README shows it; the client installs."""

import os
import select
import signal
import subprocess
import sys
import tempfile
import time

from harness import ROOT, Daemon, replay_all, report

sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
import huishang  # noqa: E402

PYDIR = os.path.join(ROOT, "clients", "python")
EXAMPLES = os.path.join(PYDIR, "examples")


def client_of(daemon, **kwargs):
    return huishang.Client(ingest=daemon.ingest, submit=daemon.submit, publish=daemon.publish,
                           api=daemon.api, **dict({"timeout": 2.0}, **kwargs))


def expect(call, cls, code, text, builtin):
    """`call` raises `cls` (also a `builtin`) with the daemon's `code` and
    an explanation containing `text`."""
    try:
        call()
    except huishang.ApiError as error:
        assert type(error) is cls, (type(error), error)
        assert isinstance(error, builtin) and isinstance(error, huishang.HuishangError)
        assert error.code == code, (error.code, error.error)
        assert text in error.error, error.error
        assert str(error) == "%s: %s" % (code, error.error), str(error)
        return error
    raise AssertionError("no error from the daemon")


def with_daemon(body):
    daemon = Daemon().start()
    try:
        body(daemon, client_of(daemon))
    finally:
        daemon.cleanup()


def test_unknown_case_is_a_lookup_error():
    def body(daemon, client):
        expect(lambda: client.case("nosuch"), huishang.NotFound, "unknown_case",
               "no case 'nosuch'", LookupError)
        # a caller that knows nothing of huishang catches it as a LookupError
        try:
            client.case("putuo-999")
        except LookupError as error:
            assert error.code == "unknown_case"
    with_daemon(body)


def test_unknown_meeting_is_a_lookup_error():
    with_daemon(lambda daemon, client: expect(
        lambda: client.meeting("nosuch"), huishang.NotFound, "unknown_meeting",
        "no meeting 'nosuch'", LookupError))


def test_unknown_command():
    def body(daemon, client):
        error = expect(lambda: client.request("frobnicate"), huishang.UnknownCommand,
                       "unknown_command", "unknown command 'frobnicate'", ValueError)
        assert error.command == "frobnicate" and isinstance(error, huishang.BadRequest)
    with_daemon(body)


def test_bad_type():
    with_daemon(lambda daemon, client: expect(
        lambda: client.request("case", {"id": 5}), huishang.BadRequest, "bad_type",
        "argument 'id'", ValueError))


def test_bad_value():
    with_daemon(lambda daemon, client: expect(
        lambda: client.cases(limit=5000), huishang.BadRequest, "bad_value",
        "argument 'limit' is out of range", ValueError))


def test_missing_field():
    with_daemon(lambda daemon, client: expect(
        lambda: client.request("case", {}), huishang.BadRequest, "missing_field",
        "needs an id", ValueError))


def test_revoked_and_store_codes_map_to_builtins():
    """`revoked` is answered only on a connection that stays open while its
    certificate is removed (test_api_bounds shows the daemon's side); the
    client opens a socket per request, so it meets a removed key as
    Unavailable. The mapping is still checked, with the daemon's words."""
    error = huishang.api_error({"v": 1, "code": "revoked",
                                "error": "this connection's certificate is no longer allowed"})
    assert isinstance(error, huishang.Revoked) and isinstance(error, PermissionError)
    assert str(error) == "revoked: this connection's certificate is no longer allowed"
    assert isinstance(huishang.api_error({"code": "store", "error": "x"}), OSError)
    assert isinstance(huishang.api_error({"code": "unknown_prompt", "error": "x"}), LookupError)
    odd = huishang.api_error({"code": "something_new", "error": "x"})
    assert type(odd) is huishang.ApiError and odd.code == "something_new"


def test_duplicate_told_across_kill9_and_unavailable_is_a_connection_error():
    daemon = Daemon().start()
    try:
        client = client_of(daemon)
        first = client.submit_report(report(rid="dup-1", workers=40))
        assert isinstance(first, int) and first > 0 and first.duplicate is False, repr(first)
        again = client.submit_report(report(rid="dup-1", workers=40))
        assert again == first and again.duplicate is True, repr(again)
        # the daemon dies: the client says so promptly, as a ConnectionError
        daemon.kill9()
        quick = client_of(daemon, timeout=0.3, retries=1)
        start = time.monotonic()
        try:
            quick.case("putuo-1")
        except ConnectionError as error:
            assert isinstance(error, huishang.Unavailable), error
        else:
            raise AssertionError("a dead daemon answered")
        try:
            quick.submit_report(report(rid="dup-2", workers=3))
        except ConnectionError as error:
            assert "after 2 tries" in str(error), error
        else:
            raise AssertionError("a dead daemon stored a report")
        assert time.monotonic() - start < 3.0
        # with its retries to spare, a submit still gives up at its total
        # deadline (10 s by default; 1.5 s here), not retries x timeout
        assert huishang.Client().deadline == 10.0
        patient = client_of(daemon, timeout=0.5, retries=20)
        patient.deadline = 1.5
        start = time.monotonic()
        try:
            patient.submit_report(report(rid="dup-4", workers=3))
        except ConnectionError as error:
            assert "in 1.5 s" in str(error) and daemon.submit in str(error), error
        else:
            raise AssertionError("a dead daemon stored a report")
        assert 1.4 < time.monotonic() - start < 2.5, time.monotonic() - start
        # restarted: the report is still there, a resend is still a duplicate,
        # and its alert was published once
        daemon.start()
        third = client.submit_report(report(rid="dup-1", workers=40))
        assert third == first and third.duplicate is True, repr(third)
        fresh = client.submit_report(report(rid="dup-3", name="另一家企业", workers=3))
        assert fresh > first and not fresh.duplicate
        assert len(client.cases()) == 2, client.cases()      # dup-2 never stored: the daemon was down
        assert client.health()["counters"]["duplicates"] == 1  # counters restart with the process
        news = [e for e in replay_all(daemon) if e["topic"].startswith("alert.")
                and e["body"]["kind"] == "new"]
        assert len(news) == 2, news
    finally:
        daemon.cleanup()


def test_examples_exit_130_quietly_on_ctrl_c():
    daemon = Daemon().start()
    try:
        proc = subprocess.Popen(["/usr/bin/python3", os.path.join(EXAMPLES, "dashboard.py"),
                                 "--publish", daemon.publish, "--api", daemon.api],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                # a shell that started us in the background has SIGINT
                                # ignored, and Python then keeps it so: give it back
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        # a report, and its line: the example is in its subscription loop
        client_of(daemon).submit_report(report(rid="ctrl-c-1", workers=3))
        ready, _, _ = select.select([proc.stdout], [], [], 20)
        assert ready and proc.stdout.readline(), proc.poll()
        assert proc.poll() is None, proc.communicate()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 130, (proc.returncode, out, err)
        assert "Traceback" not in err and err == "", err
    finally:
        daemon.cleanup()


def test_csv_feeder_runs_from_the_root_as_the_readme_says():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    command = "clients/python/examples/csv_feeder.py clients/python/examples/reports.csv"
    assert "`%s`" % command in readme
    daemon = Daemon().start()
    try:
        out = subprocess.run(["/usr/bin/python3"] + command.split() + ["--submit", daemon.submit],
                             cwd=ROOT, capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stdout + out.stderr
        assert [line.split()[0] for line in out.stdout.splitlines()] == ["ok"] * 4, out.stdout
        missing = subprocess.run(["/usr/bin/python3", "clients/python/examples/csv_feeder.py",
                                  "no-such.csv", "--submit", daemon.submit],
                                 cwd=ROOT, capture_output=True, text=True, timeout=30)
        assert missing.returncode == 2 and "no-such.csv" in missing.stderr, missing.stderr
        assert "Traceback" not in missing.stderr
    finally:
        daemon.cleanup()


def test_the_client_installs_from_its_pyproject():
    scratch = tempfile.mkdtemp(prefix="hs-pyinstall-")
    target = os.path.join(scratch, "site")
    source = os.path.join(scratch, "src")          # setuptools builds in the tree: a copy
    try:
        subprocess.run(["cp", "-r", PYDIR, source], check=True)
        subprocess.run(["rm", "-rf", os.path.join(source, "__pycache__")], check=True)
        out = subprocess.run(["/usr/bin/python3", "-m", "pip", "install", "--quiet", "--no-deps",
                              "--no-build-isolation", "--no-index", "--target", target, source],
                             capture_output=True, text=True, timeout=120,
                             cwd=scratch, env=dict(os.environ, PIP_NO_CACHE_DIR="1"))
        assert out.returncode == 0, out.stdout + out.stderr
        for name in ("huishang", "huishang_checks", "huishang_errors", "huishang_inspect",
                     "huishang_time"):
            assert os.path.exists(os.path.join(target, name + ".py")), os.listdir(target)
        # imported from where it was installed, not from the source tree
        probe = subprocess.run(["/usr/bin/python3", "-c",
                                "import huishang; print(huishang.__file__); "
                                "print(issubclass(huishang.NotFound, LookupError))"],
                               cwd=target, capture_output=True, text=True, timeout=30,
                               env=dict(os.environ, PYTHONPATH=target))
        assert probe.returncode == 0, probe.stderr
        path, answer = probe.stdout.split()
        assert path.startswith(target) and answer == "True", probe.stdout
    finally:
        subprocess.run(["rm", "-rf", scratch])
