"""Fairness report (公平性): year-to-date duty points per person by category, spread and a balance score.

The balance score follows Grafana OnCall's pairwise min/max balance — the mean over all pairs of people of
min(a, b) / max(a, b) (two people with nothing count as balanced) — computed per category and averaged with
the categories' point weights. 1 is perfectly even, 0 is one person doing everything. Pure functions here
(the benchmark uses them); `report` reads the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import F

from zhiban.org.models import Person
from zhiban.policy import services as policy
from zhiban.policy.engine import CitedFinding
from zhiban.policy.rules import ros_04
from zhiban.roster.generation.points import is_night, point_table, solver_kinds
from zhiban.roster.models import Assignment

CATEGORIES = ("weekday", "weekend", "holiday", "night")
DEFAULT_WEIGHTS: Mapping[str, float] = {"weekday": 1.0, "weekend": 1.5, "holiday": 3.0, "night": 0.5}


def pairwise_balance(values: Iterable[float]) -> float:
    """Mean over all pairs of min/max (0/0 counts as 1), in O(n log n): sorted, a pair (i < j) gives v_i / v_j."""
    ordered = sorted(max(v, 0.0) for v in values)
    n = len(ordered)
    if n < 2:
        return 1.0
    total, prefix = 0.0, 0.0
    for j, v in enumerate(ordered):
        total += prefix / v if v > 0 else j  # every earlier value is 0 too: j balanced pairs
        prefix += v
    return total / (n * (n - 1) / 2)


def balance_score(counts: Mapping[str, Mapping[str, float]], weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> float:
    """Per-category pairwise balance of the counts, averaged with the weights of the categories anyone has."""
    used = [c for c in CATEGORIES if any(row.get(c, 0) for row in counts.values())]
    if not used or len(counts) < 2:
        return 1.0
    weight = sum(weights[c] for c in used)
    score = sum(weights[c] * pairwise_balance(row.get(c, 0) for row in counts.values()) for c in used) / weight
    return round(score, 4)


def points_of(row: Mapping[str, float], weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> float:
    return round(sum(weights[c] * row.get(c, 0) for c in CATEGORIES), 2)


@dataclass(frozen=True)
class PersonLine:
    name: str
    counts: Mapping[str, float]
    points: float
    prior: float = 0.0

    @property
    def total(self) -> float:
        return round(self.prior + self.points, 2)


@dataclass(frozen=True)
class Report:
    lines: tuple[PersonLine, ...]
    spread: float
    balance: float
    weights: Mapping[str, float]
    warnings: tuple[CitedFinding, ...] = ()  # ROS-04 `balanced`: categories spread wider than the pack allows

    @property
    def highest(self) -> float:
        return max((line.total for line in self.lines), default=0.0)


def summarise(
    counts: Mapping[str, Mapping[str, float]],
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    prior: Mapping[str, float] | None = None,
    names: Mapping[str, str] | None = None,
) -> Report:
    """Lines per person (sorted by total points, highest first), the spread of totals and the balance score."""
    prior, names = prior or {}, names or {}
    lines = tuple(
        sorted(
            (
                PersonLine(names.get(key, key), dict(row), points_of(row, weights), prior.get(key, 0.0))
                for key, row in counts.items()
            ),
            key=lambda line: (-line.total, line.name),
        )
    )
    totals = [line.total for line in lines]
    spread = round(max(totals) - min(totals), 2) if totals else 0.0
    return Report(lines, spread, balance_score(counts, weights), dict(weights))


def category_counts(duties: Iterable[tuple[str, str, bool]]) -> dict[str, dict[str, float]]:
    """(person, day kind, night?) per duty → counts per person and category (a night duty counts in both)."""
    counts: dict[str, dict[str, float]] = {}
    for person, kind, night in duties:
        row = counts.setdefault(person, dict.fromkeys(CATEGORIES, 0))
        row[kind] += 1
        if night:
            row["night"] += 1
    return counts


def report(*, user: Any, unit: Any, year: int) -> Report:
    """The year's published duties of the unit's people (the user must be able to see the unit)."""
    table = point_table(unit)
    weights = {"weekday": table.weekday, "weekend": table.weekend, "holiday": table.holiday, "night": table.night}
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    kinds = solver_kinds(start, end, unit)
    people: Sequence[Any] = list(
        Person.objects.filter(unit__path__startswith=unit.path, is_active=True, kind="staff").order_by("name")
    )
    rows = Assignment.objects.filter(
        version__period__unit=unit,
        version=F("version__period__published_version"),
        date__gte=start,
        date__lte=end,
    ).select_related("person", "shift_type")
    counts = {p.public_id: dict.fromkeys(CATEGORIES, 0.0) for p in people}
    counts.update(category_counts((a.person.public_id, kinds[a.date], is_night(a.shift_type)) for a in rows))
    names = {p.public_id: p.name for p in people} | {a.person.public_id: a.person.name for a in rows}
    spread = ros_04.DutySpread(unit.name, {names.get(key, key): row for key, row in counts.items()})
    outcome = policy.evaluate(unit=unit, rule_ids=[ros_04.RULE_ID], facts=spread)
    return replace(summarise(counts, weights, names=names), warnings=outcome.warnings)
