"""Reads of the leave app, already filtered for the user, and who may do what.

A request is seen by its person, by whoever filed it and by the managers whose scope covers the
person's unit (team lead, station head, department head, directors, secretariat); nobody else.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhiban.accounts.models import User
from zhiban.approvals import selectors as approval_selectors
from zhiban.approvals.models import ApprovalStep
from zhiban.leave import rules
from zhiban.leave.models import LeaveRequest, RestRequest, Substitution
from zhiban.org.models import Person, Role, RoleAssignment, Unit
from zhiban.org.scopes import active_person, department_of, organisation_of, restrict_people, unit_scope
from zhiban.policy import selectors as policy_selectors
from zhiban.roster import selectors as roster_selectors
from zhiban.roster.models import RosterPeriod

SUBJECT_LEAVE = "leave"
SUBJECT_SUBSTITUTION = "substitution"
SUBJECT_REST = "rest"


def _visible_q(user: User | None, person_field: str) -> Q:
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    manage = unit_scope(user, "manage")
    query = Q(**{f"{person_field}__user": user}) | Q(filed_by=user)
    if not manage.empty:
        query |= manage.q(f"{person_field}__unit__path")
    return query


def leave_list(*, user: User | None) -> QuerySet[LeaveRequest]:
    return (
        LeaveRequest.objects.filter(_visible_q(user, "person"))
        .select_related("person", "person__unit", "unit")
        .order_by("-starts_at", "-id")
    )


def substitution_list(*, user: User | None) -> QuerySet[Substitution]:
    query = (
        _visible_q(user, "person") | Q(substitute__user=user)
        if user is not None and user.is_authenticated
        else Q(pk__in=[])
    )
    return (
        Substitution.objects.filter(query)
        .select_related("person", "substitute", "shift_type", "period")
        .order_by("-day", "-id")
    )


def rest_request_list(*, user: User | None) -> QuerySet[RestRequest]:
    return RestRequest.objects.filter(_visible_q(user, "person")).select_related("person").order_by("-day", "-id")


def waiting_on(user: User | None) -> list[ApprovalStep]:
    """What waits on the user now (approval_selectors.inbox), in a fixed number of queries: the candidate
    steps the user's roles may decide, then the chains they belong to, in one query."""
    person = active_person(user)
    if person is None:
        return []
    held = list(RoleAssignment.objects.filter(person=person).select_related("unit"))
    if not held:
        return []
    scope = Q()
    for assignment in held:
        scope |= Q(role=assignment.role, unit__path__startswith=assignment.unit.path)
    candidates = list(
        ApprovalStep.objects.filter(scope, status=ApprovalStep.Status.PENDING)
        .select_related("unit")
        .order_by("created_at", "id")
    )
    if not candidates:
        return []
    subjects = Q()
    for subject_type in {c.subject_type for c in candidates}:
        ids = {c.subject_id for c in candidates if c.subject_type == subject_type}
        subjects |= Q(subject_type=subject_type, subject_id__in=ids)
    chains: dict[tuple[str, int], list[ApprovalStep]] = {}
    for step in ApprovalStep.objects.filter(subjects).order_by("order", "id"):
        chains.setdefault((step.subject_type, step.subject_id), []).append(step)
    return [
        c
        for c in candidates
        if approval_selectors.current_order(chains.get((c.subject_type, c.subject_id), [])) == c.order
    ]


def may_file_for(user: User | None, person: Person) -> bool:
    """The person themself, or a manager whose scope covers the person's unit (LEAVE-07 may still refuse)."""
    me = active_person(user)
    if me is None or not person.is_active:
        return False
    if me.pk == person.pk:
        return True
    return unit_scope(user, "manage").contains(person.unit)


def may_file_leave_for(user: User | None, person: Person) -> bool:
    """Whom the user may file leave for: `may_file_for`, and where the person's pack implements LEAVE-07 (病假除外:
    sick leave may be filed by someone else) any active colleague of the person's organisation. LEAVE-07 then
    refuses every kind but sick leave filed by someone other than the person, citing its clause."""
    if may_file_for(user, person):
        return True
    me = active_person(user)
    return (
        me is not None
        and person.is_active
        and organisation_of(me.unit).pk == organisation_of(person.unit).pk
        and rules.others_may_file(person.unit)
    )


