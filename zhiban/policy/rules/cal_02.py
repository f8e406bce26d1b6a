"""CAL-02 — holiday and weekend duty periods, and the company-shifts duty day, from the calendar's facts.

Holiday duty runs from the end of work on the last working day before a holiday to the start of
work on the first working day after it (P2 值班管理制度 第二条(二)); weekend duty from Friday's end of
work to Monday's start (第二条(一)) — in general, from the working day before a run of rest days to
the working day after it, so a make-up Saturday (调休上班日) ends or starts a weekend. In
`company-shifts` every working day Monday–Saturday has after-hours duty to the next morning
(P4 第二条(一)) and rest days have a day and a night shift (P4 第二条(二)). Django-free.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from zhiban.policy.findings import Finding, Severity

RULE_ID = "CAL-02"

SHANGHAI = ZoneInfo("Asia/Shanghai")
# source: default — P2 says "下班时" and "上班时间" without naming the times.
DEFAULT_WORK_START = dt.time(8, 30)
DEFAULT_WORK_END = dt.time(17, 30)
# P4 第二条(二): 日班上午八时起至下午五时止（可随办公时间的变更而变更）, 夜班下午五时半起至次日上午八时止.
P4_WORK_START = dt.time(8, 0)
P4_WORK_END = dt.time(17, 0)
P4_DAY_SHIFT = (dt.time(8, 0), dt.time(17, 0))
P4_NIGHT_SHIFT = (dt.time(17, 30), dt.time(8, 0))
WEEKEND_NAME = "周末"


@dataclass(frozen=True)
class DayFact:
    """One day of the calendar: whether it is a working day and the holiday it belongs to, if any."""

    day: dt.date
    is_working_day: bool
    holiday_name: str = ""


class PeriodKind(StrEnum):
    HOLIDAY = "holiday"  # 节假日值班
    WEEKEND = "weekend"  # 周末值班


@dataclass(frozen=True)
class DutyPeriod:
    """A stretch of holiday or weekend duty: [start, end), aware datetimes."""

    kind: PeriodKind
    name: str
    start: dt.datetime
    end: dt.datetime
    first_rest_day: dt.date
    last_rest_day: dt.date

    def contains(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end

    @property
    def rest_days(self) -> int:
        return (self.last_rest_day - self.first_rest_day).days + 1


def consecutive(days: Iterable[DayFact]) -> list[DayFact]:
    """The facts sorted by date; ValueError when a date is missing or given twice."""
    ordered = sorted(days, key=lambda fact: fact.day)
    for before, after in itertools.pairwise(ordered):
        if after.day - before.day != dt.timedelta(days=1):
            problem = "is given twice" if after.day == before.day else f"is followed by {after.day}"
            raise ValueError(f"the calendar facts must be consecutive days: {before.day} {problem}")
    return ordered


def _at(day: dt.date, time: dt.time, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=tz)


def rest_periods(
    days: Iterable[DayFact],
    *,
    work_start: dt.time = DEFAULT_WORK_START,
    work_end: dt.time = DEFAULT_WORK_END,
    tz: dt.tzinfo = SHANGHAI,
) -> list[DutyPeriod]:
    """Every run of rest days, as the duty period from the working day before to the working day after.

    A run containing a day of a holiday is a holiday period named after its holidays (`国庆节`,
    `中秋节、国庆节`); any other run is a weekend period. A run at either end of `days` is left out:
    the working day that bounds it is not among the facts, so give a margin around the dates wanted.
    """
    if work_start >= work_end:
        raise ValueError(f"work must start ({work_start:%H:%M}) before it ends ({work_end:%H:%M})")
    facts = consecutive(days)
    periods: list[DutyPeriod] = []
    index = 0
    while index < len(facts):
        if facts[index].is_working_day:
            index += 1
            continue
        first = index
        while index < len(facts) and not facts[index].is_working_day:
            index += 1
        last = index - 1
        if first == 0 or index == len(facts):
            continue
        names: list[str] = []
        for fact in facts[first : last + 1]:
            if fact.holiday_name and fact.holiday_name not in names:
                names.append(fact.holiday_name)
        periods.append(
            DutyPeriod(
                kind=PeriodKind.HOLIDAY if names else PeriodKind.WEEKEND,
                name="、".join(names) or WEEKEND_NAME,
                start=_at(facts[first - 1].day, work_end, tz),
                end=_at(facts[index].day, work_start, tz),
                first_rest_day=facts[first].day,
                last_rest_day=facts[last].day,
            )
        )
    return periods


def holiday_periods(days: Iterable[DayFact], **times: Any) -> list[DutyPeriod]:
    """节假日值班 periods: from the last working day's end of work to the next working day's start."""
    return [period for period in rest_periods(days, **times) if period.kind is PeriodKind.HOLIDAY]


def weekend_periods(days: Iterable[DayFact], **times: Any) -> list[DutyPeriod]:
    """周末值班 periods: Friday's end of work to Monday's start, as the calendar moves them."""
    return [period for period in rest_periods(days, **times) if period.kind is PeriodKind.WEEKEND]


def period_at(periods: Sequence[DutyPeriod], moment: dt.datetime) -> DutyPeriod | None:
    """The period a moment falls in (its end belongs to the next working day), or None."""
    return next((period for period in periods if period.contains(moment)), None)


class DutyKind(StrEnum):
    AFTER_HOURS = "after_hours"  # 工作日下班后值班
    DAY = "day"  # 日班
    NIGHT = "night"  # 夜班


@dataclass(frozen=True)
class Duty:
    """One duty of the company-shifts day: [start, end), aware datetimes."""

    day: dt.date
    kind: DutyKind
    start: dt.datetime
    end: dt.datetime
    holiday_name: str = ""


def company_works(fact: DayFact, *, six_day_week: bool = True) -> bool:
    """P4 第二条(一) names Monday to Saturday: an ordinary Saturday works unless the pack says otherwise."""
    if fact.is_working_day:
        return True
    return six_day_week and fact.day.weekday() == 5 and not fact.holiday_name


def duty_day_kind(fact: DayFact, params: Mapping[str, Any]) -> str:
    """The kind of a day as duties see it — workday, rest_day or holiday: the state calendar's (CAL-01: a make-up
    workday works, an in-lieu rest day rests), with an ordinary Saturday a working day where the pack keeps a six-day
    week (`six_day_week`, P4 第二条(一) 自星期一至星期六)."""
    if company_works(fact, six_day_week=bool(params.get("six_day_week", False))):
        return "workday"
    return "holiday" if fact.holiday_name else "rest_day"


def company_shift_duties(
    days: Iterable[DayFact],
    *,
    work_start: dt.time = P4_WORK_START,
    work_end: dt.time = P4_WORK_END,
    day_shift: tuple[dt.time, dt.time] = P4_DAY_SHIFT,
    night_shift: tuple[dt.time, dt.time] = P4_NIGHT_SHIFT,
    six_day_week: bool = True,
    tz: dt.tzinfo = SHANGHAI,
) -> list[Duty]:
    """The duties of each day but the last (whose next morning is not among the facts).

    A working day has after-hours duty from the end of work to the next day's start (the day shift's
    start when the next day is a rest day); a rest day has a day shift and a night shift to the next
    morning.
    """
    facts = consecutive(days)
    duties: list[Duty] = []
    for fact, following in itertools.pairwise(facts):
        if company_works(fact, six_day_week=six_day_week):
            next_start = work_start if company_works(following, six_day_week=six_day_week) else day_shift[0]
            duties.append(
                Duty(fact.day, DutyKind.AFTER_HOURS, _at(fact.day, work_end, tz), _at(following.day, next_start, tz))
            )
            continue
        duties.append(
            Duty(
                fact.day,
                DutyKind.DAY,
                _at(fact.day, day_shift[0], tz),
                _at(fact.day, day_shift[1], tz),
                fact.holiday_name,
            )
        )
        duties.append(
            Duty(
                fact.day,
                DutyKind.NIGHT,
                _at(fact.day, night_shift[0], tz),
                _at(following.day, night_shift[1], tz),
                fact.holiday_name,
            )
        )
    return duties


@dataclass(frozen=True)
class DutyCoverage:
    """The calendar around a roster and the duty intervals the roster holds (aware datetimes)."""

    days: tuple[DayFact, ...]
    duties: tuple[tuple[dt.datetime, dt.datetime], ...]


def _gaps(
    period: DutyPeriod, duties: Sequence[tuple[dt.datetime, dt.datetime]]
) -> list[tuple[dt.datetime, dt.datetime]]:
    gaps = []
    cursor = period.start
    for start, end in sorted(duties):
        if end <= cursor or start >= period.end:
            continue
        if start > cursor:
            gaps.append((cursor, start))
        cursor = max(cursor, end)
        if cursor >= period.end:
            break
    if cursor < period.end:
        gaps.append((cursor, period.end))
    return gaps


def _clock(moment: dt.datetime, tz: dt.tzinfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def rest_periods_covered(facts: DutyCoverage, params: Mapping[str, Any]) -> list[Finding]:
    """Every holiday and weekend period is covered by duty from its start to its end, without a gap."""
    work_start = params.get("work_start", DEFAULT_WORK_START)
    work_end = params.get("work_end", DEFAULT_WORK_END)
    days = [DayFact(f.day, duty_day_kind(f, params) == "workday", f.holiday_name) for f in facts.days]  # six-day week
    findings = []
    for period in rest_periods(days, work_start=work_start, work_end=work_end):
        for start, end in _gaps(period, facts.duties):
            findings.append(
                Finding(
                    RULE_ID,
                    Severity.WARN,
                    f"{period.name}值班时段 {_clock(start, SHANGHAI)} 至 {_clock(end, SHANGHAI)} 无人值班",
                    f"{period.kind.value} duty ({period.name}) has nobody on duty from "
                    f"{_clock(start, SHANGHAI)} to {_clock(end, SHANGHAI)}",
                    {"period": period.name, "start": start.isoformat(), "end": end.isoformat()},
                )
            )
    return findings


CHECKS = {"rest_periods_covered": rest_periods_covered}
