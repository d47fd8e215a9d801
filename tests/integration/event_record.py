"""Read a stored event record (PROTOCOL §7, store format 7) into the map the
api shows a case's history as: an independent reader of the documented
layout, for tests that look at the `events` table with python3-lmdb. A record
of an older store (a msgpack map) is read as it is; an alert kept as its
decision (layout 2), a meeting request (layout 3) and a report upward (layout
4) kept as theirs are read into the body that was published; body_bytes gives the bytes a record
keeps as its body (layout 1)."""

import msgpack

LEVELS = ["general", "significant", "major", "critical"]
CATEGORIES = ["wage_arrears", "layoff", "social_insurance", "work_stoppage",
              "negotiation", "contract", "injury", "other"]
FLAGS = ["gathering", "petition_visit", "road_blocking", "extreme", "media",
         "litigation", "repeat", "cross_district", "epidemic"]


def _uvarint(data, at):
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


def _ivarint(data, at):
    value, at = _uvarint(data, at)
    return (value >> 1) ^ -(value & 1), at


def _text(data, at):
    size, at = _uvarint(data, at)
    return bytes(data[at:at + size]).decode(), at + size


def _texts(data, at):
    count, at = _uvarint(data, at)
    texts = []
    for _ in range(count):
        text, at = _text(data, at)
        texts.append(text)
    return texts, at


def _list(data, at):
    """A list as store format 7 writes it (PROTOCOL §7): count × 2, plus 1
    when each string is the length of the prefix it shares with the one
    before and the rest."""
    head, at = _uvarint(data, at)
    texts = []
    for _ in range(head >> 1):
        shared = 0
        if head & 1:
            shared, at = _uvarint(data, at)
        size, at = _uvarint(data, at)
        before = texts[-1].encode() if texts else b""
        assert shared <= len(before), (shared, before)
        texts.append((before[:shared] + bytes(data[at:at + size])).decode())
        at += size
    return texts, at


def _facts(data, at, body):
    """A case's facts as the decision records keep them: street, enterprise,
    workers, amount (absent when unknown), flags. Returns where they end."""
    body["street"], at = _text(data, at)
    body["enterprise"], at = _text(data, at)
    body["workers"], at = _ivarint(data, at)
    amount, at = _ivarint(data, at)
    if amount >= 0:
        body["amount"] = amount
    flags, at = _uvarint(data, at)
    body["flags"] = [name for bit, name in enumerate(FLAGS) if flags & (1 << bit)]
    return at


def _alert(data, at, event):
    """The body of an alert kept as its decision (PROTOCOL §7, layout 2), in
    the order of §4.2's keys as the daemon packs them."""
    bits, at = _uvarint(data, at)
    body = {"v": 1, "seq": event["seq"]}
    body["kind"], at = _text(data, at)
    body["case"] = event["case"]
    level, at = _uvarint(data, at)
    previous, at = _ivarint(data, at)
    category, at = _ivarint(data, at)
    body["level"] = LEVELS[level]
    body["category"] = CATEGORIES[category] if category >= 0 else ""
    at = _facts(data, at, body)
    lists = _list if bits & 4096 else _texts       # front-coded since store format 7
    body["units"], at = lists(data, at)
    body["reasons"], at = lists(data, at)
    delta, at = _ivarint(data, at)
    body["at"] = event["at"] + delta
    if previous >= 0:
        body["previous_level"] = LEVELS[previous]
    if bits & 1:
        body["source"], at = _text(data, at)
        ident, at = _text(data, at)
        body["report" if bits & 2 else "update"] = ident
        if bits & 4:
            body["person"], at = _text(data, at)
    for bit, name in ((8, "unit"), (16, "clock"), (32, "rung")):
        if bits & bit:
            body[name], at = _text(data, at)
    into = None
    if bits & 64:
        into, at = _text(data, at)
    if bits & 1024:
        body["count"], at = _ivarint(data, at)
    if bits & 2048:
        body["due"], at = _ivarint(data, at)
    if bits & 16:
        body["late_ms"], at = _ivarint(data, at)
    if bits & 128:
        size, at = _uvarint(data, at)
        body["note"], at = bytes(data[at:at + size]).decode(), at + size
    if into is not None:
        body["into"] = into
    if bits & 256:
        body["satisfied"] = bool(bits & 512)
    assert at == len(data), (at, len(data))
    return body


