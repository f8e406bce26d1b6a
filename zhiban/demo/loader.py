"""Load the demo plan into the configured database through the services, creating only what is missing.

Every write goes through the org and accounts services with `actor=None` (a command-line job), so each
leaves its audit event; a second run finds everything in place, writes nothing and records nothing.
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
from zhiban.core import audit
from zhiban.demo.plan import AccountPlan, DemoPlan, OrganisationPlan, build_plan
from zhiban.org import services as org_services
from zhiban.org.models import JobType, Person, RoleAssignment, Unit


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
    """Create whatever of the demo is missing: organisations, people, roles, accounts, TOTP devices."""
    started = time.perf_counter()
    plan = plan or build_plan()
    if not force:
        refuse_real_install(plan)
    result = LoadResult(organisations_present=demo_organisations_present(plan))
    for organisation in plan.organisations:
        with transaction.atomic():
            org_unit = _load_organisation(organisation, result.created)
        if organisation.name not in result.organisations_present:
            result.organisations_created.append(organisation.name)
        result.hook_notes.append(adopt_policy_pack_hook(org_unit, organisation.pack))
    with transaction.atomic():
        for account in plan.administrators:
            _ensure_account(account, result.created)
    result.hook_notes.append(seed_calendar_hook())
    result.seconds = time.perf_counter() - started
    return result


def adopt_policy_pack_hook(org_unit: Unit, pack: str) -> str:
    """Adopt the organisation's policy pack. Pending: `zhiban.policy.services` does not exist yet."""
    return f"policy pack {pack!r} for {org_unit.name}: not adopted (zhiban.policy.services is not built yet)"


def seed_calendar_hook() -> str:
    """Seed the official calendar for 2024–2027. Pending: `zhiban.calendar.services` does not exist yet."""
    return "calendar 2024–2027: not seeded (zhiban.calendar.services is not built yet)"


def _load_organisation(plan: OrganisationPlan, created: Counter[str]) -> Unit:
    org_unit = Unit.objects.filter(parent=None, kind=Unit.Kind.ORGANISATION, name=plan.name).first()
    if org_unit is None:
        org_unit = org_services.unit_create(
            actor=None, name=plan.name, kind=Unit.Kind.ORGANISATION, duty_phone=plan.duty_phone, fax=plan.fax
        )
        created["units"] += 1
    units = _ensure_units(plan, org_unit, created)
    known_codes = set(JobType.objects.filter(code__in=plan.job_types).values_list("code", flat=True))
    job_types = {}
    for code, name in plan.job_types.items():
        job_types[code] = org_services.job_type_get_or_create(actor=None, code=code, name=name)
        created["job_types"] += code not in known_codes
    existing_people = {
        p.employee_number: p
        for p in Person.objects.filter(employee_number__in=[p.employee_number for p in plan.people])
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
            user = _ensure_account(person_plan.account, created)
            if person.user_id is None and not Person.objects.filter(user=user).exists():
                person_account_link(actor=None, person=person, user=user)
                created["account_links"] += 1
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


def _ensure_account(plan: AccountPlan, created: Counter[str]) -> User:
    user = User.objects.filter(username=plan.username).first()
    if user is None:
        try:
            validate_password(plan.password, User(username=plan.username))
        except ValidationError as error:
            message = f"demo password of {plan.username}: {' '.join(error.messages)}"
            raise ValidationError({"password": message}) from error
        user = account_services.user_create(
            actor=None, username=plan.username, password=plan.password, admin_role=plan.admin_role
        )
        created["accounts"] += 1
    key = plan.totp_key_hex
    if key is not None and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        account_services.totp_device_create(actor=None, user=user, key_hex=key, confirmed=True)
        created["totp_devices"] += 1
    return user


@transaction.atomic
def person_account_link(*, actor: User | None, person: Person, user: User) -> Person:
    """Give a person their login (org has no service for this yet; one audited write, like the others)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id is not None:
        raise ValidationError({"user": f"{person.name} already has an account"})
    person.user = user
    person.save(update_fields=["user"])
    audit.record(
        actor=actor,
        action="org.person.link_account",
        object_type="person",
        object_id=person.public_id,
        after={"user": user.public_id, "username": user.username},
    )
    return person
