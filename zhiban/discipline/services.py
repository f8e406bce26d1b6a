"""Writes of the discipline register (纪律登记): today absences (旷工) under LEAVE-05, SWAP-05 and SWAP-06.

`absence_record` is the service a manager or a system job calls: permission-checked, audited. `absence_write` is for
another app's service that records absences as part of a change of its own and audits that change itself (SWAP-05's
judgement of a swap records both sides in one `swaps.swap.judge` event).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zhiban.accounts.models import User
from zhiban.core import audit, clock
from zhiban.core.transactions import atomic_retrying
from zhiban.discipline import selectors
from zhiban.discipline.models import NOTE_MAX, DisciplineRecord
from zhiban.notify.services import notify
from zhiban.org.models import Person
from zhiban.org.own_matters import refuse_own_matter
from zhiban.org.scopes import organisation_of
from zhiban.policy.catalogue import catalogue
from zhiban.roster.models import ShiftType


def responsibility_share(value: Decimal | str | float) -> Decimal:
    """A share of responsibility, 0 to 1 with at most two decimals (SWAP-05 weighs both sides of a swap)."""
    try:
        share = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({"share": "责任比例须为0到1之间的数"}) from None
    if not share.is_finite() or share < 0 or share > 1:
        raise ValidationError({"share": f"责任比例须在0到1之间（现为{value}）"})
    if share != share.quantize(Decimal("0.01")):
        raise ValidationError({"share": "责任比例最多两位小数"})
    return share


def absence_write(
    *,
    actor: User | None,
    person: Person,
    day: dt.date,
    shift_type: ShiftType | None,
    rule_id: str,
    subject_type: str,
    subject_id: int | None,
    share: Decimal | str,
    note: str,
    kind: str = DisciplineRecord.Kind.ABSENCE,
) -> DisciplineRecord:
    """Validate and write one record (an absence unless `kind` says lateness or leaving the post) and tell the
    person, inside the caller's transaction; the caller has checked
    who may record it and audits its own change."""
    if rule_id not in catalogue().rules:
        raise ValidationError({"rule_id": f"unknown rule {rule_id!r}"})
    share = responsibility_share(share)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"说明最多{NOTE_MAX}字"})
    organisation = organisation_of(person.unit)
    if shift_type is not None and shift_type.organisation_id != organisation.pk:
        raise ValidationError({"shift_type": f"{shift_type.name}不是{organisation.name}的班次"})
    record = DisciplineRecord.objects.create(
        kind=kind,
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
    subject = (
        f"旷工记录：{day:%Y-%m-%d}{shift}（{rule_id}，责任{share * 100:.0f}%）"
        if kind == DisciplineRecord.Kind.ABSENCE
        else f"{'迟到' if kind == DisciplineRecord.Kind.LATE else '脱岗'}记录：{day.month}月{day.day}日{shift}"
    )
    notify(
        recipients=[person],
        subject=subject,
        body=note,
        link=reverse("discipline:register"),
    )
    return record


def _summary(record: DisciplineRecord) -> dict[str, object]:
    return {
        "kind": record.kind,
        "person": record.person.public_id,
        "date": record.date,
        "shift_type": record.shift_type.code if record.shift_type is not None else None,
        "rule_id": record.rule_id,
        "subject": f"{record.subject_type}:{record.subject_id}" if record.subject_type else "",
        "share": str(record.share),
    }


@atomic_retrying
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
) -> DisciplineRecord:
    """Record 旷工 for `person` on `day` under `rule_id` (LEAVE-05, SWAP-05, SWAP-06 …).

    `actor=None` is a system job (e.g. a late leave request left unapproved); a person recording it
    must manage the person's unit (their team lead or above).
    """
    refuse_own_matter(actor, [person])
    if actor is not None and not selectors.can_record(actor, person):
        raise PermissionDenied(f"you may not record an absence of {person.name}")
    record = absence_write(
        actor=actor,
        person=person,
        day=day,
        shift_type=shift_type,
        rule_id=rule_id,
        subject_type=subject_type,
        subject_id=subject_id,
        share=share,
        note=note,
    )
    audit.record(
        actor=actor,
        action="discipline.absence.record",
        object_type="discipline_record",
        object_id=record.public_id,
        after=_summary(record),
    )
    return record
