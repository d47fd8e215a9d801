"""Freshness and one time zone (issue 15): the daemon's heartbeat
(hs.heartbeat, PROTOCOL §4.18) lets `huishang watch` and the Python client
tell a quiet hour from a dead daemon — kill -9 under them, a warning within
10 s, and word when it is back, nothing lost and nothing told twice; every
client prints and reads the district's time whatever the machine's TZ; and
`huishang replay` prints every kind the daemon publishes as a readable line
(never a body as JSON, never "-1人"). Every wait is bounded."""

import os
import re
import signal
import subprocess
import sys
import threading
import time

from handling_desk import WAIT_S, Desk, enterprise, ok
from harness import CLIENT, ROOT, config_copy, local_ms, report

sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
import huishang  # noqa: E402  (the project's Python client)

ENV = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")
STALE = re.compile(r"huishang: no heartbeat from the daemon for (\d+) s "
                   r"\(since \d\d:\d\d:\d\d \+08:00\)")
BACK = re.compile(r"huishang: the daemon answers again \(heartbeat at \d\d:\d\d:\d\d \+08:00\)")


def cli(desk, *args, tz="Asia/Shanghai"):
    """Run the CLI against the desk's daemon under a TZ; its stdout."""
    env = dict(ENV, TZ=tz)
    out = subprocess.run([CLIENT, "--api", desk.daemon.api, "--publish", desk.daemon.publish]
                         + list(args), capture_output=True, text=True, env=env, timeout=WAIT_S)
    assert out.returncode == 0, (args, out.stdout, out.stderr)
    return out.stdout


def read(path):
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def wait_for(probe, what, timeout=WAIT_S):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out (%.0f s) waiting for %s" % (timeout, what))


def test_watch_and_subscribe_say_when_the_daemon_dies_and_when_it_is_back():
    # a beat a second (server/heartbeat): the viewers learn the interval
    # from the beats themselves, and call the daemon gone after 3 s
    desk = Desk()
    desk.daemon.config = config_copy(desk.daemon.folder, heartbeat="1s")
    with desk:
        first = desk.open_case(source="street.caoyang", workers=12, **enterprise(1501))
        out_path = os.path.join(desk.daemon.folder, "watch.out")
        err_path = os.path.join(desk.daemon.folder, "watch.err")
        with open(out_path, "w") as out, open(err_path, "w") as err:
            watch = subprocess.Popen([CLIENT, "watch", "-v", "-e", desk.daemon.publish],
                                     stdout=out, stderr=err, env=ENV)
        fell = {}

        def subscriber():
            client = huishang.Client(publish=desk.daemon.publish, api=desk.daemon.api)
            try:
                for topic, body in client.subscribe(("alert.",), heartbeats=True):
                    fell.setdefault("beats", 0)
                    fell["beats"] += topic == "hs.heartbeat"
            except huishang.Unavailable as error:
                fell["at"], fell["error"] = time.time(), error
            finally:
                client.close()

        thread = threading.Thread(target=subscriber, daemon=True)
        thread.start()
        try:
            # -v: the heartbeat as a readable line, every 2 s
            beat = wait_for(lambda: [line for line in read(out_path).splitlines()
                                     if " hs.heartbeat " in line], "a heartbeat line")[0]
            assert "守护进程在线 daemon alive: next seq" in beat and "{" not in beat, beat
            assert "every 1000 ms" in beat, beat
            wait_for(lambda: fell.get("beats"), "a beat in the Python client")
            second = desk.open_case(source="street.wanli", workers=8, **enterprise(1502))
            wait_for(lambda: second in read(out_path), "the second case's alert in watch")
            before = desk.replayed()
            # kill -9 under them: both say so within 10 s
            desk.pump(50)
            desk.disconnect()
            desk.daemon.kill9()
            killed = time.time()
            line = wait_for(lambda: STALE.search(read(err_path)), "watch's warning", timeout=10)
            assert time.time() - killed < 10
            assert 3 <= int(line.group(1)) <= 10, line.group(0)
            wait_for(lambda: "at" in fell, "Unavailable from subscribe()", timeout=10)
            assert fell["at"] - killed < 10
            assert isinstance(fell["error"], ConnectionError), fell["error"]
            assert "no heartbeat from the daemon" in str(fell["error"]), fell["error"]
            assert not BACK.search(read(err_path))
            # the same daemon on the same store: watch says it is back
            desk.daemon.start()
            desk.connect()
            wait_for(lambda: BACK.search(read(err_path)), "watch's recovery line", timeout=10)
            third = desk.open_case(source="street.taopu", workers=6, **enterprise(1503))
            wait_for(lambda: third in read(out_path), "an alert after the restart in watch")
            # nothing lost, nothing told twice
            after = desk.replayed()
            assert all(after.get(seq) == event for seq, event in before.items())
            news = [body["case"] for topic, body in after.values()
                    if topic.startswith("alert.") and body.get("kind") == "new"]
            assert sorted(news) == sorted([first, second, third]), news
            shown = [line for line in read(out_path).splitlines() if " alert." in line]
            assert len([line for line in shown if second in line and "[new]" in line]) == 1, \
                "\n".join(shown)
            assert read(err_path).count("no heartbeat from the daemon") == 1
        finally:
            watch.send_signal(signal.SIGINT)
            try:
                watch.wait(5)
            except subprocess.TimeoutExpired:
                watch.kill()
                watch.wait(5)
            thread.join(1)


