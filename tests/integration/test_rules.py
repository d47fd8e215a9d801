"""Severity levels, the routing table and the escalation ladder (SPEC §3),
as a dashboard sees them: alerts, meeting requests and reports upward."""


from harness import credit_code, report, running

MEMBERS = ["hrss", "legal", "petition", "news", "commerce", "police", "justice", "sasac",
           "court", "union", "fic", "street.caoyang", "street.changfeng", "street.changshou",
           "street.ganquan", "street.shiquan", "street.yichuan", "street.wanli",
           "street.zhenru", "street.changzheng", "street.taopu"]



def publish_one(daemon, watcher, body, topic=None):
    """Send one report and return every message it caused, by topic."""
    feeder = daemon.feeder()
    feeder.send(body, topic)
    feeder.close()
    # Everything a report causes is published together after one commit:
    # wait for the first message, then collect the rest of the burst.
    first = watcher.recv(5000)
    assert first, "no message at all for %r" % (body,)
    return [first] + watcher.recv_all(quiet_ms=100)


def alert_of(messages):
    alerts = [m for m in messages if m[0].startswith("alert.")]
    assert len(alerts) == 1, messages
    return alerts[0]


def test_every_level():
    cases = [
        # (report fields, level, the rule that must have fired)
        (dict(workers=3), "general", None),
        (dict(workers=10), "significant", "significant.workers"),
        (dict(workers=2, amount=500000), "significant", "significant.amount"),
        (dict(workers=2, flags=["petition_visit"]), "significant", "significant.flags"),
        (dict(workers=2, flags=["repeat"]), "significant", "significant.flags"),
        (dict(workers=30), "major", "major.workers"),
        (dict(workers=2, amount=2000000), "major", "major.amount"),
        (dict(workers=2, flags=["gathering"]), "major", "major.flags"),
        (dict(workers=2, flags=["media"]), "major", "major.flags"),
        (dict(workers=2, flags=["cross_district"]), "major", "major.flags"),
        (dict(workers=100), "critical", "critical.workers"),
        (dict(workers=2, flags=["road_blocking"]), "critical", "critical.flags"),
        (dict(workers=2, flags=["extreme"]), "critical", "critical.flags"),
        (dict(workers=9, amount=499999), "general", None),
    ]
    with running() as daemon:
        watcher = daemon.watcher(("alert.",))
        for index, (fields, level, rule) in enumerate(cases):
            body = report(rid="lvl-%d" % index, name="Level Test %d Ltd" % index, **fields)
            topic, alert = alert_of(publish_one(daemon, watcher, body))
            assert topic == "alert.%s.caoyang" % level, (fields, topic)
            assert alert["kind"] == "new" and alert["level"] == level
            assert alert["street"] == "street.caoyang"
            assert isinstance(alert["seq"], int) and alert["seq"] > 0
            if rule:
                assert rule in alert["reasons"], (rule, alert["reasons"])
            assert alert["source"] == "street.caoyang" and alert["report"] == body["id"]


def test_routing_table():
    rows = [
        # (unit, fields that must route it, fields that must not)
        ("hrss", dict(), None),
        ("street.wanli", dict(street="street.wanli", source="hrss"), None),
        ("legal", dict(workers=30), dict(workers=29)),
        ("petition", dict(source="petition", street="caoyang"), dict(source="hrss", street="caoyang")),
        ("petition", dict(flags=["petition_visit"]), dict(flags=["repeat"])),
        ("news", dict(flags=["media"]), dict(flags=["litigation"])),
        ("commerce", dict(sector="commerce"), dict(sector="manufacturing")),
        ("commerce", dict(ownership="foreign"), dict(ownership="collective")),
        ("police", dict(flags=["gathering"]), dict(flags=["media"])),
        ("police", dict(flags=["road_blocking"]), None),
        ("police", dict(flags=["extreme"]), None),
        ("justice", dict(workers=10), dict(workers=9)),
        ("court", dict(flags=["litigation"]), dict(flags=["epidemic"])),
        ("sasac", dict(ownership="state"), dict(ownership="private")),
        ("union", dict(category="negotiation"), dict(category="contract")),
        ("union", dict(workers=10), dict(workers=9)),
        ("fic", dict(ownership="private"), dict(ownership="state")),
    ]
    with running() as daemon:
        watcher = daemon.watcher(("alert.",))
        for index, (unit, routed, not_routed) in enumerate(rows):
            for which, fields in (("yes", routed), ("no", not_routed)):
                if fields is None:
                    continue
                body = report(rid="route-%d-%s" % (index, which),
                              name="Routing %d %s Co" % (index, which), **fields)
                _, alert = alert_of(publish_one(daemon, watcher, body))
                if which == "yes":
                    assert unit in alert["units"], (unit, fields, alert["units"])
                    if unit != "hrss" and not unit.startswith("street."):
                        assert "route." + unit in alert["reasons"]
                else:
                    assert unit not in alert["units"], (unit, fields, alert["units"])
                assert "hrss" in alert["units"]            # the lead unit: every case
                assert alert["street"] in alert["units"]   # territorial responsibility


