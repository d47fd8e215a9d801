"""Acknowledged submit at stream speed (issue 17): a window of submits in
flight on one DEALER, the daemon echoing each one's envelope (its tag)
after the batch's commit. `huishang pub --ack --window N` and the Python
client's submit_many(): every message answered once, in input order;
across a kill -9 of the daemon nothing lost and nothing stored twice;
hostile envelopes rejected, counted, and the daemon stays up."""

import os
import subprocess
import sys
import threading
import time

import lmdb
import msgpack
import zmq

import event_record
from harness import CLIENT, ROOT, Daemon, report, running

sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
import huishang  # noqa: E402


def _line(index, prefix, unit="hrss"):
    return ('{"source":"%s","id":"%s-%d","street":"caoyang","enterprise":{"name":"W %d"},'
            '"category":"other","workers":3}\n' % (unit, prefix, index, index))


def _stored_reports(daemon):
    """id -> [seq, ...] of every report event in the (stopped) daemon's store,
    and the dedup table's seq for each id."""
    env = lmdb.open(daemon.store, max_dbs=16, readonly=True, lock=False)
    try:
        events = env.open_db(b"events", create=False)
        dedup = env.open_db(b"dedup", create=False)
        seqs, marked = {}, {}
        with env.begin() as txn:
            for key, value in txn.cursor(db=events):
                event = event_record.decode(value)
                if event["type"] == "report":
                    seqs.setdefault(event["body"]["id"], []).append(int.from_bytes(key, "big"))
            for rid in seqs:
                value = txn.get(("r/hrss/" + rid).encode(), db=dedup)
                marked[rid] = int.from_bytes(value, "big") if value else None
        return seqs, marked
    finally:
        env.close()


def _pub(daemon, lines, *args, timeout=60):
    return subprocess.run([CLIENT, "pub", "--ack", "--submit", daemon.submit, "--no-check"]
                          + list(args) + ["-"], input=lines, capture_output=True, text=True,
                          timeout=timeout)


def test_pub_window_answers_every_report_once_in_input_order():
    count = 2500
    # every 500th names a unit that is not ours: rejected, in its place
    lines = "".join(_line(i, "win", "atlantis" if i % 500 == 7 else "hrss") for i in range(count))
    with running() as daemon:
        started = time.time()
        out = _pub(daemon, lines, "--window", "100")
        took = time.time() - started
        answers = out.stdout.splitlines()
        assert out.returncode == 1, out.stderr[-2000:]      # the rejected ones
        assert len(answers) == count, (len(answers), out.stderr[-2000:])
        for index, answer in enumerate(answers):
            status, what, topic = answer.split()
            if index % 500 == 7:
                assert (status, what, topic) == ("rejected", "unknown_unit", "report.atlantis"), \
                    (index, answer)
            else:
                assert status == "ok" and topic == "report.hrss", (index, answer)
        seqs = [int(a.split()[1]) for a in answers if a.startswith("ok ")]
        # one connection, read in order: the seqs rise with the input
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs) == count - 5
        assert "sending again" not in out.stderr, out.stderr[-2000:]
        counters = daemon.counters()
        assert counters["reports"] == count - 5 and counters["duplicates"] == 0, counters
        assert daemon.health()["rejections"].get("unknown_unit") == 5
        print("    pub --ack --window 100: %d reports in %.2f s" % (count, took))
        # the same lines again, one at a time for the first 50: each a duplicate
        # of its first seq
        again = _pub(daemon, "".join(lines.splitlines(True)[:50]), "--window", "1")
        assert [a.split()[0] for a in again.stdout.splitlines()] == [
            "rejected" if i % 500 == 7 else "duplicate" for i in range(50)], again.stdout
        assert [a.split()[1] for a in again.stdout.splitlines() if a.startswith("dup")] == \
            [str(s) for s in seqs[:49]]
        # a window past half of limits/submit_hwm (1000) is held to it; 0 is no window
        wide = _pub(daemon, "".join(lines.splitlines(True)[100:110]), "--window", "5000")
        assert wide.returncode == 0 and "500 in flight" in wide.stderr, wide.stderr
        assert [a.split()[0] for a in wide.stdout.splitlines()] == ["duplicate"] * 10
        assert _pub(daemon, lines[:200], "--window", "0").returncode == 2
        daemon.stop()
        stored, marked = _stored_reports(daemon)
    ok_ids = ["win-%d" % i for i in range(count) if i % 500 != 7]
    assert sorted(stored) == sorted(ok_ids)
    assert all(len(stored[rid]) == 1 for rid in ok_ids)
    assert [stored[rid][0] for rid in ok_ids] == seqs
    assert all(marked[rid] == stored[rid][0] for rid in ok_ids)


