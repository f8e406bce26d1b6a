"""The approver's inbox (待我审批): every step waiting on the user, linked to the request where it is decided."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhiban.approvals import selectors
from zhiban.approvals.models import ApprovalStep
from zhiban.approvals.subjects import describe


@dataclass(frozen=True)
class InboxRow:
    step: ApprovalStep
    title: str
    url: str


def rows_for(steps: list[ApprovalStep]) -> list[InboxRow]:
    return [InboxRow(step, *describe(step.subject_type, step.subject_id)) for step in steps]


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    steps = selectors.inbox(request.user)  # type: ignore[arg-type]
    return render(request, "approvals/inbox.html", {"rows": rows_for(steps)})
