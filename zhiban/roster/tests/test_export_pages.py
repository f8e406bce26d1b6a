"""Who may open the export pages of a roster: print, PDF, xlsx, import (anonymous, unprivileged, another
department's head → refused, nothing shown, nothing changed)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook

from zhiban.accounts.tests.clients import client_for, verified_client
from zhiban.core.models import AuditEvent
from zhiban.roster import services
from zhiban.roster.exports import printing
from zhiban.roster.models import Assignment, RosterPeriod
from zhiban.roster.tests.conftest import DECEMBER, fill_day

pytestmark = pytest.mark.django_db

DEC_3 = dt.date(2026, 12, 3)
VIEWS = ["print/", "roster.xlsx", "roster.pdf", "import/"]


@pytest.fixture
def dept_period(roster_org: dict[str, Any]) -> RosterPeriod:
    """办公室's December roster, published with 3 December filled."""
    period = services.period_open(actor=None, unit=roster_org["dept_a"], start=DECEMBER[0], end=DECEMBER[1])
    fill_day(roster_org, period, DEC_3)
    services.period_publish(actor=None, period=period)
    period.refresh_from_db()
    return period


def _workbook() -> io.BytesIO:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws["A1"] = "市局办公室2026年12月值班表"
    for index, title in enumerate(printing.COLUMNS, start=1):
        ws.cell(row=2, column=index, value=title)
    for index, value in enumerate([dt.datetime(2026, 12, 4), "", "leader", "staff_a", "", "driver"], start=1):
        ws.cell(row=3, column=index, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "roster.xlsx"
    return buffer


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("who", [None, "staff_b", "head_b"])
def test_export_pages_refused_to_outsiders_of_the_unit(
    roster_org: dict[str, Any], dept_period: RosterPeriod, who: str | None, view: str
) -> None:
    client = client_for(roster_org[who]) if who else Client()
    url = f"/roster/{dept_period.public_id}/{view}"
    response = client.get(url)
    assert response.status_code == (302 if who is None else 404)
    if who is None:
        assert "/accounts/login/" in response["Location"]
    assert "staff_a" not in response.content.decode(errors="replace")
    assert b"%PDF" not in response.content


@pytest.mark.parametrize("who", [None, "staff_a", "staff_b", "head_b", "head_a"])
def test_import_refused_to_all_but_schedulers_and_nothing_changes(roster_org: dict[str, Any], who: str | None) -> None:
    period = services.period_open(actor=None, unit=roster_org["dept_a"], start=DECEMBER[0], end=DECEMBER[1])
    client = client_for(roster_org[who]) if who else Client()
    before = (Assignment.objects.count(), AuditEvent.objects.count())
    response = client.post(f"/roster/{period.public_id}/import/", {"file": _workbook()})
    assert response.status_code == (302 if who is None else 404)
    assert (Assignment.objects.count(), AuditEvent.objects.count()) == before
    response = verified_client(roster_org["secretary"].user).post(
        f"/roster/{period.public_id}/import/", {"file": _workbook()}
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(version__period=period).count() == 3


def test_staff_of_the_unit_prints_the_published_roster(roster_org: dict[str, Any], dept_period: RosterPeriod) -> None:
    client = client_for(roster_org["staff_a"])
    page = client.get(f"/roster/{dept_period.public_id}/print/")
    assert page.status_code == 200
    assert "市局办公室2026年12月值班表" in page.content.decode()
    assert client.get(f"/roster/{dept_period.public_id}/import/").status_code == 404  # viewing is not compiling
