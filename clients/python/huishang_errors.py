"""The exceptions of the huishang client, one class per kind of refusal.

The api answers an error as {v, error, code} (PROTOCOL.md §6.1): `code` is a
reason code, `error` one line of explanation. ApiError keeps both; the class
tells what went wrong in Python's own terms, so callers can catch the
builtin they already know:

    NotFound       (LookupError)      unknown_case, unknown_meeting, ...
    BadRequest     (ValueError)       bad_type, bad_value, missing_field, ...
    UnknownCommand (BadRequest)       unknown_command: a daemon older than the client
    Revoked        (PermissionError)  revoked: this certificate is no longer allowed
    Unavailable    (ConnectionError)  no answer in the time allowed

A submit's refusal is Rejected (`reason`, `detail`, PROTOCOL.md §5).
"""


class HuishangError(Exception):
    """Anything the daemon answered that was not success."""


class Rejected(HuishangError):
    """The daemon refused the message for good: `reason` is its code."""

    def __init__(self, reason, detail):
        super().__init__("%s: %s" % (reason, detail))
        self.reason = reason
        self.detail = detail


class Unavailable(HuishangError, ConnectionError):
    """No answer from the daemon within the time allowed (or, subscribed,
    no heartbeat for three intervals)."""


class ApiError(HuishangError):
    """An api request answered `error`: `code` (a reason code) and `error`
    (the daemon's explanation)."""

    def __init__(self, code, error, command=None):
        super().__init__("%s: %s" % (code, error))
        self.code = code
        self.error = error
        self.command = command


class NotFound(ApiError, LookupError):
    """The case, meeting, prompt, ... asked for does not exist."""


class BadRequest(ApiError, ValueError):
    """An argument the daemon would not take (missing, of the wrong type,
    out of range), or an arguments frame it could not read."""


class UnknownCommand(BadRequest):
    """The daemon does not know the command."""


class Revoked(ApiError, PermissionError):
    """The connection's certificate has been removed (§6.7)."""


class StoreError(ApiError, OSError):
    """The daemon could not read its store."""


_BY_CODE = {"unknown_command": UnknownCommand, "revoked": Revoked, "store": StoreError,
            "missing_field": BadRequest, "bad_type": BadRequest, "bad_value": BadRequest,
            "malformed": BadRequest, "not_a_map": BadRequest, "too_large": BadRequest}


def api_error(body, command=None):
    """The exception for an api error reply's body."""
    code = body.get("code") or "unknown"
    text = body.get("error") or ""
    if code in _BY_CODE:
        cls = _BY_CODE[code]
    elif code.startswith("unknown_"):
        cls = NotFound
    else:
        cls = ApiError
    return cls(code, text, command)


class Submitted(int):
    """A submit's answer: the seq the daemon stored the message under (an
    int, as before), and `duplicate`: True when this (source, id) had been
    stored already, so the seq is the first one's and nothing new was stored."""

    def __new__(cls, seq, duplicate=False):
        self = super().__new__(cls, seq)
        self.duplicate = bool(duplicate)
        return self

    def __repr__(self):
        return "Submitted(%d%s)" % (int(self), ", duplicate=True" if self.duplicate else "")
