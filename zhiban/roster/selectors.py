"""Reads of rosters, filtered by `zhiban.org.scopes`: who may schedule, periods, versions, the duty board.

Who schedules a unit's roster (ROS-03): a system administrator, the secretariat of the unit's
organisation, or — where the pack says rosters are compiled per department — the head of the
department the unit lies in. Everyone who may view the unit sees its published versions only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from zhiban.accounts.models import User
from zhiban.calendar import selectors as calendar_selectors
from zhiban.calendar.models import CalendarDay
from zhiban.core import clock
from zhiban.core.secret_tokens import digest
from zhiban.org.models import Person, Role, RoleAssignment, Unit
from zhiban.org.scopes import department_of, held_roles, organisation_key, organisation_of, person_of, unit_scope
from zhiban.policy import selectors as policy_selectors
from zhiban.policy import services as policy
from zhiban.policy.engine import CitedFinding
from zhiban.policy.rules import cal_02, ops_10, ros_03, ros_05
from zhiban.roster.models import POST_ROLE, Assignment, KioskToken, Post, RosterPeriod, RosterVersion, ShiftType

SCHEDULING_HEAD_ROLES = (Role.DEPARTMENT_HEAD, Role.CS_DIRECTOR)


def rule_parameters(unit: Unit, rule_ids: Iterable[str]) -> tuple[str | None, dict[str, dict[str, Any]]]:
    """The pack id of `unit`'s organisation and the live parameters of the given rules it declares."""
    resolved = policy_selectors.resolved_for_unit(unit)
    if resolved is None:
        return None, {}
    params: dict[str, dict[str, Any]] = {}
    for rule_id in rule_ids:
        if resolved.pack.declares(rule_id):
            params[rule_id] = dict(resolved.parameters(rule_id))
    return resolved.pack.id, params


