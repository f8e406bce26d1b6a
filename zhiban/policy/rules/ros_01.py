"""ROS-01 — shift types and posts: qualification, headcount, one post per person, days worked (P3 二.1、六.1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity
from zhiban.policy.shaping import MEMBER, RosterFacts, Shape
from zhiban.roster.solver import model as solver

RULE_ID = "ROS-01"
SENIOR_GRADE = 3  # 高级工 (org.models.Grade.SENIOR): team leads and the 96123 line (P7 员工级别划分规则)

DAY_KINDS = {"workday": ("工作日", "working day"), "rest_day": ("休息日", "rest day"), "holiday": ("节假日", "holiday")}


def _day_kind(kind: str) -> tuple[str, str]:
    return DAY_KINDS.get(kind, (kind, kind))


@dataclass(frozen=True)
class ShiftDay:
    """A shift placed on a day: the day's kind (workday / rest_day / holiday) and the kinds the shift is worked on."""

    shift_name: str
    day: dt.date
    day_kind: str
    shift_day_kinds: tuple[str, ...]


@dataclass(frozen=True)
class PostCell:
    """One cell (date · shift · post): how many people the post takes and how many are put in it."""

    shift_name: str
    post_label: str
    headcount: int
    people: int


@dataclass(frozen=True)
class PostHolder:
    """A person put on a post that needs a role (带班领导 → duty_leader, 代班司机 → standby_driver).

    `required_role` is empty when the post needs none; `holds_role` whether the person holds it in
    the duty's organisation.
    """

    person_name: str
    post_label: str
    required_role: str
    holds_role: bool


@dataclass(frozen=True)
class ShiftPosts:
    """A person put on a post of a shift, and the other post of the same shift they already fill (or "")."""

    person_name: str
    shift_name: str
    day: dt.date
    post_label: str
    other_post_label: str = ""


@dataclass(frozen=True)
class ShiftCover:
    """A shift of a roster about to be published: each post's label → (needed, filled)."""

    shift_name: str
    day: dt.date
    posts: tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class ShiftTimes:
    """A shift type's times against the times the pack sets for it."""

    shift_name: str
    start: dt.time
    end: dt.time
    expected_start: dt.time
    expected_end: dt.time


def _refusal(message_zh: str, message_en: str, **details: Any) -> Finding:
    return Finding(RULE_ID, Severity.ENFORCE, message_zh, message_en, details=details)


def shift_days(facts: ShiftDay, params: Mapping[str, Any]) -> list[Finding]:
    """A shift is worked only on the kinds of day it applies to (rest-day shifts not on a working day)."""
    if facts.day_kind in facts.shift_day_kinds:
        return []
    kind_zh, kind_en = _day_kind(facts.day_kind)
    return [
        _refusal(
            f"{facts.shift_name}不在{facts.day}（{kind_zh}）安排",
            f"{facts.shift_name} is not worked on {facts.day} ({kind_en})",
            day=facts.day.isoformat(),
            day_kind=facts.day_kind,
            shift_day_kinds=list(facts.shift_day_kinds),
        )
    ]


def posts(facts: PostCell, params: Mapping[str, Any]) -> list[Finding]:
    """The shift has the post at all (a shift without a leader on duty takes nobody as 带班领导)."""
    if facts.headcount > 0:
        return []
    return [
        _refusal(
            f"{facts.shift_name}不设{facts.post_label}岗位",
            f"{facts.shift_name} has no post {facts.post_label}",
            post=facts.post_label,
        )
    ]


def headcount(facts: PostCell, params: Mapping[str, Any]) -> list[Finding]:
    """A post takes at most its headcount."""
    if facts.headcount == 0 or facts.people <= facts.headcount:
        return []
    return [
        _refusal(
            f"{facts.shift_name}{facts.post_label}为{facts.headcount}人，不能安排{facts.people}人",
            f"{facts.shift_name} {facts.post_label} takes {facts.headcount}, not {facts.people}",
            headcount=facts.headcount,
            people=facts.people,
        )
    ]


