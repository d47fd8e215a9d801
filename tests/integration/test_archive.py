"""The archive (档案, issue 14; SPEC §3, seed §三(五)): a closed case is filed
(归档) `archive/quiet` after its closure if it is still closed then
(PROTOCOL §4.16); `huishang archive --since --until DIR` exports the
period's filed cases (their dossiers), meetings and briefings, with an index
and a manifest.

One real huishangd on a drill clock ten hours a second, its rules file's
quiet period set to 8 h (0.8 s): a major case with a meeting, an answer and
minutes is closed, opened again by a failed follow-up before its quiet
period ends (not filed), closed again and filed once; a second case is
closed and the daemon killed -9, then started on a later drill time: the
filing that fell due while it was down happens at the start, once; a third
case closed on the real clock is not filed, and not exported. The real
`huishang archive` writes the export, and Python's html.parser reads it."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser

from handling_desk import HOUR_MS, WAIT_S, Desk, enterprise, ok, refused
from harness import CLIENT, ROOT, config_copy
from test_dossier import Page

sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
import huishang  # noqa: E402  (the project's Python client)

QUIET_MS = 8 * HOUR_MS
SHANGHAI_MS = 8 * HOUR_MS


def local_minute(ms):
    """A daemon time as --time-start takes it, rounded up to the minute."""
    ms = -(-ms // 60000) * 60000
    return time.strftime("%Y-%m-%dT%H:%M", time.gmtime((ms + SHANGHAI_MS) // 1000))


def close(desk, case, lead):
    ok(desk.update(lead, case, "resolved", note="已办结"))
    ok(desk.act("office", case, "close", note="审核通过"))
    return desk.wait(lambda: desk.alerts(case, kind="closed"), "the closed alert of " + case)[-1]


def filings(desk, case):
    """case.filed bodies about `case`, as stored (replay), in seq order."""
    return [body for seq, (topic, body) in sorted(desk.replayed().items())
            if topic == "case.filed" and body["case"] == case]


class Links(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.hrefs = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])


def archive(desk, folder, since="2026-03-02", until="2026-03-20", api=None):
    return subprocess.run([CLIENT, "--api", api or desk.daemon.api,
                           "--timeout", "300" if api else "5000",
                           "archive", "--since", since, "--until", until, folder],
                          capture_output=True, text=True, timeout=30)


def test_filed_after_the_quiet_period_once_across_kill9_and_exported():
    work = tempfile.mkdtemp(prefix="hs-archive-")
    try:
        config = config_copy(work)
        rules = os.path.join(work, "rules.cfg")
        with open(rules, encoding="utf-8") as handle:
            text = handle.read()
        assert "        quiet = 7d\n" in text
        with open(rules, "w", encoding="utf-8") as handle:
            handle.write(text.replace("        quiet = 7d\n", "        quiet = 8h\n"))
        desk = Desk(time_start="2026-03-02T08:00", time_scale=36000)
        desk.daemon.config = config
        with desk:
            _workflow(desk, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _workflow(desk, work):
    # A: 35 workers, major, led by hrss; its special meeting answered and minuted
    a = desk.open_case(source="street.caoyang", workers=35, **enterprise(1501))
    request = desk.wait(lambda: [b for t, b in desk.published("meeting.request")
                                 if b.get("case") == a], "A's meeting")[0]
    meeting = request["meeting"]
    ok(desk.submit({"v": 1, "id": "rsvp-1", "source": "hrss", "at": desk.at(),
                    "meeting": meeting, "answer": "attend"}, "rsvp.hrss"))
    ok(desk.submit({"v": 1, "id": "min-1", "source": "office", "at": desk.at(),
                    "meeting": meeting, "decisions": ["人社局牵头核实欠薪数额"], "cases": [a],
                    "actions": [{"owner": "hrss", "text": "三日内核实欠薪", "case": a,
                                 "due": desk.clock() + 2 * HOUR_MS}]}, "minutes.office"))
    b = desk.open_case(source="street.wanli", workers=12, **enterprise(1502))
    c = desk.open_case(source="street.ganquan", workers=12, **enterprise(1503))
    # A closed, then a failed follow-up (回访) before its quiet period ends:
    # open again, its filing taken back
    first = close(desk, a, "hrss")
    record = desk.case(a)
    assert record["closed_at"] > 0 and record["file_at"] == record["closed_at"] + QUIET_MS, record
    ok(desk.act("street.caoyang", a, "followup", satisfied=False, note="工人反映仍未足额支付"))
    desk.wait(lambda: desk.alerts(a, kind="reopened"), "A reopened")
    record = desk.case(a)
    assert record["stage"] == "open" and record["file_at"] == 0 and record["filed"] == 0, record
    assert desk.clock() < first["at"] + QUIET_MS, "the follow-up came after the quiet period"
    # closed again: filed a quiet period after the second closure, once
    second = close(desk, a, "hrss")
    filed = desk.wait(lambda: [bd for t, bd in desk.published("case.filed") if bd["case"] == a],
                      "A filed")[0]
    assert filed["at"] >= second["at"] + QUIET_MS and filed["closed"] >= second["at"], filed
    assert filed["to"] == ["office"] and filed["reopened"] == 1, filed
    assert filed["level"] == "major" and filed["quiet_ms"] == QUIET_MS, filed
    record = desk.case(a)
    assert record["filed"] == filed["at"] and record["file_at"] == 0, record
    # settled: a follow-up, an update on a filed case are refused
    refused(desk.act("street.caoyang", a, "followup", satisfied=False), "case_filed")
    refused(desk.update("hrss", a, "failed"), "case_filed")
    # B closed; the daemon killed -9 before its filing, started later on:
    # due while it was down, B is filed at the start, once
    close(desk, b, "street.wanli")
    ok(desk.update("street.ganquan", c, "resolved", note="已办结"))
    b_due = desk.case(b)["file_at"]
    assert b_due > 0 and not filings(desk, b), "B was filed before the kill"
    later = local_minute(max(b_due + HOUR_MS, desk.clock() + 2 * HOUR_MS))
    args = desk.daemon.extra_args
    args[args.index("--time-start") + 1] = later
    args[args.index("--time-scale") + 1] = "1"      # the real clock from here: C stays unfiled
    desk.time_start = later
    desk.kill9_and_restart()
    desk.wait(lambda: desk.case(b)["filed"], "B filed at the start")
    desk.pump(200)
    assert len(filings(desk, a)) == 1 and len(filings(desk, b)) == 1, "a case filed twice"
    assert filings(desk, b)[0]["at"] >= b_due, filings(desk, b)
    # C closed now: its quiet period (8 h of real time) is far off
    ok(desk.act("office", c, "close", note="审核通过"))
    desk.wait(lambda: desk.alerts(c, kind="closed"), "C closed")
    assert desk.case(c)["filed"] == 0 and desk.case(c)["file_at"] > 0
    _export(desk, work, a, b, c, meeting)


def _export(desk, work, a, b, c, meeting):
    out = os.path.join(work, "export")
    result = archive(desk, out)
    assert result.returncode == 0, (result.stdout, result.stderr)
    manifest = json.load(open(os.path.join(out, "manifest.json"), encoding="utf-8"))
    assert manifest["cases"] == [a, b], manifest["cases"]          # in the order filed; not C
    assert not os.path.exists(os.path.join(out, "cases", c + ".html"))
    # A's dossier: every event of its history a row, in order; the filing among them
    history = desk.history(a)
    page = Page(open(os.path.join(out, "cases", a + ".html"), encoding="utf-8").read())
    rows = page.rows("history")
    assert [int(cells[0]) for _, _, cells in rows] == [e["seq"] for e in history], \
        ([cells[0] for _, _, cells in rows], [e["seq"] for e in history])
    assert "case.filed" in [e["topic"] for e in history] and "归档" in page.text()
    dossier = json.load(open(os.path.join(out, "cases", a + ".json"), encoding="utf-8"))
    assert [e["seq"] for e in dossier["history"]] == [e["seq"] for e in history]
    assert dossier["case"]["filed"] > 0 and dossier["case"]["id"] == a
    # the period's meetings: A's, with its record (the answer), its minutes
    stored = desk.replayed()
    assert meeting in manifest["meetings"], manifest["meetings"]
    held = json.load(open(os.path.join(out, "meetings", meeting + ".json"), encoding="utf-8"))
    expected = [s for s, (t, bd) in sorted(stored.items())
                if t.startswith("meeting.") and bd.get("meeting") == meeting]
    assert [e["seq"] for e in held["events"]] == expected, held["events"]
    assert held["meeting"]["invited"]["hrss"] == "attend" and held["meeting"]["held"], held
    text = Page(open(os.path.join(out, "meetings", meeting + ".html"), encoding="utf-8").read())
    assert "人社局牵头核实欠薪数额" in text.text() and "三日内核实欠薪" in text.text()
    assert "出席" in text.text() and "meeting.minutes" in text.text()
    # the period's briefings, each as published
    briefs = [s for s, (t, bd) in sorted(stored.items()) if t in ("brief.daily", "brief.weekly")]
    assert briefs and manifest["briefings"] == briefs, (manifest["briefings"], briefs)
    assert any(stored[s][0] == "brief.weekly" for s in briefs)
    for seq in briefs:
        name = "%d-%s" % (seq, stored[seq][0][6:])
        assert json.load(open(os.path.join(out, "briefings", name + ".json")))["body"] == \
            stored[seq][1]
    # the index links every page and JSON; the manifest's digests hold
    index = open(os.path.join(out, "index.html"), encoding="utf-8").read()
    assert index.index("归档案件") < index.index("Cases filed")
    hrefs = set(Links(index).hrefs)
    files = {f["path"]: f for f in manifest["files"]}
    assert set(files) - {"index.html"} <= hrefs, set(files) - hrefs
    assert "manifest.json" in hrefs
    assert all(os.path.exists(os.path.join(out, h)) for h in hrefs if not h.startswith("#"))
    for path, entry in files.items():
        data = open(os.path.join(out, path), "rb").read()
        assert entry["bytes"] == len(data), path
        assert entry["sha1"].lower() == hashlib.sha1(data).hexdigest(), path
    assert manifest["counts"] == {"cases": 2, "meetings": len(manifest["meetings"]),
                                  "briefings": len(briefs), "files": len(files)}, manifest["counts"]
    assert manifest["seq_range"]["first"] <= min(expected + briefs)
    assert manifest["seq_range"]["last"] >= max(expected + briefs)
    # a period before any filing: no case; a DIR not empty, bad times, no daemon: refused
    empty = os.path.join(work, "empty")
    result = archive(desk, empty, since="2026-03-01", until="2026-03-02")
    assert result.returncode == 0 and json.load(open(os.path.join(empty, "manifest.json")))[
        "cases"] == [], result.stderr
    before = sorted(os.listdir(out))
    result = archive(desk, out)
    assert result.returncode == 2 and "not empty" in result.stderr, result
    assert sorted(os.listdir(out)) == before
    for since, until in (("tomorrow", "2026-03-20"), ("2026-03-20", "2026-03-02")):
        result = archive(desk, os.path.join(work, "bad"), since=since, until=until)
        assert result.returncode == 2 and "usage" in result.stderr, result
    result = archive(desk, os.path.join(work, "gone"), api="ipc://%s/nobody" % work)
    # rc 3: the daemon unreachable (huishang(1), EXIT STATUS), its endpoint named
    assert result.returncode == 3 and "%s/nobody" % work in result.stderr, result
    assert not os.path.exists(os.path.join(work, "gone")), result
    assert not [n for n in os.listdir(work) if ".partial." in n], os.listdir(work)
    # the Python client's filed() and meeting(); the watch line of case.filed
    client = huishang.Client(api=desk.daemon.api, timeout=2)
    assert [case for case, _ in client.filed()] == [a, b]
    assert client.filed(since=desk.case(b)["filed"]) == [(b, desk.case(b)["filed"])]
    assert client.meeting(meeting)["invited"]["hrss"] == "attend"
    for args, code in (({"after": "nonsense"}, "bad_value"), ({"since": "x"}, "bad_type"),
                       ({"limit": 0}, "bad_value"), ({"after": 7}, "bad_type")):
        status, body = desk.daemon.request_args("filed", args)
        assert status == "error" and body["code"] == code, (args, body)
    for args, code in (({"id": "putuo-m999"}, "unknown_meeting"), ({}, "missing_field")):
        status, body = desk.daemon.request_args("meeting", args)
        assert status == "error" and body["code"] == code, (args, body)
    client.close()
    out = subprocess.run([CLIENT, "replay", "--no-follow", "--api", desk.daemon.api, "case."],
                         capture_output=True, text=True, timeout=WAIT_S)
    lines = [line for line in out.stdout.splitlines() if "case.filed" in line]
    assert len(lines) == 2 and "归档" in lines[0] and a in lines[0], out.stdout
    verify = subprocess.run([CLIENT, "verify", "--store", desk.daemon.store],
                            capture_output=True, text=True, timeout=WAIT_S)
    assert verify.returncode == 0 and "sound" in verify.stdout, verify.stdout
