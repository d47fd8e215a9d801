"""The duty board's HTTP server, build/huishang-web (issue 15, web-contract):
the real daemon and the board on loopback, asked with http.client as a
browser would (the browser itself is the page's tests): the JSON views, the
live stream (SSE) within 2 s, a reconnect with Last-Event-ID that misses
nothing and repeats nothing, a kill -9 of the daemon in the middle (nothing
lost, nothing twice; stale / fresh when the daemon sends heartbeats), users
added with --add-user, login with its cookie flags, wrong passwords refused
and then rate-limited, acting with and without the CSRF token, on one's own
case and another unit's, Chart.js, and the bounds (64 streams, the 65th
refused; the memory they take; a body too large)."""

import http.client
import json
import os
import re
import socket
import subprocess
import tempfile
import time
import urllib.parse

from handling_desk import HOUR_MS, WAIT_S, Desk, enterprise, handler, ok
from harness import BUILD, ROOT, config_copy, report

WEB = os.path.join(BUILD, "huishang-web")


class Web:
    """One huishang-web on a free loopback port, in front of a Desk's daemon."""

    def __init__(self, desk, users=None, tls=None, extra=()):
        self.folder = desk.daemon.folder
        self.tls = tls
        daemon = desk.daemon
        args = [WEB, "--listen", "127.0.0.1:0", "--api", daemon.api, "--publish", daemon.publish,
                "--submit", daemon.submit]
        if users:
            args += ["--users", users]
        if tls:
            args += ["--tls-cert", tls[0], "--tls-key", tls[1]]
        args += list(extra)
        self.log = tempfile.TemporaryFile(dir=self.folder)
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode()
        match = re.search(r"serving https?://127\.0\.0\.1:(\d+)/", line)
        assert match, "huishang-web did not start: %r %s" % (line, self.read_log())
        self.port = int(match.group(1))

    def read_log(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def wait_joined(self, timeout=15.0):
        """Until the feed has joined the daemon's stream (a join that fails,
        on a loaded machine, is tried again 5 s later)."""
        deadline = time.time() + timeout
        while "joined the daemon's stream" not in self.read_log():
            assert time.time() < deadline, "huishang-web never joined: %s" % self.read_log()
            time.sleep(0.05)

    def request(self, method, path, body=None, headers=None, cookie=None):
        """(status, headers, body bytes)."""
        if self.tls:
            import ssl
            context = ssl.create_default_context(cafile=self.tls[0])
            context.check_hostname = False
            connection = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=WAIT_S,
                                                     context=context)
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT_S)
        headers = dict(headers or {})
        if cookie:
            headers["Cookie"] = cookie
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body)
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, response, data

    def json(self, path, cookie=None):
        status, _, data = self.request("GET", path, cookie=cookie)
        return status, json.loads(data)

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as handle:
            return int(re.search(r"VmRSS:\s+(\d+)", handle.read()).group(1))

    def stop(self):
        """SIGTERM: it must stop within 10 s and cleanly (exit 0; under the
        sanitizers, no report)."""
        self.proc.terminate()
        try:
            code = self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError("huishang-web did not stop on SIGTERM")
        log = self.read_log()
        self.log.close()
        assert code == 0 and "Sanitizer" not in log, "huishang-web exit %s:\n%s" % (code, log[-3000:])


