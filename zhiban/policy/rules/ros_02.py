"""ROS-02 — rotation patterns (P3 一.3、二.1–2; P5 二.1): weekday blocks of one calendar week's working days per
person, weekends and holidays one day each, in turn — the order continuing across periods — and, in
`bureau-shifts`, working days covered by the general-affairs section alone. Django-free."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "ROS-02"

WORKING_KINDS = frozenset({"workday", "makeup_workday"})  # a make-up workday (调休上班) is a working day


def weekday_blocks(days: Iterable[tuple[dt.date, str]]) -> list[tuple[dt.date, ...]]:
    """The weekday blocks of a period: the working days of each ISO calendar week, in date order.

    `days` are (date, kind) pairs, kind workday (make-up workdays included) / rest_day / holiday.
    A week with a make-up Saturday or Sunday gives a block of 6, a week with holidays a shorter
    one; a week cut by the period's start or end gives the working days inside the period; a week
    without a working day gives no block.
    """
    weeks: dict[tuple[int, int], list[dt.date]] = {}
    for day, kind in sorted(days):
        if kind in WORKING_KINDS:
            year, week, _ = day.isocalendar()
            weeks.setdefault((year, week), []).append(day)
    return [tuple(block) for _, block in sorted(weeks.items())]


@dataclass(frozen=True)
class WeekdayBlock:
    """A weekday block of a roster: its days, and who holds the block post on them as (day, person name)."""

    post_label: str
    days: tuple[dt.date, ...]
    duties: tuple[tuple[dt.date, str], ...]


def weekday_block(facts: WeekdayBlock, params: Mapping[str, Any]) -> list[Finding]:
    """One person holds the block post on every day of a weekday block (the pack sets the severity)."""
    inside = set(facts.days)
    people = sorted({person for day, person in facts.duties if day in inside})
    if len(people) <= 1:
        return []
    first, last = facts.days[0], facts.days[-1]
    return [
        Finding(
            RULE_ID,
            Severity.WARN,
            f"{first}至{last}的{facts.post_label}应由一人连续值班，现为{'、'.join(people)}",
            f"{facts.post_label} from {first} to {last} should be one person, not {', '.join(people)}",
            details={"days": [d.isoformat() for d in facts.days], "people": people},
        )
    ]


@dataclass(frozen=True)
class RestDayRun:
    """Consecutive rest days (weekend / holiday) of a roster and who holds the rotating post on each."""

    post_label: str
    duties: tuple[tuple[dt.date, str], ...]  # (day, person name), consecutive days, in date order


def rest_day_runs(facts: RestDayRun, params: Mapping[str, Any]) -> list[Finding]:
    """Nobody holds more than `rest_day_block_days` rest days in a row ("周末、节假日……每人1天")."""
    limit = int(params.get("rest_day_block_days", 1))
    findings = []
    run: list[tuple[dt.date, str]] = []
    for day, person in [*facts.duties, (dt.date.max, "")]:
        if run and (person != run[-1][1] or day != run[-1][0] + dt.timedelta(days=1)):
            if len(run) > limit:
                first, last = run[0][0], run[-1][0]
                findings.append(
                    Finding(
                        RULE_ID,
                        Severity.WARN,
                        f"{run[0][1]}连续{len(run)}天（{first}至{last}）担任休息日{facts.post_label}，"
                        f"每人应为{limit}天",
                        f"{run[0][1]} holds the rest-day {facts.post_label} {len(run)} days in a row "
                        f"({first} to {last}); {limit} per person",
                        details={"person": run[0][1], "days": len(run), "limit": limit},
                    )
                )
            run = []
        run.append((day, person))
    return findings


@dataclass(frozen=True)
class Rotation:
    """A roster's rotating post as blocks: its weekday blocks and its runs of consecutive rest days."""

    weekday_blocks: tuple[WeekdayBlock, ...]
    rest_runs: tuple[RestDayRun, ...]


def rotation_blocks(facts: Rotation, params: Mapping[str, Any]) -> list[Finding]:
    """Weekday blocks held by one person, rest days one each."""
    findings = [f for block in facts.weekday_blocks for f in weekday_block(block, params)]
    return findings + [f for run in facts.rest_runs for f in rest_day_runs(run, params)]


@dataclass(frozen=True)
class TurnSlot:
    """One turn of a rotation (a weekday block, a rest day, a shift): its label, who holds it, and who of
    the rotation could not take it (leave, unavailability) and is skipped without breaking the order."""

    label: str
    holder: str
    unavailable: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TurnSequence:
    """The turns of one rotating post in date order. `order` is the rotation (the unit's list), `after`
    the last holder before these turns (the previous period's), so the order continues across periods."""

    post_label: str
    order: tuple[str, ...]
    after: str | None
    slots: tuple[TurnSlot, ...]


def next_in_turn(order: tuple[str, ...], after: str | None, unavailable: frozenset[str]) -> str | None:
    """Who comes after `after` in `order`, skipping the unavailable; the first available when `after` is
    not in the rotation; None when nobody is available."""
    if not order:
        return None
    start = order.index(after) + 1 if after in order else 0
    for step in range(len(order)):
        candidate = order[(start + step) % len(order)]
        if candidate not in unavailable:
            return candidate
    return None


def ideal_turns(order: tuple[str, ...], after: str | None, unavailable: list[frozenset[str]]) -> list[str | None]:
    """The holders of successive turns when everyone takes their turn in order."""
    holders: list[str | None] = []
    previous = after
    for away in unavailable:
        holder = next_in_turn(order, previous, away)
        holders.append(holder)
        previous = holder if holder is not None else previous
    return holders


def in_turn(facts: TurnSequence, params: Mapping[str, Any]) -> list[Finding]:
    """Each turn goes to the next person in the rotation (the unavailable skipped); a skip warns. The order
    continues from whoever actually held the previous turn, so one skip is one warning, not a cascade."""
    findings = []
    previous = facts.after
    for slot in facts.slots:
        expected = next_in_turn(facts.order, previous, slot.unavailable)
        if slot.holder in facts.order and expected is not None and slot.holder != expected:
            findings.append(
                Finding(
                    RULE_ID,
                    Severity.WARN,
                    f"{slot.label}{facts.post_label}按轮值顺序应为{expected}，现为{slot.holder}",
                    f"{slot.label} {facts.post_label}: {expected} is next in turn, not {slot.holder}",
                    details={"slot": slot.label, "expected": expected, "holder": slot.holder},
                )
            )
        if slot.holder in facts.order:
            previous = slot.holder
    return findings


@dataclass(frozen=True)
class WorkingDayDuty:
    """Someone on duty on a working day, and whether they belong to the general-affairs section (综合科)."""

    person_name: str
    day: dt.date
    in_section: bool


def weekday_section_only(facts: WorkingDayDuty, params: Mapping[str, Any]) -> list[Finding]:
    """`bureau-shifts`: working days are covered by the general-affairs section alone (P5 二.1)."""
    if params.get("weekday_coverage", "general_affairs") != "general_affairs" or facts.in_section:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"{facts.day}为工作日，由综合科值班；{facts.person_name}不属综合科",
            f"{facts.day} is a working day, covered by the general-affairs section; {facts.person_name} is not in it",
            details={"person": facts.person_name, "day": facts.day.isoformat()},
        )
    ]


CHECKS = {
    "rotation_blocks": rotation_blocks,
    "in_turn": in_turn,
    "weekday_section_only": weekday_section_only,
}
