"""Live policies (adopt a pack, override or reset a parameter) and the engine as other services call it.

Other domain services ask before they write, inside their own transaction::

    from zhiban.policy import services as policy
    from zhiban.policy.rules.org_01 import UnitPlacement
    from zhiban.policy.rules.org_02 import RolePlacement
    from zhiban.policy.rules.org_03 import DutyCandidate

    # ORG-01, creating a unit under `parent` (field="kind" puts the message on the form's kind field)
    policy.enforce(unit=parent, rule_ids=["ORG-01"], field="kind",
                   facts=UnitPlacement(unit_name=name, unit_kind=kind,
                                       parent_kind=parent.kind if parent else None,
                                       parent_name=parent.name if parent else ""))
    # ORG-02, giving `person` a role scoped to `unit`
    policy.enforce(unit=unit, rule_ids=["ORG-02"], field="role",
                   facts=RolePlacement(person_name=person.name, role=role, unit_kind=unit.kind, unit_name=unit.name))
    # ORG-03, assigning `person` to a duty (capacity="duty_staff") or as a substitute
    outcome = policy.enforce(unit=duty_unit, rule_ids=["ORG-03"],
                             facts=DutyCandidate(person_name=person.name, person_kind=person.kind,
                                                 capacity="substitute"))
    outcome.warnings  # allowed, but record the person's reason for overriding them

`evaluate(*, unit, rule_ids, facts) -> Outcome` only reports. `enforce(*, unit, rule_ids, facts,
field=None) -> Outcome` raises `zhiban.policy.errors.RuleViolationError` — a ValidationError whose
messages cite rule, pack, clause and policy version, and whose `.findings` / `.codes` carry them as
data — when any finding refuses, and returns the outcome otherwise. `facts` may be one facts object
or a list (each check reads the facts of its type). `unit=None` (e.g. a new top-level organisation)
or an organisation that adopted no pack evaluates nothing: there is no policy to apply yet.

`enforce_shared(*, rule_ids, facts, organisations=None, field=None, field_of=None)` checks data every organisation
shares (the state calendar): under each live policy implementing the rules, else the deployment's baseline template
(`selectors.shared_policies`), so such data is never written unchecked and its refusals cite pack, clause and version.

Writes on live policies: `policy_adopt`, `policy_parameter_override`, `policy_parameter_reset` —
each atomic, each a new immutable PolicyVersion and one audit event; only a system administrator or
the organisation's secretariat (or `actor=None` for system jobs and the demo loader) may call them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhiban.accounts.models import User
from zhiban.core import audit, clock, operations
from zhiban.org.models import Unit
from zhiban.policy import compliance, engine, selectors
from zhiban.policy.errors import RuleViolationError
from zhiban.policy.models import Policy, PolicyVersion
from zhiban.policy.packs import Pack, Parameter, builtin_packs
from zhiban.policy.shaping import RosterFacts, Shape


def evaluate(*, unit: Unit | None, rule_ids: Iterable[str], facts: object) -> engine.Outcome:
    """Run the rules the live policy of `unit`'s organisation declares over the facts; refuse nothing."""
    return engine.evaluate(selectors.resolved_for_unit(unit), rule_ids, facts)


def shape(*, unit: Unit | None, roster: RosterFacts) -> Shape:
    """The solver form of the rules the live policy of `unit`'s organisation implements (see `policy.shaping`)."""
    return engine.shape(selectors.resolved_for_unit(unit), roster)


def enforce(*, unit: Unit | None, rule_ids: Iterable[str], facts: object, field: str | None = None) -> engine.Outcome:
    """Like `evaluate`, but raise RuleViolationError (naming `field` if given) when anything refuses."""
    outcome = evaluate(unit=unit, rule_ids=rule_ids, facts=facts)
    if outcome.violations:
        compliance.note_refusal(unit, outcome)
        raise RuleViolationError(outcome, field=field)
    return outcome


def enforce_shared(
    *,
    rule_ids: Iterable[str],
    facts: object,
    organisations: Iterable[Unit] | None = None,
    field: str | None = None,
    field_of: Callable[[engine.CitedFinding], str | None] | None = None,
) -> engine.Outcome:
    """`enforce` for data every organisation shares (the state calendar), under `selectors.shared_policies`: every
    live policy (of `organisations`, or of all) that implements the rules, else the deployment's baseline template.
    The change is refused when any of them refuses; the refusal cites the first that does (by unit path), so one
    finding is told once, not once per organisation. Returns the first policy's outcome otherwise."""
    wanted = list(rule_ids)
    outcomes = []
    for organisation, resolved in selectors.shared_policies(wanted, organisations):
        outcome = engine.evaluate(resolved, wanted, facts)
        if outcome.violations:
            compliance.note_refusal(organisation, outcome)
            raise RuleViolationError(outcome, field=field, field_of=field_of)
        outcomes.append(outcome)
    return outcomes[0] if outcomes else engine.Outcome(not_declared=tuple(wanted))


def _require_edit(actor: User | None, organisation: Unit) -> None:
    if actor is None:  # system jobs, the demo loader, commands
        return
    if not selectors.can_edit(actor, organisation):
        raise PermissionDenied(f"you may not change the policy of {organisation.name}")


def _pack(pack_id: str) -> Pack:
    packs = builtin_packs()
    if pack_id not in packs:
        raise ValidationError({"pack": f"unknown policy pack {pack_id!r}; one of {', '.join(sorted(packs))}"})
    return packs[pack_id]


