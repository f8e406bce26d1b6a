"""Delivery channels: the inbox (always on) and email (opt-in); more register themselves here.

A channel turns one `OutboxMessage` into a delivery and returns the address it used. It raises
`PermanentDeliveryError` when retrying cannot help (no address on file) and any other exception
for a failure worth retrying (server down). Later channels — webhook robots, an SMS gateway —
call `register_channel` from their own module.
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


def deliver_to_inbox(message: OutboxMessage) -> str:
    Notification.objects.get_or_create(
        source=message,
        defaults={
            "recipient_id": message.recipient_id,
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
    address = email_address_of(message.recipient)
    if not address:
        raise PermanentDeliveryError(f"{message.recipient.get_username()} has no email address on file")
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
