"""Builds the monthly compliance report of a unit from what the other modules recorded.

Rule events (refusals and overridden warnings) are kept per organisation; everything else — roster
publications, approvals, swaps, leave, absences — is counted for the unit and the units below it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from zhiban.approvals.models import ApprovalStep
from zhiban.core import clock
from zhiban.discipline.models import DisciplineRecord
from zhiban.leave.models import LeaveKind, LeaveRequest, RequestStatus
from zhiban.org.models import Unit
from zhiban.org.scopes import organisation_of
from zhiban.policy import selectors as policy_selectors
from zhiban.policy.catalogue import catalogue
from zhiban.policy.models import RuleEvent
from zhiban.roster.models import RosterVersion
from zhiban.swaps.models import SwapRequest

REASONS_SHOWN = 5


@dataclass
class RuleLine:
    rule_id: str
    title: str
    blocked: int = 0
    overridden: int = 0
    reasons: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Deadlines:
    rosters_on_time: int
    rosters_late: int
    approvals_in_time: int
    approvals_overdue: int


@dataclass(frozen=True)
class Report:
    unit: Unit
    month: dt.date
    rules: list[RuleLine]
    deadlines: Deadlines
    swaps: list[tuple[str, int]]  # person, swaps that month
    leave: list[tuple[str, Decimal, int]]  # kind label, days, requests
    absences: list[tuple[str, Decimal]]  # person, share of 旷工

    @property
    def title(self) -> str:
        return f"{self.unit.name}{self.month.year}年{self.month.month}月合规月报"

    @property
    def blocked(self) -> int:
        return sum(line.blocked for line in self.rules)

    @property
    def overridden(self) -> int:
        return sum(line.overridden for line in self.rules)


def month_window(month: dt.date) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    first = month.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    tz = clock.local_tz()
    start = dt.datetime.combine(first, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return first, last, start, end


def _rule_titles(unit: Unit) -> dict[str, str]:
    titles = dict(catalogue().rules)
    resolved = policy_selectors.resolved_for_unit(unit)
    if resolved is not None:
        for rule in resolved.pack.rules:
            titles[rule.id] = rule.title_with(resolved.parameters(rule.id) if rule.implemented else {}).zh
    return titles


def _rules(unit: Unit, start: dt.datetime, end: dt.datetime) -> list[RuleLine]:
    organisation = organisation_of(unit)
    titles = _rule_titles(unit)
    lines: dict[str, RuleLine] = {}
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    events = RuleEvent.objects.filter(organisation=organisation, at__gte=start, at__lt=end).values_list(
        "rule_id", "outcome", "reason"
    )
    for rule_id, outcome, reason in events:
        line = lines.setdefault(rule_id, RuleLine(rule_id, titles.get(rule_id, "")))
        if outcome == RuleEvent.Outcome.BLOCKED:
            line.blocked += 1
        else:
            line.overridden += 1
            reasons[rule_id][reason] += 1
    for rule_id, line in lines.items():
        line.reasons = reasons[rule_id].most_common(REASONS_SHOWN)
    return sorted(lines.values(), key=lambda line: line.rule_id)


def _deadlines(unit: Unit, start: dt.datetime, end: dt.datetime) -> Deadlines:
    versions = RosterVersion.objects.filter(
        period__unit__path__startswith=unit.path, published_at__gte=start, published_at__lt=end, number=1
    )
    late = versions.filter(late=True).count()
    steps = ApprovalStep.objects.filter(
        unit__path__startswith=unit.path, decided_at__gte=start, decided_at__lt=end
    ).exclude(status=ApprovalStep.Status.CANCELLED)
    overdue = steps.filter(Q(reminded_at__isnull=False)).count()
    return Deadlines(versions.count() - late, late, steps.count() - overdue, overdue)


def _swaps(unit: Unit, first: dt.date, last: dt.date) -> list[tuple[str, int]]:
    done = SwapRequest.objects.filter(
        status=SwapRequest.Status.DONE, day__gte=first, day__lte=last, return_for__isnull=True
    ).values_list("requester__name", "requester__unit__path", "colleague__name", "colleague__unit__path")
    counts: Counter[str] = Counter()
    for requester, requester_path, colleague, colleague_path in done:
        for name, path in ((requester, requester_path), (colleague, colleague_path)):
            if name and path and path.startswith(unit.path):
                counts[name] += 1  # SWAP-02: a swap counts once for each of the two people
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _leave(unit: Unit, start: dt.datetime, end: dt.datetime) -> list[tuple[str, Decimal, int]]:
    taken = LeaveRequest.objects.filter(
        person__unit__path__startswith=unit.path,
        status__in=[RequestStatus.APPROVED, RequestStatus.RETURNED],
        starts_at__gte=start,
        starts_at__lt=end,
    ).values_list("kind", "working_days")
    days: dict[str, Decimal] = defaultdict(Decimal)
    requests: Counter[str] = Counter()
    for kind, working_days in taken:
        days[kind] += working_days
        requests[kind] += 1
    labels = dict(LeaveKind.choices)
    return [(str(labels.get(kind, kind)), days[kind], requests[kind]) for kind in LeaveKind.values if kind in days]


def _absences(unit: Unit, first: dt.date, last: dt.date) -> list[tuple[str, Decimal]]:
    shares: dict[str, Decimal] = defaultdict(Decimal)
    for name, share in DisciplineRecord.objects.filter(
        kind=DisciplineRecord.Kind.ABSENCE, person__unit__path__startswith=unit.path, date__gte=first, date__lte=last
    ).values_list("person__name", "share"):
        shares[name] += share
    return sorted(shares.items(), key=lambda item: (-item[1], item[0]))


def build(unit: Unit, month: dt.date) -> Report:
    first, last, start, end = month_window(month)
    return Report(
        unit=unit,
        month=first,
        rules=_rules(unit, start, end),
        deadlines=_deadlines(unit, start, end),
        swaps=_swaps(unit, first, last),
        leave=_leave(unit, start, end),
        absences=_absences(unit, first, last),
    )
