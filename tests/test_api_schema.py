"""Schemathesis over the whole API (issue 10): every operation, as a privileged and as an ordinary caller, against
the live test server. No answer may be a server error, and each must have a documented status, a documented
content type and a body that fits the documented schema.

How: pytest-django's `live_server` serves the test database, and the schemathesis command line (the engine the
security review ran) runs in a subprocess against it with one caller's bearer token: the coverage phase (missing
and wrong fields, bounds, no token) and then `API_SCHEMA_EXAMPLES` generated examples per operation (default 3;
the review ran 20), from the fixed seed `API_SCHEMA_SEED`, so a run is the same every time. Why not the pytest
integration: it makes one test per operation, and a live-server test empties the database after each, so the
world below would be built some 250 times.

The world is a bureau with a published December roster, leave and a substitution waiting, a January draft with a
queued generation run, and a service centre with swaps waiting. Half the time, a path or body parameter that
names an object is drawn from the objects of this world (schemathesis dictionaries), so operations reach real
leave, swaps, periods and people, not only 404. The clock stands on 20 November 2026 (the roster tests' day).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from django.test.testcases import QuietWSGIRequestHandler
from ninja import Schema

from zhiban.accounts import services as account_services
from zhiban.accounts.models import AdminRole, User
from zhiban.leave import services as leave_services
from zhiban.leave.models import LeaveKind, LeaveRequest, RestRequest, Substitution
from zhiban.leave.tests.conftest import DAY, colleague, local, published  # noqa: F401 (fixtures)
from zhiban.notify.models import Notification
from zhiban.org.models import Person, Role, Unit
from zhiban.org.tests.factories import JobTypeFactory, PersonFactory, RoleAssignmentFactory, UnitFactory, UserFactory
from zhiban.policy.services import policy_adopt
from zhiban.roster import duties as roster_duties
from zhiban.roster import services as roster_services
from zhiban.roster.generation import services as generation_services
from zhiban.roster.generation.models import GenerationRun
from zhiban.roster.models import Post, RosterPeriod, ShiftType
from zhiban.roster.tests.conftest import period, roster_org, travel  # noqa: F401 (fixtures)
from zhiban.swaps import selectors as swap_selectors
from zhiban.swaps import services as swap_services
from zhiban.swaps.models import SwapDebt, SwapRequest

EXAMPLES = int(os.environ.get("API_SCHEMA_EXAMPLES", "3"))
SEED = int(os.environ.get("API_SCHEMA_SEED", "20261120"))
CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance"]
# Owned elsewhere and not yet described with the shared error responses (zhiban.core.api_errors).
EXCLUDED_PATHS: list[str] = []
CENTRE_DAYS = [dt.date(2026, 12, 1) + dt.timedelta(days=i) for i in range(14)]


def _centre_person(name: str, unit: Unit, role: str | None = None, **fields: Any) -> Person:
    person = PersonFactory.create(name=name, unit=unit, user=UserFactory.create(username=name), **fields)
    if role:
        RoleAssignmentFactory.create(person=person, role=role, unit=unit)
    return person


def _centre() -> dict[str, Any]:
    """A service centre: two teams with their leads and four operators, early and late shifts of 1–14 December
    published, a swap asked of a colleague and an open one."""
    org = UnitFactory.create(name="客服中心", kind="organisation")
    dept = UnitFactory.create(name="客服部", parent=org)
    team_a = UnitFactory.create(name="一班", kind="team", parent=dept)
    team_b = UnitFactory.create(name="二班", kind="team", parent=dept)
    policy_adopt(actor=None, organisation=org, pack_id="service-center")
    operator = JobTypeFactory.create(code="operator", name="话务员")
    c: dict[str, Any] = {"org": org}
    c["secretary"] = _centre_person("c_secretary", org, Role.SECRETARIAT, job_type=operator, grade=3)
    c["lead_a"] = _centre_person("c_lead_a", team_a, Role.TEAM_LEAD, job_type=operator, grade=3)
    c["lead_b"] = _centre_person("c_lead_b", team_b, Role.TEAM_LEAD, job_type=operator, grade=3)
    staff = [
        _centre_person(name, team, job_type=operator, grade=2)
        for name, team in (("c_a1", team_a), ("c_b1", team_b), ("c_a2", team_a), ("c_b2", team_b))
    ]
    shifts = {s.code: s for s in roster_services.roster_setup_from_pack(actor=None, organisation=org)}
    actor = c["secretary"].user
    december = roster_services.period_open(actor=actor, unit=org, start=CENTRE_DAYS[0], end=CENTRE_DAYS[-1])
    for i, day in enumerate(CENTRE_DAYS):
        for code, offset in (("early", 0), ("late", 2)):
            roster_services.assignment_set(
                actor=actor,
                period=december,
                day=day,
                shift_type=shifts[code],
                post="duty_officer",
                people=[staff[(i + offset) % 4]],
            )
    roster_services.period_publish(actor=actor, period=december)

    def token(person: Person, day: dt.date, code: str) -> str:
        duty = roster_duties.duty_of(december, day, shifts[code], "duty_officer", person)
        assert duty is not None
        return swap_selectors.duty_token(duty)

    asker, asked, poster = staff[0], staff[1], staff[2]  # c_a1 early on the 5th (c_b1 free), c_a2 on the 7th
    swap_services.swap_request(actor=asker.user, duty=token(asker, CENTRE_DAYS[4], "early"), colleague=asked)
    swap_services.swap_request(actor=poster.user, duty=token(poster, CENTRE_DAYS[6], "early"))
    c["operator"] = asker
    return c


@pytest.fixture
def world(roster_org: dict[str, Any], published: RosterPeriod, colleague: Person) -> dict[str, Any]:  # noqa: F811
    """The bureau of the roster tests with requests waiting, a January draft being generated, a service centre
    with swaps, and a system administrator."""
    staff, secretary = roster_org["staff_a"], roster_org["secretary"]
    leave_services.leave_file(
        actor=staff.user,
        person=staff,
        kind="personal",
        starts_at=local(2026, 12, 7, 8),
        ends_at=local(2026, 12, 7, 23),
        reason="家中有事",
    )
    leave_services.substitution_file(
        actor=staff.user,
        person=staff,
        period=published,
        day=DAY + dt.timedelta(days=2),
        shift_type=roster_org["duty"],
        post="duty_officer",
        substitute=colleague,
        reason="出差",
    )
    january = roster_services.period_open(
        actor=secretary.user, unit=roster_org["org"], start=dt.date(2027, 1, 1), end=dt.date(2027, 1, 31)
    )
    generation_services.generation_start(actor=secretary.user, period=january)  # queued: no worker runs here
    centre = _centre()
    admin = UserFactory.create(username="sysadmin", admin_role=AdminRole.SYSTEM)
    return {
        "admin": admin,
        "secretary": secretary.user,
        "staff_a": staff.user,
        "c_operator": centre["operator"].user,
    }


def _ids(rows: Iterable[Any]) -> list[str]:
    return [row.public_id for row in rows]


def _dictionaries() -> dict[str, list[Any]]:
    """The objects of the world, by what names them."""
    tokens = [
        swap_selectors.duty_token(duty)
        for person in Person.objects.filter(user__isnull=False)
        for duty in swap_selectors.my_duties(person)
    ]
    return {
        "leave": _ids(LeaveRequest.objects.all()),
        "substitution": _ids(Substitution.objects.all()),
        "rest_request": _ids(RestRequest.objects.all()),
        "swap": _ids(SwapRequest.objects.all()),
        "debt": _ids(SwapDebt.objects.all()),
        "period": _ids(RosterPeriod.objects.all()),
        "run": _ids(GenerationRun.objects.all()),
        "person": _ids(Person.objects.all()),
        "unit": _ids(Unit.objects.all()),
        "notification": _ids(Notification.objects.all()),
        "shift_type": _ids(ShiftType.objects.all()),
        "shift_code": sorted(set(ShiftType.objects.values_list("code", flat=True))),
        "duty": tokens,
        "post": list(Post.values),
        "leave_kind": list(LeaveKind.values),
        "role": list(Role.values),
        "month": ["2026-11", "2026-12", "2027-01"],
        "year": [2026, 2027],
    }


# Which dictionary a parameter draws from: everywhere (body fields, query), and by operation (path ids).
PARAMETERS = {
    "body.person": "person",
    "body.substitute": "person",
    "body.colleague": "person",
    "body.unit": "unit",
    "body.period": "period",
    "body.duty": "duty",
    "body.return_duty": "duty",
    "body.return_of": "debt",
    "body.post": "post",
    "body.role": "role",
    "query.month": "month",
}
PATH_IDS = {
    "^/api/v1/leave/requests/": "leave",
    "^/api/v1/leave/substitutions/": "substitution",
    "^/api/v1/leave/rest-requests/": "rest_request",
    "^/api/v1/swaps/[{]": "swap",
    "^/api/v1/roster/periods/": "period",
    "^/api/v1/roster/generation/": "run",
    "^/api/v1/(people|roster/(compensatory-rest|rest)/people)/": "person",
    "^/api/v1/units/": "unit",
    "^/api/v1/inbox/[{]": "notification",
}
BODY_BY_OPERATION = {
    "^/api/v1/leave/(requests/[{]public_id[}]/covers|substitutions)$": {"body.shift_type": "shift_type"},
    "^/api/v1/leave/requests$": {"body.kind": "leave_kind"},
    "^/api/v1/roster/periods/[{]public_id[}]/cells$": {"body.shift": "shift_code"},
}


def _toml_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)  # strings, numbers, lists and booleans read the same in TOML


def _config(values: dict[str, list[Any]]) -> str:
    """schemathesis.toml: the dictionaries, the parameters bound to them, and no crash cache (a run replays
    nothing from an earlier one)."""

    def bind(name: str) -> dict[str, Any]:
        return {"dictionary": name, "probability": 0.5}

    present = {name for name, entries in values.items() if entries}
    lines = ["[cache]", "enabled = false", ""]
    for name in sorted(present):
        lines += [f"[dictionaries.{name}]", f"values = {_toml_value(values[name])}", ""]
    lines.append("[parameters]")
    lines += [f"{json.dumps(key)} = {_toml_value(bind(name))}" for key, name in PARAMETERS.items() if name in present]
    lines.append("")
    operations = {regex: {"path.public_id": name} for regex, name in PATH_IDS.items()}
    operations["^/api/v1/(compliance|roster/allowance)/"] = {"path.unit_id": "unit"}
    operations["^/api/v1/calendar/years/"] = {"path.year": "year"}
    for regex, bindings in [*operations.items(), *BODY_BY_OPERATION.items()]:
        bound = {key: bind(name) for key, name in bindings.items() if name in present}
        if bound:
            lines += ["[[operations]]", f"include-path-regex = {json.dumps(regex)}"]
            lines += [f"parameters = {_toml_value(bound)}", ""]
    return "\n".join(lines)


@pytest.fixture
def fast_live_server(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The live server, answering without Nagle's delay: otherwise each request on a kept-alive connection waits
    40 ms for the client's delayed ACK, and the run takes ten times as long."""
    monkeypatch.setattr(QuietWSGIRequestHandler, "disable_nagle_algorithm", True)
    return live_server


