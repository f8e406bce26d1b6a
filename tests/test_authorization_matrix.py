"""The authorization matrix: every API operation × {anonymous, a person of another organisation, a duty officer of
the same unit without a managing role, the person the matter is about}, so that the API keeps the 0 leaks the
penetration test found, and a new operation is judged as soon as it is in the OpenAPI document.

Organisation A (甲局, `bureau` pack) is built once for the module, with a real object behind every kind of path
parameter the API takes: units, people, a published December roster and a January draft with a queued generation
run, leave (pending with its cover, and approved), a substitution, a compensatory-rest request, rest credits and
rest taken, swaps (open, on the board, accepted, done with its return debt), an absence in the discipline register,
approval steps and notifications. Nearly all of it is the matter of one person, 甲处长 — "the person concerned" — who
heads 甲办公室, so that only "nobody decides a matter of their own" stands between them and a decision. Organisation B
(乙公司) has its own manager (secretariat and department head there) with a published roster, a duty and a pending
leave.

Every operation is called with its path filled from A's objects (`PATH_OBJECTS`, the longest matching template) and a
plausible body naming the person concerned (`BODIES`); operations whose body names a person may also be called on
the caller's own behalf (the "[own behalf]" cases, found in the schema); `PROBES` add cases where B acts on B's own
matter and names one of A's objects in the body, and one where the person concerned imports a role for themself.
The callers:

- anonymous: 401, nothing changed;
- B's manager ("outsider"): a write is never 2xx unless `OUTSIDER_MAY` says why; a read is 2xx only when it shows no
  id or name of A's; a refusal is 403/404/422, names nothing of A's that B did not send, and answers as it would
  for an id that does not exist (no existence oracle);
- 甲值班员 ("member"), a duty officer of the same station without a managing role: no write on someone else's
  matter succeeds (`MEMBER_MAY` lists what they may do on their own behalf, and why); what they read shows nothing
  `World.member_hidden` holds (the other department, the chief and the secretariat, other people's requests, the
  January draft, the run, B);
- the person concerned: every decision on their own matter (`OWN_DECISIONS`) is refused with 403/422; their own acts
  (`OWN_ACTS`) and what is not a matter of theirs (`NOT_OWN`) are listed with the reason.

"Nothing changed" compares `state()` — the audit events and the main tables, with request statuses — before and
after each refused call and each read. `test_an_authorized_caller_succeeds` makes every case once as someone who may,
so that the matrix's refusals are refusals of the caller, not of a malformed request. Each test runs in a savepoint
of the module's transaction: every call sees the same world. The clock stands on `NOW` (7 December 2026, 10:00).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count, Model, Sum
from django.test import Client, override_settings

from zhiban.accounts import services as account_services
from zhiban.approvals.models import ApprovalStep
from zhiban.calendar.services import calendar_seed
from zhiban.config.api import api
from zhiban.core.models import AuditEvent, Job
from zhiban.discipline import services as discipline_services
from zhiban.discipline.models import DisciplineRecord
from zhiban.duty import incidents as duty_incidents
from zhiban.duty import services as duty_services
from zhiban.duty import shifts as duty_shifts
from zhiban.duty.models import DutyShift, Incident, LogEntry, SpotCheck
from zhiban.leave import services as leave_services
from zhiban.leave.models import LeaveCover, LeaveRequest, RestRequest, Substitution
from zhiban.notify.delivery import deliver_due
from zhiban.notify.models import Notification, OutboxMessage
from zhiban.org.models import Person, Role, RoleAssignment, Unit
from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory, UnitFactory, UserFactory
from zhiban.policy.models import PolicyVersion
from zhiban.policy.services import policy_adopt
from zhiban.roster import duties
from zhiban.roster import services as roster_services
from zhiban.roster.compensation import services as rest_services
from zhiban.roster.compensation.models import RestCredit, RestTaking
from zhiban.roster.generation import services as generation_services
from zhiban.roster.generation.models import GenerationRun
from zhiban.roster.models import Assignment, RosterPeriod, RosterVersion, ShiftType
from zhiban.secrecy import services as secrecy_services
from zhiban.secrecy.models import Carrier, Clearance, CustodyMove
from zhiban.swaps import selectors as swap_selectors
from zhiban.swaps import services as swap_services
from zhiban.swaps.models import SwapDebt, SwapRequest

TZ = ZoneInfo("Asia/Shanghai")
BUILD = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)  # the world is made on this day, for December
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=TZ)  # and probed on this one: the December roster is on the board

ACTORS = ("anonymous", "outsider", "member", "concerned")
REFUSED = (403, 404, 422)
WRITES = ("post", "put", "patch", "delete")
OWN_BEHALF = "own behalf"
CALL = {
    "caller_unit": "市应急局",
    "caller_name": "王科长",
    "phone": "0571-87000000",
    "content": "询问值班",
    "handling": "已答复",
}

Body = Callable[["World"], Any]


# ------------------------------------------------------------------------------------------------ the operations


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    path_params: tuple[str, ...]
    query: dict[str, str]  # query parameter → its type in the schema
    body: str | None  # None, "json" or "multipart"
    optional_person: bool  # the JSON body names a person, and may leave it out (the caller themself)

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def writes(self) -> bool:
        return self.method in WRITES


def _type(schema: dict[str, Any]) -> str:
    if "type" in schema:
        return str(schema["type"])
    return next((str(s["type"]) for s in schema.get("anyOf", []) if s.get("type") != "null"), "")


def operations() -> list[Operation]:
    """Every operation of the OpenAPI document, as the API describes itself."""
    document = api.get_openapi_schema()
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            parameters = operation.get("parameters", [])
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema", {})
            if "$ref" in schema:
                schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
            found.append(
                Operation(
                    method=method,
                    path=path,
                    path_params=tuple(p["name"] for p in parameters if p["in"] == "path"),
                    query={p["name"]: _type(p["schema"]) for p in parameters if p["in"] == "query"},
                    body="multipart" if "multipart/form-data" in content else "json" if content else None,
                    optional_person="person" in schema.get("properties", {})
                    and "person" not in schema.get("required", []),
                )
            )
    return found


OPERATIONS = operations()
BY_KEY = {o.key: o for o in OPERATIONS}

# Which of A's objects fills a path: the longest template here that the operation's path starts with. An operation
# whose path parameters none of these covers fails `test_every_operation_has_what_the_matrix_needs`.
PATH_OBJECTS = {
    "/api/v1/units/{public_id}": "office",
    "/api/v1/people/{public_id}": "concerned",
    "/api/v1/calendar/days/{day}": "day",
    "/api/v1/calendar/years/{year}": "year",
    "/api/v1/inbox/{public_id}": "notification",  # the person concerned's, unread
    "/api/v1/policy/packs/{pack_id}": "pack",
    "/api/v1/roster/periods/{public_id}": "december",  # published
    "/api/v1/roster/periods/{public_id}/cells": "january",  # a draft
    "/api/v1/roster/periods/{public_id}/publish": "january",
    "/api/v1/roster/periods/{public_id}/generation": "january",
    "/api/v1/roster/generation/{public_id}": "run",  # queued
    "/api/v1/roster/compensatory-rest/people/{public_id}": "concerned",
    "/api/v1/roster/rest/people/{public_id}": "concerned",  # the deprecated path
    "/api/v1/roster/allowance/{unit_id}": "org",
    "/api/v1/leave/requests/{public_id}": "leave_pending",  # hits their duty of the 18th, a cover chosen
    "/api/v1/leave/requests/{public_id}/return": "leave_approved",  # 1–4 December, not yet returned
    "/api/v1/leave/substitutions/{public_id}": "substitution",  # pending
    "/api/v1/leave/rest-requests/{public_id}": "rest_request",  # pending
    "/api/v1/swaps/{public_id}": "swap_named",  # open, a named colleague asked
    "/api/v1/swaps/{public_id}/decide": "swap_accepted",
    "/api/v1/swaps/{public_id}/judge": "swap_done",
    "/api/v1/compliance/{unit_id}": "org",
    "/api/v1/duty/shifts/{public_id}": "shift_7",  # running: 甲财务员 and the leader checked in, the driver not yet
    "/api/v1/duty/shifts/{public_id}/close": "shift_5",  # its handover accepted by the next shift
    "/api/v1/duty/log/{public_id}": "log_entry",
    "/api/v1/duty/incidents/{public_id}": "incident",  # major, its hour running
    "/api/v1/duty/spot-checks/{public_id}": "spot_check",  # a presence challenge to 甲财务员, not yet answered
    "/api/v1/secrecy/carriers/{public_id}": "carrier",  # 机密, with 甲机要员, distributed to 甲办公室
}

# Query parameters filled when an operation has them (by name and schema type); the others keep their defaults.
QUERY_VALUES = {("month", "string"): "2026-12", ("month", "integer"): "12", ("year", "integer"): "2026"}


def _csv(*rows: str) -> Body:
    return lambda w: "\n".join(row.format(**w.ids) for row in rows) + "\n"


DECIDE = {"approve": True, "comment": "同意"}

# A plausible body for each write, naming the person concerned and their matters.
BODIES: dict[str, Body] = {
    "POST /api/v1/people": lambda w: {"employee_number": "JIA-900", "name": "甲新人", "unit": w.ids["office"]},
    "POST /api/v1/people/import": _csv("工号,姓名,单位", "JIA-901,甲新员,甲局/甲办公室/甲一站"),
    "PATCH /api/v1/people/{public_id}": lambda w: {"title": "主任科员"},
    "POST /api/v1/people/{public_id}/roles": lambda w: {"role": "safety_officer", "unit": w.ids["office"]},
    "POST /api/v1/roster/periods/{public_id}/cells": lambda w: {
        "date": "2027-01-05",
        "shift": "duty",
        "post": "duty_officer",
        "people": [w.ids["colleague"]],
    },
    "POST /api/v1/roster/periods/{public_id}/publish": lambda w: {"note": "一月值班表"},
    "POST /api/v1/roster/periods/{public_id}/generation": lambda w: {"time_limit_s": 5},
    "POST /api/v1/roster/compensatory-rest/people/{public_id}/taken": lambda w: {"day": "2026-12-11", "days": "0.5"},
    "POST /api/v1/roster/rest/people/{public_id}/taken": lambda w: {"day": "2026-12-11", "days": "0.5"},
    "POST /api/v1/leave/requests": lambda w: {
        "person": w.ids["concerned"],
        "kind": "personal",
        "starts_at": "2026-12-24T09:00:00+08:00",
        "ends_at": "2026-12-24T18:00:00+08:00",
        "reason": "家中有事",
    },
    "POST /api/v1/leave/requests/{public_id}/decide": lambda w: DECIDE,
    "POST /api/v1/leave/requests/{public_id}/cancel": lambda w: {"reason": "不用了"},
    "POST /api/v1/leave/requests/{public_id}/return": lambda w: {"returned_at": "2026-12-03T09:00:00+08:00"},
    "POST /api/v1/leave/requests/{public_id}/covers": lambda w: {
        "period": w.ids["december"],
        "day": "2026-12-18",
        "shift_type": w.ids["duty"],
        "post": "duty_officer",
        "substitute": w.ids["colleague"],
    },
    "POST /api/v1/leave/substitutions": lambda w: {
        "person": w.ids["concerned"],
        "period": w.ids["december"],
        "day": "2026-12-26",
        "shift_type": w.ids["duty"],
        "post": "duty_officer",
        "substitute": w.ids["colleague"],
        "reason": "开会",
    },
    "POST /api/v1/leave/substitutions/{public_id}/decide": lambda w: DECIDE,
    "POST /api/v1/leave/rest-requests": lambda w: {"person": w.ids["concerned"], "day": "2026-12-11", "days": "0.5"},
    "POST /api/v1/leave/rest-requests/{public_id}/decide": lambda w: DECIDE,
    "POST /api/v1/discipline/absences": lambda w: {
        "person": w.ids["concerned"],
        "day": "2026-11-11",
        "rule_id": "LEAVE-05",
    },
    "POST /api/v1/swaps/absences": lambda w: {"person": w.ids["concerned"], "day": "2026-11-11", "rule_id": "LEAVE-05"},
    "POST /api/v1/swaps": lambda w: {"duty": w.ids["duty_27"], "colleague": w.ids["colleague"]},
    "POST /api/v1/swaps/{public_id}/accept": lambda w: {},
    "POST /api/v1/swaps/{public_id}/decline": lambda w: {"reason": "那天没空"},
    "POST /api/v1/swaps/{public_id}/decide": lambda w: DECIDE,
    "POST /api/v1/swaps/{public_id}/judge": lambda w: {
        "which": "swapped",
        "requester_share": "0.5",
        "colleague_share": "0.5",
    },
    "POST /api/v1/duty/shifts/{public_id}/log": lambda w: {"kind": "call", "fields": CALL},
    "POST /api/v1/duty/log/{public_id}/amend": lambda w: {
        "fields": {**CALL, "phone": "0571-87000001"},
        "reason": "记错",
    },
    "POST /api/v1/duty/shifts/{public_id}/incidents": lambda w: {"title": "仓库冒烟", "level": "重大"},
    "POST /api/v1/duty/incidents/{public_id}/steps": lambda w: {"step": "verified"},
    "POST /api/v1/duty/shifts/{public_id}/checklist": lambda w: {
        "answers": {"通讯设备正常": True, "值班室设施完好": True}
    },
    "POST /api/v1/duty/shifts/{public_id}/handover": lambda w: {"equipment": "电话、传真正常", "open_issues": []},
    "POST /api/v1/duty/shifts/{public_id}/spot-checks": lambda w: {"person": w.ids["onduty_b"]},
    "POST /api/v1/secrecy/carriers": lambda w: {
        "unit": w.ids["office"],
        "register_number": "甲密〔2026〕2号",
        "classification": "secret",
        "period_years": 20,
        "copy_number": 1,
        "issuing_body": "市委办公室",
        "issued_on": "2026-12-01",
        "received_on": "2026-12-07",
        "title": "年终工作通知",
        "location": "机要室",
        "scope_units": [w.ids["office"]],
    },
    "POST /api/v1/secrecy/carriers/{public_id}/moves": lambda w: {"to": w.ids["colleague"]},
    "POST /api/v1/secrecy/carriers/{public_id}/archive": lambda w: {"location": "档案室"},
    "POST /api/v1/secrecy/clearances": lambda w: {"person": w.ids["member"], "level": "confidential"},
}

# Who may do each write (and so succeeds in `test_an_authorized_caller_succeeds`); reads: the chief, who manages the
# whole of A, unless named here.
AUTHORIZED = {
    "POST /api/v1/people": "chief",
    "POST /api/v1/people/import": "chief",
    "PATCH /api/v1/people/{public_id}": "chief",
    "POST /api/v1/people/{public_id}/roles": "chief",
    "POST /api/v1/inbox/read-all": "concerned",
    "POST /api/v1/inbox/{public_id}/read": "concerned",
    "POST /api/v1/roster/periods/{public_id}/cells": "secretary",
    "POST /api/v1/roster/periods/{public_id}/publish": "secretary",
    "POST /api/v1/roster/periods/{public_id}/generation": "secretary",
    "GET /api/v1/roster/generation/{public_id}": "secretary",
    "POST /api/v1/roster/generation/{public_id}/stop": "secretary",
    "POST /api/v1/roster/compensatory-rest/people/{public_id}/taken": "secretary",
    "POST /api/v1/roster/rest/people/{public_id}/taken": "secretary",
    "POST /api/v1/leave/requests": "chief",
    "POST /api/v1/leave/requests/{public_id}/decide": "chief",
    "POST /api/v1/leave/requests/{public_id}/cancel": "concerned",
    "POST /api/v1/leave/requests/{public_id}/return": "chief",
    "POST /api/v1/leave/requests/{public_id}/covers": "chief",
    "POST /api/v1/leave/substitutions": "chief",
    "POST /api/v1/leave/substitutions/{public_id}/decide": "chief",
    "POST /api/v1/leave/substitutions/{public_id}/cancel": "concerned",
    "POST /api/v1/leave/rest-requests": "chief",
    "POST /api/v1/leave/rest-requests/{public_id}/decide": "chief",
    "POST /api/v1/leave/rest-requests/{public_id}/cancel": "concerned",
    "POST /api/v1/discipline/absences": "chief",
    "POST /api/v1/swaps/absences": "chief",
    "POST /api/v1/swaps": "concerned",
    "POST /api/v1/swaps/{public_id}/accept": "colleague",
    "POST /api/v1/swaps/{public_id}/decline": "colleague",
    "POST /api/v1/swaps/{public_id}/withdraw": "concerned",
    "POST /api/v1/swaps/{public_id}/decide": "chief",
    "POST /api/v1/swaps/{public_id}/judge": "chief",
    "POST /api/v1/duty/shifts/{public_id}/check-in": "driver",
    "POST /api/v1/duty/shifts/{public_id}/log": "onduty_b",
    "POST /api/v1/duty/log/{public_id}/amend": "onduty_b",
    "POST /api/v1/duty/shifts/{public_id}/incidents": "onduty_b",
    "POST /api/v1/duty/incidents/{public_id}/steps": "onduty_b",
    "POST /api/v1/duty/incidents/{public_id}/acknowledge": "leader",
    "POST /api/v1/duty/shifts/{public_id}/checklist": "onduty_b",
    "POST /api/v1/duty/shifts/{public_id}/handover": "onduty_b",
    "POST /api/v1/duty/shifts/{public_id}/handover/accept": "onduty_b",
    "POST /api/v1/duty/shifts/{public_id}/close": "onduty_b",
    "POST /api/v1/duty/shifts/{public_id}/spot-checks": "chief",
    "POST /api/v1/duty/spot-checks/{public_id}/answer": "onduty_b",
    "GET /api/v1/secrecy/carriers/{public_id}": "clerk",
    "POST /api/v1/secrecy/carriers": "clerk",
    "POST /api/v1/secrecy/carriers/{public_id}/moves": "clerk",
    "POST /api/v1/secrecy/carriers/{public_id}/archive": "clerk",
    "POST /api/v1/secrecy/clearances": "clerk",
}


@dataclass(frozen=True)
class Probe:
    """A case beyond the operation itself: a caller acting on their own matter who names someone else's object."""

    actor: str
    path: str | None  # the object filling the path (default: PATH_OBJECTS)
    body: Body
    authorized_body: Body  # the same request naming the caller's own object instead: it succeeds