class Stream:
    """One /events stream read off a raw socket: its events as dicts."""

    def __init__(self, web, last_id=None, path="/events"):
        self.sock = socket.create_connection(("127.0.0.1", web.port), timeout=WAIT_S)
        extra = "Last-Event-ID: %d\r\n" % last_id if last_id is not None else ""
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: board\r\nAccept: text/event-stream\r\n"
                           "%s\r\n" % (path, extra)).encode())
        self.buffer = b""
        self.status = None
        self.events = []
        self.web = web

    def _read(self, timeout):
        self.sock.settimeout(max(timeout, 0.01))
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            return
        if not chunk:
            raise EOFError("the board ended the stream")
        self.buffer += chunk
        if self.status is None and b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            self.status = int(head.split()[1])
            self.chunked = b"chunked" in head.lower()
        if self.status is None:
            return
        text = self._unchunk() if self.chunked else self.buffer
        if not self.chunked:
            self.buffer = b""
        self.text = getattr(self, "text", b"") + text
        while b"\n\n" in self.text:
            block, self.text = self.text.split(b"\n\n", 1)
            event = {}
            for line in block.decode().split("\n"):
                if line.startswith(":") or ":" not in line:
                    continue
                key, value = line.split(":", 1)
                event[key] = value[1:] if value.startswith(" ") else value
            if "event" in event:
                if "data" in event:
                    event["data"] = json.loads(event["data"])
                self.events.append(event)

    def _unchunk(self):
        out = b""
        while b"\r\n" in self.buffer:
            size_line, rest = self.buffer.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            if len(rest) < size + 2:
                break
            out += rest[:size]
            self.buffer = rest[size + 2:]
        return out

    def wait(self, predicate, what, timeout=WAIT_S):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [e for e in self.events if predicate(e)]
            if found:
                return found
            self._read(deadline - time.time())
        raise AssertionError("no %s on the stream within %.1f s: %s; huishang-web said: %s"
                             % (what, timeout, [e.get("event") for e in self.events],
                                self.web.read_log()[-1500:]))

    def stored(self):
        return [e for e in self.events if "id" in e]

    def close(self):
        self.sock.close()


def alert_of(case, kind="new"):
    return lambda e: (e.get("event") == "alert" and e["data"]["body"].get("case") == case
                      and e["data"]["body"].get("kind") == kind)


def add_user(users, name, unit, password):
    done = subprocess.run([WEB, "--users", users, "--add-user", name, "--unit", unit],
                          input=password + "\n", capture_output=True, text=True, timeout=WAIT_S)
    assert done.returncode == 0, done.stderr
    assert os.stat(users).st_mode & 0o777 == 0o600


def cookie_of(response):
    value = response.getheader("Set-Cookie")
    assert value, "no cookie set"
    return value, value.split(";")[0]


def _quick_beats(desk):
    """A daemon that beats every 500 ms when it beats at all (server/heartbeat,
    helper fresh's part), so that three missed beats take 1.5 s, not 6."""
    with open(os.path.join(ROOT, "config", "huishang.cfg")) as handle:
        if re.search(r"\n    heartbeat = ", handle.read()):
            desk.daemon.config = config_copy(desk.daemon.folder, heartbeat="500ms")
    return desk


