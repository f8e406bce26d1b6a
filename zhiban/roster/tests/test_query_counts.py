"""scratch"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhiban.core import operations
from zhiban.roster import services

pytestmark = pytest.mark.django_db


def test_measure(roster_org: dict[str, Any], period: Any) -> None:
    actor = roster_org["secretary"].user
    duty = roster_org["duty"]
    services.assignment_set(actor=actor, period=period, day=dt.date(2026, 12, 2), shift_type=duty, post="duty_officer", people=[roster_org["staff_a"]])
    with operations.operation(), CaptureQueriesContext(connection) as q:
        services.assignment_set(actor=actor, period=period, day=dt.date(2026, 12, 3), shift_type=duty, post="duty_officer", people=[roster_org["staff_a"]])
    for x in q.captured_queries:
        print(x["sql"][:300])
    print(len(q))
    with CaptureQueriesContext(connection) as q:
        services.assignment_set(actor=actor, period=period, day=dt.date(2026, 12, 4), shift_type=duty, post="duty_officer", people=[roster_org["staff_a"]])
    print("no op", len(q))
