"""The facts the SWAP rules read, built from published duties and earlier swaps, and their enforcement.

A swap moves the requester's shift (the swapped shift) to the colleague and, when one is offered, the
colleague's shift (the return, 还班) to the requester. Each rule module under `policy/rules/swap_0*.py`
receives plain facts from here; nothing here decides a rule itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from zhiban.calendar import selectors as calendar_selectors
from zhiban.core import clock
from zhiban.org.candidates import duty_candidate
from zhiban.org.models import Person
from zhiban.org.scopes import organisation_of
from zhiban.policy import services as policy
from zhiban.policy.engine import Outcome
from zhiban.policy.rules import swap_01, swap_02, swap_03, swap_04, swap_07
from zhiban.roster import duties as roster_duties
from zhiban.roster import selectors as roster_selectors
from zhiban.roster.duties import Duty
from zhiban.roster.models import RosterPeriod, ShiftType
from zhiban.swaps.models import SwapRequest

# How far around a swapped shift a person's other shifts are read (adjacency and 连班).
AROUND = dt.timedelta(days=7)


@dataclass(frozen=True)
class Shift:
    """A roster cell, whoever holds it: the period, day, shift type and post."""

    period: RosterPeriod
    day: dt.date
    shift_type: ShiftType
    post: str

    @property
    def key(self) -> str:
        return f"{self.period.pk}:{self.day.isoformat()}:{self.shift_type.pk}:{self.post}"

    @property
    def label(self) -> str:
        return shift_label(self.day, self.shift_type)

    @classmethod
    def of(cls, duty: Duty) -> Shift:
        return cls(duty.period, duty.day, duty.shift_type, duty.post)


def shift_label(day: dt.date, shift_type: ShiftType) -> str:
    return f"{day.month}月{day.day}日 {shift_type.name}"


def swapped_shift(swap: SwapRequest) -> Shift:
    return Shift(swap.period, swap.day, swap.shift_type, swap.post)


def return_shift(swap: SwapRequest) -> Shift | None:
    if swap.return_period is None or swap.return_day is None or swap.return_shift_type is None:
        return None
    return Shift(swap.return_period, swap.return_day, swap.return_shift_type, swap.return_post)


def window(shift: Shift) -> tuple[dt.datetime, dt.datetime]:
    seasons = calendar_selectors.effective_seasons(shift.period.unit).dates
    return shift.shift_type.window(shift.day, seasons, clock.local_tz())


def slot(shift: Shift) -> swap_03.Slot:
    starts, ends = window(shift)
    return swap_03.Slot(shift.key, shift.label, starts, ends)


def day_kind(shift: Shift) -> str:
    """workday / rest_day / holiday of the shift's day, as its roster sees days (`roster.selectors.day_kinds`)."""
    return roster_selectors.day_kinds(shift.period.unit, shift.day, shift.day)[shift.day]


def active_swaps(person: Person, *, exclude: SwapRequest | None = None) -> list[SwapRequest]:
    """The person's swaps still in force (open, waiting for approval or done), either side."""
    rows = SwapRequest.objects.filter(
        Q(requester=person) | Q(colleague=person), status__in=SwapRequest.ACTIVE
    ).select_related("period__unit", "shift_type", "return_period__unit", "return_shift_type")
    if exclude is not None and exclude.pk:
        rows = rows.exclude(pk=exclude.pk)
    return list(rows)


def counted_days(person: Person, *, exclude: SwapRequest | None = None) -> list[dt.date]:
    """SWAP-02: the swapped-shift days of the person's swaps in force; returns (还班) are not counted again."""
    return [s.day for s in active_swaps(person, exclude=exclude) if s.return_for_id is None]


def swapped_keys(swaps: Iterable[SwapRequest]) -> frozenset[str]:
    keys = set()
    for swap in swaps:
        keys.add(swapped_shift(swap).key)
        back = return_shift(swap)
        if back is not None:
            keys.add(back.key)
    return frozenset(keys)


def given_away(person: Person, swaps: Iterable[SwapRequest]) -> list[Shift]:
    """Shifts the person gave away in done swaps: still theirs when counting adjacent swaps."""
    shifts = []
    for swap in swaps:
        if swap.status != SwapRequest.Status.DONE:
            continue
        if swap.requester_id == person.pk:
            shifts.append(swapped_shift(swap))
        elif (back := return_shift(swap)) is not None:
            shifts.append(back)
    return shifts


