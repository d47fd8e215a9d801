"""Briefings (通报) on working days only (issue 14, SPEC §3 "Briefings"):
through the real daemon on an accelerated clock across the 2026 Spring
Festival, from the Friday before it to the Wednesday after. The daily
briefing comes on the make-up Saturday (02-14) and on no day of the
festival (02-15 to 02-23); the weekly one (Mondays) skips the week that is
all holiday and goes on Tuesday 02-24, the first working day of its week,
and not on Monday 02-16 or 02-23; each weekly one also goes up to the
district government and the city."""

import time

from harness import Daemon, local_date, replay_all

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
        # the weekly one covers both weeks since the daemon first ran
        body = [b for t, b in messages if t == "brief.weekly"][0]
        assert local_date(body["since"]) == "2026-02-13", body["since"]
    finally:
        daemon.cleanup()
