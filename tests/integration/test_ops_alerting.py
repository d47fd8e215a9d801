"""What an ops team alerts on and looks at (issue 16): the shipped alert
rules (config/prometheus/huishang.rules.yml) pass `promtool test rules`,
and they and the Grafana dashboard (config/grafana/huishang.json, checked
against a JSON schema of the dashboard's shape) name only series the daemon
exports, before and after a kill -9."""

import json
import os
import re
import shutil
import subprocess
import sys

from harness import ROOT, Daemon, report
from test_service import _parse_prometheus

sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
import huishang  # noqa: E402

RULES_DIR = os.path.join(ROOT, "config", "prometheus")
DASHBOARD = os.path.join(ROOT, "config", "grafana", "huishang.json")
# series a rule may name that node_exporter exports, not the daemon
NOT_OURS = {"node_textfile_mtime_seconds"}


def promtool():
    return os.environ.get("HS_PROMTOOL") or shutil.which("promtool")


def test_rules_pass_promtool():
    tool = promtool()
    if not tool:
        print("skipped: promtool not installed (Debian package prometheus; or set HS_PROMTOOL)")
        return
    check = subprocess.run([tool, "check", "rules", "huishang.rules.yml"], cwd=RULES_DIR,
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "SUCCESS: 7 rules found" in check.stdout, check.stdout
    test = subprocess.run([tool, "test", "rules", "huishang.rules.test.yml"], cwd=RULES_DIR,
                          capture_output=True, text=True, timeout=60)
    assert test.returncode == 0 and "SUCCESS" in test.stdout, test.stdout + test.stderr


def families(text):
    """The family names of a Prometheus page (histograms with their
    _bucket, _sum and _count)."""
    _, types = _parse_prometheus(text)
    names = set(types)
    for name, kind in types.items():
        if kind == "histogram":
            names |= {name + "_bucket", name + "_sum", name + "_count"}
    return names


def named_series(text):
    return set(re.findall(r"\b((?:huishang|node)_[a-z_]+)\b", text))


# The shape Grafana needs of a dashboard it imports (a JSON schema, checked
# by the small validator below: Debian has no python3-jsonschema here).
SCHEMA = {
    "type": "object",
    "required": ["title", "uid", "schemaVersion", "panels", "templating"],
    "properties": {
        "title": {"type": "string"}, "uid": {"type": "string"},
        "schemaVersion": {"type": "integer"},
        "templating": {"type": "object", "required": ["list"]},
        "panels": {"type": "array", "minItems": 8, "items": {
            "type": "object",
            "required": ["id", "type", "title", "gridPos", "targets", "datasource"],
            "properties": {
                "id": {"type": "integer"}, "title": {"type": "string"},
                "type": {"enum": ["stat", "gauge", "timeseries", "bargauge", "table"]},
                "gridPos": {"type": "object", "required": ["h", "w", "x", "y"]},
                "datasource": {"type": "object", "required": ["type", "uid"]},
                "targets": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["refId", "expr"],
                    "properties": {"refId": {"type": "string"}, "expr": {"type": "string"}}}},
            }}},
    },
}
TYPES = {"object": dict, "array": list, "string": str, "integer": int}


def validate(value, schema, where="$"):
    if "type" in schema:
        assert isinstance(value, TYPES[schema["type"]]) and not isinstance(value, bool), \
            "%s: not a %s" % (where, schema["type"])
    if "enum" in schema:
        assert value in schema["enum"], "%s: %r not one of %s" % (where, value, schema["enum"])
    for key in schema.get("required", ()):
        assert key in value, "%s: no %s" % (where, key)
    for key, sub in schema.get("properties", {}).items():
        if key in value:
            validate(value[key], sub, "%s.%s" % (where, key))
    if "items" in schema:
        assert len(value) >= schema.get("minItems", 0), "%s: too few" % where
        for index, item in enumerate(value):
            validate(item, schema["items"], "%s[%d]" % (where, index))


def test_the_validator_refuses_a_broken_dashboard():
    with open(DASHBOARD, encoding="utf-8") as handle:
        good = json.load(handle)
    validate(good, SCHEMA)
    for breakage in (lambda d: d.pop("uid"), lambda d: d["panels"][0].pop("targets"),
                     lambda d: d["panels"][1].update(type="piechart"),
                     lambda d: d["panels"][2]["targets"][0].update(expr=5)):
        broken = json.loads(json.dumps(good))
        breakage(broken)
        try:
            validate(broken, SCHEMA)
        except AssertionError:
            continue
        raise AssertionError("a broken dashboard passed")


def test_rules_and_dashboard_name_series_the_daemon_exports():
    with open(DASHBOARD, encoding="utf-8") as handle:
        dashboard = json.load(handle)
    validate(dashboard, SCHEMA)
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)), ids
    queries = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    in_dashboard = set().union(*(named_series(q) for q in queries))
    with open(os.path.join(RULES_DIR, "huishang.rules.yml"), encoding="utf-8") as handle:
        in_rules = named_series("\n".join(line for line in handle
                                           if not line.lstrip().startswith("#")))
    for wanted in ("huishang_uptime_seconds", "huishang_store_used_bytes",
                   "huishang_rejections_total", "huishang_feeders_silent",
                   "huishang_cases_overdue"):
        assert wanted in in_rules, wanted
    assert {"huishang_cases_open", "huishang_start_time_seconds",
            "huishang_feeder_last_report_seconds"} <= in_dashboard, in_dashboard
    daemon = Daemon().start()
    try:
        client = huishang.Client(ingest=daemon.ingest, submit=daemon.submit,
                                 publish=daemon.publish, api=daemon.api, timeout=2.0)
        client.submit_report(report(rid="o1", workers=150, fseq=1))     # a critical case
        before = families(client.metrics())
        missing = (in_rules | in_dashboard) - before - NOT_OURS
        assert not missing, "named but not exported: %s" % sorted(missing)
        # kill -9 in the middle: every family is back, the case counted once
        daemon.kill9()
        daemon.start()
        text = client.metrics()
        assert families(text) == before, families(text) ^ before
        samples, _ = _parse_prometheus(text)
        assert samples[("huishang_cases_open", frozenset({"level": "critical",
                                                          "street": "caoyang"}.items()))] == 1
        assert client.submit_report(report(rid="o1", workers=150, fseq=1)).duplicate
    finally:
        daemon.cleanup()
