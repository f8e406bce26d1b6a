"""Reads of notifications: a person sees only their own inbox, whoever they are; the group robots, SMS gateways and
undelivered robot and SMS messages of a unit are seen by those who manage it (`unit_scope(user, "manage")`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.functional import Promise

from zhiban.accounts.models import User
from zhiban.notify.channels import people_channels
from zhiban.notify.models import ChannelPreference, Notification, OutboxMessage, UnitChannel
from zhiban.notify.robots import ROBOT_KINDS
from zhiban.notify.sms import SMS
from zhiban.org.models import Unit
from zhiban.org.scopes import UnitScope, restrict_units, unit_scope


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
        for channel in people_channels()
    ]


def managed_units(*, user: User | None) -> QuerySet[Unit]:
    """The units whose robots and gateway the user configures."""
    return restrict_units(Unit.objects.all(), user, "manage")


def manages_any_unit(user: User | None) -> bool:
    return not unit_scope(user, "manage").empty


def unit_channel_list(*, user: User | None) -> QuerySet[UnitChannel]:
    """The robots and gateways of the units the user manages."""
    return UnitChannel.objects.filter(unit_scope(user, "manage").q("unit__path")).select_related("unit")


def unit_channel_get(*, user: User | None, public_id: str) -> UnitChannel:
    """One of them, or UnitChannel.DoesNotExist (also for another unit's: a 404, never a 403)."""
    return unit_channel_list(user=user).get(public_id=public_id)


ProblemState = Literal["failed", "retrying", "all"]


def _problem_scope(scope: UnitScope) -> Q:
    """Robot messages of the units in scope, and SMS messages to their people."""
    robots = Q(robot__isnull=False)
    texts = Q(channel=SMS.name, recipient__isnull=False)
    if scope.everything:
        return robots | texts
    if scope.empty:
        return Q(pk__in=[])
    return (robots & scope.q("robot__unit__path")) | (texts & scope.q("recipient__person__unit__path"))


def delivery_problem_list(*, user: User | None, state: ProblemState = "all") -> QuerySet[OutboxMessage]:
    """Robot and SMS messages that failed for good, or failed and wait for another attempt (or are being tried
    again), newest first, for the units the user manages."""
    failed = Q(status=OutboxMessage.Status.FAILED)
    retrying = Q(status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.RUNNING]) & ~Q(last_error="")
    wanted = {"failed": failed, "retrying": retrying, "all": failed | retrying}[state]
    return (
        OutboxMessage.objects.filter(channel__in=[*ROBOT_KINDS, SMS.name])
        .filter(wanted)
        .filter(_problem_scope(unit_scope(user, "manage")))
        .select_related("robot__unit", "recipient__person__unit")
        .order_by("-created_at", "-id")
    )


def delivery_problem_get(*, user: User | None, public_id: str) -> OutboxMessage:
    return delivery_problem_list(user=user).get(public_id=public_id)
