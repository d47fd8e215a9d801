"""CurveZMQ identities (issue 4): every socket uses CURVE, each unit has its
own certificate whose metadata names it, a message is accepted only from
the key of the unit it speaks for, and removing a certificate revokes it
without a restart. Clients: pyzmq with the same certificate files."""

import json
import os
import shutil
import subprocess
import tempfile
import time

import msgpack
import zmq
import zmq.auth

from harness import CLIENT, Daemon, config_copy, report


def _setup(folder):
    certs = os.path.join(folder, "certs")
    for unit in ("server", "street.caoyang", "hrss", "office", "dashboard", "stranger"):
        result = subprocess.run([CLIENT, "keygen", unit, "--dir", certs], capture_output=True,
                                text=True, timeout=20)
        assert result.returncode == 0, result.stderr
    clients = os.path.join(certs, "clients")
    os.makedirs(clients)
    for unit in ("street.caoyang", "hrss", "office", "dashboard"):    # not the stranger
        shutil.copy(os.path.join(certs, unit + ".cert"), clients)
    return config_copy(folder, enabled="1"), certs


def _socket(ctx, kind, certs, unit):
    sock = ctx.socket(kind)
    sock.setsockopt(zmq.LINGER, 0)
    if unit:
        public, secret = zmq.auth.load_certificate(os.path.join(certs, unit + ".cert_secret"))
        server_public, _ = zmq.auth.load_certificate(os.path.join(certs, "server.cert"))
        sock.curve_publickey, sock.curve_secretkey = public, secret
        sock.curve_serverkey = server_public
    return sock


def _send(daemon, certs, unit, topic, body):
    """Publish one message as `unit` (its key); True if the daemon's
    subscription reached us, i.e. the handshake was allowed."""
    sock = _socket(daemon.ctx, zmq.XPUB, certs, unit)
    sock.setsockopt(zmq.RCVTIMEO, 1500)
    sock.setsockopt(zmq.LINGER, 2000)
    sock.connect(daemon.ingest)
    try:
        sock.recv()
    except zmq.Again:
        sock.close()
        return False
    sock.send_multipart([topic.encode(), msgpack.packb(body, use_bin_type=True)])
    sock.close()
    return True


