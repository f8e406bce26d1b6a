"""Delivery channels: the inbox (always on) and email (opt-in); more register themselves here.

A channel turns one `OutboxMessage` into a delivery and returns the address it used. It raises
`PermanentDeliveryError` when retrying cannot help (no address on file) and any other exception
for a failure worth retrying (server down). The group robots (`zhiban/notify/robots.py`, channels of
a unit, not of people) and the SMS channel (`zhiban/notify/sms.py`) call `register_channel` from
their own modules, imported by `NotificationsConfig.ready`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhiban.core import clock
from zhiban.notify.models import Notification, OutboxMessage
from zhiban.org.selectors import person_for_user


class PermanentDeliveryError(Exception):
    """Delivery cannot succeed by trying again; the message fails at once."""


@dataclass(frozen=True)
class Channel:
    name: str
    label: str | Promise
    deliver: Callable[[OutboxMessage], str]
    always_on: bool = False
    default_enabled: bool = False
    # True when delivering is a database write: it commits together with marking the message sent,
    # so it happens exactly once. External channels are at-least-once (a crash between sending and
    # marking sends again), and they talk to the network outside any transaction.
    transactional: bool = False
    # Where this channel reaches a user (shown on the preferences page); None when not an address.
    address_of: Callable[[Any], str] | None = None
    # False for a unit's group robots: people neither choose them nor are sent messages on them.
    for_people: bool = True


_CHANNELS: dict[str, Channel] = {}


def register_channel(channel: Channel) -> Channel:
    _CHANNELS[channel.name] = channel
    return channel


def get_channel(name: str) -> Channel:
    try:
        return _CHANNELS[name]
    except KeyError:
        raise PermanentDeliveryError(f"unknown notification channel {name!r}") from None


def registered_channels() -> list[Channel]:
    return list(_CHANNELS.values())


def people_channels() -> list[Channel]:
    """The channels a message to a person can go on (and that people choose among)."""
    return [channel for channel in _CHANNELS.values() if channel.for_people]


def _recipient(message: OutboxMessage) -> Any:
    if message.recipient is None:
        raise PermanentDeliveryError(f"message {message.public_id} on {message.channel} has no recipient")
    return message.recipient


def deliver_to_inbox(message: OutboxMessage) -> str:
    Notification.objects.get_or_create(
        source=message,
        defaults={
            "recipient": _recipient(message),
            "subject": message.subject,
            "body": message.body,
            "link": message.link,
            "created_at": clock.now(),
        },
    )
    return "inbox"


def email_address_of(user: object) -> str:
    """The person's email from the organisation record, else the account's."""
    person = person_for_user(user)  # type: ignore[arg-type]
    if person is not None and person.email:
        return str(person.email)
    return str(getattr(user, "email", "") or "")


def absolute_link(link: str) -> str:
    base = str(getattr(settings, "ZHIBAN_BASE_URL", "")).rstrip("/")
    return f"{base}{link}" if link.startswith("/") else link


def deliver_by_email(message: OutboxMessage) -> str:
    recipient = _recipient(message)
    address = email_address_of(recipient)
    if not address:
        raise PermanentDeliveryError(f"{recipient.get_username()} has no email address on file")
    body = message.body
    if message.link:
        body = f"{body}\n\n{absolute_link(message.link)}" if body else absolute_link(message.link)
    email = EmailMessage(subject=message.subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address])
    mailers.default.send_messages([email])
    return address


INBOX = register_channel(
    Channel("inbox", _("Inbox"), deliver_to_inbox, always_on=True, default_enabled=True, transactional=True)
)
EMAIL = register_channel(Channel("email", _("Email"), deliver_by_email, address_of=email_address_of))
