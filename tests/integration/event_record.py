"""Read a stored event record (PROTOCOL §7, store format 9) into the map the
api shows a case's history as: an independent reader of the documented
layout, for tests that look at the `events` table with python3-lmdb. A record
of an older store (a msgpack map) is read as it is; an alert kept as its
decision (layout 2), a meeting request (layout 3) and a report upward (layout
4) kept as theirs are read into the body that was published; a body kept with
the contract's words as two bytes (layout 5) is written out again;
body_bytes gives the bytes a record keeps as its body (layouts 1 and 5)."""

import msgpack

LEVELS = ["general", "significant", "major", "critical"]
CATEGORIES = ["wage_arrears", "layoff", "social_insurance", "work_stoppage",
              "negotiation", "contract", "injury", "other"]
FLAGS = ["gathering", "petition_visit", "road_blocking", "extreme", "media",
         "litigation", "repeat", "cross_district", "epidemic"]


# PROTOCOL §7's list of words, in its order: 0xc1 and a word's place stand
# for the word written as a fixstr
WORDS = ("id source at street enterprise name credit_code ownership sector category "
         "workers amount flags summary fseq case status note person meeting answer act "
         "reason level units satisfied into report until add remove lead unit "
         "general significant major critical "
         "wage_arrears layoff social_insurance work_stoppage negotiation contract injury other "
         "private state foreign collective "
         "gathering petition_visit road_blocking extreme media litigation repeat "
         "cross_district epidemic "
         "signed returned accepted mediating resolved closed failed attend decline "
         "close reject_closure followup regrade merge split mute unmute reroute insist").split()


def _unwords(data, at=0):
    """The msgpack object at `at` of a layout-5 body, its words written out
    again: (its bytes, where it ends)."""
    out = bytearray()
    pending = 1
    stack = []
    while pending or stack:
        if not pending:
            pending = stack.pop()
            continue
        pending -= 1
        byte = data[at]
        if byte == 0xC1:                            # a word
            word = WORDS[data[at + 1]].encode()
            out += bytes([0xA0 | len(word)]) + word
            at += 2
            continue
        start = at
        at += 1
        items = 0
        if 0x80 <= byte <= 0x8F:
            items = 2 * (byte & 0x0F)
        elif 0x90 <= byte <= 0x9F:
            items = byte & 0x0F
        elif 0xA0 <= byte <= 0xBF:
            at += byte & 0x1F
        elif byte in (0xDC, 0xDE):
            items = int.from_bytes(data[at:at + 2], "big") * (2 if byte == 0xDE else 1)
            at += 2
        elif byte in (0xDD, 0xDF):
            items = int.from_bytes(data[at:at + 4], "big") * (2 if byte == 0xDF else 1)
            at += 4
        elif byte in (0xC4, 0xD9):
            at += 1 + data[at]
        elif byte in (0xC5, 0xDA):
            at += 2 + int.from_bytes(data[at:at + 2], "big")
        elif byte in (0xC6, 0xDB):
            at += 4 + int.from_bytes(data[at:at + 4], "big")
        else:
            at += {0xCA: 4, 0xCB: 8, 0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8, 0xD0: 1, 0xD1: 2,
                   0xD2: 4, 0xD3: 8}.get(byte, 0)
            assert byte <= 0x7F or byte >= 0xE0 or byte in (0xC0, 0xC2, 0xC3) or \
                0xCA <= byte <= 0xD3, hex(byte)
        out += data[start:at]
        if items:
            stack.append(pending)
            pending = items
    return bytes(out), at


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
    assert version in (1, 2, 3, 4, 5), version
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
        if version == 5:                            # front-coded (store format 9)
            event["reasons"], at = _list(data, at)
        else:
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
    elif version == 5:                              # its words as two bytes (format 9)
        body, end = _unwords(data, at)
        assert end == len(data), (end, len(data))
        event["body"] = msgpack.unpackb(body, raw=False)
        if event["type"] == "":                     # a report's, with its topic
            assert event["topic"] == "", event
            event["type"] = "report"
        if event["topic"] == "":
            event["topic"] = "%s.%s" % (event["type"], event["body"]["source"])
    else:
        event["body"] = msgpack.unpackb(data[at:], raw=False)
    return event


def body_bytes(data):
    """The body of a record that keeps it (layout 1, or 5 with its words
    written out again): the msgpack bytes, as they came or went out."""
    data = bytes(data)
    _, version, at = _head(data)
    assert version in (1, 5), version
    return data[at:] if version == 1 else _unwords(data, at)[0]


def of_type(name):
    """A test of a stored record's bytes: is it an event of type `name`?"""
    return lambda data: decode(data)["type"] == name
