"""Reads of compensatory rest and the allowance report, filtered by `zhiban.org.scopes`.

Who manages a person's rest (ROS-07: arranged by the department, filed with the secretariat): a
system administrator, the secretariat of the person's organisation, or a head of the department
the person's unit lies in. A person sees their own credits too. The allowance report (ROS-08) of a
unit is for those who manage the unit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from zhiban.accounts.models import User
from zhiban.org.models import Person, Role, RoleAssignment, Unit
from zhiban.org.scopes import department_of, organisation_of, person_of, unit_scope
from zhiban.policy import selectors as policy_selectors
from zhiban.policy.rules import ros_07, ros_08
from zhiban.roster.compensation.models import RestCredit, RestTaking
from zhiban.roster.models import Assignment
from zhiban.roster.selectors import day_kinds as roster_day_kinds
from zhiban.roster.selectors import rule_parameters

REST_HEAD_ROLES = (Role.DEPARTMENT_HEAD, Role.CS_DIRECTOR)
ZERO = Decimal("0")


def _active_person(user: User | None) -> Person | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    person = person_of(user)
    return person if person is not None and person.is_active else None


def _held(user: User | None) -> list[RoleAssignment]:
    person = _active_person(user)
    if person is None:
        return []
    roles = (Role.SECRETARIAT, *REST_HEAD_ROLES)
    return list(RoleAssignment.objects.filter(person=person, role__in=roles).select_related("unit"))


def _managed_q(user: User | None, unit_path: str) -> Q:
    """People whose rest `user` manages: under the organisation they are secretariat of, or under the
    department they head."""
    if policy_selectors.is_system_administrator(user):
        return Q()
    query = Q(pk__in=[])
    for held in _held(user):
        scope = held.unit if held.role == Role.SECRETARIAT else department_of(held.unit)
        query |= Q(**{f"{unit_path}__startswith": scope.path})
    return query


def can_manage_rest(user: User | None, person: Person) -> bool:
    """May `user` record rest taken by `person`?"""
    return Person.objects.filter(_managed_q(user, "unit__path"), pk=person.pk).exists()


def managed_people(*, user: User | None) -> QuerySet[Person]:
    if _active_person(user) is None and not policy_selectors.is_system_administrator(user):
        return Person.objects.none()
    return Person.objects.filter(_managed_q(user, "unit__path"), is_active=True).select_related("unit")


def visible_people(*, user: User | None) -> QuerySet[Person]:
    """The people whose rest `user` may see: those they manage and themselves."""
    own = _active_person(user)
    query = _managed_q(user, "unit__path")
    if own is not None:
        query |= Q(pk=own.pk)
    elif not policy_selectors.is_system_administrator(user):
        return Person.objects.none()
    return Person.objects.filter(query).select_related("unit")


def person_get(*, user: User | None, public_id: str) -> Person:
    """Person.DoesNotExist when absent or out of scope."""
    return visible_people(user=user).get(public_id=public_id)


def credits_of(person: Person) -> QuerySet[RestCredit]:
    return person.rest_credits.select_related("shift_type", "period__unit").order_by("date", "id")


def takings_of(person: Person) -> QuerySet[RestTaking]:
    return person.rest_taken.select_related("recorded_by")


def open_balance(person: Person) -> Decimal:
    return sum((c.open_days for c in person.rest_credits.all()), ZERO)


@dataclass
class Balance:
    """补休余额 of one person for one month of duties: credited, taken, expired, open (days)."""

    person: Person
    credited: Decimal = ZERO
    taken: Decimal = ZERO
    expired: Decimal = ZERO
    credits: list[RestCredit] = field(default_factory=list)

    @property
    def open(self) -> Decimal:
        return self.credited - self.taken - self.expired


def balances(*, user: User | None, first: dt.date, last: dt.date) -> list[Balance]:
    """Per visible person with credits for duties from `first` to `last`, in unit and name order."""
    people = visible_people(user=user)
    credits = (
        RestCredit.objects.filter(person__in=people, date__gte=first, date__lte=last)
        .select_related("person__unit", "shift_type")
        .order_by("person__unit__path", "person__name", "date")
    )
    found: dict[int, Balance] = {}
    for credit in credits:
        row = found.setdefault(credit.person_id, Balance(credit.person))
        row.credited += credit.days
        row.taken += credit.taken
        row.expired += credit.expired
        row.credits.append(credit)
    return list(found.values())


def rest_params(unit: Unit) -> dict[str, Any] | None:
    """The live ROS-07 parameters of the unit's organisation, or None when its pack declares no ROS-07."""
    _, params = rule_parameters(unit, ["ROS-07"])
    return params.get("ROS-07")


