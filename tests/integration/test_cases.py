"""Cases over time (issue 3), driven through the real daemon on an
accelerated clock: supervision clocks on working days (across the Spring
Festival, onto a make-up Saturday), kill -9 in the middle of a supervised
fortnight, early-warning windows rebuilt after a restart, briefings,
meetings with and without quorum, a plenary, history and replay."""

import json
import os

import lmdb
import signal
import subprocess
import threading
import time


import event_record
import case_record
import index_record
from handling_desk import clock, handler, never_runs, rung_of, running_clocks
from harness import (CLIENT, DAY_MS, Daemon, due_after, local_date, local_ms, now_ms,
                     replay_all, report, running)

HOUR_MS = 3600 * 1000


def wait_for(predicate, timeout=30.0, interval=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out waiting")


def send(daemon, *bodies, topic=None):
    feeder = daemon.feeder()
    for body in bodies:
        feeder.send(body, topic)
    feeder.close()


def alerts_of(daemon, case_id, kind=None):
    return [e for e in replay_all(daemon)
            if e["topic"].startswith("alert.") and e["body"]["case"] == case_id
            and (kind is None or e["body"]["kind"] == kind)]


# rules.cfg's supervision due times (sign, progress, resolve) and repeats, by level
SUPERVISION = {
    "critical": {"sign": HOUR_MS // 2, "progress": 2 * HOUR_MS, "resolve": 5 * DAY_MS,
                 "repeat": HOUR_MS},
    "major": {"sign": 2 * HOUR_MS, "progress": DAY_MS, "resolve": 10 * DAY_MS,
              "repeat": 4 * HOUR_MS},
    "significant": {"sign": 4 * HOUR_MS, "progress": 3 * DAY_MS, "resolve": 15 * DAY_MS,
                    "repeat": DAY_MS},
    "general": {"sign": DAY_MS, "progress": 7 * DAY_MS, "resolve": 15 * DAY_MS,
                "repeat": DAY_MS},
}
RUNGS = ("none", "remind", "supervise", "circulate")


def rung_time(level, name, start, rung):
    """When a clock started at `start` reaches `rung` (1, 2, 3): rung times
    its due time, in working days from 24 h up (PROTOCOL §4.7, §4.6)."""
    return due_after(start, rung * SUPERVISION[level][name])


def alerts_of_clock(daemon, case_id, unit, name, rung):
    """Published supervision notices of one unit's clock at one rung."""
    return [e for e in alerts_of(daemon, case_id, "supervision")
            if e["body"]["unit"] == unit and e["body"]["clock"] == name
            and e["body"]["rung"] == rung]


def supervision_notices(events, case_id, unit=None, name=None):
    """Bodies of the supervision alerts of a case (of one unit's clock)."""
    return [e["body"] for e in events
            if e["topic"].startswith("alert.") and e["body"].get("case") == case_id
            and e["body"]["kind"] == "supervision"
            and (unit is None or e["body"]["unit"] == unit)
            and (name is None or e["body"]["clock"] == name)]


def store_view(store):
    """One read view of the store beside the running daemon (PROTOCOL §7):
    the case records, every stored alert body by seq, the timers (due,
    kind, id) and the daemon clock's last committed reading."""
    env = lmdb.open(store, max_dbs=16, readonly=True)
    try:
        with env.begin() as txn:
            def table(name):
                return txn.cursor(db=env.open_db(name, txn=txn, create=False))
            cases = {case_record.id_of_key(key): case_record.decode(value)
                     for key, value in table(b"cases")}
            alerts = {}
            for key, value in table(b"events"):
                event = event_record.decode(value)
                if event["type"] == "alert":
                    alerts[int.from_bytes(key, "big")] = event["body"]
            timers = [(int.from_bytes(key[:8], "big"), chr(key[8]), key[9:].decode())
                      for key, _ in table(b"timers")]
            clock_ms = int.from_bytes(txn.get(b"clock", db=env.open_db(b"meta", txn=txn,
                                                                        create=False)), "big")
            return cases, alerts, timers, clock_ms
    finally:
        env.close()


def test_supervision_clocks_on_working_days_survive_kill9():
    start = local_ms("2026-02-13T20:00")         # a Friday evening before the Spring Festival
    daemon = Daemon(extra_args=["--time-start", "2026-02-13T20:00", "--time-scale", "20000"])
    daemon.start()
    try:
        send(daemon,
             report(rid="A", name="Major Garments", workers=40, at=start),
             report(rid="B", name="Significant Foods", street="wanli", source="hrss", workers=12, at=start),
             report(rid="C", name="General Prints", workers=2, at=start))
        daemon.wait_counter("reports", 3)
        cases = {c["enterprise"]: c for c in daemon.request_args("cases", {})[1]["cases"]}
        a, b, c = cases["Major Garments"], cases["Significant Foods"], cases["General Prints"]
        expect = ((a, "major", "hrss"), (b, "significant", "street.wanli"),
                  (c, "general", "street.caoyang"))
        # every handler's clocks start at routing, on the Friday, each due
        # the working-day computation of its level's time from there
        for kase, level, lead in expect:
            assert kase["level"] == level and kase["lead"] == lead, kase
            assert kase["overdue"] is False and kase["timer_at"], kase
            for item in kase["handlers"]:
                names = ("sign", "progress", "resolve") if item["unit"] == lead \
                    else ("sign", "resolve")
                if item["unit"] != lead:
                    assert never_runs(clock(item, "progress")), (kase["id"], item)
                for name in names:
                    entry = clock(item, name)
                    assert entry, (kase["id"], item)
                    assert local_date(entry["start"]) == "2026-02-13", (kase["id"], item)
                    assert entry["due"] == rung_time(level, name, entry["start"], 1), \
                        (kase["id"], item["unit"], entry)
                    assert entry["next"] == entry["due"] and entry["notices"] == 0, entry
                    assert rung_of(entry) == 0, entry
        lead_a, lead_b, lead_c = (handler(k, lead) for k, _, lead in expect)
        # under a day: plain hours, night or not
        assert clock(lead_a, "sign")["due"] - clock(lead_a, "sign")["start"] == 2 * HOUR_MS
        assert clock(lead_b, "sign")["due"] - clock(lead_b, "sign")["start"] == 4 * HOUR_MS
        # a day and more: the make-up Saturday works, the Spring Festival does not
        progress_a, progress_b, progress_c = (clock(h, "progress") for h in (lead_a, lead_b, lead_c))
        assert local_date(progress_a["due"]) == "2026-02-14"     # the make-up Saturday
        assert local_date(rung_time("major", "progress", progress_a["start"], 2)) == "2026-02-24"
        assert local_date(progress_b["due"]) == "2026-02-25"     # across the festival
        assert local_date(rung_time("significant", "progress", progress_b["start"], 2)) \
            == "2026-02-28"                                      # a make-up Saturday again
        assert local_date(clock(lead_c, "sign")["due"]) == "2026-02-14"
        assert local_date(rung_time("general", "sign", clock(lead_c, "sign")["start"], 2)) \
            == "2026-02-24"
        assert local_date(progress_c["due"]) == "2026-03-02"
        assert local_date(clock(lead_a, "resolve")["due"]) == "2026-03-05"
        assert local_date(clock(lead_b, "resolve")["due"]) == "2026-03-12"

        # the lead of A has reported no progress by the make-up Saturday:
        # it is reminded (催办), itself and nobody else
        remind = wait_for(lambda: supervision_notices(replay_all(daemon), a["id"], "hrss",
                                                      "progress"), timeout=20)
        assert len(remind) == 1, remind
        body = remind[0]
        assert body["rung"] == "remind" and body["count"] == 1, body
        assert body["units"] == ["hrss"] and body["reasons"] == ["supervision.remind"], body
        assert body["due"] == progress_a["due"] and body["late_ms"] == body["at"] - body["due"]
        assert progress_a["due"] <= body["at"] < progress_a["due"] + 2 * HOUR_MS, body
        assert body["level"] == "major", body
        record = daemon.case(a["id"])["case"]
        assert record["overdue"] is True and record["level"] == "major", record
        entry = clock(handler(record, "hrss"), "progress")
        assert rung_of(entry) == 1 and entry["notices"] >= 1, entry

        # kill -9 in the middle of the supervised fortnight; come back faster
        daemon.kill9()
        # (the clock resumes from the later of --time-start and its last
        # committed reading: the drill goes on where the crash left it)
        daemon.extra_args = ["--time-start", "2026-02-13T20:00", "--time-scale", "300000"]
        daemon.start()
        # everything due while it was down, and after, fires: run until C's
        # lead is named (通报: 3x its 7 working days, on 20 March)
        wait_for(lambda: rung_of(clock(handler(daemon.case(c["id"])["case"], "street.caoyang"),
                                       "progress")) == 3, timeout=30)
        records, stored, timers, clock_ms = store_view(daemon.store)
        assert local_date(clock_ms) >= "2026-03-20", local_date(clock_ms)
        # at 300000 times real speed a millisecond of scheduling (or of a
        # busy machine) is 5 minutes: 12 h is 144 ms, and less than the day
        # a working-day slip would be
        slack = 12 * HOUR_MS
        events = [{"topic": "alert.", "body": body} for _, body in sorted(stored.items())]
        for kase, level, lead in expect:
            record = records[kase["id"]]
            for item in record["handlers"]:
                for entry in item["clocks"]:
                    if never_runs(entry):
                        continue
                    name, unit = entry["clock"], item["unit"]
                    key = (kase["id"], unit, name)
                    notices = supervision_notices(events, kase["id"], unit, name)
                    # each notice of each clock stored exactly once, across the crash
                    assert [n["count"] for n in notices] == list(range(1, entry["notices"] + 1)), \
                        (key, [n["count"] for n in notices], entry)
                    assert notices, key             # every clock is late by 20 March
                    assert RUNGS[rung_of(entry)] == notices[-1]["rung"], (key, entry)
                    assert entry["start"] == clock(handler(kase, unit), name)["start"], key
                    times = [rung_time(level, name, entry["start"], r) for r in (1, 2, 3)]

                    def after(notice):
                        """When the next notice is due: the rung reached again
                        after the level's repeat, or the next rung if sooner."""
                        rung = RUNGS.index(notice["rung"])
                        again = due_after(notice["at"], SUPERVISION[level]["repeat"])
                        return again if rung == 3 else min(again, times[rung])

                    previous = None
                    for notice in notices:
                        rung = RUNGS.index(notice["rung"])
                        assert notice["due"] == entry["due"] == times[0], (key, notice)
                        assert notice["late_ms"] == notice["at"] - notice["due"], notice
                        # the rung is the one reached at the notice's time
                        assert times[rung - 1] <= notice["at"], (key, notice)
                        assert rung == 3 or notice["at"] < times[rung], (key, notice)
                        if previous is not None:
                            # never sooner than due, never lost (a crash included)
                            assert RUNGS.index(previous["rung"]) <= rung, (key, previous, notice)
                            assert after(previous) <= notice["at"] < after(previous) + slack, \
                                (key, previous, notice)
                        previous = notice
                        # who is told, by rung (rules.cfg notices)
                        if rung == 1:
                            assert notice["units"] == [unit], notice
                        elif rung == 2:
                            want = ["office", "convener"] if level == "major" else ["office"]
                            assert notice["units"] == want, notice
                        else:
                            assert notice["units"] == ["office", unit], notice
                        assert notice["reasons"] == ["supervision." + notice["rung"]], notice
                    # the next one is set, and not overdue itself
                    assert entry["next"] == after(notices[-1]), (key, entry, notices[-1])
                    assert clock_ms < entry["next"] + slack, (key, entry, clock_ms)
                    # every rung passed was noticed, on time
                    for rung in (1, 2, 3):
                        if times[rung - 1] + slack <= clock_ms:
                            first = [n for n in notices if RUNGS.index(n["rung"]) >= rung][0]
                            assert first["rung"] == RUNGS[rung], (key, rung, first)
                            assert first["at"] < times[rung - 1] + slack, \
                                (key, rung, local_date(times[rung - 1]), first["at"] - times[rung - 1])
            # one supervision timer per case, at its earliest next notice (§4.7)
            mine = [t for t in timers if t[2] == kase["id"]]
            running_next = [e["next"] for i in record["handlers"] for e in i["clocks"] if e["next"]]
            assert mine == [(record["timer_at"], "s", kase["id"])], (mine, record["timer_at"])
            assert record["timer_at"] == min(running_next), record
            assert record["overdue"] is True, record
        # lateness never changes a level: no rise, no regrade, nothing up to
        # the district or the city, no meeting but A's own at its opening
        published = replay_all(daemon)
        for kase, level, lead in expect:
            mine = [e for e in published if e["body"].get("case") == kase["id"]]
            assert {e["body"]["level"] for e in mine if e["topic"].startswith("alert.")} == {level}
            kinds = {e["body"]["kind"] for e in mine if e["topic"].startswith("alert.")}
            # (A's meeting may go short of a quorum: an alert of kind warning)
            assert kinds <= {"new", "supervision", "warning"}, (kase["id"], kinds)
            assert not [e for e in mine if e["topic"].startswith("escalate.")], kase["id"]
            meetings = [e for e in mine if e["topic"] == "meeting.request"]
            assert len(meetings) == (1 if level == "major" else 0), (kase["id"], meetings)
            assert daemon.case(kase["id"])["case"]["level"] == level
            # what was stored was published, under the same seq
            by_seq = {e["seq"]: e["body"] for e in mine}
            for seq, body in stored.items():
                if body.get("case") == kase["id"]:
                    assert by_seq.get(seq) == body, (seq, body)
        overdue = daemon.request_args("cases", {"overdue": True})[1]
        assert sorted(x["id"] for x in overdue["cases"]) == sorted(k["id"] for k, _, _ in expect)
    finally:
        daemon.cleanup()



# its notices' times are checked against a fast clock, within a slack: a
# neighbour's load would show as lateness, so run.py runs it alone
test_supervision_clocks_on_working_days_survive_kill9.solo = True

def test_updates_restart_leave_and_reopen_supervision():
    # a Wednesday morning, a working day; significant: sign-off due in 4 h,
    # progress in 3 working days, 24 h between repeats. 4 h pass in 0.3 s.
    start = local_ms("2026-03-04T10:00")
    with running(extra_args=["--time-start", "2026-03-04T10:00", "--time-scale", "50000"]) as daemon:
        submitter = daemon.submitter()
        status, reply = submitter.submit(report(rid="s1", workers=12, at=start), deadline_s=10)
        assert status == "ok", reply
        case_id = "putuo-%d" % reply["seq"]
        first = daemon.case(case_id)["case"]
        assert first["level"] == "significant" and first["lead"] == "street.caoyang", first
        assert {"hrss", "justice", "union", "street.caoyang"} <= {h["unit"] for h in first["handlers"]}
        progress0 = clock(handler(first, "street.caoyang"), "progress")
        assert progress0["due"] == due_after(progress0["start"], 3 * DAY_MS), progress0

        def update(source, uid, status, note=None):
            body = {"v": 1, "id": uid, "source": source, "at": start, "case": case_id,
                    "status": status}
            if note is not None:
                body["note"] = note
            return submitter.submit(body, "update." + source, deadline_s=10)

        def accepted(ack):
            """The handling time (daemon clock) of an accepted update."""
            status, reply = ack
            assert status == "ok", ack
            events = [e for e in daemon.case(case_id)["history"] if e["seq"] == reply["seq"]]
            assert len(events) == 1 and events[0]["type"] == "update", events
            return events[0]["at"]

        def refused(ack, reason):
            assert ack[0] == "rejected" and ack[1]["reason"] == reason, (reason, ack)

        def now():
            return daemon.health()["at"]

        def record():
            return daemon.case(case_id)["case"]

        def lead_progress():
            return clock(handler(record(), "street.caoyang"), "progress")

        # a co-handler's progress: it has signed (its sign-off clock stops);
        # the lead's progress clock is the lead's own
        accepted(update("justice", "u1", "mediating"))
        justice = handler(record(), "justice")
        assert justice["state"] == "signed" and not clock(justice, "sign")["next"], justice
        assert lead_progress()["start"] == progress0["start"], lead_progress()
        # the lead's progress (进展): its progress clock starts again
        at = accepted(update("street.caoyang", "u2", "mediating", note="调解中"))
        entry = lead_progress()
        assert entry["start"] == at > progress0["start"], (entry, at)
        assert entry["due"] == due_after(at, 3 * DAY_MS) and entry["next"] == entry["due"], entry
        assert handler(record(), "street.caoyang")["state"] == "signed"
        refused(update("convener", "u3", "accepted"), "not_routed")   # a role, not a handler
        refused(update("police", "u4", "accepted"), "not_routed")     # not routed on this case
        # mediation failed: the office is told, the lead's progress clock
        # starts again, and the level does NOT rise
        at = accepted(update("justice", "u5", "failed", note="调解失败"))
        failed = wait_for(lambda: alerts_of(daemon, case_id, "failed"), timeout=10)
        assert len(failed) == 1, failed
        body = failed[0]["body"]
        assert body["units"] == ["office"] and body["reasons"] == ["failed"], body
        assert body["source"] == "justice" and body["update"] == "u5", body
        assert body["level"] == "significant", body
        entry = lead_progress()
        assert entry["start"] == at and entry["due"] == due_after(at, 3 * DAY_MS), (entry, at)

        # the units that have not signed are chased (催办, 督办, 通报) - the
        # level stays where it is
        def named():
            return all(alerts_of_clock(daemon, case_id, unit, "sign", "circulate")
                       for unit in ("hrss", "union"))
        wait_for(named, timeout=15)
        late = record()
        assert late["overdue"] is True and late["level"] == "significant", late
        # a street cannot close a case, nor the office one not resolved yet
        refused(update("street.caoyang", "u6", "closed"), "not_authorized")
        refused(update("office", "u7", "closed"), "bad_state")

        # the lead resolves it (办结): the case waits for the office's review
        # and leaves supervision: every clock stops
        before = record()
        chased = [clock(handler(before, unit), "sign")["next"] for unit in ("hrss", "union")]
        assert all(chased), before
        at = accepted(update("street.caoyang", "u8", "resolved", note="已支付工资"))
        resolved = alerts_of(daemon, case_id, "resolved")
        assert len(resolved) == 1, resolved
        body = resolved[0]["body"]
        assert body["unit"] == "street.caoyang" and body["source"] == "street.caoyang", body
        assert set(late["units"]) | {"office"} <= set(body["units"]), body
        after = record()
        assert after["stage"] == "resolved" and after["closed"] is False, after
        lead = handler(after, "street.caoyang")
        assert lead["state"] == "done" and lead["done"] == at, lead
        assert running_clocks(after) == [] and after["timer_at"] == 0, after
        assert after["overdue"] is False, after
        # ... so nothing chases it when its clocks would have come due
        last_seq = resolved[0]["seq"]
        wait_for(lambda: now() > max(chased) + HOUR_MS, timeout=15)
        # the office closes it (审核办结)
        accepted(update("office", "u9", "closed", note="审核通过"))
        closed = wait_for(lambda: alerts_of(daemon, case_id, "closed"), timeout=10)
        after = record()
        assert closed[0]["body"]["source"] == "office", closed
        assert closed[0]["body"]["units"] == after["units"], (closed, after["units"])
        assert after["stage"] == "closed" and after["closed"] is True, after
        assert running_clocks(after) == [] and after["timer_at"] == 0, after
        assert daemon.health()["store"]["open_cases"] == 0
        closed_at = now()
        wait_for(lambda: now() > closed_at + DAY_MS, timeout=15)
        quiet = [e for e in alerts_of(daemon, case_id, "supervision") if e["seq"] > last_seq]
        assert quiet == [], quiet
        # every accepted update is in the history with who, when and what
        updates = [e for e in daemon.case(case_id)["history"] if e["type"] == "update"]
        assert [u["body"]["status"] for u in updates] == \
            ["mediating", "mediating", "failed", "resolved", "closed"], updates
        assert [u["body"]["source"] for u in updates] == \
            ["justice", "street.caoyang", "justice", "street.caoyang", "office"]

        # a new report about the enterprise opens a new case; then mediation
        # of the old case turns out to have failed after all: it re-opens,
        # at its level, its clocks running again, without taking over the
        # newer case's matching
        status, reply = submitter.submit(report(rid="s2", workers=3, at=start), deadline_s=10)
        assert status == "ok", reply
        newer = "putuo-%d" % reply["seq"]
        assert daemon.case(newer)["case"]["reports"] == 1
        at = accepted(update("justice", "u10", "failed", note="工资未到账"))
        reopened = wait_for(lambda: alerts_of(daemon, case_id, "reopened"), timeout=10)
        again = record()
        assert len(reopened) == 1 and reopened[0]["body"]["source"] == "justice", reopened
        assert reopened[0]["body"]["units"] == again["units"], (reopened, again["units"])
        assert again["stage"] == "open" and again["closed"] is False, again
        assert again["reopened"] == 1 and again["level"] == "significant", again
        assert daemon.health()["store"]["open_cases"] == 2
        # the handlers' clocks start again at the re-opening (PROTOCOL §3.5,
        # §4.7): the sign-off of those that never signed, everyone's
        # resolve clock, and the lead's progress clock
        for unit, names in (("hrss", ("sign", "resolve")), ("union", ("sign", "resolve")),
                            ("justice", ("resolve",)),
                            ("street.caoyang", ("progress", "resolve"))):
            for name in names:
                entry = clock(handler(again, unit), name)
                assert entry and entry["start"] == at, (unit, name, handler(again, unit))
                assert entry["due"] == rung_time("significant", name, at, 1), (unit, name, entry)
                # counted afresh; a loaded machine may read it after its first notice
                if entry["notices"] == 0:
                    assert entry["next"] == entry["due"] and rung_of(entry) == 0, (unit, name, entry)
                else:
                    assert rung_of(entry) >= 1 and entry["next"] > entry["due"], (unit, name, entry)
        # its one supervision timer is set again, at its first next notice
        # (one it moved on from may wait in the store: it does nothing, §4.7)
        records, _, timers, _ = store_view(daemon.store)
        stored = records[case_id]
        assert stored["timer_at"] == min(e["next"] for h in stored["handlers"]
                                         for e in h["clocks"] if e["next"]), stored
        assert (stored["timer_at"], "s", case_id) in timers, (stored["timer_at"], timers)
        # ... and the case is chased again, from the new start
        remind = wait_for(lambda: [e for e in alerts_of_clock(daemon, case_id, "hrss", "sign",
                                                               "remind") if e["seq"] > last_seq],
                          timeout=10)
        assert remind[0]["body"]["due"] == clock(handler(again, "hrss"), "sign")["due"], remind
        assert remind[0]["body"]["count"] == 1, remind
        # a later report joins the newer case, not the re-opened one
        status, reply = submitter.submit(report(rid="s3", workers=4, at=start), deadline_s=10)
        assert status == "ok", reply
        assert daemon.case(newer)["case"]["reports"] == 2
        assert record()["reports"] == 1
        # lateness, failure, closure and re-opening never moved the level
        mine = [e for e in replay_all(daemon) if e["body"].get("case") == case_id]
        assert {e["body"]["level"] for e in mine if e["topic"].startswith("alert.")} == \
            {"significant"}, mine
        assert not [e for e in mine if e["body"].get("kind") in ("escalated", "regraded")]
        assert not [e for e in mine if e["topic"].startswith(("escalate.", "meeting."))]
        assert record()["level"] == "significant"
        submitter.close()


def test_early_warning_windows_rebuild_after_kill9():
    daemon = Daemon().start()
    try:
        seen = set()

        def fresh(watcher, quiet_ms=600):
            """New warnings only: after a kill -9 the daemon sends the last
            batch's messages again, and subscribers deduplicate by seq."""
            out = []
            for topic, body in watcher.recv_all(quiet_ms=quiet_ms):
                if body["seq"] not in seen:
                    seen.add(body["seq"])
                    out.append((topic, body))
            return out

        watcher = daemon.watcher(("warning.",))
        send(daemon, *[report(rid="w%d" % i, name="Street Co %d" % i, street="wanli",
                              source="hrss") for i in range(9)])
        daemon.wait_counter("reports", 9)
        assert fresh(watcher, 300) == []
        watcher.close()
        daemon.kill9()
        daemon.start()
        watcher = daemon.watcher(("warning.",))
        send(daemon, report(rid="w9", name="Street Co 9", street="wanli", source="hrss"))
        crossings = fresh(watcher, 1500)
        assert len(crossings) == 1, crossings
        topic, body = crossings[0]
        assert topic == "warning.street" and body["street"] == "street.wanli"
        assert body["count"] == 10 and body["units"] == ["office"]
        watcher.close()
        daemon.kill9()
        daemon.start()
        watcher = daemon.watcher(("warning.",))
        # the window already crossed: an 11th report is no new crossing
        send(daemon, report(rid="w10", name="Street Co 10", street="wanli", source="hrss"))
        daemon.wait_counter("reports", 1)
        assert fresh(watcher, 1500) == []
        # a work prompt: one category from three streets, suggested to the
        # office (notices/prompt), which issues it to the streets itself
        send(daemon, report(rid="p1", name="P1", category="layoff", street="taopu", source="hrss"),
             report(rid="p2", name="P2", category="layoff", street="zhenru", source="hrss"))
        assert fresh(watcher, 400) == []                     # two streets: not yet
        send(daemon, report(rid="p3", name="P3", category="layoff", street="ganquan", source="hrss"))
        crossings = fresh(watcher)
        assert len(crossings) == 1, crossings
        topic, body = crossings[0]
        assert topic == "warning.prompt" and body["category"] == "layoff"
        assert body["suggested"] is True                     # the office issues the prompt
        assert sorted(body["streets"]) == ["street.ganquan", "street.taopu", "street.zhenru"]
        assert body["units"] == ["office"], body
        send(daemon, report(rid="p4", name="P4", category="layoff", street="changfeng", source="hrss"))
        assert fresh(watcher, 400) == []                     # once per crossing
    finally:
        daemon.cleanup()


def _windows(store):
    """The early-warning windows as the daemon left them, key -> value: the
    `windows` table's, and (store format 5) each enterprise's in its record
    in `caseindex` (one record since format 8), under the key the
    enterprise's had in `windows` before format 5: `e/` and its name."""
    env = lmdb.open(store, max_dbs=32, readonly=True, lock=False)
    try:
        with env.begin() as txn:
            windows = {}
            try:
                windows.update(txn.cursor(db=env.open_db(b"windows", txn=txn, create=False)))
            except lmdb.NotFoundError:
                pass
            try:
                index = env.open_db(b"caseindex", txn=txn, create=False)
            except lmdb.NotFoundError:
                return windows
            for key, value in txn.cursor(db=index):
                window = index_record.decode(value)[0]
                if window:
                    windows[b"e/" + key] = window
            return windows
    finally:
        env.close()


def _meta(store, key):
    """A meta mark (u64 big-endian) as the daemon left it, or None."""
    env = lmdb.open(store, max_dbs=16, readonly=True, lock=False)
    try:
        with env.begin() as txn:
            value = txn.get(key, db=env.open_db(b"meta", txn=txn, create=False))
            return None if value is None else int.from_bytes(value, "big")
    finally:
        env.close()


def test_windows_live_in_the_store_old_stores_get_them_stale_ones_go():
    daemon = Daemon().start()
    try:
        same = dict(name="同一家制衣有限公司", street="wanli", source="hrss")
        # two disputes of the enterprise; the union's report of the first
        # joins it and is not counted again
        send(daemon, report(rid="e1", **same), report(rid="e2", category="layoff", **same),
             report(rid="u1", name="同一家制衣有限公司", street="wanli", source="union"))
        daemon.wait_counter("reports", 3)
        daemon.stop()
        windows = _windows(daemon.store)
        enterprise = [k for k in windows if k.startswith(b"e/")]
        assert len(enterprise) == 1, windows
        assert windows[enterprise[0]][1] == 2                # two times held
        assert b"s/street.wanli" in windows and any(k.startswith(b"c/") for k in windows)
        assert _meta(daemon.store, b"windows") == 3          # disputes, beside their keys
        # A store written by 0.3 had no windows: take them away, as if.
        env = lmdb.open(daemon.store, max_dbs=16)
        with env.begin(write=True) as txn:
            txn.drop(env.open_db(b"windows", txn=txn), delete=True)
            txn.delete(b"windows", db=env.open_db(b"meta", txn=txn))
        env.close()
        daemon.start()
        assert "windows built from 2 recent cases" in daemon.read_log()
        watcher = daemon.watcher(("warning.enterprise",))
        send(daemon, report(rid="e3", category="contract", **same))
        crossings = watcher.recv_all(quiet_ms=800)
        assert len(crossings) == 1 and crossings[0][1]["count"] == 3, crossings
        watcher.close()
        daemon.stop()
        # A store written by 0.4 kept windows that counted reports (meta 1):
        # they are dropped and built again from the cases.
        env = lmdb.open(daemon.store, max_dbs=16)
        with env.begin(write=True) as txn:
            txn.put(b"e/nm/street.wanli/counted-by-reports", b"\x01\x00",
                    db=env.open_db(b"windows", txn=txn))
            txn.put(b"windows", (1).to_bytes(8, "big"), db=env.open_db(b"meta", txn=txn))
        env.close()
        daemon.start()
        assert "windows built from 3 recent cases" in daemon.read_log()
        windows = _windows(daemon.store)
        assert b"e/nm/street.wanli/counted-by-reports" not in windows, windows
        assert [v[1] for k, v in windows.items() if k.startswith(b"e/")] == [3]
        assert _meta(daemon.store, b"windows") == 3
    finally:
        daemon.cleanup()
    # An enterprise nobody reports for longer than its window is forgotten
    # (the window's 30 days pass in about 3 s here; a pruning step runs
    # every 5 s).
    daemon = Daemon(extra_args=["--time-scale", "1000000"]).start()
    try:
        send(daemon, report(rid="x1", name="一次性企业", street="taopu", source="hrss"))
        daemon.wait_counter("reports", 1)
        wait_for(lambda: any(k.startswith(b"e/") for k in _windows(daemon.store)), 10)
        wait_for(lambda: not any(k.startswith(b"e/") for k in _windows(daemon.store)), 20)
        assert b"s/street.taopu" in _windows(daemon.store)   # streets are kept
    finally:
        daemon.cleanup()


def test_daily_and_weekly_briefings():
    start = local_ms("2026-03-01T20:00")          # Sunday evening
    daemon = Daemon(extra_args=["--time-start", "2026-03-01T20:00", "--time-scale", "20000"])
    daemon.start()
    try:
        watcher = daemon.watcher(("brief.", "escalate.city", "escalate.district"))
        send(daemon, report(rid="b1", name="Brief One", workers=3, at=start),
             report(rid="b2", name="Brief Two", workers=40, at=start),
             report(rid="b3", name="Brief Three", workers=12, street="taopu", source="hrss",
                    category="layoff", at=start))
        messages = []
        wait_for(lambda: messages.extend(watcher.recv_all(quiet_ms=200)) or
                 {"brief.daily", "brief.weekly"} <= {m[0] for m in messages}, timeout=20)
        by_topic = {}
        for topic, body in messages:
            by_topic.setdefault(topic, []).append(body)
        daily = by_topic["brief.daily"][0]
        assert daily["period"] == "daily" and daily["new"]["total"] == 3
        assert daily["new"]["by_level"] == {"general": 1, "significant": 1, "major": 1, "critical": 0}
        assert daily["new"]["by_street"] == {"street.caoyang": 2, "street.taopu": 1}
        assert daily["new"]["by_category"] == {"wage_arrears": 2, "layoff": 1}
        assert daily["open"] == 3 and daily["meetings_requested"] == 1
        assert local_date(daily["at"]) == "2026-03-02"            # Monday 08:30
        weekly = by_topic["brief.weekly"][0]
        assert weekly["period"] == "weekly" and weekly["new"]["total"] == 3
        # the weekly brief is also reported to the district government and
        # the city (汇报, notices/weekly_up)
        city = [b for b in by_topic.get("escalate.city", []) if b.get("period") == "weekly"]
        assert len(city) == 1 and city[0]["to"] == "city" and city[0]["new"] == weekly["new"]
        assert city[0]["from"] == "putuo"
        district = [b for b in by_topic.get("escalate.district", []) if b.get("period") == "weekly"]
        assert len(district) == 1 and district[0]["to"] == "district", district
        assert district[0]["new"] == weekly["new"] and district[0]["seq"] != city[0]["seq"]
        # the first period began when the daemon first ran: the clock's start
        assert start <= daily["since"] < start + HOUR_MS and daily["until"] == daily["at"]
        assert city[0]["seq"] != weekly["seq"]
    finally:
        daemon.cleanup()


def test_meetings_quorum_reminders_minutes_plenary():
    daemon = Daemon(extra_args=["--time-scale", "10000"]).start()
    try:
        watcher = daemon.watcher(("meeting.", "alert.", "warning."))
        send(daemon, report(rid="q1", name="Quorum Co", workers=40, ownership="private"),
             report(rid="q2", name="No Quorum Co", workers=40, ownership="private"))
        requests = []
        wait_for(lambda: requests.extend(m for m in watcher.recv_all(quiet_ms=100)
                                         if m[0] == "meeting.request") or len(requests) == 2)
        (_, m1), (_, m2) = requests
        assert m1["kind"] == "special" and m1["chairs"] == ["convener", "vice_convener"]
        invited = m1["participants"]
        assert len(invited) == 6 and "hrss" in invited

        def rsvp(source, rid, meeting, answer):
            return {"v": 1, "id": rid, "source": source, "at": now_ms(), "meeting": meeting,
                    "answer": answer}

        feeder = daemon.feeder()
        # M1: the vice-convener, the lead unit and half of the invited attend
        for unit in ("vice_convener", "hrss", "legal", "justice"):
            feeder.send(rsvp(unit, "r-" + unit, m1["meeting"], "attend"), topic="rsvp." + unit)
        # M2: the lead unit only; legal declines
        feeder.send(rsvp("hrss", "r2-hrss", m2["meeting"], "attend"), topic="rsvp.hrss")
        feeder.send(rsvp("legal", "r2-legal", m2["meeting"], "decline"), topic="rsvp.legal")
        feeder.send(rsvp("police", "r-police", m1["meeting"], "attend"), topic="rsvp.police")
        feeder.send(rsvp("hrss", "r-ghost", "putuo-m999", "attend"), topic="rsvp.hrss")
        feeder.close()
        daemon.wait_counter("rsvps", 6)
        assert daemon.health()["rejections"] == {"not_invited": 1, "unknown_meeting": 1}

        # half the 24h deadline later (4.3 s at 10000x): M2 has no quorum
        reminders = []
        wait_for(lambda: reminders.extend(m for m in watcher.recv_all(quiet_ms=100)
                                          if m[0] == "meeting.reminder" or
                                          m[1].get("kind") == "warning") or len(reminders) >= 2,
                 timeout=20)
        reminder = [b for t, b in reminders if t == "meeting.reminder"]
        warning = [b for t, b in reminders if t.startswith("alert.")]
        assert len(reminder) == 1 and reminder[0]["meeting"] == m2["meeting"]
        assert "hrss" not in reminder[0]["to"] and "legal" not in reminder[0]["to"]
        assert {"convener", "vice_convener", "justice", "union"} <= set(reminder[0]["to"])
        assert len(warning) == 1 and warning[0]["units"] == ["convener"]
        assert warning[0]["reasons"] == ["meeting.no_quorum"] and warning[0]["case"] == m2["case"]

        # the office records M1 as held; the case's history shows the minutes
        feeder = daemon.feeder()
        minutes = {"v": 1, "id": "min-1", "source": "office", "at": now_ms(), "meeting": m1["meeting"],
                   "decisions": ["由区总工会牵头协商", "街道三日内回访"], "followup": ["union"],
                   "cases": [m1["case"]]}
        feeder.send(minutes, topic="minutes.office")
        feeder.send(dict(minutes, id="min-2", source="hrss"), topic="minutes.hrss")
        feeder.close()
        daemon.wait_counter("minutes", 1)
        history = daemon.case(m1["case"])["history"]
        held = [e for e in history if e["type"] == "minutes"]
        assert len(held) == 1 and held[0]["body"]["decisions"][0] == "由区总工会牵头协商"
        assert daemon.health()["rejections"]["not_authorized"] == 1

        # a plenary, called by the convener through the api
        status, body = daemon.request_args("plenary", {"source": "hrss"})
        assert status == "error" and "convener" in body["error"]
        status, body = daemon.request_args("plenary", {"source": "convener"})
        assert status == "ok"
        plenary = wait_for(lambda: [b for t, b in watcher.recv_all(quiet_ms=100)
                                    if t == "meeting.request"])[0]
        assert plenary["kind"] == "plenary" and plenary["meeting"] == body["meeting"]
        assert len(plenary["participants"]) == 21 and "case" not in plenary
    finally:
        daemon.cleanup()


def test_replay_joins_live_stream_without_gap_or_duplicate():
    with running() as daemon:
        send(daemon, *[report(rid="early%d" % i, name="Early %d" % i) for i in range(50)])
        daemon.wait_counter("reports", 50)
        out = open(os.path.join(daemon.folder, "replay.out"), "w")
        replay = subprocess.Popen([CLIENT, "replay", "--since", "1", "--json", "--api", daemon.api,
                                   "--endpoint", daemon.publish], stdout=out, stderr=subprocess.PIPE)
        stop = threading.Event()

        def feed():
            feeder = daemon.feeder()
            for i in range(1500):
                feeder.send(report(rid="live%d" % i, name="Live %d" % i,
                                   street=["wanli", "taopu", "zhenru"][i % 3], source="hrss"))
                if i % 50 == 0:
                    time.sleep(0.01)
            feeder.close()
            stop.set()

        thread = threading.Thread(target=feed)
        thread.start()
        thread.join(60)
        daemon.wait_counter("reports", 1550)
        time.sleep(1.0)
        replay.send_signal(signal.SIGTERM)
        replay.wait(10)
        out.close()
        with open(os.path.join(daemon.folder, "replay.out")) as handle:
            seen = [json.loads(line)["body"]["seq"] for line in handle if line.strip()]
        stored = [e["seq"] for e in replay_all(daemon)]
        assert len(stored) >= 1550
        assert seen == stored, (len(seen), len(stored), sorted(set(stored) - set(seen))[:5])


def test_case_why_and_cases_commands():
    with running() as daemon:
        send(daemon, report(rid="x1", name="Why Ltd", workers=12, flags=["litigation"]),
             report(rid="x2", name="Why Ltd", workers=35, flags=["gathering"], source="union",
                    street="caoyang"))
        daemon.wait_counter("reports", 2)
        case = daemon.request_args("cases", {"level": "major"})[1]["cases"][0]["id"]
        result = subprocess.run([CLIENT, "why", case, "--api", daemon.api], capture_output=True,
                                text=True, timeout=20)
        assert result.returncode == 0, result.stderr
        assert "route.police" in result.stdout and "区公安分局" in result.stdout
        assert "route.court" in result.stdout and "major.flags" in result.stdout
        result = subprocess.run([CLIENT, "case", case, "--api", daemon.api], capture_output=True,
                                text=True, timeout=20)
        assert result.returncode == 0 and "history:" in result.stdout
        assert result.stdout.count("report") >= 2 and "meeting.request" in result.stdout
        result = subprocess.run([CLIENT, "cases", "--level", "major", "--json", "--api", daemon.api],
                                capture_output=True, text=True, timeout=20)
        listed = json.loads(result.stdout)
        assert listed["count"] == 1 and listed["cases"][0]["id"] == case
        result = subprocess.run([CLIENT, "cases", "--street", "wanli", "--api", daemon.api],
                                capture_output=True, text=True, timeout=20)
        assert result.stdout.strip().endswith("0 cases")
        result = subprocess.run([CLIENT, "case", "putuo-404", "--api", daemon.api],
                                capture_output=True, text=True, timeout=20)
        assert result.returncode == 1 and "no case" in result.stderr
        result = subprocess.run([CLIENT, "update", case, "--status", "mediating", "--source", "union",
                                 "--note", "协商中", "-e", daemon.ingest], capture_output=True,
                                text=True, timeout=20)
        assert result.returncode == 0, result.stderr
        daemon.wait_counter("updates", 1)
        assert daemon.case(case)["case"]["status"] == "mediating"
