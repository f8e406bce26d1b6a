"""Reads of the duty, filtered by who may see them.

- The people on a shift see it and write on it; the leader on duty of a shift sees it and decides on it.
- Those who manage a unit (secretariat, heads above it, a system administrator) see its shifts, log, incidents and
  reports, issue spot checks and review reports.
- Colleagues who may view the unit (their own department) read its log and incident register.
Anything outside that is "not found".
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from zhiban.accounts.models import User
from zhiban.duty.models import Attendance, DutyShift, Incident, LogEntry, ShiftReport, SpotCheck
from zhiban.leave.selectors import role_holders
from zhiban.org.models import Person, Role, Unit
from zhiban.org.scopes import active_person, department_of, organisation_of, unit_scope
from zhiban.roster.models import Post

SUPERVISOR_ROLES = (Role.DEPARTMENT_HEAD, Role.STATION_HEAD, Role.TEAM_LEAD, Role.CS_DIRECTOR, Role.CENTRE_DIRECTOR)


def attendance_of(user: User | None, shift: DutyShift) -> Attendance | None:
    """The user's place on the shift (None when they are not on it)."""
    person = active_person(user)
    if person is None:
        return None
    return shift.attendances.filter(person=person).order_by("post").first()


def is_leader_of(user: User | None, shift: DutyShift) -> bool:
    person = active_person(user)
    return person is not None and shift.attendances.filter(person=person, post=Post.DUTY_LEADER).exists()


def can_manage(user: User | None, unit: Unit) -> bool:
    return unit_scope(user, "manage").contains(unit)


def can_view_unit(user: User | None, unit: Unit) -> bool:
    return unit_scope(user, "view").contains(unit)


def _shifts_q(user: User | None) -> Q:
    person = active_person(user)
    mine = Q(attendances__person=person) if person is not None else Q(pk__in=[])
    return unit_scope(user, "view").q("unit__path") | mine


def shift_list(*, user: User | None) -> QuerySet[DutyShift]:
    return DutyShift.objects.filter(_shifts_q(user)).distinct().select_related("unit", "shift_type")


def shift_get(*, user: User | None, public_id: str) -> DutyShift:
    shift = shift_list(user=user).filter(public_id=public_id).first()
    if shift is None:
        raise Http404("no such shift")
    return shift


def log_list(*, user: User | None) -> QuerySet[LogEntry]:
    """Log entries the user may read: of the units in their view scope, and of the shifts they were on."""
    person = active_person(user)
    visible = unit_scope(user, "view").q("unit__path")
    if person is not None:  # a correlated EXISTS: no join that repeats rows, no subquery over the whole log
        visible |= Q(Exists(Attendance.objects.filter(shift_id=OuterRef("shift_id"), person=person)))
    return LogEntry.objects.filter(visible)


def incident_list(*, user: User | None) -> QuerySet[Incident]:
    person = active_person(user)
    mine = Q(shift__attendances__person=person) if person is not None else Q(pk__in=[])
    visible = Incident.objects.filter(unit_scope(user, "view").q("unit__path") | mine)
    return Incident.objects.filter(pk__in=visible.values("pk")).select_related("unit", "shift__shift_type")


def incident_get(*, user: User | None, public_id: str) -> Incident:
    incident = incident_list(user=user).filter(public_id=public_id).first()
    if incident is None:
        raise Http404("no such incident")
    return incident


def report_list(*, user: User | None) -> QuerySet[ShiftReport]:
    person = active_person(user)
    mine = Q(shift__attendances__person=person) if person is not None else Q(pk__in=[])
    visible = ShiftReport.objects.filter(unit_scope(user, "manage").q("shift__unit__path") | mine)
    return ShiftReport.objects.filter(pk__in=visible.values("pk")).select_related("shift__unit", "shift__shift_type")


def spot_check_get(*, user: User | None, public_id: str) -> SpotCheck:
    check = SpotCheck.objects.select_related("shift__unit", "person").filter(public_id=public_id).first()
    person = active_person(user)
    if check is None or not (
        (person is not None and check.person_id == person.pk) or can_manage(user, check.shift.unit)
    ):
        raise Http404("no such spot check")
    return check


def leaders_on(shift: DutyShift) -> list[Person]:
    return [a.person for a in shift.attendances.filter(post=Post.DUTY_LEADER).select_related("person")]


def department_heads(unit: Unit) -> list[Person]:
    return role_holders(Role.DEPARTMENT_HEAD, department_of(unit)) or role_holders(Role.STATION_HEAD, unit)


def secretariat(unit: Unit) -> list[Person]:
    return role_holders(Role.SECRETARIAT, organisation_of(unit))


def supervisors(unit: Unit) -> list[Person]:
    """Who reviews a shift report of the unit (OPS-07 主管领导): the heads over it, else the secretariat."""
    for role in SUPERVISOR_ROLES:
        found = role_holders(role, unit)
        if found:
            return found
    return secretariat(unit)
