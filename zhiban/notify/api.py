"""API: the caller's own inbox — list, mark one read, mark all read."""

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from zhiban.core.api_errors import errors
from zhiban.core.pagination import BoundedPagination
from zhiban.notify import selectors, services
from zhiban.notify.models import Notification

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