def _with(base: str, **changes: str) -> Body:
    return lambda w: {**BODIES[base](w), **{k: w.ids.get(v, v) for k, v in changes.items()}}


SUBSTITUTION = "POST /api/v1/leave/substitutions"
COVERS = "POST /api/v1/leave/requests/{public_id}/covers"
B_DUTY = {"period": "b_december", "day": "2026-12-15", "shift_type": "b_duty"}
B_COVER = {"period": "b_december", "day": "2026-12-17", "shift_type": "b_duty"}
PROBES = {
    f"{SUBSTITUTION} [B's own duty, A's person as substitute]": Probe(
        "outsider",
        None,
        _with(SUBSTITUTION, person="outsider", substitute="colleague", **B_DUTY),
        _with(SUBSTITUTION, person="outsider", substitute="b_colleague", **B_DUTY),
    ),
    f"{SUBSTITUTION} [B's own duty named in A's period]": Probe(
        "outsider",
        None,
        _with(SUBSTITUTION, person="outsider", substitute="b_colleague", **{**B_DUTY, "period": "december"}),
        _with(SUBSTITUTION, person="outsider", substitute="b_colleague", **B_DUTY),
    ),
    f"{COVERS} [B's own leave, A's person as cover]": Probe(
        "outsider",
        "b_leave",
        _with(COVERS, substitute="colleague", **B_COVER),
        _with(COVERS, substitute="b_colleague", **B_COVER),
    ),
    f"{COVERS} [B's own leave, its duty named in A's period]": Probe(
        "outsider",
        "b_leave",
        _with(COVERS, substitute="b_colleague", **{**B_COVER, "period": "december"}),
        _with(COVERS, substitute="b_colleague", **B_COVER),
    ),
    "POST /api/v1/swaps [B's own duty, asking A's person]": Probe(
        "outsider",
        None,
        lambda w: {"duty": w.ids["b_token"], "colleague": w.ids["colleague"]},
        lambda w: {"duty": w.ids["b_token"], "colleague": w.ids["b_colleague"]},
    ),
    "POST /api/v1/roster/periods/{public_id}/cells [A's person on B's roster]": Probe(
        "outsider",
        "b_december",
        lambda w: {**BODIES["POST /api/v1/roster/periods/{public_id}/cells"](w), "date": "2026-12-20", "reason": "调"},
        lambda w: {
            "date": "2026-12-20",
            "shift": "duty",
            "post": "duty_officer",
            "people": [w.ids["b_colleague"]],
            "reason": "调",
        },
    ),
    "POST /api/v1/people/{public_id}/roles [B's person, in A's unit]": Probe(
        "outsider",
        "b_colleague",
        lambda w: {"role": "safety_officer", "unit": w.ids["office"]},
        lambda w: {"role": "safety_officer", "unit": w.ids["b_department"]},
    ),
    "PATCH /api/v1/people/{public_id} [B's person, moved to A's unit]": Probe(
        "outsider",
        "b_colleague",
        lambda w: {"unit": w.ids["office"]},
        lambda w: {"unit": w.ids["b_department"], "title": "科员"},
    ),
    "POST /api/v1/people/import [A's employee number, in B's unit]": Probe(
        "outsider",
        None,
        _csv("工号,姓名,单位", "{concerned_number},乙新人,乙公司/乙业务部"),
        _csv("工号,姓名,单位", "YI-900,乙新人,乙公司/乙业务部"),
    ),
    "POST /api/v1/people/import [one's own row, with a role]": Probe(
        "concerned",
        None,
        _csv("工号,姓名,单位,角色", "{concerned_number},甲处长,甲局/甲办公室/甲一站,safety_officer"),
        _csv("工号,姓名,单位,角色", "{concerned_number},甲处长,甲局/甲办公室/甲一站,safety_officer"),
    ),
}
PROBE_AUTHORIZED = {"POST /api/v1/people/import [one's own row, with a role]": "chief"}