def qualification(facts: PostHolder, params: Mapping[str, Any]) -> list[Finding]:
    """Only holders of the post's role fill it: leaders as 带班领导, drivers as 代班司机."""
    if not facts.required_role or facts.holds_role:
        return []
    return [
        _refusal(
            f"{facts.person_name}不是{facts.post_label}，不能担任该岗位",
            f"{facts.person_name} does not hold the role {facts.post_label} and cannot fill that post",
            required_role=facts.required_role,
        )
    ]


def one_post(facts: ShiftPosts, params: Mapping[str, Any]) -> list[Finding]:
    """Nobody fills two posts of the same shift (leader on duty and duty officer at once)."""
    if not facts.other_post_label:
        return []
    return [
        _refusal(
            f"{facts.person_name}已是{facts.day}{facts.shift_name}的{facts.other_post_label}",
            f"{facts.person_name} is already {facts.other_post_label} of {facts.shift_name} on {facts.day}",
            day=facts.day.isoformat(),
            other_post=facts.other_post_label,
        )
    ]


def posts_filled(facts: ShiftCover, params: Mapping[str, Any]) -> list[Finding]:
    """Every post of a shift has as many people as it needs."""
    short = [(label, needed, filled) for label, needed, filled in facts.posts if filled < needed]
    if not short:
        return []
    zh = "、".join(f"{label}缺{needed - filled}人" for label, needed, filled in short)
    en = ", ".join(f"{label} {filled} of {needed}" for label, needed, filled in short)
    return [
        _refusal(
            f"{facts.day}{facts.shift_name}岗位不齐：{zh}",
            f"{facts.day} {facts.shift_name} is not fully staffed: {en}",
            day=facts.day.isoformat(),
            short=[list(item) for item in short],
        )
    ]


def shift_times(facts: ShiftTimes, params: Mapping[str, Any]) -> list[Finding]:
    """Records a shift type whose times differ from the pack's."""
    if (facts.start, facts.end) == (facts.expected_start, facts.expected_end):
        return []
    return [
        Finding(
            RULE_ID,
            Severity.RECORD,
            f"{facts.shift_name}时间为{facts.start:%H:%M}-{facts.end:%H:%M}，规定为"
            f"{facts.expected_start:%H:%M}-{facts.expected_end:%H:%M}",
            f"{facts.shift_name} runs {facts.start:%H:%M}-{facts.end:%H:%M}, the pack says "
            f"{facts.expected_start:%H:%M}-{facts.expected_end:%H:%M}",
        )
    ]


@dataclass(frozen=True)
class SeatHolder:
    """A person put on the rotating post (a seat), with their job type code ("" when none)."""

    person_name: str
    post_label: str
    job_type: str
    job_type_name: str = ""


@dataclass(frozen=True)
class ShiftGrades:
    """A shift of a roster about to be published: how many of the people on its rotating post are senior grade, and
    how many people the post takes."""

    shift_name: str
    day: dt.date
    seniors: int
    headcount: int


@dataclass(frozen=True)
class RestGap:
    """Two duties of one person in a row and the time between the end of the first and the start of the next."""

    person_name: str
    first: str
    then: str
    gap: dt.timedelta


def seat_job_type(facts: SeatHolder, params: Mapping[str, Any]) -> list[Finding]:
    """Seats are filled by the job types the pack names (`seat_job_types`; empty: any job type)."""
    wanted = tuple(params.get("seat_job_types", ()))
    if not wanted or facts.job_type in wanted:
        return []
    kind = facts.job_type_name or "未设工种"
    return [
        _refusal(
            f"{facts.person_name}（{kind}）不能担任{facts.post_label}：座席由{'、'.join(wanted)}工种担任",
            f"{facts.person_name} ({facts.job_type or 'no job type'}) cannot take {facts.post_label}: seats are for "
            f"{', '.join(wanted)}",
            job_type=facts.job_type,
            seat_job_types=list(wanted),
        )
    ]


def senior_needed(facts: ShiftGrades, params: Mapping[str, Any]) -> int:
    """How many senior-grade people the shift needs: `senior_per_shift`, at most its headcount."""
    return min(int(params.get("senior_per_shift", 0)), facts.headcount)


