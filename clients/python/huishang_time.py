"""Times and freshness for the huishang Python client (issue 15).

Every time a person reads is the district's wall time (huishang.cfg
`calendar/utc_offset`; Asia/Shanghai, +08:00, shipped), whatever the
machine's TZ: `district_time()` formats, `parse_time()` reads. And the
daemon's heartbeat (`hs.heartbeat`, PROTOCOL.md §4.18): `Heartbeats` says
when none has come for three intervals, which `Client.subscribe()` turns
into `Unavailable`.
"""

import datetime
import re
import time

DISTRICT_OFFSET_MS = 8 * 3600 * 1000        # calendar/utc_offset shipped: Asia/Shanghai
HEARTBEAT_TOPIC = "hs.heartbeat"
HEARTBEAT_MISSED = 3                        # beats missed before the daemon is not answering
HEARTBEAT_MS = 2000                         # server/heartbeat shipped, until a beat says

_TIME = re.compile(r"^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d))?)?"
                   r"(?: ?(Z|[+-]\d\d:\d\d))?$")


def zone(offset_ms=None):
    """The district's zone as a datetime.timezone (+08:00 by default)."""
    offset = DISTRICT_OFFSET_MS if offset_ms is None else offset_ms
    return datetime.timezone(datetime.timedelta(milliseconds=offset))


def label(offset_ms=None):
    """'+08:00' for the district's zone."""
    minutes = (DISTRICT_OFFSET_MS if offset_ms is None else offset_ms) // 60000
    sign = "-" if minutes < 0 else "+"
    return "%s%02d:%02d" % (sign, abs(minutes) // 60, abs(minutes) % 60)


def district_time(ms, offset_ms=None, zoned=True):
    """Unix ms as 'YYYY-MM-DD HH:MM:SS +08:00' in the district's zone."""
    moment = datetime.datetime.fromtimestamp(ms / 1000, tz=zone(offset_ms))
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    return "%s %s" % (text, label(offset_ms)) if zoned else text


def parse_time(text, offset_ms=None):
    """'YYYY-MM-DD', 'YYYY-MM-DD HH:MM[:SS]' or with 'T', in the district's
    zone unless it ends with its own ('Z', '+08:00'): Unix ms. ValueError
    if it is none of these."""
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError("not a time: %r (YYYY-MM-DD[THH:MM[:SS]][+HH:MM])" % text)
    year, month, day, hour, minute, second, own = match.groups()
    tz = zone(offset_ms)
    if own == "Z":
        tz = datetime.timezone.utc
    elif own:
        sign = -1 if own[0] == "-" else 1
        tz = datetime.timezone(sign * datetime.timedelta(hours=int(own[1:3]),
                                                         minutes=int(own[4:6])))
    moment = datetime.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                               int(second or 0), tzinfo=tz)
    return int(moment.timestamp() * 1000)


class Heartbeats:
    """Is the daemon answering? Told each hs.heartbeat body; stale once no
    beat came for HEARTBEAT_MISSED intervals (counted from the start until
    the first)."""

    def __init__(self, interval_ms=HEARTBEAT_MS):
        self.interval_ms = interval_ms
        self.heard = time.monotonic()
        self.wall = int(time.time() * 1000)     # the last beat's `wall`, or the start
        self.last = None

    def beat(self, body):
        self.last = body
        self.heard = time.monotonic()
        self.wall = body.get("wall", int(time.time() * 1000))
        if body.get("interval_ms", 0) > 0:
            self.interval_ms = body["interval_ms"]

    def wait_ms(self):
        """Milliseconds until it would be stale (0: it is)."""
        left = HEARTBEAT_MISSED * self.interval_ms - (time.monotonic() - self.heard) * 1000
        return max(0, int(left))

    def stale(self):
        return self.wait_ms() == 0

    def silence(self):
        """'no heartbeat from the daemon for N s (since HH:MM:SS +08:00)'."""
        return "no heartbeat from the daemon for %d s (since %s)" % (
            time.monotonic() - self.heard, district_time(self.wall)[11:])
