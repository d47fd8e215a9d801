"""`huishang dossier` (issue 14, the archive): a whole case as one document,
HTML to print or hand over, or one JSON document.

A real huishangd on a drill clock, with a small reply budget so the case's
history comes in many pages (PROTOCOL §6.7): a major case opened from a
report whose enterprise name and summary are hostile markup, raised to
critical by a second report (meetings, reports upward), supervised (催办 on
the drill clock), updated with a hostile note, regraded, muted and unmuted,
a case merged into it, the second report split off, minutes, an answer,
resolved and closed. The real `huishang dossier` binary writes its dossier,
and Python's html.parser reads it as a browser would: every event of the
history the api gives is one row, in order, with its seq, time, type and
topic; the hostile text is text; the merged, the absorbed and the split-off
cases name each other; --json is the api's case and history, pages joined.
"""

import json
import os
import shutil
import subprocess
import tempfile
import time
from html.parser import HTMLParser

from harness import CLIENT, config_copy
from handling_desk import Desk, enterprise, ok

HOSTILE_NAME = '<script>alert("dossier")</script><img src=x onerror=alert(1)> & Co. &amp; 制衣'
HOSTILE_SUMMARY = "工人聚集</td></tr></tbody></table><h1>假标题</h1>"
HOSTILE_NOTE = "协商中 </td><td onclick=alert(1)> & <b>加粗</b>\n第二行"
UTC_OFFSET_S = 8 * 3600         # calendar/utc_offset of the shipped config


def local(ms):
    """A daemon time as huishang prints it: the district's wall time."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime((ms + UTC_OFFSET_S * 1000) // 1000))


class Page(HTMLParser):
    """A dossier as a browser's parser sees it: every element that opened,
    the rows of the history and handlers tables (each cell's text), all
    text, the style sheet."""
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.starts = []            # (tag, attrs) of every start tag
        self.stack = []             # open elements
        self.tables = {}            # class of a table -> its body rows
        self.texts = []
        self.style = ""
        self.feed(text)
        self.close()

    def nearest(self, tag):
        for entry in reversed(self.stack):
            if entry["tag"] == tag:
                return entry
        return None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.starts.append((tag, attrs))
        if tag in self.VOID:
            return
        entry = {"tag": tag, "attrs": attrs, "cell": None}
        table = self.nearest("table")
        if tag == "tr" and table and self.stack[-1]["tag"] == "tbody":
            entry["row"] = {"id": attrs.get("id"), "class": attrs.get("class", ""), "cells": []}
            self.tables.setdefault(table["attrs"].get("class"), []).append(entry["row"])
        if tag == "td" and self.stack and "row" in self.stack[-1]:
            entry["cell"] = []
            self.stack[-1]["row"]["cells"].append(entry["cell"])
        self.stack.append(entry)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index]["tag"] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.texts.append(data)
        if self.stack and self.stack[-1]["tag"] == "style":
            self.style += data
        for entry in reversed(self.stack):
            if entry["cell"] is not None:
                entry["cell"].append(data)
                break

    def text(self):
        return "".join(self.texts)

    def rows(self, table):
        """[(row id, row class, [cell text ...])] of a table's body."""
        return [(r["id"], r["class"], ["".join(c) for c in r["cells"]])
                for r in self.tables.get(table, [])]


def dossier(desk, *args):
    return subprocess.run([CLIENT, "--api", desk.daemon.api, "--timeout", "15000", "dossier"] + list(args),
                          capture_output=True, text=True, timeout=60)


def build_case(desk):
    """The case the tests look at; returns (case, absorbed, split-off)."""
    firm = enterprise(1401, name=HOSTILE_NAME)
    case = desk.open_case(source="street.caoyang", workers=35, amount=600000,
                          flags=["gathering"], summary=HOSTILE_SUMMARY, **firm)
    petition = ok(desk.report(source="petition", street="caoyang", workers=120,
                              flags=["road_blocking"], **firm))
    meetings = desk.wait(lambda: [b for t, b in desk.published("meeting.request")
                                  if b.get("case") == case and b.get("level") == "critical"]
                         and [b for t, b in desk.published("meeting.request")
                              if b.get("case") == case], "the case's two meetings")
    for meeting in meetings:                    # held: no quorum reminders later
        ok(desk.submit({"v": 1, "id": desk.next_id("min"), "source": "office", "at": desk.at(),
                        "meeting": meeting["meeting"], "decisions": ["先行垫付 <工资>", "约谈企业"],
                        "followup": ["hrss"], "cases": [case]}, "minutes.office"))
    # the urgent one superseded the first (meeting.closed): it takes the answers
    ok(desk.submit({"v": 1, "id": desk.next_id("rsvp"), "source": "hrss", "at": desk.at(),
                    "meeting": meetings[-1]["meeting"], "answer": "attend"}, "rsvp.hrss"))
    # the drill's clock runs: 30 minutes to sign at critical, a second or so here
    desk.wait(lambda: desk.alerts(case, kind="supervision"), "a supervision notice")
    ok(desk.update("hrss", case, "mediating", note=HOSTILE_NOTE, workers=130))
    ok(desk.act("convener", case, "regrade", level="major", reason="人数回落 <已控制>"))
    ok(desk.act("office", case, "mute", until=desk.clock() + 6 * 3600 * 1000, reason="春节"))
    ok(desk.act("office", case, "unmute", reason="节后恢复"))
    absorbed = desk.open_case(source="street.wanli", workers=3, **enterprise(1402))
    ok(desk.act("office", absorbed, "merge", into=case, reason="同一纠纷"))
    split_act = ok(desk.act("office", case, "split", report=petition, reason="另一纠纷"))
    ok(desk.update("hrss", case, "resolved", note="工资已发放"))
    ok(desk.act("office", case, "close", note="审核通过"))
    desk.wait(lambda: desk.alerts(case, kind="closed"), "the closed alert")
    desk.settle()
    return case, absorbed, "putuo-%d" % split_act


def test_dossier_html_json_and_refusals():
    folder = tempfile.mkdtemp(prefix="hs-dossier-")
    out = tempfile.mkdtemp(prefix="hs-dossier-out-")
    try:
        desk = Desk(time_start="2026-03-04T10:00", time_scale=2000, folder=folder)
        # a small reply budget: the history comes in many pages
        desk.daemon.config = config_copy(folder, reply_max="4K")
        with desk:
            case, absorbed, split = build_case(desk)
            history = desk.history(case)
            record = desk.case(case)
            status, first = desk.daemon.request_args("case", {"id": case})
            assert first.get("next") and len(first["history"]) < len(history), \
                "the history should come in pages (%d events)" % len(history)
            _check_html(desk, case, absorbed, split, history, record)
            _check_json(desk, case, history, record, out)
            _check_refusals(desk, case, out)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)


