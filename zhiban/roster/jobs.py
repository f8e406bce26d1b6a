"""Duty reminders (the day before and an hour before), registered for the worker."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from zhiban.core import clock, jobs
from zhiban.core.dates import month_day
from zhiban.notify.services import notify
from zhiban.roster import gaps, selectors
from zhiban.roster.compensation import jobs as compensation_jobs  # noqa: F401 (ROS-07 roster.rest_month_end)
from zhiban.roster.generation import jobs as generation_jobs  # noqa: F401 (ROS-04 roster.generate)
from zhiban.roster.models import Assignment, Post, RosterPeriod

GAPS_KIND = "roster.gaps"


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
        subject=f"值班提醒：{when} {month_day(assignment.date)} {assignment.shift_type.name} {post}",
        body=f"{period.unit.name}",
        dedupe_key=f"roster.remind:{payload['period']}:{payload['date']}:{payload['shift_type']}:"
        f"{payload['post']}:{payload['person']}:{payload.get('lead')}",
    )


@jobs.job_handler("roster.publish_deadline")
def publish_deadline(payload: dict[str, Any]) -> None:
    """ROS-03: remind the compiler 3 days and 1 day before the deadline; escalate when it passed unpublished."""
    period = RosterPeriod.objects.filter(pk=payload["period"]).select_related("unit").first()
    if period is None or period.published_version_id is not None:
        return
    stage = payload["stage"]
    label = f"{period.unit.name} {period.start:%Y-%m-%d}至{period.end:%Y-%m-%d}"
    deadline = period.publish_deadline.astimezone(clock.local_tz())
    if stage == "missed":
        recipients = selectors.escalation_people(period.unit) + selectors.schedulers(period.unit)
        subject = f"值班表逾期未公布：{label}（期限{deadline:%Y-%m-%d %H:%M}）"
    else:
        recipients = selectors.schedulers(period.unit)
        subject = f"值班表公布提醒：{label} 须于{deadline:%Y-%m-%d %H:%M}前公布"
    notify(
        recipients=recipients,
        subject=subject,
        link=reverse("roster:period_detail", args=[period.public_id]),
        dedupe_key=f"roster.deadline:{period.pk}:{stage}",
    )


@jobs.job_handler(GAPS_KIND, every=dt.timedelta(hours=6))
def roster_gaps(payload: dict[str, Any]) -> None:
    """ROS-01 posts_filled: chase uncovered posts of published rosters until filled."""
    gaps.escalate(clock.now())
