"""ROS-01 — shift types and posts: qualification, headcount, one post per person, days worked (P3 二.1、六.1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "ROS-01"

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


CHECKS = {
    "shift_days": shift_days,
    "posts": posts,
    "headcount": headcount,
    "qualification": qualification,
    "one_post": one_post,
    "posts_filled": posts_filled,
    "shift_times": shift_times,
}
