"""Regular meetings (issue 14, seed §三(二) 定期召开): the plenary and the
office meeting each have a plan in rules.cfg (meetings/plenary,
meetings/office); the daemon requests each meeting `notice` before it meets,
on a working day, as its chair would call it (PROTOCOL §4.3, reasons
plenary.scheduled / office.scheduled) -- once, across a kill -9."""

import os
import re
import shutil
import signal
import subprocess
import tempfile

from handling_desk import HOUR_MS, WAIT_S, Desk, ok
from harness import CLIENT, ROOT, config_copy, local_ms

RULES = os.path.join(ROOT, "config", "rules.cfg")


def shipped_plan(kind):
    """place and agenda of meetings/<kind> as the shipped rules.cfg says."""
    text = open(RULES, encoding="utf-8").read()
    block = re.search(r"\n        %s  .*?\n((?:            .*\n)+)" % kind, text).group(1)
    place = re.search(r'place = "([^"]+)"', block).group(1)
    agenda = re.findall(r'\n                \d+ = "([^"]+)"', block)
    return place, agenda


def requests(desk, kind):
    return [b for t, b in desk.published("meeting.request") if b["kind"] == kind]


def test_office_meeting_and_plenary_on_their_schedule_once_across_kill9():
    # 2026-04-04 (Sat) noon, during Qingming (04-04..06). The office meets
    # monthly on the 5th at 14:30 -- a holiday, so Tuesday 04-07 -- with 48 h
    # notice: requested 04-05 14:30. The plenary meets quarterly on the 10th
    # (a Friday) at 09:30 with 72 h notice: requested 04-07 09:30.
    with Desk(time_start="2026-04-04T12:00", time_scale=60000) as desk:
        office_time = local_ms("2026-04-07T14:30")
        plenary_time = local_ms("2026-04-10T09:30")
        office = desk.wait(lambda: requests(desk, "office"), "the regular office meeting")
        assert len(office) == 1, office
        office = office[0]
        place, agenda = shipped_plan("office")
        assert office["time"] == office_time and office["deadline"] == office_time, office
        assert office["place"] == place and office["agenda"] == agenda, office
        assert office["reasons"] == ["office.scheduled"] and office["called_by"] == "office"
        assert office["chairs"] == ["office"] and "street.caoyang" in office["participants"]
        assert office["at"] >= office_time - 48 * HOUR_MS, office     # not before its notice
        assert not requests(desk, "plenary")                          # not yet: 04-07 09:30
        # a member answers the regular meeting as any other
        ok(desk.submit({"v": 1, "id": "rs-1", "source": "hrss", "at": desk.at(),
                        "meeting": office["meeting"], "answer": "attend"}, "rsvp.hrss"))
        desk.kill9_and_restart()
        desk.wait(lambda: desk.clock() > plenary_time - 72 * HOUR_MS + 2 * HOUR_MS,
                  "past the plenary's notice", timeout=WAIT_S * 2)
        plenary = desk.wait(lambda: requests(desk, "plenary"), "the regular plenary")
        desk.wait(lambda: desk.clock() > office_time + HOUR_MS, "past the office meeting",
                  timeout=WAIT_S * 2)
        desk.pump(200)
        # each once: the restart neither lost nor repeated a request
        assert len(requests(desk, "office")) == 1, requests(desk, "office")
        assert len(plenary) == 1 and len(requests(desk, "plenary")) == 1, plenary
        plenary = plenary[0]
        place, agenda = shipped_plan("plenary")
        assert plenary["time"] == plenary_time and plenary["place"] == place, plenary
        assert plenary["agenda"] == agenda and plenary["reasons"] == ["plenary.scheduled"]
        assert plenary["called_by"] == "convener" and plenary["chairs"][0] == "convener"
        assert plenary["at"] >= plenary_time - 72 * HOUR_MS, plenary
        # the office meeting's quorum was checked at half its notice, once
        quorum = [b for t, b in desk.published("meeting.reminder")
                  if b.get("about") == "quorum" and b["meeting"] == office["meeting"]]
        assert len(quorum) == 1, quorum
        # the store has them, and `huishang replay` prints them as meetings
        replayed = [b for t, b in desk.replayed().values()
                    if t == "meeting.request" and "scheduled" in b["reasons"][0]]
        assert [b["meeting"] for b in replayed] == [office["meeting"], plenary["meeting"]]
        out = subprocess.run([CLIENT, "replay", "--no-follow", "--since", "1", "--count", "200",
                              "--api", desk.daemon.api, "meeting.request"],
                             capture_output=True, text=True, timeout=WAIT_S)
        assert out.returncode == 0, out.stderr
        assert out.stdout.count("meeting.request") == 2, out.stdout


def test_a_bad_plan_is_refused_at_its_line_and_a_plan_of_none_is_valid():
    text = open(RULES, encoding="utf-8").read()
    with tempfile.TemporaryDirectory() as folder:
        # a plan of "none" is read; one with a bad day is refused at its line
        bad = text.replace("            every = month\n            on = 5\n",
                           "            every = month\n            on = 31\n", 1)
        assert bad != text
        path = os.path.join(folder, "rules.cfg")
        with open(path, "w", encoding="utf-8") as out:
            out.write(bad)
        line = bad[:bad.index("on = 31")].count("\n") + 1
        result = subprocess.run([CLIENT, "rules", "check", path], capture_output=True,
                                text=True, timeout=WAIT_S)
        assert result.returncode != 0, result.stdout
        assert "rules.cfg:%d: office/on must be a day of the month, 1 to 28" % line \
            in result.stderr, result.stderr
        none = text.replace("            every = month\n", "            every = none\n", 1)
        with open(path, "w", encoding="utf-8") as out:
            out.write(none)
        result = subprocess.run([CLIENT, "rules", "check", path], capture_output=True,
                                text=True, timeout=WAIT_S)
        assert result.returncode == 0, result.stderr


def test_a_reload_that_shortens_the_notice_never_requests_a_meeting_twice():
    # the office meeting of 04-07 14:30 requested at 04-05 14:30 (48 h); the
    # rules then give a 12 h notice (SIGHUP): that meeting's new notice
    # (04-07 02:30) is still ahead, but it was requested already
    folder = tempfile.mkdtemp(prefix="hs-schedule-")
    try:
        desk = Desk(time_start="2026-04-04T12:00", time_scale=60000, folder=folder)
        desk.daemon.config = config_copy(folder)
        with desk:
            office_time = local_ms("2026-04-07T14:30")
            first = desk.wait(lambda: requests(desk, "office"), "the regular office meeting")
            rules = os.path.join(folder, "rules.cfg")
            text = open(rules, encoding="utf-8").read()
            shorter = text.replace("            notice = 48h\n", "            notice = 12h\n", 1)
            assert shorter != text
            with open(rules, "w", encoding="utf-8") as out:
                out.write(shorter)
            version = desk.daemon.health()["rules_version"]
            desk.daemon.proc.send_signal(signal.SIGHUP)
            desk.wait(lambda: desk.daemon.health()["rules_version"] != version, "the reload")
            desk.wait(lambda: desk.clock() > office_time + HOUR_MS, "past the office meeting",
                      timeout=WAIT_S * 2)
            desk.pump(200)
            assert [b["meeting"] for b in requests(desk, "office")] == [first[0]["meeting"]], \
                requests(desk, "office")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
