"""The Python client (issue 7): clients/python/huishang.py and its two
examples, run as they are against the real daemon."""

import os
import subprocess
import sys
import threading

from harness import ROOT, Daemon, report

sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
import huishang  # noqa: E402

EXAMPLES = os.path.join(ROOT, "clients", "python", "examples")


def client_of(daemon):
    return huishang.Client(ingest=daemon.ingest, submit=daemon.submit, publish=daemon.publish,
                           api=daemon.api, timeout=2.0)


def test_checks_name_the_field_before_anything_is_sent():
    good = report(rid="p1")
    huishang.check_report(good)
    cases = [
        (dict(good, workers="35"), "field 'workers' must be an integer"),
        (dict(good, workers=0), "field 'workers' must be from 1 to 1000000"),
        (dict(good, category="wages"), "field 'category' must be one of wage_arrears"),
        (dict(good, flags=["loud"]), "field 'flags' must be one of gathering"),
        (dict(good, enterprise={}), "field 'enterprise.name' is required"),
        (dict(good, enterprise={"name": "x", "boss": "y"}), "field 'enterprise.boss' is not a field"),
        (dict(good, id="has space"), "field 'id' must be 1-64 printable ASCII"),
        (dict(good, colour="red"), "field 'colour' is not a field of this message"),
        ({k: v for k, v in good.items() if k != "source"}, "field 'source' is required"),
    ]
    for body, message in cases:
        try:
            huishang.check_report(body)
        except ValueError as error:
            assert message in str(error), (message, str(error))
        else:
            raise AssertionError("accepted: %r" % body)
    try:
        huishang.check_update({"id": "u1", "source": "hrss", "at": 1790000000000, "case": "putuo-1",
                               "status": "done"})
    except ValueError as error:
        assert "field 'status' must be one of accepted" in str(error)
    else:
        raise AssertionError("a bad status passed")


def test_publish_submit_subscribe_and_query():
    daemon = Daemon().start()
    try:
        client = client_of(daemon)
        received = []
        ready = threading.Event()

        def follow():
            for topic, body in client.subscribe(["alert."], since=1, timeout=3.0):
                received.append((topic, body))
                ready.set()

        seq = client.submit_report(report(rid="s1", name="Python 企业", workers=40))
        assert seq > 0
        assert client.submit_report(report(rid="s1", name="Python 企业", workers=40)) == seq   # once
        try:
            client.submit_report(report(rid="s2", street="atlantis", source="hrss"))
        except huishang.Rejected as error:
            assert error.reason == "unknown_street"
        else:
            raise AssertionError("an unknown street was accepted")
        # the subscriber starts after the first alert: the replay gives it,
        # then the live stream the next, with no gap and no duplicate
        thread = threading.Thread(target=follow)
        thread.start()
        assert ready.wait(10)
        client.publish_report(report(rid="s3", name="第二家", workers=3))
        thread.join(20)
        client.close()
        topics = [t for t, _ in received]
        assert topics == ["alert.major.caoyang", "alert.general.caoyang"], topics
        seqs = [b["seq"] for _, b in received]
        assert seqs == sorted(set(seqs))
        case_id = received[0][1]["case"]
        assert client.case(case_id)["case"]["level"] == "major"
        assert [c["id"] for c in client.cases(level="major")] == [case_id]
        assert client.health()["counters"]["reports"] == 2
        assert "huishang_reports_total 2" in client.metrics()
        # 40 workers: major, led by hrss (rules.cfg lead); the office closes after review
        assert client.case(case_id)["case"]["lead"] == "hrss"
        try:
            client.submit_update(id="u1", source="office", case=case_id, status="closed")
        except huishang.Rejected as error:
            assert error.reason == "bad_state", error       # not resolved by its lead yet
        else:
            raise AssertionError("a case was closed before its lead resolved it")
        resolved = client.resolve(case_id, "hrss", "欠薪已结清")
        assert resolved > seq
        assert client.close_case(case_id, note="审核通过") > resolved
        record = client.case(case_id)["case"]
        assert record["stage"] == "closed" and record["closed"] is True, record
    finally:
        daemon.cleanup()