@pytest.mark.parametrize("caller", ["admin", "secretary", "staff_a", "c_operator"])
def test_every_operation_answers_as_documented(
    world: dict[str, User], fast_live_server: Any, caller: str, tmp_path: Path
) -> None:
    _token, plain = account_services.access_token_create(
        actor=None, user=world[caller], name="schemathesis", second_factor_passed=True
    )
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(_dictionaries()), encoding="utf-8")
    command = [
        *(sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "--no-color", "run"),
        f"{fast_live_server.url}/api/openapi.json",
        *("--header", f"Authorization: Bearer {plain}"),
        *("--checks", ",".join(CHECKS)),
        *("--phases", "examples,coverage,fuzzing"),
        *("--max-examples", str(EXAMPLES)),
        *("--seed", str(SEED)),
        *("--generation-database", "none"),
        *("--workers", "1"),
        "--continue-on-failure",  # every failing case of an operation, not only its first
        *("--request-timeout", "30"),
        *(arg for path in EXCLUDED_PATHS for arg in ("--exclude-path", path)),
    ]
    started = time.monotonic()
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=900, check=False)
    elapsed = time.monotonic() - started
    report = result.stdout
    failures = report[report.index("FAILURES") :] if "FAILURES" in report else report
    run = f"schemathesis as {caller} (seed {SEED}, {EXAMPLES} examples, {elapsed:.0f} s)"
    assert result.returncode == 0, f"{run}:\n{failures}{result.stderr[-3000:]}"
    selected = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", report)
    assert selected is not None, report
    chosen, documented, tested = map(int, selected.groups())
    assert (tested, chosen) == (chosen, documented - len(EXCLUDED_PATHS)), "every operation is tested"


def test_no_two_schemas_share_a_name() -> None:
    """Two schemas of one name share one entry of the OpenAPI components, so one of them is documented wrongly
    (leave and swaps once shared `StepOut` and `DecideIn`, the calendar and the roster `PeriodOut`)."""
    from zhiban.config.api import api

    components = api.get_openapi_schema()["components"]["schemas"]

    schemas: list[type[Schema]] = []
    waiting: list[type[Schema]] = [Schema]
    while waiting:
        subclasses = waiting.pop().__subclasses__()
        schemas += subclasses
        waiting += subclasses
    by_name: dict[str, set[str]] = {}
    for cls in schemas:
        if cls.__module__.startswith("zhiban.") and cls.__name__ in components:
            by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: where for name, where in by_name.items() if len(where) > 1} == {}
