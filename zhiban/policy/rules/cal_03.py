"""CAL-03 — summer and winter (夏季/冬季) change shift times; the season dates are set per organisation.

P5 (机关值班制度 二) gives the times — holiday day shift summer 8:00–20:00, winter 8:00–19:00; night
20:00–8:00, winter 19:00–8:00 — but not the dates the seasons begin, so those are defaults
(`source: default`): summer from 1 May, winter from 1 October. Django-free.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from zhiban.policy.findings import Finding, Severity

RULE_ID = "CAL-03"

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Season(StrEnum):
    SUMMER = "summer"  # 夏季
    WINTER = "winter"  # 冬季


SEASON_LABELS_ZH = {Season.SUMMER: "夏季", Season.WINTER: "冬季"}

_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


@dataclass(frozen=True, order=True)
class MonthDay:
    """A day of the year without the year (`05-01`); 29 February is refused, as most years lack it."""

    month: int
    day: int

    def __post_init__(self) -> None:
        try:
            dt.date(2025, self.month, self.day)  # a common year: no 29 February
        except ValueError:
            raise ValueError(f"{self.month:02d}-{self.day:02d} is not a day of every year") from None

    @classmethod
    def parse(cls, text: str) -> MonthDay:
        match = _MONTH_DAY.match(text.strip())
        if match is None:
            raise ValueError(f"{text!r} is not a month and day (MM-DD)")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"

    def label_zh(self) -> str:
        return f"{self.month}月{self.day}日"

    def day_before(self) -> MonthDay:
        before = dt.date(2025, self.month, self.day) - dt.timedelta(days=1)
        return MonthDay(before.month, before.day)


@dataclass(frozen=True)
class SeasonDates:
    """The first day of summer and the first day of winter; each season runs to the day before the other."""

    summer_starts: MonthDay
    winter_starts: MonthDay

    def __post_init__(self) -> None:
        if self.summer_starts == self.winter_starts:
            raise ValueError("summer and winter cannot start on the same day")

    @property
    def summer_ends(self) -> MonthDay:
        return self.winter_starts.day_before()

    @property
    def winter_ends(self) -> MonthDay:
        return self.summer_starts.day_before()


# source: default — P5 names 夏季 and 冬季 but not their dates.
DEFAULT_SEASON_DATES = SeasonDates(summer_starts=MonthDay(5, 1), winter_starts=MonthDay(10, 1))

# P5 二(1)(2): 节假日白班 夏季 8:00——20:00，冬季 8:00——19:00；晚上 20:00——次日早8:00（冬季19:00——次日早8:00）.
P5_HOLIDAY_DAY_SHIFT = {
    Season.SUMMER: (dt.time(8, 0), dt.time(20, 0)),
    Season.WINTER: (dt.time(8, 0), dt.time(19, 0)),
}
P5_NIGHT_SHIFT = {
    Season.SUMMER: (dt.time(20, 0), dt.time(8, 0)),
    Season.WINTER: (dt.time(19, 0), dt.time(8, 0)),
}


def season_on(day: dt.date, dates: SeasonDates = DEFAULT_SEASON_DATES) -> Season:
    """The season a date falls in."""
    today = (day.month, day.day)
    summer = (dates.summer_starts.month, dates.summer_starts.day)
    winter = (dates.winter_starts.month, dates.winter_starts.day)
    # When summer starts later in the year than winter, it runs over New Year.
    in_summer = summer <= today < winter if summer < winter else today >= summer or today < winter
    return Season.SUMMER if in_summer else Season.WINTER


def shift_window(
    day: dt.date,
    times: Mapping[Season, tuple[dt.time, dt.time]],
    dates: SeasonDates = DEFAULT_SEASON_DATES,
    tz: dt.tzinfo = SHANGHAI,
) -> tuple[dt.datetime, dt.datetime]:
    """The start and end of the shift beginning on `day`, by that day's season; an end at or before
    the start is on the next day (a night shift)."""
    start_time, end_time = times[season_on(day, dates)]
    start = dt.datetime.combine(day, start_time, tzinfo=tz)
    end = dt.datetime.combine(day, end_time, tzinfo=tz)
    if end <= start:
        end += dt.timedelta(days=1)
    return start, end


@dataclass(frozen=True)
class SeasonSettingProposal:
    """Season dates as an administrator typed them (`MM-DD`)."""

    summer_starts: str
    winter_starts: str


def season_dates_valid(facts: SeasonSettingProposal, params: Mapping[str, Any]) -> list[Finding]:
    """Both dates real days of every year (`MM-DD`), and different."""
    findings: list[Finding] = []
    parsed: dict[str, MonthDay] = {}
    for field, label in (("summer_starts", "夏季开始"), ("winter_starts", "冬季开始")):
        text = getattr(facts, field)
        try:
            parsed[field] = MonthDay.parse(text)
        except ValueError:
            findings.append(
                Finding(
                    RULE_ID,
                    Severity.ENFORCE,
                    f"{label}日期“{text}”无效（应为 MM-DD，且不能是2月29日）",
                    f"{field}: {text!r} is not a day of every year (MM-DD, not 29 February)",
                    {"field": field},
                )
            )
    if len(parsed) == 2 and parsed["summer_starts"] == parsed["winter_starts"]:
        findings.append(
            Finding(
                RULE_ID,
                Severity.ENFORCE,
                "夏季与冬季不能从同一天开始",
                "summer and winter cannot start on the same day",
                {"field": "winter_starts"},
            )
        )
    return findings


@dataclass(frozen=True)
class SeasonalShift:
    """A shift of a seasonal kind (e.g. `holiday_day`, `night`) planned on a day, in local times."""

    day: dt.date
    shift_kind: str
    start: dt.time
    end: dt.time
    seasons: SeasonDates | None = None  # the unit's own setting; None: the pack's, else the default


def season_dates_from(params: Mapping[str, Any]) -> SeasonDates:
    """The pack's `summer_starts` / `winter_starts` parameters (`MM-DD`), else the default."""
    if "summer_starts" not in params or "winter_starts" not in params:
        return DEFAULT_SEASON_DATES
    return SeasonDates(MonthDay.parse(params["summer_starts"]), MonthDay.parse(params["winter_starts"]))