def test_board_live_replay_and_a_kill9():
    with _quick_beats(Desk()) as desk:
        web = Web(desk)
        try:
            status, config = web.json("/api/config")
            assert status == 200
            assert config["district"] == "putuo" and config["zone_offset_ms"] == 8 * 3600 * 1000
            assert config["zone_name"] == "Asia/Shanghai" and config["user"] is None
            assert config["levels"] == ["general", "significant", "major", "critical"]
            assert {"code": "street.caoyang", "name": "曹杨新村街道", "kind": "street"}.items() \
                <= [u for u in config["units"] if u["code"] == "street.caoyang"][0].items()
            # a report published shows up on the stream within 2 s, then in the views
            web.wait_joined()
            live = Stream(web)
            started = time.time()
            first = desk.open_case(source="street.caoyang", workers=40, **enterprise(701))
            seen = live.wait(alert_of(first), "the new case's alert", timeout=2.0)
            assert time.time() - started < 2.0 + 0.5
            assert live.status == 200
            first_seq = int(seen[0]["id"])
            assert seen[0]["data"]["seq"] == first_seq
            assert seen[0]["data"]["topic"].startswith("alert.")
            status, board = web.json("/api/board")
            assert status == 200
            rows = {row["street"]: row for row in board["open"]}
            assert rows["street.caoyang"]["total"] == 1 and rows["total"]["total"] == 1
            assert board["next_seq"] > first_seq
            assert len(board["trend"]["days"]) == 14
            assert sum(sum(v) for v in board["trend"]["series"].values()) == 1
            assert [h for h in board["handling"] if h["case"] == first
                    and h["unit"] == "street.caoyang" and h["state"] == "not_signed"]
            status, alerts = web.json("/api/alerts?limit=10")
            assert [a for a in alerts if a["case"] == first and a["kind"] == "new"
                    and a["enterprise"] == enterprise(701)["name"] and a["workers"] == 40]
            assert web.json("/api/alerts?limit=501")[0] == 400
            status, kase = web.json("/api/case/" + first)
            assert status == 200 and kase["case"]["id"] == first and kase["actions"] == []
            assert kase["history"] and [w for w in kase["why"] if w["type"] == "route"]
            status, missing = web.json("/api/case/putuo-999999")
            assert status == 404 and missing["code"] == "unknown_case", missing
            # the browser goes away; a case opens meanwhile; it comes back
            live.close()
            second = desk.open_case(source="street.wanli", workers=12, **enterprise(702))
            back = Stream(web, last_id=first_seq)
            back.wait(alert_of(second), "the missed case's alert (replay)")
            ids = [int(e["id"]) for e in back.stored()]
            assert ids and min(ids) > first_seq, ids
            assert len(ids) == len(set(ids)), "a duplicate: %s" % ids
            by_query = Stream(web, path="/events?since=%d" % first_seq)
            by_query.wait(alert_of(second), "the missed case's alert (?since=)")
            assert [int(e["id"]) for e in by_query.stored()] == ids[:len(by_query.stored())]
            by_query.close()
            # kill -9 in the middle; with heartbeats: stale, then fresh
            beats = bool([e for e in back.events if e["event"] == "heartbeat"]) or bool(
                _try(lambda: back.wait(lambda e: e["event"] == "heartbeat", "a heartbeat", 2.5)))
            if beats:
                assert back.wait(lambda e: e["event"] == "heartbeat", "a beat")[0]["data"]["wall"] > 0
            desk.disconnect()
            desk.daemon.kill9()
            if beats:
                stale = back.wait(lambda e: e["event"] == "stale", "stale", timeout=10.0)
                assert stale[0]["data"]["since"] > 0
            else:
                print("SKIP stale/fresh: this daemon sends no hs.heartbeat (helper fresh's part; "
                      "the lead merges it)")
            status, board = web.json("/api/board")
            assert status == 502 and board["error"] == "unavailable"
            desk.daemon.start()
            desk.connect()
            if beats:
                back.wait(lambda e: e["event"] == "fresh", "fresh after the restart")
            third = desk.open_case(source="street.caoyang", workers=9, **enterprise(703))
            back.wait(alert_of(third), "the case opened after the restart")
            ids = [int(e["id"]) for e in back.stored()]
            assert len(ids) == len(set(ids)), "sent twice after the restart: %s" % ids
            status, alerts = web.json("/api/alerts?limit=500")
            seqs = [a["seq"] for a in alerts]
            assert len(seqs) == len(set(seqs)) and seqs == sorted(seqs, reverse=True)
            assert {first, second, third} <= {a["case"] for a in alerts if a["kind"] == "new"}
            status, board = web.json("/api/board")
            assert status == 200 and [r for r in board["open"] if r["street"] == "total"][0]["total"] == 3
            back.close()
        finally:
            web.stop()


def _try(probe):
    try:
        return probe()
    except AssertionError:
        return None