def test_times_are_the_districts_whatever_the_machines_tz():
    with Desk(time_start="2026-02-13T10:00") as desk:
        case = desk.open_case(source="street.caoyang", workers=14, **enterprise(1504))
        commands = [("case", case), ("cases",), ("replay", "--no-follow"),
                    ("cases", "--since", "2026-02-13T09:30"),
                    ("cases", "--since", "2026-02-13 10:30"), ("case", case, "--utc")]
        outputs = {}
        for tz in ("UTC", "America/New_York", "Asia/Shanghai"):
            outputs[tz] = [cli(desk, *command, tz=tz) for command in commands]
        assert outputs["UTC"] == outputs["America/New_York"] == outputs["Asia/Shanghai"]
        shown, listed, replayed, since_before, since_after, utc = outputs["UTC"]
        # the report's time, 10:00 in the district (02:00 UTC, 21:00 in New York)
        assert "2026-02-13 10:00:" in shown and "2026-02-13 02:00:" not in shown, shown
        # a due time, which could be misread, says its zone
        assert re.search(r"due 2026-02-1\d \d\d:\d\d:\d\d \+08:00", shown), shown
        assert "2026-02-13 10:00:" in replayed, replayed
        assert case in listed
        # --since read in the district: 09:30 is before the case, 10:30 after
        assert case in since_before, since_before
        assert case not in since_after, since_after
        # --utc where a script wants it
        assert "2026-02-13 02:00:" in utc and "2026-02-13 10:00:" not in utc, utc
        assert "+00:00" in utc and "+08:00" not in utc, utc
        # the dossier too (but for when it was made, a moment apart)
        made = re.compile(r"生成时间 <span class=\"en\">made</span> [^·]*")
        pages = [made.subn("", cli(desk, "dossier", case, tz=tz))
                 for tz in ("UTC", "America/New_York")]
        assert pages[0][1] == pages[1][1] == 1, "the dossier says when it was made"
        pages = [page for page, _ in pages]
        assert pages[0] == pages[1] and "2026-02-13 10:00" in pages[0]
        assert "UTC+08:00" in pages[0]
        # the Python client's times are the district's too
        program = ("import sys; sys.path.insert(0, %r); import huishang; "
                   "print(huishang.district_time(%d)); print(huishang.parse_time('2026-02-13 10:00'))"
                   % (os.path.join(ROOT, "clients", "python"), local_ms("2026-02-13T10:00")))
        for tz in ("UTC", "America/New_York"):
            out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                                 env=dict(ENV, TZ=tz), timeout=WAIT_S)
            assert out.stdout.split("\n")[:2] == ["2026-02-13 10:00:00 +08:00",
                                                  str(local_ms("2026-02-13T10:00"))], out


def test_replay_prints_every_kind_as_a_readable_line():
    # a Sunday evening at 20000 times: Monday's daily and weekly briefings
    # (and the weekly one upward, escalate.city) come after about 2.5 s
    with Desk(time_start="2026-03-08T20:00", time_scale=20000) as desk:
        major = desk.open_case(source="street.caoyang", workers=35, **enterprise(1510))
        feeder = desk.daemon.feeder()
        for index in range(10):                 # warning.street: 10 new cases in a day
            feeder.send(report_body(desk, "rs%d" % index, 1520 + index, "street.caoyang"))
        for index, street in enumerate(("wanli", "taopu", "ganquan")):   # warning.prompt
            feeder.send(report_body(desk, "rp%d" % index, 1540 + index, "hrss", street=street,
                                    category="layoff", fseq=(1, 2, 5)[index]))
        feeder.close()
        request = desk.wait(lambda: desk.published("meeting.request"), "the meeting")[0][1]
        ok(desk.submit({"v": 1, "id": "mn-f", "source": "office", "at": desk.at(),
                        "meeting": request["meeting"], "cases": [major],
                        "actions": [{"owner": "hrss", "text": "垫付工资",
                                     "due": desk.clock() + 3600 * 1000, "case": major}]},
                       "minutes.office"))
        wanted = ("alert.", "meeting.request", "meeting.minutes", "meeting.action",
                  "warning.street", "warning.prompt", "warning.feed", "brief.daily",
                  "brief.weekly", "escalate.city")
        desk.wait(lambda: all(desk.published(topic) for topic in wanted),
                  "every kind: %s" % ", ".join(wanted), timeout=WAIT_S)
        # kill -9 in the middle: the replay after the restart has them all, once
        before = desk.replayed()
        desk.kill9_and_restart()
        events = desk.replayed()
        assert all(events.get(seq) == event for seq, event in before.items())
        topics = sorted({topic for topic, body in events.values()})
        # the drill's clock runs on (20000 times): what happened after the
        # replay above (a reminder, a notice) is printed too, after them
        last = max(events)
        lines = [line for line in cli(desk, "replay", "--no-follow").splitlines()
                 if int(re.search(r" #(\d+) ", line).group(1)) <= last]
        assert len(lines) == len(events), (len(lines), len(events))
        for (seq, (topic, body)), line in zip(sorted(events.items()), lines):
            assert (" #%d %s " % (seq, topic)) in line, (seq, topic, line)
            assert "{" not in line and "-1人" not in line and " - - " not in line, line
        upward = [line for line in lines if " escalate.city " in line]
        assert upward and all("通报" in line and "新增 new" in line for line in upward), upward
        assert any(" brief.weekly " in line and "周通报" in line for line in lines)
        assert any(" warning.street " in line and "曹杨新村街道" in line for line in lines)
        assert any(" meeting.action " in line and "垫付工资" in line for line in lines)
        assert topics, topics


def report_body(desk, rid, serial, source, category="wage_arrears", street=None, **extra):
    """A report from `source` (a street office: its own street) for an
    enterprise of its own, at the drill's time."""
    fields = enterprise(serial)
    body = report(source=source, rid=rid, name=fields["name"], code=fields["code"],
                  category=category, workers=5, street=street, **extra)
    body["at"] = desk.at()
    return body
