"""A duty desk for the handling tests (issue 13): one real huishangd, the
people of the mechanism submitting reports, updates and acts through the
acknowledged submit endpoint (PROTOCOL §1.1), and a dashboard subscribed to
everything it publishes, kept by seq as subscribers must (§4.1).

Every wait is bounded (WAIT_S): a daemon that does not do what the contract
says makes a test fail, never hang."""

import os
import time

from harness import Daemon, credit_code, local_ms, now_ms, replay_all, report

DISTRICT = "putuo"
# under valgrind (make memcheck: HS_DAEMON_WRAP) everything is far slower
WAIT_S = 60.0 if os.environ.get("HS_DAEMON_WRAP") else 10.0
HOUR_MS = 3600 * 1000
LEVELS = ("general", "significant", "major", "critical")
ROLES = ("office", "convener", "vice_convener", "district", "city")


def enterprise(serial, name=None):
    """Keyword arguments of report() for one enterprise of a test: a valid
    credit code made from `serial` (0-99999) and a name."""
    body = "9131010%05dMA1H0" % serial
    return {"code": credit_code(body[:17]), "name": name or "会商测试企业%05d有限公司" % serial}


class Desk:
    """A started daemon (drill clock if asked), a submitter, a watcher."""

    def __init__(self, time_start=None, time_scale=None, folder=None, prefixes=("",)):
        args = []
        if time_start:
            args += ["--time-start", time_start]
        if time_scale:
            args += ["--time-scale", str(time_scale)]
        self.daemon = Daemon(folder=folder, extra_args=args)
        self.time_start = time_start
        self.prefixes = prefixes
        self.seen = {}                  # seq -> (topic, body), each event once
        self.sub = self.watch = None
        self.serial = 0

    # -- life ------------------------------------------------------------------
    def __enter__(self):
        self.daemon.start()
        self.connect()
        return self

    def __exit__(self, *exc):
        self.disconnect()
        self.daemon.cleanup()
        return False

    def connect(self):
        self.sub = self.daemon.submitter()
        self.watch = self.daemon.watcher(self.prefixes)

    def disconnect(self):
        for sock in (self.sub, self.watch):
            if sock is not None:
                sock.close()
        self.sub = self.watch = None

    def kill9_and_restart(self):
        """kill -9, then the same daemon on the same store and arguments."""
        self.pump(50)
        self.disconnect()
        self.daemon.kill9()
        self.daemon.start()
        self.connect()

    # -- time --------------------------------------------------------------------
    def at(self):
        """An `at` for a body: the drill's start (never ahead of the daemon's
        clock), or the real clock."""
        return local_ms(self.time_start) if self.time_start else now_ms()

    def clock(self):
        """The daemon's clock reading (health `at`)."""
        return self.daemon.health()["at"]

    # -- submitting --------------------------------------------------------------
    def next_id(self, prefix):
        self.serial += 1
        return "%s-%d" % (prefix, self.serial)

    def submit(self, body, topic):
        """(status, reply) of one acknowledged message, within WAIT_S."""
        return self.sub.submit(body, topic, deadline_s=WAIT_S)

    def report(self, **fields):
        fields.setdefault("rid", self.next_id("r"))
        fields.setdefault("at", self.at())
        body = report(**fields)
        return self.submit(body, "report." + body["source"])

    def update(self, source, case, status, **extra):
        body = {"v": 1, "id": extra.pop("id", None) or self.next_id("u"), "source": source,
                "at": self.at(), "case": case, "status": status}
        body.update(extra)
        return self.submit(body, "update." + source)

    def act(self, source, case, act, **extra):
        body = {"v": 1, "id": extra.pop("id", None) or self.next_id("a"), "source": source,
                "at": self.at(), "case": case, "act": act}
        body.update(extra)
        return self.submit(body, "act." + source)

    def open_case(self, **fields):
        """Report and return the id of the case it opened (its `new` alert)."""
        fields.setdefault("rid", self.next_id("open"))
        seq = ok(self.report(**fields))
        new = self.wait(lambda: [b for b in self.alerts(kind="new")
                                 if b.get("report") == fields["rid"]],
                        "a new alert for report %s" % fields["rid"])
        assert new[0]["case"] == "%s-%d" % (DISTRICT, seq), (new[0], seq)
        return new[0]["case"]

    # -- watching ----------------------------------------------------------------
    def pump(self, quiet_ms=0):
        """Take what has arrived (waiting up to quiet_ms for the first)."""
        wait = quiet_ms
        while self.watch is not None:
            message = self.watch.recv(wait)
            if message is None:
                return
            topic, body = message
            if isinstance(body, dict) and body.get("seq"):
                self.seen.setdefault(body["seq"], (topic, body))
            wait = 0

    def settle(self, quiet_ms=400):
        """Everything published until quiet_ms pass with nothing new."""
        deadline = time.time() + WAIT_S
        while time.time() < deadline:
            before = len(self.seen)
            self.pump(quiet_ms)
            if len(self.seen) == before:
                return

    def published(self, prefix=""):
        """(topic, body) of everything seen, in seq order."""
        return [self.seen[seq] for seq in sorted(self.seen) if self.seen[seq][0].startswith(prefix)]

    def alerts(self, case=None, kind=None, **match):
        """Alert bodies seen, in seq order, of a case and kind if given, and
        with the given keys equal (unit="justice", clock="sign")."""
        out = []
        for topic, body in self.published("alert."):
            if case is not None and body.get("case") != case:
                continue
            if kind is not None and body.get("kind") != kind:
                continue
            if all(body.get(key) == value for key, value in match.items()):
                out.append(body)
        return out

    def wait(self, probe, what, timeout=WAIT_S):
        """Pump until probe() is truthy; returns its value."""
        deadline = time.time() + timeout
        while True:
            value = probe()
            if value:
                return value
            if time.time() > deadline:
                raise AssertionError("timed out (%.0fs) waiting for %s; seen %d events: %s"
                                     % (timeout, what, len(self.seen), kinds(self)))
            self.pump(50)

    def replayed(self):
        """Every published event through the api (PROTOCOL §6.3), by seq."""
        return {e["seq"]: (e["topic"], e["body"]) for e in replay_all(self.daemon)}

    # -- the api -----------------------------------------------------------------
    def case(self, case_id):
        """The case record as the api's `case` gives it."""
        return self.daemon.case(case_id)["case"]

    def history(self, case_id):
        """Every event record of the case's history, all pages."""
        out, start = [], None
        for _ in range(1000):
            args = {"id": case_id}
            if start is not None:
                args["from"] = start
            status, body = self.daemon.request_args("case", args)
            assert status == "ok", body
            out += body["history"]
            start = body.get("next")
            if not start:
                return out
        raise AssertionError("history of %s never ended" % case_id)

    def cases(self, **filters):
        status, body = self.daemon.request_args("cases", filters)
        assert status == "ok", body
        return body


