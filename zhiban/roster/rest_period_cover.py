"""CAL-02 on real rosters: every holiday and weekend duty period — from the last working day's end of work to the next
working day's start, as the calendar moves them (make-up workdays, the pack's six-day week) — is held by someone
from start to end. The scheduler sees the gaps on the period page, beside the rotation's warnings."""

from __future__ import annotations

import dataclasses
import datetime as dt

from zhiban.calendar import selectors as calendar_selectors
from zhiban.core import clock
from zhiban.policy import engine
from zhiban.policy import services as policy
from zhiban.policy.rules.cal_02 import DutyCoverage
from zhiban.roster.models import RosterPeriod, RosterVersion

MARGIN = dt.timedelta(days=7)  # the working days that bound a rest period at the period's edges


def coverage(period: RosterPeriod, version: RosterVersion) -> DutyCoverage:
    """The calendar around the period and the windows of every duty of the version."""
    seasons = calendar_selectors.effective_seasons(period.unit).dates
    tz = clock.local_tz()
    days = tuple(calendar_selectors.day_facts(period.start - MARGIN, period.end + MARGIN))
    duties = tuple(
        a.shift_type.window(a.date, seasons, tz) for a in version.assignments.select_related("shift_type").distinct()
    )
    return DutyCoverage(days, duties)


def check(period: RosterPeriod, version: RosterVersion | None) -> engine.Outcome:
    """CAL-02 over a version: a warning for each stretch of a rest period with nobody on duty inside the period."""
    if version is None:
        return engine.Outcome()
    outcome = policy.evaluate(unit=period.unit, rule_ids=["CAL-02"], facts=coverage(period, version))
    start = dt.datetime.combine(period.start, dt.time(), tzinfo=clock.local_tz())
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(), tzinfo=clock.local_tz())
    inside = tuple(
        f
        for f in outcome.findings
        if dt.datetime.fromisoformat(f.finding.details["end"]) > start
        and dt.datetime.fromisoformat(f.finding.details["start"]) < end
    )
    return dataclasses.replace(outcome, findings=inside)