def test_login_act_and_refusals():
    with Desk() as desk:
        users = os.path.join(desk.daemon.folder, "users")
        add_user(users, "张伟", "street.caoyang", "correct horse")
        add_user(users, "wang", "office", "battery staple")
        with open(users) as handle:
            lines = [l for l in handle.read().splitlines() if not l.startswith("#")]
        assert [l.split()[:2] for l in lines] == [["wang", "office"], ["张伟", "street.caoyang"]]
        # libsodium's crypto_pwhash_str at its interactive limits (64 MiB, 2 passes)
        assert all(l.split()[2].startswith("$argon2id$v=19$m=65536,t=2,p=1$") for l in lines)
        ours = desk.open_case(source="street.caoyang", workers=30, **enterprise(711))
        theirs = desk.open_case(source="street.wanli", workers=30, **enterprise(712))
        web = Web(desk, users=users)
        try:
            status, response, _ = web.request("POST", "/login", {"name": "张伟",
                                                                 "password": "correct horse"})
            assert status == 303 and response.getheader("Location") == "/"
            header, cookie = cookie_of(response)
            flags = [f.strip() for f in header.split(";")]
            assert "HttpOnly" in flags and "SameSite=Strict" in flags and "Path=/" in flags
            assert "Secure" not in flags                # no TLS here
            assert re.fullmatch(r"hs_session=[0-9a-f]{64}", cookie)
            status, config = web.json("/api/config", cookie=cookie)
            assert config["user"] == {"name": "张伟", "unit": "street.caoyang"}
            csrf = config["csrf"]
            assert re.fullmatch(r"[0-9a-f]{64}", csrf)
            status, kase = web.json("/api/case/" + ours, cookie=cookie)
            assert "sign" in kase["actions"]
            # not logged in, no csrf, a wrong one: refused, nothing sent
            before = desk.daemon.counters()["updates"]
            assert web.request("POST", "/api/act", {"case": ours, "action": "sign"})[0] == 401
            status, _, body = web.request("POST", "/api/act", {"case": ours, "action": "sign"},
                                          cookie=cookie)
            assert status == 403 and json.loads(body)["error"] == "csrf"
            status, _, body = web.request("POST", "/api/act", {"case": ours, "action": "sign",
                                          "csrf": "0" * 64}, cookie=cookie)
            assert status == 403 and json.loads(body)["error"] == "csrf"
            # another unit's case: not ours to sign
            status, _, body = web.request("POST", "/api/act", {"case": theirs, "action": "sign",
                                          "csrf": csrf}, cookie=cookie)
            assert status == 403 and json.loads(body)["error"] == "not_your_case", body
            assert web.json("/api/case/" + theirs, cookie=cookie)[1]["actions"] == []
            assert desk.daemon.counters()["updates"] == before
            # with the token, our own case: signed, by this person
            status, _, body = web.request("POST", "/api/act", json.dumps(
                {"case": ours, "action": "sign", "csrf": csrf, "note": "已签收"}),
                headers={"Content-Type": "application/json"}, cookie=cookie)
            reply = json.loads(body)
            assert status == 200 and reply["ok"] is True and reply["seq"] > 0, body
            record = desk.case(ours)
            assert handler(record, "street.caoyang")["state"] == "signed"
            signed = [e for e in desk.history(ours) if e["seq"] == reply["seq"]]
            assert signed and signed[0]["body"].get("person") == "张伟", signed
            assert signed[0]["topic"] == "update.street.caoyang"
            status, kase = web.json("/api/case/" + ours, cookie=cookie)
            assert "sign" not in kase["actions"] and "resolve" in kase["actions"]
            # the office's act from the office's user; not from a street's
            status, _, body = web.request("POST", "/api/act", {"case": ours, "action": "regrade",
                                          "level": "major", "note": "x", "csrf": csrf},
                                          cookie=cookie)
            assert status == 403 and json.loads(body)["error"] == "not_your_case"
            status, response, _ = web.request("POST", "/login", {"name": "wang",
                                                                 "password": "battery staple"})
            office = cookie_of(response)[1]
            office_csrf = web.json("/api/config", cookie=office)[1]["csrf"]
            status, _, body = web.request("POST", "/api/act", {"case": ours, "action": "regrade",
                                          "level": "general", "note": "人数核减 fewer workers",
                                          "csrf": office_csrf}, cookie=office)
            assert status == 200, body
            assert desk.case(ours)["level"] == "general"
            # the daemon's refusal passed on: the same level again
            status, _, body = web.request("POST", "/api/act", {"case": ours, "action": "regrade",
                                          "level": "general", "note": "again",
                                          "csrf": office_csrf}, cookie=office)
            assert status == 409 and json.loads(body)["error"] == "bad_value", body
            # kill -9 in the middle: the session lives on in the board, the act goes through
            desk.kill9_and_restart()
            status, _, body = web.request("POST", "/api/act", {"case": ours, "action": "progress",
                                          "note": "调解中", "csrf": csrf}, cookie=cookie)
            assert status == 200, body
            updates = [e for e in desk.history(ours) if e["topic"] == "update.street.caoyang"]
            assert len(updates) == 2, updates           # sign and progress, each once
            # logout ends the session
            status, response, _ = web.request("POST", "/logout", {"csrf": csrf}, cookie=cookie)
            assert status == 303
            assert web.json("/api/config", cookie=cookie)[1]["user"] is None
            # a wrong password: 401 and the page says so; the sixth failure in a minute: 429
            status, _, page = web.request("POST", "/login", {"name": "张伟", "password": "nope"})
            assert status == 401 and b"login-error" in page
            codes = [web.request("POST", "/login", {"name": "张伟", "password": "nope%d" % n})[0]
                     for n in range(5)]
            assert codes == [401, 401, 401, 401, 429], codes
            assert web.request("POST", "/login", {"name": "张伟",
                                                  "password": "correct horse"})[0] == 429
            assert "login refused from 127.0.0.1" in web.read_log()
        finally:
            web.stop()


