"""The SMS channel (短信) through a unit's SMS gateway (短信网关): a generic adapter over HTTP, both ways.

Out: a person's message goes to the nearest enabled gateway configured on their unit or a unit above it, as
`POST <gateway address>` with `Authorization: Bearer <secret>` and the JSON `{"to", "text", "message_id"}`. A 2xx
answer means the gateway took it; 5xx, 408, 429 or no connection are retried with backoff; any other answer fails
the message at once.

In: the gateway forwards a reply as `POST /inbox/sms/<gateway id>/replies/` with the JSON
`{"from", "text", "received_at"?, "id"?}`, signed with the same secret: `X-Zhiban-Timestamp: <unix seconds>` and
`X-Zhiban-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{raw body}")>`, at most five minutes old. The
sender is found by mobile number among the active people of the gateway's unit subtree, and the text is offered to
the reply handlers other apps register (`register_sms_reply_handler`) until one takes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from zhiban.notify.channels import Channel, PermanentDeliveryError, absolute_link, register_channel
from zhiban.notify.models import OutboxMessage, UnitChannel
from zhiban.notify.outbound import post_json, raise_for_http_status
from zhiban.org.models import Person, Unit
from zhiban.org.selectors import person_for_user

SIGNATURE_HEADER = "X-Zhiban-Signature"
TIMESTAMP_HEADER = "X-Zhiban-Timestamp"
MAX_SKEW = dt.timedelta(minutes=5)
MAX_TEXT = 500  # characters; the gateway splits a long text into parts

ReplyHandler = Callable[[Person, str, dt.datetime], bool]
_REPLY_HANDLERS: list[ReplyHandler] = []


def register_sms_reply_handler(handler: ReplyHandler) -> ReplyHandler:
    """Offer every SMS reply to `handler(person, text, received_at) -> bool`; it returns True when it took the reply.

    Handlers are asked in the order they registered, until one takes the reply; they run in the transaction that
    records the reply, so what they write commits with it. Register from `AppConfig.ready()`; registering twice is
    harmless. Usable as a decorator.
    """
    if handler not in _REPLY_HANDLERS:
        _REPLY_HANDLERS.append(handler)
    return handler


def unregister_sms_reply_handler(handler: ReplyHandler) -> None:
    if handler in _REPLY_HANDLERS:
        _REPLY_HANDLERS.remove(handler)


def sms_reply_handlers() -> list[ReplyHandler]:
    return list(_REPLY_HANDLERS)


def handler_name(handler: ReplyHandler) -> str:
    return f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', repr(handler))}"[:200]


def normalise_phone(raw: str) -> str:
    """Digits only, without China's country code: `+86 138-0013-8000` and `13800138000` are one number."""
    digits = re.sub(r"\D", "", str(raw))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix) :]
    return digits


def gateway_for(unit: Unit) -> UnitChannel | None:
    """The enabled SMS gateway of `unit`, else of the nearest unit above it that has one."""
    chain = [int(part) for part in unit.path.split(".") if part]
    gateways = {
        gateway.unit_id: gateway
        for gateway in UnitChannel.objects.filter(
            kind=UnitChannel.Kind.SMS_GATEWAY, enabled=True, unit_id__in=chain
        ).select_related("unit")
    }
    return next((gateways[unit_id] for unit_id in reversed(chain) if unit_id in gateways), None)


def sms_address_of(user: object) -> str:
    person = person_for_user(user)  # type: ignore[arg-type]
    return str(person.mobile) if person is not None and person.mobile else ""


def sms_text(subject: str, body: str, link: str) -> str:
    text = "\n".join(part for part in (subject, body, absolute_link(link) if link else "") if part)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def deliver_by_sms(message: OutboxMessage) -> str:
    if message.recipient is None:
        raise PermanentDeliveryError(f"message {message.public_id} has no recipient")
    person = person_for_user(message.recipient)
    phone = normalise_phone(person.mobile) if person is not None else ""
    if person is None or not phone:
        raise PermanentDeliveryError(f"{message.recipient.get_username()} has no mobile number on file")
    gateway = gateway_for(person.unit)
    if gateway is None:
        raise PermanentDeliveryError(f"no SMS gateway is configured for {person.unit.name} or a unit above it")
    reply = post_json(
        gateway.url,
        {"to": phone, "text": sms_text(message.subject, message.body, message.link), "message_id": message.public_id},
        headers={"Authorization": f"Bearer {gateway.secret}"},
    )
    raise_for_http_status(reply)
    return phone


def reply_signature(secret: str, timestamp: str, body: bytes) -> str:
    """What the gateway sends in `X-Zhiban-Signature` for a reply forwarded at `timestamp` (unix seconds)."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class ReplyRefused(Exception):
    """A forwarded reply that is not believed: unknown or disabled gateway, bad or stale signature."""


def verify_reply(gateway: UnitChannel, *, timestamp: str, signature: str, body: bytes, now: dt.datetime) -> None:
    """Raise `ReplyRefused` unless `signature` is the gateway's, over this body, made within `MAX_SKEW` of now."""
    if not gateway.secret:
        raise ReplyRefused(f"the gateway {gateway.public_id} has no secret to check signatures with")
    try:
        sent_at = dt.datetime.fromtimestamp(int(timestamp), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise ReplyRefused("no valid timestamp") from None
    expected = reply_signature(gateway.secret, timestamp, body)
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", errors="replace")):
        raise ReplyRefused("the signature does not match")
    if abs(now - sent_at) > MAX_SKEW:
        raise ReplyRefused("the signature is too old or from the future")


def person_for_phone(gateway: UnitChannel, phone: str) -> Person | None:
    """The one active person of the gateway's unit subtree with this mobile number; None when none or several."""
    wanted = normalise_phone(phone)
    if len(wanted) < 5:
        return None
    candidates = (
        Person.objects.filter(is_active=True, unit__path__startswith=gateway.unit.path)
        .exclude(mobile="")
        .values_list("pk", "mobile")
    )
    matches = [pk for pk, mobile in candidates if normalise_phone(mobile) == wanted]
    if len(matches) != 1:
        return None
    return Person.objects.select_related("unit", "user").get(pk=matches[0])


SMS = register_channel(Channel("sms", _("SMS"), deliver_by_sms, address_of=sms_address_of))
