"""Bad input answers 4xx naming the field and writes nothing: unknown job types, nulls, paging past any table,
dates and months outside the supported years, a roster version that does not exist."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhiban.accounts import services as account_services
from zhiban.accounts.models import AdminRole
from zhiban.accounts.tests.clients import verified_client
from zhiban.core.models import AuditEvent
from zhiban.leave.models import LeaveRequest
from zhiban.org.models import JobType, Person
from zhiban.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HUGE = 2**63


def bearer(user: Any) -> dict[str, str]:
    _token, plain = account_services.access_token_create(actor=None, user=user, name="t", second_factor_passed=True)
    return {"Authorization": f"Bearer {plain}"}


def _state() -> tuple[int, int, int, int]:
    return JobType.objects.count(), Person.objects.count(), LeaveRequest.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def head(org_tree_bureau: dict[str, Any]) -> dict[str, Any]:
    return {**org_tree_bureau, "auth": bearer(org_tree_bureau["head_a"].user)}


def test_an_unknown_job_type_is_a_422_naming_it_and_nothing_is_created(head: dict[str, Any]) -> None:
    before = _state()
    body = {"employee_number": "N1", "name": "新人", "unit": head["station_a"].public_id, "job_type": "no-such-job"}
    created = Client().post("/api/v1/people", body, content_type="application/json", headers=head["auth"])
    assert created.status_code == 422
    assert "job_type" in created.json()["errors"]
    staff = head["staff_a"]
    patched = Client().patch(
        f"/api/v1/people/{staff.public_id}",
        {"job_type": "x" * 200},
        content_type="application/json",
        headers=head["auth"],
    )
    assert patched.status_code == 422
    assert "job_type" in patched.json()["errors"]
    assert _state() == before


@pytest.mark.parametrize("field", ["name", "title", "mobile", "email", "kind", "is_active"])
def test_null_in_a_text_field_is_a_422_naming_it(head: dict[str, Any], field: str) -> None:
    staff = head["staff_a"]
    before = _state()
    response = Client().patch(
        f"/api/v1/people/{staff.public_id}", {field: None}, content_type="application/json", headers=head["auth"]
    )
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert _state() == before
    staff.refresh_from_db()
    assert staff.name == "staff_a"


@pytest.mark.parametrize("path", ["/api/v1/people", "/api/v1/units", "/api/v1/inbox"])
@pytest.mark.parametrize("query", [f"offset={HUGE}", f"limit={HUGE}", "limit=0", "offset=-1"])
def test_paging_out_of_bounds_is_a_422(head: dict[str, Any], path: str, query: str) -> None:
    response = Client().get(f"{path}?{query}", headers=head["auth"])
    assert response.status_code == 422


def test_paging_at_the_bounds_answers(head: dict[str, Any]) -> None:
    response = Client().get("/api/v1/people?limit=500&offset=2147483647", headers=head["auth"])
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        ("9999-12-30T08:00:00+08:00", "9999-12-31T18:00:00+08:00"),
        ("0001-01-01T08:00:00+08:00", "0001-01-02T18:00:00+08:00"),
    ],
)
def test_leave_in_year_9999_or_0001_is_a_422_naming_the_field(
    head: dict[str, Any], starts_at: str, ends_at: str
) -> None:
    auth = bearer(head["staff_a"].user)
    before = _state()
    body = {"kind": "personal", "starts_at": starts_at, "ends_at": ends_at, "reason": "家中有事"}
    response = Client().post("/api/v1/leave/requests", body, content_type="application/json", headers=auth)
    assert response.status_code == 422
    assert "starts_at" in response.json()["errors"]
    assert _state() == before


def test_leave_form_preview_in_year_9999_names_the_field(head: dict[str, Any]) -> None:
    client = Client()
    client.force_login(head["staff_a"].user)
    response = client.post(
        reverse("leave:preview"),
        {"kind": "personal", "starts_at": "9999-12-30T08:00", "ends_at": "9999-12-31T18:00", "reason": "x"},
    )
    assert response.status_code == 200
    assert "9999" in response.content.decode()


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1999-12", "2100-01"])
def test_a_month_outside_the_supported_years_is_404_on_pages_and_422_in_the_api(
    head: dict[str, Any], month: str
) -> None:
    admin = UserFactory.create(admin_role=AdminRole.SYSTEM)
    client = verified_client(admin)
    dept = head["dept_a"].public_id
    org = head["org"].public_id
    for name, args in [
        ("compliance:monthly", [dept]),
        ("compliance:monthly_xlsx", [dept]),
        ("roster:allowance_report", [org]),
        ("roster:allowance_xlsx", [org]),
        ("roster:compensatory_rest_balances", []),
    ]:
        assert client.get(reverse(name, args=args) + f"?month={month}").status_code == 404, name
    member = Client()
    member.force_login(head["head_a"].user)
    for name in ("swaps:register", "swaps:register_xlsx"):
        assert member.get(reverse(name) + f"?month={month}").status_code == 404, name
    auth = bearer(admin)
    for path in (
        f"/api/v1/compliance/{dept}?month={month}",
        f"/api/v1/roster/allowance/{org}?month={month}",
        f"/api/v1/roster/compensatory-rest/balances?month={month}",
    ):
        response = Client().get(path, headers=auth)
        assert response.status_code == 422, path
        assert "month" in response.json()["errors"], path
    response = Client().get(f"/api/v1/swaps/register?month={month}", headers=head["auth"])
    assert response.status_code == 422


@pytest.mark.parametrize("year", ["9999", "1", "1999", "2100"])
def test_fairness_outside_the_supported_years_is_404(head: dict[str, Any], year: str) -> None:
    admin = verified_client(UserFactory.create(admin_role=AdminRole.SYSTEM))
    url = reverse("roster:fairness", args=[head["dept_a"].public_id]) + f"?year={year}"
    assert admin.get(url).status_code == 404