# The allow-lists: writes that succeed for these callers, and why that is no leak. Their answers are still searched.
OWN_INBOX = "marks the caller's own notifications read; nobody else's inbox is touched"
MEMBER_MAY = {
    "POST /api/v1/inbox/read-all": OWN_INBOX,
    f"POST /api/v1/leave/requests [{OWN_BEHALF}]": "filing one's own leave; the department head decides it",
    f"POST /api/v1/leave/rest-requests [{OWN_BEHALF}]": "asking for one's own rest (refused here: no credits)",
    f"{SUBSTITUTION} [{OWN_BEHALF}]": "asking a substitute for one's own duty (refused here: no duty that day)",
}
OUTSIDER_MAY = {
    "POST /api/v1/inbox/read-all": OWN_INBOX,
    f"POST /api/v1/leave/requests [{OWN_BEHALF}]": "B's manager files leave in B; the body names nothing of A's",
    "POST /api/v1/people/import [A's employee number, in B's unit]": (
        "creates a person in B's own department: employee numbers are unique per organisation, so A's number is no "
        "conflict, and A's person is left as it was"
    ),
}

# The person concerned: every write is one of their decisions (refused), one of their own acts (allowed), or no
# matter of theirs (not judged in this column). A case is looked up by its own key, then by its operation's.
OWN_DECISIONS = {
    "POST /api/v1/people/{public_id}/roles": "a role for oneself (ORG-02; 三员分立)",
    "POST /api/v1/people/import [one's own row, with a role]": "a role for oneself, through an import",
    "POST /api/v1/roster/compensatory-rest/people/{public_id}/taken": "recording one's own compensatory rest (ROS-07)",
    "POST /api/v1/roster/rest/people/{public_id}/taken": "recording one's own compensatory rest (ROS-07)",
    "POST /api/v1/leave/requests/{public_id}/decide": "approving one's own leave (LEAVE-03)",
    "POST /api/v1/leave/substitutions/{public_id}/decide": "approving one's own substitution (SUB-02)",
    "POST /api/v1/leave/rest-requests/{public_id}/decide": "approving one's own rest (ROS-07)",
    "POST /api/v1/discipline/absences": "recording an absence against oneself",
    "POST /api/v1/swaps/absences": "recording an absence against oneself",
    "POST /api/v1/swaps/{public_id}/decide": "approving one's own swap (SWAP-01)",
    "POST /api/v1/swaps/{public_id}/judge": "judging the responsibility for one's own swap (SWAP-05)",
    "POST /api/v1/swaps/{public_id}/accept": "consenting to one's own swap in the colleague's place",
    "POST /api/v1/swaps/{public_id}/decline": "refusing one's own swap in the colleague's place",
}
OWN_ACTS = {
    "POST /api/v1/inbox/read-all": OWN_INBOX,
    "POST /api/v1/inbox/{public_id}/read": "marks one of the caller's own notifications read",
    "PATCH /api/v1/people/{public_id}": "a department head corrects their own title (person_update has no own-matter"
    " check: they could change their own grade, kind, unit or is_active too — reported, not judged here)",
    "POST /api/v1/leave/requests": "filing one's own leave; the approver decides it",
    "POST /api/v1/leave/requests/{public_id}/cancel": "withdrawing one's own pending leave",
    "POST /api/v1/leave/requests/{public_id}/return": "消假: the person reports back (LEAVE-01: they or their manager)",
    "POST /api/v1/leave/requests/{public_id}/covers": "proposing the cover of one's own leave; the approver decides it",
    "POST /api/v1/leave/substitutions": "asking a substitute for one's own duty; the department head decides it",
    "POST /api/v1/leave/substitutions/{public_id}/cancel": "withdrawing one's own substitution request",
    "POST /api/v1/leave/rest-requests": "asking for one's own compensatory rest; the department head decides it",
    "POST /api/v1/leave/rest-requests/{public_id}/cancel": "withdrawing one's own rest request",
    "POST /api/v1/swaps": "asking a colleague to take one's own duty; the team leads decide it",
    "POST /api/v1/swaps/{public_id}/withdraw": "withdrawing one's own swap request",
}
CLERKS_REGISTER = "the classified-carrier register is the confidential clerk's (SEC-01); 甲处长 is no clerk"
DUTY_OF_ANOTHER = "the shifts of 5 to 7 December are other officers' duties; 甲处长 is on none of them"
NOT_OWN = {
    "POST /api/v1/people": "adding a new person to the department they head is no matter of their own",
    "POST /api/v1/people/import": "importing new people into the department they head is no matter of their own",
    "POST /api/v1/roster/periods/{public_id}/cells": "the roster is the secretariat's (ROS-03), not their matter",
    "POST /api/v1/roster/periods/{public_id}/publish": "the roster is the secretariat's (ROS-03), not their matter",
    "POST /api/v1/roster/periods/{public_id}/generation": "the roster is the secretariat's (ROS-04), not their matter",
    "POST /api/v1/roster/generation/{public_id}/stop": "the roster is the secretariat's (ROS-04), not their matter",
    "POST /api/v1/duty/shifts/{public_id}/check-in": DUTY_OF_ANOTHER,
    "POST /api/v1/duty/shifts/{public_id}/log": DUTY_OF_ANOTHER,
    "POST /api/v1/duty/log/{public_id}/amend": DUTY_OF_ANOTHER,
    "POST /api/v1/duty/shifts/{public_id}/incidents": DUTY_OF_ANOTHER,
    "POST /api/v1/duty/incidents/{public_id}/steps": DUTY_OF_ANOTHER,
    "POST /api/v1/duty/incidents/{public_id}/acknowledge": DUTY_OF_ANOTHER,
    "POST /api/v1/duty/shifts/{public_id}/checklist": DUTY_OF_ANOTHER,
    "POST /api/v1/duty/shifts/{public_id}/handover": DUTY_OF_ANOTHER,
    "POST /api/v1/duty/shifts/{public_id}/handover/accept": DUTY_OF_ANOTHER,
    "POST /api/v1/duty/shifts/{public_id}/close": DUTY_OF_ANOTHER,
    "POST /api/v1/duty/shifts/{public_id}/spot-checks": DUTY_OF_ANOTHER,
    "POST /api/v1/duty/spot-checks/{public_id}/answer": DUTY_OF_ANOTHER,
    "POST /api/v1/secrecy/carriers": CLERKS_REGISTER,
    "POST /api/v1/secrecy/carriers/{public_id}/moves": CLERKS_REGISTER,
    "POST /api/v1/secrecy/carriers/{public_id}/archive": CLERKS_REGISTER,
    "POST /api/v1/secrecy/clearances": CLERKS_REGISTER,
}

