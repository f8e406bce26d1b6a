"""Load the demo plan into the configured database through the services, creating only what is missing.

Every write goes through the org, accounts and calendar services with `actor=None` (a command-line job),
so each leaves its audit event; a second run finds everything in place, writes nothing and records nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhiban.accounts import services as account_services
from zhiban.accounts.models import User
from zhiban.calendar import services as calendar_services
from zhiban.core import operations
from zhiban.demo.duty import load_duty
from zhiban.demo.plan import AccountPlan, DemoPlan, OrganisationPlan, build_plan
from zhiban.demo.requests import load_requests
from zhiban.demo.rosters import load_rosters
from zhiban.org import services as org_services
from zhiban.org.models import JobType, Person, RoleAssignment, Unit

DEMO_CALENDAR_YEARS = (2024, 2025, 2026, 2027)


class DemoRefused(RuntimeError):
    """The database holds a real organisation and no demo one: demo logins do not belong there."""


@dataclass
class LoadResult:
    """What one run created (by kind), which organisations were new, and what the hooks did."""

    created: Counter[str] = field(default_factory=Counter)
    organisations_created: list[str] = field(default_factory=list)
    organisations_present: list[str] = field(default_factory=list)
    hook_notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def nothing_created(self) -> bool:
        return not any(self.created.values())


def demo_organisations_present(plan: DemoPlan) -> list[str]:
    """The demo organisations already in the database — the loader's marker."""
    names = [org.name for org in plan.organisations]
    found = set(
        Unit.objects.filter(parent=None, kind=Unit.Kind.ORGANISATION, name__in=names).values_list("name", flat=True)
    )
    return [name for name in names if name in found]


def refuse_real_install(plan: DemoPlan) -> None:
    """Refuse to add demo logins with published passwords beside real organisations (unless forced)."""
    if demo_organisations_present(plan):
        return
    others = list(Unit.objects.filter(parent=None).values_list("name", flat=True)[:3])
    if others:
        raise DemoRefused(
            f"this database already holds {', '.join(others)} and no demo organisation; "
            "the demo's passwords are public, so it is not loaded here (use --force to load it anyway)"
        )


def load_demo(plan: DemoPlan | None = None, *, force: bool = False) -> LoadResult:
    """Create whatever of the demo is missing: organisations, people, roles, accounts, TOTP devices, calendar,
    rosters (this month published, next month drafted) and requests waiting in the approval inboxes. One
    operation: each organisation's live policy is resolved once (and again after it changes)."""
    with operations.operation():
        return _load(plan, force=force)


def _load(plan: DemoPlan | None, *, force: bool) -> LoadResult:
    started = time.perf_counter()
    plan = plan or build_plan()
    if not force:
        refuse_real_install(plan)
    result = LoadResult(organisations_present=demo_organisations_present(plan))
    for organisation in plan.organisations:
        with transaction.atomic():
            _load_organisation(organisation, result.created)
        if organisation.name not in result.organisations_present:
            result.organisations_created.append(organisation.name)
    with transaction.atomic():
        for account in plan.administrators:
            _ensure_admin_account(account, result.created)
    result.hook_notes.append(seed_calendar(result.created))
    result.hook_notes.append(load_rosters(plan, result.created).note())
    result.hook_notes.append(load_requests(plan, result.created).note())
    result.hook_notes.append(load_duty(plan, result.created))
    result.seconds = time.perf_counter() - started
    return result


def seed_calendar(created: Counter[str]) -> str:
    """Seed the state calendar for the demo years (idempotent: a second run changes and records nothing)."""
    report = calendar_services.calendar_seed(actor=None, years=DEMO_CALENDAR_YEARS)
    days = sum(result.created + result.updated for result in report.years)
    created["calendar_days"] += days
    first, last = DEMO_CALENDAR_YEARS[0], DEMO_CALENDAR_YEARS[-1]
    provisional = [str(result.year) for result in report.years if result.provisional]
    note = f" ({', '.join(provisional)} provisional until the official arrangement is imported)" if provisional else ""
    return f"calendar {first}–{last}: {f'{days} days seeded' if days else 'already seeded'}{note}"


