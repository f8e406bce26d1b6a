"""Reads of live policies: for the engine (by unit) and for people (filtered by `zhiban.org.scopes`).

Who sees a live policy: a system administrator (or superuser) every one; anyone else the policy of
the organisation their scope lies in (their own). Who edits it: a system administrator, or whoever
holds the secretariat role at the organisation itself. Security and audit administrators see none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from zhiban.accounts.models import AdminRole, User
from zhiban.core import operations
from zhiban.org import scopes
from zhiban.org.models import Role, RoleAssignment, Unit
from zhiban.org.scopes import person_of, unit_scope
from zhiban.policy.engine import ResolvedPolicy
from zhiban.policy.models import Policy, PolicyVersion
from zhiban.policy.packs import get_pack


def organisation_of(unit: Unit | None) -> Unit | None:
    """The organisation whose policy governs `unit`: the top of its tree (`zhiban.org.scopes.organisation_of`, the
    one definition), when that is an organisation (ORG-01 keeps organisations at the top)."""
    if unit is None:
        return None
    top = scopes.organisation_of(unit)
    return top if top.kind == Unit.Kind.ORGANISATION else None


def policy_for_unit(unit: Unit | None) -> Policy | None:
    """The live policy that governs `unit` (its organisation's), or None when none was adopted.

    Unfiltered: for services that ask the engine on behalf of an already authorised action.
    """
    organisation = organisation_of(unit)
    if organisation is None:
        return None
    return Policy.objects.filter(unit=organisation).select_related("unit").first()


def version_get(policy: Policy, number: int | None = None) -> PolicyVersion:
    """A version of the policy (the current one by default); PolicyVersion.DoesNotExist if absent."""
    return PolicyVersion.objects.get(policy=policy, number=number or policy.current_version)


def resolve(policy: Policy, number: int | None = None) -> ResolvedPolicy:
    """The Django-free policy the engine reads: the pack template with this version's overrides."""
    version = version_get(policy, number)
    overrides: Mapping[str, Mapping[str, Any]] = version.overrides or {}
    return ResolvedPolicy(
        pack=get_pack(version.pack), version=version.number, overrides=overrides, organisation=policy.unit.name
    )


POLICY_CACHE = "policy"


def resolved_for_unit(unit: Unit | None) -> ResolvedPolicy | None:
    """The live policy of `unit`'s organisation as the engine reads it (None without one), resolved once per
    operation (`zhiban.core.operations`): every rule of a request, job or run reads the same version, and the
    policy is read from the database only the first time a unit asks."""
    if unit is None:
        return None
    cached = operations.cache(POLICY_CACHE)
    if cached is None:
        policy = policy_for_unit(unit)
        return resolve(policy) if policy is not None else None
    if ("unit", unit.pk) not in cached:
        organisation = organisation_of(unit)
        cached["unit", unit.pk] = organisation.pk if organisation is not None else None
    organisation_id = cached["unit", unit.pk]
    if organisation_id is None:
        return None
    if ("organisation", organisation_id) not in cached:
        policy = Policy.objects.filter(unit_id=organisation_id).select_related("unit").first()
        cached["organisation", organisation_id] = resolve(policy) if policy is not None else None
    return cached["organisation", organisation_id]


def is_system_administrator(user: User | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.admin_role == AdminRole.SYSTEM)
    )


def can_edit(user: User | None, organisation: Unit) -> bool:
    """A system administrator, or the holder of the secretariat role at the organisation itself."""
    if is_system_administrator(user):
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    person = person_of(user)
    if person is None or not person.is_active:
        return False
    return RoleAssignment.objects.filter(person=person, role=Role.SECRETARIAT, unit=organisation).exists()


def policy_list(*, user: User | None) -> QuerySet[Policy]:
    """The live policies the user may see."""
    policies = Policy.objects.select_related("unit").order_by("unit__path")
    scope = unit_scope(user, "view")
    if scope.everything:
        return policies
    unit_ids = {int(part) for prefix in scope.prefixes for part in prefix.split(".") if part}
    return policies.filter(unit_id__in=unit_ids)


def policy_get(*, user: User | None, public_id: str) -> Policy:
    """A live policy the user may see; Policy.DoesNotExist otherwise (no existence leak)."""
    return policy_list(user=user).get(public_id=public_id)


def policy_for_user(user: User | None) -> Policy | None:
    """The live policy of the organisation the user's person belongs to, or None."""
    if user is None or not user.is_authenticated:
        return None
    person = person_of(user)
    if person is None:
        return None
    policy = policy_for_unit(person.unit)
    if policy is None or not policy_list(user=user).filter(pk=policy.pk).exists():
        return None
    return policy


def version_list(policy: Policy) -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.filter(policy=policy).select_related("created_by").order_by("-number")


def organisations_without_policy(*, user: User | None) -> QuerySet[Unit]:
    """Organisations the user may adopt a pack for that have none yet."""
    organisations = Unit.objects.filter(kind=Unit.Kind.ORGANISATION, policy__isnull=True).order_by("path")
    if is_system_administrator(user):
        return organisations
    person = person_of(user) if user is not None and user.is_authenticated else None
    if person is None or not person.is_active:
        return organisations.none()
    held = RoleAssignment.objects.filter(person=person, role=Role.SECRETARIAT).values_list("unit_id", flat=True)
    return organisations.filter(pk__in=list(held))