def test_assets_and_bounds():
    with Desk() as desk:
        web = Web(desk)
        try:
            status, response, data = web.request("GET", "/js/chart.js")
            if os.path.exists("/usr/share/javascript/chart.js/chart.min.js"):
                assert status == 200 and b"Chart" in data[:400]
                assert response.getheader("Content-Type").startswith("application/javascript")
            else:
                assert status == 404 and b"libjs-chart.js" in data
            assets = os.path.join(ROOT, "web", "assets")
            for path, name in (("/", "board.html"), ("/case/putuo-1", "case.html"),
                               ("/briefing", "briefing.html"), ("/login", "login.html")):
                status, response, _ = web.request("GET", path)
                if os.path.exists(os.path.join(assets, name)):
                    assert status == 200 and response.getheader("Content-Type").startswith(
                        "text/html"), (path, status)
                else:
                    assert status == 404, (path, status)
            assert web.request("GET", "/assets/../../etc/passwd")[0] == 404
            assert web.request("GET", "/nothing")[0] == 404
            assert web.request("POST", "/api/act", "x" * (70 * 1024))[0] == 413
            assert web.request("POST", "/login", {"name": "a", "password": "b"})[0] == 403
            # 64 live streams: the 65th is refused; the memory stays bounded
            before = web.rss_kb()
            streams = [Stream(web) for _ in range(64)]
            for stream in streams:
                deadline = time.time() + WAIT_S
                while stream.status is None and time.time() < deadline:
                    stream._read(0.5)
            assert all(s.status == 200 for s in streams), [s.status for s in streams]
            extra = Stream(web)
            deadline = time.time() + WAIT_S
            while extra.status is None and time.time() < deadline:
                extra._read(0.5)
            assert extra.status == 503
            extra.close()
            desk.open_case(source="street.caoyang", workers=50, **enterprise(721))
            for stream in streams[:8]:
                stream.wait(lambda e: e["event"] == "alert", "the alert on every stream")
            grown = web.rss_kb() - before
            assert grown < 64 * 1024, "64 streams took %d kB" % grown
            for stream in streams:
                stream.close()
            assert web.request("GET", "/api/config")[0] == 200
        finally:
            web.stop()


def test_stale_and_fresh_from_beats():
    # The board's own reading of the beats, whatever the daemon sends: a
    # publisher of our own beats every 200 ms (interval_ms 200), stops (three
    # missed: `stale`, since the last beat's wall time), starts again (`fresh`).
    import msgpack
    import zmq
    with Desk() as desk:
        folder = desk.daemon.folder
        pub = zmq.Context.instance().socket(zmq.XPUB)
        endpoint = "ipc://%s/beats" % folder
        pub.bind(endpoint)
        args = [WEB, "--listen", "127.0.0.1:0", "--api", desk.daemon.api, "--publish", endpoint]
        log = open(os.path.join(folder, "web-beats.log"), "wb")
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log)
        try:
            port = int(re.search(rb":(\d+)/", proc.stdout.readline()).group(1))
            web = type("W", (), {"port": port})()
            stream = Stream(web)
            assert pub.poll(WAIT_S * 1000), "the board never subscribed"
            pub.recv()

            def beat(n):
                wall = int(time.time() * 1000)
                pub.send_multipart([b"hs.heartbeat", msgpack.packb(
                    {"v": 1, "at": wall, "next_seq": 0, "wall": wall, "interval_ms": 200})])
                return wall

            last = None
            deadline = time.time() + WAIT_S
            while time.time() < deadline and not [e for e in stream.events
                                                  if e["event"] == "heartbeat"]:
                last = beat(0)
                stream._read(0.2)
            beats = stream.wait(lambda e: e["event"] == "heartbeat", "a relayed heartbeat")
            assert set(beats[0]["data"]) == {"at", "next_seq", "wall"}
            assert not [e for e in stream.events if e["event"] == "stale"]
            stale = stream.wait(lambda e: e["event"] == "stale", "stale after 3 missed beats")
            assert stale[0]["data"]["since"] == last
            deadline = time.time() + WAIT_S
            while time.time() < deadline and not [e for e in stream.events
                                                  if e["event"] == "fresh"]:
                beat(0)
                stream._read(0.2)
            stream.wait(lambda e: e["event"] == "fresh", "fresh when the beats come back")
            stream.close()
        finally:
            proc.terminate()
            assert proc.wait(10) == 0
            log.close()
            pub.close(0)


