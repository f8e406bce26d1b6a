"""The audit chain: every write service appends one event; `verify_chain` proves nothing was altered.

Appends are serialised by a row lock on the chain head (SQLite's IMMEDIATE transactions serialise
all writers anyway). Each hash is HMAC-SHA256, keyed by `settings.AUDIT_HMAC_KEY`, over the event's
canonical JSON and the previous hash, so whoever rewrites rows without the key cannot recompute the
chain.

A database writer can still delete the newest events and rewind the head row. So the head is also
kept where such a writer cannot reach it: the checkpoint log (`zhiban.core.checkpoint_log`, a file
outside the database), which gets a signed line after every audited commit and after every verified
checkpoint (`write_checkpoint`: the worker every 15 minutes, `zhiban audit checkpoint`). `verify_chain`
requires the chain to reach the newest line of its database with the same hash. Each database's chain
has an identity (`AuditChainHead.database_identity`), so the log of one database is never taken for
another's: verifying against it fails saying so, and checks nothing against it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from zhiban.core import checkpoint_log, clock
from zhiban.core.checkpoint_log import Entry, LogDamaged, LogSummary
from zhiban.core.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
logger = logging.getLogger("zhiban.audit")


def _normalise(value: Any) -> Any:
    """JSON-native form of a summary (dates as ISO strings), identical after a database round trip."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _canonical(
    *,
    sequence: int,
    occurred_at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    summary: Any,
    prev_hash: str,
) -> bytes:
    body = {
        "seq": sequence,
        "at": occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "actor_label": actor_label,
        "action": action,
        "type": object_type,
        "id": object_id,
        "summary": summary,
        "prev": prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _sign(payload: bytes) -> str:
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), payload, hashlib.sha256).hexdigest()


def event_hash(event: AuditEvent) -> str:
    return _sign(
        _canonical(
            sequence=event.sequence,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            summary=event.summary,
            prev_hash=event.prev_hash,
        )
    )


def _locked_head() -> AuditChainHead:
    """The chain head, row-locked until the transaction ends; created on the very first append."""
    head = AuditChainHead.objects.select_for_update().filter(id=1).first()
    if head is None:
        # Two first writers may race here: ON CONFLICT DO NOTHING lets both continue to the lock.
        AuditChainHead.objects.bulk_create([AuditChainHead(id=1)], ignore_conflicts=True)
        head = AuditChainHead.objects.select_for_update().get(id=1)
    return head


def record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str = "",
    before: Any = None,
    after: Any = None,
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Call it inside the service's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the writing service's transaction")
    summary: dict[str, Any] = {}
    if before is not None:
        summary["before"] = before
    if after is not None:
        summary["after"] = after
    if extra:
        summary.update(extra)
    summary = _normalise(summary)
    head = _locked_head()
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    event = AuditEvent(
        sequence=head.sequence + 1,
        occurred_at=clock.now(),
        actor=actor if is_user else None,
        actor_label=(actor.get_username() if is_user else str(actor or "system")),
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        prev_hash=head.hash,
    )
    event.hash = event_hash(event)
    event.save(force_insert=True)
    head.sequence, head.hash = event.sequence, event.hash
    head.save(update_fields=["sequence", "hash"])
    transaction.on_commit(partial(_log_committed_head, head.database_identity, event.sequence, event.hash), robust=True)
    return event


def _key() -> bytes:
    return settings.AUDIT_HMAC_KEY.encode()


def _now_text() -> str:
    return clock.now().astimezone(dt.UTC).isoformat(timespec="seconds")


def _log_committed_head(database: str, sequence: int, digest: str) -> None:
    """Append the head an audited transaction committed to the checkpoint log, so a tail cut off later is
    caught even before the next checkpoint.

    After the commit, never before: a line for a transaction that then rolled back would make verify
    report a removed tail. A crash between the commit and this line loses only the line; the next one
    covers it. A failure to write is logged and does not undo the committed change.
    """
    path = Path(settings.AUDIT_CHECKPOINT_PATH)
    line = checkpoint_log.format_line(
        _key(), database=database, sequence=sequence, digest=digest, at=_now_text(), by=checkpoint_log.COMMIT
    )
    try:
        checkpoint_log.append(path, line, durable=False)
    except OSError:
        logger.exception("could not append the audit chain head #%s to the checkpoint log %s", sequence, path)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    first_bad_sequence: int | None = None
    # What failed: "chain" (events or head row), "tail" (the log knows newer events), "log" (a log line was
    # edited), "other-database" (the log belongs to another database: nothing was checked against it).
    kind: str = ""
    sequence: int = 0  # the last event verified, and its hash: what a checkpoint records
    head_hash: str = GENESIS_HASH
    database: str | None = None
    logs: tuple[str, ...] = ()  # one sentence per checkpoint log: what the chain was checked against


