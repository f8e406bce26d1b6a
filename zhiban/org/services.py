"""Writes on the organisation. Each is atomic, checks scope, and records one audit event."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhiban.accounts.models import AdminRole, User
from zhiban.core import audit, operations
from zhiban.org.candidates import duty_candidate
from zhiban.org.models import JobType, Person, PersonKind, Role, RoleAssignment, Unit
from zhiban.org.own_matters import refuse_own_matter
from zhiban.org.role_grants import refuse_role_change
from zhiban.org.scopes import ROLES_CACHE, organisation_key, organisation_of, unit_scope
from zhiban.policy import services as policy
from zhiban.policy.rules.org_01 import UnitPlacement
from zhiban.policy.rules.org_02 import RolePlacement
from zhiban.policy.rules.org_03 import DutyCandidate

# Roles that make a person duty staff: ORG-03 keeps outsiders out of them.
DUTY_ROLES = frozenset({Role.DUTY_OFFICER, Role.DUTY_LEADER, Role.STANDBY_DRIVER})

# What a manager may correct on their own record: how to reach them. Everything else decides something about them.
OWN_CONTACT_FIELDS = frozenset({"title", "office_phone", "mobile", "email"})
PERSON_FIELDS = ("employee_number", "name", "kind", "grade", "title", "office_phone", "mobile", "email", "is_active")


def _require_manage(actor: User | None, unit: Unit | None) -> None:
    """Only someone who manages the unit (or the organisation, for a root) may change it."""
    if actor is None:  # system jobs, demo loader, imports run from the command line
        return
    scope = unit_scope(actor, "manage")
    if unit is None:
        if not scope.everything:
            raise PermissionDenied("only a system administrator may create an organisation")
    elif not scope.contains(unit):
        raise PermissionDenied(f"you do not manage the unit {unit.name}")


def _duty_candidate(person: Person, kind: str, *, duty_unit: Unit) -> DutyCandidate:
    return duty_candidate(person, organisation=organisation_of(duty_unit), kind=kind)


def _check_duty_roles_still_allowed(person: Person) -> None:
    """ORG-03: a person holding duty roles cannot become an outsider (a guard, another unit's staff…)."""
    duty_units = [a.unit for a in person.roles.filter(role__in=DUTY_ROLES).select_related("unit")]
    for unit in duty_units:
        policy.enforce(
            unit=unit, rule_ids=["ORG-03"], field="kind", facts=_duty_candidate(person, person.kind, duty_unit=unit)
        )


def person_summary(person: Person) -> dict[str, Any]:
    return {
        "employee_number": person.employee_number,
        "name": person.name,
        "unit": person.unit.public_id,
        "kind": person.kind,
        "job_type": person.job_type.code if person.job_type else None,
        "grade": person.grade,
        "title": person.title,
        "office_phone": person.office_phone,
        "mobile": person.mobile,
        "email": person.email,
        "is_active": person.is_active,
    }


@transaction.atomic
def unit_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    parent: Unit | None = None,
    sort_order: int = 0,
    duty_phone: str = "",
    fax: str = "",
    policy_pack: str = "",
) -> Unit:
    """Add a unit under `parent` (ORG-01, checked by the organisation's live policy).

    A new organisation (no parent) adopts `policy_pack` in the same transaction, so no organisation is
    ever without a policy to check its units, people and duties against.
    """
    _require_manage(actor, parent)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "a unit needs a name"})
    if kind not in Unit.Kind.values:
        raise ValidationError({"kind": f"unknown kind {kind!r}"})
    if parent is None:
        if kind != Unit.Kind.ORGANISATION:
            raise ValidationError({"kind": "a top-level unit is an organisation"})
        if not policy_pack:
            raise ValidationError({"policy_pack": "a new organisation adopts a policy pack"})
    else:
        policy.enforce(
            unit=parent,
            rule_ids=["ORG-01"],
            field="kind",
            facts=UnitPlacement(unit_name=name, unit_kind=kind, parent_kind=parent.kind, parent_name=parent.name),
        )
    if Unit.objects.filter(parent=parent, name=name).exists():
        raise ValidationError({"name": f"{name} already exists here"})
    unit = Unit.objects.create(
        name=name, kind=kind, parent=parent, sort_order=sort_order, duty_phone=duty_phone, fax=fax
    )
    unit.path = f"{parent.path if parent else ''}{unit.pk}."
    unit.save(update_fields=["path"])
    audit.record(
        actor=actor,
        action="org.unit.create",
        object_type="unit",
        object_id=unit.public_id,
        after={"name": name, "kind": kind, "parent": parent.public_id if parent else None},
    )
    if parent is None:
        policy.policy_adopt(actor=actor, organisation=unit, pack_id=policy_pack)
    return unit


