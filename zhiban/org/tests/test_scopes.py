"""Scopes: who sees which units and people."""

import pytest

from zhiban.accounts.models import AdminRole
from zhiban.org import selectors
from zhiban.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def names(people) -> set[str]:
    return {p.name for p in people}


def test_staff_see_their_own_department_only(org_tree: dict) -> None:
    user = org_tree["staff_a"].user
    assert names(selectors.person_list(user=user)) == {"head_a", "staff_a"}
    assert selectors.person_list(user=user, action="manage").count() == 0


def test_department_head_sees_and_manages_own_department(org_tree: dict) -> None:
    user = org_tree["head_a"].user
    assert names(selectors.person_list(user=user)) == {"head_a", "staff_a"}
    assert names(selectors.person_list(user=user, action="manage")) == {"head_a", "staff_a"}
    assert names(selectors.person_list(user=user, search="staff")) == {"staff_a"}


def test_system_administrator_sees_everything(org_tree: dict) -> None:
    admin = UserFactory.create(admin_role=AdminRole.SYSTEM)
    assert selectors.person_list(user=admin).count() == 4


@pytest.mark.parametrize("role", [AdminRole.SECURITY, AdminRole.AUDIT])
def test_security_and_audit_administrators_see_no_people(org_tree: dict, role: str) -> None:
    admin = UserFactory.create(admin_role=role)
    assert selectors.person_list(user=admin).count() == 0


def test_account_without_person_sees_nothing(org_tree: dict) -> None:
    assert selectors.person_list(user=UserFactory.create()).count() == 0
    assert selectors.unit_list(user=UserFactory.create()).count() == 0
