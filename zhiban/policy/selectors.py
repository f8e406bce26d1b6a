"""Reads of live policies: for the engine (by unit) and for people (filtered by `zhiban.org.scopes`).

Who sees a live policy: a system administrator (or superuser) every one; anyone else the policy of
the organisation their scope lies in (their own). Who edits it: a system administrator, or whoever
holds the secretariat role at the organisation itself. Security and audit administrators see none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import F, QuerySet

from zhiban.accounts.models import AdminRole, User
from zhiban.core import operations
from zhiban.org import scopes
from zhiban.org.models import Role, RoleAssignment, Unit
from zhiban.org.scopes import person_of, unit_scope
from zhiban.policy.engine import ResolvedPolicy
from zhiban.policy.models import Policy, PolicyVersion
from zhiban.policy.packs import builtin_packs, get_pack


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
    organisation_id = int(scopes.organisation_key(unit))  # the top of the tree, from the path: no query
    cached = operations.cache(POLICY_CACHE)
    if cached is None:
        return _current(organisation_id)
    if ("organisation", organisation_id) not in cached:
        cached["organisation", organisation_id] = _current(organisation_id)
    return cached["organisation", organisation_id]


def _current(organisation_id: int) -> ResolvedPolicy | None:
    """The current version of the organisation's live policy, resolved, in one query (None without one, or when
    the top of the tree is no organisation)."""
    version = (
        PolicyVersion.objects.filter(
            policy__unit_id=organisation_id,
            policy__unit__kind=Unit.Kind.ORGANISATION,
            number=F("policy__current_version"),
        )
        .select_related("policy__unit")
        .first()
    )
    if version is None:
        return None
    overrides: Mapping[str, Mapping[str, Any]] = version.overrides or {}
    return ResolvedPolicy(
        pack=get_pack(version.pack), version=version.number, overrides=overrides, organisation=version.policy.unit.name
    )


def template(pack_id: str) -> ResolvedPolicy:
    """A pack's template as the engine reads it before anyone adopted it: no overrides, version 0."""
    return ResolvedPolicy(pack=get_pack(pack_id), version=0)


def shared_policies(
    rule_ids: Iterable[str], organisations: Iterable[Unit] | None = None
) -> list[tuple[Unit | None, ResolvedPolicy]]:
    """The policies that govern data every organisation shares (the state calendar), for the given rules.

    The live policies, with their organisation, of `organisations` (every organisation when None) that implement
    any of `rule_ids`, by unit path — each resolved once per operation. When none does (a fresh deployment, or an
    organisation whose pack lacks the rule), the deployment's baseline: the template (version 0) of the first
    built-in pack, by id, that implements one of them — so shared data is never written unchecked.
    """
    wanted = list(rule_ids)

    def implements(resolved: ResolvedPolicy) -> bool:
        return any((rule := resolved.pack.rule(rule_id)) is not None and rule.implemented for rule_id in wanted)

    policies = Policy.objects.select_related("unit").order_by("unit__path")
    if organisations is not None:
        policies = policies.filter(unit__in=[unit.pk for unit in organisations])
    cached = operations.cache(POLICY_CACHE)
    found: list[tuple[Unit | None, ResolvedPolicy]] = []
    for policy in policies:
        if cached is not None and ("organisation", policy.unit_id) in cached:
            resolved = cached["organisation", policy.unit_id]
        else:
            resolved = resolve(policy)
            if cached is not None:
                cached["organisation", policy.unit_id] = resolved
        if resolved is not None and implements(resolved):
            found.append((policy.unit, resolved))
    if found:
        return found
    baseline = next((t for pack_id in sorted(builtin_packs()) if implements(t := template(pack_id))), None)
    return [(None, baseline)] if baseline is not None else []


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