def test_curve_identities_spoofing_and_revocation():
    folder = tempfile.mkdtemp(prefix="hs-curve-")
    daemon = None
    try:
        config, certs = _setup(folder)
        daemon = Daemon(folder=folder, config=config)
        daemon.spawn()

        def api(command, unit="dashboard"):
            sock = _socket(daemon.ctx, zmq.REQ, certs, unit)
            sock.setsockopt(zmq.RCVTIMEO, 1500)
            sock.connect(daemon.api)
            try:
                sock.send(command.encode())
                status, body = sock.recv_multipart()
                return msgpack.unpackb(body, raw=False)
            except zmq.Again:
                return None
            finally:
                sock.close()

        deadline = time.time() + 10
        health = None
        while health is None and time.time() < deadline:
            health = api("health")
        assert health and health["status"] == "ok", daemon.read_log()
        assert "CurveZMQ on" in daemon.read_log()
        # a dashboard without a key is not let in
        assert api("health", unit=None) is None

        dashboard = _socket(daemon.ctx, zmq.SUB, certs, "dashboard")
        dashboard.setsockopt(zmq.SUBSCRIBE, b"alert.")
        dashboard.connect(daemon.publish)
        time.sleep(0.5)

        # the street office with its own key: accepted
        assert _send(daemon, certs, "street.caoyang", "report.street.caoyang",
                     report(rid="c1", name="Curve One"))
        assert dashboard.poll(5000)
        topic, body = dashboard.recv_multipart()
        assert msgpack.unpackb(body, raw=False)["report"] == "c1"

        # the HR bureau's key speaking for the street office: spoofing
        assert _send(daemon, certs, "hrss", "report.street.caoyang",
                     report(rid="c2", name="Curve Two"))
        # no key, or a key nobody allowed: the handshake itself is refused
        assert not _send(daemon, certs, None, "report.hrss",
                         report(source="hrss", street="caoyang", rid="c3", name="Curve Three"))
        assert not _send(daemon, certs, "stranger", "report.hrss",
                         report(source="hrss", street="caoyang", rid="c4", name="Curve Four"))
        time.sleep(0.5)
        health = api("health")
        assert health["rejections"] == {"spoofing": 1}, health["rejections"]
        assert health["counters"]["spoofing"] == 1 and health["counters"]["reports"] == 1

        # the CLI with a certificate
        result = subprocess.run([CLIENT, "--config", config, "--cert",
                                 os.path.join(certs, "hrss.cert"), "pub", "-e", daemon.ingest,
                                 "--source", "hrss", "--street", "wanli", "--enterprise", "CLI Curve",
                                 "--category", "other", "--workers", "2"],
                                capture_output=True, text=True, timeout=20)
        assert result.returncode == 0, result.stderr
        assert dashboard.poll(5000)

        # revocation: remove the HR bureau's certificate; no restart. A
        # connection made before is refused from then on too.
        held = _socket(daemon.ctx, zmq.XPUB, certs, "hrss")
        held.setsockopt(zmq.RCVTIMEO, 1500)
        held.connect(daemon.ingest)
        held.recv()
        os.remove(os.path.join(certs, "clients", "hrss.cert"))
        time.sleep(1.2)
        held.send_multipart([b"report.hrss", msgpack.packb(
            report(source="hrss", street="caoyang", rid="c6", name="Curve Six"), use_bin_type=True)])
        time.sleep(0.5)
        held.close()
        health = api("health")
        assert health["rejections"] == {"spoofing": 2}, health["rejections"]
        assert not _send(daemon, certs, "hrss", "report.hrss",
                         report(source="hrss", street="caoyang", rid="c5", name="Curve Five"))
        health = api("health")
        assert health["counters"]["reports"] == 2
        dashboard.close()
    finally:
        if daemon:
            daemon.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def test_acts_only_under_the_units_own_key():
    # PROTOCOL §3.12: with security on, an act counts only under the key of
    # the unit the authority table names; the street's key speaking as the
    # office is spoofing, and the street speaking as itself is not allowed
    folder = tempfile.mkdtemp(prefix="hs-curve-acts-")
    daemon = None
    try:
        config, certs = _setup(folder)
        daemon = Daemon(folder=folder, config=config)
        daemon.spawn()
        deadline = time.time() + 10
        while time.time() < deadline and not _send(daemon, certs, "hrss", "heartbeat.hrss",
                                                    {"v": 1, "source": "hrss",
                                                     "at": int(time.time() * 1000)}):
            time.sleep(0.2)
        dashboard = _socket(daemon.ctx, zmq.SUB, certs, "dashboard")
        dashboard.setsockopt(zmq.SUBSCRIBE, b"alert.")
        dashboard.connect(daemon.publish)
        time.sleep(0.5)
        assert _send(daemon, certs, "street.caoyang", "report.street.caoyang",
                     report(rid="a1", name="Curve Acts"))
        assert dashboard.poll(5000), daemon.read_log()
        case = msgpack.unpackb(dashboard.recv_multipart()[1], raw=False)["case"]

        def act(unit, topic_unit, mid):
            body = {"v": 1, "id": mid, "source": topic_unit, "at": int(time.time() * 1000),
                    "case": case, "act": "regrade", "level": "major", "reason": "媒体关注"}
            assert _send(daemon, certs, unit, "act." + topic_unit, body)

        act("street.caoyang", "office", "g1")           # the street's key as the office
        act("street.caoyang", "street.caoyang", "g2")   # the street itself: no authority
        assert not dashboard.poll(800)
        act("office", "office", "g3")                   # the office under its own key
        assert dashboard.poll(5000)
        body = msgpack.unpackb(dashboard.recv_multipart()[1], raw=False)
        assert body["kind"] == "regraded" and body["update"] == "g3" and body["level"] == "major"
        dashboard.close()
        out = subprocess.run([CLIENT, "--config", config, "--cert",
                              os.path.join(certs, "dashboard.cert"), "health", "--api",
                              daemon.api], capture_output=True, text=True, timeout=20)
        assert out.returncode == 0, out.stderr
        health = json.loads(out.stdout)
        assert health["rejections"] == {"spoofing": 1, "not_authorized": 1}, health["rejections"]
        assert health["counters"]["acts"] == 1
    finally:
        if daemon:
            daemon.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