def _kill_and_restart(daemon, seen, at_least):
    """Kill -9 the daemon once `seen()` reaches `at_least`, restart it
    after a moment; returns what `seen()` said when it was killed."""
    deadline = time.time() + 20
    while seen() < at_least and time.time() < deadline:
        time.sleep(0.005)
    at_kill = seen()
    daemon.kill9()
    time.sleep(0.4)
    daemon.start()
    return at_kill


def test_pub_window_rides_out_a_kill9_and_stores_each_once():
    count = 3000
    lines = "".join(_line(i, "crash") for i in range(count))
    daemon = Daemon()
    try:
        daemon.start()
        pub = subprocess.Popen([CLIENT, "pub", "--ack", "--submit", daemon.submit, "--window", "100",
                                "--timeout", "300ms", "--deadline", "20s", "-"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        answers, errors = [], []
        reader = threading.Thread(target=lambda: answers.extend(pub.stdout))
        reader.start()
        err_reader = threading.Thread(target=lambda: errors.extend(pub.stderr))
        err_reader.start()
        # stdin slower than the daemon, so the kill comes in the middle
        def feed():
            for index, line in enumerate(lines.splitlines(True)):
                pub.stdin.write(line)
                if index % 100 == 99:
                    pub.stdin.flush()
                    time.sleep(0.01)
            pub.stdin.close()
        feeder = threading.Thread(target=feed)
        feeder.start()
        at_kill = _kill_and_restart(daemon, lambda: len(answers), 600)
        feeder.join(30)
        pub.wait(60)
        reader.join(10)
        err_reader.join(10)
        err = "".join(errors)
        assert pub.returncode == 0, err[-2000:]
        assert 600 <= at_kill < count, at_kill              # killed in the middle
        assert "a fresh socket" in err, err[-2000:]
        assert len(answers) == count, (len(answers), err[-2000:])
        statuses = [a.split()[0] for a in answers]
        assert set(statuses) <= {"ok", "duplicate"}, set(statuses)
        acked = [int(a.split()[1]) for a in answers]
        daemon.stop()
        stored, marked = _stored_reports(daemon)
        ids = ["crash-%d" % i for i in range(count)]
        # every report stored exactly once, under the seq its answer said
        assert sorted(stored) == sorted(ids)
        assert all(len(stored[rid]) == 1 for rid in ids)
        assert [stored[rid][0] for rid in ids] == acked
        assert all(marked[rid] == stored[rid][0] for rid in ids)
        print("    kill -9 after %d answers: %d ok, %d duplicate after the restart"
              % (at_kill, statuses.count("ok"), statuses.count("duplicate")))
    finally:
        daemon.cleanup()


def test_hostile_envelopes_are_rejected_counted_and_the_daemon_stays_up():
    with running() as daemon:
        dealer = daemon.ctx.socket(zmq.DEALER)
        dealer.setsockopt(zmq.LINGER, 0)
        dealer.connect(daemon.submit)
        body = msgpack.packb(report(source="hrss", rid="env-ok", street="caoyang"),
                             use_bin_type=True)
        hostile = [[b"t%d" % i for i in range(5)] + [b"", b"report.hrss", body]] * 30 \
            + [[b"x" * 256, b"", b"report.hrss", body]] * 30 \
            + [[b"t"] * 300 + [b"", b"report.hrss", body]] * 10
        for frames in hostile:
            dealer.send_multipart(frames)
        # a good one after them: its tag comes back, after four of them
        dealer.send_multipart([b"a", b"b", b"c", b"tag-7", b"", b"report.hrss", body])
        replies = []
        deadline = time.time() + 10
        while len(replies) < len(hostile) + 1 and time.time() < deadline:
            if dealer.poll(500):
                replies.append(dealer.recv_multipart())
        assert len(replies) == len(hostile) + 1
        # answered with a bare delimiter: no tag of theirs is echoed
        for frames in replies[:60]:
            assert frames[:2] == [b"", b"rejected"], frames[:2]
            assert msgpack.unpackb(frames[2], raw=False)["reason"] == "envelope"
        # 300 tags: the delimiter is past what is read (max_frames, and the
        # envelope's 5 on top): too large, and no delimiter seen to echo
        for frames in replies[60:70]:
            assert frames[0] == b"rejected", frames[:2]
            assert msgpack.unpackb(frames[1], raw=False)["reason"] == "too_large"
        assert replies[-1][:6] == [b"a", b"b", b"c", b"tag-7", b"", b"ok"], replies[-1]
        rejections = daemon.health()["rejections"]
        assert rejections.get("envelope") == 60 and rejections.get("too_large") == 10, rejections
        assert daemon.counters()["reports"] == 1
        assert "rejected (envelope)" in daemon.read_log()
        dealer.close()
        assert daemon.alive()


def test_python_submit_many_in_order_and_across_a_kill9():
    count = 4000
    daemon = Daemon()
    try:
        daemon.start()
        client = huishang.Client(submit=daemon.submit, api=daemon.api, timeout=0.3, deadline=20.0)
        reports = [dict(id="py-%d" % i, source="hrss", street="caoyang",
                        enterprise={"name": "P %d" % i}, category="other", workers=3)
                   for i in range(count)]
        # a bad one is a ValueError before anything is sent
        try:
            client.submit_many(reports[:3] + [dict(reports[3], workers="many")])
            raise AssertionError("a bad report was sent")
        except ValueError as error:
            assert "workers" in str(error)
        results = []
        worker = threading.Thread(target=lambda: results.extend(client.submit_many(reports,
                                                                                   window=100)))
        worker.start()
        stored_count = lambda: daemon.counters()["reports"] if daemon.alive() else count
        at_kill = _kill_and_restart(daemon, stored_count, 800)
        worker.join(60)
        assert 800 <= at_kill < count, at_kill
        assert len(results) == count
        assert all(isinstance(r, huishang.Submitted) for r in results), \
            [r for r in results if not isinstance(r, huishang.Submitted)][:3]
        # again, a window of 10: all duplicates, each of its first seq
        again = client.submit_many(reports[:200], window=10)
        assert all(r.duplicate for r in again) and again == results[:200]
        # a rejection is a result in its place, not an exception
        mixed = client.submit_many([reports[0], dict(reports[1], source="atlantis", id="py-x")])
        assert mixed[0] == results[0] and isinstance(mixed[1], huishang.Rejected)
        assert mixed[1].reason == "unknown_unit"
        daemon.stop()
        stored, marked = _stored_reports(daemon)
        ids = ["py-%d" % i for i in range(count)]
        assert sorted(stored) == sorted(ids)
        assert all(len(stored[rid]) == 1 for rid in ids)
        assert [stored[rid][0] for rid in ids] == [int(r) for r in results]
        assert all(marked[rid] == stored[rid][0] for rid in ids)
        print("    submit_many: kill -9 at %d stored, %d duplicates told after the restart"
              % (at_kill, sum(r.duplicate for r in results)))
    finally:
        daemon.cleanup()
