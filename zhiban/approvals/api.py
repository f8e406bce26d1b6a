"""API: the caller's approval inbox (the decisions themselves are made on each request's own endpoint)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from zhiban.approvals import selectors
from zhiban.approvals.views import rows_for
from zhiban.core.api_errors import errors

router = Router(tags=["approvals"])


class InboxItemOut(Schema):
    public_id: str
    subject_type: str
    title: str
    url: str
    level: int
    step: str
    rule_id: str
    created_at: dt.datetime
    overdue: bool


@router.get("/inbox", response={200: list[InboxItemOut], **errors()})
def inbox(request: HttpRequest) -> list[dict[str, object]]:
    """Approval steps waiting on you now, oldest first."""
    return [
        {
            "public_id": row.step.public_id,
            "subject_type": row.step.subject_type,
            "title": row.title,
            "url": row.url,
            "level": row.step.order,
            "step": row.step.label,
            "rule_id": row.step.rule_id,
            "created_at": row.step.created_at,
            "overdue": row.step.reminded_at is not None,
        }
        for row in rows_for(selectors.inbox(request.user))  # type: ignore[arg-type]
    ]
