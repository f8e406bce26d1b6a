"""The error answers of the API, described once: each operation lists the ones it can give with `errors(...)`,
so the OpenAPI document says what a client really gets back.

| status | body | raised by |
|---|---|---|
| 400 | `ErrorOut` | a JSON body that does not parse (django-ninja) |
| 401 | `ErrorOut` | no bearer token, or one that is unknown, revoked or expired (every operation) |
| 403 | `ErrorOut`, `code` "denied" | `PermissionDenied`: the caller sees the object but may not do this |
| 404 | `ErrorOut` | `Http404`: no such object, or one outside the caller's scope (never a 403) |
| 422 | `InvalidOut` | `ValidationError` naming the field (and NUL characters, refused by a middleware) |
| 422 | `RuleViolationOut` | `RuleViolationError`: the rule engine refused, with each rule's stable code |
| 422 | `RequestInvalidOut` | the request does not fit the operation's parameters (django-ninja checks them) |

The handlers that write these bodies are in `zhiban/config/api.py`.
"""

from __future__ import annotations

from typing import Any, Literal

from ninja import Schema


class ErrorOut(Schema):
    """400, 401, 403 or 404: what went wrong, in words."""

    detail: str
    code: str | None = None


class InvalidOut(Schema):
    """422: bad input, the messages by field (`__all__` for the request as a whole)."""

    detail: list[str]
    code: Literal["invalid"]
    errors: dict[str, list[str]]


class ViolationOut(Schema):
    """One refusing finding of the rule engine: its stable code (`LEAVE-04.station_overlap_on_approval`), the
    message in Chinese and English (`zh`, `en`), and the citation of its rule."""

    code: str
    rule_id: str
    check: str
    severity: str
    message: dict[str, str]
    details: dict[str, Any]
    citation: dict[str, Any]


class RuleViolationOut(Schema):
    """422: the rule engine refused the change."""

    detail: list[str]
    code: Literal["rule_violation"]
    violations: list[ViolationOut]


class RequestErrorOut(Schema):
    """One parameter that does not fit: where (`["body", "payload", "day"]`), the kind of error and a message."""

    type: str
    loc: list[str | int]
    msg: str


class RequestInvalidOut(Schema):
    """422: the request does not fit the operation's parameters (a missing field, a wrong type)."""

    detail: list[RequestErrorOut]


Unprocessable = InvalidOut | RuleViolationOut | RequestInvalidOut

_BODIES: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: Unprocessable}


def errors(*codes: Literal[400, 403, 404, 422]) -> dict[int, Any]:
    """The error responses of an operation, for its `response={200: …, **errors(400, 404, 422)}`: 401 always
    (every operation needs a token), and the codes given."""
    return {code: _BODIES[code] for code in sorted({401, *codes})}
