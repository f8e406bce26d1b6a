"""The worker's side of the outbox: claim due messages, deliver each on its channel, retry or fail.

Only messages whose transaction committed are visible to the worker, so a rolled-back change
sends nothing. Failures retry with backoff (`zhiban.core.claims.retry_delay`); after
`max_attempts` (NOTIFY_MAX_ATTEMPTS when written), or at once for a permanent error, the message is
FAILED with the error kept.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from zhiban.core import claims, clock
from zhiban.notify.channels import PermanentDeliveryError, get_channel
from zhiban.notify.models import OutboxMessage

logger = logging.getLogger("zhiban.worker")


class ClaimLost(RuntimeError):
    """The message was reclaimed from this worker (it was presumed dead) while it delivered."""


def _mark_sent(message: OutboxMessage, *, worker: str, address: str) -> None:
    sent = claims.still_claimed(OutboxMessage, message.pk, worker=worker).update(
        status=OutboxMessage.Status.SENT, sent_at=clock.now(), address=address, last_error=""
    )
    if sent != 1:
        raise ClaimLost(f"message {message.public_id} was reclaimed from {worker}")


def deliver_message(message_id: int, *, worker: str) -> str:
    """Deliver a message this worker has claimed; returns "sent", "retry", "failed" or "lost"."""
    message = OutboxMessage.objects.select_related("recipient", "robot").get(id=message_id)
    try:
        channel = get_channel(message.channel)
        if channel.transactional:
            with transaction.atomic():
                address = channel.deliver(message)
                _mark_sent(message, worker=worker, address=address)
        else:
            address = channel.deliver(message)
            with transaction.atomic():
                _mark_sent(message, worker=worker, address=address)
    except ClaimLost as lost:
        logger.warning("%s; another worker delivers it", lost)
        return "lost"
    except Exception as error:
        logger.warning(
            "message %s (%s) not delivered, attempt %s: %s",
            message.public_id,
            message.channel,
            message.attempts,
            error,
        )
        return _record_failure(message, worker=worker, error=error)
    logger.info("message %s delivered by %s to %s", message.public_id, message.channel, address)
    return "sent"


def _record_failure(message: OutboxMessage, *, worker: str, error: Exception) -> str:
    with transaction.atomic():
        row = claims.still_claimed(OutboxMessage, message.pk, worker=worker).select_for_update().first()
        if row is None:
            return "lost"
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        row.claimed_by, row.claimed_at = "", None
        if isinstance(error, PermanentDeliveryError) or row.attempts >= row.max_attempts:
            row.status = OutboxMessage.Status.FAILED
            row.save(update_fields=["status", "last_error", "claimed_by", "claimed_at"])
            return "failed"
        row.status = OutboxMessage.Status.PENDING
        row.next_attempt_at = clock.now() + claims.retry_delay(row.attempts)
        row.save(update_fields=["status", "next_attempt_at", "last_error", "claimed_by", "claimed_at"])
        return "retry"


def deliver_due(worker: str, limit: int) -> int:
    """Claim up to `limit` due messages and deliver them; returns how many were tried."""
    claimed = claims.claim_due(OutboxMessage, due_field="next_attempt_at", worker=worker, now=clock.now(), limit=limit)
    for message_id in claimed:
        deliver_message(message_id, worker=worker)
    return len(claimed)


def reclaim_messages(now: dt.datetime) -> tuple[int, int]:
    return claims.reclaim_stale(
        OutboxMessage, now=now, due_field="next_attempt_at", failed={"status": OutboxMessage.Status.FAILED}
    )