def day_kinds(unit: Unit, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """workday / rest_day / holiday of each date, as duties of `unit` see them (`cal_02.duty_day_kind`: the state
    calendar with its make-up workdays, and the pack's six-day week). The one place the roster, rotation, points,
    compensatory rest and swaps take day kinds from."""
    _, params = rule_parameters(unit, ["CAL-02"])
    cal_02_params = params.get("CAL-02", {})
    return {fact.day: cal_02.duty_day_kind(fact, cal_02_params) for fact in calendar_selectors.day_facts(start, end)}


def compiled_by(unit: Unit) -> str:
    """ROS-03 compiled_by: "secretariat" (default) or "department"."""
    _, params = rule_parameters(unit, ["ROS-03"])
    return ros_03.compiler(params.get("ROS-03", {}))


def _active_person(user: User | None) -> Person | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    person = person_of(user)
    return person if person is not None and person.is_active else None


def can_schedule(user: User | None, unit: Unit) -> bool:
    """May `user` compile, edit and publish the roster of `unit`?"""
    if policy_selectors.is_system_administrator(user):
        return True
    person = _active_person(user)
    if person is None:
        return False
    held = held_roles(person)
    if any(a.role == Role.SECRETARIAT and str(a.unit_id) == organisation_key(unit) for a in held):
        return True
    heads = [a for a in held if a.role in SCHEDULING_HEAD_ROLES and unit.path.startswith(a.unit.path)]
    return bool(heads) and compiled_by(unit) == "department"


def schedulers(unit: Unit) -> list[Person]:
    """Who compiles `unit`'s roster (ROS-03): the department's heads where the pack says so, else the
    organisation's secretariat."""
    organisation = organisation_of(unit)
    if compiled_by(unit) == "department":
        department = department_of(unit)
        held = RoleAssignment.objects.filter(
            role__in=SCHEDULING_HEAD_ROLES, unit__path__startswith=department.path, person__is_active=True
        ).select_related("person", "unit")
        found = [a.person for a in held if unit.path.startswith(a.unit.path)]
        if found:
            return found
    held = RoleAssignment.objects.filter(role=Role.SECRETARIAT, unit=organisation, person__is_active=True)
    return [a.person for a in held.select_related("person")]


def escalation_people(unit: Unit) -> list[Person]:
    """Told when the deadline passes unpublished: the heads of the unit's department and the secretariat."""
    department = department_of(unit)
    heads = RoleAssignment.objects.filter(
        role__in=SCHEDULING_HEAD_ROLES, unit=department, person__is_active=True
    ).select_related("person")
    secretariat = RoleAssignment.objects.filter(
        role=Role.SECRETARIAT, unit=organisation_of(unit), person__is_active=True
    ).select_related("person")
    return list({a.person.pk: a.person for a in [*heads, *secretariat]}.values())


def can_setup(user: User | None, organisation: Unit) -> bool:
    """Seeding shift types: a system administrator or the organisation's secretariat."""
    if policy_selectors.is_system_administrator(user):
        return True
    person = _active_person(user)
    return (
        person is not None
        and RoleAssignment.objects.filter(person=person, role=Role.SECRETARIAT, unit=organisation).exists()
    )


def _visible(user: User | None, path_field: str) -> Q:
    """Units in the user's view scope, and the units above their own (whose rosters they are on)."""
    query = unit_scope(user, "view").q(path_field)
    person = _active_person(user)
    if person is not None:
        above = [int(part) for part in person.unit.path.split(".") if part]
        query |= Q(**{path_field.replace("path", "pk") + "__in": above})
    return query


def period_list(*, user: User | None) -> QuerySet[RosterPeriod]:
    """Periods of the units the user may see, and of the units above their own."""
    if _active_person(user) is None and not policy_selectors.is_system_administrator(user):
        return RosterPeriod.objects.none()
    return RosterPeriod.objects.filter(_visible(user, "unit__path")).select_related("unit", "published_version")


def period_get(*, user: User | None, public_id: str) -> RosterPeriod:
    """RosterPeriod.DoesNotExist when absent or out of scope."""
    return period_list(user=user).get(public_id=public_id)


def schedulable_units(*, user: User | None) -> list[Unit]:
    """Units the user may open periods for (within their managing scope)."""
    units = Unit.objects.filter(unit_scope(user, "manage").q("path")).order_by("path")
    return [unit for unit in units if can_schedule(user, unit)]


def draft_of(period: RosterPeriod) -> RosterVersion | None:
    return period.versions.filter(published_at__isnull=True).first()


def version_list(*, user: User | None, period: RosterPeriod) -> QuerySet[RosterVersion]:
    """Published versions, newest first (plus the draft for schedulers)."""
    versions = period.versions.select_related("published_by").order_by("-number")
    if not can_schedule(user, period.unit):
        versions = versions.filter(published_at__isnull=False)
    return versions


def version_get(*, user: User | None, period: RosterPeriod, number: int) -> RosterVersion:
    return version_list(user=user, period=period).get(number=number)


def shown_version(*, user: User | None, period: RosterPeriod) -> RosterVersion | None:
    """What the period page shows: the draft to schedulers when there is one, else the published one."""
    if can_schedule(user, period.unit):
        draft = draft_of(period)
        if draft is not None:
            return draft
    return period.published_version


def assignments_of(version: RosterVersion | None) -> QuerySet[Assignment]:
    if version is None:
        return Assignment.objects.none()
    return version.assignments.select_related("person", "shift_type").order_by(
        "date", "shift_type__sort_order", "post", "person__name"
    )


def shift_types_for(unit: Unit) -> list[ShiftType]:
    return list(ShiftType.objects.filter(organisation_id=int(organisation_key(unit))).order_by("sort_order", "code"))


def eligible_people(unit: Unit, post: str) -> QuerySet[Person]:
    """People who may be picked for a post of `unit`'s roster: active staff of its organisation (with their units,
    which the cell checks read)."""
    people = (
        Person.objects.filter(unit__path__startswith=organisation_key(unit) + ".", is_active=True)
        .select_related("unit")
        .order_by("name")
    )
    role = POST_ROLE.get(post)
    if role:
        people = people.filter(roles__role=role).distinct()
    return people


# -------------------------------------------------------------------------------- version diff


@dataclass(frozen=True)
class CellChange:
    date: dt.date
    shift: str
    post: str
    removed: tuple[str, ...]
    added: tuple[str, ...]


def version_diff(older: RosterVersion, newer: RosterVersion) -> list[CellChange]:
    """Cells whose people differ between two versions of a period."""

    def cells(version: RosterVersion) -> dict[tuple[dt.date, str, str], set[str]]:
        found: dict[tuple[dt.date, str, str], set[str]] = defaultdict(set)
        for a in assignments_of(version):
            found[(a.date, a.shift_type.name, a.post)].add(a.person.name)
        return found

    before, after = cells(older), cells(newer)
    changes = []
    for key in sorted(set(before) | set(after)):
        removed, added = before.get(key, set()) - after.get(key, set()), after.get(key, set()) - before.get(key, set())
        if removed or added:
            changes.append(
                CellChange(key[0], key[1], str(Post(key[2]).label), tuple(sorted(removed)), tuple(sorted(added)))
            )
    return changes


# -------------------------------------------------------------------------------- duty board


@dataclass
class BoardShift:
    """One shift of one unit on one day as the board shows it (值日牌)."""

    shift: ShiftType
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    leaders: list[Person] = field(default_factory=list)
    officers: list[Person] = field(default_factory=list)
    drivers: list[Person] = field(default_factory=list)

    def add(self, assignment: Assignment) -> None:
        target = {
            Post.DUTY_LEADER: self.leaders,
            Post.DUTY_OFFICER: self.officers,
            Post.STANDBY_DRIVER: self.drivers,
        }[Post(assignment.post)]
        target.append(assignment.person)


@dataclass
class BoardUnit:
    """A unit's board: its shifts now, today and tomorrow; what ROS-05 found missing from it (`findings`, shown on
    the board); whether its pack shows phones (ROS-05 `show_phones`)."""

    unit: Unit
    now: list[BoardShift] = field(default_factory=list)
    today: list[BoardShift] = field(default_factory=list)
    tomorrow: list[BoardShift] = field(default_factory=list)
    findings: list[CitedFinding] = field(default_factory=list)
    show_phones: bool = True
    vehicle_line: str = ""  # OPS-10: the duty vehicle and the standby driver's hours, where the pack says so


def board(*, units: QuerySet[Unit], at: dt.datetime | None = None) -> list[BoardUnit]:
    """Who is on duty now, today and tomorrow in each of `units`, from published versions only.

    A constant number of queries however many assignments there are (plus one per unit for seasons).
    """
    moment = (at or clock.now()).astimezone(clock.local_tz())
    today = moment.date()
    tomorrow = today + dt.timedelta(days=1)
    periods = RosterPeriod.objects.filter(
        unit__in=units, published_version__isnull=False, start__lte=tomorrow, end__gte=today - dt.timedelta(days=1)
    )
    rows = (
        Assignment.objects.filter(
            version_id__in=periods.values("published_version_id"),
            date__gte=today - dt.timedelta(days=1),
            date__lte=tomorrow,
        )
        .select_related("person", "shift_type", "version__period__unit")
        .order_by("date", "shift_type__sort_order", "person__name")
    )
    by_unit: dict[int, dict[tuple[dt.date, int], BoardShift]] = defaultdict(dict)
    unit_objects: dict[int, Unit] = {}
    seasons: dict[int, Any] = {}
    tz = clock.local_tz()
    for assignment in rows:
        unit = assignment.version.period.unit
        unit_objects[unit.pk] = unit
        if unit.pk not in seasons:
            seasons[unit.pk] = calendar_selectors.effective_seasons(unit).dates
        key = (assignment.date, assignment.shift_type_id)
        shift = by_unit[unit.pk].get(key)
        if shift is None:
            start, end = assignment.shift_type.window(assignment.date, seasons[unit.pk], tz)
            shift = BoardShift(assignment.shift_type, assignment.date, start, end)
            by_unit[unit.pk][key] = shift
        shift.add(assignment)
    result = []
    for unit_id, shifts in by_unit.items():
        entry = BoardUnit(unit_objects[unit_id])
        for shift in shifts.values():
            if shift.start <= moment < shift.end:
                entry.now.append(shift)
            if shift.date == today:
                entry.today.append(shift)
            elif shift.date == tomorrow:
                entry.tomorrow.append(shift)
        result.append(entry)
    result.extend(_board_checks(result, by_unit, periods, moment, seasons))
    result.sort(key=lambda entry: entry.unit.path)
    return result


def _board_checks(
    entries: list[BoardUnit],
    by_unit: Mapping[int, Mapping[tuple[dt.date, int], BoardShift]],
    periods: QuerySet[RosterPeriod],
    moment: dt.datetime,
    seasons: dict[int, Any],
) -> list[BoardUnit]:
    """ROS-05, through the engine, for each unit whose pack implements it: every post of every shift of today (and of
    yesterday's still running) is named on the board, whether or not anyone was rostered — a shift of the published
    roster with nobody on it has no entry of its own, so it is checked against the unit's shift types; where the pack
    shows phones, everyone named has one. Sets each entry's findings and `show_phones`; returns the entries of units
    with a published roster today but nobody on the board, when something was found missing there.

    A constant number of queries (plus one per unit for seasons and policy), whatever the assignments."""
    yesterday, today = moment.date() - dt.timedelta(days=1), moment.date()
    covering: dict[int, list[RosterPeriod]] = defaultdict(list)
    for period in periods.select_related("unit"):
        covering[period.unit_id].append(period)
    known = {entry.unit.pk: entry for entry in entries}
    added = {pk: BoardUnit(ps[0].unit) for pk, ps in covering.items() if pk not in known}
    checked = []
    for entry in [*entries, *added.values()]:
        resolved = policy_selectors.resolved_for_unit(entry.unit)
        driver_rule = resolved.pack.rule(ops_10.RULE_ID) if resolved is not None else None
        if resolved is not None and driver_rule is not None and driver_rule.implemented:
            entry.vehicle_line = ops_10.board_line(resolved.parameters(ops_10.RULE_ID))
        rule = resolved.pack.rule(ros_05.RULE_ID) if resolved is not None else None
        if resolved is None or rule is None or not rule.implemented:
            continue
        entry.show_phones = bool(resolved.parameters(ros_05.RULE_ID)["show_phones"])
        checked.append(entry)
    if not checked:
        return []
    kinds: dict[str, dict[dt.date, str]] = {}  # by organisation: the one day-kind function (`day_kinds`)
    organisations = {organisation_key(entry.unit) for entry in checked}
    shift_types: dict[str, list[ShiftType]] = defaultdict(list)
    for shift_type in ShiftType.objects.filter(organisation_id__in=[int(key) for key in organisations]).order_by(
        "sort_order", "code"
    ):
        shift_types[str(shift_type.organisation_id)].append(shift_type)
    tz = clock.local_tz()
    for entry in checked:
        unit = entry.unit
        if unit.pk not in seasons:
            seasons[unit.pk] = calendar_selectors.effective_seasons(unit).dates
        shown = by_unit.get(unit.pk, {})
        facts: list[ros_05.BoardShift] = []
        people: dict[int, Person] = {}
        for day in (yesterday, today):
            if not any(p.start <= day <= p.end for p in covering.get(unit.pk, [])):
                continue
            rostered = {key[1]: shift for key, shift in shown.items() if key[0] == day}
            key = organisation_key(unit)
            if key not in kinds:
                kinds[key] = day_kinds(unit, yesterday, today)
            runs = [s for s in shift_types[key] if s.applies_to(kinds[key][day]) or s.pk in rostered]
            for shift_type in runs:
                board_shift = rostered.get(shift_type.pk)
                start, end = shift_type.window(day, seasons[unit.pk], tz)
                on_now = start <= moment < end
                if day != today and not on_now:
                    continue
                named = {
                    Post.DUTY_LEADER: board_shift.leaders if board_shift else [],
                    Post.DUTY_OFFICER: board_shift.officers if board_shift else [],
                    Post.STANDBY_DRIVER: board_shift.drivers if board_shift else [],
                }
                for persons in named.values():
                    people.update((p.pk, p) for p in persons)
                posts = tuple(
                    ros_05.BoardPost(str(Post(post).label), count, tuple(p.name for p in named[Post(post)]))
                    for post, count in shift_type.posts()
                )
                facts.append(ros_05.BoardShift(shift_type.name, day, start, end, posts, on_now))
        board_facts = ros_05.DutyBoard(
            unit.name,
            tuple(facts),
            tuple(ros_05.BoardPerson(p.name, bool(p.mobile or p.office_phone)) for p in people.values()),
        )
        entry.findings = list(policy.evaluate(unit=unit, rule_ids=[ros_05.RULE_ID], facts=board_facts).findings)
    return [entry for entry in added.values() if entry.findings]


def board_units(*, user: User | None) -> QuerySet[Unit]:
    """The units whose duty the user sees on the board."""
    if _active_person(user) is None and not policy_selectors.is_system_administrator(user):
        return Unit.objects.none()
    return Unit.objects.filter(_visible(user, "path"))


def maker_still_schedules(maker: User | None, unit: Unit) -> bool:
    """A unit's feed or kiosk token works while whoever made it may still schedule the unit (made at the console,
    with no maker: always)."""
    return maker is None or can_schedule(maker, unit)


def kiosk_token_lookup(secret: str) -> KioskToken | None:
    """The live token with this secret, or None (wrong, revoked, or its maker no longer schedules the unit)."""
    if not secret or len(secret) > 200:
        return None
    token = (
        KioskToken.objects.select_related("unit", "created_by")
        .filter(secret_hash=digest(secret), revoked_at=None)
        .first()
    )
    if token is None or not maker_still_schedules(token.created_by, token.unit):
        return None
    return token


def kiosk_units(token: KioskToken) -> QuerySet[Unit]:
    """The token's unit and its subtree."""
    return Unit.objects.filter(path__startswith=token.unit.path)


def kiosk_tokens(*, user: User | None) -> list[KioskToken]:
    tokens = KioskToken.objects.filter(unit__in=board_units(user=user)).select_related("unit")
    return [token for token in tokens if can_schedule(user, token.unit)]


def phones(person: Person) -> str:
    return " / ".join(number for number in (person.mobile, person.office_phone) if number)


def day_marks(start: dt.date, end: dt.date) -> Mapping[dt.date, tuple[str, str]]:
    """Per date: (kind, holiday name) from the calendar; missing dates are ordinary."""
    return {
        row.date: (row.kind, row.holiday_name) for row in CalendarDay.objects.filter(date__gte=start, date__lte=end)
    }
