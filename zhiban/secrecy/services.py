"""Writes of the register (SEC-00..02): a person's clearance, receiving a carrier, moving it between the clerk and a
reader, archiving it, and the audit event of every view. Each is atomic, asks the rule engine first and writes one
audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhiban.accounts.models import User
from zhiban.core import audit, clock
from zhiban.notify.services import notify
from zhiban.org.models import Person, Unit
from zhiban.org.own_matters import refuse_own_matter
from zhiban.org.scopes import active_person, organisation_key
from zhiban.policy import services as policy
from zhiban.policy.rules import sec_00, sec_01, sec_02
from zhiban.secrecy import selectors
from zhiban.secrecy.models import Carrier, Classification, Clearance, CustodyMove
from zhiban.secrecy.policy import params as rule_params


def _actor_person(actor: User | None) -> Person:
    person = active_person(actor)
    if person is None:
        raise PermissionDenied(_("Only the confidential clerk keeps the register."))
    return person


@transaction.atomic
def clearance_set(*, actor: User | None, person: Person, level: str) -> Clearance | None:
    """Set (or with `level=""` remove) a person's clearance: the security administrator, or a clerk for the people
    of their units; never one's own."""
    if not selectors.clearance_people(user=actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You may not set this person's clearance."))
    refuse_own_matter(actor, [person])
    if level and level not in Classification.values:
        raise ValidationError({"level": _("Unknown clearance.")})
    current = Clearance.objects.select_for_update().filter(person=person).first()
    before = current.level if current else None
    result: Clearance | None
    if not level:
        if current is not None:
            current.delete()
        result = None
    elif current is None:
        result = Clearance.objects.create(person=person, level=level, set_by=actor, set_at=clock.now())
    else:
        current.level, current.set_by, current.set_at = level, actor, clock.now()
        current.save(update_fields=["level", "set_by", "set_at"])
        result = current
    audit.record(
        actor=actor,
        action="secrecy.clearance.set",
        object_type="person",
        object_id=person.public_id,
        before={"level": before},
        after={"level": level or None},
    )
    return result


def _scope(unit: Unit, units: Iterable[Unit], people: Iterable[Person]) -> tuple[list[Unit], list[Person]]:
    key = organisation_key(unit)
    units, people = list(units), list(people)
    if any(organisation_key(u) != key for u in units) or any(organisation_key(p.unit) != key for p in people):
        raise ValidationError({"scope": _("The distribution scope stays within the organisation.")})
    if not units and not people:
        raise ValidationError({"scope": _("Name the units or people the document is distributed to.")})
    return units, people


@transaction.atomic
def carrier_receive(
    *,
    actor: User | None,
    unit: Unit,
    register_number: str,
    classification: str,
    period_years: int,
    copy_number: int,
    issuing_body: str,
    issued_on: dt.date,
    received_on: dt.date,
    title: str,
    location: str,
    scope_units: Iterable[Unit] = (),
    scope_people: Iterable[Person] = (),
    other_fields: Mapping[str, Any] | None = None,
    attachments: int = 0,
) -> Carrier:
    """The clerk receives and registers a carrier copy (SEC-01); the entry holds register facts only (SEC-00)."""
    person = _actor_person(actor)
    is_clerk = selectors.is_clerk_for(person, unit)
    record = sec_00.CarrierRecord(
        fields=frozenset(sec_00.REGISTER_FIELDS | set(other_fields or {})),
        attachments=attachments,
        classification=classification,
        period_years=period_years,
    )
    action = sec_01.ClerkAction("receive", person.name, is_clerk, register_number, classification, period_years)
    policy.enforce(unit=unit, rule_ids=[sec_01.RULE_ID], facts=action, field="unit")
    if not is_clerk:
        raise PermissionDenied(_("Only the confidential clerk keeps the register."))
    policy.enforce(unit=unit, rule_ids=[sec_00.RULE_ID], facts=record, field="period_years")
    if other_fields or attachments:
        raise ValidationError(_("The register stores no classified content and no attachments."))
    sec01 = rule_params(unit, sec_01.RULE_ID)
    allowed = sec_01.classifications(sec01) if sec01 is not None else tuple(Classification.values)
    if classification not in allowed:
        raise ValidationError({"classification": _("Unknown classification.")})
    if period_years < 1 or copy_number < 1:
        raise ValidationError({"period_years": _("Period and copy number start at 1.")})
    if not register_number.strip() or not title.strip():
        raise ValidationError({"register_number": _("Register number and title are required.")})
    if Carrier.objects.filter(unit=unit, register_number=register_number, copy_number=copy_number).exists():
        raise ValidationError({"copy_number": _("This copy is already registered.")})
    units, people = _scope(unit, scope_units, scope_people)
    now = clock.now()
    carrier = Carrier.objects.create(
        unit=unit,
        clerk=person,
        register_number=register_number.strip(),
        classification=classification,
        period_years=period_years,
        copy_number=copy_number,
        issuing_body=issuing_body.strip(),
        issued_on=issued_on,
        received_on=received_on,
        title=title.strip(),
        location=location.strip(),
        holder=person,
        registered_at=now,
    )
    carrier.scope_units.set(units)
    carrier.scope_people.set(people)
    CustodyMove.objects.create(
        carrier=carrier, kind=CustodyMove.Kind.RECEIVE, to_holder=person, moved_at=now, recorded_by=actor
    )
    audit.record(
        actor=actor,
        action="secrecy.carrier.receive",
        object_type="secrecy_carrier",
        object_id=carrier.public_id,
        after={
            "register_number": carrier.register_number,
            "copy": carrier.copy_number,
            "marking": carrier.marking,
            "holder": person.public_id,
            "scope_units": [u.public_id for u in units],
            "scope_people": [p.public_id for p in people],
        },
    )
    return carrier


def _locked(carrier: Carrier) -> Carrier:
    return Carrier.objects.select_for_update(of=("self",)).select_related("clerk", "holder", "unit").get(pk=carrier.pk)


@transaction.atomic
def carrier_move(*, actor: User | None, carrier: Carrier, to: Person) -> CustodyMove:
    """Hand the carrier on, signed for now: from the clerk to a reader of its scope who is cleared for it, or from
    the reader back to the clerk (SEC-02). The clerk records both; reader → reader is refused (and the database
    refuses it too)."""
    person = _actor_person(actor)
    carrier = _locked(carrier)
    if person.pk != carrier.clerk_id:
        raise PermissionDenied(_("Only the carrier's clerk records its custody."))
    if carrier.status != Carrier.Status.IN_REGISTER:
        raise ValidationError(_("The carrier is archived."))
    holder = carrier.holder
    if holder.pk == to.pk:
        raise ValidationError({"to": _("The carrier is already there.")})
    to_is_clerk = to.pk == carrier.clerk_id
    facts = sec_02.CustodyMove(
        register_number=carrier.register_number,
        from_name=holder.name,
        from_is_clerk=holder.pk == carrier.clerk_id,
        to_name=to.name,
        to_is_clerk=to_is_clerk,
        to_in_scope=to.is_active and selectors.in_scope(to, carrier),
        to_cleared=selectors.cleared_for(to, carrier.classification),
    )
    policy.enforce(unit=carrier.unit, rule_ids=[sec_02.RULE_ID], facts=facts, field="to")
    if not (facts.from_is_clerk or facts.to_is_clerk):
        raise ValidationError({"to": _("A carrier goes back to the clerk between readers.")})
    if not to_is_clerk and not (facts.to_in_scope and facts.to_cleared):
        raise ValidationError({"to": _("Only readers within the scope and cleared for it.")})
    now = clock.now()
    params = rule_params(carrier.unit, sec_02.RULE_ID)
    due = None if to_is_clerk or params is None else sec_02.due_back(now, params)
    move = CustodyMove.objects.create(
        carrier=carrier,
        kind=CustodyMove.Kind.RETURN if to_is_clerk else CustodyMove.Kind.ISSUE,
        from_holder=holder,
        to_holder=to,
        moved_at=now,
        recorded_by=actor,
        due_back_at=due,
    )
    carrier.holder = to
    carrier.save(update_fields=["holder"])
    audit.record(
        actor=actor,
        action="secrecy.carrier.move",
        object_type="secrecy_carrier",
        object_id=carrier.public_id,
        before={"holder": holder.public_id},
        after={"holder": to.public_id, "kind": move.kind, "due_back_at": due.isoformat() if due else None},
    )
    return move


@transaction.atomic
def carrier_archive(*, actor: User | None, carrier: Carrier, location: str = "") -> Carrier:
    """The clerk archives a carrier that is back with them (SEC-01)."""
    person = _actor_person(actor)
    carrier = _locked(carrier)
    is_clerk = person.pk == carrier.clerk_id
    action = sec_01.ClerkAction(
        "archive", person.name, is_clerk, carrier.register_number, carrier.classification, carrier.period_years
    )
    policy.enforce(unit=carrier.unit, rule_ids=[sec_01.RULE_ID], facts=action)
    if not is_clerk:
        raise PermissionDenied(_("Only the carrier's clerk archives it."))
    if carrier.status == Carrier.Status.ARCHIVED:
        raise ValidationError(_("The carrier is archived."))
    if not carrier.with_clerk:
        raise ValidationError(_("The carrier must be back with the clerk before it is archived."))
    before = {"status": carrier.status, "location": carrier.location}
    carrier.status = Carrier.Status.ARCHIVED
    carrier.archived_at = clock.now()
    if location.strip():
        carrier.location = location.strip()
    carrier.save(update_fields=["status", "archived_at", "location"])
    audit.record(
        actor=actor,
        action="secrecy.carrier.archive",
        object_type="secrecy_carrier",
        object_id=carrier.public_id,
        before=before,
        after={"status": carrier.status, "location": carrier.location},
    )
    return carrier


@transaction.atomic
def carrier_viewed(*, actor: User | None, carrier: Carrier, via: str) -> None:
    """Every view of a carrier entry is an audit event (issue 13, SEC-10)."""
    audit.record(
        actor=actor,
        action="secrecy.carrier.view",
        object_type="secrecy_carrier",
        object_id=carrier.public_id,
        extra={"via": via},
    )


@transaction.atomic
def overdue_escalate(*, move: CustodyMove) -> bool:
    """Escalate a reader's overdue return once (SEC-02 return_overdue): tell the reader and the clerk."""
    move = CustodyMove.objects.select_for_update(of=("self",)).select_related("carrier", "to_holder").get(pk=move.pk)
    carrier = move.carrier
    if move.escalated_at is not None or carrier.holder_id != move.to_holder_id or move.kind != CustodyMove.Kind.ISSUE:
        return False
    if carrier.moves.filter(id__gt=move.id).exists():
        return False
    facts = sec_02.OutWithReader(carrier.register_number, move.to_holder.name, move.moved_at, clock.now())
    outcome = policy.evaluate(unit=carrier.unit, rule_ids=[sec_02.RULE_ID], facts=facts)
    if not outcome.findings:
        return False
    move.escalated_at = clock.now()
    move.save(update_fields=["escalated_at"])
    finding = outcome.findings[0].finding
    notify(
        recipients=[move.to_holder, carrier.clerk],
        subject=finding.message_zh,
        link=f"/secrecy/carriers/{carrier.public_id}/",
        dedupe_key=f"secrecy.overdue:{move.pk}",
    )
    audit.record(
        actor=None,
        action="secrecy.carrier.overdue",
        object_type="secrecy_carrier",
        object_id=carrier.public_id,
        after={
            "holder": move.to_holder.public_id,
            "due_back_at": move.due_back_at.isoformat() if move.due_back_at else None,
        },
    )
    return True