def _check_html(desk, case, absorbed, split, history, record):
    result = dossier(desk, case)
    assert result.returncode == 0 and not result.stderr, result.stderr
    html = result.stdout
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"zh-CN\">"), html[:80]
    page = Page(html)
    tags = [tag for tag, _ in page.starts]
    assert ("meta", {"charset": "utf-8"}) in page.starts
    # self-contained: an inline style sheet, print-friendly; nothing fetched, no script
    assert tags.count("style") == 1 and "@media print" in page.style
    for tag, attrs in page.starts:
        assert tag not in ("script", "img", "link", "iframe", "object"), (tag, attrs)
        assert not any(k.startswith("on") or k in ("src", "href") for k in attrs), (tag, attrs)
    assert tags.count("h1") == 1, "a hostile text made a heading"
    text = page.text()
    # the hostile texts show as the text they are
    assert HOSTILE_NAME in text and HOSTILE_SUMMARY in text
    # every event of the api's history, one row each, in order
    rows = page.rows("history")
    assert [int(cells[0]) for _, _, cells in rows] == [e["seq"] for e in history], \
        ([cells[0] for _, _, cells in rows], [e["seq"] for e in history])
    for (row_id, row_class, cells), event in zip(rows, history):
        assert len(cells) == 5, cells
        assert row_id == "e%d" % event["seq"] and "ev-" + event["type"] in row_class
        assert cells[1] == local(event["at"]), (cells[1], event)
        assert event["type"] in cells[2], (cells[2], event["type"])
        assert cells[3] == event["topic"], (cells[3], event["topic"])
    by_seq = {event["seq"]: (event, cells[4]) for event, (_, _, cells) in zip(history, rows)}

    def contents(kind):
        return [(e, c) for e, c in by_seq.values() if e["type"] == kind]

    for event, content in contents("report"):
        assert event["rules_version"] in content
        assert all(reason in content for reason in event["reasons"]), content
        assert "%d 人" % event["body"]["workers"] in content
    assert any(HOSTILE_SUMMARY in c for _, c in contents("report"))
    updates = [c for e, c in contents("update") if e["body"]["status"] == "mediating"]
    assert len(updates) == 1 and HOSTILE_NOTE in updates[0], updates
    acts = {e["body"]["act"]: (e, c) for e, c in contents("act")}
    assert {"regrade", "mute", "unmute", "merge", "split", "close"} <= set(acts), sorted(acts)
    assert "人数回落 <已控制>" in acts["regrade"][1]
    assert "召集人" in acts["regrade"][1] and "重大" in acts["regrade"][1]
    assert local(acts["mute"][0]["body"]["until"]) in acts["mute"][1] and "春节" in acts["mute"][1]
    assert absorbed in acts["merge"][1]
    assert "#%d" % acts["split"][0]["body"]["report"] in acts["split"][1]
    notices = [(e, c) for e, c in contents("alert") if e["body"]["kind"] == "supervision"]
    assert notices, "no supervision notice in the history"
    for event, content in notices:
        body = event["body"]
        assert desk_unit_zh(body["unit"]) in content and "逾期" in content, content
        assert "第 %d 次" % body["count"] in content and body["rung"] in content
        assert local(body["due"]) in content and "supervision.%s" % body["rung"] in content
    kinds = set()
    for (_, _, cells), event in zip(rows, history):
        if event["type"] == "alert":
            kinds.add(event["body"]["kind"])
            assert event["body"]["kind"] in cells[2], (cells[2], event["body"])
            assert all(reason in cells[4] for reason in event["body"]["reasons"]), cells[4]
    assert {"new", "escalated", "regraded", "unmuted", "merged", "resolved", "closed",
            "supervision"} <= kinds, sorted(kinds)
    # reported upward: the first report to each, then follow-ups and the
    # final one (PROTOCOL §4.4), each row saying which
    escalations = [(e["topic"], e["body"].get("report")) for e, _ in contents("escalate")]
    firsts = sorted(t for t, r in escalations if r == "first")
    assert firsts == ["escalate.city", "escalate.district"], escalations
    assert sorted(t for t, r in escalations if r == "final") == firsts, escalations
    rows_up = {e["body"].get("report"): c for e, c in contents("escalate")}
    assert "首报" in rows_up["first"] and "终报" in rows_up["final"], rows_up
    minutes = contents("minutes")
    assert len(minutes) == 2 and all("先行垫付 <工资>" in c for _, c in minutes)
    assert contents("meeting") and contents("rsvp")
    # events that came with the absorbed case say so
    theirs = [c for e, c in by_seq.values() if e.get("case") == absorbed]
    assert theirs and all("原属案件" in c and absorbed in c for c in theirs)
    # the header: level in Chinese and English, the case's facts, the merge
    assert "重大" in text and "major" in text and record["level"] == "major"
    assert "已办结" in text and "closed" in text
    assert "并入本案" in text and absorbed in text
    assert "曹杨新村街道" in text and "Caoyang Xincun Subdistrict" in text
    assert local(record["opened"]) in text and local(record["updated"]) in text
    # each unit's handling: one row per handler, its role, state and clocks
    handlers = page.rows("handlers")
    assert len(handlers) == len(record["handlers"]), handlers
    for (_, _, cells), item in zip(handlers, record["handlers"]):
        assert item["unit"] in cells[0] and item["role"] in cells[1] and item["state"] in cells[2]
        assert local(item["routed"]) in cells[3]
        for entry in item["clocks"]:
            if entry["start"]:
                assert local(entry["due"]) in cells[4], (entry, cells[4])
    lead = [cells for (_, _, cells), item in zip(handlers, record["handlers"])
            if item["role"] == "lead"]
    assert len(lead) == 1 and "主办" in lead[0][1]
    # the absorbed case names where it went; the split-off one where it came from
    other = Page(dossier(desk, absorbed).stdout).text()
    assert "已并入" in other and case in other and "已合并" in other
    split_page = dossier(desk, split)
    assert split_page.returncode == 0
    assert "拆分自" in Page(split_page.stdout).text() and case in split_page.stdout


