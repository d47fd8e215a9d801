"""huishang top (issue 7), run in tmux and read off the screen: complete from
its first screen (a replay and the open cases), Chinese names aligned by
display width, following the live stream, q quits. Issue 15: at 80x24
nothing cut off, overdue cases worst first, meetings by time with the
missed ones kept, colours by level, and a red banner when the daemon
stops answering (kill -9), gone when it is back."""

import os
import re
import shutil
import subprocess
import time
import unicodedata

from handling_desk import Desk, enterprise
from harness import CLIENT, Daemon, config_copy, report

SESSION = "hs-top-%d" % os.getpid()
# a tmux server of this test's own (tmux -L): nothing another test or a
# user's tmux does (a last session ending, a server going away) reaches it
TMUX = ["tmux", "-L", SESSION]


def end_tmux():
    """This test's tmux server stopped and its socket gone."""
    subprocess.run(TMUX + ["kill-server"], capture_output=True)
    socket = os.path.join(os.environ.get("TMUX_TMPDIR", "/tmp"), "tmux-%d" % os.getuid(), SESSION)
    if os.path.exists(socket):
        os.unlink(socket)


def stuck(session):
    """Where the processes in the pane are, for a screen that never came:
    each one's command line and, through gdb, its threads' stacks."""
    out = subprocess.run(TMUX + ["list-panes", "-t", session, "-F", "#{pane_pid}"],
                         capture_output=True, text=True).stdout.split()
    pids = list(out)
    for pid in out:
        pids += subprocess.run(["pgrep", "-P", pid], capture_output=True, text=True).stdout.split()
    report = []
    for pid in pids:
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as handle:
                report.append("pid %s: %s" % (pid, handle.read().replace(b"\0", b" ").decode()))
        except OSError:
            continue
        if shutil.which("gdb"):
            report.append(subprocess.run(["gdb", "-batch", "-p", pid, "-ex", "thread apply all bt"],
                                         capture_output=True, text=True, timeout=60).stdout[-4000:])
    return "\n".join(report)


def columns(text):
    """Display width: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def screen():
    out = subprocess.run(TMUX + ["capture-pane", "-t", SESSION, "-p"], capture_output=True,
                         text=True)
    return out.stdout.splitlines()


def wait_screen(predicate, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        lines = screen()
        if predicate(lines):
            return lines
        time.sleep(0.2)
    raise AssertionError("the screen never showed it:\n" + "\n".join(screen()) + "\n"
                         + stuck(SESSION))


def test_top_in_tmux():
    assert shutil.which("tmux"), "tmux is needed (tools/deps.sh installs it)"
    daemon = Daemon().start()
    try:
        feeder = daemon.feeder()
        feeder.send(report(rid="a1", name="上海第一服装有限公司", workers=20))
        feeder.send(report(rid="a2", name="上海第二服装有限公司", workers=40))
        feeder.send(report(rid="a3", name="Taopu Machinery", workers=150, source="hrss",
                           street="taopu"))
        feeder.close()
        daemon.wait_counter("reports", 3)
        env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8", TERM="xterm-256color")
        end_tmux()
        command = "%s top --api %s -e %s --interval 300" % (CLIENT, daemon.api, daemon.publish)
        subprocess.run(TMUX + ["new-session", "-d", "-s", SESSION, "-x", "140", "-y", "45",
                        command], check=True, env=env)
        # complete from the first screen: what happened before it started
        lines = wait_screen(lambda lines: any("合计 total" in line for line in lines))
        header = next(line for line in lines if line.startswith("open cases"))
        caoyang = next(line for line in lines if line.startswith("曹杨新村街道"))
        taopu = next(line for line in lines if line.startswith("桃浦镇"))
        total = next(line for line in lines if line.startswith("合计 total"))
        # the columns line up by display width, whatever the names' widths
        def ends(line):
            spans, width, inside = [], 0, False
            for char in line:
                width += columns(char)
                if char != " " and not inside:
                    inside = True
                elif char == " " and inside:
                    inside = False
                    spans.append(width - 1)
            if inside:
                spans.append(width)
            return spans[-5:]
        assert ends(caoyang) == ends(taopu) == ends(total) == ends(header), \
            "\n".join([header, caoyang, taopu, total])
        assert caoyang.split()[1:] == ["0", "1", "1", "0", "2"], caoyang
        assert taopu.split()[1:] == ["0", "0", "0", "1", "1"], taopu
        assert any("上海第二服装有限公司" in line and "重大" in line for line in lines)
        assert any(line.startswith("putuo-") and "urgent" in line for line in lines)   # a meeting
        assert "reports 3" in lines[0]
        # live: a new critical case shows without a restart
        feeder = daemon.feeder()
        feeder.send(report(rid="a4", name="万里物流", workers=300, source="hrss", street="wanli"))
        feeder.close()
        lines = wait_screen(lambda lines: any("万里物流" in line for line in lines)
                            and any(line.startswith("万里街道") for line in lines))
        total = next(line for line in lines if line.startswith("合计 total"))
        assert total.split()[2:] == ["0", "1", "1", "2", "4"], total
        # q quits
        subprocess.run(TMUX + ["send-keys", "-t", SESSION, "q"], check=True)
        deadline = time.time() + 5
        while time.time() < deadline and subprocess.run(
                TMUX + ["has-session", "-t", SESSION], capture_output=True).returncode == 0:
            time.sleep(0.1)
        assert subprocess.run(TMUX + ["has-session", "-t", SESSION],
                              capture_output=True).returncode != 0, "top did not quit on q"
    finally:
        end_tmux()
        daemon.cleanup()


RUNGS = {"逾期": 0, "催办": 1, "督办": 2, "通报": 3}


def span_ms(text):
    """huishang's span words ("1d14h", "40s") back into ms."""
    units = {"d": 86400000, "h": 3600000, "m": 60000, "s": 1000}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)([dhms])", text))