def test_unit_file_verifies():
    # systemd-analyze verify passes on systemd/huishang-web.service (pointed
    # at this build), hardened as huishangd's unit is, and it cannot write
    # anywhere nor see the daemon's store.
    folder = tempfile.mkdtemp(prefix="hs-web-unit-")
    try:
        text = open(os.path.join(ROOT, "systemd", "huishang-web.service")).read()
        for needed in ("DynamicUser=yes", "ProtectSystem=strict", "InaccessiblePaths=-/var/lib/huishang",
                       "LoadCredential=users:"):
            assert needed in text, needed
        assert "StateDirectory" not in text and "ReadWritePaths" not in text
        unit = os.path.join(folder, "huishang-web.service")
        with open(unit, "w") as handle:
            handle.write(text.replace("/usr/local/sbin/huishang-web", WEB))
        out = subprocess.run(["systemd-analyze", "verify", "--man=no", unit],
                             capture_output=True, text=True)
        assert out.returncode == 0 and out.stderr.strip() == "", out.stderr
        out = subprocess.run(["systemd-analyze", "security", "--offline=true", unit],
                             capture_output=True, text=True)
        assert "Overall exposure level for huishang-web.service: 1.1 OK" in out.stdout, \
            out.stdout[-800:]
    finally:
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)


def test_board_overdue_meetings_and_actions_on_a_fast_clock():
    # A drill clock 60000x: the cases' sign clocks run out (overdue, worst
    # first, with their rung), a meeting held with an open action item, a
    # meeting never held past its deadline (missed), each as the board says.
    with Desk(time_start="2026-03-04T10:00", time_scale=60000) as desk:
        web = Web(desk)
        try:
            held_case = desk.open_case(source="street.caoyang", workers=35, **enterprise(731))
            request = desk.wait(lambda: [b for t, b in desk.published("meeting.request")
                                         if b.get("case") == held_case], "its meeting")[0]
            due = desk.clock() + 2 * HOUR_MS
            ok(desk.submit({"v": 1, "id": "mn-web", "source": "office", "at": desk.at(),
                            "meeting": request["meeting"], "decisions": ["人社局牵头核实欠薪"],
                            "cases": [held_case],
                            "actions": [{"owner": "hrss", "text": "三日内核实欠薪数额",
                                         "due": due, "case": held_case}]}, "minutes.office"))
            missed_case = desk.open_case(source="street.wanli", workers=40, **enterprise(732))
            missed = desk.wait(lambda: [b for t, b in desk.published("meeting.request")
                                        if b.get("case") == missed_case], "its meeting")[0]

            def board_shows():
                status, board = web.json("/api/board")
                assert status == 200
                meetings = {m["meeting"]: m for m in board["meetings"]}
                overdue = {o["case"] for o in board["overdue"]}
                done = (meetings.get(request["meeting"], {}).get("state") == "held"
                        and meetings.get(missed["meeting"], {}).get("state") == "missed"
                        and {held_case, missed_case} <= overdue
                        and [a for a in board["actions"] if a["late_ms"] > 0])
                return board if done else None
            board = desk.wait(board_shows, "overdue cases, a held and a missed meeting, a late item")
            times = [m["time"] for m in board["meetings"]]
            assert times == sorted(times)
            item = [a for a in board["actions"] if a["meeting"] == request["meeting"]][0]
            assert item["item"] == request["meeting"] + "-a1" and item["owner"] == "hrss"
            assert item["due"] == due
            rows = board["overdue"]
            ranks = [("remind", "supervise", "circulate").index(r["rung"]) if r["rung"] else -1
                     for r in rows]
            assert all(r["late_ms"] > 0 for r in rows)
            assert all((ranks[i], rows[i]["late_ms"]) >= (ranks[i + 1], rows[i + 1]["late_ms"])
                       for i in range(len(rows) - 1)), rows
            row = [r for r in rows if r["case"] == missed_case][0]
            assert "street.wanli" in row["units"] and row["street"] == "street.wanli"
            assert [h for h in board["handling"] if h["case"] == missed_case
                    and h["unit"] == "street.wanli" and h["state"] == "not_signed"]
            # the next morning's 08:30 daily briefing (a drill day is 1.4 s here)
            assert web.json("/api/briefing?period=monthly")[0] == 400
            brief = desk.wait(lambda: web.json("/api/briefing?period=daily")[1].get("brief"),
                              "the daily briefing")
            assert brief["period"] == "daily" and brief["district"] == "putuo", brief
        finally:
            web.stop()


