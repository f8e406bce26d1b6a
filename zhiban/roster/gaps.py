"""Uncovered posts (空缺) in published rosters: found through ROS-01 posts_filled, flagged on the board and
the period page, and escalated to the roster's compilers every day until filled — on the duty day itself
also to the department heads and the secretariat.

A gap is found on the current published version; once someone fills it (a correction, a cover, a swap)
the next run finds nothing and the reminders stop.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from zhiban.core import clock
from zhiban.core.dates import month_day
from zhiban.notify.services import notify
from zhiban.policy import engine
from zhiban.policy import services as policy
from zhiban.policy.rules.ros_01 import ShiftCover
from zhiban.roster import selectors
from zhiban.roster.models import Post, RosterPeriod
from zhiban.roster.tables import period_rows

HORIZON = dt.timedelta(days=14)  # source: default — gaps in the next two weeks are chased


@dataclass(frozen=True)
class Gap:
    period: RosterPeriod
    day: dt.date
    shift_name: str
    starts_at: dt.datetime
    finding: engine.CitedFinding

    @property
    def text(self) -> str:
        return self.finding.message("zh")


def gaps_of(period: RosterPeriod, start: dt.date, end: dt.date) -> list[Gap]:
    """Unfilled posts of the period's current published version between `start` and `end`."""
    version = period.published_version
    if version is None:
        return []
    found = []
    for row in period_rows(period, version):
        if not start <= row.date <= end or not row.gaps:
            continue
        cover = ShiftCover(
            row.shift.name,
            row.date,
            tuple((str(Post(post).label), count, len(row.cells.get(post, []))) for post, count in row.shift.posts()),
        )
        outcome = policy.evaluate(unit=period.unit, rule_ids=["ROS-01"], facts=cover)
        found += [Gap(period, row.date, row.shift.name, row.start, f) for f in outcome.findings]
    return found


def open_gaps(today: dt.date) -> list[Gap]:
    """Every gap from today to the horizon in every published period."""
    end = today + HORIZON
    periods = RosterPeriod.objects.filter(
        status=RosterPeriod.Status.PUBLISHED, start__lte=end, end__gte=today
    ).select_related("unit", "published_version")
    return [gap for period in periods.order_by("pk") for gap in gaps_of(period, today, end)]


def escalate(now: dt.datetime) -> int:
    """Tell the compilers of each open gap (once a day per gap); on the duty day, the heads too."""
    today = now.astimezone(clock.local_tz()).date()
    sent = 0
    for gap in open_gaps(today):
        recipients = selectors.schedulers(gap.period.unit)
        urgent = gap.day <= today
        if urgent:
            recipients = list({p.pk: p for p in [*recipients, *selectors.escalation_people(gap.period.unit)]}.values())
        prefix = "今日值班空缺" if urgent else "值班空缺待补"
        messages = notify(
            recipients=recipients,
            subject=f"{prefix}：{gap.period.unit.name} {month_day(gap.day)} {gap.shift_name}",
            body=gap.text,
            link=reverse("roster:period_detail", args=[gap.period.public_id]),
            dedupe_key=f"roster.gap:{gap.period.pk}:{gap.day}:{gap.shift_name}:{today}",
        )
        sent += len(messages)
    return sent
