"""Where the writer's time goes (make profile): a fresh huishangd fed
reports like the bench's (tests/bench/hs_bench_daemon.c: every one a new
enterprise, ten streets, eight categories, ~450 bytes) at full speed by
one python3-zmq feeder, with `perf record --call-graph dwarf` attached to
it, then the share of the samples each part of the hot path takes,
children included, and the functions that take the most themselves.

Usage: /usr/bin/python3 tests/bench/profile.py [REPORTS] [--no-perf]

The feeder keeps at most 10,000 reports ahead of the daemon's `reports`
counter, so that the ingest's queue (ingest_hwm) never drops any; the
per-unit flood limit is raised as the bench raises it. Without perf (or
with --no-perf) it prints the rate and the CPU a report only.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

import msgpack                                  # noqa: E402
from harness import Daemon, config_copy         # noqa: E402

STREETS = ["caoyang", "changfeng", "changshou", "ganquan", "shiquan", "yichuan", "wanli",
           "zhenru", "changzheng", "taopu"]
CATEGORIES = ["wage_arrears", "layoff", "social_insurance", "work_stoppage", "negotiation",
              "contract", "injury", "other"]
OWNERSHIPS = ["private", "state", "foreign", "collective", "other"]
SUMMARY = ("该企业自今年三月起拖欠职工工资，涉及一线生产工人，街道已多次约谈企业负责人，"
           "企业称资金周转困难，职工情绪较为激动，请求相关部门协调处理。")
AHEAD = 10000

# The parts of the hot path, as the README's table names them: the
# function whose samples (children included) are the part's.
PARTS = [
    ("reading a batch, its commit included", "s_batch"),
    ("handling a report", "hs_casework_report"),
    ("  reading, validating the report", "hs_report_decode"),
    ("  classifying (rules, units)", "hs_casework_classify"),
    ("  the case record saved", "hs_cases_save"),
    ("  early-warning windows", "hs_warnings_case"),
    ("  the ladder (meeting request, report upward)", "s_ladder"),
    ("  routing to handlers, their clocks", "hs_handling_route"),
    ("  the alert (encoded, stored, queued)", "hs_notices_alert"),
    ("  events stored (all kinds)", "hs_ledger_record"),
    ("  timers", "hs_timers_add"),
    ("LMDB puts", "mdb_put"),
    ("LMDB gets", "mdb_get"),
    ("the commit", "mdb_txn_commit"),
    ("publishing after the commit", "hs_txn_emit"),
]


def body(index, at):
    report = {"v": 1, "id": "profile-%d" % index, "source": "hrss", "at": at,
              "street": STREETS[index % 10],
              "enterprise": {"name": "上海第%d号服装制造有限公司" % index,
                             "ownership": OWNERSHIPS[index % 5], "sector": "manufacturing"},
              "category": CATEGORIES[index % 8], "workers": 3 + index % 40,
              "amount": 100000 + (index % 17) * 50000, "summary": SUMMARY}
    if index % 7 == 0:
        report["flags"] = ["media"]
    return msgpack.packb(report)


def cpu_s(pid, tid=None):
    """User + system CPU seconds of a process, or of one of its threads."""
    path = "/proc/%d/task/%d/stat" % (pid, tid) if tid else "/proc/%d/stat" % pid
    with open(path) as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def shares(data, children):
    """{symbol: percent} from perf report over `data`."""
    out = subprocess.run(["perf", "report", "-i", data, "--children" if children else "--no-children",
                          "--sort", "sym", "-g", "none", "-q", "--stdio"],
                         capture_output=True, text=True, timeout=1800).stdout
    result = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[0].endswith("%"):
            name = fields[-1] if fields[-1] != "(inlined)" else fields[-2]
            result.setdefault(name, float(fields[0].rstrip("%")))
    return result


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 200000
    use_perf = "--no-perf" not in sys.argv and shutil.which("perf")
    if not use_perf and "--no-perf" not in sys.argv:
        print("profile: no perf (Debian's linux-perf): the rate and CPU only")
    at = int(time.time() * 1000)
    bodies = [body(index, at) for index in range(count)]
    folder = tempfile.mkdtemp(prefix="hs-profile-")
    daemon = Daemon(folder=folder, config=config_copy(folder, source_rate=100000000,
                                                      source_burst=100000000))
    daemon.owned = True
    try:
        daemon.start()
        measure(daemon, bodies, use_perf, os.path.join(folder, "perf.data"))
    finally:
        daemon.cleanup()


def measure(daemon, bodies, use_perf, data):
    count = len(bodies)
    perf = None
    try:
        pid = daemon.proc.pid
        feeder = daemon.feeder()                # waits for the daemon's subscription
        if use_perf:
            perf = subprocess.Popen(["perf", "record", "-F", "999", "--call-graph", "dwarf,16384",
                                     "-p", str(pid), "-o", data],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)
        start, cpu_start, writer_start = time.time(), cpu_s(pid), cpu_s(pid, pid)
        deadline = start + 600
        for index, packed in enumerate(bodies):
            feeder.send_raw([b"report.hrss", packed])
            if index % 2000 == 1999:
                while daemon.counters().get("reports", 0) < index - AHEAD:
                    assert time.time() < deadline, "the daemon stopped counting reports"
                    time.sleep(0.002)
        while daemon.counters().get("reports", 0) < count:
            assert time.time() < deadline, "the daemon stopped counting reports"
            time.sleep(0.01)
        seconds = time.time() - start
        cpu, writer = cpu_s(pid) - cpu_start, cpu_s(pid, pid) - writer_start
        if perf:
            perf.send_signal(2)
            perf.wait(timeout=120)
        counters = daemon.counters()
        feeder.close()
    finally:
        daemon.stop()
    print("%d reports in %.2f s: %.0f a second%s" % (count, seconds, count / seconds,
                                                      " (perf attached)" if perf else ""))
    print("CPU a report: %.1f us, %.1f us of it on the writer's thread (the main one)"
          % (cpu / count * 1e6, writer / count * 1e6))
    print("events %d (%.2f a report), batches %d, largest %d" % (
        counters["next_seq"] - 1, (counters["next_seq"] - 1) / count, counters["batches"],
        counters["batch_largest"]))
    if perf:
        inclusive = shares(data, True)
        total = inclusive.get("hs_engine_run", 0.0)
        print("\nshare of the samples, children included (the writer's hs_engine_run: %.1f %%)"
              % total)
        for label, symbol in PARTS:
            print("  %-48s %5.1f %%   %s" % (label, inclusive.get(symbol, 0.0), symbol))
        print("\nthe functions that take the most themselves")
        for symbol, percent in sorted(shares(data, False).items(), key=lambda x: -x[1])[:20]:
            print("  %5.2f %%  %s" % (percent, symbol))


if __name__ == "__main__":
    main()
