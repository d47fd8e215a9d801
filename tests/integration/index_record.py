"""Read a `caseindex` record (PROTOCOL §7, store format 8): an enterprise's
early-warning window and its open cases, one record under its name."""

CATEGORIES = ("wage_arrears", "layoff", "social_insurance", "work_stoppage", "negotiation",
              "contract", "injury", "other")


def decode(value):
    """(the window record, or None; {category: case id}) of a stored value.
    Raises ValueError if it is not a record of format 8."""
    if len(value) < 3 or value[0] != 0xE8:
        raise ValueError("not a caseindex record of store format 8: %r" % value[:8])
    size = int.from_bytes(value[1:3], "big")
    if 3 + size > len(value):
        raise ValueError("window past the record's end")
    window, at, cases = (value[3:3 + size] or None), 3 + size, {}
    while at < len(value):
        if at + 2 > len(value) or value[at] >= len(CATEGORIES) or at + 2 + value[at + 1] > len(value):
            raise ValueError("a case cut short at byte %d" % at)
        cases[CATEGORIES[value[at]]] = value[at + 2:at + 2 + value[at + 1]].decode()
        at += 2 + value[at + 1]
    return window, cases
