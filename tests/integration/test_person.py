"""The person who acted, and a board's certificate (issue 15; PROTOCOL
§1.2, §3.5, §3.12, §4.2). An update or act may say who in the unit did it
(`person`, 1..64 bytes of UTF-8): it is kept in the stored event, carried
in the alerts it causes, and shown by `huishang case` and the dossier; a
bad one is refused and nothing is stored. With security on, a board's
certificate (metadata `units`, a list) speaks for each unit it lists and
for no other. Through the real daemon, the CLI, the Python client and
pyzmq; every wait is bounded (handling_desk.WAIT_S)."""

import os
import shutil
import subprocess
import sys
import tempfile
import time

import msgpack
import zmq
import zmq.auth

from handling_desk import WAIT_S, Desk, enterprise, ok, refused
from harness import CLIENT, ROOT, Daemon, config_copy, now_ms, report

sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
import huishang  # noqa: E402  (the project's Python client)


def cli(daemon, *args):
    return subprocess.run([CLIENT, "--submit", daemon.submit, "--api", daemon.api] + list(args),
                          capture_output=True, text=True, timeout=30)


def history_of(desk, case, type_):
    return [e for e in desk.history(case) if e["type"] == type_]


def test_person_in_history_alerts_and_cli_across_a_kill9():
    with Desk() as desk:
        daemon = desk.daemon
        case = desk.open_case(source="street.caoyang", workers=3, **enterprise(7101))
        new = desk.alerts(case=case, kind="new")
        assert len(new) == 1 and "person" not in new[0], new      # a report names nobody
        # the CLI signs for the street, the Python client reports progress
        result = cli(daemon, "sign", case, "--source", "street.caoyang", "--person", "张伟")
        assert result.returncode == 0 and result.stdout.startswith("ok seq "), result.stderr
        client = huishang.Client(submit=daemon.submit, api=daemon.api, timeout=2, retries=5)
        client.update(case, "street.caoyang", "mediating", note="已约谈企业负责人", person="李娜")
        client.close()
        # an update without a person: as before
        ok(desk.update("street.caoyang", case, "accepted"))
        before = [e["body"].get("person") for e in history_of(desk, case, "update")]
        assert before == ["张伟", "李娜", None], before

        desk.kill9_and_restart()
        # what was stored before the kill still names who did it
        after = [e["body"].get("person") for e in history_of(desk, case, "update")]
        assert after == before, after

        result = cli(daemon, "resolve", case, "--source", "street.caoyang", "--note",
                     "工资已全额发放", "--person", "张伟")
        assert result.returncode == 0, result.stderr
        client = huishang.Client(submit=daemon.submit, api=daemon.api, timeout=2, retries=5)
        client.close_case(case, note="审核通过", person="王芳")
        client.close()
        resolved = desk.wait(lambda: desk.alerts(case=case, kind="resolved"), "resolved alert")
        closed = desk.wait(lambda: desk.alerts(case=case, kind="closed"), "closed alert")
        assert resolved[0]["person"] == "张伟" and resolved[0]["source"] == "street.caoyang"
        assert closed[0]["person"] == "王芳" and closed[0]["source"] == "office", closed
        acts = history_of(desk, case, "act")
        assert [(a["body"]["act"], a["body"]["person"]) for a in acts] == [("close", "王芳")]
        # each alert once, across the kill: the replay holds one of each kind
        kinds = [b["kind"] for t, b in desk.replayed().values()
                 if t.startswith("alert.") and b.get("case") == case]
        assert sorted(kinds) == ["closed", "new", "resolved"], kinds

        # huishang case: each history line says who
        result = cli(daemon, "case", case)
        assert result.returncode == 0, result.stderr
        lines = result.stdout.split("history:\n")[1].splitlines()
        said = [l for l in lines if " by " in l]
        assert any("(street.caoyang) by 张伟: signed" in l for l in said), lines
        assert any("(street.caoyang) by 李娜: mediating" in l for l in said), lines
        assert any("(street.caoyang) by 张伟: resolved" in l for l in said), lines
        assert any("act close" in l and "(office) by 王芳:" in l for l in said), lines
        assert any("[closed]" in l and l.endswith("by 王芳") for l in said), lines
        accepted = [l for l in lines if ": accepted" in l]
        assert len(accepted) == 1 and " by " not in accepted[0], accepted
        # the dossier too
        path = os.path.join(daemon.folder, "dossier.html")
        result = cli(daemon, "dossier", case, "-o", path)
        assert result.returncode == 0, result.stderr
        with open(path, encoding="utf-8") as handle:
            page = handle.read()
        assert page.count("经办人") >= 5 and "王芳" in page and "李娜" in page, page[-2000:]