# -- acks ----------------------------------------------------------------------
def ok(ack):
    """The seq of an `ok` ack (PROTOCOL §1.1)."""
    status, reply = ack
    assert status == "ok", ack
    assert isinstance(reply.get("seq"), int) and reply["seq"] > 0, ack
    return reply["seq"]


def refused(ack, code):
    """A `rejected` ack with this reason code."""
    status, reply = ack
    assert status == "rejected" and reply.get("reason") == code, ("want %s" % code, ack)


# -- the case record -----------------------------------------------------------
def handler(record, unit):
    """The handler map of a unit on the case (issue 13), or None."""
    for item in record.get("handlers") or []:
        if item.get("unit") == unit:
            return item
    return None


def handler_units(record):
    return [item["unit"] for item in record.get("handlers") or []]


def clock(item, name):
    """One clock (`sign`, `progress`, `resolve`) of a handler map, or None."""
    for entry in (item or {}).get("clocks") or []:
        if entry.get("clock") == name:
            return entry
    return None


def running_clocks(record):
    """(unit, clock) of every clock of the case that is not stopped."""
    return [(item["unit"], entry["clock"]) for item in record.get("handlers") or []
            for entry in item.get("clocks") or [] if entry.get("next")]


def at_least(level, floor):
    return LEVELS.index(level) >= LEVELS.index(floor)


def kinds(desk):
    """A short summary of what was seen, for failure messages."""
    out = []
    for topic, body in desk.published()[-30:]:
        out.append("%s:%s" % (topic, body.get("kind", "")))
    return " ".join(out)
