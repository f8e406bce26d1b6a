"""Leave counted in working days follows the one day-kind function: in `company-shifts` (P4 第二条: 星期一至星期六)
an ordinary Saturday is a working day; under the state calendar alone it is not (CAL-02 `six_day_week`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhiban.core import clock
from zhiban.leave import lengths
from zhiban.org.tests.factories import UnitFactory
from zhiban.policy import selectors as policy_selectors
from zhiban.policy.services import policy_adopt, policy_parameter_override

pytestmark = pytest.mark.django_db

SATURDAY = dt.date(2026, 12, 12)


def _day(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), tzinfo=clock.local_tz())
    return start, start + dt.timedelta(days=1)


def test_cal_02_six_day_week_counts_an_ordinary_saturday_as_a_working_day_of_leave() -> None:
    company = UnitFactory.create(name="某公司", kind="organisation")
    policy_adopt(actor=None, organisation=company, pack_id="company-shifts")
    assert lengths.working_days(*_day(SATURDAY), company) == Decimal("1")
    assert lengths.working_days(*_day(SATURDAY + dt.timedelta(days=1)), company) == Decimal("0")  # Sunday rests
    live = policy_selectors.policy_for_unit(company)
    assert live is not None
    policy_parameter_override(actor=None, policy=live, rule_id="CAL-02", parameter="six_day_week", value=False)
    assert lengths.working_days(*_day(SATURDAY), company) == Decimal("0")


def test_cal_02_without_a_six_day_week_saturday_is_no_working_day() -> None:
    bureau = UnitFactory.create(name="某局", kind="organisation")
    policy_adopt(actor=None, organisation=bureau, pack_id="bureau")
    assert lengths.working_days(*_day(SATURDAY), bureau) == Decimal("0")
    assert lengths.working_days(*_day(SATURDAY - dt.timedelta(days=1)), bureau) == Decimal("1")  # Friday