def test_a_bad_person_is_refused_and_nothing_stored():
    with Desk() as desk:
        case = desk.open_case(source="street.caoyang", workers=3, **enterprise(7102))
        desk.settle(200)
        before = desk.daemon.counters()["next_seq"]
        history = len(desk.history(case))
        for person, code in (("", "bad_value"), ("张" * 22, "bad_value"),     # 66 bytes
                             ("张\n伟", "bad_value"), ("\u0007", "bad_value"), (7, "bad_type"),
                             (["张伟"], "bad_type")):
            refused(desk.update("street.caoyang", case, "signed", person=person), code)
            refused(desk.act("office", case, "regrade", level="major", reason="媒体关注",
                             person=person), code)
        # 64 bytes is the most: 21 Chinese characters and one letter
        longest = "张" * 21 + "x"
        assert len(longest.encode()) == 64
        assert desk.daemon.counters()["next_seq"] == before
        assert len(desk.history(case)) == history
        assert desk.case(case)["status"] != "signed"
        seq = ok(desk.update("street.caoyang", case, "signed", person=longest))
        assert desk.history(case)[-1]["seq"] == seq
        assert desk.history(case)[-1]["body"]["person"] == longest
        # the clients refuse it before it is sent
        result = cli(desk.daemon, "sign", case, "--source", "street.caoyang", "--person", "")
        assert result.returncode == 2 and "--person" in result.stderr, result.stderr
        result = cli(desk.daemon, "close", case, "--person", "x" * 65)
        assert result.returncode == 2 and "--person" in result.stderr, result.stderr
        client = huishang.Client(submit=desk.daemon.submit, api=desk.daemon.api, timeout=2)
        for call in (lambda: client.sign(case, "street.caoyang", person=""),
                     lambda: client.regrade(case, "major", "x", person="y" * 65),
                     lambda: client.close_case(case, person="a\nb")):
            try:
                call()
            except ValueError as error:
                assert "person" in str(error), error
            else:
                raise AssertionError("a bad person passed the Python client")
        client.close()
        assert desk.daemon.counters()["next_seq"] == seq + 1


# -- a board's certificate --------------------------------------------------------

def _keygen(certs, name, *extra):
    result = subprocess.run([CLIENT, "keygen", name, "--dir", certs] + list(extra),
                            capture_output=True, text=True, timeout=20)
    assert result.returncode == 0, result.stderr
    return result


class CurveReq:
    """Requests to `endpoint` (submit or api) under one certificate: a REQ,
    CURVE client, sent again on a fresh socket until answered."""

    def __init__(self, ctx, endpoint, certs, name):
        self.ctx, self.endpoint = ctx, endpoint
        self.public, self.secret = zmq.auth.load_certificate(
            os.path.join(certs, name + ".cert_secret"))
        self.server, _ = zmq.auth.load_certificate(os.path.join(certs, "server.cert"))
        self.sock = None

    def _connect(self):
        if self.sock is not None:
            self.sock.close(linger=0)
        self.sock = self.ctx.socket(zmq.REQ)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.curve_publickey, self.sock.curve_secretkey = self.public, self.secret
        self.sock.curve_serverkey = self.server
        self.sock.connect(self.endpoint)

    def submit(self, topic, body):
        """(status, reply): a submit's topic and body, or an api command and
        its arguments."""
        deadline = time.time() + WAIT_S
        while time.time() < deadline:
            if self.sock is None:
                self._connect()
            self.sock.send_multipart([topic.encode(), msgpack.packb(body, use_bin_type=True)])
            if self.sock.poll(1000):
                status, reply = self.sock.recv_multipart()
                return status.decode(), msgpack.unpackb(reply, raw=False)
            self._connect()                     # the Lazy Pirate: a fresh socket
        raise AssertionError("no answer to %s within %ss" % (topic, WAIT_S))

    def close(self):
        if self.sock is not None:
            self.sock.close(linger=0)