def test_board_meetings_and_feeders_from_before_it_started():
    # The board's meetings, action items and feeders come from the daemon's
    # store (api meetings, health's feeders), not from the events the board
    # holds: a meeting requested, then more events than the board reads back
    # at its start (2000), then the board; a feeder that sent one heartbeat
    # and no more (silent after feeds/silence, 30 min: half a second at
    # 3600x), one that reported once (never warned of), each with its state.
    with Desk(time_start="2026-03-04T10:00", time_scale=3600) as desk:
        case = desk.open_case(source="street.caoyang", workers=35, **enterprise(741))
        request = desk.wait(lambda: [b for t, b in desk.published("meeting.request")
                                     if b.get("case") == case], "its meeting")[0]
        status, ack = desk.submit({"v": 1, "source": "hrss", "at": desk.at()}, "heartbeat.hrss")
        assert status == "ok", ack                      # a heartbeat is not stored: no seq
        ok(desk.report(source="union", street="wanli", workers=3, **enterprise(742)))
        feeder = desk.daemon.feeder()
        started, sent = time.time(), 0
        while desk.daemon.counters()["next_seq"] < request["seq"] + 2100:
            assert sent < 3000 and time.time() - started < 20, "the events did not come"
            for _ in range(200):
                sent += 1
                feeder.send(report(source="street.wanli", rid="flood-%d" % sent, workers=2,
                                   at=desk.at(), **enterprise(10000 + sent)))
            desk.pump(50)
        feeder.close()
        desk.kill9_and_restart()
        web = Web(desk)
        try:
            def board_shows():
                status, board = web.json("/api/board")
                assert status == 200, board
                meetings = {m["meeting"]: m for m in board["meetings"]}
                feeders = {f["unit"]: f for f in board["feeders"]}
                done = (meetings.get(request["meeting"], {}).get("state") == "upcoming"
                        and feeders.get("hrss", {}).get("state") == "silent"
                        and "union" in feeders)
                return (board, meetings, feeders) if done else None
            board, meetings, feeders = desk.wait(board_shows, "the meeting and the feeders")
            row = meetings[request["meeting"]]
            assert row["case"] == case and row["kind"] == "special", row
            assert row["time"] == row["deadline"] == request["deadline"], (row, request)
            assert row["invited"] >= len(request["participants"]) and row["attending"] == 0, row
            assert feeders["union"]["state"] == "ok" and 0 < feeders["union"]["last"] <= board["at"]
            assert 0 < feeders["hrss"]["last"] < board["at"]
            # what the board holds of the live stream does not have the request
            status, alerts = web.json("/api/alerts?limit=500")
            assert status == 200 and all(a["seq"] > request["seq"] for a in alerts)
        finally:
            web.stop()


def test_a_board_started_before_its_daemon_joins_when_it_comes():
    # huishang-web started while the daemon is down cannot join its stream:
    # it says so and tries again after 0.5 s, then 1 s, doubling to 5 s; the
    # daemon up, it joins, and a new case's alert reaches a stream.
    with Desk() as desk:
        desk.disconnect()
        assert desk.daemon.stop() == 0
        web = Web(desk)
        try:
            deadline = time.time() + 15
            while "trying again in 1.0 s" not in web.read_log():
                assert time.time() < deadline, web.read_log()
                time.sleep(0.1)
            log = web.read_log()
            assert "could not join the daemon's stream" in log, log
            assert log.index("trying again in 0.5 s") < log.index("trying again in 1.0 s"), log
            desk.daemon.start()
            desk.connect()
            web.wait_joined(timeout=20)
            live = Stream(web)
            first = desk.open_case(source="street.caoyang", workers=40, **enterprise(731))
            live.wait(alert_of(first), "the new case's alert")
        finally:
            web.stop()


