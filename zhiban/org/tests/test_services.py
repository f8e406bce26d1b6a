"""Organisation services: the unit tree (ORG-01), roles (ORG-02), scope checks and audit events."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiban.core.models import AuditEvent
from zhiban.org import services
from zhiban.org.models import Person, Role, Unit

pytestmark = pytest.mark.django_db


def test_org_01_units_nest_organisation_department_station() -> None:
    org = services.unit_create(actor=None, name="市局", kind="organisation")
    dept = services.unit_create(actor=None, name="办公室", kind="department", parent=org)
    station = services.unit_create(actor=None, name="一站", kind="station", parent=dept)
    team = services.unit_create(actor=None, name="一班", kind="team", parent=station)
    assert team.path == f"{org.pk}.{dept.pk}.{station.pk}.{team.pk}."
    assert list(Unit.objects.filter(path__startswith=dept.path).order_by("path")) == [dept, station, team]


def test_org_01_refuses_a_department_under_a_team() -> None:
    org = services.unit_create(actor=None, name="市局", kind="organisation")
    team = services.unit_create(actor=None, name="一班", kind="team", parent=org)
    with pytest.raises(ValidationError, match="ORG-01"):
        services.unit_create(actor=None, name="办公室", kind="department", parent=team)
    assert not Unit.objects.filter(name="办公室").exists()


def test_every_write_records_one_audit_event() -> None:
    org = services.unit_create(actor=None, name="市局", kind="organisation")
    person = services.person_create(actor=None, unit=org, employee_number="A1", name="王芳")
    services.person_update(actor=None, person=person, mobile="13900000000")
    services.role_assign(actor=None, person=person, role=Role.DUTY_OFFICER, unit=org)
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["org.unit.create", "org.person.create", "org.person.update", "org.role.assign"]
    update = AuditEvent.objects.get(action="org.person.update")
    assert update.summary == {"before": {"mobile": ""}, "after": {"mobile": "13900000000"}}


def test_org_02_a_person_may_hold_several_roles(org_tree: dict) -> None:
    person = org_tree["staff_a"]
    services.role_assign(actor=None, person=person, role=Role.DUTY_OFFICER, unit=person.unit)
    services.role_assign(actor=None, person=person, role=Role.SAFETY_OFFICER, unit=person.unit)
    assert set(person.roles.values_list("role", flat=True)) == {Role.DUTY_OFFICER, Role.SAFETY_OFFICER}


def test_duplicate_employee_number_refused() -> None:
    org = services.unit_create(actor=None, name="市局", kind="organisation")
    services.person_create(actor=None, unit=org, employee_number="A1", name="王芳")
    with pytest.raises(ValidationError, match="A1 already exists"):
        services.person_create(actor=None, unit=org, employee_number="A1", name="李强")
    assert Person.objects.count() == 1


def test_department_head_cannot_change_another_department(org_tree: dict) -> None:
    head_a = org_tree["head_a"].user
    staff_b = org_tree["staff_b"]
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.person_update(actor=head_a, person=staff_b, mobile="1")
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=head_a, name="新站", kind="station", parent=org_tree["dept_b"])
    staff_b.refresh_from_db()
    assert staff_b.mobile != "1"
    assert AuditEvent.objects.count() == events


def test_department_head_manages_own_department(org_tree: dict) -> None:
    head_a = org_tree["head_a"].user
    person = services.person_update(actor=head_a, person=org_tree["staff_a"], mobile="13812345678")
    assert person.mobile == "13812345678"
    assert AuditEvent.objects.filter(action="org.person.update", actor=head_a).count() == 1
