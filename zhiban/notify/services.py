"""Writes on notifications: `notify()` and `notify_unit()` for other services, reading and channel choices for
people, the group robots and SMS gateways of units, and the replies that come back by SMS.

`notify()` and `notify_unit()` write outbox rows in the caller's transaction and do not audit: the caller's service
records the change it reports. The worker delivers the rows after commit (`zhiban.notify.delivery`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhiban.accounts.models import User
from zhiban.core import audit, clock
from zhiban.notify import sms
from zhiban.notify.channels import PermanentDeliveryError, get_channel, people_channels
from zhiban.notify.models import ChannelPreference, Notification, OutboxMessage, SmsReply, UnitChannel
from zhiban.notify.outbound import check_url, mask_secret, mask_url
from zhiban.notify.robots import ROBOT_KINDS
from zhiban.org.models import Person, Unit
from zhiban.org.scopes import unit_scope

logger = logging.getLogger("zhiban.notify")

SUBJECT_MAX = 200


def _recipient_users(recipients: Iterable[User | Person]) -> list[User]:
    """Accounts to notify: people are reached through their account; inactive accounts are skipped."""
    users: dict[int, User] = {}
    for recipient in recipients:
        user = recipient.user if isinstance(recipient, Person) else recipient
        if user is not None and user.is_active:
            users[user.pk] = user
    return list(users.values())


def _clean_subject(subject: str) -> str:
    subject = " ".join(str(subject).split())
    if not subject:
        raise ValidationError({"subject": "a notification needs a subject"})
    return subject if len(subject) <= SUBJECT_MAX else subject[: SUBJECT_MAX - 1] + "…"


def _check_link(link: str) -> str:
    link = str(link).strip()
    if link and not (link.startswith("/") and not link.startswith("//")):
        raise ValidationError({"link": f"a notification link must be a path on this site, not {link!r}"})
    return link


def enabled_channels(users: list[User], requested: list[str]) -> dict[int, list[str]]:
    """For each user, the requested channels they receive: always-on ones, and the others if chosen."""
    chosen = {
        (user_id, channel): enabled
        for user_id, channel, enabled in ChannelPreference.objects.filter(
            user__in=users, channel__in=requested
        ).values_list("user_id", "channel", "enabled")
    }
    result: dict[int, list[str]] = {}
    for user in users:
        result[user.pk] = [
            name
            for name in requested
            if get_channel(name).always_on or chosen.get((user.pk, name), get_channel(name).default_enabled)
        ]
    return result


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User | Person],
    subject: str,
    body: str = "",
    link: str = "",
    channels: Iterable[str] | None = None,
    dedupe_key: str = "",
    mandatory: bool = False,
) -> list[OutboxMessage]:
    """Queue a message to each recipient on each channel they receive (of `channels`, default all).

    Runs in the caller's transaction: if it rolls back, nothing is sent. With a `dedupe_key`, a
    recipient already sent this key on a channel is not sent it again. `mandatory` sends on every
    channel named in `channels` whatever the person chose: for what a regulation requires to reach
    them there (a spot check by SMS), never for news.
    """
    subject = _clean_subject(subject)
    link = _check_link(link)
    requested = [channel.name for channel in people_channels()] if channels is None else list(channels)
    known = {channel.name for channel in people_channels()}
    if unknown := [name for name in requested if name not in known]:
        raise ValidationError({"channels": f"unknown notification channel(s): {', '.join(unknown)}"})
    if mandatory and channels is None:
        raise ValidationError({"channels": "a mandatory notification names its channels"})
    users = _recipient_users(recipients)
    if not users or not requested:
        return []
    already: set[tuple[int, str]] = set()
    if dedupe_key:
        already = set(
            OutboxMessage.objects.filter(recipient__in=users, dedupe_key=dedupe_key).values_list(
                "recipient_id", "channel"
            )
        )
    now = clock.now()
    receives = {user.pk: requested for user in users} if mandatory else enabled_channels(users, requested)
    messages = [
        OutboxMessage(
            recipient=user,
            channel=name,
            subject=subject,
            body=str(body),
            link=link,
            created_at=now,
            next_attempt_at=now,
            max_attempts=settings.NOTIFY_MAX_ATTEMPTS,
            dedupe_key=dedupe_key,
        )
        for user in users
        for name in receives[user.pk]
        if (user.pk, name) not in already
    ]
    return OutboxMessage.objects.bulk_create(messages)


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (already read: nothing changes)."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.recipient_id != actor.pk:
        raise PermissionDenied("only the recipient may mark a notification read")
    if notification.read_at is not None:
        return notification
    notification.read_at = clock.now()
    notification.save(update_fields=["read_at"])
    audit.record(
        actor=actor,
        action="notify.notification.read",
        object_type="notification",
        object_id=notification.public_id,
        after={"read_at": notification.read_at},
    )
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: User) -> int:
    """Mark all of the actor's unread notifications read; returns how many."""
    unread = Notification.objects.select_for_update().filter(recipient=actor, read_at__isnull=True)
    ids = list(unread.values_list("id", flat=True))
    if not ids:
        return 0
    now = clock.now()
    Notification.objects.filter(id__in=ids).update(read_at=now)
    audit.record(
        actor=actor,
        action="notify.notification.read_all",
        object_type="user",
        object_id=actor.public_id,
        after={"read_at": now, "count": len(ids)},
    )
    return len(ids)


