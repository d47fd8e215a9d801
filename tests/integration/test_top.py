"""huishang top (issue 7), run in tmux and read off the screen: complete from
its first screen (a replay and the open cases), Chinese names aligned by
display width, following the live stream, q quits."""

import os
import shutil
import subprocess
import time
import unicodedata

from harness import CLIENT, Daemon, report

SESSION = "hs-top-%d" % os.getpid()


def columns(text):
    """Display width: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def screen():
    out = subprocess.run(["tmux", "capture-pane", "-t", SESSION, "-p"], capture_output=True,
                         text=True)
    return out.stdout.splitlines()


def wait_screen(predicate, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        lines = screen()
        if predicate(lines):
            return lines
        time.sleep(0.2)
    raise AssertionError("the screen never showed it:\n" + "\n".join(screen()))


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
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
        command = "%s top --api %s -e %s --interval 300" % (CLIENT, daemon.api, daemon.publish)
        subprocess.run(["tmux", "new-session", "-d", "-s", SESSION, "-x", "140", "-y", "45",
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
        subprocess.run(["tmux", "send-keys", "-t", SESSION, "q"], check=True)
        deadline = time.time() + 5
        while time.time() < deadline and subprocess.run(
                ["tmux", "has-session", "-t", SESSION], capture_output=True).returncode == 0:
            time.sleep(0.1)
        assert subprocess.run(["tmux", "has-session", "-t", SESSION],
                              capture_output=True).returncode != 0, "top did not quit on q"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
        daemon.cleanup()
