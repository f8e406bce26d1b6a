"""Nothing leaks across organisations through employee numbers, and NUL characters never reach a view."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from zhiban.accounts import services as account_services
from zhiban.core.models import AuditEvent
from zhiban.org import services
from zhiban.org.models import Person
from zhiban.org.tests.factories import PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db


def bearer(person: Person) -> dict[str, str]:
    assert person.user is not None
    _token, plain = account_services.access_token_create(
        actor=None, user=person.user, name="t", second_factor_passed=True
    )
    return {"Authorization": f"Bearer {plain}"}


def test_the_same_employee_number_in_another_organisation_is_no_conflict(org_tree: dict[str, Any]) -> None:
    other_org = UnitFactory.create(name="别的单位", kind="organisation")
    PersonFactory.create(employee_number="BM0001", unit=other_org)
    created = services.person_create(
        actor=org_tree["head_a"].user, unit=org_tree["station_a"], employee_number="BM0001", name="新人"
    )
    assert created.organisation == org_tree["org"]
    assert Person.objects.filter(employee_number="BM0001").count() == 2


def test_an_employee_number_taken_in_the_same_organisation_is_refused(org_tree: dict[str, Any]) -> None:
    PersonFactory.create(employee_number="BM0002", unit=org_tree["station_b"])
    before = (Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as refused:
        services.person_create(
            actor=org_tree["head_a"].user, unit=org_tree["station_a"], employee_number="BM0002", name="重号"
        )
    assert "employee_number" in refused.value.message_dict
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_moving_a_person_keeps_the_organisation_in_step(org_tree: dict[str, Any]) -> None:
    person = org_tree["staff_a"]
    services.person_update(actor=None, person=person, unit=org_tree["station_b"])
    person.refresh_from_db()
    assert (person.unit, person.organisation) == (org_tree["station_b"], org_tree["org"])


@pytest.mark.parametrize(
    "body", [{"name": "张\x00三"}, {"title": "\x00"}, {"mobile": "138\u00000000"}], ids=["name", "title", "mobile"]
)
def test_nul_in_api_text_is_a_422_and_nothing_changes(org_tree: dict[str, Any], body: dict[str, str]) -> None:
    staff = org_tree["staff_a"]
    auth = bearer(org_tree["head_a"])
    events = AuditEvent.objects.count()
    response = Client().patch(f"/api/v1/people/{staff.public_id}", body, content_type="application/json", headers=auth)
    assert response.status_code == 422
    assert "NUL" in response.json()["detail"][0] or "空字符" in response.json()["detail"][0]
    staff.refresh_from_db()
    assert staff.name == "staff_a"
    assert AuditEvent.objects.count() == events


def test_nul_in_a_form_or_query_is_a_400(org_tree: dict[str, Any]) -> None:
    client = Client()
    client.force_login(org_tree["staff_a"].user)
    events = AuditEvent.objects.count()
    assert client.post(reverse("accounts:tokens"), {"name": "脚本\x00"}).status_code == 400
    assert client.get(reverse("org:person_list") + "?q=%00").status_code == 400
    assert AuditEvent.objects.count() == events


def test_text_without_nul_passes(org_tree: dict[str, Any]) -> None:
    staff = org_tree["staff_a"]
    response = Client().patch(
        f"/api/v1/people/{staff.public_id}",
        {"title": "科员 \\u0041"},
        content_type="application/json",
        headers=bearer(org_tree["head_a"]),
    )
    assert response.status_code == 200


def test_a_people_import_never_names_or_touches_another_organisations_unit_or_person(
    org_tree: dict[str, Any],
) -> None:
    from zhiban.org.people_import import PeopleImportError, import_people

    other_org = UnitFactory.create(name="别的单位", kind="organisation")
    UnitFactory.create(name="机要科", parent=other_org)
    stranger = PersonFactory.create(employee_number="Q7", name="外单位人", unit=other_org)
    before = (Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PeopleImportError) as refused:
        import_people(
            actor=org_tree["head_a"].user, filename="p.csv", content="工号,姓名,单位\nQ8,新人,机要科\n".encode()
        )
    text = str(refused.value.messages)
    assert "no such unit" in text
    assert "do not manage" not in text
    result = import_people(
        actor=org_tree["head_a"].user, filename="p.csv", content="工号,姓名,单位\nQ7,本单位人,一站\n".encode()
    )
    assert result.created == 1
    stranger.refresh_from_db()
    assert (stranger.name, stranger.unit) == ("外单位人", other_org)
    assert Person.objects.count() == before[0] + 1


@pytest.mark.parametrize(
    ("change", "allowed"),
    [
        ({"mobile": "13900000000"}, True),
        ({"title": "处长"}, True),
        ({"grade": 3}, False),
        ({"is_active": False}, False),
    ],
)
def test_a_head_corrects_how_to_reach_him_but_decides_nothing_else_about_himself(
    org_tree: dict[str, Any], change: dict[str, Any], allowed: bool
) -> None:
    head = org_tree["head_a"]
    auth = bearer(head)
    events = AuditEvent.objects.count()
    response = Client().patch(f"/api/v1/people/{head.public_id}", change, content_type="application/json", headers=auth)
    assert response.status_code == (200 if allowed else 403)
    head.refresh_from_db()
    field, value = next(iter(change.items()))
    assert (getattr(head, field) == value) is allowed
    assert AuditEvent.objects.count() == events + (1 if allowed else 0)
