"""Districts feeding the city (issue 6): three district daemons forward their
escalations to one city daemon, acknowledged; the city is killed with -9 in
the middle and still ends with every forwarded report exactly once."""

import os
import re
import shutil
import subprocess
import tempfile
import time

import lmdb

import event_record
from harness import CLIENT, ROOT, Daemon, cleanup_all, config_copy, local_ms, replay_all, report

DISTRICTS = ("putuo", "jingan", "xuhui")


def district_config(folder, district, city):
    path = config_copy(folder, district=district)
    text = open(path).read()
    text = text.replace("    #submit = tcp://city.example:5583", "    submit = " + city.submit)
    text = re.sub(r"\n    timeout = 3s", "\n    timeout = 500ms", text)
    open(path, "w").write(text)
    return path


def city_config(folder, **settings):
    """config/city/ copied into `folder` (the district's rules and holidays
    named where they are), with settings of huishang.cfg replaced."""
    text = open(os.path.join(ROOT, "config", "city", "huishang.cfg")).read()
    text = text.replace("    rules = ../rules.cfg", "    rules = " + os.path.join(ROOT, "config", "rules.cfg"))
    text = text.replace("holidays = ../holidays-cn-2026.txt",
                        "holidays = " + os.path.join(ROOT, "config", "holidays-cn-2026.txt"))
    for key, value in settings.items():
        text, count = re.subn(r"(\n    %s = )\S+" % key, r"\g<1>%s" % value, text)
        assert count == 1, key
    shutil.copy(os.path.join(ROOT, "config", "city", "units.cfg"), folder)
    path = os.path.join(folder, "huishang.cfg")
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
            records = [event_record.decode(value) for _, value in events]
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
            status, body = districts[name].request_args("metrics", {})
            metrics = dict(line.rsplit(" ", 1) for line in body["text"].splitlines()
                           if line.startswith("huishang_forward"))
            assert metrics["huishang_forwarded_total"] == "9", metrics
            assert metrics["huishang_forward_backlog"] == "0" and metrics["huishang_forward_refused_total"] == "0"
            assert int(metrics["huishang_forward_retries_total"]) >= 1, metrics
    finally:
        cleanup_all(list(districts.values()) + [city])
        shutil.rmtree(top, ignore_errors=True)


def test_curve_identity_of_each_district_at_the_city():
    """With security on at the city, a district's reports go up under its
    own key; a district using another's key is refused (spoofing), logged,
    and nothing of it is stored."""
    import subprocess
    from harness import CLIENT
    top = tempfile.mkdtemp(prefix="hs-fleet-curve-")
    daemons = []
    try:
        city_folder = os.path.join(top, "city")
        certs = os.path.join(top, "certs")
        for unit in ("server", "street.putuo", "street.jingan"):
            out = subprocess.run([CLIENT, "keygen", unit, "--dir", certs], capture_output=True,
                                 text=True, timeout=20)
            assert out.returncode == 0, out.stderr
        os.makedirs(os.path.join(city_folder, "certs", "clients"))
        for unit in ("street.putuo", "street.jingan"):
            shutil.copy(os.path.join(certs, unit + ".cert"), os.path.join(city_folder, "certs", "clients"))
        shutil.copy(os.path.join(certs, "server.cert"), os.path.join(city_folder, "certs"))
        shutil.copy(os.path.join(certs, "server.cert_secret"), os.path.join(city_folder, "certs"))
        city = Daemon(folder=city_folder,
                      config=city_config(city_folder, enabled="1", dashboards="0")).start()
        daemons.append(city)
        for district, key in (("putuo", "street.putuo"), ("jingan", "street.putuo")):
            folder = os.path.join(top, district)
            os.mkdir(folder)
            path = district_config(folder, district, city)
            text = open(path).read()
            text = text.replace("    #cert = certs/upstream.cert", "    cert = " + os.path.join(certs, key + ".cert"))
            text = text.replace("    #server_cert = certs/city.cert", "    server_cert = " + os.path.join(certs, "server.cert"))
            open(path, "w").write(text)
            daemon = Daemon(folder=folder, config=path).start()
            daemons.append(daemon)
            feeder = daemon.feeder()
            feeder.send(report(rid="k1", street="wanli", source="hrss", name=district + "企业", workers=150))
            feeder.close()
        putuo, jingan = daemons[1], daemons[2]
        wait_until(lambda: city.counters()["reports"] == 1, 20, "putuo's report at the city")
        wait_until(lambda: "refused event" in jingan.read_log(), 20, "jingan refused")
        assert "spoofing" in jingan.read_log()
        time.sleep(0.5)
        stored = city_reports(city)
        assert [e["body"]["source"] for e in stored] == ["street.putuo"]
        assert city.health()["rejections"].get("spoofing") == 1
    finally:
        cleanup_all(daemons)
        shutil.rmtree(top, ignore_errors=True)