# Leaks and wrong successes this matrix found: (case key, actor) → what is wrong. Each is an xfail(strict=True) until
# the application is fixed; then the strict xfail fails and the entry is removed.
KNOWN_LEAKS: dict[tuple[str, str], str] = {}  # leaks found and not yet fixed: (case, actor) → what leaks


@dataclass(frozen=True)
class Case:
    operation: Operation
    variant: str = ""
    probe: Probe | None = None

    @property
    def key(self) -> str:
        return f"{self.operation.key} [{self.variant}]" if self.variant else self.operation.key

    @property
    def actors(self) -> tuple[str, ...]:
        return ("anonymous", self.probe.actor) if self.probe else ACTORS

    def lookup(self, table: dict[str, Any]) -> Any:
        return table.get(self.key, table.get(self.operation.key))


def cases() -> list[Case]:
    found = []
    for operation in OPERATIONS:
        found.append(Case(operation))
        if operation.optional_person:
            found.append(Case(operation, OWN_BEHALF))
    for key, probe in PROBES.items():
        base, variant = key.split(" [", 1)
        found.append(Case(BY_KEY[base], variant.removesuffix("]"), probe))
    return found


CASES = cases()


# ------------------------------------------------------------------------------------------------ the world


@dataclass
class World:
    people: dict[str, Person]
    ids: dict[str, str]  # object name → what fills a path or a body field (mostly public ids)
    tokens: dict[str, str] = field(default_factory=dict)  # caller → bearer token
    a_ids: set[str] = field(default_factory=set)
    a_names: set[str] = field(default_factory=set)
    b_ids: set[str] = field(default_factory=set)
    b_names: set[str] = field(default_factory=set)
    member_hidden: set[str] = field(default_factory=set)  # ids and names the member never reads
    a_people: set[int] = field(default_factory=set)  # primary keys of A's people


