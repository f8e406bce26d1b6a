"""The discipline register's absences (旷工): who may record one, what a share may be, one audit event per record,
who sees it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiban.core.models import AuditEvent
from zhiban.discipline import selectors, services
from zhiban.discipline.models import DisciplineRecord

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 3)


def test_absence_recorded_by_the_team_lead_with_one_audit_event(org_tree: dict[str, Any], team_lead: Any) -> None:
    events = AuditEvent.objects.count()
    absence = services.absence_record(
        actor=team_lead.user,
        person=org_tree["staff_a"],
        day=DAY,
        shift_type=None,
        rule_id="SWAP-05",
        subject_type="swap",
        subject_id=7,
        share=Decimal("0.6"),
        note="交代不清",
    )
    assert (absence.organisation, absence.share, absence.rule_id) == (org_tree["org"], Decimal("0.6"), "SWAP-05")
    assert (absence.subject_type, absence.subject_id, absence.recorded_by) == ("swap", 7, team_lead.user)
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.last()
    assert event is not None
    assert (event.action, event.object_type, event.object_id) == (
        "discipline.absence.record",
        "discipline_record",
        absence.public_id,
    )
    assert absence.kind == DisciplineRecord.Kind.ABSENCE
    assert list(selectors.absence_list(user=org_tree["staff_a"].user)) == [absence]
    assert list(selectors.absence_list(user=org_tree["staff_b"].user)) == []


def test_absence_by_a_system_job_needs_no_actor(org_tree: dict[str, Any]) -> None:
    absence = services.absence_record(
        actor=None,
        person=org_tree["staff_b"],
        day=DAY,
        shift_type=None,
        rule_id="LEAVE-05",
        subject_type="leave",
        subject_id=3,
    )
    assert absence.share == Decimal("1")
    assert absence.recorded_by is None


@pytest.mark.parametrize("who", ["staff_a", "staff_b", "head_b"])
def test_absence_refused_to_whoever_does_not_manage_the_person(org_tree: dict[str, Any], who: str) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.absence_record(
            actor=org_tree[who].user,
            person=org_tree["staff_a"],
            day=DAY,
            shift_type=None,
            rule_id="SWAP-06",
            subject_type="swap",
            subject_id=1,
        )
    assert (DisciplineRecord.objects.count(), AuditEvent.objects.count()) == (0, events)


@pytest.mark.parametrize(
    ("share", "ok"), [("1", True), ("0", True), ("1.01", False), ("-0.01", False), ("0.555", False)]
)
def test_absence_share_is_between_0_and_1(org_tree: dict[str, Any], share: str, ok: bool) -> None:
    def record() -> DisciplineRecord:
        return services.absence_record(
            actor=org_tree["head_a"].user,
            person=org_tree["staff_a"],
            day=DAY,
            shift_type=None,
            rule_id="SWAP-05",
            subject_type="swap",
            subject_id=1,
            share=Decimal(share),
        )

    if ok:
        assert record().share == Decimal(share)
    else:
        with pytest.raises(ValidationError) as error:
            record()
        assert "share" in error.value.message_dict
        assert DisciplineRecord.objects.count() == 0


def test_absence_rule_must_be_a_catalogued_rule(org_tree: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as error:
        services.absence_record(
            actor=None,
            person=org_tree["staff_a"],
            day=DAY,
            shift_type=None,
            rule_id="SWAP-99",
            subject_type="",
            subject_id=None,
        )
    assert "rule_id" in error.value.message_dict
