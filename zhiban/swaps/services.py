"""Writes of the swaps app: swaps and their returns (SWAP-01..08) and the absence register (旷工).

Every service is keyword-only, atomic, permission-checked and records one audit event.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhiban.accounts.models import User
from zhiban.core import audit, clock
from zhiban.notify.services import notify
from zhiban.org.models import Person
from zhiban.org.scopes import organisation_of
from zhiban.policy.catalogue import catalogue
from zhiban.roster.models import ShiftType
from zhiban.swaps import selectors
from zhiban.swaps.models import Absence

NOTE_MAX = 500


def _share(value: Decimal | str | float) -> Decimal:
    try:
        share = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({"share": "责任比例须为0到1之间的数"}) from None
    if not share.is_finite() or share < 0 or share > 1:
        raise ValidationError({"share": f"责任比例须在0到1之间（现为{value}）"})
    if share != share.quantize(Decimal("0.01")):
        raise ValidationError({"share": "责任比例最多两位小数"})
    return share


@transaction.atomic
def absence_record(
    *,
    actor: User | None,
    person: Person,
    day: dt.date,
    shift_type: ShiftType | None,
    rule_id: str,
    subject_type: str,
    subject_id: int | None,
    share: Decimal = Decimal("1"),
    note: str = "",
) -> Absence:
    """Record 旷工 for `person` on `day` under `rule_id` (LEAVE-05, SWAP-05, SWAP-06 …).

    `actor=None` is a system job (e.g. a late leave request left unapproved); a person recording it
    must manage the person's unit (their team lead or above).
    """
    if actor is not None and not selectors.can_record_absence(actor, person):
        raise PermissionDenied(f"you may not record an absence of {person.name}")
    if rule_id not in catalogue().rules:
        raise ValidationError({"rule_id": f"unknown rule {rule_id!r}"})
    share = _share(share)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"说明最多{NOTE_MAX}字"})
    organisation = organisation_of(person.unit)
    if shift_type is not None and shift_type.organisation_id != organisation.pk:
        raise ValidationError({"shift_type": f"{shift_type.name}不是{organisation.name}的班次"})
    absence = Absence.objects.create(
        person=person,
        organisation=organisation,
        date=day,
        shift_type=shift_type,
        rule_id=rule_id,
        subject_type=subject_type,
        subject_id=subject_id,
        share=share,
        note=note,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    shift = f" {shift_type.name}" if shift_type is not None else ""
    notify(
        recipients=[person],
        subject=f"旷工记录：{day:%Y-%m-%d}{shift}（{rule_id}，责任{share * 100:.0f}%）",
        body=note,
    )
    audit.record(
        actor=actor,
        action="swaps.absence.record",
        object_type="absence",
        object_id=absence.public_id,
        after={
            "person": person.public_id,
            "date": day,
            "shift_type": shift_type.code if shift_type is not None else None,
            "rule_id": rule_id,
            "subject": f"{subject_type}:{subject_id}" if subject_type else "",
            "share": str(share),
        },
    )
    return absence
