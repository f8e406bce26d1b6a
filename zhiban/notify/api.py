"""API: the caller's own inbox — list, mark one read, mark all read; and, for those who manage units, their group
robots and SMS gateways (address and secret masked) and the robot and SMS messages that were not delivered."""

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from zhiban.core.api_errors import errors
from zhiban.core.pagination import BoundedPagination
from zhiban.notify import selectors, services
from zhiban.notify.models import Notification, OutboxMessage, UnitChannel
from zhiban.notify.outbound import mask_secret, mask_url

router = Router(tags=["inbox"])


class NotificationOut(Schema):
    public_id: str
    subject: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class MarkedOut(Schema):
    marked: int


class UnitChannelOut(Schema):
    public_id: str
    unit: str
    unit_name: str
    kind: str
    label: str
    url: str  # masked: scheme, host and the last four characters
    secret: str  # masked: "" when none is set
    enabled: bool
    updated_at: dt.datetime

    @staticmethod
    def resolve_unit(channel: UnitChannel) -> str:
        return channel.unit.public_id

    @staticmethod
    def resolve_unit_name(channel: UnitChannel) -> str:
        return channel.unit.name

    @staticmethod
    def resolve_url(channel: UnitChannel) -> str:
        return mask_url(channel.url)

    @staticmethod
    def resolve_secret(channel: UnitChannel) -> str:
        return mask_secret(channel.secret)


class DeliveryProblemOut(Schema):
    public_id: str
    channel: str
    unit: str | None
    robot: str | None
    recipient: str | None  # the person's public id
    subject: str
    status: str
    attempts: int
    max_attempts: int
    next_attempt_at: dt.datetime
    last_error: str
    created_at: dt.datetime

    @staticmethod
    def resolve_unit(message: OutboxMessage) -> str | None:
        unit = services.message_unit(message)
        return unit.public_id if unit is not None else None

    @staticmethod
    def resolve_robot(message: OutboxMessage) -> str | None:
        return message.robot.public_id if message.robot is not None else None

    @staticmethod
    def resolve_recipient(message: OutboxMessage) -> Any:
        person = getattr(message.recipient, "person", None) if message.recipient is not None else None
        return person.public_id if person is not None else None


@router.get("", response={200: list[NotificationOut], **errors(422)})
@paginate(BoundedPagination)
def list_inbox(request: HttpRequest, unread: bool = False) -> QuerySet[Notification]:
    """Your notifications, unread first, newest first."""
    return selectors.notification_list(user=request.user, unread_only=unread)  # type: ignore[arg-type]


@router.post("/read-all", response={200: MarkedOut, **errors()})
def mark_all_read(request: HttpRequest) -> dict[str, int]:
    return {"marked": services.notification_mark_all_read(actor=request.user)}  # type: ignore[arg-type]


@router.post("/{public_id}/read", response={200: NotificationOut, **errors(403, 404, 422)})
def mark_read(request: HttpRequest, public_id: str) -> Notification:
    try:
        notification = selectors.notification_get(user=request.user, public_id=public_id)  # type: ignore[arg-type]
    except Notification.DoesNotExist:
        raise HttpError(404, "Not Found") from None
    return services.notification_mark_read(actor=request.user, notification=notification)  # type: ignore[arg-type]


@router.get("/unit-channels", response={200: list[UnitChannelOut], **errors(422)}, tags=["notification channels"])
@paginate(BoundedPagination)
def list_unit_channels(request: HttpRequest) -> QuerySet[UnitChannel]:
    """The group robots and SMS gateways of the units you manage; addresses and secrets are never shown in full."""
    return selectors.unit_channel_list(user=request.user)  # type: ignore[arg-type]


@router.get(
    "/delivery-problems", response={200: list[DeliveryProblemOut], **errors(422)}, tags=["notification channels"]
)
@paginate(BoundedPagination)
def list_delivery_problems(
    request: HttpRequest, state: Literal["all", "failed", "retrying"] = "all"
) -> QuerySet[OutboxMessage]:
    """Robot and SMS messages of the units you manage that failed, or failed and wait to be tried again, newest
    first, each with its last error."""
    return selectors.delivery_problem_list(user=request.user, state=state)  # type: ignore[arg-type]
