"""The checkpoint log outside the database (security review, issue 10 point 8): a tail cut off between
checkpoints is caught, a broken chain is never checkpointed, an edited log line is caught, and the log of
one database never makes another, intact one look broken."""

import datetime as dt
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from zhiban.accounts.models import AdminRole
from zhiban.core import audit, checkpoint_log
from zhiban.core.models import AuditChainHead, AuditEvent, Job
from zhiban.core.tests.test_audit_chain import _raw
from zhiban.core.worker import Worker
from zhiban.notify.models import OutboxMessage
from zhiban.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
Capture = Callable[..., Any]


@pytest.fixture
def log_path(settings: Any) -> Path:
    return Path(settings.AUDIT_CHECKPOINT_PATH)


@pytest.fixture
def append(django_capture_on_commit_callbacks: Capture) -> Callable[[int], list[AuditEvent]]:
    """Append events, each in its own committed transaction (so each leaves its line in the log)."""

    def write(n: int) -> list[AuditEvent]:
        events = []
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(n):
                with transaction.atomic():
                    index = AuditEvent.objects.count()
                    events.append(
                        audit.record(actor=None, action="test.write", object_type="thing", object_id=f"t{index}")
                    )
        return events

    return write


def _cut_tail(keep: AuditEvent) -> None:
    """The attack: delete every event after `keep` and rewind the chain-head row to it."""
    _raw("DELETE FROM core_auditevent WHERE sequence > %s", [keep.sequence])
    AuditChainHead.objects.filter(id=1).update(sequence=keep.sequence, hash=keep.hash)


def _append_without_log(n: int) -> list[AuditEvent]:
    """Events written before the log existed (their commits leave no line: the test's transaction never commits)."""
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(audit.record(actor=None, action="test.write", object_type="thing", object_id=str(i)))
    return events


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _identity() -> str:
    return AuditChainHead.objects.get(id=1).database_identity


def test_every_committed_head_is_logged_with_the_identity_of_its_database(append: Any, log_path: Path) -> None:
    events = append(2)
    lines = _lines(log_path)
    assert [(line["sequence"], line["hash"], line["by"]) for line in lines] == [
        (1, events[0].hash, "commit"),
        (2, events[1].hash, "commit"),
    ]
    assert {line["database"] for line in lines} == {_identity()}
    assert _identity().startswith("adb_")
    assert list(lines[0]) == ["v", "database", "sequence", "hash", "at", "by", "mac"]


