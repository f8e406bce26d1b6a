"""ROS-05 — the duty board (值日牌) names the staff on duty and hangs in a prominent place (P2 三 第三条, P4 第三条).

"并应置值日牌，写明值班员工的姓名悬挂于明显地方": the board (the page, the kiosk on a wall screen) shows who is on
duty now and today. What it must show is checked here over the board as it is about to be shown: every post of every
shift of today (and of a night shift still running from yesterday) named by as many people as the post takes — a
post nobody is written on, or a whole shift with nobody on it, is a finding the board shows — and, where the pack's
`show_phones` says so, a phone for everyone named. Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "ROS-05"


@dataclass(frozen=True)
class BoardPost:
    """One post of a shift on the board: its label (值班人员, 带班领导, 代班司机), its headcount, the names on it."""

    label: str
    headcount: int
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class BoardShift:
    """A shift the board shows: `on_now` when it runs at the board's moment."""

    shift_name: str
    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    posts: tuple[BoardPost, ...]
    on_now: bool = False


@dataclass(frozen=True)
class BoardPerson:
    """Someone the board names, and whether a phone (mobile or office) can be shown for them."""

    name: str
    has_phone: bool


@dataclass(frozen=True)
class DutyBoard:
    """The board of one unit at one moment: every shift of today's published roster (and yesterday's still running),
    filled or not, and the people it names."""

    unit_name: str
    shifts: tuple[BoardShift, ...]
    people: tuple[BoardPerson, ...] = ()


def _when(shift: BoardShift) -> tuple[str, str]:
    times = f"{shift.starts_at:%H:%M}–{shift.ends_at:%H:%M}"
    now_zh, now_en = ("，正在值班", ", on now") if shift.on_now else ("", "")
    return (
        f"{shift.day.month}月{shift.day.day}日{shift.shift_name}（{times}{now_zh}）",
        f"{shift.day} {shift.shift_name} ({times}{now_en})",
    )


def on_duty_named(facts: DutyBoard, params: Mapping[str, Any]) -> list[Finding]:
    """Every post of every shift the board shows is written with as many names as it takes; each shortage is shown."""
    findings = []
    for shift in facts.shifts:
        short = [(post.label, post.headcount - len(post.names), post.headcount) for post in shift.posts]
        short = [(label, missing, headcount) for label, missing, headcount in short if missing > 0]
        if not short:
            continue
        when_zh, when_en = _when(shift)
        zh = "、".join(f"{label}缺{missing}人" for label, missing, _ in short)
        en = ", ".join(f"{label} {headcount - missing} of {headcount}" for label, missing, headcount in short)
        findings.append(
            Finding(
                RULE_ID,
                Severity.REPORT,
                f"值日牌{facts.unit_name}：{when_zh}{zh}，未写明值班人员姓名",
                f"duty board {facts.unit_name}: {when_en} names nobody for {en}",
                {
                    "day": shift.day.isoformat(),
                    "shift": shift.shift_name,
                    "on_now": shift.on_now,
                    "short": [[label, missing] for label, missing, _ in short],
                },
            )
        )
    return findings


def phones_shown(facts: DutyBoard, params: Mapping[str, Any]) -> list[Finding]:
    """Where the pack shows phones (`show_phones`), everyone the board names has a phone to show."""
    if not params["show_phones"]:
        return []
    missing = sorted({person.name for person in facts.people if not person.has_phone})
    if not missing:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.REPORT,
            f"值日牌{facts.unit_name}：{'、'.join(missing)}没有联系电话",
            f"duty board {facts.unit_name}: no phone for {', '.join(missing)}",
            {"people": missing},
        )
    ]


CHECKS = {"on_duty_named": on_duty_named, "phones_shown": phones_shown}
