"""Handling a case from the command line (issue 13): `huishang sign`,
`return`, `update`, `resolve` and the office's acts, and how `huishang case`
shows a case being handled.

Most of it needs no new daemon: the options are checked by the CLI itself,
and what it sends, and how it prints an answer, is seen through a stand-in
daemon (python3-zmq sockets on ipc endpoints) that records every message
and answers as the test tells it. The last test drives the real huishangd.
"""

import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

import msgpack
import zmq

from harness import CLIENT, ROOT, Daemon, report

COMMANDS = ("sign", "return", "update", "resolve", "close", "reject-closure", "followup",
            "regrade", "merge", "split", "mute", "unmute", "reroute", "insist")


def run(args, **kwargs):
    return subprocess.run([CLIENT] + list(args), capture_output=True, text=True, timeout=30,
                          **kwargs)


class StandIn:
    """A daemon's submit and api sockets, played by a thread: each submit
    is recorded as (topic, body) and answered by `answer(topic, body, n)`
    -> (status, reply map), or None to keep silent; the api answers
    `health` with `at` = self.clock and `case` with self.case_reply."""

    def __init__(self, answer=None):
        self.folder = tempfile.mkdtemp(prefix="hs-standin-")
        self.submit = "ipc://%s/submit" % self.folder
        self.api = "ipc://%s/api" % self.folder
        self.ingest = "ipc://%s/ingest" % self.folder
        self.answer = answer or (lambda topic, body, n: ("ok", {"v": 1, "seq": 100 + n}))
        self.received = []
        self.clock = 1790000000000
        self.case_reply = None
        self.ctx = zmq.Context.instance()
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.ready = threading.Event()
        self.thread.start()
        assert self.ready.wait(5)

    def _serve(self):
        submit = self.ctx.socket(zmq.ROUTER)
        submit.bind(self.submit)
        api = self.ctx.socket(zmq.ROUTER)
        api.bind(self.api)
        ingest = self.ctx.socket(zmq.SUB)
        ingest.setsockopt(zmq.SUBSCRIBE, b"")
        ingest.bind(self.ingest)
        poller = zmq.Poller()
        for sock in (submit, api, ingest):
            poller.register(sock, zmq.POLLIN)
        self.ready.set()
        while not self.stopping:
            for sock, _ in poller.poll(100):
                frames = sock.recv_multipart()
                if sock is ingest:
                    self.received.append((frames[0].decode(), msgpack.unpackb(frames[1]),
                                          "published"))
                    continue
                # the envelope: up to the empty delimiter (PROTOCOL.md §1.1)
                cut = frames.index(b"", 1) + 1
                envelope, request = frames[:cut], frames[cut:]
                if sock is submit:
                    topic, body = request[0].decode(), msgpack.unpackb(request[1])
                    self.received.append((topic, body, "submitted"))
                    answer = self.answer(topic, body, len(self.received))
                elif request[0] == b"health":
                    answer = ("ok", {"v": 1, "status": "ok", "at": self.clock})
                else:
                    answer = ("ok", self.case_reply)
                if answer:
                    sock.send_multipart(envelope + [answer[0].encode(),
                                                    msgpack.packb(answer[1])])
        for sock in (submit, api, ingest):
            sock.close(0)

    def cli(self, *args):
        return run(["--submit", self.submit, "--api", self.api] + list(args))

    def close(self):
        self.stopping = True
        self.thread.join(5)
        shutil.rmtree(self.folder, ignore_errors=True)