def test_weekly_briefing_goes_up_as_a_district_briefing():
    top = tempfile.mkdtemp(prefix="hs-fleet-brief-")
    city = Daemon(folder=os.path.join(top, "city"),
                  config=os.path.join(ROOT, "config", "city", "huishang.cfg"))
    os.mkdir(city.folder)
    daemons = [city]
    try:
        city.start()
        watcher = city.watcher(("brief.district", "alert."))
        folder = os.path.join(top, "putuo")
        os.mkdir(folder)
        # Sunday evening, 20,000 times faster: Monday 08:30 comes in 2 s
        district = Daemon(folder=folder, config=district_config(folder, "putuo", city),
                          extra_args=["--time-start", "2026-03-01T20:00", "--time-scale", "20000"])
        daemons.append(district.start())
        feeder = district.feeder()
        feeder.send(report(rid="w1", name="一周企业", workers=40, at=local_ms("2026-03-01T20:00")))
        feeder.close()
        got = {}
        deadline = time.time() + 30
        while time.time() < deadline and "brief.district" not in got:
            for topic, body in watcher.recv_all(quiet_ms=300):
                got.setdefault(topic, body)
        assert "brief.district" in got, got
        brief = got["brief.district"]
        assert brief["from"] == "street.putuo" and brief["brief"]["period"] == "weekly"
        assert brief["brief"]["from"] == "putuo" and brief["brief"]["new"]["total"] == 1, brief
        # a major case is no escalate.city: nothing of it went up as a report
        assert not any(topic.startswith("alert.") for topic in got), got
        assert not city_reports(city)
        # the briefing counted in the district's fseq: a critical case after
        # it goes up with the next number, and the city sees no gap
        feeder = district.feeder()
        feeder.send(report(rid="w2", name="危急企业", workers=200, at=local_ms("2026-03-02T09:00")))
        feeder.close()
        wait_until(lambda: len(city_reports(city)) == 1, 20, "the critical case at the city")
        assert city_reports(city)[0]["body"]["fseq"] == 2          # the briefing was 1
        time.sleep(0.5)
        assert not any(e["topic"] == "warning.feed" for e in replay_all(city)), replay_all(city)
        watcher.close()
        # the city's store, with a briefing from below in it, is sound
        # (huishang 0.4's verify called its dedup key 'b/...' malformed)
        result = subprocess.run([CLIENT, "verify", "--store", city.store], capture_output=True,
                                text=True, timeout=30)
        assert result.returncode == 0 and "sound" in result.stdout, result.stdout + result.stderr
        assert "malformed" not in result.stdout and "problem" not in result.stdout, result.stdout
    finally:
        cleanup_all(daemons)
        shutil.rmtree(top, ignore_errors=True)


def test_a_city_that_cannot_take_it_now_gets_it_later():
    """rate_limited (and store_full) are answers for now: the district sends
    the same message again until the city takes it."""
    top = tempfile.mkdtemp(prefix="hs-fleet-later-")
    daemons = []
    try:
        city_folder = os.path.join(top, "city")
        os.mkdir(city_folder)
        city = Daemon(folder=city_folder,
                      config=city_config(city_folder, source_rate="1", source_burst="1")).start()
        daemons.append(city)
        folder = os.path.join(top, "putuo")
        os.mkdir(folder)
        district = Daemon(folder=folder, config=district_config(folder, "putuo", city)).start()
        daemons.append(district)
        feeder = district.feeder()
        for index in range(3):
            feeder.send(report(rid="r%d" % index, name="限流企业%d" % index, workers=150))
        feeder.close()
        # one a second at the city: the three arrive, each once, in order
        wait_until(lambda: len(city_reports(city)) == 3, 30, "three reports at the city")
        bodies = [e["body"] for e in city_reports(city)]
        assert [b["fseq"] for b in bodies] == [1, 2, 3]
        assert city.health()["rejections"].get("rate_limited", 0) >= 1
        log = district.read_log()
        assert "cannot take it now (rate_limited" in log and "refused" not in log, log[-1500:]
    finally:
        cleanup_all(daemons)
        shutil.rmtree(top, ignore_errors=True)