@transaction.atomic
def channel_preference_set(*, actor: User, user: User, channel: str, enabled: bool) -> ChannelPreference:
    """A person turns a channel on or off for themselves; the inbox cannot be turned off."""
    if actor.pk != user.pk:
        raise PermissionDenied("people choose their own notification channels")
    try:
        found = get_channel(channel)
    except PermanentDeliveryError as error:
        raise ValidationError({"channel": str(error)}) from error
    if not found.for_people:
        raise ValidationError({"channel": f"the {channel} channel belongs to units, not people"})
    if found.always_on:
        raise ValidationError({"channel": f"the {channel} channel is always on"})
    preference = ChannelPreference.objects.select_for_update().filter(user=user, channel=channel).first()
    before = preference.enabled if preference else found.default_enabled
    if preference is not None and preference.enabled == enabled:
        return preference
    if preference is None:
        preference = ChannelPreference(user=user, channel=channel)
    preference.enabled, preference.updated_at = enabled, clock.now()
    preference.save()
    audit.record(
        actor=actor,
        action="notify.preference.update",
        object_type="user",
        object_id=user.public_id,
        before={channel: before},
        after={channel: enabled},
    )
    return preference


@transaction.atomic
def notify_unit(
    *,
    unit: Unit,
    subject: str,
    body: str = "",
    link: str = "",
    dedupe_key: str = "",
    include_ancestors: bool = False,
) -> list[OutboxMessage]:
    """Queue a message to each enabled group robot of `unit` (企业微信 / 钉钉 / 飞书 群机器人).

    Only the unit's own robots, unless `include_ancestors`: then also those of every unit above it (a station's
    notice in the department's and the organisation's groups too). Runs in the caller's transaction: if it rolls
    back, nothing is sent. With a `dedupe_key`, a robot already sent this key is not sent it again. A unit without
    robots gets nothing; that is not an error.
    """
    subject = _clean_subject(subject)
    link = _check_link(link)
    units = [int(part) for part in unit.path.split(".") if part] if include_ancestors else [unit.pk]
    robots = list(UnitChannel.objects.filter(unit_id__in=units, kind__in=ROBOT_KINDS, enabled=True).order_by("id"))
    if dedupe_key:
        already = set(
            OutboxMessage.objects.filter(robot__in=robots, dedupe_key=dedupe_key).values_list("robot_id", flat=True)
        )
        robots = [robot for robot in robots if robot.pk not in already]
    now = clock.now()
    messages = [
        OutboxMessage(
            robot=robot,
            channel=robot.kind,
            subject=subject,
            body=str(body),
            link=link,
            created_at=now,
            next_attempt_at=now,
            max_attempts=settings.NOTIFY_MAX_ATTEMPTS,
            dedupe_key=dedupe_key,
        )
        for robot in robots
    ]
    return OutboxMessage.objects.bulk_create(messages)