def test_a_rolled_back_append_leaves_no_line(django_capture_on_commit_callbacks: Capture, log_path: Path) -> None:
    def failing_service() -> None:
        with transaction.atomic():
            audit.record(actor=None, action="test.write", object_type="thing")
            raise RuntimeError("the service failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        failing_service()
    assert not log_path.exists()
    assert audit.verify_chain().ok


def test_tail_cut_after_the_last_checkpoint_with_the_head_row_rewound_fails_verify(append: Any, log_path: Path) -> None:
    append(4)
    call_command("audit", "checkpoint")
    events = append(3)  # after the last checkpoint: only their commit lines know of them
    assert audit.verify_chain().ok

    _cut_tail(keep=AuditEvent.objects.get(sequence=4))

    result = audit.verify_chain()
    assert not result.ok
    assert result.kind == "tail"
    assert result.first_bad_sequence == 5
    assert f"the chain ends at #4 but the checkpoint log recorded #7 (commit at {_lines(log_path)[-1]['at']}" in (
        result.problem
    )
    assert "lost its tail (the events after #4 were removed)" in result.problem
    assert events[-1].sequence == 7
    with pytest.raises(CommandError, match=r"BROKEN after 4 good events: the chain ends at #4 .* lost its tail"):
        call_command("audit", "verify")


def test_worker_refuses_to_checkpoint_a_cut_chain_keeps_the_log_and_alerts_the_audit_administrator(
    append: Any, log_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    auditor = UserFactory.create(admin_role=AdminRole.AUDIT)
    system_administrator = UserFactory.create(admin_role=AdminRole.SYSTEM)
    append(3)
    keep = AuditEvent.objects.get(sequence=2)
    _cut_tail(keep)
    before = log_path.read_bytes()

    with caplog.at_level(logging.ERROR, logger="zhiban.audit"), time_machine.travel(T0, tick=False) as traveller:
        Worker(name="w").run_once()
        traveller.move_to(T0 + dt.timedelta(minutes=15))
        Worker(name="w").run_once()  # the next run refuses again, without a second notification

    assert log_path.read_bytes() == before
    refusals = [r.getMessage() for r in caplog.records if r.name == "zhiban.audit" and r.levelno == logging.ERROR]
    assert len(refusals) == 2
    assert refusals[0].startswith("the worker's audit checkpoint refused to checkpoint the audit chain: ")
    assert "the chain ends at #2 but the checkpoint log recorded #3" in refusals[0]
    alerts = OutboxMessage.objects.filter(subject="审计链校验未通过，检查点未写入")
    assert {message.recipient for message in alerts} == {auditor}
    assert alerts.filter(channel="inbox").count() == 1
    assert "the chain lost its tail" in alerts.get(channel="inbox").body
    assert not OutboxMessage.objects.filter(recipient=system_administrator).exists()
    assert Job.objects.filter(kind="core.audit_checkpoint", status=Job.Status.DONE).count() == 2


def test_command_refuses_to_checkpoint_a_broken_chain_and_exits_non_zero(
    append: Any, log_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    append(3)
    _cut_tail(keep=AuditEvent.objects.get(sequence=1))
    before = log_path.read_bytes()
    with caplog.at_level(logging.ERROR, logger="zhiban.audit"), pytest.raises(CommandError) as refused:
        call_command("audit", "checkpoint")
    assert str(refused.value).startswith("refusing to checkpoint the audit chain: the chain ends at #1")
    assert log_path.read_bytes() == before
    assert any("zhiban audit checkpoint refused" in r.getMessage() for r in caplog.records if r.levelno >= 40)


def test_an_altered_event_is_never_checkpointed(log_path: Path) -> None:
    (event,) = _append_without_log(1)
    _raw("UPDATE core_auditevent SET summary = %s WHERE id = %s", [json.dumps({"forged": True}), event.id])
    with pytest.raises(audit.ChainBroken, match="event #1 was altered"):
        audit.write_checkpoint()
    assert not log_path.exists()


def test_edited_log_line_is_detected(append: Any, log_path: Path, settings: Any) -> None:
    """Cutting the tail and editing the log to match it does not pass: the line's MAC no longer matches."""
    events = append(3)
    call_command("audit", "checkpoint")
    _cut_tail(keep=events[1])
    lines = log_path.read_text().splitlines()
    edited = []
    for line in lines:
        entry = json.loads(line)
        if entry["sequence"] == 3:
            entry.update(sequence=2, hash=events[1].hash)
        edited.append(json.dumps(entry, separators=(",", ":")))
    log_path.write_text("\n".join(edited) + "\n")

    result = audit.verify_chain()
    assert not result.ok
    assert result.kind == "log"
    assert result.problem == f"{log_path}, line 3 was edited or forged (its MAC does not match the audit key)"
    before = log_path.read_bytes()
    with pytest.raises(audit.ChainBroken, match="line 3 was edited or forged"):
        audit.write_checkpoint()
    assert log_path.read_bytes() == before


def test_line_signed_with_another_key_is_detected(append: Any, log_path: Path) -> None:
    events = append(2)
    forged = checkpoint_log.format_line(
        b"a guessed key",
        database=_identity(),
        sequence=2,
        digest=events[1].hash,
        at="2026-03-02T09:00:00+00:00",
        by="checkpoint",
    )
    with log_path.open("a") as log:
        log.write(forged + "\n")
    result = audit.verify_chain()
    assert not result.ok
    assert result.problem == f"{log_path}, line 3 was edited or forged (its MAC does not match the audit key)"


def test_unreadable_line_in_the_middle_is_detected_but_a_last_line_cut_short_by_a_crash_is_not(
    append: Any, log_path: Path
) -> None:
    append(2)
    with log_path.open("a") as log:
        log.write('{"v":1,"database":"adb_')  # the worker died while writing
    assert audit.verify_chain().ok
    append(1)  # the next line replaces the unfinished one
    assert [line["sequence"] for line in _lines(log_path)] == [1, 2, 3]
    assert audit.verify_chain().ok

    text = log_path.read_text().splitlines()
    log_path.write_text("\n".join([text[0], "not a checkpoint", *text[1:]]) + "\n")
    result = audit.verify_chain()
    assert result.problem == f"{log_path}, line 2 is not a checkpoint line (unreadable): the log was edited"


def _replace_database(append: Any, n: int) -> list[AuditEvent]:
    """Another database behind the same settings: a chain of its own, under a new identity."""
    _raw("DELETE FROM core_auditevent")
    AuditChainHead.objects.all().delete()
    return append(n)


def test_log_of_database_a_does_not_make_verify_of_intact_database_b_fail_misleadingly(
    append: Any, log_path: Path
) -> None:
    append(5)
    call_command("audit", "checkpoint")
    database_a = _identity()
    a_lines = log_path.read_bytes()
    _replace_database(append, 3)
    database_b = _identity()
    assert database_b != database_a

    result = audit.verify_chain()
    assert not result.ok
    assert result.kind == "other-database"
    assert result.problem.startswith(
        f"the checkpoint log {log_path} belongs to another database: it was begun by database {database_a}, whose "
        f"newest checkpoint is #5 (checkpoint at "
    )
    assert f"and this database is {database_b}. The chain itself is intact (3 events), but nothing was checked" in (
        result.problem
    )
    assert "3 line(s) of this database" in result.problem
    for misleading in ("lost its tail", "removed", "altered", "BROKEN"):
        assert misleading not in result.problem
    with pytest.raises(CommandError, match=r"NOT VERIFIED against its checkpoint log: the checkpoint log .* belongs"):
        call_command("audit", "verify")

    # The worker does not start checkpointing database B into A's log on its own...
    before = log_path.read_bytes()
    with pytest.raises(audit.ChainBroken, match="belongs to another database"):
        audit.write_checkpoint()
    assert log_path.read_bytes() == before
    assert before.startswith(a_lines)

    # ...an administrator says B replaces A; from then on B's own lines count, and A's stay as they were.
    call_command("audit", "checkpoint", "--new-database")
    assert _lines(log_path)[-1]["by"] == "new-database"
    assert _lines(log_path)[-1]["database"] == database_b
    assert log_path.read_bytes().startswith(a_lines)
    assert audit.verify_chain().ok
    append(2)
    _cut_tail(keep=AuditEvent.objects.get(sequence=4))
    assert audit.verify_chain().kind == "tail"


def test_explicit_log_of_another_database_says_so(append: Any, tmp_path: Path) -> None:
    append(2)
    other = tmp_path / "other-database.log"
    line = checkpoint_log.format_line(
        b"test-audit-key",
        database="adb_0ther0database",
        sequence=9,
        digest="9" * 64,
        at="2026-01-01T00:00:00+00:00",
        by="checkpoint",
    )
    other.write_text(line + "\n")
    with pytest.raises(CommandError) as refused:
        call_command("audit", "verify", "--checkpoint", str(other))
    assert "belongs to another database: it was begun by database adb_0ther0database" in str(refused.value)
    assert "The chain itself is intact (2 events)" in str(refused.value)


def test_emptied_chain_under_a_log_is_not_verified(append: Any) -> None:
    append(2)
    _raw("DELETE FROM core_auditevent")
    AuditChainHead.objects.all().delete()
    result = audit.verify_chain()
    assert result.kind == "other-database"
    assert "belongs to another database, or this database's audit chain was emptied" in result.problem


def test_swapping_the_identity_after_cutting_the_tail_does_not_escape_the_log(append: Any, log_path: Path) -> None:
    append(4)
    _cut_tail(keep=AuditEvent.objects.get(sequence=2))
    AuditChainHead.objects.filter(id=1).update(database_identity="adb_fresh0identity")
    append(1)  # the application goes on writing: its lines name the new identity
    result = audit.verify_chain()
    assert result.kind == "other-database"
    assert "this database is adb_fresh0identity" in result.problem
    with pytest.raises(audit.ChainBroken):
        audit.write_checkpoint()


def test_checkpoint_of_an_unchanged_chain_appends_nothing(append: Any, log_path: Path) -> None:
    append(2)
    first = audit.write_checkpoint()
    second = audit.write_checkpoint()
    assert first.written_to == (log_path,)
    assert (second.written_to, second.note) == ((), "unchanged since the last checkpoint (#2)")
    assert [line["by"] for line in _lines(log_path)] == ["commit", "commit", "checkpoint"]


def test_empty_chain_is_not_checkpointed(log_path: Path) -> None:
    checkpoint = audit.write_checkpoint()
    assert checkpoint.database is None
    assert not log_path.exists()
    assert audit.verify_chain().ok


def test_old_single_checkpoint_file_is_read_as_the_first_entry(log_path: Path) -> None:
    events = _append_without_log(3)
    log_path.write_text(json.dumps({"sequence": 3, "hash": events[2].hash, "written_at": "2026-01-01"}, indent=1))
    result = audit.verify_chain()
    assert result.ok
    assert result.logs == (
        f"reaches the newest checkpoint in {log_path}: #3 (the old single checkpoint written at 2026-01-01, "
        f"{log_path}, line 1)",
    )
    audit.write_checkpoint()
    assert log_path.read_text().startswith('{\n "sequence": 3,')
    assert json.loads(log_path.read_text().splitlines()[-1])["by"] == "checkpoint"
    assert audit.verify_chain().ok


def test_old_single_checkpoint_file_still_catches_a_removed_tail(log_path: Path) -> None:
    events = _append_without_log(3)
    log_path.write_text(json.dumps({"sequence": 3, "hash": events[2].hash, "written_at": "2026-01-01"}, indent=1))
    _cut_tail(keep=events[0])
    result = audit.verify_chain()
    assert result.kind == "tail"
    assert "#3 (the old single checkpoint written at 2026-01-01" in result.problem


def test_copy_of_the_log_catches_a_cut_when_the_log_itself_is_lost(
    append: Any, log_path: Path, tmp_path: Path, settings: Any
) -> None:
    copy = tmp_path / "elsewhere" / "audit-checkpoint.copy"
    settings.AUDIT_CHECKPOINT_COPY_PATH = copy
    append(3)
    checkpoint = audit.write_checkpoint()
    assert checkpoint.written_to == (log_path, copy)
    assert [line["by"] for line in _lines(copy)] == ["checkpoint"]
    log_path.unlink()
    _cut_tail(keep=AuditEvent.objects.get(sequence=1))
    result = audit.verify_chain()
    assert result.kind == "tail"
    assert f"#3 (checkpoint at {_lines(copy)[0]['at']}, {copy}, line 1)" in result.problem
