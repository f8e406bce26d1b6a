"""ROS-02 — rotation patterns (P3 一.3、二.1–2; P5 二.1): weekday blocks of one calendar week's working days per
person, weekends and holidays one day each, in turn — the order continuing across periods — and, in
`bureau-shifts`, working days covered by the general-affairs section alone. Django-free."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity
from zhiban.policy.rules import ros_01
from zhiban.policy.shaping import RosterFacts, Shape, ShiftFacts
from zhiban.roster.solver import model as solver

RULE_ID = "ROS-02"
BORROWS = {"rest_period_one_duty": "ROS-01"}  # a maintenance rest period is one turn
# `order`: a strict order costs as much as 10 points of spread per cell out of turn (kept unless the roster cannot be
# made otherwise); a preference 0.2 points, which fairness outweighs.
TURN_WEIGHT = {"strict": 1000, "preference": 20}
SECTION = "ROS-02 综合科"  # the reason a person outside the general-affairs section is off on working days

WORKING_KINDS = frozenset({"workday", "makeup_workday"})  # a make-up workday (调休上班) is a working day


def weekday_blocks(days: Iterable[tuple[dt.date, str]], size: int | None = None) -> list[tuple[dt.date, ...]]:
    """The weekday blocks of a period: the working days of each ISO calendar week, in date order, `size` at most
    each (`weekday_block_days`, P3 二.1 "周一至周五……每人5天": a week's sixth working day starts the next turn).

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
    step = size if size and size > 0 else 7
    return [tuple(block[i : i + step]) for _, block in sorted(weeks.items()) for i in range(0, len(block), step)]


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


Cell = tuple[int, str]  # (day index, shift code)


def turns(
    dates: tuple[dt.date, ...],
    kinds: tuple[str, ...],
    shifts: tuple[ShiftFacts, ...],
    post: str,
    params: Mapping[str, Any],
) -> list[tuple[Cell, ...]]:
    """The turns of the rotating post in date order, each the cells one person holds: a rest period held as one duty
    (ROS-01 `rest_period_one_duty`), the working days of a calendar week (`weekday_block_days` > 1), else one shift on
    one day. Only shifts whose rotating post takes one person have turns."""
    single = tuple(s for s in shifts if s.headcount(post) == 1)
    grouped: dict[Cell, tuple[Cell, ...]] = {}
    for cells in ros_01.rest_periods(kinds, single, params):
        grouped |= {cell: tuple(cells) for cell in cells}
    size = int(params.get("weekday_block_days", 1))
    if size > 1:
        index = {d: i for i, d in enumerate(dates)}
        for week in weekday_blocks(zip(dates, kinds, strict=True), size):
            for shift in single:
                if shift.runs_on("workday"):
                    turn = tuple((index[d], shift.code) for d in week)
                    grouped |= {cell: turn for cell in turn}
    result: list[tuple[Cell, ...]] = []
    seen: set[tuple[Cell, ...]] = set()
    for day, kind in enumerate(kinds):
        for shift in single:
            if shift.runs_on(kind):
                turn = grouped.get((day, shift.code)) or ((day, shift.code),)
                if turn not in seen:
                    seen.add(turn)
                    result.append(turn)
    return result


def takes_part(roles: frozenset[str], post_roles: frozenset[str], params: Mapping[str, Any]) -> bool:
    """Whether someone with these roles is in the rotation: all staff (`all_staff`, the default), or only those who
    hold the duty officer role; holders of another post's role (leaders, drivers) take their own posts instead."""
    if roles & post_roles:
        return False
    return bool(params.get("all_staff", True)) or "duty_officer" in roles


def _rest_day_windows(
    roster: RosterFacts, params: Mapping[str, Any], turns_: list[tuple[Cell, ...]]
) -> list[solver.Window]:
    """`rest_day_block_days`: nobody holds a single-day rest-day turn of one shift on more days in a row than that."""
    if "rest_day_block_days" not in params:
        return []
    limit = int(params["rest_day_block_days"])
    single = sorted({turn[0] for turn in turns_ if len(turn) == 1 and roster.kinds[turn[0][0]] != "workday"})
    windows = []
    for code in sorted({c for _, c in single}):
        days = [d for d, c in single if c == code]
        runs: list[list[int]] = []
        for d in days:
            if runs and runs[-1][-1] == d - 1:
                runs[-1].append(d)
            else:
                runs.append([d])
        for run in runs:
            for start in range(len(run) - limit):
                windows.append(solver.Window(tuple(run[start : start + limit + 1]), code, roster.rotating_post, limit))
    return windows


def _wishes(roster: RosterFacts, params: Mapping[str, Any], turns_: list[tuple[Cell, ...]]) -> list[solver.Wish]:
    """Each turn wished on whoever's turn it is (`order`), from where the last period left off, the away skipped."""
    if "order" not in params:
        return []
    weight = TURN_WEIGHT.get(str(params["order"]), TURN_WEIGHT["preference"])
    away = [frozenset(p for p in roster.rotation if any((p, d) in roster.away for d, _ in turn)) for turn in turns_]
    holders = ideal_turns(roster.rotation, roster.previous_holder, away)
    return [
        solver.Wish(holder, day, code, True, weight)
        for turn, holder in zip(turns_, holders, strict=True)
        if holder is not None
        for day, code in turn
    ]


def shape(roster: RosterFacts, params: Mapping[str, Any]) -> Shape:
    """The rotation as solver constraints: weekday blocks held by one person, rest days at most
    `rest_day_block_days` in a row, the turns wished in order, working days left to the general-affairs section
    where the pack says so, and only the rotation's people on the rotating post."""
    post = roster.rotating_post
    turns_ = turns(roster.dates, roster.kinds, roster.shifts, post, params)
    blocks = [
        solver.Block(tuple(d for d, _ in turn), turn[0][1], post)
        for turn in turns_
        if len(turn) > 1 and all(roster.kinds[d] == "workday" for d, _ in turn)
    ]
    unavailable = []
    if params.get("weekday_coverage") == "general_affairs":
        unavailable += [
            solver.Unavailability(p.id, day, SECTION)
            for p in roster.people
            if not p.in_section
            for day, kind in enumerate(roster.kinds)
            if kind == "workday"
        ]
    post_roles = frozenset(p.role for p in roster.posts if p.role)
    unavailable += [
        solver.Unavailability(p.id, day, "ROS-02")
        for p in roster.people
        if not p.roles & post_roles and not takes_part(p.roles, post_roles, params)
        for day in range(len(roster.dates))
    ]
    return Shape(
        blocks=tuple(blocks),
        windows=tuple(_rest_day_windows(roster, params, turns_)),
        wishes=tuple(_wishes(roster, params, turns_)),
        unavailable=tuple(unavailable),
    )


CHECKS = {
    "rotation_blocks": rotation_blocks,
    "in_turn": in_turn,
    "weekday_section_only": weekday_section_only,
}
