"""Registers the notification outbox as a queue the worker drains (found by `zhiban.core.jobs.discover`)."""

from zhiban.core import claims
from zhiban.notify import delivery

claims.register_queue(claims.Queue("notify.outbox", delivery.deliver_due, delivery.reclaim_messages))