def all_public_ids() -> set[str]:
    found: set[str] = set()
    for model in apps.get_models():
        if any(f.name == "public_id" for f in model._meta.get_fields()):
            found.update(model._default_manager.values_list("public_id", flat=True))
    return found


def dec(day: int) -> dt.date:
    return dt.date(2026, 12, day)


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, 0, tzinfo=TZ)


def _person(username: str, name: str, unit: Unit, *roles: tuple[str, Unit]) -> Person:
    person = PersonFactory.create(name=name, unit=unit, user=UserFactory.create(username=username))
    for role, held_at in roles:
        RoleAssignmentFactory.create(person=person, role=role, unit=held_at)
    return person


def _user(person: Person) -> Any:
    assert person.user is not None
    return person.user


def _duty_token(period: RosterPeriod, day: dt.date, shift: ShiftType, person: Person) -> str:
    found = duties.duty_of(period, day, shift, "duty_officer", person)
    assert found is not None, f"{person.name} is not on duty on {day}"
    return swap_selectors.duty_token(found)


def build_a() -> World:
    """Organisation A and every object its API paths name; almost every matter is 甲处长's."""
    org = UnitFactory.create(name="甲局", kind="organisation")
    policy_adopt(actor=None, organisation=org, pack_id="bureau")
    office = UnitFactory.create(name="甲办公室", parent=org)
    station = UnitFactory.create(name="甲一站", kind="station", parent=office)
    finance = UnitFactory.create(name="甲财务处", parent=org)
    station_b = UnitFactory.create(name="甲二站", kind="station", parent=finance)
    p = {
        "chief": _person("jia_chief", "甲首长", org, (Role.DEPARTMENT_HEAD, org)),
        "secretary": _person("jia_secretary", "甲秘书", org, (Role.SECRETARIAT, org)),
        "leader": _person("jia_leader", "甲带班", org, (Role.DUTY_LEADER, org)),
        "driver": _person("jia_driver", "甲司机", org, (Role.STANDBY_DRIVER, org)),
        # the person concerned heads 甲办公室 and is on duty like everyone
        "concerned": _person(
            "jia_concerned", "甲处长", station, (Role.DEPARTMENT_HEAD, office), (Role.DUTY_OFFICER, org)
        ),
        "member": _person("jia_member", "甲值班员", station, (Role.DUTY_OFFICER, org)),
        "colleague": _person("jia_colleague", "甲同事", station, (Role.DUTY_OFFICER, org)),
        "head_b": _person("jia_head_b", "甲财务主管", finance, (Role.DEPARTMENT_HEAD, finance)),
        "onduty_b": _person("jia_onduty_b", "甲财务员", station_b, (Role.DUTY_OFFICER, org)),
        "hidden_b": _person("jia_hidden_b", "甲隐者", station_b, (Role.DUTY_OFFICER, org)),
        "clerk": _person("jia_clerk", "甲机要员", office, (Role.CONFIDENTIAL_CLERK, office)),
    }
    secretary, chief, concerned, colleague = _user(p["secretary"]), _user(p["chief"]), p["concerned"], p["colleague"]
    mine = _user(concerned)
    (duty,) = roster_services.roster_setup_from_pack(actor=None, organisation=org)
    december = roster_services.period_open(actor=secretary, unit=org, start=dec(1), end=dec(31))

    def put(period: RosterPeriod, day: dt.date, officer: Person) -> None:
        for post, who in (("duty_leader", p["leader"]), ("duty_officer", officer), ("standby_driver", p["driver"])):
            roster_services.assignment_set(
                actor=secretary, period=period, day=day, shift_type=duty, post=post, people=[who]
            )

    put(december, dec(5), p["onduty_b"])  # the duty of the 5th and the 6th hand over to today's (build_duty)
    put(december, dec(6), p["colleague"])
    put(december, dec(7), p["onduty_b"])  # on the board today
    for day in (12, 14, 16, 18, 21, 23, 26, 27, 29):  # Saturday the 12th and the 26th, Sunday the 27th: ROS-07 credits
        put(december, dec(day), concerned)
    put(december, dec(28), p["member"])
    roster_services.period_publish(actor=secretary, period=december)
    january = roster_services.period_open(
        actor=secretary, unit=org, start=dt.date(2027, 1, 1), end=dt.date(2027, 1, 31)
    )
    put(january, dt.date(2027, 1, 4), p["hidden_b"])  # only in the draft
    run = generation_services.generation_start(actor=secretary, period=january, time_limit_s=5)

    approved = leave_services.leave_file(
        actor=mine, person=concerned, kind="personal", starts_at=at(1, 8), ends_at=at(4, 18), reason="家中有事"
    )
    approved = leave_services.leave_decide(actor=chief, leave=approved, approve=True)
    pending = leave_services.leave_file(
        actor=mine, person=concerned, kind="personal", starts_at=at(18, 0), ends_at=at(19, 23), reason="看病"
    )
    leave_services.cover_choose(
        actor=mine,
        leave=pending,
        period=december,
        day=dec(18),
        shift_type=duty,
        post="duty_officer",
        substitute=colleague,
    )
    substitution = leave_services.substitution_file(
        actor=mine,
        person=concerned,
        period=december,
        day=dec(16),
        shift_type=duty,
        post="duty_officer",
        substitute=colleague,
        reason="出差",
    )
    rest = leave_services.rest_request_file(actor=mine, person=concerned, day=dec(10), days="0.5")
    rest_services.rest_take(actor=secretary, person=concerned, day=dec(9), days="0.5")
    done = swap_services.swap_request(
        actor=mine, duty=_duty_token(december, dec(14), duty, concerned), colleague=colleague
    )
    done = swap_services.swap_accept(actor=_user(colleague), swap=done)
    done = swap_services.swap_decide(actor=chief, swap=done, approve=True)
    accepted = swap_services.swap_request(
        actor=mine, duty=_duty_token(december, dec(23), duty, concerned), colleague=colleague
    )
    accepted = swap_services.swap_accept(actor=_user(colleague), swap=accepted)
    named = swap_services.swap_request(
        actor=mine, duty=_duty_token(december, dec(21), duty, concerned), colleague=colleague
    )
    on_board = swap_services.swap_request(actor=mine, duty=_duty_token(december, dec(29), duty, concerned))
    discipline_services.absence_record(
        actor=chief,
        person=concerned,
        day=dt.date(2026, 11, 10),
        shift_type=None,
        rule_id="LEAVE-05",
        subject_type="",
        subject_id=None,
    )
    assert (approved.status, pending.status, done.status, accepted.status) == (
        "approved",
        "pending",
        "done",
        "accepted",
    )
    duty_world = build_duty(p, december)
    carrier = build_secrecy(p, office)
    deliver_due(worker="matrix", limit=1000)  # the inbox channel turns the outbox into notifications
    notification = Notification.objects.filter(recipient=mine, read_at=None).order_by("-id").first()
    assert notification is not None
    ids = {name: person.public_id for name, person in p.items()}
    ids |= {
        "org": org.public_id,
        "office": office.public_id,
        "duty": duty.public_id,
        "december": december.public_id,
        "january": january.public_id,
        "run": run.public_id,
        "leave_pending": pending.public_id,
        "leave_approved": approved.public_id,
        "substitution": substitution.public_id,
        "rest_request": rest.public_id,
        "swap_named": named.public_id,
        "swap_accepted": accepted.public_id,
        "swap_done": done.public_id,
        "notification": notification.public_id,
        "duty_27": _duty_token(december, dec(27), duty, concerned),
        "concerned_number": concerned.employee_number,
        "day": "2026-12-07",
        "year": "2026",
        "pack": "bureau",
        **duty_world,
        "carrier": carrier.public_id,
    }
    world = World(people=p, ids=ids)
    # What the member never reads: other people's matters (the swap on the board excepted: it is offered to them),
    # the other department, the chief and the secretariat, the January draft (only 甲隐者 is on it), the run.
    hidden: list[Any] = [
        *LeaveRequest.objects.all(),
        *Substitution.objects.all(),
        *RestRequest.objects.all(),
        *SwapRequest.objects.exclude(pk=on_board.pk),
        *SwapDebt.objects.all(),
        *DisciplineRecord.objects.all(),
        *RestCredit.objects.all(),
        *RestTaking.objects.all(),
        *ApprovalStep.objects.all(),
        *Notification.objects.exclude(recipient=_user(p["member"])),
        *DutyShift.objects.all(),
        *LogEntry.objects.all(),
        *Incident.objects.all(),
        *SpotCheck.objects.all(),
        carrier,  # the member has no clearance
        run,
        finance,
        station_b,
    ]
    world.member_hidden = {row.public_id for row in hidden} | {finance.name, station_b.name, carrier.title}
    for key in ("head_b", "hidden_b", "chief", "secretary"):
        world.member_hidden |= {p[key].public_id, p[key].name, _user(p[key]).username}
    return world


