"""Organisation services: the unit tree (ORG-01), roles (ORG-02), scope checks and audit events."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiban.core.models import AuditEvent
from zhiban.org import services
from zhiban.org.models import Person, Role, Unit
from zhiban.policy import selectors as policy_selectors
from zhiban.policy.errors import RuleViolationError

pytestmark = pytest.mark.django_db


def test_org_01_units_nest_organisation_department_station() -> None:
    org = services.unit_create(actor=None, name="市局", kind="organisation", policy_pack="bureau")
    dept = services.unit_create(actor=None, name="办公室", kind="department", parent=org)
    station = services.unit_create(actor=None, name="一站", kind="station", parent=dept)
    team = services.unit_create(actor=None, name="一班", kind="team", parent=station)
    assert team.path == f"{org.pk}.{dept.pk}.{station.pk}.{team.pk}."
    assert list(Unit.objects.filter(path__startswith=dept.path).order_by("path")) == [dept, station, team]


def test_org_01_refuses_a_department_under_a_team() -> None:
    org = services.unit_create(actor=None, name="市局", kind="organisation", policy_pack="bureau")
    team = services.unit_create(actor=None, name="一班", kind="team", parent=org)
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolationError) as refused:
        services.unit_create(actor=None, name="办公室", kind="department", parent=team)
    assert refused.value.rule_ids == ["ORG-01"]
    assert "bureau" in refused.value.messages[0]
    assert not Unit.objects.filter(name="办公室").exists()
    assert AuditEvent.objects.count() == events


def test_org_01_a_new_organisation_adopts_its_pack_and_must_be_top_level() -> None:
    org = services.unit_create(actor=None, name="市局", kind="organisation", policy_pack="maintenance")
    assert policy_selectors.policy_for_unit(org) is not None
    with pytest.raises(ValidationError, match="top-level unit is an organisation"):
        services.unit_create(actor=None, name="孤立部门", kind="department")
    with pytest.raises(ValidationError, match="adopts a policy pack"):
        services.unit_create(actor=None, name="无制度单位", kind="organisation")
    assert Unit.objects.count() == 1


def test_every_write_records_one_audit_event() -> None:
    org = services.unit_create(actor=None, name="市局", kind="organisation", policy_pack="bureau")
    person = services.person_create(actor=None, unit=org, employee_number="A1", name="王芳")
    services.person_update(actor=None, person=person, mobile="13900000000")
    services.role_assign(actor=None, person=person, role=Role.DUTY_OFFICER, unit=org)
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == [
        "org.unit.create",
        "policy.policy.adopt",
        "org.person.create",
        "org.person.update",
        "org.role.assign",
    ]
    update = AuditEvent.objects.get(action="org.person.update")
    assert update.summary == {"before": {"mobile": ""}, "after": {"mobile": "13900000000"}}


def test_org_02_a_person_may_hold_several_roles(org_tree_bureau: dict) -> None:
    person = org_tree_bureau["staff_a"]
    services.role_assign(actor=None, person=person, role=Role.DUTY_OFFICER, unit=person.unit)
    services.role_assign(actor=None, person=person, role=Role.SAFETY_OFFICER, unit=person.unit)
    assert set(person.roles.values_list("role", flat=True)) == {Role.DUTY_OFFICER, Role.SAFETY_OFFICER}


def test_duplicate_employee_number_refused() -> None:
    org = services.unit_create(actor=None, name="市局", kind="organisation", policy_pack="bureau")
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


def test_org_02_a_station_head_is_appointed_at_a_station_not_a_department(org_tree_bureau: dict) -> None:
    person = org_tree_bureau["staff_a"]
    services.role_assign(actor=None, person=person, role=Role.STATION_HEAD, unit=org_tree_bureau["station_a"])
    with pytest.raises(RuleViolationError) as refused:
        services.role_assign(actor=None, person=person, role=Role.STATION_HEAD, unit=org_tree_bureau["dept_a"])
    assert refused.value.rule_ids == ["ORG-02"]
    assert list(person.roles.values_list("unit__name", flat=True)) == ["一站"]


@pytest.mark.parametrize("kind", ["guard", "cleaner", "contractor", "other"])
def test_org_03_outsiders_cannot_be_made_duty_staff(org_tree_bureau: dict, kind: str) -> None:
    outsider = services.person_create(
        actor=None, unit=org_tree_bureau["station_a"], employee_number=f"G-{kind}", name="门卫", kind=kind
    )
    for role in (Role.DUTY_OFFICER, Role.DUTY_LEADER, Role.STANDBY_DRIVER):
        with pytest.raises(RuleViolationError) as refused:
            services.role_assign(actor=None, person=outsider, role=role, unit=org_tree_bureau["station_a"])
        assert refused.value.rule_ids == ["ORG-03"]
        assert "P1" in refused.value.messages[0]
    assert not outsider.roles.exists()
    services.role_assign(actor=None, person=outsider, role=Role.SAFETY_OFFICER, unit=org_tree_bureau["station_a"])


def test_org_03_staff_may_be_duty_staff(org_tree_bureau: dict) -> None:
    staff = org_tree_bureau["staff_a"]
    services.role_assign(actor=None, person=staff, role=Role.DUTY_OFFICER, unit=org_tree_bureau["station_a"])
    assert staff.roles.filter(role=Role.DUTY_OFFICER).exists()


def test_org_03_other_organisations_people_cannot_be_duty_staff(org_tree_bureau: dict) -> None:
    other_org = services.unit_create(actor=None, name="外单位", kind="organisation", policy_pack="bureau")
    stranger = services.person_create(actor=None, unit=other_org, employee_number="X1", name="外人")
    with pytest.raises(RuleViolationError) as refused:
        services.role_assign(actor=None, person=stranger, role=Role.DUTY_OFFICER, unit=org_tree_bureau["station_a"])
    assert refused.value.rule_ids == ["ORG-03"]


def test_org_03_a_duty_officer_cannot_be_turned_into_a_guard(org_tree_bureau: dict) -> None:
    staff = org_tree_bureau["staff_a"]
    services.role_assign(actor=None, person=staff, role=Role.DUTY_OFFICER, unit=org_tree_bureau["station_a"])
    with pytest.raises(RuleViolationError) as refused:
        services.person_update(actor=None, person=staff, kind="guard")
    assert refused.value.rule_ids == ["ORG-03"]
    staff.refresh_from_db()
    assert staff.kind == "staff"