def _new_version(
    *, actor: User | None, policy: Policy, pack: str, overrides: dict[str, Any], change: dict[str, Any], note: str
) -> PolicyVersion:
    number = policy.current_version + 1 if PolicyVersion.objects.filter(policy=policy).exists() else 1
    version = PolicyVersion.objects.create(
        policy=policy,
        number=number,
        pack=pack,
        overrides=overrides,
        change=change,
        note=note.strip()[:200],
        created_by=actor if actor is not None and actor.pk else None,
        created_at=clock.now(),
    )
    policy.pack, policy.current_version = pack, number
    policy.save(update_fields=["pack", "current_version"])
    operations.forget(selectors.POLICY_CACHE)  # this operation goes on under the new version
    return version


@transaction.atomic
def policy_adopt(*, actor: User | None, organisation: Unit, pack_id: str, note: str = "") -> Policy:
    """The organisation adopts a pack: version 1 with no overrides (or, adopting another pack, a new
    version with the other pack and its overrides cleared)."""
    _require_edit(actor, organisation)
    if organisation.kind != Unit.Kind.ORGANISATION:
        raise ValidationError(
            {"organisation": f"{organisation.name} is a {organisation.kind}; only an organisation adopts a pack"}
        )
    _pack(pack_id)
    policy = Policy.objects.select_for_update().filter(unit=organisation).first()
    before = None
    if policy is None:
        policy = Policy.objects.create(unit=organisation, pack=pack_id, current_version=1, adopted_at=clock.now())
    else:
        if policy.pack == pack_id:
            raise ValidationError(
                {"pack": f"{organisation.name} already lives under {pack_id} (version {policy.current_version})"}
            )
        before = {"pack": policy.pack, "version": policy.current_version}
    version = _new_version(
        actor=actor,
        policy=policy,
        pack=pack_id,
        overrides={},
        change={"kind": "adopt", "pack": pack_id, "previous_pack": before["pack"] if before else None},
        note=note,
    )
    audit.record(
        actor=actor,
        action="policy.policy.adopt",
        object_type="policy",
        object_id=policy.public_id,
        before=before,
        after={"organisation": organisation.public_id, "pack": pack_id, "version": version.number},
    )
    return policy


def _parameter(pack: Pack, rule_id: str, name: str) -> Parameter:
    rule = pack.rule(rule_id)
    if rule is None:
        raise ValidationError({"rule": f"pack {pack.id} does not declare {rule_id}"})
    try:
        return rule.parameter(name)
    except KeyError:
        raise ValidationError({"parameter": f"{rule_id} has no parameter {name!r}"}) from None


def _change_parameter(
    *, actor: User | None, policy: Policy, rule_id: str, name: str, value: Any, reset: bool, note: str
) -> PolicyVersion:
    policy = Policy.objects.select_for_update(of=("self",)).select_related("unit").get(pk=policy.pk)
    _require_edit(actor, policy.unit)
    current = selectors.version_get(policy)
    pack = _pack(current.pack)
    parameter = _parameter(pack, rule_id, name)
    overrides: dict[str, dict[str, Any]] = {rule: dict(values) for rule, values in (current.overrides or {}).items()}
    rule_overrides = overrides.get(rule_id, {})
    before_value = rule_overrides.get(name, parameter.default)
    if reset:
        if name not in rule_overrides:
            raise ValidationError(
                {"value": f"{rule_id}.{name} already has the template default {parameter.display(parameter.default)}"}
            )
        rule_overrides.pop(name)
        after_value = parameter.default
    else:
        problem = parameter.problem(value)
        if problem:
            raise ValidationError({"value": f"{rule_id}.{name}: {problem}"})
        if value == before_value:
            raise ValidationError({"value": f"{rule_id}.{name} is already {parameter.display(value)}"})
        if value == parameter.default:
            rule_overrides.pop(name, None)
        else:
            rule_overrides[name] = value
        after_value = value
    if rule_overrides:
        overrides[rule_id] = rule_overrides
    else:
        overrides.pop(rule_id, None)
    kind = "reset" if reset else "override"
    version = _new_version(
        actor=actor,
        policy=policy,
        pack=current.pack,
        overrides=overrides,
        change={"kind": kind, "rule": rule_id, "parameter": name, "before": before_value, "after": after_value},
        note=note,
    )
    audit.record(
        actor=actor,
        action=f"policy.parameter.{kind}",
        object_type="policy",
        object_id=policy.public_id,
        before={"version": current.number, "rule": rule_id, "parameter": name, "value": before_value},
        after={"version": version.number, "rule": rule_id, "parameter": name, "value": after_value},
    )
    return version


@transaction.atomic
def policy_parameter_override(
    *, actor: User | None, policy: Policy, rule_id: str, parameter: str, value: Any, note: str = ""
) -> PolicyVersion:
    """Set a parameter to a raw value (checked against its type, choices and range): a new version."""
    return _change_parameter(
        actor=actor, policy=policy, rule_id=rule_id, name=parameter, value=value, reset=False, note=note
    )


@transaction.atomic
def policy_parameter_reset(
    *, actor: User | None, policy: Policy, rule_id: str, parameter: str, note: str = ""
) -> PolicyVersion:
    """Put a parameter back to the pack template's default: a new version."""
    return _change_parameter(
        actor=actor, policy=policy, rule_id=rule_id, name=parameter, value=None, reset=True, note=note
    )
