"""Writes on notifications: `notify()` for other services, reading and channel choices for people.

`notify()` writes outbox rows in the caller's transaction and does not audit: the caller's service
records the change it reports. The worker delivers the rows after commit (`zhiban.notify.delivery`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhiban.accounts.models import User
from zhiban.core import audit, clock
from zhiban.notify.channels import PermanentDeliveryError, get_channel, registered_channels
from zhiban.notify.models import ChannelPreference, Notification, OutboxMessage
from zhiban.org.models import Person

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
) -> list[OutboxMessage]:
    """Queue a message to each recipient on each channel they receive (of `channels`, default all).

    Runs in the caller's transaction: if it rolls back, nothing is sent. With a `dedupe_key`, a
    recipient already sent this key on a channel is not sent it again.
    """
    subject = _clean_subject(subject)
    link = _check_link(link)
    requested = [channel.name for channel in registered_channels()] if channels is None else list(channels)
    known = {channel.name for channel in registered_channels()}
    if unknown := [name for name in requested if name not in known]:
        raise ValidationError({"channels": f"unknown notification channel(s): {', '.join(unknown)}"})
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
    receives = enabled_channels(users, requested)
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