def test_each_command_has_its_help_and_refuses_bad_arguments():
    for command in COMMANDS:
        result = run([command, "--help"])
        assert result.returncode == 0, (command, result.stderr)
        assert result.stdout.startswith("usage: huishang %s CASE" % command), result.stdout
        assert "--no-ack" in result.stdout and "ok seq N" in result.stdout
        result = run([command])
        assert result.returncode == 2, (command, result.returncode)
        assert "usage: huishang %s" % command in result.stderr and not result.stdout
    assert "reject-closure" in run(["--help"]).stdout
    bad = [
        (["sign", "putuo-1"], "needs --source"),
        (["return", "putuo-1", "--source", "hrss"], "needs --reason"),
        (["return", "putuo-1", "--source", "hrss", "--reason", ""], "not an empty one"),
        (["resolve", "putuo-1", "--source", "hrss"], "needs --note"),
        (["update", "putuo-1", "--source", "hrss", "--status", "done"], "--status takes signed"),
        (["update", "putuo-1", "--source", "hrss", "--status", "mediating", "--workers", "0"],
         "--workers takes a whole number from 1"),
        (["update", "putuo-1", "--source", "hrss", "--status", "mediating", "--amount", "-5"],
         "--amount takes a whole number from 0"),
        (["update", "putuo-1", "--source", "hrss", "--status", "mediating", "--flags", "riot"],
         "'riot' is not a flag"),
        (["sign", "putuo-1", "--source", "hrss", "--workers", "3"], "takes no --workers"),
        (["close", "putuo-1", "--reason", "x"], "takes no --reason"),
        (["reject-closure", "putuo-1"], "needs --reason"),
        (["followup", "putuo-1", "--source", "street.caoyang", "--satisfied", "maybe"],
         "--satisfied takes yes or no"),
        (["followup", "putuo-1", "--satisfied", "yes"], "needs --source"),
        (["regrade", "putuo-1", "--level", "huge", "--reason", "x"], "--level takes general"),
        (["regrade", "putuo-1", "--level", "major"], "needs --reason"),
        (["merge", "putuo-1"], "too few operands"),
        (["merge", "putuo-1", "putuo-2", "putuo-3"], "too many operands"),
        (["split", "putuo-1", "twelve"], "REPORT_SEQ takes a whole number"),
        (["mute", "putuo-1", "--until", "tomorrow", "--reason", "x"], "--until takes"),
        (["mute", "putuo-1", "--until", "+2w", "--reason", "x"], "--until takes +N"),
        (["mute", "putuo-1", "--until", "2026-02-30T10:00", "--reason", "x"], "--until takes"),
        (["mute", "putuo-1", "--until", "+2h"], "needs --reason"),
        (["reroute", "putuo-1", "--reason", "x"], "needs --add, --remove or --lead"),
        (["reroute", "putuo-1", "--add", ",", "--reason", "x"], "takes units"),
        (["insist", "putuo-1", "--reason", "x"], "needs --unit"),
        (["sign", "putuo-1", "--source", "hrss", "--frobnicate"], "no such option"),
        (["sign", "has space", "--source", "hrss"], "CASE takes a code"),
    ]
    for args, message in bad:
        result = run(args)
        assert result.returncode == 2, (args, result.returncode, result.stderr)
        assert message in result.stderr, (args, result.stderr)
        assert "usage: huishang %s" % args[0] in result.stderr and not result.stdout, args