class ChainBroken(RuntimeError):
    """The chain failed verification, so no checkpoint was written; `result` says why."""

    def __init__(self, result: VerifyResult) -> None:
        super().__init__(f"refusing to checkpoint the audit chain: {result.problem}")
        self.result = result


def checkpoint_log_paths(path: Path | None = None) -> list[Path]:
    """The log `path`, or the configured log and its copy (`ZHIBAN_AUDIT_CHECKPOINT[_COPY]`)."""
    if path is not None:
        return [Path(path)]
    paths = [Path(settings.AUDIT_CHECKPOINT_PATH)]
    copy = getattr(settings, "AUDIT_CHECKPOINT_COPY_PATH", None)
    if copy:
        paths.append(Path(copy))
    return paths


def verify_chain(checkpoint_path: Path | None = None, batch: int = 2000) -> VerifyResult:
    """Walk the whole chain; report the first event that was altered, removed, inserted or reordered, and a
    chain shorter than its checkpoint log says (a removed tail)."""
    return _verify(checkpoint_path, batch=batch)[0]


def _verify(
    checkpoint_path: Path | None, *, batch: int = 2000, adopting: bool = False
) -> tuple[VerifyResult, list[LogSummary]]:
    # The head first, then the logs, then the events: every line of a log was written after its event
    # committed, and appends committed meanwhile only lengthen the chain, so none of it races the walk.
    head = AuditChainHead.objects.filter(id=1).first()
    database = head.database_identity if head is not None else None
    try:
        logs = [checkpoint_log.read(path, _key(), database) for path in checkpoint_log_paths(checkpoint_path)]
    except LogDamaged as damage:
        return VerifyResult(False, 0, str(damage), kind="log", database=database), []
    # With `adopting`, this database takes over logs begun by another (`--new-database`).
    foreign = [] if adopting else [log for log in logs if not log.empty and not log.owns(database)]
    expected: dict[int, list[Entry]] = {}
    for log in logs:
        if log not in foreign:
            for entry in log.own_entries():
                expected.setdefault(entry.sequence, []).append(entry)

    def broken(problem: str, checked: int, first_bad: int | None, kind: str) -> tuple[VerifyResult, list[LogSummary]]:
        return VerifyResult(False, checked, problem, first_bad, kind=kind, database=database), logs

    for entry in expected.get(0, []):
        if entry.hash != GENESIS_HASH:
            return broken(f"the checkpoint {entry.describe()} does not record an empty chain", 0, 1, "chain")
    expected_seq = 1
    prev = GENESIS_HASH
    head_event_hash = GENESIS_HASH if head is None or head.sequence == 0 else None
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            break
        for event in rows:
            last_id = event.id
            if event.sequence != expected_seq:
                return broken(
                    f"event #{event.sequence} found where #{expected_seq} was expected "
                    "(an event was removed, inserted or reordered)",
                    checked,
                    expected_seq,
                    "chain",
                )
            if event.prev_hash != prev:
                return broken(
                    f"event #{event.sequence} does not link to its predecessor", checked, event.sequence, "chain"
                )
            if not hmac.compare_digest(event_hash(event), event.hash):
                return broken(
                    f"event #{event.sequence} was altered (its hash does not match)", checked, event.sequence, "chain"
                )
            for entry in expected.get(event.sequence, []):
                if entry.hash != event.hash:
                    return broken(
                        f"event #{event.sequence} differs from the checkpoint {entry.describe()}",
                        checked,
                        event.sequence,
                        "chain",
                    )
            if head is not None and event.sequence == head.sequence:
                head_event_hash = event.hash
            prev = event.hash
            expected_seq += 1
            checked += 1
    last_seq = expected_seq - 1
    if head is None and last_seq:
        return broken(f"the chain has {last_seq} events but its head row is missing", checked, None, "chain")
    if head is not None and head.sequence > last_seq:
        return broken(
            f"the chain head says #{head.sequence} but the chain ends at #{last_seq}", checked, last_seq + 1, "chain"
        )
    # Events after the head are appends that committed while this walk ran (the head was read first); a
    # head row pointing at another hash than its event's was rewritten.
    if head is not None and head.hash != head_event_hash:
        return broken(
            f"the chain head (#{head.sequence}) does not match event #{head.sequence}", checked, None, "chain"
        )
    newest = max((entry for entries in expected.values() for entry in entries), key=lambda e: e.sequence, default=None)
    if newest is not None and newest.sequence > last_seq:
        return broken(
            f"the chain ends at #{last_seq} but the checkpoint log recorded {newest.describe()} of this database: "
            f"the chain lost its tail (the events after #{last_seq} were removed)",
            checked,
            last_seq + 1,
            "tail",
        )
    if foreign:
        return broken(_belongs_to_another_database(foreign[0], database, checked), checked, None, "other-database")
    result = VerifyResult(
        True, checked, sequence=last_seq, head_hash=prev, database=database, logs=tuple(_describe(log) for log in logs)
    )
    return result, logs


