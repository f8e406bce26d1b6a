"""ROS-04 — the system generates a fair draft: duty points by kind of duty, balanced over the pack's period.

Not in the source texts (a product function, `source = "default"`). A duty earns points by its day's kind (weekday,
weekend, holiday) plus a bonus for a night shift; generation balances each person's points over the fairness period
(this month, quarter or year up to the roster's start) and the fairness report warns when duties of one kind are
spread more unevenly than the pack allows. Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity
from zhiban.policy.shaping import RosterFacts, Shape

RULE_ID = "ROS-04"
CATEGORIES = ("weekday", "weekend", "holiday", "night")
SOLVER_KIND = {"workday": "weekday", "rest_day": "weekend", "holiday": "holiday"}  # day kind → points category
CATEGORY_ZH = {"weekday": "工作日", "weekend": "周末", "holiday": "节假日", "night": "夜班"}
# source: default — the points a duty earns when the pack's parameters are absent.
DEFAULT_POINTS: Mapping[str, float] = {"weekday": 1.0, "weekend": 1.5, "holiday": 3.0, "night": 0.5}
DEFAULT_MAX_SPREAD = 1


def points(params: Mapping[str, Any]) -> dict[str, float]:
    """Points of a duty by category (`night` is the bonus a night shift adds to its day's points)."""
    return {category: float(params.get(f"points_{category}", DEFAULT_POINTS[category])) for category in CATEGORIES}


def window_start(start: dt.date, params: Mapping[str, Any]) -> dt.date:
    """Where the fairness period of a roster starting on `start` begins: its month, quarter or year."""
    period = params.get("fairness_period", "year")
    if period == "month":
        return start.replace(day=1)
    if period == "quarter":
        return dt.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    return dt.date(start.year, 1, 1)


def duty_points(kind: str, night: bool, params: Mapping[str, Any]) -> float:
    """The points of one duty on a day of `kind` (workday / rest_day / holiday), a night shift earning its bonus."""
    table = points(params)
    return table[SOLVER_KIND[kind]] + (table["night"] if night else 0.0)


def shape(roster: RosterFacts, params: Mapping[str, Any]) -> Shape:
    """The points generation balances: each duty's points by the solver's day kind and shift."""
    return Shape(
        points={
            (SOLVER_KIND[kind], shift.code): duty_points(kind, shift.night, params)
            for kind in SOLVER_KIND
            for shift in roster.shifts
        }
    )


@dataclass(frozen=True)
class DutySpread:
    """How many duties of each category each person of a unit has over the fairness period."""

    unit_name: str
    counts: Mapping[str, Mapping[str, float]]  # person's name → category → duties


def balanced(facts: DutySpread, params: Mapping[str, Any]) -> list[Finding]:
    """One warning per category whose most and least loaded people are more than `max_spread` duties apart."""
    allowed = int(params.get("max_spread", DEFAULT_MAX_SPREAD))
    findings = []
    for category in CATEGORIES:
        per_person = {name: float(row.get(category, 0)) for name, row in facts.counts.items()}
        if len(per_person) < 2:
            continue
        most = max(per_person, key=lambda name: (per_person[name], name))
        least = min(per_person, key=lambda name: (per_person[name], name))
        spread = per_person[most] - per_person[least]
        if spread <= allowed:
            continue
        findings.append(
            Finding(
                RULE_ID,
                Severity.WARN,
                f"{facts.unit_name}{CATEGORY_ZH[category]}值班分配不均：{most}{per_person[most]:g}次，"
                f"{least}{per_person[least]:g}次，相差超过{allowed}次",
                f"{facts.unit_name}: {category} duties are uneven — {most} {per_person[most]:g}, "
                f"{least} {per_person[least]:g}, more than {allowed} apart",
                {"category": category, "most": most, "least": least, "spread": spread, "allowed": allowed},
            )
        )
    return findings


CHECKS = {"balanced": balanced}