def test_what_each_command_sends():
    standin = StandIn()
    try:
        sent = [
            (["sign", "putuo-1", "--source", "hrss"], "update.hrss",
             {"case": "putuo-1", "status": "signed"}),
            (["return", "putuo-1", "--source", "street.caoyang", "--reason", "不属本街道"],
             "update.street.caoyang", {"case": "putuo-1", "status": "returned",
                                       "note": "不属本街道"}),
            (["update", "putuo-1", "--source", "hrss", "--status", "mediating", "--note", "协商中",
              "--workers", "60", "--amount", "900000", "--flags", "gathering,media"],
             "update.hrss", {"case": "putuo-1", "status": "mediating", "note": "协商中",
                             "workers": 60, "amount": 900000, "flags": ["gathering", "media"]}),
            (["resolve", "putuo-1", "--source", "hrss", "--note", "工资已发放"], "update.hrss",
             {"case": "putuo-1", "status": "resolved", "note": "工资已发放"}),
            (["close", "putuo-1"], "act.office", {"case": "putuo-1", "act": "close"}),
            (["close", "putuo-1", "--note", "审核通过"], "act.office",
             {"case": "putuo-1", "act": "close", "note": "审核通过"}),
            (["reject-closure", "putuo-1", "--reason", "材料不全"], "act.office",
             {"case": "putuo-1", "act": "reject_closure", "reason": "材料不全"}),
            (["followup", "putuo-1", "--source", "union", "--satisfied", "no", "--note", "未发齐"],
             "act.union", {"case": "putuo-1", "act": "followup", "satisfied": False,
                           "note": "未发齐"}),
            (["followup", "putuo-1", "--source", "union", "--satisfied", "yes"], "act.union",
             {"case": "putuo-1", "act": "followup", "satisfied": True}),
            (["regrade", "putuo-1", "--level", "general", "--reason", "已平息",
              "--source", "convener"], "act.convener",
             {"case": "putuo-1", "act": "regrade", "level": "general", "reason": "已平息"}),
            (["merge", "putuo-3", "putuo-1", "--reason", "同一企业"], "act.office",
             {"case": "putuo-3", "act": "merge", "into": "putuo-1", "reason": "同一企业"}),
            (["split", "putuo-1", "12"], "act.office",
             {"case": "putuo-1", "act": "split", "report": 12}),
            (["mute", "putuo-1", "--until", "2026-02-13T15:00", "--reason", "春节"], "act.office",
             {"case": "putuo-1", "act": "mute", "until": 1770966000000, "reason": "春节"}),
            (["mute", "putuo-1", "--until", "+2h", "--reason", "春节"], "act.office",
             {"case": "putuo-1", "act": "mute", "until": standin.clock + 2 * 3600000,
              "reason": "春节"}),
            (["unmute", "putuo-1"], "act.office", {"case": "putuo-1", "act": "unmute"}),
            (["reroute", "putuo-1", "--add", "police,justice", "--remove", "street.caoyang",
              "--lead", "hrss", "--reason", "涉及治安"], "act.office",
             {"case": "putuo-1", "act": "reroute", "add": ["police", "justice"],
              "remove": ["street.caoyang"], "lead": "hrss", "reason": "涉及治安"}),
            (["insist", "putuo-1", "--unit", "street.caoyang", "--reason", "属地管理"],
             "act.office", {"case": "putuo-1", "act": "insist", "unit": "street.caoyang",
                            "reason": "属地管理"}),
        ]
        ids = set()
        for args, topic, keys in sent:
            before = len(standin.received)
            result = standin.cli(*args)
            assert result.returncode == 0, (args, result.stderr)
            assert len(standin.received) == before + 1, args
            got_topic, body, how = standin.received[-1]
            assert result.stdout == "ok seq %d\n" % (100 + before + 1), (args, result.stdout)
            assert how == "submitted" and got_topic == topic, (args, got_topic)
            common = {"v", "id", "source", "at"}
            assert set(body) == common | set(keys), (args, sorted(body))
            assert body["v"] == 1 and body["source"] == topic.split(".", 1)[1]
            assert body["id"].startswith("cli-") and body["id"] not in ids, body["id"]
            ids.add(body["id"])
            assert {k: body[k] for k in keys} == keys, (args, body)
        # --id and --at are the caller's
        result = standin.cli("sign", "putuo-1", "--source", "hrss", "--id", "s-7",
                             "--at", "1790000000000")
        assert result.returncode == 0
        assert standin.received[-1][1]["id"] == "s-7"
        assert standin.received[-1][1]["at"] == 1790000000000
        # fire-and-forget: published on the ingest, not submitted
        result = standin.cli("close", "putuo-1", "--no-ack", "--id", "c-9", "-e", standin.ingest)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("sent act.office c-9"), result.stdout
        for _ in range(50):
            if standin.received[-1][2] == "published":
                break
            threading.Event().wait(0.1)
        assert standin.received[-1][:2] == ("act.office", standin.received[-1][1])
        assert standin.received[-1][1]["id"] == "c-9" and standin.received[-1][2] == "published"
    finally:
        standin.close()


def test_answers_are_printed_and_silence_is_sent_again():
    def answer(topic, body, n):
        if body["id"] == "quiet" and n == 1:
            return None                                 # Lazy Pirate: sent again
        if body["case"] == "putuo-9":
            return ("rejected", {"v": 1, "reason": "bad_state",
                                 "detail": "case putuo-9 is not resolved"})
        if body["id"] == "again":
            return ("duplicate", {"v": 1, "seq": 42})
        return ("ok", {"v": 1, "seq": 7})
    standin = StandIn(answer)
    try:
        result = standin.cli("--timeout", "300", "sign", "putuo-1", "--source", "hrss",
                             "--id", "quiet")
        assert result.returncode == 0 and result.stdout == "ok seq 7\n", result
        assert [b["id"] for _, b, _ in standin.received] == ["quiet", "quiet"]
        assert standin.received[0][1] == standin.received[1][1]      # the same bytes
        result = standin.cli("close", "putuo-9")
        assert result.returncode == 1 and not result.stdout
        assert result.stderr == "rejected bad_state: case putuo-9 is not resolved\n", result.stderr
        result = standin.cli("close", "putuo-1", "--id", "again")
        assert result.returncode == 0 and result.stdout == "duplicate seq 42\n"
    finally:
        standin.close()


