"""Reads of notifications: a person sees only their own inbox, whoever they are."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.functional import Promise

from zhiban.accounts.models import User
from zhiban.notify.channels import registered_channels
from zhiban.notify.models import ChannelPreference, Notification


def _own(user: User | None) -> QuerySet[Notification]:
    if user is None or not user.is_authenticated or not user.is_active:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def notification_list(*, user: User | None, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first within each."""
    notifications = _own(user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.annotate(
        read_rank=Case(When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("read_rank", "-created_at", "-id")


def notification_get(*, user: User | None, public_id: str) -> Notification:
    """One of the user's notifications, or Notification.DoesNotExist (also for someone else's)."""
    return _own(user).get(public_id=public_id)


def unread_count(*, user: User | None) -> int:
    return _own(user).filter(read_at__isnull=True).count()


@dataclass(frozen=True)
class ChannelSetting:
    name: str
    label: str | Promise
    enabled: bool
    always_on: bool
    uses_address: bool
    address: str


def channel_settings(*, user: User) -> list[ChannelSetting]:
    """Each channel with whether the user receives it, for the preferences page."""
    chosen = dict(ChannelPreference.objects.filter(user=user).values_list("channel", "enabled"))
    return [
        ChannelSetting(
            name=channel.name,
            label=channel.label,
            enabled=channel.always_on or chosen.get(channel.name, channel.default_enabled),
            always_on=channel.always_on,
            uses_address=channel.address_of is not None,
            address=channel.address_of(user) if channel.address_of else "",
        )
        for channel in registered_channels()
    ]
