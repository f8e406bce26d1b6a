"""Nobody grants themselves a role, nor a role at or above their own: approver roles come from the next level up
or the system administrator. Refusals change nothing and record nothing; grants are audited."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from zhiban.accounts import services as account_services
from zhiban.accounts.models import AdminRole
from zhiban.core.models import AuditEvent
from zhiban.org import services
from zhiban.org.models import Person, Role, RoleAssignment
from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def bearer(person: Person) -> dict[str, str]:
    assert person.user is not None
    _token, plain = account_services.access_token_create(
        actor=None, user=person.user, name="test", second_factor_passed=True
    )
    return {"Authorization": f"Bearer {plain}"}


def _state() -> tuple[int, int]:
    return RoleAssignment.objects.count(), AuditEvent.objects.count()


def _grant(who: Person, person: Person, role: str, unit: Any) -> Any:
    return Client().post(
        f"/api/v1/people/{person.public_id}/roles",
        {"role": role, "unit": unit.public_id},
        content_type="application/json",
        headers=bearer(who),
    )


def test_a_department_head_cannot_make_himself_regional_leader(org_tree: dict[str, Any]) -> None:
    head = org_tree["head_a"]
    auth = bearer(head)
    before = _state()
    response = Client().post(
        f"/api/v1/people/{head.public_id}/roles",
        {"role": "regional_leader", "unit": org_tree["dept_a"].public_id},
        content_type="application/json",
        headers=auth,
    )
    assert response.status_code == 403
    assert _state() == before
    assert not RoleAssignment.objects.filter(person=head, role=Role.REGIONAL_LEADER).exists()


def test_nobody_grants_themselves_even_a_lesser_role(org_tree: dict[str, Any]) -> None:
    head = org_tree["head_a"]
    before = _state()
    with pytest.raises(PermissionDenied, match=r"matter of their own|与本人有关"):
        services.role_assign(actor=head.user, person=head, role=Role.DUTY_OFFICER, unit=org_tree["station_a"])
    assert _state() == before


@pytest.mark.parametrize("role", [Role.DEPARTMENT_HEAD, Role.REGIONAL_LEADER, Role.SECRETARIAT])
def test_a_department_head_cannot_grant_a_role_at_or_above_his_own(org_tree: dict[str, Any], role: str) -> None:
    staff = org_tree["staff_a"]
    before = _state()
    response = _grant(org_tree["head_a"], staff, role, org_tree["dept_a"])
    assert response.status_code == 403
    assert _state()[0] == before[0]
    assert not RoleAssignment.objects.filter(person=staff, role=role).exists()


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.STATION_HEAD, Role.DUTY_OFFICER])
def test_a_department_head_grants_roles_below_his_own_and_it_is_audited(org_tree: dict[str, Any], role: str) -> None:
    staff = org_tree["staff_a"]
    events = AuditEvent.objects.filter(action="org.role.assign").count()
    response = _grant(org_tree["head_a"], staff, role, org_tree["station_a"])
    assert response.status_code == 201
    assert RoleAssignment.objects.filter(person=staff, role=role, unit=org_tree["station_a"]).exists()
    assert AuditEvent.objects.filter(action="org.role.assign").count() == events + 1


def test_a_station_head_cannot_make_a_colleague_station_head(org_tree: dict[str, Any]) -> None:
    station = org_tree["station_a"]
    lead = PersonFactory.create(name="lead", unit=station, user=UserFactory.create(username="lead"))
    RoleAssignmentFactory.create(person=lead, role=Role.STATION_HEAD, unit=station)
    before = _state()
    with pytest.raises(PermissionDenied):
        services.role_assign(actor=lead.user, person=org_tree["staff_a"], role=Role.STATION_HEAD, unit=station)
    assert _state() == before
    services.role_assign(actor=lead.user, person=org_tree["staff_a"], role=Role.TEAM_LEAD, unit=station)


def test_the_regional_leader_above_makes_a_department_head(org_tree: dict[str, Any]) -> None:
    leader = PersonFactory.create(name="leader", unit=org_tree["org"], user=UserFactory.create(username="leader"))
    RoleAssignmentFactory.create(person=leader, role=Role.REGIONAL_LEADER, unit=org_tree["org"])
    services.role_assign(
        actor=leader.user, person=org_tree["staff_a"], role=Role.DEPARTMENT_HEAD, unit=org_tree["dept_a"]
    )
    assert RoleAssignment.objects.filter(person=org_tree["staff_a"], role=Role.DEPARTMENT_HEAD).exists()


def test_the_system_administrator_grants_any_role(org_tree: dict[str, Any]) -> None:
    admin = UserFactory.create(admin_role=AdminRole.SYSTEM)
    services.role_assign(actor=admin, person=org_tree["staff_a"], role=Role.REGIONAL_LEADER, unit=org_tree["org"])
    assert RoleAssignment.objects.filter(person=org_tree["staff_a"], role=Role.REGIONAL_LEADER).exists()


def test_a_department_head_cannot_remove_a_role_at_or_above_his_own(org_tree: dict[str, Any]) -> None:
    other_head = RoleAssignmentFactory.create(
        person=org_tree["staff_a"], role=Role.DEPARTMENT_HEAD, unit=org_tree["dept_a"]
    )
    before = _state()
    with pytest.raises(PermissionDenied):
        services.role_revoke(actor=org_tree["head_a"].user, assignment=other_head)
    assert _state() == before
