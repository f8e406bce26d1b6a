"""Reads of swaps, already filtered for the user; the permission checks the services call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from zhiban.accounts.models import User
from zhiban.approvals import selectors as approval_selectors
from zhiban.approvals.models import ApprovalStep
from zhiban.core import clock
from zhiban.discipline import selectors as discipline_selectors
from zhiban.org.models import Person, Unit
from zhiban.org.scopes import organisation_key, organisation_of, person_of, unit_scope
from zhiban.policy import selectors as policy_selectors
from zhiban.policy.rules import swap_06
from zhiban.roster import duties as roster_duties
from zhiban.roster.duties import Duty
from zhiban.roster.models import RosterPeriod, ShiftType
from zhiban.swaps import checks
from zhiban.swaps.models import SwapDebt, SwapRequest

SUBJECT = "swap"  # the approval chains' subject type of a swap request


def acting_person(user: User | None) -> Person | None:
    """The active person record of a signed-in user, or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    person = person_of(user)
    return person if person is not None and person.is_active else None


# ------------------------------------------------------------------------------------ swaps


def person_in_organisation(person: Person, organisation: Unit) -> bool:
    return organisation_key(person.unit) == organisation_key(organisation)


def swap_list(*, user: User | None) -> QuerySet[SwapRequest]:
    """Swaps the user is a party to, and those of the people they manage (their team leads and above)."""
    scope = unit_scope(user, "manage")
    query = scope.q("requester__unit__path") | scope.q("colleague__unit__path")
    own = acting_person(user)
    if own is not None:
        query |= Q(requester=own) | Q(colleague=own)
    elif scope.empty:
        return SwapRequest.objects.none()
    return SwapRequest.objects.filter(query).select_related(*SWAP_RELATED)


SWAP_RELATED = (
    "requester__unit",
    "requester__job_type",
    "colleague__unit",
    "colleague__job_type",
    "period__unit",
    "shift_type",
    "return_period__unit",
    "return_shift_type",
    "organisation",
)


def can_accept(user: User | None, swap: SwapRequest) -> bool:
    """The named colleague, or for an open request anyone of the organisation who passes SWAP-04."""
    person = acting_person(user)
    if person is None or swap.status != SwapRequest.Status.OPEN or person.pk == swap.requester_id:
        return False
    if swap.colleague_id is not None:
        return swap.colleague_id == person.pk
    return person_in_organisation(person, swap.organisation) and checks.eligible(
        swap.requester, person, swap.period.unit
    )


def open_board(*, user: User | None) -> list[SwapRequest]:
    """Open requests (no colleague named) of the user's organisation that they may accept (SWAP-04)."""
    person = acting_person(user)
    if person is None:
        return []
    rows = (
        SwapRequest.objects.filter(
            status=SwapRequest.Status.OPEN,
            colleague__isnull=True,
            organisation__path=f"{organisation_key(person.unit)}.",
            day__gte=clock.today(),
        )
        .exclude(requester=person)
        .select_related(*SWAP_RELATED)
        .order_by("day", "id")
    )
    return [swap for swap in rows if can_accept(user, swap)]


def swap_get(*, user: User | None, public_id: str) -> SwapRequest:
    """SwapRequest.DoesNotExist when absent, or neither the user's nor in their scope nor on their board."""
    try:
        return swap_list(user=user).get(public_id=public_id)
    except SwapRequest.DoesNotExist:
        swap = SwapRequest.objects.select_related(*SWAP_RELATED).get(public_id=public_id)
        if swap.colleague_id is None and can_accept(user, swap):
            return swap
        raise


def can_withdraw(user: User | None, swap: SwapRequest) -> bool:
    person = acting_person(user)
    return person is not None and person.pk == swap.requester_id and swap.status in SwapRequest.PENDING


def can_decline(user: User | None, swap: SwapRequest) -> bool:
    person = acting_person(user)
    return person is not None and swap.colleague_id == person.pk and swap.status == SwapRequest.Status.OPEN


def decidable_steps(user: User | None, swap: SwapRequest) -> list[ApprovalStep]:
    """The current SWAP-01 steps of the swap the user may decide (a lead of both sides decides both)."""
    if swap.status != SwapRequest.Status.ACCEPTED:
        return []
    return [s for s in approval_selectors.current_steps(SUBJECT, swap.pk) if approval_selectors.can_decide(user, s)]


def can_judge(user: User | None, swap: SwapRequest) -> bool:
    """SWAP-05: a manager of either side (their team lead or above) records the judgement on a done swap."""
    if swap.status != SwapRequest.Status.DONE or swap.colleague is None:
        return False
    return discipline_selectors.can_record(user, swap.requester) or discipline_selectors.can_record(
        user, swap.colleague
    )


def my_duties(person: Person, *, days: int = 62) -> list[Duty]:
    """The person's published duties from now on that could still be swapped (not started yet)."""
    now = clock.now()
    today = clock.today()
    return [d for d in roster_duties.duties_of(person, today, today + dt.timedelta(days=days)) if d.starts_at > now]


def duty_token(duty: Duty) -> str:
    """How a form or the API names a published duty: `<period>|<date>|<shift type>|<post>`."""
    return f"{duty.period.public_id}|{duty.day.isoformat()}|{duty.shift_type.public_id}|{duty.post}"


