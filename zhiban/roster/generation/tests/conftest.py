"""The roster tests' `bureau` organisation, with a one-week period in December 2026 to generate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhiban.roster import services
from zhiban.roster.tests.conftest import roster_org, travel  # noqa: F401 (fixtures)

WEEK = (dt.date(2026, 12, 1), dt.date(2026, 12, 7))


@pytest.fixture
def week(roster_org: dict[str, Any]) -> Any:  # noqa: F811
    return services.period_open(actor=roster_org["secretary"].user, unit=roster_org["org"], start=WEEK[0], end=WEEK[1])
