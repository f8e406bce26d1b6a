"""Write transactions that survive losing a conflict.

PostgreSQL ends one of two transactions that wait on each other (deadlock, SQLSTATE 40P01) or that cannot be
serialised (40001); the loser did nothing wrong and succeeds when run again. `atomic_retrying` wraps a service the
way `transaction.atomic` does and, when it is the outermost transaction, runs it again (up to `ATTEMPTS` times)
after such a loss instead of letting the request answer 500. Inside another transaction it is a plain savepoint:
only the outermost block can be retried, since the loss rolls back all of it.

Lock order, to keep deadlocks rare in the first place (every service follows it):
1. the rows the service changes, each with `select_for_update(of=("self",))` so that joined rows (the person,
   the unit) are read but not locked; a row taken only as a mutex (one filing per person at a time) with
   `select_for_update(no_key=True)`, which does not block inserts that refer to it;
2. roster periods, through `roster.duty_changes` (it locks them in id order);
3. the approval chain's steps;
4. the audit chain head, last: `audit.record` is the last write of every service.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable

from django.db import OperationalError, transaction

ATTEMPTS = 4
CONFLICT_STATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure

log = logging.getLogger(__name__)


def lost_a_conflict(error: BaseException) -> bool:
    """Was this error PostgreSQL choosing this transaction as the loser of a deadlock or serialisation conflict?"""
    cause = error.__cause__ or error
    return getattr(cause, "sqlstate", None) in CONFLICT_STATES


def atomic_retrying[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                return func(*args, **kwargs)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    return func(*args, **kwargs)
            except OperationalError as error:
                if attempt == ATTEMPTS or not lost_a_conflict(error):
                    raise
                log.info("%s lost a conflict (%s), attempt %d of %d", func.__qualname__, error, attempt, ATTEMPTS)
                time.sleep(random.uniform(0.005, 0.03) * attempt)  # let the winner finish
        raise AssertionError("unreachable")

    return run