HANDLED_CASE = {
    "id": "putuo-1", "level": "major", "category": "wage_arrears", "street": "street.caoyang",
    "enterprise": "上海某某制衣有限公司", "credit_code": None, "ownership": None, "sector": None,
    "workers": 35, "amount": 600000, "flags": ["gathering"], "sources": ["street.caoyang"],
    "units": ["hrss", "street.caoyang", "office"], "reasons": ["major.workers"],
    "rules_version": "5687832153430000", "status": "resolved", "closed": False,
    "opened": 1790000000000, "updated": 1790000600000, "first_seq": 1, "last_seq": 9,
    "reports": 1, "stage": "resolved", "rules_level": "major", "lead": "hrss",
    "handlers": [
        {"unit": "hrss", "role": "lead", "state": "done", "routed": 1790000000000,
         "signed": 1790000060000, "progress": 1790000300000, "done": 1790000600000,
         "clocks": [{"clock": "sign", "start": 1790000000000, "due": 1790007200000, "rung": None,
                     "next": 0, "notices": 0},
                    {"clock": "resolve", "start": 1790000000000, "due": 1790864000000,
                     "rung": None, "next": 0, "notices": 0}]},
        {"unit": "street.caoyang", "role": "co", "state": "routed", "routed": 1790000000000,
         "signed": 0, "progress": 0, "done": 0,
         "clocks": [{"clock": "sign", "start": 1790000000000, "due": 1790007200000, "rung": "supervise",
                     "next": 1790021600000, "notices": 3},
                    {"clock": "progress", "start": 0, "due": 0, "rung": None, "next": 0,
                     "notices": 0}]},
        {"unit": "police", "role": "co", "state": "returned", "routed": 1790000000000,
         "signed": 0, "progress": 0, "done": 0, "clocks": []},
    ],
    "muted_until": 1790100000000, "followup": None, "merged_into": None,
    "merged_from": ["putuo-4"], "reopened": 1, "timer_at": 1790021600000, "overdue": True,
}

HISTORY = [
    {"v": 1, "seq": 5, "at": 1790014400000, "type": "alert", "topic": "alert.major.caoyang",
     "case": "putuo-1", "body": {"v": 1, "seq": 5, "kind": "supervision", "case": "putuo-1",
                                 "level": "major", "units": ["office"], "reasons": [],
                                 "unit": "street.caoyang", "clock": "sign", "rung": "supervise",
                                 "count": 2, "due": 1790007200000, "late_ms": 7200000}},
    {"v": 1, "seq": 6, "at": 1790014500000, "type": "act", "topic": "act.office",
     "case": "putuo-1", "body": {"v": 1, "id": "a1", "source": "office", "case": "putuo-1",
                                 "act": "mute", "until": 1790100000000, "reason": "春节"}},
    {"v": 1, "seq": 7, "at": 1790014600000, "type": "update", "topic": "update.police",
     "case": "putuo-1", "body": {"v": 1, "id": "u1", "source": "police", "case": "putuo-1",
                                 "status": "returned", "note": "不涉治安"}},
    {"v": 1, "seq": 8, "at": 1790014700000, "type": "act", "topic": "act.office",
     "case": "putuo-1", "body": {"v": 1, "id": "a2", "source": "office", "case": "putuo-1",
                                 "act": "reroute", "add": ["justice"], "lead": "hrss",
                                 "reason": "调整"}},
    {"v": 1, "seq": 9, "at": 1790014800000, "type": "alert", "topic": "alert.major.caoyang",
     "case": "putuo-1", "body": {"v": 1, "seq": 9, "kind": "regraded", "case": "putuo-1",
                                 "level": "major", "previous_level": "significant",
                                 "units": ["hrss"], "reasons": [], "note": "人数增加"}},
]