def build_secrecy(p: dict[str, Person], office: Unit) -> Carrier:
    """A 机密 carrier received by 甲机要员, distributed to 甲办公室; 甲同事 is cleared for it, nobody else is."""
    secrecy_services.clearance_set(actor=_user(p["clerk"]), person=p["colleague"], level="secret")
    return secrecy_services.carrier_receive(
        actor=_user(p["clerk"]),
        unit=office,
        register_number="甲密〔2026〕1号",
        classification="secret",
        period_years=20,
        copy_number=1,
        issuing_body="市委办公室",
        issued_on=dec(1),
        received_on=dec(5),
        title="关于值班安排的通知",
        location="机要室1号柜",
        scope_units=[office],
    )


def build_duty(p: dict[str, Person], december: RosterPeriod) -> dict[str, str]:
    """The duty of 5 to 7 December: 甲财务员 on the 5th, 甲同事 on the 6th, 甲财务员 again on the 7th. The 5th handed
    over to the 6th, accepted (so the 5th can close); the 6th handed over to the 7th, not yet accepted; on the 7th at
    NOW 甲财务员 and the leader are checked in, a call is logged, a major incident raised and a presence challenge
    issued by the chief."""
    onduty, colleague = _user(p["onduty_b"]), _user(p["colleague"])
    all_ok = {"通讯设备正常": True, "值班室设施完好": True}
    with time_machine.travel(at(5, 9), tick=False):
        duty_shifts.prepare(dec(5), dec(8))
        shift = {s.date.day: s for s in DutyShift.objects.filter(unit=december.unit)}
        duty_services.check_in(actor=onduty, shift=shift[5])
        duty_services.checklist_fill(actor=onduty, shift=shift[5], answers=all_ok, notes={})
        first = duty_services.handover_write(actor=onduty, shift=shift[5], equipment="正常", open_issues=[])
    with time_machine.travel(at(6, 9), tick=False):
        duty_services.check_in(actor=colleague, shift=shift[6])
        duty_services.handover_accept(actor=colleague, handover=first)
        duty_services.checklist_fill(actor=colleague, shift=shift[6], answers=all_ok, notes={})
        duty_services.handover_write(actor=colleague, shift=shift[6], equipment="正常", open_issues=["待复电"])
    with time_machine.travel(NOW, tick=False):
        duty_services.check_in(actor=onduty, shift=shift[7])
        duty_services.check_in(actor=_user(p["leader"]), shift=shift[7])
        entry = duty_services.log_write(actor=onduty, shift=shift[7], kind="call", fields=CALL)
        incident = duty_incidents.incident_raise(actor=onduty, shift=shift[7], title="仓库着火", level="重大")
        check = duty_services.spot_check_issue(actor=_user(p["chief"]), shift=shift[7], person=p["onduty_b"])
    return {
        "shift_5": shift[5].public_id,
        "shift_7": shift[7].public_id,
        "log_entry": entry.public_id,
        "incident": incident.public_id,
        "spot_check": check.public_id,
    }


