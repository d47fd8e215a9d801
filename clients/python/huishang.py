"""huishang - a Python client for huishangd, for feeder scripts and dashboards.

Two modules (this one and huishang_inspect.py), Debian's python3-zmq and
python3-msgpack only. It speaks the
daemon's wire protocol (protocol/PROTOCOL.md, HSWP/1):

    import huishang
    client = huishang.Client()                       # the daemon's default endpoints
    seq = client.submit_report(id="r-17", source="street.caoyang",
                               enterprise={"name": "上海某某制衣有限公司"},
                               category="wage_arrears", workers=35)
    for topic, body in client.subscribe(["alert."], since=1):
        print(topic, body["case"], body["level"])

People acting on a case (PROTOCOL.md §3.5, §3.12) have a method each, all
acknowledged: a handler signs, returns, updates and resolves; the office
closes, sends back, regrades, merges, splits, mutes and reroutes:

    client.sign("putuo-1", source="hrss")
    client.resolve("putuo-1", source="hrss", note="工资已发放")
    client.close_case("putuo-1", note="审核通过")

The office guides the streets with work prompts (工作提示), which each
street signs for (签收), or it is chased:

    seq = client.issue_prompt("欠薪排查", "各街镇排查辖区工地", streets=["caoyang", "wanli"])
    client.sign_prompt("putuo-p%d" % seq, source="street.caoyang")

Inspection plans (督查方案), their results and rectifications (整改) have
four calls of their own, in huishang_inspect.py beside this file:
draft_inspection(), decide_inspection(), record_finding(), report_rectified().

Reports and updates are checked here, field by field, before they are sent,
so a mistake is a clear ValueError naming the field, not a rejection counted
at the daemon. publish_*() is fire and forget (the ingest socket); submit_*()
waits until the daemon has stored the message and returns its seq, sending
the same bytes again until it is answered (the ZeroMQ guide's Lazy Pirate):
the daemon stores a message once by its (source, id). submit_many() keeps
a window of submits in flight, for a feeder with many to send:

    results = client.submit_many(reports, window=500)   # in order
"""

import os
import time

import msgpack
import zmq
import zmq.auth

from huishang_inspect import InspectionCalls    # inspection (督查): the module beside this one
from huishang_checks import (  # noqa: F401  (the checks: the module beside this one)
    ACTS, ACT_COMMON, ACT_FIELDS, CATEGORIES, FLAGS, LEVELS, OWNERSHIPS, PROTOCOL_VERSION,
    REPORT_FIELDS, STATUSES, UPDATE_FIELDS, _common, _complete, _fail, _flags, _integer,
    _now_ms, _one_of, _person, _text, _token, _units, check_act, check_report, check_update)
from huishang_errors import (  # noqa: F401  (the exceptions: the module beside this one)
    ApiError, BadRequest, HuishangError, NotFound, Rejected, Revoked, StoreError, Submitted,
    Unavailable, UnknownCommand, api_error)
from huishang_time import HEARTBEAT_TOPIC, Heartbeats, district_time, parse_time  # noqa: F401

__all__ = ["Client", "HuishangError", "Rejected", "HuishangRejected", "Unavailable",
           "ApiError", "NotFound", "BadRequest", "UnknownCommand", "Revoked", "Submitted",
           "check_report", "check_update", "check_act", "LEVELS", "CATEGORIES", "OWNERSHIPS",
           "FLAGS", "STATUSES", "ACTS", "district_time", "parse_time"]

DEFAULTS = {
    "ingest": "tcp://127.0.0.1:5570",
    "publish": "tcp://127.0.0.1:5571",
    "api": "tcp://127.0.0.1:5572",
    "submit": "tcp://127.0.0.1:5573",
}



HuishangRejected = Rejected


# ---------------------------------------------------------------------------
# The client