def _require_manage(actor: User | None, unit: Unit) -> None:
    """Only someone who manages the unit configures its robots and gateway (None: the command line, the system)."""
    if actor is not None and not unit_scope(actor, "manage").contains(unit):
        raise PermissionDenied(f"you do not manage the unit {unit.name}")


def unit_channel_summary(channel: UnitChannel) -> dict[str, Any]:
    """What the audit trail and the pages may show: never the secret, and the address without its token."""
    return {
        "unit": channel.unit.public_id,
        "kind": channel.kind,
        "label": channel.label,
        "url": mask_url(channel.url),
        "secret": mask_secret(channel.secret),
        "enabled": channel.enabled,
    }


def _clean_channel(*, unit: Unit, kind: str, label: str, url: str, secret: str, enabled: bool, pk: int | None) -> str:
    if kind not in UnitChannel.Kind.values:
        raise ValidationError({"kind": f"unknown kind {kind!r}"})
    label = " ".join(str(label).split())
    if not label:
        raise ValidationError({"label": "a robot or gateway needs a name"})
    if len(label) > 60:
        raise ValidationError({"label": "at most 60 characters"})
    try:
        check_url(url)
    except ValueError as error:
        raise ValidationError({"url": str(error)}) from None
    if len(url) > 500:
        raise ValidationError({"url": "at most 500 characters"})
    if len(secret) > 200:
        raise ValidationError({"secret": "at most 200 characters"})
    if kind == UnitChannel.Kind.WECOM and secret:
        raise ValidationError({"secret": "a WeCom robot does not sign its messages; its key is in the address"})
    if kind == UnitChannel.Kind.SMS_GATEWAY and not secret:
        raise ValidationError({"secret": "an SMS gateway needs a secret: it is the bearer token and signs replies"})
    others = UnitChannel.objects.filter(unit=unit)
    if pk is not None:
        others = others.exclude(pk=pk)
    if others.filter(label=label).exists():
        raise ValidationError({"label": f"{unit.name} already has a channel named {label}"})
    if kind == UnitChannel.Kind.SMS_GATEWAY and enabled and others.filter(kind=kind, enabled=True).exists():
        raise ValidationError({"enabled": f"{unit.name} already has an enabled SMS gateway; disable it first"})
    return label


@transaction.atomic
def unit_channel_create(
    *,
    actor: User | None,
    unit: Unit,
    kind: str,
    label: str,
    url: str,
    secret: str = "",
    enabled: bool = True,
) -> UnitChannel:
    """Configure a group robot or the SMS gateway of a unit."""
    _require_manage(actor, unit)
    Unit.objects.select_for_update().get(pk=unit.pk)  # two administrators adding a gateway at once: one waits
    url, secret = str(url).strip(), str(secret).strip()
    label = _clean_channel(unit=unit, kind=kind, label=label, url=url, secret=secret, enabled=enabled, pk=None)
    now = clock.now()
    channel = UnitChannel.objects.create(
        unit=unit, kind=kind, label=label, url=url, secret=secret, enabled=enabled, created_at=now, updated_at=now
    )
    audit.record(
        actor=actor,
        action="notify.unit_channel.create",
        object_type="unit_channel",
        object_id=channel.public_id,
        after=unit_channel_summary(channel),
    )
    return channel


@transaction.atomic
def unit_channel_update(
    *,
    actor: User | None,
    channel: UnitChannel,
    label: str | None = None,
    url: str | None = None,
    secret: str | None = None,
    enabled: bool | None = None,
) -> UnitChannel:
    """Change a robot or gateway. `None` (and an empty `url`) keeps a value, so a form need not show the address or
    the secret to keep them; `secret=""` removes the secret. Disabling is `enabled=False`: rows are never deleted."""
    channel = UnitChannel.objects.select_for_update().select_related("unit").get(pk=channel.pk)
    _require_manage(actor, channel.unit)
    before = unit_channel_summary(channel)
    new_url = str(url).strip() if url else channel.url
    new_secret = channel.secret if secret is None else str(secret).strip()
    new_enabled = channel.enabled if enabled is None else enabled
    new_label = _clean_channel(
        unit=channel.unit,
        kind=channel.kind,
        label=channel.label if label is None else label,
        url=new_url,
        secret=new_secret,
        enabled=new_enabled,
        pk=channel.pk,
    )
    url_changed, secret_changed = new_url != channel.url, new_secret != channel.secret
    if not (url_changed or secret_changed or (new_label, new_enabled) != (channel.label, channel.enabled)):
        return channel
    channel.label, channel.url, channel.secret, channel.enabled = new_label, new_url, new_secret, new_enabled
    channel.updated_at = clock.now()
    channel.save(update_fields=["label", "url", "secret", "enabled", "updated_at"])
    # A new address or secret may end as the old one did, so the masked summary alone may not show the change.
    after = {**unit_channel_summary(channel), "url_changed": url_changed, "secret_changed": secret_changed}
    audit.record(
        actor=actor,
        action="notify.unit_channel.update",
        object_type="unit_channel",
        object_id=channel.public_id,
        before=before,
        after=after,
    )
    return channel


