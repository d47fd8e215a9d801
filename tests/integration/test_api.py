"""The api on its own thread (issue "One owner per concept"): reads never
run on the thread that commits, so a client asking for cases and replays
back to back cannot hold up an acknowledged report, nor the writer's
watchdog pings (under systemd a loop that stops pinging is killed). And a
query is bounded by its limit: a page of cases, then the next."""

import shutil
import subprocess
import sys
import tempfile
import threading
import time

from harness import Daemon, config_copy, report
from test_service import NotifySocket


#   A client asking one thing back to back until terminated; prints how
#   many answers it had: python3 -c ASKER ENDPOINT COMMAND ARGS-AS-JSON
ASKER = """
import json, signal, sys, msgpack, zmq
answered = 0
def done (*_):
    print (answered, flush=True)
    sys.exit (0)
signal.signal (signal.SIGTERM, done)
sock = zmq.Context ().socket (zmq.REQ)
sock.setsockopt (zmq.RCVTIMEO, 10000)
sock.connect (sys.argv [1])
packed = msgpack.packb (json.loads (sys.argv [3]))
while True:
    sock.send_multipart ([sys.argv [2].encode (), packed])
    frames = sock.recv_multipart ()
    assert frames [0] == b"ok", frames
    answered += 1
"""

SOLO = True         # it measures time, CPU or memory: nothing runs beside it (run.py)


def test_reads_never_hold_up_the_writer():
    folder = tempfile.mkdtemp(prefix="hs-api-")
    notify = NotifySocket(folder)
    config = config_copy(folder, source_rate=100000, source_burst=100000)
    daemon = Daemon(folder=folder, config=config,
                    env={"NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "1000000"})
    askers = []
    try:
        daemon.start()
        # a store with 3,000 open cases and their events
        feeder = daemon.feeder()
        for index in range(3000):
            feeder.send(report(rid="f%d" % index, source="hrss", street="wanli",
                               name="企业%05d" % index, workers=3 + index % 40))
        feeder.close()
        daemon.wait_counter("reports", 3000, timeout=60)

        # two clients ask back to back, as a dashboard refreshing in a loop:
        # processes of their own, so that they do not slow this one down
        askers = [subprocess.Popen([sys.executable, "-c", ASKER, daemon.api, command, args],
                                   stdout=subprocess.PIPE, text=True)
                  for command, args in (("cases", '{"status": "open", "limit": 1000}'),
                                        ("replay", '{"since": 1, "limit": 10000}'))]
        time.sleep(0.3)
        # meanwhile a unit submits, acknowledged, one every 20 ms or so
        submitter = daemon.submitter()
        waits = []
        notify.messages.clear()
        listener = threading.Thread(target=notify.drain, args=(4.0,))
        listener.start()
        for index in range(150):
            start = time.time()
            status, _ = submitter.submit(report(rid="a%d" % index, source="hrss", street="wanli",
                                                name="应答企业%03d" % index))
            waits.append(time.time() - start)
            assert status == "ok"
            time.sleep(0.02)
        listener.join()
        answered = []
        for asker in askers:
            asker.terminate()
            out, _ = asker.communicate(20)
            answered.append(int(out.split()[-1]) if out.split() else 0)
        waits.sort()
        # every acknowledgement came promptly (in 0.4, on the writer's thread,
        # one such `cases` took 0.25 s here), and the api answered all along
        assert waits[int(len(waits) * 0.99) - 1] < 0.05 and waits[-1] < 0.5, waits[-10:]
        assert len(answered) == 2 and min(answered) >= 20, answered
        # and the writer's loop pinged the watchdog every half second
        pings = [when for when, message in notify.messages if message == "WATCHDOG=1"]
        assert len(pings) >= 4, notify.messages[-5:]
        gaps = [b - a for a, b in zip(pings, pings[1:])]
        assert max(gaps) < 1.0, gaps
    finally:
        for asker in askers:
            if asker.poll() is None:
                asker.kill()
        daemon.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def test_cases_are_pages_newest_first():
    daemon = Daemon().start()
    try:
        feeder = daemon.feeder()
        for index in range(250):
            feeder.send(report(rid="p%d" % index, source="hrss", street="caoyang",
                               name="分页企业%03d" % index, workers=12 if index % 5 == 0 else 3))
        feeder.close()
        daemon.wait_counter("reports", 250)
        status, first = daemon.request_args("cases", {"status": "open", "limit": 100})
        assert status == "ok" and first["count"] == 250 and len(first["cases"]) == 100
        assert first["cases"][0]["enterprise"] == "分页企业249"
        seen = [case["id"] for case in first["cases"]]
        before = first["next"]
        while before:
            status, page = daemon.request_args("cases", {"status": "open", "limit": 100,
                                                         "before": before})
            assert status == "ok"
            seen += [case["id"] for case in page["cases"]]
            before = page.get("next", 0)
        # every case once, newest first
        assert len(seen) == 250 and len(set(seen)) == 250
        order = [int(case_id.split("-")[1]) for case_id in seen]
        assert order == sorted(order, reverse=True)
        # a filter counts what matches: the significant ones (12 workers)
        status, significant = daemon.request_args("cases", {"level": "significant", "limit": 10})
        assert status == "ok" and significant["count"] == 50 and len(significant["cases"]) == 10
        assert all(case["level"] == "significant" for case in significant["cases"])
    finally:
        daemon.cleanup()