def test_case_shows_its_handling():
    standin = StandIn()
    try:
        standin.case_reply = {"v": 1, "case": HANDLED_CASE, "history": HISTORY}
        result = standin.cli("case", "putuo-1")
        assert result.returncode == 0, result.stderr
        out = result.stdout
        assert "resolved/resolved" in out.splitlines()[0]
        for text in ("stage:   待审核 (resolved)", "lead:    主办 区人社局(hrss)",
                     "区人社局(hrss) 主办 已办结(done)", "曹杨新村街道(street.caoyang) 协办 已派(routed)",
                     "已退单(returned)", "merged from: putuo-4", "重新办理 1 次",
                     "督办通知暂停至 2026-09-23", "(逾期 overdue)"):
            assert text in out, (text, out)
        assert "1970-01-01" not in out, out        # a clock never started is not shown
        sign_line = [l for l in out.splitlines() if "签收 sign" in l and "督办 supervise" in l]
        assert sign_line and "3 notices" in sign_line[0] and "next " in sign_line[0], out
        assert "due 2026-09-22 00:13:20" in sign_line[0], sign_line      # due, the district's time
        history = out.split("history:\n")[1].splitlines()
        assert len(history) == len(HISTORY), history
        assert history[0].startswith("  2026-09-22 02:13:20 #5 督办 alert.major.caoyang "
                                     "[supervision]"), history[0]
        assert "曹杨新村街道(street.caoyang) 签收(sign) 第2次 逾期 2h0m" in history[0]
        assert "暂停督办 act mute 会商机制办公室(office): 至 until" in history[1], history[1]
        assert "理由: 春节" in history[1]
        assert "退单 update 区公安分局(police): returned — 不涉治安" in history[2], history[2]
        assert "增加 add 区司法局" in history[3] and "主办 lead 区人社局(hrss)" in history[3]
        assert "调整等级 alert.major.caoyang [regraded] 较大(significant) → 重大(major)" in history[4]
        # a 0.4 record, without the handling keys: shown as before
        old = {k: v for k, v in HANDLED_CASE.items()
               if k not in ("stage", "rules_level", "lead", "handlers", "muted_until", "followup",
                            "merged_into", "merged_from", "reopened", "timer_at")}
        old.update(status="mediating", due_at=1790086400000)
        standin.case_reply = {"v": 1, "case": old, "history": HISTORY[2:3]}
        result = standin.cli("case", "putuo-1")
        assert result.returncode == 0, result.stderr
        assert "open/mediating" in result.stdout and "stage:" not in result.stdout
        assert "handlers:" not in result.stdout and "due:     an update by" in result.stdout
        # --json is the record as it is
        result = standin.cli("case", "putuo-1", "--json")
        assert json.loads(result.stdout)["case"]["due_at"] == 1790086400000
    finally:
        standin.close()


