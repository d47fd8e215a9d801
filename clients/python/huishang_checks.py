"""huishang_checks - the Python client's checks of a body before it is sent.

The same rules as the daemon's (PROTOCOL.md §3.2, §3.5, §3.12), so that a
mistake is said at once, as a ValueError, instead of as a refusal later.
huishang.py and huishang_inspect.py (beside it) both take them from here.
"""

import re
import time

PROTOCOL_VERSION = 1
LEVELS = ("general", "significant", "major", "critical")
CATEGORIES = ("wage_arrears", "layoff", "social_insurance", "work_stoppage", "negotiation",
              "contract", "injury", "other")
OWNERSHIPS = ("private", "state", "foreign", "collective", "other")
FLAGS = ("gathering", "petition_visit", "road_blocking", "extreme", "media", "litigation",
         "repeat", "cross_district", "epidemic")
STATUSES = ("accepted", "mediating", "resolved", "closed", "failed", "signed", "returned")
ACTS = ("close", "reject_closure", "followup", "regrade", "merge", "split", "mute", "unmute",
        "reroute", "insist")

_TOKEN = re.compile(r"^[\x21-\x7e]{1,64}$")


# ---------------------------------------------------------------------------
# Checks: the same rules as the daemon's (PROTOCOL.md §3.2, §3.5)

def _fail(field, why):
    raise ValueError("field %r %s" % (field, why))


def _token(body, field, required=True):
    value = body.get(field)
    if value is None:
        if required:
            _fail(field, "is required")
        return
    if not isinstance(value, str) or not _TOKEN.match(value):
        _fail(field, "must be 1-64 printable ASCII characters without spaces, not %r" % (value,))


def _text(value, field, limit, empty=False):
    if not isinstance(value, str):
        _fail(field, "must be a string, not %s" % type(value).__name__)
    if not value and not empty:
        _fail(field, "must not be empty")
    if len(value.encode("utf-8")) > limit:
        _fail(field, "is longer than %d bytes" % limit)


def _integer(body, field, low, high, required=True):
    value = body.get(field)
    if value is None:
        if required:
            _fail(field, "is required")
        return
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(field, "must be an integer, not %r" % (value,))
    if not low <= value <= high:
        _fail(field, "must be from %d to %d, not %d" % (low, high, value))


def _one_of(value, field, names):
    if value not in names:
        _fail(field, "must be one of %s, not %r" % (", ".join(names), value))


def _common(body, known):
    if not isinstance(body, dict):
        raise ValueError("a message body is a dict, not %s" % type(body).__name__)
    for field in body:
        if field not in known:
            _fail(field, "is not a field of this message (known: %s)" % ", ".join(sorted(known)))
    if body.get("v", PROTOCOL_VERSION) != PROTOCOL_VERSION:
        _fail("v", "must be %d" % PROTOCOL_VERSION)
    _token(body, "id")
    _token(body, "source")
    _integer(body, "at", 946684800000, 2 ** 62)
    _integer(body, "fseq", 1, 2 ** 62 - 1, required=False)


REPORT_FIELDS = {"v", "id", "source", "at", "street", "enterprise", "category", "workers",
                 "amount", "flags", "summary", "fseq"}
UPDATE_FIELDS = {"v", "id", "source", "at", "case", "status", "note", "workers", "amount",
                 "flags", "fseq", "person"}


def check_report(body):
    """Raise ValueError, naming the field, unless `body` is a report the
    daemon's checks would let through (units and streets aside: those only
    the daemon knows)."""
    _common(body, REPORT_FIELDS)
    _token(body, "street", required=False)
    enterprise = body.get("enterprise")
    if not isinstance(enterprise, dict):
        _fail("enterprise", "is required, a dict with at least 'name'")
    for field in enterprise:
        if field not in ("name", "credit_code", "ownership", "sector"):
            _fail("enterprise." + field, "is not a field of an enterprise")
    if "name" not in enterprise:
        _fail("enterprise.name", "is required")
    _text(enterprise["name"], "enterprise.name", 256)
    if "credit_code" in enterprise and (not isinstance(enterprise["credit_code"], str)
                                        or len(enterprise["credit_code"]) != 18):
        _fail("enterprise.credit_code", "must be the 18 characters of a unified credit code")
    if "ownership" in enterprise:
        _one_of(enterprise["ownership"], "enterprise.ownership", OWNERSHIPS)
    if "sector" in enterprise:
        _text(enterprise["sector"], "enterprise.sector", 64)
    if "category" not in body:
        _fail("category", "is required")
    _one_of(body["category"], "category", CATEGORIES)
    _integer(body, "workers", 1, 1000000)
    _integer(body, "amount", 0, 10 ** 12, required=False)
    _flags(body)
    if body.get("summary") is not None:
        _text(body["summary"], "summary", 4096, empty=True)