def duty_from_token(person: Person, token: str, *, field: str) -> Duty:
    """The person's own published duty named by `token`, not started yet; ValidationError naming `field`."""
    try:
        period_id, day_text, shift_id, post = token.split("|")
        day = dt.date.fromisoformat(day_text)
        period = RosterPeriod.objects.select_related("unit").get(public_id=period_id)
        shift_type = ShiftType.objects.get(public_id=shift_id, organisation=organisation_of(period.unit))
    except (ValueError, RosterPeriod.DoesNotExist, ShiftType.DoesNotExist):
        raise ValidationError({field: f"{token!r} 不是一个已公布的班次"}) from None
    duty = roster_duties.duty_of(period, day, shift_type, post, person)
    if duty is None:
        raise ValidationError({field: f"{person.name}在{day:%Y-%m-%d} {shift_type.name}没有已公布的值班"})
    if duty.starts_at <= clock.now():
        raise ValidationError({field: f"{day:%Y-%m-%d} {shift_type.name}已开始或已结束，不能再换"})
    return duty


def colleagues(person: Person) -> QuerySet[Person]:
    """Active staff of the person's organisation a swap may be asked of (SWAP-04 decides on asking)."""
    return (
        Person.objects.filter(unit__path__startswith=f"{organisation_key(person.unit)}.", is_active=True)
        .exclude(pk=person.pk)
        .select_related("unit", "job_type")
        .order_by("unit__path", "name")
    )


def colleague_get(person: Person, public_id: str) -> Person:
    try:
        return colleagues(person).get(public_id=public_id)
    except Person.DoesNotExist:
        raise ValidationError({"colleague": "同单位在岗人员中没有此人"}) from None


# ------------------------------------------------------------------------------------ SWAP-06 for leave


@dataclass(frozen=True)
class HeldThroughSwap:
    """A shift a person works because of a done swap: `swapped` (taken over) or `returned` (还班)."""

    swap: SwapRequest
    period: RosterPeriod
    day: dt.date
    shift_type: ShiftType
    post: str
    role: str

    def as_fact(self) -> swap_06.SwappedDuty:
        return swap_06.SwappedDuty(checks.shift_label(self.day, self.shift_type), self.day, self.role)


def swapped_duties(person: Person, start: dt.date, end: dt.date) -> list[HeldThroughSwap]:
    """SWAP-06: the person's swapped or returned shifts from `start` to `end` (done swaps), by day.

    The leave app refuses leave on these: `policy.enforce(unit=…, rule_ids=["SWAP-06"],
    facts=swaps.selectors.leave_facts(person, start, end))`.
    """
    held = []
    done = SwapRequest.objects.filter(
        Q(requester=person) | Q(colleague=person), status=SwapRequest.Status.DONE
    ).select_related("period", "shift_type", "return_period", "return_shift_type")
    for swap in done:
        if swap.colleague_id == person.pk and start <= swap.day <= end:
            role = "returned" if swap.return_for_id else "swapped"
            held.append(HeldThroughSwap(swap, swap.period, swap.day, swap.shift_type, swap.post, role))
        back = checks.return_shift(swap)
        if swap.requester_id == person.pk and back is not None and start <= back.day <= end:
            held.append(HeldThroughSwap(swap, back.period, back.day, back.shift_type, back.post, "returned"))
    return sorted(held, key=lambda h: (h.day, h.shift_type.sort_order))


def leave_facts(person: Person, start: dt.date, end: dt.date) -> swap_06.LeaveOnSwappedShift:
    """The SWAP-06 facts of a leave request of `person` from `start` to `end` (inclusive)."""
    return swap_06.LeaveOnSwappedShift(
        person.name, start, end, tuple(h.as_fact() for h in swapped_duties(person, start, end))
    )


# ------------------------------------------------------------------------------------ debts and register


def swap_08_params(organisation: Unit) -> Mapping[str, Any] | None:
    """SWAP-08's live parameters for the organisation, or None when its pack does not declare the rule."""
    resolved = policy_selectors.resolved_for_unit(organisation)
    if resolved is None:
        return None
    return resolved.parameters("SWAP-08") if resolved.pack.declares("SWAP-08") else None


def debt_list(*, user: User | None) -> QuerySet[SwapDebt]:
    """Return debts the user owes or is owed, and those of the people they manage."""
    scope = unit_scope(user, "manage")
    query = scope.q("returner__unit__path") | scope.q("creditor__unit__path")
    own = acting_person(user)
    if own is not None:
        query |= Q(returner=own) | Q(creditor=own)
    elif scope.empty:
        return SwapDebt.objects.none()
    return SwapDebt.objects.filter(query).select_related(
        "swap__shift_type", "returner", "creditor", "return_shift_type", "swap__period"
    )


def register(*, user: User | None, first: dt.date, last: dt.date) -> list[SwapRequest]:
    """换班登记表 (SWAP-01): the swaps whose swapped shift falls in the month, with both people and shifts."""
    return list(
        swap_list(user=user)
        .filter(day__gte=first, day__lte=last)
        .exclude(status__in=[SwapRequest.Status.WITHDRAWN])
        .order_by("day", "shift_type__sort_order", "id")
    )