def test_top_at_80x24_worst_first_missed_meetings_kept_and_a_dead_daemon_said():
    # issue 15: a drill at 20000 times, so cases go overdue and meetings
    # pass their deadline within seconds; the daemon beats once a second
    desk = Desk(time_start="2026-03-04T10:00", time_scale=20000)
    desk.daemon.config = config_copy(desk.daemon.folder, heartbeat="1s")
    session = SESSION + "-80"
    with desk:
        for index, workers in enumerate((35, 300, 5, 8, 40)):
            desk.open_case(source=("street.wanli", "street.caoyang")[index % 2], workers=workers,
                           **enterprise(1700 + index))
        env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8", TERM="xterm-256color",
                   TZ="America/New_York")
        subprocess.run(TMUX + ["kill-session", "-t", session], capture_output=True)
        # if top ever ends, the pane keeps what it said and how it ended
        # (a blank pane said nothing about why: seen once under a loaded CI)
        command = ("%s top --api %s -e %s; echo \"[top ended: $?]\"; sleep 600"
                   % (CLIENT, desk.daemon.api, desk.daemon.publish))
        subprocess.run(TMUX + ["new-session", "-d", "-s", session, "-x", "80", "-y", "24",
                        command], check=True, env=env)

        def pane(*extra):
            return subprocess.run(TMUX + ["capture-pane", "-t", session, "-p"] + list(extra),
                                  capture_output=True, text=True).stdout.splitlines()

        def wait_pane(predicate, what, timeout=10):
            deadline = time.time() + timeout
            while time.time() < deadline:
                lines = pane()
                if predicate(lines):
                    return lines
                assert not any(line.startswith("[top ended: ") for line in lines), \
                    "top ended while waiting for %s:\n%s" % (what, "\n".join(lines))
                time.sleep(0.2)
            raise AssertionError("no %s on the screen:\n%s\n%s" % (what, "\n".join(pane()),
                                                                  stuck(session)))

        try:
            overdue_rows = lambda lines: [l for l in lines if re.match(r"putuo-\d+ .* late ", l)]
            # (and the header with the time: on a loaded machine a drill at
            # 20000 times can miss three beats, and the header then says so)
            lines = wait_pane(lambda lines: len(overdue_rows(lines)) >= 2
                              and any("MISSED 已逾期" in line for line in lines)
                              and lines and "守护进程无响应" not in lines[0],
                              "overdue cases and a missed meeting", timeout=30)
            # 80x24: the open and overdue counts in the header, every section there
            assert len(lines) <= 24 and all(columns(line) <= 80 for line in lines)
            header = re.search(r"open (\d+)  overdue (\d+)", lines[0])
            assert header and header.group(1) == "5", lines[0]
            assert int(header.group(2)) >= 2, lines[0]
            assert "+08:00" in lines[0], lines[0]        # the district's time, not New York's
            for title in ("open cases", "合计 total", "latest alerts", "overdue", "meetings"):
                assert any(line.startswith(title) for line in lines), (title, lines)
            # worst first: rung, then how late
            keys = []
            for row in overdue_rows(lines):
                rung = next(RUNGS[word] for word in RUNGS if (" %s late " % word) in row)
                keys.append((rung, span_ms(row.split(" late ")[1].split()[0])))
            assert keys == sorted(keys, reverse=True), overdue_rows(lines)
            # meetings by time, the missed ones kept
            meetings = [line for line in lines if re.match(r"putuo-m\d+ ", line)]
            times = [line.split(" before ")[1][:14] for line in meetings]
            assert meetings and times == sorted(times), meetings
            # colours by level: the critical alert's row is red
            coloured = pane("-e")
            critical = [line for line in coloured if "特别重大" in line and "300人" in line]
            assert critical and any("\x1b[31m" in line or "\x1b[1;31m" in line
                                    for line in coloured[coloured.index(critical[0]) - 1:
                                                         coloured.index(critical[0]) + 1]), critical
            # kill -9: the red banner instead of a frozen clock, within 10 s
            desk.disconnect()
            desk.daemon.kill9()
            killed = time.time()
            lines = wait_pane(lambda lines: any("守护进程无响应 daemon not answering since" in line
                                                for line in lines), "the banner")
            assert time.time() - killed < 10
            assert not re.search(r"\d\d:\d\d:\d\d \+08:00  open", lines[0]), lines[0]
            # back: the banner goes, nothing lost, no meeting asked twice
            desk.daemon.start()
            desk.connect()
            wait_pane(lambda lines: not any("守护进程无响应" in line for line in lines)
                      and re.search(r"\d\d:\d\d:\d\d \+08:00  open 5", lines[0]),
                      "the clock back")
            events = desk.replayed()
            asked = [body["case"] for topic, body in events.values() if topic == "meeting.request"]
            assert len(asked) == len(set(asked)) and len(asked) >= 2, asked
            news = [body["case"] for topic, body in events.values()
                    if topic.startswith("alert.") and body.get("kind") == "new"]
            assert len(news) == 5 == len(set(news)), news
        finally:
            end_tmux()