def test_tls_and_secure_cookies():
    # --tls-cert/--tls-key: HTTPS (GnuTLS), the session cookie Secure; plain
    # HTTP on that port gets no page.
    with Desk() as desk:
        folder = desk.daemon.folder
        cert, key = os.path.join(folder, "board.pem"), os.path.join(folder, "board.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                        "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                       check=True, capture_output=True, timeout=WAIT_S)
        users = os.path.join(folder, "users")
        add_user(users, "zhou", "street.wanli", "correct horse")
        web = Web(desk, users=users, tls=(cert, key))
        try:
            status, config = web.json("/api/config")
            assert status == 200 and config["district"] == "putuo"
            status, response, _ = web.request("POST", "/login", {"name": "zhou",
                                                                 "password": "correct horse"})
            assert status == 303
            flags = [f.strip() for f in cookie_of(response)[0].split(";")]
            assert "Secure" in flags and "HttpOnly" in flags and "SameSite=Strict" in flags
            plain = http.client.HTTPConnection("127.0.0.1", web.port, timeout=WAIT_S)
            try:
                plain.request("GET", "/api/config")
                answered = plain.getresponse().status == 200
            except (http.client.HTTPException, OSError):
                answered = False
            assert not answered, "plain HTTP answered on the TLS port"
        finally:
            web.stop()


def test_security_on_the_board_speaks_with_its_own_certificate():
    # With security on, the board reaches the daemon's api, stream and submit
    # under a certificate of its own (--cert, the daemon's key from the
    # config's server_cert): the board, the stream and an act all go through.
    import shutil
    from harness import CLIENT, Daemon, config_copy, report
    from test_security import _send
    folder = tempfile.mkdtemp(prefix="hs-web-curve-")
    daemon = None
    webs = []
    try:
        certs = os.path.join(folder, "certs")
        for unit in ("server", "street.caoyang"):
            subprocess.run([CLIENT, "keygen", unit, "--dir", certs], check=True,
                           capture_output=True, timeout=WAIT_S)
        os.makedirs(os.path.join(certs, "clients"))
        shutil.copy(os.path.join(certs, "street.caoyang.cert"), os.path.join(certs, "clients"))
        config = config_copy(folder, enabled="1")
        daemon = Daemon(folder=folder, config=config).spawn()
        users = os.path.join(folder, "users")
        add_user(users, "张伟", "street.caoyang", "correct horse")
        desk = type("D", (), {"daemon": daemon})()

        def board(*extra):
            webs.append(Web(desk, users=users, extra=("--config", config) + extra))
            return webs[-1]

        keyed = board("--cert", os.path.join(certs, "street.caoyang.cert"))
        deadline = time.time() + WAIT_S
        while time.time() < deadline and keyed.json("/api/board")[0] != 200:
            time.sleep(0.2)
        assert keyed.json("/api/board")[0] == 200, keyed.read_log()
        stream = Stream(keyed)
        while stream.status is None and time.time() < deadline:
            stream._read(0.2)
        assert _send(daemon, certs, "street.caoyang", "report.street.caoyang",
                     report(rid="w1", name="加密测试有限公司", workers=12))
        alert = stream.wait(lambda e: e["event"] == "alert", "the alert, over CURVE")[0]
        case = alert["data"]["body"]["case"]
        status, response, _ = keyed.request("POST", "/login", {"name": "张伟",
                                                               "password": "correct horse"})
        cookie = cookie_of(response)[1]
        csrf = keyed.json("/api/config", cookie=cookie)[1]["csrf"]
        status, _, body = keyed.request("POST", "/api/act", {"case": case, "action": "sign",
                                        "csrf": csrf}, cookie=cookie)
        assert status == 200 and json.loads(body)["ok"], body
        stream.close()
    finally:
        for web in webs:
            web.stop()
        if daemon:
            daemon.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
