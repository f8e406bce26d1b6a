"""SWAP-08 return debts, looked at by the worker: settled once worked, reminded until then."""

from __future__ import annotations

from typing import Any

from zhiban.core import jobs
from zhiban.swaps import services
from zhiban.swaps.models import SwapDebt


@jobs.job_handler(services.DEBT_CHECK)
def debt_check(payload: dict[str, Any]) -> None:
    """A stale run (the debt was settled or is gone) does nothing."""
    debt = SwapDebt.objects.filter(pk=payload["debt"], status=SwapDebt.Status.OPEN).first()
    if debt is not None:
        services.debt_check(debt=debt)
