"""What the leave app registers with others at start-up: its request types in the approver's inbox, and
approved leave as days a person cannot stand duty (roster generation and cover ranking)."""

from __future__ import annotations

from django.urls import reverse

from zhiban.approvals.subjects import register_subject
from zhiban.core.dates import month_day
from zhiban.leave.jobs import approved_leave_days
from zhiban.leave.models import LeaveRequest, RestRequest, Substitution
from zhiban.leave.selectors import SUBJECT_LEAVE, SUBJECT_REST, SUBJECT_SUBSTITUTION
from zhiban.policy.rules.leave_01 import days_text, kind_zh
from zhiban.roster import unavailability


def _leave_title(pk: int) -> str:
    leave = LeaveRequest.objects.select_related("person").filter(pk=pk).first()
    if leave is None:
        return f"请假 #{pk}"
    days = days_text(leave.working_days)
    return f"{leave.person.name}{kind_zh(leave.kind)}{days}天（{month_day(leave.starts_at)}起）"


def _leave_url(pk: int) -> str:
    leave = LeaveRequest.objects.filter(pk=pk).only("public_id").first()
    return reverse("leave:detail", args=[leave.public_id]) if leave else ""


def _substitution_title(pk: int) -> str:
    row = Substitution.objects.select_related("person", "substitute").filter(pk=pk).first()
    return f"{row.substitute.name}顶替{row.person.name}（{month_day(row.day)}）" if row else f"顶替 #{pk}"


def _substitution_url(pk: int) -> str:
    row = Substitution.objects.filter(pk=pk).only("public_id").first()
    return reverse("leave:substitution_detail", args=[row.public_id]) if row else ""


def _rest_title(pk: int) -> str:
    row = RestRequest.objects.select_related("person").filter(pk=pk).first()
    return f"{row.person.name}补休{days_text(row.days)}天（{month_day(row.day)}）" if row else f"补休 #{pk}"


def _rest_url(pk: int) -> str:
    row = RestRequest.objects.filter(pk=pk).only("public_id").first()
    return reverse("leave:rest_detail", args=[row.public_id]) if row else ""


def register() -> None:
    register_subject(SUBJECT_LEAVE, title=_leave_title, url=_leave_url)
    register_subject(SUBJECT_SUBSTITUTION, title=_substitution_title, url=_substitution_url)
    register_subject(SUBJECT_REST, title=_rest_title, url=_rest_url)
    unavailability.register(approved_leave_days)
