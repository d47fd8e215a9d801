"""The publish side bounded (issue 12, items 5, 8 and 9): subscriptions are
vetted and capped, slow subscribers are bounded together, and a dashboard
whose certificate is removed stops receiving on its open connection.

HS_TEST_BINARY runs another build (to measure the figures before a change);
the assertions are for this one."""

import os
import shutil
import subprocess
import tempfile
import time

import zmq
import zmq.auth

from harness import CLIENT, MEMORY_SLACK_KB, Daemon, config_copy, report, status_kb

SOLO = True         # it measures time, CPU or memory: nothing runs beside it (run.py)

BINARY = os.environ.get("HS_TEST_BINARY")


def _config(folder, **settings):
    """config_copy; for an older build (HS_TEST_BINARY), without the
    subscribers section it does not know."""
    if BINARY:
        settings.pop("max", None)
    path = config_copy(folder, **settings)
    if BINARY:
        with open(path) as handle:
            text = handle.read()
        start = text.index("\nsubscribers\n")
        end = text.index("\n\n", start + 1)
        with open(path, "w") as handle:
            handle.write(text[:start] + text[end:])
    return path


def _rss_mb(daemon):
    """Anonymous resident memory in MB: what the daemon holds."""
    return status_kb(daemon, "RssAnon") / 1024.0


def _alert_arrives(daemon, watcher, rid):
    feeder = daemon.feeder()
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            feeder.send(report(rid=rid, name="%s 有限公司" % rid))
            if watcher.recv(1000) is not None:
                return True
            rid = rid + "x"
        return False
    finally:
        feeder.close()


def _flood(daemon, size, count, seconds):
    """One anonymous XSUB sending `count` distinct subscriptions of `size`
    bytes, for at most `seconds`. Returns how many it sent."""
    sock = daemon.ctx.socket(zmq.XSUB)
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.SNDHWM, 0)
    sock.connect(daemon.publish)
    sent, deadline = 0, time.time() + seconds
    filler = b"y" * size
    while sent < count and time.time() < deadline:
        topic = (b"%d." % sent + filler)[:size]
        try:
            sock.send(b"\x01" + topic, zmq.NOBLOCK)
        except zmq.Again:
            time.sleep(0.001)
            continue
        sent += 1
    return sock, sent


def test_subscription_flood_is_refused_and_bounded():
    daemon = Daemon(binary=BINARY).start()
    try:
        watcher = daemon.watcher(("alert.",))
        base = _rss_mb(daemon)
        socks, sent = [], 0
        for size in (960, 480, 100):
            sock, count = _flood(daemon, size, 20000, 4.0)
            socks.append(sock)
            sent += count
        time.sleep(1.0)
        health = daemon.health()
        peak = _rss_mb(daemon)
        counters = health["counters"]
        print("    subscription flood: %d sent, RSS %.1f -> %.1f MB, refused %s, cut %s, "
              "subscriptions %s" % (sent, base, peak, counters.get("subscriptions_refused"),
                                    counters.get("subscribers_cut"), counters["subscriptions"]))
        assert sent >= 40000, sent
        # 960 bytes: over max_message, libzmq drops each connection; 480 and
        # 100: cut at the 65th. Measured 1.7-2.7 MB in 12 runs (with the
        # publish socket's rcvhwm at 100: up to 64 MB; before issue 12: 8 -> 615)
        assert peak - base < 8 + MEMORY_SLACK_KB / 1024, (base, peak)
        assert counters["subscribers_cut"] >= 2, counters
        assert counters["subscriptions_refused"] >= 1, counters
        assert counters["subscriptions"] == 1, counters           # the watcher's alone
        # the legitimate dashboard still receives, the daemon still answers
        assert _alert_arrives(daemon, watcher, "flood-1")
        for sock in socks:
            sock.close()
        watcher.close()
    finally:
        daemon.cleanup()


