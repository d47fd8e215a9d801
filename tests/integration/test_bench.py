"""The benchmark's smoke test (issue 17): `hs_bench --size tiny` runs every
part in a few seconds, and its one table carries the new rows with numbers:
the api's replay to one client against raw libzmq, `huishang rules
backtest` over the stored cases, and the peer, Alertmanager, fed the same
reports (its row says it skipped when Debian's prometheus-alertmanager is
not installed). The figures at this size mean nothing; that they are
there, counted and not zero, does. And `make profile`'s feeder, short and
without perf: every report it sends is counted."""

import os
import re
import shutil
import subprocess

from harness import BUILD, DAEMON, ROOT

SOLO = True                         # it loads the machine: alone
BENCH = os.path.join(BUILD, "hs_bench")
TINY = 2000                         # hs_bench.c's tiny size: reports per run


def row(table, start):
    """The cells of the one row whose measure starts with `start`."""
    rows = [line for line in table.splitlines() if line.startswith("| " + start)]
    assert len(rows) == 1, "%d rows '%s' in:\n%s" % (len(rows), start, table)
    return [cell.strip() for cell in rows[0].strip("|").split("|")]


def number(text, unit):
    match = re.search(r"([0-9]+(?:\.[0-9]+)?) %s" % re.escape(unit), text)
    assert match, "no '%s' figure in '%s'" % (unit, text)
    return float(match.group(1))


def test_tiny_bench_prints_replay_backtest_and_peer():
    if not os.path.exists(BENCH) and os.environ.get("HS_BUILD"):
        print("skipped: no hs_bench in %s (make check builds it in build/)" % BUILD)
        return
    proc = subprocess.Popen([BENCH, "--size", "tiny", "--daemon", DAEMON], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        table, errors = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 0, table + errors
    assert "| huishangd end to end (ipc) |" in table, table
    zmq = number(row(table, "raw libzmq PUB->SUB, ipc")[1], "msg/s")

    # replay: at least the run's reports' worth of events, a rate, a ratio
    measure, figure, note = row(table, "replay (api")
    events = number(measure, "events from seq 1")
    rate = number(figure, "events/s")
    assert events >= TINY and rate > 0, table
    ratio = float(re.match(r"([0-9.]+)% of raw libzmq ipc", note).group(1))
    assert abs(ratio - 100 * rate / zmq) < 0.2, (ratio, rate, zmq)

    # backtest: the api part's cases (TINY of them, and the reports after)
    measure, figure, note = row(table, "huishang rules backtest")
    cases = number(measure, "stored cases")
    assert cases >= TINY and number(figure, "cases/s") > 0, table
    assert re.search(r"[0-9.]+ x the daemon's e2e reports/s", note), note

    # where the latency at 10,000/s goes: the floor's commits and ours
    measure, figure, note = row(table, "... the floor's commits meanwhile")
    assert number(figure, "commits") > 0 and re.search(r"p50 [0-9.]+ ms, p99 [0-9.]+ ms", figure), figure
    measure, figure, note = row(table, "... huishangd's commits at 10000/s")
    assert number(figure, "commits of") > 0 and re.match(r"\d+% over 1 ms, \d+% over 2 ms", note), \
        (figure, note)
    # ... what each commit writes (huishangd's more pages, in more places) and
    # what fdatasync costs after that many pages, scattered and in a row
    figure = row(table, "... what each commit writes at 10000/s")[1]
    written = re.match(r"(\d+) KB in ([0-9.]+) writes / (\d+) KB in ([0-9.]+) writes$", figure)
    assert written, figure
    ours, ours_writes, floor, floor_writes = (float(g) for g in written.groups())
    assert ours > floor > 0 and ours_writes > floor_writes >= 1, figure
    measure, figure, _ = row(table, "fdatasync after ")
    pages = number(measure, "pages of 4 KB")
    assert abs(pages - ours / 4) <= 1, (measure, ours)
    synced = re.match(r"p50 ([0-9.]+) / ([0-9.]+) ms$", figure)
    assert synced and float(synced.group(1)) > 0 and float(synced.group(2)) > 0, figure

    # restart as shipped: ready, and what became of the check of every page
    shipped = re.search(r"\| restart to ready, \d+ reports stored \(as shipped[^|]*\| ([0-9.]+) s \|",
                        table)
    assert shipped and 0 < float(shipped.group(1)) < 10, table
    # (a tiny store is read whole within check_wait, unless the machine is slow)
    background = row(table, "... the check of every page, in the background")[1]
    assert background == "none: read whole within check_wait" or \
        re.match(r"still reading at the replay's end \(the quick check is sound", background) or \
        re.match(r"store \S+ checked: \d+ records read in \d+ ms", background), table
    # acknowledged submit beside fire and forget on the same store
    late = number(row(table, "huishangd end to end, fire and forget, ")[1], "reports/s")
    measure, figure, note = row(table, "acknowledged submit, 1 DEALER feeder, window 500")
    share = float(re.match(r"([0-9.]+)% of e2e on the same store", note).group(1))
    assert late > 0 and abs(share - 100 * number(figure, "reports/s") / late) < 0.2, (share, late)

    # the peer: counted in and held, or said to be skipped
    measure, figure, note = row(table, "peer: Alertmanager")
    if shutil.which("prometheus-alertmanager"):
        assert number(figure, "alerts/s") > 0, table
        assert "%d accepted, %d held (GET /api/v2/alerts), 0 batches refused" % (TINY, TINY) in note, note
        ratio = row(table, "ratio huishangd e2e / Alertmanager ingest")[1]
        assert number(ratio, "x") > 0, table
    else:
        assert figure == "skipped" and "not installed" in note, table
        print("skipped: the peer's figures (prometheus-alertmanager not installed)")
    # nothing left behind: neither the bench's folder nor its Alertmanager
    folder = "/tmp/hs_bench.%d" % proc.pid
    assert not os.path.exists(folder), folder
    for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
        try:
            cmdline = open("/proc/%s/cmdline" % pid, "rb").read().decode("utf-8", "replace")
        except OSError:
            continue
        assert folder + "/" not in cmdline, "still running: " + cmdline


def test_profile_feeds_every_report_and_says_what_each_cost():
    # make profile's short version, perf left out (CI need not have it):
    # every report counted by the daemon, the rate and the CPU a report
    # printed, and as many events as a report makes (the report, its
    # alert, and for some a meeting request)
    reports = 3000
    out = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "bench", "profile.py"),
                          str(reports), "--no-perf"], capture_output=True, text=True, timeout=300,
                         cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    first = re.search(r"^(\d+) reports in ([0-9.]+) s: (\d+) a second$", out.stdout, re.M)
    assert first and int(first.group(1)) == reports and int(first.group(3)) > 0, out.stdout
    cpu = re.search(r"^CPU a report: ([0-9.]+) us, ([0-9.]+) us of it on the writer", out.stdout,
                    re.M)
    assert cpu and 0 < float(cpu.group(2)) <= float(cpu.group(1)), out.stdout
    events = re.search(r"^events (\d+) \(([0-9.]+) a report\)", out.stdout, re.M)
    assert events and 2 * reports <= int(events.group(1)) <= 3 * reports, out.stdout
    assert "share of the samples" not in out.stdout      # no perf asked for
