"""The ROS-07 month-end run: daily, acting on the first day of a month, for every organisation under a
pack that declares ROS-07."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhiban.core import clock, jobs
from zhiban.policy.models import Policy
from zhiban.policy.rules import ros_07
from zhiban.roster.compensation import services

MONTH_END_KIND = "roster.rest_month_end"


@jobs.job_handler(MONTH_END_KIND, every=dt.timedelta(days=1))
def rest_month_end(payload: dict[str, Any]) -> None:
    """Flag (and where the pack says so, expire) last month's rest not taken; other days: nothing."""
    today = clock.today()
    if not ros_07.is_month_end_run(today):
        return
    for policy in Policy.objects.select_related("unit").order_by("pk"):
        services.rest_month_end(organisation=policy.unit, today=today)