def test_refusals_from_the_daemon():
    """Against the real huishangd. The update refusals hold for 0.4 and for
    issue 13's daemon alike; the act checks look at which one runs: 0.4
    knows no act.<unit> topic (unknown_topic), issue 13's does."""
    daemon = Daemon().start()
    try:
        base = ["--submit", daemon.submit, "--api", daemon.api]
        result = run(base + ["update", "putuo-404", "--source", "office", "--status",
                             "mediating"])
        assert result.returncode == 1 and not result.stdout
        assert result.stderr.startswith("rejected unknown_case: "), result.stderr
        submitter = daemon.submitter()
        status, reply = submitter.submit(report(rid="h1", workers=35, flags=["gathering"]))
        submitter.close()
        assert status == "ok", reply
        case = "putuo-%d" % reply["seq"]
        result = run(base + ["update", case, "--source", "street.wanli", "--status",
                             "mediating"])
        assert result.returncode == 1
        assert result.stderr.startswith("rejected not_routed: "), result.stderr
        result = run(base + ["update", case, "--source", "hrss", "--status", "mediating",
                             "--note", "协商中", "--workers", "40"])
        assert result.returncode == 0 and result.stdout.startswith("ok seq "), result.stderr
        assert daemon.case(case)["case"]["status"] == "mediating"
        # the same id again: the original's seq
        first = run(base + ["update", case, "--source", "hrss", "--status", "accepted",
                            "--id", "same-1"])
        again = run(base + ["update", case, "--source", "hrss", "--status", "accepted",
                            "--id", "same-1"])
        assert first.stdout.startswith("ok seq ")
        assert again.returncode == 0 and again.stdout == first.stdout.replace("ok", "duplicate")
        result = run(base + ["close", "putuo-404"])
        assert result.returncode == 1 and not result.stdout
        if result.stderr.startswith("rejected unknown_topic: "):
            return                                      # 0.4: no acts yet
        # issue 13's daemon
        assert result.stderr.startswith("rejected unknown_case: "), result.stderr
        result = run(base + ["sign", "putuo-404", "--source", "hrss"])
        assert result.stderr.startswith("rejected unknown_case: "), result.stderr
        result = run(base + ["close", case])
        assert result.returncode == 1 and result.stderr.startswith("rejected bad_state: ")
        result = run(base + ["resolve", case, "--source", "street.wanli", "--note", "x"])
        assert result.stderr.startswith("rejected not_routed: "), result.stderr
        result = run(base + ["followup", case, "--source", "hrss", "--satisfied", "yes"])
        assert result.stderr.startswith("rejected not_authorized: "), result.stderr
        result = run(base + ["sign", case, "--source", "hrss"])
        assert result.returncode == 0 and result.stdout.startswith("ok seq "), result.stderr
        result = run(base + ["case", case])
        assert "stage:   办理中 (open)" in result.stdout and "已签收(signed)" in result.stdout
    finally:
        daemon.cleanup()


def test_the_python_client_acts_alike():
    sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
    import huishang

    def answer(topic, body, n):
        if body["case"] == "putuo-9":
            return ("rejected", {"v": 1, "reason": "not_authorized", "detail": "not the office"})
        return ("ok", {"v": 1, "seq": 200 + n})
    standin = StandIn(answer)
    try:
        client = huishang.Client(submit=standin.submit, api=standin.api, timeout=2, retries=2)
        assert client.sign("putuo-1", source="hrss") == 201
        assert client.update("putuo-1", "hrss", "mediating", note="协商中", workers=60,
                             flags=("media",)) == 202
        assert client.return_case("putuo-1", "police", reason="不涉治安") == 203
        assert client.close_case("putuo-1", note="审核通过") == 204
        assert client.followup("putuo-1", "union", "no") == 205
        assert client.mute("putuo-1", datetime.timedelta(hours=2), "春节") == 206
        assert client.reroute("putuo-1", "涉及治安", add=["police"], lead="hrss") == 207
        assert client.split("putuo-1", 12) == 208
        bodies = [(topic, body) for topic, body, _ in standin.received]
        assert bodies[0][0] == "update.hrss" and bodies[0][1]["status"] == "signed"
        assert bodies[1][1]["workers"] == 60 and bodies[1][1]["flags"] == ["media"]
        assert bodies[2][1]["status"] == "returned" and bodies[2][1]["note"] == "不涉治安"
        assert bodies[3][0] == "act.office" and bodies[3][1]["act"] == "close"
        assert bodies[4][0] == "act.union" and bodies[4][1]["satisfied"] is False
        assert bodies[5][1]["until"] == standin.clock + 2 * 3600000
        assert bodies[6][1]["add"] == ["police"] and bodies[6][1]["lead"] == "hrss"
        assert bodies[7][1]["report"] == 12
        assert len({body["id"] for _, body in bodies}) == len(bodies)
        try:
            client.regrade("putuo-9", "general", "已平息")
        except huishang.HuishangRejected as error:
            assert error.reason == "not_authorized"
        else:
            raise AssertionError("a refusal passed")
        for call, field in ((lambda: client.reroute("putuo-1", "x"), "'add'"),
                            (lambda: client.regrade("putuo-1", "huge", "x"), "'level'"),
                            (lambda: client.merge("putuo-1", None), "'into'")):
            try:
                call()
            except ValueError as error:
                assert field in str(error), str(error)
            else:
                raise AssertionError("not checked: %s" % field)
        client.close()                                  # without a case: the sockets
    finally:
        standin.close()
