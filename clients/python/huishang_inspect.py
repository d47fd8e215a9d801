"""huishang_inspect - the Python client's calls for inspection (督查).

Part of huishang.Client (this file sits beside huishang.py, which takes
these methods in): the office drafts an inspection plan, the convener
approves or returns it, each unit's result is recorded with the
rectifications (整改) it asks, and each is reported done by its owner
(PROTOCOL.md §3.15):

    seq = client.draft_inspection("根治欠薪专项督查", ["hrss", "caoyang"],
                                  ["工资专户落实情况"], start, end)
    plan = "putuo-i%d" % seq
    client.decide_inspection(plan, approve=True)
    client.record_finding(plan, "hrss", "台账不全",
                          rectify=[{"owner": "hrss", "text": "补齐台账", "due": due}])
    client.report_rectified(plan + "-r1", source="hrss", note="已补齐")
"""

from huishang_checks import _complete, _integer, _text, _token, _units


class InspectionCalls:
    """The four inspection calls, each acknowledged; they raise Rejected
    with the daemon's reason (not_authorized, unknown_inspection,
    bad_state, not_invited, unknown_unit, bad_value)."""

    def draft_inspection(self, title, units, items, start, end, revise=None,
                         source="office", id=None, at=None):
        """The office drafts a plan: `units` (codes or short names of
        streets and agencies), `items` (texts checked), `start` < `end`
        (Unix ms). `revise`: the id of a returned plan this one revises.
        Returns its seq: the plan is "<district>-i<seq>"."""
        _text(title, "title", 256)
        units = [units] if isinstance(units, str) else list(units)
        _units({"units": units}, "units")
        items = [items] if isinstance(items, str) else list(items)
        if not items:
            raise ValueError("field 'items': a plan checks at least one item")
        for item in items:
            _text(item, "items", 1024)
        body = {"id": id or self._new_id(), "source": source, "title": title, "units": units,
                "items": items, "start": start, "end": end}
        _integer(body, "start", 1, 2 ** 62)
        _integer(body, "end", start + 1, 2 ** 62)
        if revise is not None:
            body["plan"] = revise
            _token(body, "plan")
        if at is not None:
            body["at"] = at
        return self._submit("inspect." + source, _complete(body))

    def decide_inspection(self, plan, approve=True, note=None, source="convener", id=None,
                          at=None):
        """The convener approves a drafted plan, or returns it
        (approve=False) with a note saying why."""
        body = {"id": id or self._new_id(), "source": source, "plan": plan,
                "decision": "approve" if approve else "return"}
        _token(body, "plan")
        if note is not None:
            _text(note, "note", 4096)
            body["note"] = note
        elif not approve:
            raise ValueError("field 'note': a plan returned says why")
        if at is not None:
            body["at"] = at
        return self._submit("inspectplan." + source, _complete(body))

    def record_finding(self, plan, unit, findings, rectify=(), source="office", id=None,
                       at=None):
        """A unit's result on an approved plan, with the rectifications it
        asks: maps {owner, text, due (Unix ms, in the future)}; they are
        "<plan>-r<n>", numbered over the plan in the order recorded."""
        body = {"id": id or self._new_id(), "source": source, "plan": plan, "unit": unit,
                "findings": findings, "rectify": []}
        _token(body, "plan")
        _token(body, "unit")
        _text(findings, "findings", 4096)
        for item in rectify:
            item = {"owner": item["owner"], "text": item["text"], "due": item["due"]}
            _token(item, "owner")
            _text(item["text"], "text", 1024)
            _integer(item, "due", 1, 2 ** 62)
            body["rectify"].append(item)
        if at is not None:
            body["at"] = at
        return self._submit("finding." + source, _complete(body))

    def report_rectified(self, item, source, note=None, id=None, at=None):
        """A rectification ("<plan>-r<n>") is done, said by its owner (or
        the office): it is chased no more."""
        body = {"id": id or self._new_id(), "source": source, "item": item}
        _token(body, "item")
        if note is not None:
            _text(note, "note", 4096, empty=True)
            body["note"] = note
        if at is not None:
            body["at"] = at
        return self._submit("rectified." + source, _complete(body))