class Client(InspectionCalls):
    """One daemon's four endpoints. `curve`, when given, is a dict with the
    paths of this unit's secret certificate (`cert`, from `huishang keygen`)
    and of the daemon's public one (`server_cert`): every socket then uses
    CurveZMQ."""

    def __init__(self, ingest=None, submit=None, publish=None, api=None, timeout=2.5,
                 retries=20, curve=None, context=None, deadline=10.0):
        self.endpoints = dict(DEFAULTS)
        for name, value in (("ingest", ingest), ("submit", submit), ("publish", publish),
                            ("api", api)):
            if value:
                self.endpoints[name] = value
        self.timeout = timeout
        self.retries = retries
        self.deadline = deadline                # a submit gives up after this long in all
        self.ctx = context or zmq.Context.instance()
        self._curve = None
        if curve:
            public, secret = zmq.auth.load_certificate(curve["cert"])
            server, _ = zmq.auth.load_certificate(curve["server_cert"])
            self._curve = (public, secret, server)
        self._pub = None

    # sockets ---------------------------------------------------------------

    def _socket(self, kind):
        sock = self.ctx.socket(kind)
        sock.setsockopt(zmq.LINGER, 0)
        if self._curve:
            sock.curve_publickey, sock.curve_secretkey, sock.curve_serverkey = self._curve
        return sock

    def close(self):
        """Close the publisher, after what it holds has gone (up to the
        timeout). (close_case() closes a case.)"""
        if self._pub is not None:
            self._pub.setsockopt(zmq.LINGER, int(self.timeout * 1000))
            self._pub.close()
            self._pub = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # sending ---------------------------------------------------------------

    def _publish(self, topic, body):
        if self._pub is None:
            # an XPUB, so that we can wait until the daemon has subscribed:
            # a PUB drops what it sends before that.
            self._pub = self._socket(zmq.XPUB)
            self._pub.connect(self.endpoints["ingest"])
            if not self._pub.poll(int(self.timeout * 1000)):
                raise Unavailable("no daemon at %s" % self.endpoints["ingest"])
            self._pub.recv()
        self._pub.send_multipart([topic.encode(), msgpack.packb(body, use_bin_type=True)])

    def _submit(self, topic, body):
        result = self._pipeline([[topic.encode(), msgpack.packb(body, use_bin_type=True)]], 1)[0]
        if isinstance(result, Rejected):
            raise result
        return result

    def _pipeline(self, messages, window):
        """Submit [topic, body] frame pairs with up to `window` in flight on
        one DEALER (PROTOCOL.md §1.1): each goes as [tag, b"", topic, body]
        and the daemon echoes the tag. Lazy Pirate per message: one with no
        answer after `timeout` is sent again (same bytes); if nothing at all
        comes back for `timeout`, a fresh socket and every outstanding one
        again (the one before is still read until the next: what it sent may
        have reached a daemon only just up). Returns a Submitted or a Rejected per message, in order;
        raises Unavailable once one is past `deadline` (or `retries`)."""
        count, window = len(messages), max(1, int(window))
        results = [None] * count
        tries, first, due = [0] * count, [0.0] * count, [0.0] * count
        pending = set()
        endpoint = self.endpoints["submit"]
        sock = previous = None

        def fresh():
            nonlocal sock, previous
            if previous is not None:
                previous.close()
            previous = sock
            sock = self._socket(zmq.DEALER)
            sock.setsockopt(zmq.SNDHWM, 2 * window + 16)
            sock.setsockopt(zmq.RCVHWM, 2 * window + 16)
            sock.connect(endpoint)

        def give_up(index):
            error = Unavailable("no answer from %s after %d tries in %.1f s"
                                % (endpoint, tries[index], self.deadline))
            error.results = results
            raise error

        def send(index, now):
            if tries[index] > self.retries or now - first[index] >= self.deadline:
                give_up(index)
            try:
                sock.send_multipart([index.to_bytes(8, "big"), b""] + messages[index], zmq.NOBLOCK)
            except zmq.Again:
                pass                                # a full queue: sent again when due
            tries[index] += 1
            due[index] = now + self.timeout

        def answer(frames, now):
            if len(frames) != 4 or len(frames[0]) != 8 or frames[1]:
                return
            index = int.from_bytes(frames[0], "big")
            if index not in pending:
                return                              # answered already: it was sent again
            status, reply = frames[2].decode(), msgpack.unpackb(frames[3], raw=False)
            if status in ("ok", "duplicate"):
                results[index] = Submitted(reply["seq"], status == "duplicate")
            elif status == "rejected":
                results[index] = Rejected(reply.get("reason"), reply.get("detail"))
            else:
                due[index] = now + self.timeout / 4  # "error": its store, for now
                return
            pending.discard(index)

        fresh()
        oldest = following = 0
        heard = time.monotonic()
        try:
            while oldest < count:
                now = time.monotonic()
                while following < count and following - oldest < window:
                    if not pending:
                        heard = now                 # silence is counted from here
                    first[following] = now
                    pending.add(following)
                    send(following, now)
                    following += 1
                wake = min([heard + self.timeout] + [min(due[i], first[i] + self.deadline)
                                                     for i in pending])
                ready = []
                if pending:
                    poller = zmq.Poller()
                    for each in (sock, previous):
                        if each is not None:
                            poller.register(each, zmq.POLLIN)
                    ready = [each for each, _ in poller.poll(max(0, int((wake - now) * 1000)))]
                if ready:
                    heard = now = time.monotonic()
                for each in ready:
                    while True:
                        try:
                            frames = each.recv_multipart(zmq.NOBLOCK)
                        except zmq.Again:
                            break
                        answer(frames, now)
                now = time.monotonic()
                for index in pending:
                    if now - first[index] >= self.deadline:
                        give_up(index)
                if pending and now - heard >= self.timeout:
                    fresh()                         # nothing at all came back
                    heard = now
                    for index in sorted(pending):
                        send(index, now)
                else:
                    for index in sorted(i for i in pending if due[i] <= now):
                        send(index, now)
                while oldest < following and oldest not in pending:
                    oldest += 1
        finally:
            for each in (sock, previous):
                if each is not None:
                    each.close()
        return results

    def submit_many(self, messages, window=500):
        """Submit many messages with up to `window` in flight (PROTOCOL.md
        §1.1), each sent again until answered as submit_report() does.
        `messages`: report bodies (dicts), or ("report" | "update", body)
        pairs; all are checked (ValueError) before any is sent. Returns one
        result per message, in order: a Submitted (its seq; `duplicate`
        when it had been stored before) or a Rejected (not raised: the
        others still count). Raises Unavailable once a message has had no
        answer for `deadline` seconds; its `results` holds what was known
        (None for the rest). `window` 1 sends one at a time."""
        frames = []
        for message in messages:
            kind, body = message if isinstance(message, (tuple, list)) else ("report", message)
            if kind not in ("report", "update"):
                raise ValueError("submit_many takes reports and updates, not %r" % (kind,))
            body = _complete(dict(body))
            (check_report if kind == "report" else check_update)(body)
            frames.append([("%s.%s" % (kind, body["source"])).encode(),
                           msgpack.packb(body, use_bin_type=True)])
        return self._pipeline(frames, window)

    def publish_report(self, body=None, **fields):
        """Send a report, fire and forget. `v` and `at` are filled in."""
        body = _complete(dict(body or {}, **fields))
        check_report(body)
        self._publish("report." + body["source"], body)

    def publish_update(self, body=None, **fields):
        body = _complete(dict(body or {}, **fields))
        check_update(body)
        self._publish("update." + body["source"], body)

    def submit_report(self, body=None, **fields):
        """Send a report and wait until it is stored; returns its seq, a
        Submitted (an int) whose `duplicate` is True when it had been sent
        before (the seq is then the original's). Raises Rejected."""
        body = _complete(dict(body or {}, **fields))
        check_report(body)
        return self._submit("report." + body["source"], body)

    def submit_update(self, body=None, **fields):
        body = _complete(dict(body or {}, **fields))
        check_update(body)
        return self._submit("update." + body["source"], body)

    # handling a case (PROTOCOL.md §3.5, §3.12) ---------------------------
    #
    # Each is acknowledged: it returns the seq the daemon stored it under
    # (the original's, if this id was sent before) and raises Rejected with
    # the daemon's code (`not_routed`, `bad_state`, `not_authorized`, ...)
    # when it refuses. `id` defaults to a new unique one per call; pass your
    # own to make a retry of yours idempotent too. `person`: who in the unit
    # did it (a name, as "张伟"), kept in the case's history and its alerts.

    def _new_id(self):
        self._ids = getattr(self, "_ids", 0) + 1
        return "py-%d-%d-%d" % (os.getpid(), _now_ms(), self._ids)

    def _handle_update(self, case, source, status, id=None, **fields):
        body = {"id": id or self._new_id(), "source": source, "case": case, "status": status}
        body.update({k: list(v) if k == "flags" else v for k, v in fields.items()
                     if v is not None})
        return self.submit_update(body)

    def _act(self, act, case, source, id=None, **fields):
        body = _complete({"id": id or self._new_id(), "source": source, "case": case,
                          "act": act})
        body.update({k: v for k, v in fields.items() if v is not None})
        check_act(body)
        return self._submit("act." + source, body)

    def sign(self, case, source, note=None, id=None, person=None):
        """A handler signs for the case (签收)."""
        return self._handle_update(case, source, "signed", id, person=person, note=note)

    def return_case(self, case, source, reason, id=None, person=None):
        """A handler returns the case (退单); `reason` goes as the note."""
        return self._handle_update(case, source, "returned", id, person=person, note=reason)

    def update(self, case, source, status, note=None, workers=None, amount=None, flags=None,
               id=None, person=None):
        """A unit's progress (进展), with new facts if any: the case keeps the
        largest workers and amount and the union of flags."""
        return self._handle_update(case, source, status, id, person=person, note=note,
                                   workers=workers, amount=amount, flags=flags)

    def resolve(self, case, source, note, id=None, person=None):
        """A handler's part is done (办结); the lead's sends the case to review."""
        return self._handle_update(case, source, "resolved", id, person=person, note=note)

    def close_case(self, case, note=None, source="office", id=None, person=None):
        """The office closes a resolved case after review (审核办结), as
        `huishang close` does. (close() closes the client's sockets.)"""
        return self._act("close", case, source, id, person=person, note=note)

    def reject_closure(self, case, reason, source="office", id=None, person=None):
        """The office sends a resolved case back to its lead (退回)."""
        return self._act("reject_closure", case, source, id, person=person, reason=reason)

    def followup(self, case, source, satisfied, note=None, id=None, person=None):
        """The return visit (回访) of a closed case; not satisfied re-opens it.
        `satisfied`: True or False (or "yes" / "no")."""
        satisfied = {"yes": True, "no": False}.get(satisfied, satisfied)
        return self._act("followup", case, source, id, person=person, satisfied=satisfied,
                         note=note)

    def action_done(self, item, source, note=None, id=None, at=None):
        """A meeting's action item (督办事项, `<meeting>-a<n>`) is done, as
        `huishang done` says it. `at`: when (Unix ms; default now)."""
        body = _complete({"id": id or self._new_id(), "source": source, "item": item,
                          **({"at": at} if at is not None else {})})
        if note is not None:
            body["note"] = note
        return self._submit("action." + source, body)

    def call_meeting(self, kind, time, place, agenda, source=None, cases=None, id=None,
                     at=None, proposals=None):
        """Call a meeting (call.<unit>): `kind` "office" (办公室会议, by the
        office) or "plenary" (全体会议, by the convener), meeting at `time`
        (Unix ms, daemon clock) in `place`, on `agenda` (a list of texts);
        `proposals`: the ids of the proposals (重大问题及对策建议) it discusses."""
        source = source or ("convener" if kind == "plenary" else "office")
        body = {"id": id or self._new_id(), "source": source, "kind": kind, "time": time,
                "place": place, "agenda": list(agenda)}
        if cases:
            body["cases"] = list(cases)
        if proposals:
            _units({"proposals": list(proposals)}, "proposals")
            body["proposals"] = list(proposals)
        if at is not None:
            body["at"] = at
        return self._submit("call." + source, _complete(body))

    def record_minutes(self, meeting, decisions=None, passed=(), rejected=(), cases=None,
                       actions=None, note=None, source="office", id=None, at=None):
        """The minutes (会议纪要) of `meeting` (minutes.<unit>): `decisions`
        (texts), `actions` (maps {owner, text, due, case}); the proposals it
        `passed` (sent upward) and those it did not (`rejected`: closed)."""
        body = {"id": id or self._new_id(), "source": source, "meeting": meeting}
        _token(body, "meeting")
        for field, value in (("decisions", decisions), ("cases", cases), ("actions", actions)):
            if value:
                body[field] = list(value)
        decided = [{"id": p, "passed": True} for p in passed]
        decided += [{"id": p, "passed": False} for p in rejected]
        if decided:
            _units({"proposals": [d["id"] for d in decided]}, "proposals")
            body["proposals"] = decided
        if note is not None:
            body["note"] = note
        if at is not None:
            body["at"] = at
        return self._submit("minutes." + source, _complete(body))

    # major problems and policy proposals (重大问题及对策建议, PROTOCOL.md §3.14)

    def propose(self, title, text, cases=None, due=None, kind="proposal", source="office",
                id=None, at=None):
        """The office drafts a major problem (kind "problem") or policy
        proposal; it is circulated to the member units for their opinions by
        `due` (Unix ms, daemon clock; default rules.cfg proposals/opinions
        from now). Returns its seq: the proposal is "<district>-j<seq>"."""
        _text(title, "title", 256)
        _text(text, "text", 4096)
        _one_of(kind, "kind", ("problem", "proposal"))
        body = {"id": id or self._new_id(), "source": source, "kind": kind, "title": title,
                "text": text}
        if cases:
            _units({"cases": list(cases)}, "cases")
            body["cases"] = list(cases)
        if due is not None:
            _integer({"due": due}, "due", 946684800000, 2 ** 62)
            body["due"] = due
        if at is not None:
            body["at"] = at
        return self._submit("proposal." + source, _complete(body))

    def give_opinion(self, proposal, source, opinion, note=None, id=None, at=None):
        """A member unit's opinion on a proposal: "agree" or "amend" (with a
        `note`: what to change). Raises Rejected: not_invited (not asked),
        bad_state (answered already, or decided), unknown_proposal."""
        _one_of(opinion, "opinion", ("agree", "amend"))
        body = {"id": id or self._new_id(), "source": source, "proposal": proposal,
                "opinion": opinion}
        _token(body, "proposal")
        if note is not None:
            _text(note, "note", 1024, empty=True)
            body["note"] = note
        elif opinion == "amend":
            _fail("note", "an amendment needs a note: what to change")
        if at is not None:
            body["at"] = at
        return self._submit("opinion." + source, _complete(body))

    # work prompts (工作提示, PROTOCOL.md §3.13) ------------------------------

    def issue_prompt(self, title, guidance, streets="streets", cases=None, due=None,
                     source="office", id=None, at=None):
        """The office issues a work prompt with its guidance (指导意见) to
        `streets` (a list of street codes or short names, or one; "streets"
        or "all": every street), about `cases` (ids) if given; each street signs for it by
        `due` (Unix ms on the daemon's clock; default rules.cfg prompts/sign
        from now). Returns its seq: the prompt is "<district>-p<seq>"
        (health()["district"])."""
        _text(title, "title", 256)
        _text(guidance, "guidance", 4096)
        if streets in ("streets", "all"):
            streets = "streets"
        else:
            streets = [streets] if isinstance(streets, str) else list(streets)
            _units({"streets": streets}, "streets")
        body = {"id": id or self._new_id(), "source": source, "title": title,
                "guidance": guidance, "streets": streets}
        if cases:
            _units({"cases": list(cases)}, "cases")
            body["cases"] = list(cases)
        if due is not None:
            _integer({"due": due}, "due", 946684800000, 2 ** 62)
            body["due"] = due
        if at is not None:
            body["at"] = at
        return self._submit("prompt." + source, _complete(body))

    def sign_prompt(self, prompt, source, note=None, id=None, at=None):
        """A street signs for a work prompt (签收, `<district>-p<n>`): it is
        chased no more. Raises Rejected: not_invited (the prompt does not
        name it), bad_state (signed already), unknown_prompt."""
        body = {"id": id or self._new_id(), "source": source, "prompt": prompt}
        _token(body, "prompt")
        if note is not None:
            _text(note, "note", 4096, empty=True)
            body["note"] = note
        if at is not None:
            body["at"] = at
        return self._submit("promptsign." + source, _complete(body))

    def regrade(self, case, level, reason, source="office", id=None, person=None):
        """Set the case's level, up or down."""
        return self._act("regrade", case, source, id, person=person, level=level, reason=reason)

    def merge(self, case, into, reason=None, source="office", id=None, person=None):
        """`case` is the same dispute as `into`, which absorbs it."""
        return self._act("merge", case, source, id, person=person, into=into, reason=reason)

    def split(self, case, report, reason=None, source="office", id=None, person=None):
        """The report stored under seq `report` becomes a case of its own."""
        return self._act("split", case, source, id, person=person, report=int(report),
                         reason=reason)

    def mute(self, case, until, reason, source="office", id=None, person=None):
        """Hold the case's supervision notices until `until`: ms on the
        daemon's clock, or a datetime.timedelta from the daemon's now (its
        health's `at`: a drill's clock is not ours)."""
        if hasattr(until, "total_seconds"):
            until = self.health()["at"] + int(until.total_seconds() * 1000)
        return self._act("mute", case, source, id, person=person, until=until, reason=reason)

    def unmute(self, case, reason=None, source="office", id=None, person=None):
        return self._act("unmute", case, source, id, person=person, reason=reason)

    def reroute(self, case, reason, add=None, remove=None, lead=None, source="office",
                id=None, person=None):
        """Add and remove handlers, name the lead (主办)."""
        return self._act("reroute", case, source, id, person=person, reason=reason,
                         add=list(add) if add else None, remove=list(remove) if remove else None,
                         lead=lead)

    def insist(self, case, unit, reason, source="office", id=None, person=None):
        """A unit that returned the case is to handle it after all."""
        return self._act("insist", case, source, id, person=person, unit=unit, reason=reason)

    # the api ---------------------------------------------------------------

    def request(self, command, args=None):
        """One api request; returns the reply's body, raises HuishangError."""
        sock = self._socket(zmq.REQ)
        try:
            sock.connect(self.endpoints["api"])
            frames = [command.encode()]
            if args is not None:
                frames.append(msgpack.packb(args, use_bin_type=True))
            sock.send_multipart(frames)
            if not sock.poll(int(self.timeout * 1000)):
                raise Unavailable("no answer from %s" % self.endpoints["api"])
            status, body = sock.recv_multipart()
        finally:
            sock.close()
        body = msgpack.unpackb(body, raw=False)
        if status != b"ok":
            raise api_error(body, command)      # {error, code}: PROTOCOL.md §6.1
        return body

    def health(self):
        return self.request("health")

    def metrics(self):
        return self.request("metrics")["text"]

    def case(self, case_id):
        """{case, history} of one case: the whole history, however many
        pages the daemon sends it in (each reply's `next` is where the
        following page starts)."""
        answer = self.request("case", {"id": case_id})
        page = answer
        while page.get("next"):
            page = self.request("case", {"id": case_id, "from": page["next"]})
            answer["history"] += page["history"]
        answer.pop("next", None)
        return answer

    def cases(self, **filters):
        """Cases matching level, street, unit, status, overdue, since, until
        (limit: at most 1000); newest first."""
        wanted = filters.get("limit", 100)
        page = self.request("cases", filters)
        found = page["cases"]
        # a page may hold fewer than asked (the daemon's reply budget):
        # go on from its `next` until the limit or the end
        while page.get("next") and len(found) < wanted:
            page = self.request("cases", dict(filters, before=page["next"],
                                              limit=wanted - len(found)))
            found += page["cases"]
        return found

    def filed(self, since=0, until=0):
        """[(case id, filed ms)] of the cases filed (归档) in [since, until)
        (daemon ms; 0: no bound), in the order filed, every page."""
        found, after = [], None
        for _ in range(100000):
            args = {"since": since, "until": until, "limit": 1000}
            if after:
                args["after"] = after
            page = self.request("filed", args)
            found += [(entry["case"], entry["filed"]) for entry in page["cases"]]
            after = page.get("next")
            if not after:
                break
        return found

    def meeting(self, meeting_id):
        """A meeting's record: its invited units and their answers, its action items."""
        return self.request("meeting", {"id": meeting_id})["meeting"]

    def replay(self, since=1):
        """Every published (seq, topic, body) from `since` on, page by page."""
        while True:
            page = self.request("replay", {"since": since, "limit": 1000})
            for event in page["events"]:
                yield event["seq"], event["topic"], event["body"]
            since = page["next"]
            if since > page["last"]:
                return

    # subscribing -----------------------------------------------------------

    def subscribe(self, prefixes=("",), since=None, timeout=None, heartbeats=False):
        """Yield (topic, body) as the daemon publishes, for topics starting
        with one of `prefixes`. With `since`, first every stored event from
        that seq on, then the live stream: no gap, no duplicate (the guide's
        Clone pattern, PROTOCOL.md §6.4). `timeout` (seconds): stop after
        that long without a message; None: never. No hs.heartbeat for three
        intervals (6 s shipped, §4.18) raises Unavailable; `heartbeats`
        True yields the beats too."""
        sub = self._socket(zmq.SUB)
        sub.setsockopt(zmq.RCVHWM, 0)
        for prefix in prefixes:
            sub.setsockopt(zmq.SUBSCRIBE, prefix.encode())
        sub.setsockopt(zmq.SUBSCRIBE, b"hs.hello")
        sub.setsockopt(zmq.SUBSCRIBE, HEARTBEAT_TOPIC.encode())
        pulse = Heartbeats()
        sub.connect(self.endpoints["publish"])
        last = 0
        try:
            if since is not None:
                token = "py-%d-%d" % (os.getpid(), time.monotonic_ns())
                for attempt in range(100):
                    self.request("hello", {"token": token})
                    if self._hello_seen(sub, token):
                        break
                else:
                    raise Unavailable("the subscription never became live")
                last = since - 1
                for seq, topic, body in self.replay(since):
                    last = seq
                    if topic.startswith(tuple(prefixes)):
                        yield topic, body
            quiet_until = None if timeout is None else time.monotonic() + timeout
            while True:
                wait = pulse.wait_ms()
                if quiet_until is not None:
                    wait = min(wait, max(0, int((quiet_until - time.monotonic()) * 1000)))
                if not sub.poll(wait):
                    if pulse.stale():
                        raise Unavailable(pulse.silence())
                    if quiet_until is not None and time.monotonic() >= quiet_until:
                        return
                    continue
                topic, data = sub.recv_multipart()
                topic = topic.decode()
                if topic == "hs.hello":
                    continue
                body = msgpack.unpackb(data, raw=False)
                if topic == HEARTBEAT_TOPIC:
                    pulse.beat(body)
                    if heartbeats:
                        yield topic, body
                    continue
                if timeout is not None:
                    quiet_until = time.monotonic() + timeout
                seq = body.get("seq", 0)
                if seq and seq <= last:
                    continue                        # the replay gave it already
                last = max(last, seq)
                yield topic, body
        finally:
            sub.close()

    @staticmethod
    def _hello_seen(sub, token):
        deadline = time.monotonic() + 0.1
        while sub.poll(max(0, int((deadline - time.monotonic()) * 1000))):
            topic, data = sub.recv_multipart()
            if topic == b"hs.hello" and msgpack.unpackb(data, raw=False).get("token") == token:
                return True
        return False