def _filable(user: User | None, colleagues: bool) -> QuerySet[Person]:
    me = active_person(user)
    if me is None:
        return Person.objects.none()
    people = restrict_people(Person.objects.filter(is_active=True), user, "manage") | Person.objects.filter(pk=me.pk)
    if colleagues and rules.others_may_file(me.unit):
        people |= Person.objects.filter(is_active=True, unit__path__startswith=organisation_of(me.unit).path)
    return people.distinct().select_related("unit").order_by("unit__path", "name")


def people_filable(*, user: User | None) -> QuerySet[Person]:
    """Whom the user may file a request for: themself and the people they manage."""
    return _filable(user, colleagues=False)


def people_leave_filable(*, user: User | None) -> QuerySet[Person]:
    """Whom the user may file leave for: `people_filable`, and the colleagues of their organisation where LEAVE-07
    lets someone else file sick leave (`may_file_leave_for`)."""
    return _filable(user, colleagues=True)


def person_get(*, user: User | None, public_id: str) -> Person:
    """A person the user may file for; Person.DoesNotExist otherwise."""
    return people_filable(user=user).get(public_id=public_id)


def leave_person_get(*, user: User | None, public_id: str) -> Person:
    """A person the user may file leave for (`people_leave_filable`); Person.DoesNotExist otherwise."""
    return people_leave_filable(user=user).get(public_id=public_id)


def may_manage(user: User | None, person: Person) -> bool:
    """A manager of the person's unit (cover choice, recording the return, the certificate)."""
    return active_person(user) is not None and unit_scope(user, "manage").contains(person.unit)


def may_choose_cover(user: User | None, leave: LeaveRequest, period: RosterPeriod) -> bool:
    """The person, whoever filed the leave, a manager of the person, or the roster's scheduler."""
    me = active_person(user)
    if me is None:
        return False
    if me.pk == leave.person_id or (user is not None and user.pk == leave.filed_by_id):
        return True
    return may_manage(user, leave.person) or roster_selectors.can_schedule(user, period.unit)


def role_holders(role: str, unit: Unit) -> list[Person]:
    """Active holders of `role` at `unit` or above it."""
    ancestors = [unit.path[: i + 1] for i, ch in enumerate(unit.path) if ch == "."]
    return [
        ra.person
        for ra in RoleAssignment.objects.filter(role=role, unit__path__in=ancestors, person__is_active=True)
        .select_related("person")
        .order_by("person_id")
    ]


def team_leads_of(person: Person) -> list[Person]:
    """班长 over the person (LEAVE-08 certificate and emergency call); else the department head."""
    return role_holders(Role.TEAM_LEAD, person.unit) or role_holders(Role.DEPARTMENT_HEAD, person.unit)


def holds_role_over(person: Person, role: str, unit: Unit) -> bool:
    """The person holds `role` at `unit` or above (they cannot approve their own request)."""
    return any(p.pk == person.pk for p in role_holders(role, unit))


def same_line(approver: Person, person: Person) -> bool:
    """Some role of the approver covers the person's unit (LEAVE-06: no cross-requests)."""
    return (
        RoleAssignment.objects.filter(person=approver)
        .filter(Q(unit__path__in=[person.unit.path[: i + 1] for i, ch in enumerate(person.unit.path) if ch == "."]))
        .exists()
    )


def open_leave_of_station(station: Unit, exclude_pk: int | None = None) -> QuerySet[LeaveRequest]:
    """Pending and approved leave of people of the station (LEAVE-04)."""
    rows = LeaveRequest.objects.filter(
        person__unit__path__startswith=station.path, status__in=["pending", "approved"]
    ).select_related("person")
    return rows.exclude(pk=exclude_pk) if exclude_pk else rows


def department_name(unit: Unit) -> str:
    return department_of(unit).name


def organisation_unit(unit: Unit) -> Unit:
    return organisation_of(unit)


def is_admin(user: User | None) -> bool:
    return policy_selectors.is_system_administrator(user)