def build_b(world: World) -> None:
    """Organisation B: its manager (secretariat and department head) with a published roster, a duty on the 15th and
    a pending leave over their duty of the 17th, a colleague who could cover, and a chief who approves."""
    org = UnitFactory.create(name="乙公司", kind="organisation")
    policy_adopt(actor=None, organisation=org, pack_id="bureau")
    department = UnitFactory.create(name="乙业务部", parent=org)
    manager = _person(
        "yi_manager",
        "乙经理",
        department,
        (Role.SECRETARIAT, org),
        (Role.DEPARTMENT_HEAD, department),
        (Role.DUTY_OFFICER, org),
    )
    colleague = _person("yi_colleague", "乙同事", department, (Role.DUTY_OFFICER, org))
    _person("yi_chief", "乙总经理", org, (Role.DEPARTMENT_HEAD, org))
    (duty,) = roster_services.roster_setup_from_pack(actor=None, organisation=org)
    december = roster_services.period_open(actor=_user(manager), unit=org, start=dec(1), end=dec(31))
    for day in (15, 17):
        roster_services.assignment_set(
            actor=_user(manager), period=december, day=dec(day), shift_type=duty, post="duty_officer", people=[manager]
        )
    roster_services.period_publish(actor=_user(manager), period=december)
    leave = leave_services.leave_file(
        actor=_user(manager), person=manager, kind="personal", starts_at=at(17, 0), ends_at=at(18, 23), reason="看病"
    )
    world.people |= {"outsider": manager, "b_colleague": colleague}
    world.ids |= {
        "outsider": manager.public_id,
        "b_colleague": colleague.public_id,
        "b_department": department.public_id,
        "b_december": december.public_id,
        "b_duty": duty.public_id,
        "b_leave": leave.public_id,
        "b_token": _duty_token(december, dec(15), duty, manager),
    }