def desk_unit_zh(code):
    names = {"hrss": "区人社局", "legal": "区委政法委", "police": "区公安分局", "justice": "区司法局",
             "union": "区总工会", "petition": "区信访办", "street.caoyang": "曹杨新村街道",
             "street.wanli": "万里街道"}
    return names.get(code, code)


def _check_json(desk, case, history, record, out):
    path = os.path.join(out, "putuo-case.json")
    result = dossier(desk, case, "--json", "-o", path)
    assert result.returncode == 0 and not result.stdout and not result.stderr, result
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    assert document["v"] == 1 and set(document) == {"v", "case", "history"}
    assert document["history"] == history          # the api's pages, joined
    assert document["case"] == record
    # -o with HTML, the long option too; nothing left beside the files
    html_path = os.path.join(out, "putuo-case.html")
    result = dossier(desk, case, "--output", html_path)
    assert result.returncode == 0 and not result.stdout, result
    with open(html_path, encoding="utf-8") as handle:
        assert len(Page(handle.read()).rows("history")) == len(history)
    assert sorted(os.listdir(out)) == ["putuo-case.html", "putuo-case.json"]


def _check_refusals(desk, case, out):
    path = os.path.join(out, "none.html")
    result = dossier(desk, "putuo-999999", "-o", path)
    assert result.returncode == 1 and not result.stdout
    assert "no case 'putuo-999999'" in result.stderr, result.stderr
    assert not os.path.exists(path) and len(os.listdir(out)) == 2
    result = dossier(desk, "putuo-999999", "--json")
    assert result.returncode == 1 and not result.stdout
    for args in ([], ["putuo-1", "putuo-2"], ["putuo-1", "-o"], ["putuo-1", "--frobnicate"]):
        result = dossier(desk, *args)
        assert result.returncode == 2 and "usage: huishang dossier" in result.stderr, (args, result)
        assert not result.stdout
    result = dossier(desk, "--help")
    assert result.returncode == 0 and result.stdout.startswith("usage: huishang dossier CASE")
    # a directory that is not there: said, nothing written
    result = dossier(desk, case, "-o", os.path.join(out, "missing", "x.html"))
    assert result.returncode == 1 and "cannot write" in result.stderr, result.stderr