def test_unpublished_prefixes_are_refused_and_counted():
    daemon = Daemon(binary=BINARY).start()
    try:
        sub = daemon.ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.LINGER, 0)
        for prefix in (b"alert.major.", b"report.", b"nope", b"hs.hello"):
            sub.setsockopt(zmq.SUBSCRIBE, prefix)
        sub.connect(daemon.publish)
        counters = daemon.wait_counter("subscriptions", 2, timeout=5)
        time.sleep(0.3)
        counters = daemon.counters()
        assert counters["subscriptions"] == 2, counters
        assert counters["subscriptions_refused"] == 2, counters
        assert counters["subscribers"] == 1, counters
        assert counters["subscribers_cut"] == 0, counters
        assert "refused a subscription to 'report.'" in daemon.read_log() \
            or "refused a subscription to 'nope'" in daemon.read_log()
        sub.close()
    finally:
        daemon.cleanup()


def test_junk_cannot_lock_a_dashboard_out():
    """Connections holding subscriptions to nothing we publish take the
    total (here 40) to its end; a real dashboard that subscribes then is
    not the one cut off: the junk is, and the dashboard gets its alerts."""
    folder = tempfile.mkdtemp(prefix="hs-subs-")
    daemon = Daemon(folder=folder, config=_config(folder, total="40"), binary=BINARY).start()
    try:
        junk = []
        for index in range(5):          # 5 x 8 junk: the total of 40, not over it
            sock = daemon.ctx.socket(zmq.SUB)
            sock.setsockopt(zmq.LINGER, 0)
            for number in range(8):
                sock.setsockopt(zmq.SUBSCRIBE, b"junk.%d.%d" % (index, number))
            sock.connect(daemon.publish)
            junk.append(sock)
        daemon.wait_counter("subscriptions_refused", 40, timeout=10)
        time.sleep(0.5)
        cut_before = daemon.counters()["subscribers_cut"]
        assert cut_before == 0, daemon.counters()
        watcher = daemon.watcher(("alert.",))
        time.sleep(0.5)
        assert _alert_arrives(daemon, watcher, "lockout"), daemon.counters()
        counters = daemon.counters()
        assert counters["subscribers"] >= 1, counters
        assert counters["subscribers_cut"] >= 1, counters     # a junk one went
        watcher.close()
        for sock in junk:
            sock.close()
    finally:
        daemon.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def test_slow_subscribers_are_bounded_together():
    """Subscribers that never read: at most subscribers/max hold queues of
    publish_hwm each; the ones over the cap are cut off."""
    folder = tempfile.mkdtemp(prefix="hs-subs-")
    subscribers, alerts = int(os.environ.get("HS_SLOW_SUBSCRIBERS", "40")), \
        int(os.environ.get("HS_SLOW_ALERTS", "6000"))
    config = _config(folder, publish_hwm="2000", max="20")
    daemon = Daemon(folder=folder, config=config, binary=BINARY).start()
    try:
        stuck = []
        for _ in range(subscribers):
            sock = daemon.ctx.socket(zmq.SUB)
            sock.setsockopt(zmq.RCVHWM, 1)
            sock.setsockopt(zmq.RCVBUF, 4096)
            sock.setsockopt(zmq.LINGER, 0)
            sock.setsockopt(zmq.SUBSCRIBE, b"")
            sock.connect(daemon.publish)
            stuck.append(sock)
        time.sleep(1.0)
        base = _rss_mb(daemon)
        feeder = daemon.feeder()
        deadline = time.time() + 20
        for index in range(alerts):
            feeder.send(report(rid="slow%d" % index, name="Slow %d Ltd" % index))
            if index % 500 == 499:
                time.sleep(0.05)
            assert time.time() < deadline
        counters = daemon.wait_counter("alerts", alerts, timeout=30)
        peak = _rss_mb(daemon)
        print("    %d stuck subscribers, %d alerts: RSS %.1f -> %.1f MB, cut %s, subscribers %s"
              % (subscribers, alerts, base, peak, counters.get("subscribers_cut"),
                 counters.get("subscribers")))
        assert counters["alerts"] == alerts, counters
        assert counters["subscribers_cut"] >= subscribers - 20, counters
        # 20 queues of 2,000 two-frame messages: well under 30 MB
        assert peak - base < 30 + MEMORY_SLACK_KB / 1024, (base, peak)
        feeder.close()
        for sock in stuck:
            sock.close()
    finally:
        daemon.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def _setup_certs(folder):
    certs = os.path.join(folder, "certs")
    for unit in ("server", "street.caoyang", "dashboard", "duty"):
        result = subprocess.run([CLIENT, "keygen", unit, "--dir", certs], capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stderr
    clients = os.path.join(certs, "clients")
    os.makedirs(clients, exist_ok=True)
    for unit in ("street.caoyang", "dashboard", "duty"):
        shutil.copy(os.path.join(certs, unit + ".cert"), clients)
    return _config(folder, enabled="1"), certs


def _curve_sub(ctx, certs, unit, prefix):
    sock = ctx.socket(zmq.SUB)
    sock.setsockopt(zmq.LINGER, 0)
    public, secret = zmq.auth.load_certificate(os.path.join(certs, unit + ".cert_secret"))
    server_public, _ = zmq.auth.load_certificate(os.path.join(certs, "server.cert"))
    sock.curve_publickey, sock.curve_secretkey = public, secret
    sock.curve_serverkey = server_public
    sock.setsockopt(zmq.SUBSCRIBE, prefix)
    return sock


def test_revoked_dashboard_stops_receiving():
    """Security on, dashboards = 1: removing a dashboard's certificate cuts
    its open SUB within a few seconds; another dashboard is unaffected."""
    folder = tempfile.mkdtemp(prefix="hs-revoke-")
    config, certs = _setup_certs(folder)
    daemon = Daemon(folder=folder, config=config, binary=BINARY)
    daemon.spawn()
    try:
        deadline = time.time() + 10
        while "huishangd: district" not in daemon.read_log():
            assert time.time() < deadline and daemon.proc.poll() is None, daemon.read_log()
            time.sleep(0.05)
        revoked = _curve_sub(daemon.ctx, certs, "dashboard", b"alert.")
        kept = _curve_sub(daemon.ctx, certs, "duty", b"alert.")
        revoked.connect(daemon.publish)
        kept.connect(daemon.publish)
        feeder = daemon.ctx.socket(zmq.PUB)
        feeder.setsockopt(zmq.LINGER, 0)
        public, secret = zmq.auth.load_certificate(os.path.join(certs, "street.caoyang.cert_secret"))
        feeder.curve_publickey, feeder.curve_secretkey = public, secret
        feeder.curve_serverkey, _ = zmq.auth.load_certificate(os.path.join(certs, "server.cert"))
        feeder.connect(daemon.ingest)
        import msgpack
        sent = [0]

        def publish():
            sent[0] += 1
            rid = "rev-%d" % sent[0]
            feeder.send_multipart([b"report.street.caoyang",
                                   msgpack.packb(report(rid=rid, name="%s 有限公司" % rid), use_bin_type=True)])

        def drain(sock):
            count = 0
            while sock.poll(0):
                sock.recv_multipart()
                count += 1
            return count

        # both hear alerts
        heard = [0, 0]
        deadline = time.time() + 10
        while (not heard[0] or not heard[1]) and time.time() < deadline:
            publish()
            time.sleep(0.2)
            heard[0] += drain(revoked)
            heard[1] += drain(kept)
        assert heard[0] and heard[1], heard
        os.remove(os.path.join(certs, "clients", "dashboard.cert"))
        removed_at = time.time()
        last_heard, kept_heard = removed_at, 0
        while time.time() < removed_at + 6:
            publish()
            time.sleep(0.2)
            if drain(revoked):
                last_heard = time.time()
            kept_heard += drain(kept)
        cut_after = last_heard - removed_at
        print("    revoked dashboard: last alert %.2f s after its certificate was removed; "
              "the other heard %d of %d" % (cut_after, kept_heard, 30))
        assert cut_after < 4, cut_after                 # and nothing for the last 2 s
        assert kept_heard >= 25, kept_heard             # the other hardly notices
        assert "cut off (its certificate was removed)" in daemon.read_log()
        for sock in (revoked, kept, feeder):
            sock.close()
    finally:
        daemon.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