def _belongs_to_another_database(log: LogSummary, database: str | None, checked: int) -> str:
    owner_newest = log.owner_newest()
    begun = f"it was begun by database {log.owner}" + (
        f", whose newest checkpoint is {owner_newest.describe()}" if owner_newest is not None else ""
    )
    if database is None:
        return (
            f"the checkpoint log {log.path} belongs to another database, or this database's audit chain was "
            f"emptied: {begun}, and this database has no audit chain at all (no events, no chain head). Nothing "
            "was checked against that log. If this is a new installation, run `zhiban audit checkpoint "
            "--new-database`; otherwise the chain was removed."
        )
    unadopted = ""
    if log.own_first is not None:
        unadopted = (
            f" The log also holds {log.own_lines} line(s) of this database written since {log.own_first.at}, "
            "not adopted."
        )
    return (
        f"the checkpoint log {log.path} belongs to another database: {begun}, and this database is {database}. "
        f"The chain itself is intact ({checked} events), but nothing was checked against that log.{unadopted} "
        "If this database replaced the other on purpose (a new installation), run `zhiban audit checkpoint "
        "--new-database`; otherwise this database's audit identity or its whole chain was replaced."
    )


def _describe(log: LogSummary) -> str:
    if not log.exists:
        return f"no checkpoint log at {log.path} yet"
    newest = max(log.own_entries(), key=lambda e: e.sequence, default=None)
    if newest is None:
        return f"the checkpoint log {log.path} holds nothing of this database yet"
    return f"reaches the newest checkpoint in {log.path}: {newest.describe()}"


@dataclass(frozen=True)
class Checkpoint:
    """What `write_checkpoint` did: the head it verified, and the logs it appended it to."""

    database: str | None
    sequence: int
    hash: str
    written_to: tuple[Path, ...] = ()
    note: str = ""


def write_checkpoint(path: Path | None = None, *, new_database: bool = False) -> Checkpoint:
    """Verify the whole chain, then append its head to the checkpoint log (and its copy). Raises ChainBroken,
    writing nothing, when the chain fails verification.

    `new_database`: this database takes over logs begun by another one (a new installation that kept the
    old log); without it such a log is refused, since an attacker could otherwise swap identities.
    """
    result, logs = _verify(path, adopting=new_database)
    if not result.ok:
        raise ChainBroken(result)
    database = result.database
    if database is None:
        if not new_database:
            return Checkpoint(None, 0, GENESIS_HASH, note="the audit chain is empty: nothing to checkpoint")
        with transaction.atomic():
            database = _locked_head().database_identity
    adopting = new_database and any(not log.empty and not log.owns(database) for log in logs)
    line = checkpoint_log.format_line(
        _key(),
        database=database,
        sequence=result.sequence,
        digest=result.head_hash,
        at=_now_text(),
        by=checkpoint_log.NEW_DATABASE if adopting else checkpoint_log.CHECKPOINT,
    )
    written: list[Path] = []
    for index, log in enumerate(logs):
        verified = log.own_verified.get(result.sequence) if log.database == database else None
        if not adopting and verified is not None and verified.hash == result.head_hash:
            continue  # this head was checkpointed there already
        try:
            checkpoint_log.append(log.path, line, durable=True)
        except OSError:
            if index == 0:
                raise
            logger.exception("could not append the audit checkpoint #%s to the copy %s", result.sequence, log.path)
            continue
        written.append(log.path)
    note = "" if written else f"unchanged since the last checkpoint (#{result.sequence})"
    return Checkpoint(database, result.sequence, result.head_hash, tuple(written), note)
