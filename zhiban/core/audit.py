"""The audit chain: every write service appends one event; `verify_chain` proves nothing was altered.

Appends are serialised by a row lock on the chain head (SQLite's IMMEDIATE transactions serialise
all writers anyway). Each hash is HMAC-SHA256, keyed by `settings.AUDIT_HMAC_KEY`, over the event's
canonical JSON and the previous hash, so whoever rewrites rows without the key cannot recompute the
chain. The head is also checkpointed to a file outside the database, so a removed tail is caught.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from zhiban.core import clock
from zhiban.core.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


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
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    first_bad_sequence: int | None = None


def verify_chain(checkpoint_path: Path | None = None, batch: int = 2000) -> VerifyResult:
    """Walk the whole chain; report the first event that was altered, removed, inserted or reordered."""
    expected_seq = 1
    prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            break
        for event in rows:
            last_id = event.id
            if event.sequence != expected_seq:
                return VerifyResult(
                    False,
                    checked,
                    f"event #{event.sequence} found where #{expected_seq} was expected "
                    "(an event was removed, inserted or reordered)",
                    expected_seq,
                )
            if event.prev_hash != prev:
                return VerifyResult(
                    False, checked, f"event #{event.sequence} does not link to its predecessor", event.sequence
                )
            if not hmac.compare_digest(event_hash(event), event.hash):
                return VerifyResult(
                    False, checked, f"event #{event.sequence} was altered (its hash does not match)", event.sequence
                )
            prev = event.hash
            expected_seq += 1
            checked += 1
    last_seq = expected_seq - 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.sequence != last_seq or (last_seq and head.hash != prev)):
        return VerifyResult(
            False,
            checked,
            f"the chain head says #{head.sequence} but the chain ends at #{last_seq}",
            last_seq + 1,
        )
    checkpoint = read_checkpoint(checkpoint_path)
    if checkpoint is not None:
        cp_seq, cp_hash = checkpoint
        if cp_seq > last_seq:
            return VerifyResult(
                False,
                checked,
                f"the chain ends at #{last_seq} but the checkpoint recorded #{cp_seq}: its tail was removed",
                last_seq + 1,
            )
        if cp_seq:
            at = AuditEvent.objects.filter(sequence=cp_seq).values_list("hash", flat=True).first()
            if at != cp_hash:
                return VerifyResult(False, checked, f"event #{cp_seq} differs from the checkpoint taken of it", cp_seq)
    return VerifyResult(True, checked)


def _checkpoint_path(path: Path | None) -> Path:
    return Path(path) if path is not None else Path(settings.AUDIT_CHECKPOINT_PATH)


def read_checkpoint(path: Path | None = None) -> tuple[int, str] | None:
    target = _checkpoint_path(path)
    if not target.exists():
        return None
    data = json.loads(target.read_text())
    return int(data["sequence"]), str(data["hash"])


def write_checkpoint(path: Path | None = None) -> tuple[int, str]:
    """Write the head (sequence, hash) outside the database; never moves the checkpoint backwards."""
    head = AuditChainHead.objects.filter(id=1).first()
    sequence, digest = (head.sequence, head.hash) if head else (0, GENESIS_HASH)
    target = _checkpoint_path(path)
    previous = read_checkpoint(target)
    if previous is not None and previous[0] > sequence:
        raise RuntimeError(
            f"refusing to move the checkpoint back from #{previous[0]} to #{sequence}: the chain lost its tail"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps({"sequence": sequence, "hash": digest, "written_at": clock.now().isoformat()}, indent=1))
    tmp.replace(target)
    return sequence, digest
