"""The duty pages: who may open and post what (denied, nothing changed), in Chinese, and the Excel registers."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client
from openpyxl import load_workbook

from zhiban.duty import incidents, services
from zhiban.duty.models import Attendance, Incident, LogEntry
from zhiban.duty.tests.helpers import audit_count

CALL = {
    "caller_unit": "市应急局",
    "caller_name": "王科长",
    "phone": "0571-87654321",
    "content": "仓库火灾",
    "handling": "已报告",
}


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_the_officer_opens_my_duty_and_lands_on_the_shift(duty: dict[str, Any]) -> None:
    duty["travel"].move_to(duty["shift"].starts_at)
    response = _client(duty["staff_a"]).get("/duty/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/duty/shifts/{duty['shift'].public_id}/")
    page = _client(duty["staff_a"]).get(response["Location"]).content.decode()
    assert "到岗登记" in page
    assert "staff_a" in page
    assert "带班领导" in page


def test_check_in_and_log_through_the_page(duty: dict[str, Any]) -> None:
    duty["travel"].move_to(duty["shift"].starts_at)
    client, shift = _client(duty["staff_a"]), duty["shift"]
    client.post(f"/duty/shifts/{shift.public_id}/check-in/")
    assert Attendance.objects.get(person=duty["staff_a"], shift=shift).checked_in_at is not None
    form = {"kind": "call", **{f"call-{k}": v for k, v in CALL.items()}}
    client.post(f"/duty/shifts/{shift.public_id}/log/", form)
    assert LogEntry.objects.get().fields["content"] == "仓库火灾"
    bad = client.post(f"/duty/shifts/{shift.public_id}/log/", {**form, "call-phone": ""}, follow=True).content.decode()
    assert "来电须填写联系电话" in bad
    assert LogEntry.objects.count() == 1


POSTS = [
    "check-in/",
    "log/",
    "incidents/",
    "checklist/",
    "handover/",
    "handover/accept/",
    "close/",
    "report/",
    "spot-checks/",
    "absences/",
    "key/",
]


@pytest.mark.parametrize("path", POSTS)
def test_someone_outside_the_shift_is_denied_every_post_and_nothing_changes(on_duty: dict[str, Any], path: str) -> None:
    before = audit_count()
    response = _client(on_duty["outsider"]).post(f"/duty/shifts/{on_duty['shift'].public_id}/{path}", {"kind": "call"})
    assert response.status_code == 404
    assert audit_count() == before


@pytest.mark.parametrize("path", ["spot-checks/", "absences/", "key/"])
def test_a_colleague_without_the_role_is_refused_supervising(on_duty: dict[str, Any], path: str) -> None:
    before = audit_count()
    data = {"person": on_duty["leader"].public_id, "holder": on_duty["leader"].public_id, "left_at": "2026-12-07T10:00"}
    response = _client(on_duty["staff_a"]).post(f"/duty/shifts/{on_duty['shift'].public_id}/{path}", data)
    assert response.status_code in (302, 403)
    assert audit_count() == before


def test_pages_of_another_organisation_are_not_found(on_duty: dict[str, Any]) -> None:
    entry = services.log_write(actor=on_duty["staff_a"].user, shift=on_duty["shift"], kind="call", fields=CALL)
    incident = incidents.incident_raise(
        actor=on_duty["staff_a"].user, shift=on_duty["shift"], title="火灾", level="重大"
    )
    outsider = _client(on_duty["outsider"])
    for url in (
        f"/duty/shifts/{on_duty['shift'].public_id}/",
        f"/duty/log/{entry.public_id}/",
        f"/duty/incidents/{incident.public_id}/",
        f"/duty/people/{on_duty['staff_a'].public_id}/",
    ):
        assert outsider.get(url).status_code == 404, url
    assert "仓库火灾" not in outsider.get("/duty/log/?q=火灾").content.decode()
    assert "王科长" not in outsider.get("/duty/log/?q=火灾").content.decode()
    assert incident.public_id not in outsider.get("/duty/incidents/").content.decode()
    before = audit_count()
    assert outsider.post(f"/duty/incidents/{incident.public_id}/", {"action": "verified"}).status_code == 404
    assert audit_count() == before


def test_the_log_searches_in_chinese_and_exports_to_excel(on_duty: dict[str, Any]) -> None:
    services.log_write(actor=on_duty["staff_a"].user, shift=on_duty["shift"], kind="call", fields=CALL)
    client = _client(on_duty["staff_a"])
    assert "仓库火灾" in client.get("/duty/log/?q=火灾").content.decode()
    assert "仓库火灾" not in client.get("/duty/log/?q=停电").content.decode()
    response = client.get("/duty/log.xlsx?q=火灾")
    assert "值班记录" in unquote(response["Content-Disposition"])
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "单位", "班次", "类别")
    assert "仓库火灾" in rows[1][4]


def test_the_incident_page_walks_the_steps_and_the_register_exports(on_duty: dict[str, Any]) -> None:
    incident = incidents.incident_raise(
        actor=on_duty["staff_a"].user, shift=on_duty["shift"], title="仓库火灾", level="重大"
    )
    client = _client(on_duty["staff_a"])
    page = client.get(f"/duty/incidents/{incident.public_id}/").content.decode()
    assert "核实情况" in page
    assert "向上级报告" in page
    client.post(f"/duty/incidents/{incident.public_id}/", {"action": "verified"})
    assert Incident.objects.get().verified_at is not None
    response = client.get("/duty/incidents.xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][2] == "仓库火灾"
    assert rows[1][3] == "重大"


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_shift_page_and_the_log_cost_the_same_queries_for_1_or_21_entries(on_duty: dict[str, Any]) -> None:
    client = _client(on_duty["staff_a"])
    shift_url = f"/duty/shifts/{on_duty['shift'].public_id}/"
    services.log_write(actor=on_duty["staff_a"].user, shift=on_duty["shift"], kind="call", fields=CALL)
    few = (_queries(client, shift_url), _queries(client, "/duty/log/"))
    for _ in range(20):
        services.log_write(actor=on_duty["staff_a"].user, shift=on_duty["shift"], kind="call", fields=CALL)
    many = (_queries(client, shift_url), _queries(client, "/duty/log/"))
    assert many[0] <= few[0]
    assert many[1] <= few[1]
