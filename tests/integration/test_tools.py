"""The tools around the daemon (issue 7): rules check, rules test and rules
backtest, run as a user would, on real files and a real daemon's store."""

import json
import os
import re
import shutil
import subprocess
import tempfile

from harness import CLIENT, ROOT, Daemon, now_ms, report

RULES = os.path.join(ROOT, "config", "rules.cfg")


def huishang(*args, stdin=None):
    return subprocess.run([CLIENT] + list(args), capture_output=True, text=True, input=stdin,
                          timeout=60)


def candidate(folder, old, new):
    """A copy of the shipped rules with one line changed."""
    text = open(RULES).read()
    assert text.count(old) == 1, old
    path = os.path.join(folder, "candidate.cfg")
    open(path, "w").write(text.replace(old, new))
    return path


def test_rules_check_names_the_line():
    folder = tempfile.mkdtemp(prefix="hs-rules-")
    try:
        out = huishang("rules", "check", RULES)
        assert out.returncode == 0 and re.match(r".*rules.cfg: valid \(version [0-9a-f]{12}\)", out.stdout)
        bad = candidate(folder, 'when = "workers >= 100"', 'when = "workers >= lots"')
        out = huishang("rules", "check", bad)
        assert out.returncode == 1
        line = [n for n, text in enumerate(open(bad).read().splitlines(), 1) if "lots" in text][0]
        assert out.stderr.startswith("%s:%d: " % (bad, line)), out.stderr
        unknown = candidate(folder, 'when = "workers >= 100"', 'when = "workers >= 100"\n            colour = red')
        out = huishang("rules", "check", unknown)
        assert out.returncode == 1 and "colour" in out.stderr, out.stderr
        assert huishang("rules", "check", os.path.join(folder, "missing.cfg")).returncode == 1
        assert huishang("rules").returncode == 2
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_rules_test_prints_level_routes_ladder_and_rules():
    folder = tempfile.mkdtemp(prefix="hs-rules-")
    try:
        path = os.path.join(folder, "reports.json")
        with open(path, "w") as handle:
            for body in (report(rid="t1", workers=150),
                         report(rid="t2", source="hrss", street="wanli", workers=3, category="layoff"),
                         report(rid="t3", source="hrss", workers=3)):
                handle.write(json.dumps(body, ensure_ascii=False) + "\n")
        out = huishang("rules", "test", RULES, path)
        assert out.returncode == 1, out.stdout + out.stderr           # t3 is not accepted
        blocks = out.stdout.split(path + ":")[1:]
        assert blocks[0].startswith("1 t1: critical (特别重大)"), blocks[0]
        assert "fired     critical.workers" in blocks[0]
        assert "escalate.district escalate.city" in blocks[0] and "meeting (urgent, all members" in blocks[0]
        assert "office, convener, district, city" in blocks[0]
        assert blocks[1].startswith("2 t2: general") and "routed    hrss, street.wanli" in blocks[1]
        assert "ladder    -" in blocks[1]
        assert blocks[2].startswith("3 t3: not accepted: missing_field")
        # the same from stdin, under a candidate that lowers the critical line
        lower = candidate(folder, 'when = "workers >= 100"', 'when = "workers >= 3"')
        out = huishang("rules", "test", lower, stdin=json.dumps(report(rid="s1", workers=5)))
        assert out.returncode == 0 and out.stdout.startswith("-:1 s1: critical"), out.stdout
        out = huishang("rules", "test", RULES, stdin="{not json")
        assert out.returncode == 2 and "-:1:" in out.stderr
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_rules_backtest_on_a_live_store():
    folder = tempfile.mkdtemp(prefix="hs-backtest-")
    daemon = Daemon().start()
    try:
        feeder = daemon.feeder()
        for index, workers in enumerate((5, 12, 35, 150, 8)):
            feeder.send(report(rid="b%d" % index, name="回测企业%d" % index, workers=workers))
        # a second report joins the first case and raises its workers
        feeder.send(report(rid="b9", name="回测企业0", workers=25, source="hrss", street="caoyang"))
        feeder.close()
        daemon.wait_counter("reports", 6)
        # the shipped rules replayed: nothing changes
        out = huishang("rules", "backtest", RULES, "--store", daemon.store)
        assert out.returncode == 0, out.stderr
        assert "5 cases (6 reports) replayed" in out.stdout and "0 would change" in out.stdout, out.stdout
        # a candidate where 20 workers make a major case (was 30), on the live store
        lower = candidate(folder, 'when = "workers >= 30"', 'when = "workers >= 20"')
        out = huishang("rules", "backtest", lower, "--store", daemon.store)
        assert out.returncode == 0, out.stderr
        # (the first case: 5 workers, then 25 joined; 12 stays significant)
        assert "1 would change" in out.stdout, out.stdout
        table = dict((line.split()[0], line.split()[1:]) for line in out.stdout.splitlines()
                     if re.match(r"^(general|significant|major|critical) ", line))
        assert table == {"general": ["1", "1"], "significant": ["2", "1"], "major": ["1", "2"],
                         "critical": ["1", "1"]}, table
        assert re.search(r"putuo-\d+  回测企业0, 2 reports", out.stdout), out.stdout
        assert "level     significant -> major" in out.stdout
        assert "fired now major.workers" in out.stdout
        assert "units now" in out.stdout                     # a major case adds the convener
        # --since: only cases opened from then on
        out = huishang("rules", "backtest", lower, "--store", daemon.store, "--since",
                       str(now_ms() + 3600 * 1000))
        assert "0 cases (0 reports)" in out.stdout, out.stdout
        assert daemon.health()["status"] == "ok"              # the daemon never noticed
    finally:
        daemon.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
