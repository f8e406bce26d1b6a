"""SWAP-03 — no consecutive swaps, and neither side works back to back (连班) after a swap (P7 客服部换班制度 三).

"Consecutive" is about a person's own sequence of shifts: a swap may not touch a shift next to one
of theirs already in a swap, and a shift already swapped (or returned) is not swapped again. 连班 is
less than ROS-01's `min_rest` between the end of one shift and the start of the next, measured on
the real shift windows (night shifts end the next morning).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "SWAP-03"
BORROWS = {"min_rest": "ROS-01"}  # one minimum rest for generation, cell edits, leave covers and swaps


@dataclass(frozen=True)
class Slot:
    """One shift of a person: an opaque key (the roster cell), a label (`12月3日 夜班`) and its window."""

    key: str
    label: str
    starts_at: dt.datetime
    ends_at: dt.datetime


def duration_zh(value: dt.timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    sign = "-" if minutes < 0 else ""
    return f"{sign}{hours}小时{rest}分钟" if rest else f"{sign}{hours}小时"


def duration_en(value: dt.timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    sign = "-" if minutes < 0 else ""
    return f"{sign}{hours}h{rest:02d}m" if rest else f"{sign}{hours}h"


def gap_between(first: Slot, second: Slot) -> dt.timedelta:
    """Rest between two shifts (negative when they overlap)."""
    return max(second.starts_at - first.ends_at, first.starts_at - second.ends_at)


@dataclass(frozen=True)
class SwapSequence:
    """A person giving a shift away in a swap: their shifts around it (including the ones they already gave
    away in swaps still in force) and the keys of every shift of theirs already in a swap."""

    person_name: str
    swapping: Slot
    duties: tuple[Slot, ...]
    swapped_keys: frozenset[str]


def neighbours(facts: SwapSequence) -> list[Slot]:
    """The person's shifts right before and right after the one being swapped."""
    ordered = sorted({s.key: s for s in (*facts.duties, facts.swapping)}.values(), key=lambda s: s.starts_at)
    index = next(i for i, s in enumerate(ordered) if s.key == facts.swapping.key)
    return [ordered[i] for i in (index - 1, index + 1) if 0 <= i < len(ordered)]


def no_consecutive_swaps(facts: SwapSequence, params: Mapping[str, Any]) -> list[Finding]:
    """Refuses swapping a shift already swapped, or one next to a shift of the person's already in a swap."""
    if facts.swapping.key in facts.swapped_keys:
        return [
            Finding(
                RULE_ID,
                Severity.ENFORCE,
                f"{facts.person_name}的{facts.swapping.label}已是换班或还班班次，不能再换",
                f"{facts.person_name}'s {facts.swapping.label} is already a swapped or returned shift; it cannot be "
                "swapped again",
                {"person": facts.person_name, "shift": facts.swapping.label},
            )
        ]
    adjacent = [s for s in neighbours(facts) if s.key in facts.swapped_keys]
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"不允许连续换班：{facts.person_name}的{facts.swapping.label}与已换班的{s.label}相邻",
            f"no consecutive swaps: {facts.person_name}'s {facts.swapping.label} is next to {s.label}, already swapped",
            {"person": facts.person_name, "shift": facts.swapping.label, "adjacent": s.label},
        )
        for s in adjacent
    ]


@dataclass(frozen=True)
class RestAfterSwap:
    """One side of a swap: the shifts they take over, and all their shifts as they would be after the swap."""

    person_name: str
    taking: tuple[Slot, ...]
    schedule: tuple[Slot, ...]


def no_back_to_back(facts: RestAfterSwap, params: Mapping[str, Any]) -> list[Finding]:
    """Refuses when a shift taken over starts or ends less than `min_rest` from another shift of the person."""
    min_rest: dt.timedelta = params.get("min_rest", dt.timedelta(0))
    findings = []
    seen: set[frozenset[str]] = set()
    for taken in facts.taking:
        for other in facts.schedule:
            pair = frozenset((taken.key, other.key))
            if other.key == taken.key or pair in seen:
                continue
            gap = gap_between(taken, other)
            if gap >= min_rest:
                continue
            seen.add(pair)
            first, second = sorted((taken, other), key=lambda s: s.starts_at)
            findings.append(
                Finding(
                    RULE_ID,
                    Severity.ENFORCE,
                    f"换班后{facts.person_name}的{first.label}与{second.label}间隔{duration_zh(gap)}，"
                    f"少于{duration_zh(min_rest)}（连班）",
                    f"after the swap {facts.person_name} would work {first.label} and {second.label} "
                    f"{duration_en(gap)} apart, less than {duration_en(min_rest)} (back to back)",
                    {
                        "person": facts.person_name,
                        "shifts": [first.label, second.label],
                        "gap_minutes": int(gap.total_seconds() // 60),
                        "min_rest_minutes": int(min_rest.total_seconds() // 60),
                    },
                )
            )
    return findings


CHECKS = {"no_consecutive_swaps": no_consecutive_swaps, "no_back_to_back": no_back_to_back}
