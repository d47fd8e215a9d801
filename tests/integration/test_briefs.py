"""Briefings (通报) on working days only (issue 14, SPEC §3 "Briefings"):
through the real daemon on an accelerated clock across the 2026 Spring
Festival, from the Friday before it to the Wednesday after. The daily
briefing comes on the make-up Saturday (02-14) and on no day of the
festival (02-15 to 02-23); the weekly one (Mondays) skips the week that is
all holiday and goes on Tuesday 02-24, the first working day of its week,
and not on Monday 02-16 or 02-23; each weekly one also goes up to the
district government and the city."""

import time

from handling_desk import HOUR_MS, Desk, enterprise, handler, ok
from harness import Daemon, local_date, local_ms, replay_all

DAYS = ["2026-02-14", "2026-02-24", "2026-02-25"]


def test_no_briefing_on_public_holidays():
    daemon = Daemon(extra_args=["--time-start", "2026-02-13T20:00", "--time-scale", "300000"])
    daemon.start()
    try:
        # what was published, as the store has it (the api's replay): the
        # first briefing comes a moment after the start, before any watcher
        # could have joined
        messages = []
        deadline = time.time() + 30         # 12 days at 300000 times: about 3.5 s
        while time.time() < deadline and "2026-02-25" not in [
                local_date(b["at"]) for t, b in messages if t == "brief.daily"]:
            time.sleep(0.2)
            messages = [(e["topic"], e["body"]) for e in replay_all(daemon)
                        if e["topic"].startswith(("brief.", "escalate."))]
        messages = [(t, b) for t, b in messages if local_date(b["at"]) <= "2026-02-25"]
        daily = [local_date(b["at"]) for t, b in messages if t == "brief.daily"]
        weekly = [local_date(b["at"]) for t, b in messages if t == "brief.weekly"]
        assert daily == DAYS, daily
        assert weekly == ["2026-02-24"], weekly
        upward = sorted(t for t, b in messages if t.startswith("escalate.")
                        and b.get("period") == "weekly")
        assert upward == ["escalate.city", "escalate.district"], upward
        # the weekly one covers both weeks since the daemon first ran: from
        # its first moment on the drill clock (at 300000 times a slow start
        # takes drill hours: 02-14 02:15 under ASan in CI), before any
        # briefing went out
        body = [b for t, b in messages if t == "brief.weekly"][0]
        first = min(b["at"] for t, b in messages if t == "brief.daily")
        assert local_ms("2026-02-13T20:00") <= body["since"] < first, (body["since"], first)
    finally:
        daemon.cleanup()


def test_a_briefing_gives_each_units_sign_off_and_resolution_times_and_open_action_items():
    # SPEC §3 "Briefings": each unit's sign-off and resolution times, its
    # supervision notices, and the meetings' action items still open
    with Desk(time_start="2026-03-04T10:00", time_scale=20000) as desk:
        case = desk.open_case(source="street.caoyang", workers=35, **enterprise(601))   # major
        request = desk.wait(lambda: desk.published("meeting.request"), "the meeting")[0][1]
        ok(desk.update("hrss", case, "signed"))
        ok(desk.update("justice", case, "resolved", note="调解协议已签"))
        ok(desk.submit({"v": 1, "id": "mn-b", "source": "office", "at": desk.at(),
                        "meeting": request["meeting"], "cases": [case],
                        "actions": [{"owner": "hrss", "text": "一周内垫付工资",
                                     "due": desk.clock() + 7 * 24 * HOUR_MS, "case": case}]},
                       "minutes.office"))
        record = desk.case(case)
        hrss, justice = handler(record, "hrss"), handler(record, "justice")
        daily = desk.wait(lambda: desk.published("brief.daily"), "the next daily briefing")
        body = daily[0][1]
        rows = {row["unit"]: row for row in body["supervision"]}
        assert rows["hrss"]["signed"] == 1, rows
        assert rows["hrss"]["sign_avg_ms"] == hrss["signed"] - hrss["routed"], (rows, hrss)
        assert rows["justice"]["resolved"] == 1, rows
        assert rows["justice"]["resolve_avg_ms"] == justice["done"] - justice["routed"], rows
        assert body["actions_open"] == 1 and body["actions_late"] == 0, body