def message_unit(message: OutboxMessage) -> Unit | None:
    """The unit whose administrators answer for a robot's or an SMS message: the robot's, or the recipient's."""
    if message.robot is not None:
        return message.robot.unit
    person = getattr(message.recipient, "person", None) if message.recipient is not None else None
    return person.unit if isinstance(person, Person) else None


@transaction.atomic
def outbox_message_retry(*, actor: User | None, message: OutboxMessage) -> OutboxMessage:
    """Send a FAILED robot or SMS message again, with a fresh set of attempts (after its robot or gateway was
    fixed). Its last error stays until a delivery succeeds."""
    message = (
        OutboxMessage.objects.select_for_update(of=("self",))  # PostgreSQL locks no side of an outer join
        .select_related("robot__unit", "recipient__person__unit")
        .get(pk=message.pk)
    )
    unit = message_unit(message)
    if message.channel not in (*ROBOT_KINDS, sms.SMS.name) or unit is None:
        raise PermissionDenied("only robot and SMS messages are sent again from here")
    _require_manage(actor, unit)
    if message.status != OutboxMessage.Status.FAILED:
        raise ValidationError({"status": "only a message that failed is sent again"})
    before = {"status": message.status, "attempts": message.attempts}
    message.status, message.attempts, message.next_attempt_at = OutboxMessage.Status.PENDING, 0, clock.now()
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit.record(
        actor=actor,
        action="notify.message.retry",
        object_type="outbox_message",
        object_id=message.public_id,
        before=before,
        after={"status": message.status, "attempts": 0, "channel": message.channel},
    )
    return message


class UnknownSender(Exception):
    """No single active person of the gateway's units has the number a reply came from."""


@transaction.atomic
def sms_reply_receive(
    *, gateway: UnitChannel, phone: str, text: str, received_at: dt.datetime, external_id: str = ""
) -> tuple[SmsReply, bool]:
    """Record a reply forwarded by a verified gateway and offer it to the reply handlers until one takes it.

    Returns the reply and whether it is new: a gateway forwarding the same id again gets the first one back and no
    handler runs twice. The handlers run in this transaction, so their writes and the record commit together.
    """
    gateway = UnitChannel.objects.select_for_update().select_related("unit").get(pk=gateway.pk)
    external_id = str(external_id)[:100]
    if external_id:
        seen = SmsReply.objects.filter(gateway=gateway, external_id=external_id).first()
        if seen is not None:
            return seen, False
    person = sms.person_for_phone(gateway, phone)
    if person is None:
        raise UnknownSender(f"no single active person of {gateway.unit.name} has the number {phone}")
    text = str(text)[:2000]
    handled_by = ""
    for handler in sms.sms_reply_handlers():
        if handler(person, text, received_at):
            handled_by = sms.handler_name(handler)
            break
    reply = SmsReply.objects.create(
        gateway=gateway,
        external_id=external_id,
        phone=sms.normalise_phone(phone),
        person=person,
        text=text,
        received_at=received_at,
        handled_by=handled_by,
    )
    audit.record(
        actor=person.user if person.user_id else f"sms:{reply.phone}",
        action="notify.sms_reply.receive",
        object_type="sms_reply",
        object_id=reply.public_id,
        after={
            "gateway": gateway.public_id,
            "person": person.public_id,
            "text": text,
            "received_at": received_at,
            "handled_by": handled_by or None,
        },
    )
    return reply, True
