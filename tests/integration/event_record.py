"""Read a stored event record (PROTOCOL §7, store format 4) into the map the
api shows a case's history as: an independent reader of the documented
layout, for tests that look at the `events` table with python3-lmdb. A record
of an older store (a msgpack map) is read as it is."""

import msgpack

LEVELS = ["general", "significant", "major", "critical"]


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


def decode(data):
    data = bytes(data)
    if data[0] != 0xC1:
        return msgpack.unpackb(data, raw=False)
    version, at = _uvarint(data, 1)
    assert version == 1, version
    event = {"v": 1}
    event["seq"], at = _uvarint(data, at)
    event["at"], at = _ivarint(data, at)
    event["type"], at = _text(data, at)
    event["topic"], at = _text(data, at)
    case, at = _text(data, at)
    if case:
        event["case"] = case
    level, at = _ivarint(data, at)
    rest = msgpack.Unpacker(raw=False)
    if level >= 0:
        event["level"] = LEVELS[level]
        tag, at = _uvarint(data, at)
        if tag == 1:
            event["rules_version"], at = data[at:at + 20].hex(), at + 20
        else:
            event["rules_version"], at = _text(data, at)
        rest.feed(data[at:])
        event["reasons"] = rest.unpack()
    else:
        rest.feed(data[at:])
    event["body"] = rest.unpack()
    return event


def of_type(name):
    """A test of a stored record's bytes: is it an event of type `name`?"""
    return lambda data: decode(data)["type"] == name
