"""Test settings shared by every test: a fixed audit key and a private checkpoint file.

`ZHIBAN_TEST_CLOCK` (an ISO date-time, e.g. `2027-02-28T23:30+08:00`) starts the whole run at that instant, the
clock ticking from there: no test may pass or fail by the date it runs, and this is how that is shown.
"""

import datetime as dt
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import time_machine

_session_clock: list[time_machine.travel] = []


def pytest_configure(config: pytest.Config) -> None:
    start = os.environ.get("ZHIBAN_TEST_CLOCK")
    if not start:
        return
    instant = dt.datetime.fromisoformat(start)
    if instant.tzinfo is None:
        raise pytest.UsageError(f"ZHIBAN_TEST_CLOCK needs a UTC offset, e.g. {start}+08:00")
    traveller = time_machine.travel(instant, tick=True)
    traveller.start()
    _session_clock.append(traveller)


def pytest_report_header(config: pytest.Config) -> str | None:
    start = os.environ.get("ZHIBAN_TEST_CLOCK")
    return f"clock set to {start} (ZHIBAN_TEST_CLOCK)" if start else None


def pytest_unconfigure(config: pytest.Config) -> None:
    while _session_clock:
        _session_clock.pop().stop()


@pytest.fixture(autouse=True)
def _audit_settings(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.AUDIT_HMAC_KEY = "test-audit-key"  # type: ignore[attr-defined]
    settings.AUDIT_CHECKPOINT_PATH = tmp_path / "audit-checkpoint.json"  # type: ignore[attr-defined]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def org_tree(db: None) -> dict[str, Any]:
    """An organisation with two departments, each with a station, and people with roles.

    Returns a dict of the objects by name; used by authorization tests across modules.
    """
    from zhiban.org.models import Role
    from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory, UnitFactory, UserFactory

    org = UnitFactory.create(name="市局", kind="organisation")
    dept_a = UnitFactory.create(name="办公室", parent=org)
    dept_b = UnitFactory.create(name="财务处", parent=org)
    station_a = UnitFactory.create(name="一站", kind="station", parent=dept_a)
    station_b = UnitFactory.create(name="二站", kind="station", parent=dept_b)

    def person(name: str, unit: Any, role: str | None = None) -> Any:
        user = UserFactory.create(username=name)
        p = PersonFactory.create(name=name, unit=unit, user=user)
        if role:
            RoleAssignmentFactory.create(person=p, role=role, unit=unit)
        return p

    return {
        "org": org,
        "dept_a": dept_a,
        "dept_b": dept_b,
        "station_a": station_a,
        "station_b": station_b,
        "head_a": person("head_a", dept_a, Role.DEPARTMENT_HEAD),
        "head_b": person("head_b", dept_b, Role.DEPARTMENT_HEAD),
        "staff_a": person("staff_a", station_a),
        "staff_b": person("staff_b", station_b),
    }


@pytest.fixture
def org_tree_bureau(org_tree: dict[str, Any]) -> dict[str, Any]:
    """`org_tree` whose organisation lives under the `bureau` pack, so the rule engine applies."""
    from zhiban.policy.services import policy_adopt

    policy_adopt(actor=None, organisation=org_tree["org"], pack_id="bureau")
    return org_tree


@pytest.fixture
def scratch_postgres_url() -> Iterator[str]:
    """A fresh, empty database on the PostgreSQL server this run uses (DATABASE_URL), dropped at the end: for
    tests that start real processes of their own against PostgreSQL."""
    import psycopg
    from psycopg import sql

    server = urlsplit(os.environ.get("DATABASE_URL", ""))
    if not server.scheme.startswith("postgres"):
        pytest.fail("this test needs DATABASE_URL to name a PostgreSQL server (make test-postgres)", pytrace=False)
    name = f"zhiban_scratch_{secrets.token_hex(4)}"

    def on(database: str) -> str:
        return urlunsplit(server._replace(path=f"/{database}"))

    with psycopg.connect(on("postgres"), autocommit=True, connect_timeout=10) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield on(name)
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
