"""Read a stored case record (PROTOCOL §7: layout 4 since store format 7,
layout 3 in formats 3 to 6) into the map the
api's `case` reply carries: an independent reader of the documented layout,
for tests that look at the store with python3-lmdb beside the daemon. A
record of an older store (a msgpack map) is returned as it is. And the key
form of a case or meeting id (PROTOCOL §7, store format 4), both ways."""

import re

import msgpack


def key_of_id(case_id):
    """The key a case or meeting id is stored under: its final run of digits
    (up to 20) after a byte giving the run's length."""
    match = re.search(r"[0-9]{1,20}$", case_id)
    if not match or (match.start() > 0 and case_id[match.start() - 1].isdigit()):
        return case_id.encode()
    stem, digits = case_id[:match.start()], match.group()
    return stem.encode() + bytes([len(digits)]) + digits.encode()


def id_of_key(key):
    """The id a key names (a store before format 4 keyed it as text)."""
    key = bytes(key)
    for index, byte in enumerate(key):
        if byte < 0x21:
            assert byte == len(key) - index - 1 and key[index + 1:].isdigit(), key
            return (key[:index] + key[index + 1:]).decode()
    return key.decode()

LEVELS = ["general", "significant", "major", "critical"]
CATEGORIES = ["wage_arrears", "layoff", "social_insurance", "work_stoppage", "negotiation",
              "contract", "injury", "other"]
OWNERSHIPS = ["private", "state", "foreign", "collective", "other"]
FLAGS = ["gathering", "petition_visit", "road_blocking", "extreme", "media", "litigation",
         "repeat", "cross_district", "epidemic"]
STATUSES = ["accepted", "mediating", "resolved", "closed", "failed", "signed", "returned"]
STAGES = ["open", "resolved", "closed", "merged"]
STATES = ["routed", "signed", "done", "returned", "removed"]
CLOCKS = ["sign", "progress", "resolve"]
RUNGS = [None, "remind", "supervise", "circulate"]


class _Reader:
    def __init__(self, data):
        self.data, self.at = data, 0

    def u(self):
        value, shift = 0, 0
        while True:
            byte = self.data[self.at]
            self.at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    def i(self):
        value = self.u()
        return (value >> 1) ^ -(value & 1)

    def s(self):
        size = self.u()
        text = self.data[self.at:self.at + size]
        assert len(text) == size, "cut short"
        self.at += size
        return text.decode()

    def text(self):
        text = self.s()
        return text or None

    def time(self, base):
        value = self.u()
        if value == 0:
            return 0
        value -= 1
        return base + ((value >> 1) ^ -(value & 1))

    def strings(self):
        return [self.s() for _ in range(self.u())]

    def list(self):
        """A list as layout 4 writes it: count × 2, plus 1 when front-coded
        (each string the length of the prefix it shares with the one
        before, then the rest)."""
        head, texts = self.u(), []
        for _ in range(head >> 1):
            shared = self.u() if head & 1 else 0
            before = texts[-1].encode() if texts else b""
            assert shared <= len(before), (shared, before)
            size = self.u()
            rest = self.data[self.at:self.at + size]
            assert len(rest) == size, "cut short"
            self.at += size
            texts.append((before[:shared] + rest).decode())
        return texts

    def version(self):
        if self.u() == 1:
            raw = self.data[self.at:self.at + 20]
            self.at += 20
            return raw.hex()
        return self.text()


def _name(names, index):
    return names[index] if 0 <= index < len(names) else None


def decode(data):
    """The case as the api shows it, from the stored bytes."""
    if data[0] not in (3, 4):
        return msgpack.unpackb(data, raw=False)
    r = _Reader(data)
    layout = r.u()
    case = {"id": r.s(), "level": _name(LEVELS, r.i())}
    rules_level = _name(LEVELS, r.i())
    case["category"] = _name(CATEGORIES, r.i())
    case["street"] = r.text()
    case["enterprise"] = r.text()
    case["credit_code"] = r.text()
    case["ownership"] = _name(OWNERSHIPS, r.i())
    case["sector"] = r.text()
    case["workers"] = r.i()
    case["amount"] = r.i()
    flags = r.u()
    case["flags"] = [name for bit, name in enumerate(FLAGS) if flags & (1 << bit)]
    lists = r.strings if layout == 3 else r.list
    case["sources"], case["units"], case["reasons"] = lists(), lists(), lists()
    case["rules_version"] = r.version()
    status = r.i()
    case["status"] = "open" if status < 0 else _name(STATUSES, status)
    stage = r.i()
    bits = r.u()
    case["closed"] = bool(bits & 1)
    case["opened"] = base = r.i()
    case["updated"] = r.time(base)
    case["first_seq"] = r.u()
    case["last_seq"] = case["first_seq"] + r.u()
    case["reports"] = r.u()
    case["overdue"] = bool(bits & 2)
    case["stage"] = _name(STAGES, stage)
    case["rules_level"] = rules_level
    case["lead"] = r.text()
    handlers = []
    fields = [0] * (4 + 4 * len(CLOCKS))       # layout 4: each as the handler before's
    for _ in range(r.u()):
        if layout == 3:
            handler = {"unit": r.s()}
        else:
            place = r.u()
            handler = {"unit": r.s() if place == 0 else case["units"][place - 1]}
        state = r.u()
        handler["role"] = "lead" if state & 1 else "co"
        handler["state"] = _name(STATES, state >> 1)
        mask = (1 << len(fields)) - 1 if layout == 3 else r.u()
        assert mask >> len(fields) == 0, "a field past the handler's"
        for field in range(len(fields)):
            if mask & (1 << field):
                fields[field] = r.u() if field >= 4 and field % 4 == 3 else r.time(base)
        for index, name in enumerate(("routed", "signed", "progress", "done")):
            handler[name] = fields[index]
        handler["clocks"] = []
        for index, clock in enumerate(CLOCKS):
            start, due, next_, rung = fields[4 + 4 * index:8 + 4 * index]
            handler["clocks"].append({"clock": clock, "start": start, "due": due, "next": next_,
                                      "rung": RUNGS[rung & 3], "notices": rung >> 2})
        handlers.append(handler)
    case["handlers"] = handlers
    case["timer_at"] = r.time(base)
    case["muted_until"] = r.time(base)
    followup = r.i()
    case["followup"] = None if followup < 0 else "satisfied" if followup else "unsatisfied"
    case["reopened"] = r.u()
    case["merged_into"] = r.text()
    case["merged_from"] = [r.s() for _ in range(r.u())]
    case["split_from"] = r.text()
    case["meeting"] = r.text()
    case["lead_held"] = bool(bits & 4)
    case["upward"] = r.i()
    upward_level = r.i()
    case["upward_level"] = _name(LEVELS, upward_level) if case["upward"] else None
    case["upward_lead"] = r.text()
    case["closed_at"] = r.time(base)
    case["file_at"] = r.time(base)
    case["filed"] = r.time(base)
    r.time(base)                                    # a 0.4 record's due time, upgraded
    assert r.at == len(data), "a record longer than its fields"
    return case
