"""CAL-02 on real rosters: the scheduler sees each stretch of a weekend or holiday duty period with nobody on duty."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhiban.accounts.tests.clients import verified_client
from zhiban.roster import rest_period_cover, services
from zhiban.roster.tests.conftest import fill_day

WEEK = (dt.date(2026, 12, 3), dt.date(2026, 12, 9))  # Thursday to Wednesday: the weekend of 5–6 December inside


def test_cal_02_weekend_held_from_friday_evening_to_monday_morning_has_no_gap(roster_org: dict[str, Any]) -> None:
    period = services.period_open(actor=None, unit=roster_org["org"], start=WEEK[0], end=WEEK[1])
    for offset in range(7):
        fill_day(roster_org, period, WEEK[0] + dt.timedelta(days=offset))
    draft = period.versions.get(number=0)
    assert rest_period_cover.check(period, draft).warnings == ()


def test_cal_02_a_sunday_without_duty_is_a_gap_shown_to_the_scheduler(roster_org: dict[str, Any]) -> None:
    period = services.period_open(actor=None, unit=roster_org["org"], start=WEEK[0], end=WEEK[1])
    for offset in range(7):
        if WEEK[0] + dt.timedelta(days=offset) != dt.date(2026, 12, 6):
            fill_day(roster_org, period, WEEK[0] + dt.timedelta(days=offset))
    draft = period.versions.get(number=0)
    (warning,) = rest_period_cover.check(period, draft).warnings
    assert warning.code == "CAL-02.rest_periods_covered"
    assert warning.detail() == "周末值班时段 2026-12-06 09:00 至 2026-12-07 09:00 无人值班"
    page = verified_client(roster_org["secretary"].user).get(f"/roster/{period.public_id}/").content.decode()
    assert "节假日、周末值班时段有无人值班的空档" in page
    assert "2026-12-06 09:00 至 2026-12-07 09:00" in page
    assert "CAL-02.rest_periods_covered" not in page.split('id="cover-warnings"')[1].split("</div>")[0].replace(
        'title="CAL-02.rest_periods_covered"', ""
    )
