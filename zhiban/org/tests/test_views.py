"""Organisation pages: anonymous users, unprivileged users and other departments' heads are refused
or see nothing of the other unit, and nothing changes."""

import pytest
from django.test import Client
from django.urls import reverse

from zhiban.accounts.tests.clients import client_for, verified_client
from zhiban.core.models import AuditEvent
from zhiban.org.models import Person, Role, RoleAssignment, Unit

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[int, int, int, int]:
    return Unit.objects.count(), Person.objects.count(), RoleAssignment.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize(
    "url_name",
    ["org:unit_list", "org:person_list", "org:person_create", "org:people_import", "org:unit_create"],
)
def test_anonymous_is_sent_to_login(org_tree: dict, url_name: str) -> None:
    response = Client().get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_lists_and_search_show_nothing_of_another_department(org_tree: dict) -> None:
    client = client_for(org_tree["head_a"])
    people = client.get(reverse("org:person_list")).content.decode()
    assert "staff_a" in people
    assert "staff_b" not in people
    assert "head_b" not in people
    search = client.get(reverse("org:person_list"), {"q": "staff"}, headers={"HX-Request": "true"}).content.decode()
    assert "staff_a" in search
    assert "staff_b" not in search
    units = client.get(reverse("org:unit_list")).content.decode()
    assert "办公室" in units
    assert "财务处" not in units


def test_other_departments_person_and_unit_are_not_found(org_tree: dict) -> None:
    client = client_for(org_tree["head_a"])
    staff_b, dept_b = org_tree["staff_b"], org_tree["dept_b"]
    assert client.get(reverse("org:person_detail", args=[staff_b.public_id])).status_code == 404
    assert client.get(reverse("org:unit_detail", args=[dept_b.public_id])).status_code == 404


def test_head_of_another_department_changes_nothing(org_tree: dict) -> None:
    client = client_for(org_tree["head_a"])
    staff_b, dept_b = org_tree["staff_b"], org_tree["dept_b"]
    before = snapshot()
    responses = [
        client.post(reverse("org:person_edit", args=[staff_b.public_id]), {"employee_number": "Z", "name": "Z"}),
        client.post(reverse("org:role_add", args=[staff_b.public_id]), {"role": Role.DUTY_OFFICER}),
        client.post(reverse("org:unit_edit", args=[dept_b.public_id]), {"name": "改名"}),
        client.post(reverse("org:unit_create") + f"?parent={dept_b.public_id}", {"name": "新站", "kind": "station"}),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert snapshot() == before
    staff_b.refresh_from_db()
    assert staff_b.name == "staff_b"


@pytest.mark.parametrize("url_name", ["org:person_create", "org:people_import", "org:unit_create"])
def test_unprivileged_user_is_refused_management_pages(org_tree: dict, url_name: str) -> None:
    client = client_for(org_tree["staff_a"])
    before = snapshot()
    assert client.get(reverse(url_name)).status_code == 403
    assert client.post(reverse(url_name), {"name": "x", "kind": "department"}).status_code == 403
    assert snapshot() == before


def test_unprivileged_user_cannot_edit_a_colleague(org_tree: dict) -> None:
    client = client_for(org_tree["staff_a"])
    before = snapshot()
    head = org_tree["head_a"]
    response = client.post(reverse("org:person_edit", args=[head.public_id]), {"employee_number": "Z", "name": "Z"})
    assert response.status_code == 404
    assert snapshot() == before


def test_head_adds_person_and_role_in_own_department(org_tree: dict) -> None:
    client = client_for(org_tree["head_a"])
    response = client.post(
        reverse("org:person_create"),
        {
            "employee_number": "A77",
            "name": "新人",
            "unit": org_tree["station_a"].public_id,
            "kind": "staff",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(employee_number="A77")
    response = client.post(
        reverse("org:role_add", args=[person.public_id]),
        {"role": Role.DUTY_OFFICER, "unit": org_tree["station_a"].public_id},
    )
    assert response.status_code == 302
    assert person.roles.filter(role=Role.DUTY_OFFICER).exists()


def test_head_cannot_create_a_person_in_another_department(org_tree: dict) -> None:
    client = client_for(org_tree["head_a"])
    before = snapshot()
    response = client.post(
        reverse("org:person_create"),
        {"employee_number": "A78", "name": "外人", "unit": org_tree["dept_b"].public_id, "kind": "staff"},
    )
    assert response.status_code == 200  # the form refuses the unit: not among the choices
    assert "unit" in response.context["form"].errors
    assert snapshot() == before


def test_import_page_reports_row_errors_and_writes_nothing(org_tree: dict) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(org_tree["head_a"])
    before = snapshot()
    upload = SimpleUploadedFile("p.csv", "工号,姓名,单位\nQ1,,办公室\n".encode())
    response = client.post(reverse("org:people_import"), {"file": upload})
    assert response.status_code == 422
    assert "row 2, column 姓名: is empty" in response.content.decode()
    assert snapshot() == before


def test_system_administrator_opens_and_deactivates_an_account(org_tree: dict) -> None:
    from zhiban.accounts.models import AdminRole
    from zhiban.org.tests.factories import PersonFactory, UserFactory

    admin = UserFactory.create(admin_role=AdminRole.SYSTEM)
    client = verified_client(admin)
    person = PersonFactory.create(unit=org_tree["station_b"])
    url = reverse("org:account_open", args=[person.public_id])
    assert client.post(url, {"username": "liu.yang", "password": "123"}).status_code == 302
    person.refresh_from_db()
    assert person.user is None  # too short and numeric: refused
    assert client.post(url, {"username": "liu.yang", "password": "duty-room-7391"}).status_code == 302
    person.refresh_from_db()
    assert person.user is not None
    assert person.user.username == "liu.yang"
    client.post(reverse("org:account_active", args=[person.public_id]), {"active": "0"})
    person.user.refresh_from_db()
    assert not person.user.is_active
    assert list(AuditEvent.objects.filter(action__startswith="accounts.user").values_list("action", flat=True)) == [
        "accounts.user.create",
        "accounts.user.deactivate",
    ]


def test_department_head_cannot_open_accounts(org_tree: dict) -> None:
    client = client_for(org_tree["head_a"])
    person = org_tree["staff_a"]
    person.user = None
    person.save()
    before = snapshot()
    response = client.post(
        reverse("org:account_open", args=[person.public_id]), {"username": "x.y", "password": "duty-room-7391"}
    )
    assert response.status_code == 403
    assert snapshot() == before
    other = client.post(
        reverse("org:account_open", args=[org_tree["staff_b"].public_id]), {"username": "x", "password": "p"}
    )
    assert other.status_code == 404


def test_system_administrator_creates_an_organisation_with_its_pack() -> None:
    from zhiban.accounts.models import AdminRole
    from zhiban.org.tests.factories import UserFactory
    from zhiban.policy import selectors as policy_selectors

    admin = UserFactory.create(admin_role=AdminRole.SYSTEM)
    client = verified_client(admin)
    missing = client.post(reverse("org:unit_create"), {"name": "新局", "kind": "organisation"})
    assert "policy_pack" in missing.context["form"].errors
    response = client.post(
        reverse("org:unit_create"), {"name": "新局", "kind": "organisation", "policy_pack": "service-center"}
    )
    assert response.status_code == 302
    live = policy_selectors.policy_for_unit(Unit.objects.get(name="新局"))
    assert live is not None
    assert live.pack == "service-center"