def names_of(people: list[Person], units: list[Unit]) -> set[str]:
    return {p.name for p in people} | {_user(p).username for p in people if p.user} | {u.name for u in units}


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    test_settings = override_settings(
        AUDIT_HMAC_KEY="test-audit-key",
        AUDIT_CHECKPOINT_PATH=tmp_path_factory.mktemp("audit") / "audit-checkpoint.json",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock(), test_settings, transaction.atomic():
        with time_machine.travel(BUILD, tick=False):
            calendar_seed(actor=None, years=[2026])
            existing = all_public_ids()
            built = build_a()
            built.a_ids = all_public_ids() - existing
            built.a_names = names_of(list(Person.objects.all()), list(Unit.objects.all()))
            built.a_people = set(Person.objects.values_list("pk", flat=True))
            build_b(built)
            built.b_ids = all_public_ids() - existing - built.a_ids
            built.b_names = names_of(list(Person.objects.all()), list(Unit.objects.all())) - built.a_names
            built.member_hidden |= built.b_ids | built.b_names
            for name, person in built.people.items():
                _token, built.tokens[name] = account_services.access_token_create(
                    actor=None, user=_user(person), name="matrix", second_factor_passed=True
                )
        words = sorted(built.a_names | built.b_names)
        clashes = [(a, b) for a in words for b in words if a != b and a in b]
        assert not clashes, f"a name inside another makes the search for leaks ambiguous: {clashes}"
        yield built
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _on_the_probe_day() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


# ------------------------------------------------------------------------------------------------ calling


def path_template(operation: Operation) -> str | None:
    """The PATH_OBJECTS template that fills the operation's path parameters (None: no template covers them)."""
    matches = [t for t in PATH_OBJECTS if operation.path == t or operation.path.startswith(t + "/")]
    if not matches:
        return None
    template = max(matches, key=len)
    return template if set(re.findall(r"\{(\w+)\}", template)) == set(operation.path_params) else None


def body_of(case: Case) -> Body | None:
    if case.probe is not None:
        return case.probe.body
    base = BODIES.get(case.operation.key)
    if base is not None and case.variant == OWN_BEHALF:
        return lambda w: {k: v for k, v in base(w).items() if k != "person"}
    return base


@dataclass(frozen=True)
class Call:
    url: str
    body: Any  # a JSON-able value, the CSV text of an import, or None

    def text(self) -> str:
        """Everything the caller sent, to tell what a refusal may echo."""
        return self.url + (self.body if isinstance(self.body, str) else json.dumps(self.body, ensure_ascii=False))

    def replaced(self, old: str, new: str) -> Call:
        if isinstance(self.body, str):
            return Call(self.url.replace(old, new), self.body.replace(old, new))
        return Call(self.url.replace(old, new), json.loads(json.dumps(self.body).replace(old, new)))


def prepare(case: Case, world: World, body: Body | None = None) -> Call:
    operation = case.operation
    url = operation.path
    if operation.path_params:
        template = path_template(operation)
        if template is None:
            pytest.fail(f"{operation.key}: no object of A's fills its path; add its template to PATH_OBJECTS")
        name = case.probe.path if case.probe and case.probe.path else PATH_OBJECTS[template]
        url = re.sub(r"\{\w+\}", world.ids[name], url)
    query = {p: QUERY_VALUES[(p, kind)] for p, kind in operation.query.items() if (p, kind) in QUERY_VALUES}
    if query:
        url += "?" + urlencode(query)
    body = body or body_of(case)
    if operation.body is not None and body is None:
        pytest.fail(f"{operation.key} takes a body: add a plausible one to BODIES")
    return Call(url, body(world) if body is not None else None)


def send(operation: Operation, call: Call, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    client = Client()
    if operation.body == "multipart":
        upload = SimpleUploadedFile("people.csv", call.body.encode(), content_type="text/csv")
        return client.post(call.url, {"file": upload}, headers=headers)
    if call.body is None:
        return client.generic(operation.method.upper(), call.url, headers=headers)
    return client.generic(
        operation.method.upper(), call.url, json.dumps(call.body), content_type="application/json", headers=headers
    )


def shown(response: Any) -> str:
    """The answer as text, with Chinese unescaped so that names can be searched."""
    try:
        return json.dumps(json.loads(response.content), ensure_ascii=False)
    except ValueError:
        return str(response.content.decode(errors="replace"))


def mentioned(text: str, words: set[str]) -> list[str]:
    return sorted(w for w in words if w in text)


def _by_status(model: type[Model]) -> list[tuple[str, int]]:
    return sorted(model._default_manager.values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def state() -> dict[str, Any]:
    """The audit trail and the main tables: what a refused call or a read must leave as it was."""
    return {
        "audit events": AuditEvent.objects.count(),
        "people": list(
            Person.objects.order_by("pk").values_list(
                "pk", "employee_number", "name", "unit", "kind", "grade", "title", "mobile", "email", "is_active"
            )
        ),
        "units": Unit.objects.count(),
        "roles": sorted(RoleAssignment.objects.values_list("person", "role", "unit")),
        "leave": _by_status(LeaveRequest),
        "leave returned": LeaveRequest.objects.exclude(returned_at=None).count(),
        "covers": sorted(LeaveCover.objects.values_list("leave", "day", "substitute")),
        "substitutions": _by_status(Substitution),
        "rest requests": _by_status(RestRequest),
        "swaps": _by_status(SwapRequest),
        "debts": _by_status(SwapDebt),
        "approval steps": _by_status(ApprovalStep),
        "periods": _by_status(RosterPeriod),
        "roster versions": RosterVersion.objects.count(),
        "assignments": Assignment.objects.count(),
        "rest taken": RestTaking.objects.count(),
        "credits taken": RestCredit.objects.aggregate(taken=Sum("taken"))["taken"],
        "discipline records": DisciplineRecord.objects.count(),
        "runs": sorted(GenerationRun.objects.values_list("status", "stop_requested")),
        "notifications": Notification.objects.count(),
        "unread": Notification.objects.filter(read_at=None).count(),
        "outbox": OutboxMessage.objects.count(),
        "jobs": Job.objects.count(),
        "policy versions": PolicyVersion.objects.count(),
        "carriers": sorted(Carrier.objects.values_list("pk", "holder", "status", "location")),
        "custody moves": CustodyMove.objects.count(),
        "clearances": sorted(Clearance.objects.values_list("person", "level")),
    }


# ------------------------------------------------------------------------------------------------ the tests


def test_every_operation_has_what_the_matrix_needs() -> None:
    """A new operation fails here first, naming what to add: the object for its path, its body, who may call it,
    and — for a write — what it is to the person concerned."""
    missing = []
    for case in CASES:
        operation = case.operation
        if operation.path_params and path_template(operation) is None:
            missing.append(f"{case.key}: PATH_OBJECTS")
        if operation.body is not None and body_of(case) is None:
            missing.append(f"{case.key}: BODIES")
        if operation.writes and case.probe is None:
            if case.lookup(AUTHORIZED) is None:
                missing.append(f"{case.key}: AUTHORIZED")
            if sum(case.lookup(table) is not None for table in (OWN_DECISIONS, OWN_ACTS, NOT_OWN)) != 1:
                missing.append(f"{case.key}: one of OWN_DECISIONS, OWN_ACTS, NOT_OWN")
    assert not missing, "operations the matrix cannot judge yet:\n" + "\n".join(missing)
    keys = {case.key for case in CASES} | set(BY_KEY)
    tables = (BODIES, AUTHORIZED, OWN_DECISIONS, OWN_ACTS, NOT_OWN, MEMBER_MAY, OUTSIDER_MAY, PROBE_AUTHORIZED)
    stale = [key for table in tables for key in table if key not in keys]
    stale += [key for key, _actor in KNOWN_LEAKS if key not in keys]
    assert not stale, f"entries for operations the API no longer has: {stale}"
    assert len(OPERATIONS) >= 60


def _authorized(case: Case) -> tuple[str, Body | None]:
    if case.probe is not None:
        return PROBE_AUTHORIZED.get(case.key, case.probe.actor), case.probe.authorized_body
    if case.variant == OWN_BEHALF:
        return "concerned", None
    return case.lookup(AUTHORIZED) or "chief", None


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.key)
def test_an_authorized_caller_succeeds(world: World, case: Case) -> None:
    """The objects and the bodies are right: someone who may do it succeeds, so the matrix's refusals are refusals of
    the caller and not of the request."""
    actor, body = _authorized(case)
    response = send(case.operation, prepare(case, world, body), world.tokens[actor])
    assert 200 <= response.status_code < 300, f"{case.key} as {actor}: {response.status_code} {shown(response)}"


def _matrix() -> Iterator[Any]:
    for case in CASES:
        for actor in case.actors:
            known = KNOWN_LEAKS.get((case.key, actor))
            marks = [pytest.mark.xfail(strict=True, reason=known)] if known else []
            yield pytest.param(case, actor, marks=marks, id=f"{case.key} | {actor}")


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "actor"), list(_matrix()))
def test_matrix(world: World, case: Case, actor: str) -> None:
    operation = case.operation
    call = prepare(case, world)
    before = state()
    response = send(operation, call, world.tokens.get(actor))
    status, text = response.status_code, shown(response)
    after = state()
    what = f"{case.key} as {actor} answered {status}: {text[:400]}"
    assert status < 500, what
    ok = 200 <= status < 300

    if actor == "anonymous":
        assert status == 401, what
        assert after == before, what

    elif actor == "outsider":
        allowed = operation.writes and case.key in OUTSIDER_MAY
        if ok:
            assert allowed or not operation.writes, f"a write by another organisation succeeded: {what}"
            assert not mentioned(text, world.a_ids | world.a_names), f"A's data shown to B: {what}"
        else:
            assert status in REFUSED, what
            told = [w for w in mentioned(text, world.a_ids | world.a_names) if w not in call.text()]
            assert not told, f"B's refusal names {told}, of A's: {what}"
            unknown = call
            for public_id in mentioned(call.text(), world.a_ids):
                unknown = unknown.replaced(public_id, public_id.split("_", 1)[0] + "_nosuchobject00")
            if unknown != call:
                other = send(operation, unknown, world.tokens[actor])
                assert other.status_code == status, (
                    f"{case.key}: B names A's object and gets {status}, an object that does not exist "
                    f"{other.status_code} — B learns that A's exists ({text[:200]} / {shown(other)[:200]})"
                )
        if allowed and ok:
            assert _a_people(world, after) == _a_people(world, before), f"A's people changed: {what}"
        else:
            assert after == before, what

    elif actor == "member":
        allowed = operation.writes and case.key in MEMBER_MAY
        leaked = [w for w in mentioned(text, world.member_hidden) if w not in call.text()]
        if ok:
            assert allowed or not operation.writes, f"a member without a role did someone else's matter: {what}"
        else:
            assert status in REFUSED, what
        assert not leaked, f"the member reads {leaked}: {what}"
        if not (allowed and ok):
            assert after == before, what

    else:
        assert actor == "concerned"
        assert not mentioned(text, world.b_ids | world.b_names), f"B's data shown to A: {what}"
        if case.lookup(OWN_DECISIONS) is not None:
            assert status in (403, 422), f"a decision on one's own matter was not refused: {what}"
            assert after == before, what
        elif not operation.writes:
            assert after == before, what


def _a_people(world: World, snapshot: dict[str, Any]) -> list[Any]:
    return [row for row in snapshot["people"] if row[0] in world.a_people]
