"""Metrics an operator can alert on (issue 16, PROTOCOL.md §6.6): every
labelled series is there at 0 from the start (each rejection reason of §5,
each street and level of the open cases, each level of the overdue ones),
the start time, the open cases by level and street, the last report of
each feeder; after a kill -9 the store's gauges come back as they were."""

import os
import re
import sys
import time

from harness import ROOT, Daemon, report
from test_service import _parse_prometheus

sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
import huishang  # noqa: E402

LEVELS = ("general", "significant", "major", "critical")


def protocol_reasons():
    """The reason codes of PROTOCOL.md §5's table, in order."""
    with open(os.path.join(ROOT, "protocol", "PROTOCOL.md"), encoding="utf-8") as handle:
        text = handle.read()
    section = text[text.index("## 5. Rejections"):text.index("### 5.1 ")]
    return re.findall(r"^\| `([a-z_]+)` \|", section, re.M)


def streets():
    with open(os.path.join(ROOT, "config", "units.cfg"), encoding="utf-8") as handle:
        return sorted(set(re.findall(r"^\s*street\.([a-z]+)\b", handle.read(), re.M)))


def page(client):
    samples, types = _parse_prometheus(client.metrics())
    return samples, types


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())))


def test_every_series_from_the_start_then_counted_across_kill9():
    started = time.time()
    daemon = Daemon().start()
    try:
        client = huishang.Client(ingest=daemon.ingest, submit=daemon.submit,
                                 publish=daemon.publish, api=daemon.api, timeout=2.0)
        samples, types = page(client)
        reasons = protocol_reasons()
        assert len(reasons) >= 30 and "spoofing" in reasons, reasons
        for reason in reasons:
            assert value(samples, "huishang_rejections_total", reason=reason) == 0, reason
        names = streets()
        assert "caoyang" in names and len(names) >= 5, names
        for street in names:
            for level in LEVELS:
                assert value(samples, "huishang_cases_open", level=level, street=street) == 0
        for level in LEVELS:
            assert value(samples, "huishang_cases_overdue", level=level) == 0, level
        assert types["huishang_cases_open"] == "gauge"
        assert types["huishang_feeder_last_report_seconds"] == "gauge"
        start = value(samples, "huishang_start_time_seconds")
        assert int(started) - 1 <= start <= time.time(), (started, start)
        # a major case in caoyang, a general one in wanli, a rejection
        sent_ms = int(time.time() * 1000)
        client.submit_report(report(rid="m1", workers=40, fseq=1))
        client.submit_report(report(rid="m2", street="wanli", source="hrss", workers=3,
                                    name="另一家公司", fseq=1))
        try:
            client.submit_report(report(rid="m3", street="atlantis", source="hrss"))
        except huishang.Rejected as error:
            assert error.reason == "unknown_street"
        samples, _ = page(client)
        assert value(samples, "huishang_cases_open", level="major", street="caoyang") == 1
        assert value(samples, "huishang_cases_open", level="general", street="wanli") == 1
        assert value(samples, "huishang_cases_open", level="general", street="caoyang") == 0
        assert sum(v for (n, _), v in samples.items() if n == "huishang_cases_open") == 2
        assert value(samples, "huishang_rejections_total", reason="unknown_street") == 1
        assert value(samples, "huishang_rejections_total", reason="spoofing") == 0
        for unit in ("street.caoyang", "hrss"):
            last = value(samples, "huishang_feeder_last_report_seconds", unit=unit)
            assert last is not None and abs(last - sent_ms / 1000) < 5, (unit, last, samples)
        # kill -9: the store's gauges are as they were, the counters start again at 0
        daemon.kill9()
        daemon.start()
        samples, _ = page(client)
        assert value(samples, "huishang_cases_open", level="major", street="caoyang") == 1
        assert value(samples, "huishang_cases_open", level="general", street="wanli") == 1
        assert value(samples, "huishang_rejections_total", reason="unknown_street") == 0
        assert value(samples, "huishang_start_time_seconds") >= start
        # the resend after the restart is a duplicate: no second case
        again = client.submit_report(report(rid="m1", workers=40, fseq=1))
        assert again.duplicate
        samples, _ = page(client)
        assert sum(v for (n, _), v in samples.items() if n == "huishang_cases_open") == 2
        assert value(samples, "huishang_alerts_total", level="major") == 0   # none sent twice
    finally:
        daemon.cleanup()
