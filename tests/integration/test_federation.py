"""Districts feeding the city (issue 6): three district daemons forward their
escalations to one city daemon, acknowledged; the city is killed with -9 in
the middle and still ends with every forwarded report exactly once."""

import os
import re
import shutil
import tempfile
import time

import lmdb
import msgpack

from harness import ROOT, Daemon, config_copy, replay_all, report

DISTRICTS = ("putuo", "jingan", "xuhui")


def district_config(folder, district, city):
    path = config_copy(folder, district=district)
    text = open(path).read()
    text = text.replace("    #submit = tcp://city.example:5583", "    submit = " + city.submit)
    text = re.sub(r"\n    timeout = 3s", "\n    timeout = 500ms", text)
    open(path, "w").write(text)
    return path


def wait_until(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def city_reports(city):
    """The reports in the city's store, as its events table holds them."""
    env = lmdb.open(city.store, max_dbs=16, readonly=True, lock=False)
    try:
        with env.begin() as txn:
            events = txn.cursor(db=env.open_db(b"events", txn=txn))
            records = [msgpack.unpackb(value, raw=False) for _, value in events]
    finally:
        env.close()
    return [r for r in records if r["type"] == "report"]


def test_three_districts_one_city_kill9_exactly_once():
    top = tempfile.mkdtemp(prefix="hs-fleet-")
    city = Daemon(folder=os.path.join(top, "city"),
                  config=os.path.join(ROOT, "config", "city", "huishang.cfg"))
    os.mkdir(city.folder)
    districts = {}
    try:
        city.start()
        for name in DISTRICTS:
            folder = os.path.join(top, name)
            os.mkdir(folder)
            districts[name] = Daemon(folder=folder,
                                     config=district_config(folder, name, city)).start()
        watcher = city.watcher(("alert.",))

        def critical(district, index):
            feeder = districts[district].feeder()
            feeder.send(report(rid="%s-c%d" % (district, index), street="wanli", source="hrss",
                               name="%s第%d号企业" % (district, index), workers=150))
            feeder.close()

        for index in range(4):
            for name in DISTRICTS:
                critical(name, index)
        wait_until(lambda: city.counters()["reports"] == 12, 20, "12 reports at the city")
        # the city sees each district as one of its streets
        alerts = watcher.recv_all(quiet_ms=500)
        topics = sorted({topic for topic, _ in alerts})
        assert topics == ["alert.critical.jingan", "alert.critical.putuo", "alert.critical.xuhui"], topics
        watcher.close()

        # the city dies; the districts go on escalating
        city.kill9()
        for index in range(4, 9):
            for name in DISTRICTS:
                critical(name, index)
        for name in DISTRICTS:
            districts[name].wait_counter("reports", 9)
        time.sleep(1.0)                 # they send, time out, send again
        city.start()
        wait_until(lambda: city.counters()["reports"] == 15, 30, "the backlog at the city")
        time.sleep(1.5)                 # anything doubled would show now

        stored = city_reports(city)
        ids = [e["body"]["id"] for e in stored]
        assert len(ids) == 27 and len(set(ids)) == 27, ids
        sources = {}
        for event in stored:
            body = event["body"]
            sources.setdefault(body["source"], []).append(body)
            assert body["district_level"] == "critical" and body["district_case"].split("-")[0] in DISTRICTS
        assert sorted(sources) == ["street.jingan", "street.putuo", "street.xuhui"]
        for source, bodies in sources.items():
            district = source.split(".")[1]
            assert len(bodies) == 9
            # each district's own escalate.city events, one report each, in order
            sent = [e["seq"] for e in replay_all(districts[district]) if e["topic"] == "escalate.city"]
            assert [b["id"] for b in bodies] == ["%s-%d" % (district, seq) for seq in sent]
            assert [b["fseq"] for b in bodies] == list(range(1, 10))
        # no gap was seen in any district's feed, and nothing was refused
        assert not any(e["topic"] == "warning.feed" for e in replay_all(city))
        for name in DISTRICTS:
            log = districts[name].read_log()
            assert "refused" not in log
            assert "no answer from" in log and "answers again" in log, log[-1500:]
    finally:
        for daemon in list(districts.values()) + [city]:
            daemon.cleanup()
        shutil.rmtree(top, ignore_errors=True)