def senior_per_shift(facts: ShiftGrades, params: Mapping[str, Any]) -> list[Finding]:
    """Every shift has at least `senior_per_shift` senior-grade people (高级工: team leads) on its seats."""
    needed = senior_needed(facts, params)
    if facts.seniors >= needed:
        return []
    return [
        _refusal(
            f"{facts.day}{facts.shift_name}高级工{facts.seniors}人，每班至少{needed}人",
            f"{facts.day} {facts.shift_name} has {facts.seniors} senior-grade staff, at least {needed} per shift",
            day=facts.day.isoformat(),
            seniors=facts.seniors,
            needed=needed,
        )
    ]


def min_rest(facts: RestGap, params: Mapping[str, Any]) -> list[Finding]:
    """Between two duties of one person at least `min_rest` (0: none required; overlapping duties are one_post's)."""
    rest: dt.timedelta = params.get("min_rest", dt.timedelta(0))
    if facts.gap >= rest:
        return []
    hours = rest.total_seconds() / 3600
    return [
        _refusal(
            f"{facts.person_name}{facts.first}之后接{facts.then}，间隔不足{hours:g}小时",
            f"{facts.person_name} would go from {facts.first} to {facts.then} with less than {hours:g} hours of rest",
            gap_minutes=int(facts.gap.total_seconds() // 60),
            min_rest_minutes=int(rest.total_seconds() // 60),
        )
    ]


def rest_periods(
    kinds: tuple[str, ...], shifts: tuple[Any, ...], params: Mapping[str, Any]
) -> list[list[tuple[int, str]]]:
    """`rest_period_one_duty` (P2 第二条): a weekend or holiday duty runs from the last working day's end of work to the
    next working day's start — one duty, one person: the working day's after-hours cell, then each rest day's cell, as
    (day index, shift code). `shifts` are ShiftFacts-like (code, runs_on)."""
    if not params.get("rest_period_one_duty", False):
        return []
    evening = next((s for s in shifts if s.runs_on("workday")), None)
    off = next((s for s in shifts if s.runs_on("rest_day") and s.runs_on("holiday")), None)
    if evening is None or off is None:
        return []
    periods: list[list[tuple[int, str]]] = []
    run: list[int] = []
    for day, kind in [*enumerate(kinds), (len(kinds), "workday")]:
        if kind != "workday":
            run.append(day)
            continue
        if run:
            eve = run[0] - 1
            head = [(eve, evening.code)] if eve >= 0 and kinds[eve] == "workday" else []
            periods.append(head + [(d, off.code) for d in run])
            run = []
    return periods


def shape(roster: RosterFacts, params: Mapping[str, Any]) -> Shape:
    """Every post of every shift on the days it runs filled to its headcount by people who may hold it (the post's
    role; seats by the pack's job types), a senior on every shift, the minimum rest between two duties of one
    person, and a rest period held as one duty where the pack says so."""
    seats = frozenset(params.get("seat_job_types", ()))
    posts = tuple(
        solver.Post(
            post.id,
            post.label,
            post.role or MEMBER,
            job_types=seats if post.id == roster.rotating_post else frozenset(),
        )
        for post in roster.posts
    )
    cover = tuple(
        solver.Cover(day, shift.code, post, n, n) for day, shift in roster.cells() for post, n in shift.posts if n > 0
    )
    quotas = tuple(
        solver.Quota(day, shift.code, roster.rotating_post, needed, SENIOR_GRADE)
        for day, shift in roster.cells()
        if (needed := min(int(params.get("senior_per_shift", 0)), shift.headcount(roster.rotating_post))) > 0
    )
    rest = params.get("min_rest", dt.timedelta(0))
    blocks = tuple(
        solver.Block(tuple(d for d, _ in cells), cells[0][1], roster.rotating_post, tuple(code for _, code in cells))
        for cells in rest_periods(roster.kinds, roster.shifts, params)
        if len(cells) > 1
    )
    return Shape(
        cover=cover,
        posts=posts,
        quotas=quotas,
        blocks=blocks,
        min_rest_minutes=int(rest.total_seconds() // 60) or None,
    )


CHECKS = {
    "shift_days": shift_days,
    "posts": posts,
    "headcount": headcount,
    "qualification": qualification,
    "one_post": one_post,
    "posts_filled": posts_filled,
    "shift_times": shift_times,
    "seat_job_type": seat_job_type,
    "senior_per_shift": senior_per_shift,
    "min_rest": min_rest,
}