def check_update(body):
    """Raise ValueError, naming the field, unless `body` is a well-formed update."""
    _common(body, UPDATE_FIELDS)
    _token(body, "case")
    if "status" not in body:
        _fail("status", "is required")
    _one_of(body["status"], "status", STATUSES)
    if body.get("note") is not None:
        _text(body["note"], "note", 4096, empty=True)
    elif body["status"] == "returned":
        _fail("note", "is required when the status is returned (the reason)")
    _integer(body, "workers", 1, 1000000, required=False)
    _integer(body, "amount", 0, 10 ** 12, required=False)
    _flags(body)
    _person(body)


def _person(body):
    """Who in the unit did it (an update's, an act's): a name, 1-64 bytes."""
    if body.get("person") is not None:
        _text(body["person"], "person", 64)
        if any(ord(c) < 0x20 or ord(c) == 0x7f for c in body["person"]):
            _fail("person", "must not hold control characters")


def _flags(body):
    flags = body.get("flags", [])
    if not isinstance(flags, (list, tuple)):
        _fail("flags", "must be a list of flag names")
    for flag in flags:
        _one_of(flag, "flags", FLAGS)


def _units(body, field):
    units = body.get(field)
    if units is None:
        return
    if not isinstance(units, (list, tuple)) or not units:
        _fail(field, "must be a non-empty list of unit codes")
    for unit in units:
        _token({field: unit}, field)


# what each act takes: its keys, and which of them it needs (PROTOCOL.md §3.12)
ACT_FIELDS = {
    "close": ({"note"}, set()),
    "reject_closure": ({"reason"}, {"reason"}),
    "followup": ({"satisfied", "note"}, {"satisfied"}),
    "regrade": ({"level", "reason"}, {"level", "reason"}),
    "merge": ({"into", "reason"}, {"into"}),
    "split": ({"report", "reason"}, {"report"}),
    "mute": ({"until", "reason"}, {"until", "reason"}),
    "unmute": ({"reason"}, set()),
    "reroute": ({"add", "remove", "lead", "reason"}, {"reason"}),
    "insist": ({"unit", "reason"}, {"unit", "reason"}),
}
ACT_COMMON = {"v", "id", "source", "at", "case", "act", "person"}


def check_act(body):
    """Raise ValueError, naming the field, unless `body` is a well-formed
    act (who may, and in which stage, only the daemon knows)."""
    act = body.get("act") if isinstance(body, dict) else None
    if act is None:
        _fail("act", "is required")
    _one_of(act, "act", ACTS)
    keys, needed = ACT_FIELDS[act]
    _common(body, ACT_COMMON | keys)
    _token(body, "case")
    for field in sorted(needed):
        if body.get(field) is None:
            _fail(field, "is required for %s" % act)
    for field in ("reason", "note"):
        if body.get(field) is not None:
            _text(body[field], field, 4096)
    if body.get("satisfied") is not None and not isinstance(body["satisfied"], bool):
        _fail("satisfied", "must be True or False")
    if body.get("level") is not None:
        _one_of(body["level"], "level", LEVELS)
    for field in ("into", "lead", "unit"):
        _token(body, field, required=False)
    _integer(body, "report", 1, 2 ** 62, required=False)
    _integer(body, "until", 946684800000, 2 ** 62, required=False)
    _units(body, "add")
    _units(body, "remove")
    _person(body)
    if act == "reroute" and not any(body.get(f) for f in ("add", "remove", "lead")):
        _fail("add", "or remove or lead is required for reroute")


def _now_ms():
    return int(time.time() * 1000)


def _complete(body):
    body = dict(body)
    body.setdefault("v", PROTOCOL_VERSION)
    body.setdefault("at", _now_ms())
    return body
