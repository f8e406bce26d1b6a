"""A `bureau` organisation with a confidential clerk in 办公室 (dept_a), readers with clearances, and one 机密
carrier distributed to 办公室."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from zhiban.accounts.models import AdminRole
from zhiban.accounts.services import access_token_create
from zhiban.accounts.tests.clients import verified_client
from zhiban.core import clock
from zhiban.org.models import Role
from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory, UserFactory
from zhiban.secrecy import services
from zhiban.secrecy.models import Carrier, Clearance

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def person(name: str, unit: Any, role: str | None = None) -> Any:
    p = PersonFactory.create(name=name, unit=unit, user=UserFactory.create(username=name))
    if role:
        RoleAssignmentFactory.create(person=p, role=role, unit=unit)
    return p


def clear(p: Any, level: str) -> None:
    Clearance.objects.create(person=p, level=level, set_at=clock.now())


def receive(tree: dict[str, Any], **overrides: Any) -> Carrier:
    fields: dict[str, Any] = {
        "unit": tree["dept_a"],
        "register_number": "办密〔2026〕12号",
        "classification": "secret",
        "period_years": 20,
        "copy_number": 3,
        "issuing_body": "市委办公室",
        "issued_on": dt.date(2026, 12, 1),
        "received_on": dt.date(2026, 12, 7),
        "title": "关于年终值班安排的通知",
        "location": "机要室2号柜",
        "scope_units": [tree["dept_a"]],
    }
    fields.update(overrides)
    return services.carrier_receive(actor=tree["clerk"].user, **fields)


def web(p: Any) -> Client:
    """Signed in with the second factor passed (a clerk needs it)."""
    return verified_client(p.user)


def api(user: Any) -> Client:
    _, secret = access_token_create(actor=user, user=user, name="test", second_factor_passed=True)
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def travel() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def reg(org_tree_bureau: dict[str, Any], travel: time_machine.Traveller) -> dict[str, Any]:
    tree = dict(org_tree_bureau)
    tree["travel"] = travel
    tree["clerk"] = person("clerk_a", tree["dept_a"], Role.CONFIDENTIAL_CLERK)
    tree["reader"] = tree["staff_a"]  # station_a, inside 办公室
    tree["reader2"] = person("reader2", tree["dept_a"])
    tree["low"] = person("low_a", tree["dept_a"])  # cleared for 秘密 only
    tree["outsider"] = tree["staff_b"]  # 财务处: cleared, outside the scope
    tree["security"] = UserFactory.create(username="security", admin_role=AdminRole.SECURITY)
    tree["sysadmin"] = UserFactory.create(username="sysadmin", admin_role=AdminRole.SYSTEM)
    clear(tree["reader"], "top_secret")
    clear(tree["reader2"], "secret")
    clear(tree["low"], "confidential")
    clear(tree["outsider"], "top_secret")
    clear(tree["head_b"], "top_secret")
    tree["carrier"] = receive(tree)
    return tree