def _request(data, at, event):
    """The body of a meeting request kept as its decision (PROTOCOL §7,
    layout 3), in the order of §4.3's keys as the daemon packs them."""
    body = {"v": 1, "seq": event["seq"]}
    body["meeting"], at = _text(data, at)
    body["kind"], at = _text(data, at)
    if "case" in event:
        body["case"] = event["case"]
    level, at = _ivarint(data, at)
    if level >= 0:
        body["level"] = LEVELS[level]
    body["participants"], at = _list(data, at)
    body["chairs"], at = _list(data, at)
    body["urgency"], at = _text(data, at)
    deadline, at = _ivarint(data, at)
    body["deadline"] = None                     # in its place: known once `at` is read
    body["reasons"], at = _list(data, at)
    delta, at = _ivarint(data, at)
    body["at"] = event["at"] + delta
    body["deadline"] = body["at"] + deadline
    assert at == len(data), (at, len(data))
    return body


def _escalate(data, at, event):
    """The body of a report upward kept as its decision (PROTOCOL §7, layout
    4), in the order of §4.4's keys as the daemon packs them."""
    body = {"v": 1, "seq": event["seq"]}
    body["to"], at = _text(data, at)
    body["from"], at = _text(data, at)
    body["case"] = event["case"]
    level, at = _uvarint(data, at)
    category, at = _uvarint(data, at)
    body["level"], body["category"] = LEVELS[level], CATEGORIES[category]
    at = _facts(data, at, body)
    body["units"], at = _list(data, at)
    body["reasons"], at = _list(data, at)
    body["at"] = None                           # in its place: read last
    bits, at = _uvarint(data, at)
    if bits & 1:
        body["report"], at = _text(data, at)
    if bits & 2:
        body["changed"], at = _list(data, at)
    delta, at = _ivarint(data, at)
    body["at"] = event["at"] + delta
    assert at == len(data), (at, len(data))
    return body


def _head(data):
    """The head of a compact record (and with a level its classification):
    the event so far, its layout, and where its body or decision begins."""
    version, at = _uvarint(data, 1)
    assert version in (1, 2, 3, 4), version
    event = {"v": 1}
    event["seq"], at = _uvarint(data, at)
    event["at"], at = _ivarint(data, at)
    event["type"], at = _text(data, at)
    event["topic"], at = _text(data, at)
    case, at = _text(data, at)
    if case:
        event["case"] = case
    level, at = _ivarint(data, at)
    if level >= 0:
        event["level"] = LEVELS[level]
        tag, at = _uvarint(data, at)
        if tag == 1:
            event["rules_version"], at = data[at:at + 20].hex(), at + 20
        else:
            event["rules_version"], at = _text(data, at)
        rest = msgpack.Unpacker(raw=False)
        rest.feed(data[at:])
        event["reasons"] = rest.unpack()
        at += rest.tell()
    return event, version, at


def decode(data):
    data = bytes(data)
    if data[0] != 0xC1:
        return msgpack.unpackb(data, raw=False)
    event, version, at = _head(data)
    if version == 2:
        event["body"] = _alert(data, at, event)
        if event["type"] == event["topic"] == "":       # implied (store format 7)
            street = event["body"]["street"]
            short = street[len("street."):] if street.startswith("street.") else street
            event["type"] = "alert"
            event["topic"] = "alert.%s.%s" % (event["body"]["level"], short)
    elif version == 3:                              # its type and topic implied
        assert event["type"] == event["topic"] == "", event
        event["type"], event["topic"] = "meeting", "meeting.request"
        event["body"] = _request(data, at, event)
    elif version == 4:                              # its type and topic implied
        assert event["type"] == event["topic"] == "", event
        event["body"] = _escalate(data, at, event)
        event["type"], event["topic"] = "escalate", "escalate." + event["body"]["to"]
    else:
        event["body"] = msgpack.unpackb(data[at:], raw=False)
    return event


def body_bytes(data):
    """The body of a record that keeps it (layout 1): the msgpack bytes that
    end the record, as they went out."""
    data = bytes(data)
    _, version, at = _head(data)
    assert version == 1, version
    return data[at:]


def of_type(name):
    """A test of a stored record's bytes: is it an event of type `name`?"""
    return lambda data: decode(data)["type"] == name
