"""The demo loaded once per test module (rolled back afterwards), under the same test settings as conftest,
on a fixed day (DEMO_NOW) so its rosters and requests are the same every run."""

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings

from zhiban.demo import loader
from zhiban.demo.loader import LoadResult, load_demo
from zhiban.demo.plan import DemoPlan, build_plan
from zhiban.demo.requests import RequestSummary
from zhiban.demo.rosters import RosterSummary

# A Tuesday in mid-November 2026: three weeks of this month's published roster lie ahead.
DEMO_NOW = dt.datetime(2026, 11, 10, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def loaded_demo(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[DemoPlan, LoadResult]]:
    test_settings = override_settings(
        AUDIT_HMAC_KEY="test-audit-key",
        AUDIT_CHECKPOINT_PATH=tmp_path_factory.mktemp("audit") / "audit-checkpoint.json",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock(), test_settings, transaction.atomic():
        plan = build_plan()
        with time_machine.travel(DEMO_NOW, tick=True):
            result = load_demo(plan)
        yield plan, result
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _on_the_demo_day() -> Iterator[None]:
    """Every demo test runs on DEMO_NOW: a second load at the real clock would plan other months."""
    with time_machine.travel(DEMO_NOW, tick=True):
        yield


@pytest.fixture
def without_rosters(monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests of what the command prints: the organisations and accounts only (the rosters take a minute)."""
    monkeypatch.setattr(loader, "load_rosters", lambda plan, created: RosterSummary())
    monkeypatch.setattr(loader, "load_requests", lambda plan, created: RequestSummary())