def _load_organisation(plan: OrganisationPlan, created: Counter[str]) -> Unit:
    org_unit = Unit.objects.filter(parent=None, kind=Unit.Kind.ORGANISATION, name=plan.name).first()
    if org_unit is None:
        # A new organisation adopts its policy pack in the same transaction (org services do it).
        org_unit = org_services.unit_create(
            actor=None,
            name=plan.name,
            kind=Unit.Kind.ORGANISATION,
            duty_phone=plan.duty_phone,
            fax=plan.fax,
            policy_pack=plan.pack,
        )
        created["units"] += 1
        created["policies"] += 1
    units = _ensure_units(plan, org_unit, created)
    known_codes = set(JobType.objects.filter(code__in=plan.job_types).values_list("code", flat=True))
    job_types = {}
    for code, name in plan.job_types.items():
        job_types[code] = org_services.job_type_get_or_create(actor=None, code=code, name=name)
        created["job_types"] += code not in known_codes
    existing_people = {
        p.employee_number: p
        for p in Person.objects.filter(employee_number__in=[p.employee_number for p in plan.people]).select_related(
            "user"
        )
    }
    held = set(
        RoleAssignment.objects.filter(person__in=existing_people.values()).values_list("person_id", "role", "unit_id")
    )
    for person_plan in plan.people:
        person = existing_people.get(person_plan.employee_number)
        if person is None:
            person = org_services.person_create(
                actor=None,
                unit=units[person_plan.unit],
                job_type=job_types[person_plan.job_type] if person_plan.job_type else None,
                employee_number=person_plan.employee_number,
                name=person_plan.name,
                kind=person_plan.kind,
                grade=person_plan.grade,
                title=person_plan.title,
                office_phone=person_plan.office_phone,
                mobile=person_plan.mobile,
                email=person_plan.email,
            )
            created["people"] += 1
        for role in person_plan.roles:
            if (person.pk, role.role, units[role.unit].pk) not in held:
                org_services.role_assign(actor=None, person=person, role=role.role, unit=units[role.unit])
                created["roles"] += 1
        if person_plan.account is not None:
            _ensure_person_account(person, person_plan.account, created)
    return org_unit


def _ensure_units(plan: OrganisationPlan, org_unit: Unit, created: Counter[str]) -> dict[str, Unit]:
    existing = {(unit.parent_id, unit.name): unit for unit in Unit.objects.filter(path__startswith=org_unit.path)}
    units = {plan.name: org_unit}
    for unit_plan in plan.units:
        parent = units[unit_plan.parent] if unit_plan.parent else org_unit
        unit = existing.get((parent.pk, unit_plan.name))
        if unit is None:
            unit = org_services.unit_create(
                actor=None,
                name=unit_plan.name,
                kind=unit_plan.kind,
                parent=parent,
                sort_order=unit_plan.sort_order,
                duty_phone=unit_plan.duty_phone,
                fax=unit_plan.fax,
            )
            created["units"] += 1
        units[unit_plan.name] = unit
    return units


def _ensure_person_account(person: Person, plan: AccountPlan, created: Counter[str]) -> None:
    """The person's login (opened by `person_open_account`, which validates the password) and its TOTP."""
    user = person.user
    if user is None:
        if User.objects.filter(username=plan.username).exists():
            return  # someone else holds the name now; the demo does not take it over
        user = org_services.person_open_account(
            actor=None, person=person, username=plan.username, password=plan.password
        )
        created["accounts"] += 1
    if user.username == plan.username:
        _ensure_totp(user, plan, created)


def _ensure_admin_account(plan: AccountPlan, created: Counter[str]) -> None:
    user = User.objects.filter(username=plan.username).first()
    if user is None:
        try:
            validate_password(plan.password, User(username=plan.username))
        except ValidationError as error:
            raise ValidationError({"password": f"demo password of {plan.username}: {error.messages}"}) from error
        user = account_services.user_create(
            actor=None, username=plan.username, password=plan.password, admin_role=plan.admin_role
        )
        created["accounts"] += 1
    if user.admin_role == plan.admin_role:
        _ensure_totp(user, plan, created)


def _ensure_totp(user: User, plan: AccountPlan, created: Counter[str]) -> None:
    """A confirmed TOTP device with the printed key, for accounts whose roles require a second factor."""
    key = plan.totp_key_hex
    if key is not None and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        account_services.totp_device_create(actor=None, user=user, key_hex=key, confirmed=True)
        created["totp_devices"] += 1