def test_a_board_certificate_speaks_for_its_units_only():
    folder = tempfile.mkdtemp(prefix="hs-person-board-")
    daemon = None
    socks = []
    try:
        certs = os.path.join(folder, "certs")
        for name in ("server", "street.caoyang", "dashboard"):
            _keygen(certs, name)
        made = _keygen(certs, "board", "--units", "street.caoyang,office")
        assert "board.cert" in made.stdout
        _keygen(certs, "wrongboard", "--units", "street.caoyang street.nowhere")
        with open(os.path.join(certs, "board.cert")) as handle:
            assert 'units = "street.caoyang office"' in handle.read()
        clients = os.path.join(certs, "clients")
        os.makedirs(clients)
        for name in ("street.caoyang", "dashboard", "board", "wrongboard"):
            shutil.copy(os.path.join(certs, name + ".cert"), clients)
        config = config_copy(folder, enabled="1")
        daemon = Daemon(folder=folder, config=config).spawn()
        ctx = daemon.ctx
        street, board, wrong = (CurveReq(ctx, daemon.submit, certs, name)
                                for name in ("street.caoyang", "board", "wrongboard"))
        socks += [street, board, wrong]

        status, reply = street.submit("report.street.caoyang", report(rid="b1", workers=3,
                                                                       name="看板测试制衣有限公司"))
        assert status == "ok", (reply, daemon.read_log())
        case = "putuo-%d" % reply["seq"]
        log = daemon.read_log()
        assert "wrongboard.cert is refused" in log and "street.nowhere" in log, log
        assert "board.cert is refused" not in log.replace("wrongboard.cert is refused", "")

        def body(source, mid, **fields):
            out = {"v": 1, "id": mid, "source": source, "at": now_ms(), "case": case}
            out.update(fields)
            return out

        # the board speaks for the street ...
        status, reply = board.submit("update.street.caoyang",
                                     body("street.caoyang", "bu1", status="signed", person="张伟"))
        assert status == "ok", reply
        status, reply = board.submit("update.street.caoyang",
                                     body("street.caoyang", "bu2", status="resolved",
                                          note="已调解", person="张伟"))
        assert status == "ok", reply
        # ... and for the office
        status, reply = board.submit("act.office", body("office", "ba1", act="close",
                                                        note="审核通过", person="王芳"))
        assert status == "ok", reply
        # not for a street it does not list, whatever it sends
        for topic, message in (
                ("update.street.ganquan", body("street.ganquan", "bg1", status="signed")),
                ("report.street.ganquan", report(source="street.ganquan", street="ganquan",
                                                 rid="bg2", name="甘泉测试有限公司"))):
            status, reply = board.submit(topic, message)
            assert status == "rejected" and reply["reason"] == "spoofing", (topic, reply)
        # a board certificate naming a unit we lack is refused for all of them
        status, reply = wrong.submit("update.street.caoyang",
                                     body("street.caoyang", "bw1", status="accepted"))
        assert status == "rejected" and reply["reason"] == "spoofing", reply
        # revoked like any key: its certificate removed, no restart; the
        # connection made before is refused from then on too
        os.remove(os.path.join(clients, "board.cert"))
        time.sleep(1.2)
        status, reply = board.submit("update.street.caoyang",
                                     body("street.caoyang", "bu3", status="failed"))
        assert status == "rejected" and reply["reason"] == "spoofing", reply

        # what the board did is the case's: closed by the office, by 王芳
        dash = CurveReq(ctx, daemon.api, certs, "dashboard")
        socks.append(dash)
        status, record = dash.submit("case", {"id": case})
        assert status == "ok", record
        assert record["case"]["stage"] == "closed", record["case"]
        people = [(e["type"], e["body"].get("source"), e["body"].get("person"))
                  for e in record["history"] if e["type"] in ("update", "act")]
        assert people == [("update", "street.caoyang", "张伟"), ("update", "street.caoyang", "张伟"),
                          ("act", "office", "王芳")], people
        closed = [e["body"] for e in record["history"]
                  if e["type"] == "alert" and e["body"]["kind"] == "closed"]
        assert len(closed) == 1 and closed[0]["person"] == "王芳", closed
    finally:
        for sock in socks:
            sock.close()
        if daemon:
            daemon.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