def shift_matches_season(facts: SeasonalShift, params: Mapping[str, Any]) -> list[Finding]:
    """A seasonal shift keeps its season's times.

    Parameters: `<shift_kind>_<season>_start` and `..._end` as times, e.g. `holiday_day_summer_end`
    = 20:00 and `holiday_day_winter_end` = 19:00 (P5). A kind without parameters is not seasonal.
    The season dates are the unit's setting when the facts carry one, else the pack's
    `summer_starts` / `winter_starts`, else the default.
    """
    season = season_on(facts.day, facts.seasons or season_dates_from(params))
    prefix = f"{facts.shift_kind}_{season.value}"
    expected_start = params.get(f"{prefix}_start")
    expected_end = params.get(f"{prefix}_end")
    if expected_start is None or expected_end is None:
        return []
    if (facts.start, facts.end) == (expected_start, expected_end):
        return []
    want = f"{expected_start:%H:%M}–{expected_end:%H:%M}"
    got = f"{facts.start:%H:%M}–{facts.end:%H:%M}"
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"{facts.day.isoformat()} 属{SEASON_LABELS_ZH[season]}，{facts.shift_kind} 班次应为 {want}，而不是 {got}",
            f"{facts.day} is in {season.value}: a {facts.shift_kind} shift runs {want}, not {got}",
            {"date": facts.day.isoformat(), "season": season.value, "expected": want, "got": got},
        )
    ]


CHECKS = {
    "season_dates_valid": season_dates_valid,
    "shift_matches_season": shift_matches_season,
}