def _sequence(person: Person, giving: Shift, exclude: SwapRequest | None) -> swap_03.SwapSequence:
    swaps = active_swaps(person, exclude=exclude)
    own = [Shift.of(d) for d in roster_duties.duties_of(person, giving.day - AROUND, giving.day + AROUND)]
    around = [s for s in given_away(person, swaps) if abs((s.day - giving.day).days) <= AROUND.days]
    return swap_03.SwapSequence(
        person_name=person.name,
        swapping=slot(giving),
        duties=tuple(slot(s) for s in [*own, *around]),
        swapped_keys=swapped_keys(swaps),
    )


def _rest(person: Person, giving: Shift | None, taking: Shift | None) -> swap_03.RestAfterSwap:
    if taking is None:
        return swap_03.RestAfterSwap(person.name, (), ())
    days = [taking.day] + ([giving.day] if giving else [])
    own = roster_duties.duties_of(person, min(days) - dt.timedelta(days=2), max(days) + dt.timedelta(days=2))
    schedule = [Shift.of(d) for d in own if giving is None or Shift.of(d).key != giving.key]
    return swap_03.RestAfterSwap(person.name, (slot(taking),), tuple(slot(s) for s in [*schedule, taking]))


def _pair(requester: Person, colleague: Person) -> swap_04.SwapPair:
    return swap_04.SwapPair(
        requester.name,
        requester.job_type.name if requester.job_type else None,
        requester.grade,
        colleague.name,
        colleague.job_type.name if colleague.job_type else None,
        colleague.grade,
    )


def eligible(requester: Person, colleague: Person, unit: object) -> bool:
    """SWAP-04 alone: may `colleague` take a shift of `requester` (the open-request board)?"""
    return policy.evaluate(unit=unit, rule_ids=["SWAP-04"], facts=_pair(requester, colleague)).ok  # type: ignore[arg-type]


@dataclass(frozen=True)
class Proposal:
    """A swap as proposed: who gives which shift, to whom (None: open request), and the return offered."""

    requester: Person
    swapped: Shift
    colleague: Person | None = None
    back: Shift | None = None
    is_return: bool = False
    existing: SwapRequest | None = None


def enforce(proposal: Proposal, *, approvals: tuple[bool, bool] | None = None) -> Outcome:
    """Refuse the proposal (RuleViolationError citing the rules) when a SWAP rule, or ORG-03 for the colleague who
    would take the duty, forbids it.

    With `approvals` (requester's and colleague's team lead), SWAP-01 is checked too: the swap is about to
    take effect.
    """
    p = proposal
    facts: list[object] = []
    rule_ids = ["SWAP-03", "SWAP-07"]
    if not p.is_return:
        rule_ids.insert(0, "SWAP-02")
        month = swap_02.month_of(p.swapped.day)
        facts.append(
            swap_02.MonthlySwaps(
                p.requester.name, month, swap_02.count_in_month(counted_days(p.requester, exclude=p.existing), month)
            )
        )
    facts.append(_sequence(p.requester, p.swapped, p.existing))
    shifts = [swap_07.SwapShift(p.swapped.label, p.swapped.day, day_kind(p.swapped))]
    if p.colleague is not None:
        if not p.is_return:
            facts.append(
                swap_02.MonthlySwaps(
                    p.colleague.name,
                    month,
                    swap_02.count_in_month(counted_days(p.colleague, exclude=p.existing), month),
                )
            )
        rule_ids.insert(0, "ORG-03")  # the colleague takes a duty: never a guard, cleaner or outsider (P1 二)
        facts.append(duty_candidate(p.colleague, organisation=organisation_of(p.swapped.period.unit)))
        rule_ids.append("SWAP-04")
        facts.append(_pair(p.requester, p.colleague))
        facts.append(_rest(p.colleague, p.back, p.swapped))
        facts.append(_rest(p.requester, p.swapped, p.back))
        if p.back is not None:
            facts.append(_sequence(p.colleague, p.back, p.existing))
            shifts.append(swap_07.SwapShift(p.back.label, p.back.day, day_kind(p.back)))
    facts.append(swap_07.HolidaySwap(tuple(shifts)))
    if approvals is not None and p.colleague is not None:
        rule_ids.append("SWAP-01")
        facts.append(
            swap_01.SwapApprovals(
                p.requester.name,
                p.colleague.name,
                p.swapped.label,
                p.swapped.day,
                p.back.label if p.back else "",
                *approvals,
            )
        )
    return policy.enforce(unit=p.swapped.period.unit, rule_ids=rule_ids, facts=facts)