@transaction.atomic
def unit_update(*, actor: User | None, unit: Unit, name: str, duty_phone: str = "", fax: str = "") -> Unit:
    _require_manage(actor, unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = {"name": unit.name, "duty_phone": unit.duty_phone, "fax": unit.fax}
    name = name.strip()
    if not name:
        raise ValidationError({"name": "a unit needs a name"})
    if Unit.objects.filter(parent=unit.parent, name=name).exclude(pk=unit.pk).exists():
        raise ValidationError({"name": f"{name} already exists here"})
    unit.name, unit.duty_phone, unit.fax = name, duty_phone, fax
    unit.save(update_fields=["name", "duty_phone", "fax"])
    audit.record(
        actor=actor,
        action="org.unit.update",
        object_type="unit",
        object_id=unit.public_id,
        before=before,
        after={"name": unit.name, "duty_phone": duty_phone, "fax": fax},
    )
    return unit


def job_type_get_or_create(*, actor: User | None, code: str, name: str = "") -> JobType:
    job_type = JobType.objects.filter(code=code).first()
    if job_type is None:
        job_type = JobType.objects.create(code=code, name=name or code)
        audit.record(
            actor=actor,
            action="org.job_type.create",
            object_type="job_type",
            object_id=job_type.public_id,
            after={"code": code, "name": job_type.name},
        )
    return job_type


def _validate_person(fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if not str(fields.get("employee_number", "")).strip():
        errors["employee_number"] = "an employee number is required"
    if not str(fields.get("name", "")).strip():
        errors["name"] = "a name is required"
    if fields.get("kind", PersonKind.STAFF) not in PersonKind.values:
        errors["kind"] = f"unknown kind {fields.get('kind')!r}; one of {', '.join(PersonKind.values)}"
    grade = fields.get("grade")
    if grade not in (None, "") and int(grade) not in (1, 2, 3):
        errors["grade"] = f"grade must be 1, 2 or 3, not {grade!r}"
    if errors:
        raise ValidationError(errors)


def _require_number_free(unit: Unit, number: str, besides: Person | None = None) -> None:
    """Employee numbers are unique within the organisation of `unit` (another organisation's are not looked at)."""
    taken = Person.objects.filter(organisation_id=int(organisation_key(unit)), employee_number=number)
    if besides is not None:
        taken = taken.exclude(pk=besides.pk)
    if taken.exists():
        raise ValidationError({"employee_number": f"employee number {number} already exists"})


@transaction.atomic
def person_create(*, actor: User | None, unit: Unit, job_type: JobType | None = None, **fields: Any) -> Person:
    _require_manage(actor, unit)
    _validate_person(fields)
    _require_number_free(unit, fields["employee_number"])
    person = Person(unit=unit, job_type=job_type, **{k: v for k, v in fields.items() if k in PERSON_FIELDS})
    person.full_clean(exclude=["user", "unit", "job_type"], validate_unique=False, validate_constraints=False)
    person.save()
    audit.record(
        actor=actor,
        action="org.person.create",
        object_type="person",
        object_id=person.public_id,
        after=person_summary(person),
    )
    return person


@transaction.atomic
def person_update(
    *, actor: User | None, person: Person, unit: Unit | None = None, job_type: JobType | None = None, **fields: Any
) -> Person:
    _require_manage(actor, person.unit)
    if unit is not None and unit.pk != person.unit_id:
        _require_manage(actor, unit)
    person = Person.objects.select_for_update(of=("self",)).select_related("unit", "job_type").get(pk=person.pk)
    before = person_summary(person)
    before_unit_id = person.unit_id
    merged = {**{f: getattr(person, f) for f in PERSON_FIELDS}, **fields}
    _validate_person(merged)
    _require_number_free(unit or person.unit, merged["employee_number"], besides=person)
    for field in PERSON_FIELDS:
        setattr(person, field, merged[field])
    if unit is not None:
        person.unit = unit
    if "job_type" in fields or job_type is not None:
        person.job_type = job_type
    person.full_clean(exclude=["user", "unit", "job_type"], validate_unique=False, validate_constraints=False)
    if person.kind != before["kind"] or person.unit_id != before_unit_id:
        _check_duty_roles_still_allowed(person)
    changed = {k for k, v in person_summary(person).items() if before.get(k) != v}
    if changed - OWN_CONTACT_FIELDS:
        refuse_own_matter(actor, [person])  # their own grade, kind, unit, job type or status is no one's own matter
    person.save()
    after = person_summary(person)
    audit.record(
        actor=actor,
        action="org.person.update",
        object_type="person",
        object_id=person.public_id,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
    )
    return person


@transaction.atomic
def role_assign(*, actor: User | None, person: Person, role: str, unit: Unit) -> RoleAssignment:
    """Give a person a role within a unit (ORG-02)."""
    _require_manage(actor, unit)
    if role not in Role.values:
        raise ValidationError({"role": f"unknown role {role!r}"})
    refuse_role_change(actor, person, role, unit)
    facts: list[object] = [RolePlacement(person_name=person.name, role=role, unit_kind=unit.kind, unit_name=unit.name)]
    rule_ids = ["ORG-02"]
    if role in DUTY_ROLES:
        facts.append(_duty_candidate(person, person.kind, duty_unit=unit))
        rule_ids.append("ORG-03")
    policy.enforce(unit=unit, rule_ids=rule_ids, field="role", facts=facts)
    assignment, created = RoleAssignment.objects.get_or_create(person=person, role=role, unit=unit)
    operations.forget(ROLES_CACHE)
    if created:
        audit.record(
            actor=actor,
            action="org.role.assign",
            object_type="person",
            object_id=person.public_id,
            after={"role": role, "unit": unit.public_id},
        )
    return assignment


@transaction.atomic
def role_revoke(*, actor: User | None, assignment: RoleAssignment) -> None:
    _require_manage(actor, assignment.unit)
    refuse_role_change(actor, assignment.person, assignment.role, assignment.unit)
    audit.record(
        actor=actor,
        action="org.role.revoke",
        object_type="person",
        object_id=assignment.person.public_id,
        before={"role": assignment.role, "unit": assignment.unit.public_id},
    )
    assignment.delete()
    operations.forget(ROLES_CACHE)


@transaction.atomic
def person_open_account(*, actor: User | None, person: Person, username: str, password: str) -> User:
    """Open a login for a person (the system administrator's job, 三员分立)."""
    if actor is not None and not (actor.is_superuser or actor.admin_role == AdminRole.SYSTEM):
        raise PermissionDenied("only the system administrator opens accounts")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id is not None:
        raise ValidationError({"username": f"{person.name} already has an account"})
    username = username.strip()
    if not username:
        raise ValidationError({"username": "a username is required"})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"the username {username!r} is taken"})
    try:
        validate_password(password)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user = User(username=username, email=person.email)
    user.set_password(password)
    user.save()
    person.user = user
    person.save(update_fields=["user"])
    audit.record(
        actor=actor,
        action="accounts.user.create",
        object_type="user",
        object_id=user.public_id,
        after={"username": username, "person": person.public_id},
    )
    return user
