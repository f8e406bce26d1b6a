"""Worker job: remind approvers of steps that waited longer than their request allows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from zhiban.approvals import services
from zhiban.core import clock, jobs

OVERDUE_KIND = "approvals.overdue"


@jobs.job_handler(OVERDUE_KIND, every=dt.timedelta(minutes=15))
def approvals_overdue(payload: dict[str, Any]) -> None:
    with transaction.atomic():
        services.overdue_remind(clock.now())
