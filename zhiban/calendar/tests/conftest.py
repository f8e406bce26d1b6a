"""Calendar fixtures: a seeded calendar, a verified system administrator, clients for people."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from zhiban.accounts.models import AdminRole, User
from zhiban.accounts.tests.clients import verified_client
from zhiban.calendar import services
from zhiban.calendar.models import CalendarDay, CalendarYear, SeasonSetting
from zhiban.core.models import AuditEvent
from zhiban.org.tests.factories import UserFactory


def snapshot() -> tuple[Any, ...]:
    """Everything the calendar's writes could change."""
    return (
        list(CalendarDay.objects.order_by("date").values_list("date", "kind", "holiday_name", "source", "note")),
        list(CalendarYear.objects.order_by("year").values_list("year", "provisional", "source", "note")),
        list(SeasonSetting.objects.values_list("unit_id", "summer_starts_month", "winter_starts_month")),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def sysadmin(db: None) -> User:
    return UserFactory.create(username="sysadmin", admin_role=AdminRole.SYSTEM)


@pytest.fixture
def admin_client(sysadmin: User) -> Client:
    return verified_client(sysadmin)


@pytest.fixture
def seeded(db: None) -> services.SeedReport:
    """2026 from chinesecalendar (cross-checked), 2027 provisional from holidays."""
    return services.calendar_seed(actor=None, years=[2026, 2027])