def allowance_params(unit: Unit) -> dict[str, Any]:
    """The live ROS-08 parameters (rates) of the unit's organisation; empty when its pack has none."""
    _, params = rule_parameters(unit, ["ROS-08"])
    return params.get("ROS-08", {})


def secretariat_of(unit: Unit) -> list[Person]:
    held = RoleAssignment.objects.filter(role=Role.SECRETARIAT, unit=organisation_of(unit), person__is_active=True)
    return [a.person for a in held.select_related("person")]


def department_heads_of(unit: Unit) -> list[Person]:
    held = RoleAssignment.objects.filter(
        role__in=REST_HEAD_ROLES, unit=department_of(unit), person__is_active=True
    ).select_related("person")
    return [a.person for a in held]


# ------------------------------------------------------------------------------------ allowance (ROS-08)


def can_see_allowance(user: User | None, unit: Unit) -> bool:
    """Those who manage the unit: a system administrator, the secretariat, heads above it."""
    if policy_selectors.is_system_administrator(user):
        return True
    return _active_person(user) is not None and unit_scope(user, "manage").contains(unit)


def allowance_units(*, user: User | None) -> QuerySet[Unit]:
    if _active_person(user) is None and not policy_selectors.is_system_administrator(user):
        return Unit.objects.none()
    return Unit.objects.filter(unit_scope(user, "manage").q("path"), roster_periods__isnull=False).distinct()


def allowance_unit_get(*, user: User | None, public_id: str) -> Unit:
    """Unit.DoesNotExist when absent or not the user's to see."""
    unit = Unit.objects.get(public_id=public_id)
    if not can_see_allowance(user, unit):
        raise Unit.DoesNotExist
    return unit


def duties_of_month(unit: Unit, first: dt.date, last: dt.date) -> list[ros_08.Duty]:
    """Every duty of the published rosters of the unit and the units below it in the month (the latest
    version of each period)."""
    assignments = (
        Assignment.objects.published()
        .filter(
            version__period__unit__path__startswith=unit.path,
            date__gte=first,
            date__lte=last,
        )
        .select_related("person", "shift_type")
        .order_by("date", "person__name")
    )
    kinds = day_kinds(unit, first, last)
    return [
        ros_08.Duty(a.person.name, a.date, kinds[a.date], a.shift_type.code, a.person.public_id) for a in assignments
    ]


def day_kinds(unit: Unit, first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """workday / rest_day / holiday as the unit's duties see them (`roster.selectors.day_kinds`)."""
    return roster_day_kinds(unit, first, last)


def allowance_report(unit: Unit, first: dt.date, last: dt.date) -> ros_08.AllowanceReport:
    return ros_08.report(duties_of_month(unit, first, last), allowance_params(unit))


def month_credits(organisation: Unit) -> QuerySet[RestCredit]:
    return RestCredit.objects.filter(person__unit__path__startswith=organisation.path).select_related("person__unit")


def open_credit_facts(credits: QuerySet[RestCredit]) -> tuple[ros_07.OpenCredit, ...]:
    return tuple(ros_07.OpenCredit(c.person.name, c.date, c.open_days) for c in credits if c.open_days > 0)


def by_department(credits: list[RestCredit]) -> dict[int, list[RestCredit]]:
    grouped: dict[int, list[RestCredit]] = defaultdict(list)
    for credit in credits:
        grouped[department_of(credit.person.unit).pk].append(credit)
    return grouped