def test_ladder_general_and_significant():
    with running() as daemon:
        watcher = daemon.watcher(("",))
        messages = publish_one(daemon, watcher, report(rid="g1", workers=2))
        assert [m[0] for m in messages] == ["alert.general.caoyang"]
        assert "office" not in messages[0][1]["units"]
        messages = publish_one(daemon, watcher, report(rid="s1", name="Other Ltd", workers=12))
        assert [m[0] for m in messages] == ["alert.significant.caoyang"]
        units = messages[0][1]["units"]
        assert "office" in units and "convener" not in units


def test_ladder_major_meeting():
    with running() as daemon:
        watcher = daemon.watcher(("",))
        messages = publish_one(daemon, watcher, report(rid="m1", workers=40, ownership="private"))
        topics = [m[0] for m in messages]
        assert topics == ["alert.major.caoyang", "meeting.request"], topics
        alert, meeting = messages[0][1], messages[1][1]
        assert "convener" in alert["units"] and "office" in alert["units"]
        assert "city" not in alert["units"]
        assert meeting["urgency"] == "normal" and meeting["case"] == alert["case"]
        assert meeting["level"] == "major"
        # the routed units (部分成员), not the roles
        assert set(meeting["participants"]) == {"hrss", "legal", "justice", "union", "fic",
                                                "street.caoyang"}, meeting["participants"]
        assert meeting["deadline"] - meeting["at"] == 24 * 3600 * 1000
        assert meeting["seq"] > alert["seq"]
        assert meeting["meeting"].startswith("putuo-m")


def test_ladder_critical_escalates():
    with running() as daemon:
        watcher = daemon.watcher(("",))
        messages = publish_one(daemon, watcher, report(rid="c1", workers=150))
        topics = [m[0] for m in messages]
        assert topics == ["alert.critical.caoyang", "meeting.request", "escalate.district",
                          "escalate.city"], topics
        alert, meeting = messages[0][1], messages[1][1]
        for role in ("office", "convener", "district", "city"):
            assert role in alert["units"], role
        assert meeting["urgency"] == "urgent"
        assert sorted(meeting["participants"]) == sorted(MEMBERS)   # 各成员
        assert meeting["deadline"] - meeting["at"] == 2 * 3600 * 1000
        for topic, body in messages[2:]:
            assert body["to"] == topic.split(".")[1]
            assert body["from"] == "putuo" and body["case"] == alert["case"]
            assert body["level"] == "critical" and body["workers"] == 150
        seqs = [m[1]["seq"] for m in messages]
        assert seqs == sorted(seqs) and len(set(seqs)) == 4


def test_correlation_raises_level():
    code = credit_code("91310107MA1G00001")
    with running() as daemon:
        watcher = daemon.watcher(("",))
        first = publish_one(daemon, watcher, report(rid="k1", code=code, workers=12))
        assert [m[0] for m in first] == ["alert.significant.caoyang"]
        case = first[0][1]["case"]
        # the same enterprise by credit code, from another unit: joins, no alert
        feeder = daemon.feeder()
        feeder.send(report(source="union", rid="k2", street="caoyang", code=code,
                           name="completely different spelling", workers=8))
        feeder.close()
        assert watcher.recv_all(quiet_ms=400) == []
        # by normalised name + street, no code, now with a gathering: rises to major
        messages = publish_one(daemon, watcher,
                               report(source="hrss", rid="k3", street="street.caoyang",
                                      name=" 上海测试制衣有限公司 ", workers=35,
                                      flags=["gathering"]))
        topics = [m[0] for m in messages]
        assert topics == ["alert.major.caoyang", "meeting.request"], topics
        alert = messages[0][1]
        assert alert["kind"] == "escalated" and alert["previous_level"] == "significant"
        assert alert["case"] == case
        assert alert["workers"] == 35 and "gathering" in alert["flags"]
        assert "police" in alert["units"] and "union" in alert["units"]
        # another category of the same enterprise is another case, its second
        # dispute: the three reports of the first were one dispute, no warning
        messages = publish_one(daemon, watcher, report(rid="k4", code=code, category="layoff"))
        assert [m[0] for m in messages] == ["alert.general.caoyang"], messages
        assert messages[0][1]["case"] != case and messages[0][1]["kind"] == "new"
        # a third dispute with this credit code within 30 days: an early
        # warning (预警), and the new case rises one level
        messages = publish_one(daemon, watcher, report(rid="k5", code=code, category="injury"))
        topics = [m[0] for m in messages]
        assert topics == ["alert.general.caoyang", "warning.enterprise",
                          "alert.significant.caoyang"], topics
        assert messages[0][1]["kind"] == "new"
        warning = messages[1][1]
        assert warning["count"] == 3 and warning["credit_code"] == code
        assert warning["units"] == ["office", "hrss"] and warning["case"] == messages[0][1]["case"]
        assert messages[2][1]["kind"] == "escalated"
        assert "warning.enterprise" in messages[2][1]["reasons"], messages[2][1]
        counters = daemon.counters()
        assert counters["cases_opened"] == 3 and counters["escalated"] == 2
        assert counters["reports"] == 5 and counters["warnings"] == 1
