"""Dates in notices and titles are the office's (Asia/Shanghai), written without leading zeros (issue 14)."""

from __future__ import annotations

import datetime as dt

from zhiban.core.dates import month_day, month_day_time, office_day
from zhiban.core.templatetags.zhiban import cn_date

UTC = dt.UTC


def test_a_moment_just_after_midnight_in_shanghai_is_dated_that_day_not_the_utc_day_before() -> None:
    moment = dt.datetime(2027, 1, 4, 16, 0, tzinfo=UTC)  # 2027-01-05 00:00 in Shanghai
    assert office_day(moment) == dt.date(2027, 1, 5)
    assert month_day(moment) == "1月5日"
    assert month_day_time(moment) == "1月5日 00:00"
    assert cn_date(moment).startswith("2027年1月5日")


def test_a_moment_a_minute_before_shanghai_midnight_stays_on_its_day() -> None:
    moment = dt.datetime(2027, 1, 4, 15, 59, tzinfo=UTC)  # 2027-01-04 23:59 in Shanghai
    assert month_day(moment) == "1月4日"
    assert month_day(dt.date(2026, 12, 29)) == "12月29日"
