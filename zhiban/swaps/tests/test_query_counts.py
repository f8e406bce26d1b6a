"""Accepting a swap costs the same however large the organisation is: two team leads, the two people swapping and
5 operators with 5 days of published duties, or 50 operators with 20 days."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhiban.core import operations
from zhiban.roster import duties
from zhiban.roster.tests.sized import MEASURED_DAY, centre_organisation
from zhiban.swaps import selectors, services
from zhiban.swaps.models import SwapRequest

pytestmark = pytest.mark.django_db

TRANSACTION = ("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")


def _token(centre: dict[str, Any], person: Any, day: dt.date) -> str:
    duty = duties.duty_of(centre["period"], day, centre["shifts"]["early"], "duty_officer", person)
    assert duty is not None
    return selectors.duty_token(duty)


def test_accepting_a_swap_costs_the_same_in_a_small_and_a_large_organisation(travel: Any) -> None:
    counts = {}
    for prefix, operators, days in (("small", 5, 5), ("large", 50, 20)):
        centre = centre_organisation(prefix, operators=operators, days=days)
        wang, li = centre["wang"], centre["li"]
        swap = services.swap_request(
            actor=wang.user,
            duty=_token(centre, wang, MEASURED_DAY),
            colleague=li,
            return_duty=_token(centre, li, MEASURED_DAY + dt.timedelta(days=1)),
            reason="家里有事",
        )
        with operations.operation(), CaptureQueriesContext(connection) as captured:
            accepted = services.swap_accept(actor=li.user, swap=swap)
        assert accepted.status == SwapRequest.Status.ACCEPTED
        counts[prefix] = sum(not q["sql"].startswith(TRANSACTION) for q in captured.captured_queries)
    assert counts["large"] == counts["small"], counts
