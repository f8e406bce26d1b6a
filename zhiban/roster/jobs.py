"""Duty reminders (the day before and an hour before), registered for the worker."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhiban.core import jobs
from zhiban.notify.services import notify
from zhiban.roster.models import Assignment, Post, RosterPeriod


@jobs.job_handler("roster.duty_reminder")
def duty_reminder(payload: dict[str, Any]) -> None:
    """Remind the person of a duty, if it is still theirs in the published version (else stale: nothing)."""
    period = RosterPeriod.objects.filter(pk=payload["period"]).select_related("unit").first()
    if period is None or period.published_version_id is None:
        return
    assignment = (
        Assignment.objects.filter(
            version_id=period.published_version_id,
            date=dt.date.fromisoformat(payload["date"]),
            shift_type_id=payload["shift_type"],
            post=payload["post"],
            person_id=payload["person"],
        )
        .select_related("person", "shift_type")
        .first()
    )
    if assignment is None:
        return
    post = Post(assignment.post).label
    when = "明天" if payload.get("lead") == "day" else "一小时后"
    notify(
        recipients=[assignment.person],
        subject=f"值班提醒：{when} {assignment.date:%m月%d日} {assignment.shift_type.name} {post}",
        body=f"{period.unit.name}",
        dedupe_key=f"roster.remind:{payload['period']}:{payload['date']}:{payload['shift_type']}:"
        f"{payload['post']}:{payload['person']}:{payload.get('lead')}",
    )
