"""Downloads are named as an office files them, in Chinese, kept whole by the browser (RFC 5987 `filename*`)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import pytest

from zhiban.accounts.tests.clients import verified_client
from zhiban.core import downloads
from zhiban.roster import services
from zhiban.roster.tests.conftest import DECEMBER, fill_day

pytestmark = pytest.mark.django_db


def test_ros_06_the_roster_s_excel_is_named_after_the_unit_and_the_month(roster_org: dict[str, Any]) -> None:
    period = services.period_open(actor=None, unit=roster_org["org"], start=DECEMBER[0], end=DECEMBER[1])
    fill_day(roster_org, period, dt.date(2026, 12, 3))
    services.period_publish(actor=roster_org["secretary"].user, period=period)
    response = verified_client(roster_org["secretary"].user).get(f"/roster/{period.public_id}/roster.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('市局值班表-2026年12月.xlsx')}"


def test_ros_06_a_period_that_is_not_one_month_is_named_by_its_dates(roster_org: dict[str, Any]) -> None:
    period = services.period_open(
        actor=None, unit=roster_org["org"], start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 7)
    )
    fill_day(roster_org, period, dt.date(2026, 12, 3))
    services.period_publish(actor=roster_org["secretary"].user, period=period)
    response = verified_client(roster_org["secretary"].user).get(f"/roster/{period.public_id}/roster.xlsx")
    assert quote("市局值班表-2026年12月1日至2026年12月7日.xlsx") in response["Content-Disposition"]


def test_file_names_replace_what_no_file_system_takes() -> None:
    assert downloads.file_name("研发/测试部值班表", "2026年12月", extension="pdf") == "研发_测试部值班表-2026年12月.pdf"
    assert downloads.disposition("a.pdf", inline=True) == 'inline; filename="a.pdf"'
