"""The register's deadlines as the worker fires them: a reader's overdue return is escalated once (SEC-02
`return_overdue`, due `return_within_days` after the issue). Re-reads every row, so a run twice or late is harmless."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F

from zhiban.core import clock, jobs
from zhiban.secrecy import services
from zhiban.secrecy.models import CustodyMove


@jobs.job_handler("secrecy.overdue_returns", every=dt.timedelta(minutes=15))
def overdue_returns(payload: dict[str, Any]) -> None:
    """Escalate every carrier still with a reader past its due-back time."""
    due = CustodyMove.objects.filter(
        kind=CustodyMove.Kind.ISSUE,
        escalated_at__isnull=True,
        due_back_at__lt=clock.now(),
        carrier__holder=F("to_holder"),
    ).order_by("due_back_at", "id")
    for move in due:
        services.overdue_escalate(move=move)