def test_examples_run_as_they_are():
    daemon = Daemon().start()
    try:
        out = subprocess.run(["/usr/bin/python3", os.path.join(EXAMPLES, "csv_feeder.py"),
                              os.path.join(EXAMPLES, "reports.csv"), "--submit", daemon.submit],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stdout + out.stderr
        lines = out.stdout.splitlines()
        assert [line.split()[0] for line in lines] == ["ok"] * 4, lines
        assert [line.split()[2] for line in lines] == ["cy-2026-0417", "cy-2026-0418",
                                                      "wl-2026-0102", "tp-2026-0033"]
        assert daemon.counters()["reports"] == 4
        # fed again: every row answered with its first seq, nothing stored twice
        again = subprocess.run(["/usr/bin/python3", os.path.join(EXAMPLES, "csv_feeder.py"),
                                os.path.join(EXAMPLES, "reports.csv"), "--submit", daemon.submit],
                               capture_output=True, text=True, timeout=60)
        assert again.stdout == out.stdout and daemon.counters()["reports"] == 4
        out = subprocess.run(["/usr/bin/python3", os.path.join(EXAMPLES, "dashboard.py"),
                              "--publish", daemon.publish, "--api", daemon.api, "--quiet", "1"],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        lines = out.stdout.splitlines()
        alerts = [line for line in lines if " alert." in line]
        assert len(alerts) == 4, lines
        assert "alert.critical.taopu new" in alerts[3]
        assert lines[-1].endswith("open: general 1 significant 0 major 2 critical 1"), lines[-1]
        assert any("meeting.request" in line for line in lines)
    finally:
        daemon.cleanup()


def test_curve_with_the_units_certificates():
    """With security on, the client speaks with a unit's certificate (from
    huishang keygen): accepted as that unit; another unit's report refused."""
    import shutil
    import tempfile
    from harness import CLIENT, config_copy
    folder = tempfile.mkdtemp(prefix="hs-py-curve-")
    daemon = None
    try:
        certs = os.path.join(folder, "certs")
        for unit in ("server", "street.caoyang", "dashboard"):
            out = subprocess.run([CLIENT, "keygen", unit, "--dir", certs], capture_output=True,
                                 text=True, timeout=20)
            assert out.returncode == 0, out.stderr
        os.makedirs(os.path.join(certs, "clients"))
        for unit in ("street.caoyang", "dashboard"):
            shutil.copy(os.path.join(certs, unit + ".cert"), os.path.join(certs, "clients"))
        daemon = Daemon(folder=folder, config=config_copy(folder, enabled="1"))
        daemon.spawn()

        def unit_client(unit):
            return huishang.Client(ingest=daemon.ingest, submit=daemon.submit, publish=daemon.publish,
                                   api=daemon.api, timeout=2.0, retries=10,
                                   curve={"cert": os.path.join(certs, unit + ".cert_secret"),
                                          "server_cert": os.path.join(certs, "server.cert")})
        street = unit_client("street.caoyang")
        seq = street.submit_report(report(rid="c1", workers=40))
        assert seq > 0
        try:
            street.submit_report(report(rid="c2", source="hrss", street="caoyang"))
        except huishang.Rejected as error:
            assert error.reason == "spoofing", error
        else:
            raise AssertionError("a report for hrss under street.caoyang's key was accepted")
        dashboard = unit_client("dashboard")
        assert dashboard.health()["counters"]["reports"] == 1
        got = list(dashboard.subscribe(["alert."], since=1, timeout=1.0))
        assert [t for t, _ in got] == ["alert.major.caoyang"]
        # without a certificate the api does not answer at all
        plain = huishang.Client(api=daemon.api, timeout=1.0)
        try:
            plain.health()
        except huishang.Unavailable:
            pass
        else:
            raise AssertionError("the api answered a client without a key")
    finally:
        if daemon:
            daemon.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
