"""The audit chain: appends link by HMAC; verify catches alteration, removal, insertion, reordering."""

import json
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from zhiban.core import audit
from zhiban.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def _append(n: int) -> list[AuditEvent]:
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                audit.record(actor=None, action="test.write", object_type="thing", object_id=f"t{i}", after={"i": i})
            )
    return events


def _raw(sql: str, params: list[Any] | None = None) -> None:
    """Tamper as an attacker with database access would: disable the trigger first on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params or [])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")


def test_intact_chain_verifies() -> None:
    _append(5)
    result = audit.verify_chain()
    assert result.ok, result.problem
    assert result.checked == 5


@pytest.mark.django_db(transaction=True)
def test_record_outside_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="inside the writing service"):
        audit.record(actor=None, action="x", object_type="y")


def test_altered_summary_is_caught() -> None:
    events = _append(4)
    _raw("UPDATE core_auditevent SET summary = %s WHERE id = %s", [json.dumps({"after": {"i": 99}}), events[2].id])
    result = audit.verify_chain()
    assert not result.ok
    assert result.first_bad_sequence == 3
    assert "altered" in result.problem


def test_rehashed_without_key_is_caught() -> None:
    """An attacker who recomputes a plain SHA-256 cannot forge the HMAC."""
    events = _append(3)
    _raw("UPDATE core_auditevent SET action = 'forged', hash = %s WHERE id = %s", ["f" * 64, events[0].id])
    result = audit.verify_chain()
    assert not result.ok
    assert result.first_bad_sequence == 1


def test_removed_middle_event_is_caught() -> None:
    events = _append(5)
    _raw("DELETE FROM core_auditevent WHERE id = %s", [events[1].id])
    result = audit.verify_chain()
    assert not result.ok
    assert result.first_bad_sequence == 2


def test_reordered_events_are_caught() -> None:
    events = _append(3)
    _raw("UPDATE core_auditevent SET sequence = 1000 WHERE id = %s", [events[0].id])
    _raw("UPDATE core_auditevent SET sequence = 1 WHERE id = %s", [events[1].id])
    _raw("UPDATE core_auditevent SET sequence = 2 WHERE id = %s", [events[0].id])
    result = audit.verify_chain()
    assert not result.ok


def test_inserted_event_is_caught() -> None:
    events = _append(3)
    _raw(
        "INSERT INTO core_auditevent (sequence, occurred_at, actor_label, action, object_type, object_id, summary,"
        " prev_hash, hash) VALUES (4, %s, 'x', 'forged', 'thing', 'z', '{}', %s, %s)",
        [events[-1].occurred_at, events[-1].hash, "e" * 64],
    )
    result = audit.verify_chain()
    assert not result.ok
    assert result.first_bad_sequence == 4


def test_removed_tail_is_caught_by_checkpoint() -> None:
    events = _append(4)
    audit.write_checkpoint()
    _raw("DELETE FROM core_auditevent WHERE id = %s", [events[-1].id])
    AuditChainHead.objects.filter(id=1).update(sequence=3, hash=events[2].hash)
    result = audit.verify_chain()
    assert not result.ok
    assert "checkpoint" in result.problem


def test_checkpoint_never_moves_backwards() -> None:
    events = _append(2)
    audit.write_checkpoint()
    _raw("DELETE FROM core_auditevent WHERE id = %s", [events[-1].id])
    AuditChainHead.objects.filter(id=1).update(sequence=1, hash=events[0].hash)
    with pytest.raises(RuntimeError, match="lost its tail"):
        audit.write_checkpoint()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgres_trigger_refuses_update_and_delete() -> None:
    events = _append(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(id=events[0].id).update(action="changed")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(id=events[0].id).delete()
