"""Queries per roster write (issue 11): one cell edit — the service inside an operation after what the cell
editor's view reads, and the whole request through the page — and `draft_fill` of 30 and of 300 cells.

Runs on a fresh SQLite file in a child process (the counts are the statements Django sends; the transaction's own —
BEGIN, SAVEPOINT, RELEASE, COMMIT — are left out) and writes `bench/results/queries.json` and `.md` with the machine
noted. `python -c 'from bench import queries; queries.main()'`.
"""

from __future__ import annotations

import json

from bench.child import run_child
from bench.foundation import RESULTS, machine

CHILD = r"""
import datetime as dt, json, time
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
call_command("migrate", verbosity=0)
from zhiban.accounts.models import User
from zhiban.core import clock, operations
from zhiban.org import services as org
from zhiban.org.models import Person, Role
from zhiban.roster import selectors, services
from zhiban.roster.models import ShiftType

TRANSACTION = ("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")


def counted(captured):
    return sum(not q["sql"].lstrip().startswith(TRANSACTION) for q in captured.captured_queries)


top = org.unit_create(actor=None, name="基准局", kind="organisation", policy_pack="bureau")
office = org.unit_create(actor=None, name="办公室", kind="department", parent=top)


def person(number, name, unit, role=None, username=None):
    found = org.person_create(actor=None, unit=unit, employee_number=f"Q{number:04d}", name=name, kind="staff")
    if username:
        found.user = User.objects.create(username=username)
        found.save(update_fields=["user"])
    if role:
        org.role_assign(actor=None, person=found, role=role, unit=unit)
    return found


secretary = person(1, "秘书", top, Role.SECRETARIAT, username="secretary")
leader = person(2, "带班领导", top, Role.DUTY_LEADER)
driver = person(3, "司机", top, Role.STANDBY_DRIVER)
staff = [person(10 + n, f"值班员{n}", office) for n in range(12)]
(duty,) = services.roster_setup_from_pack(actor=None, organisation=top)
shifts = [duty]
for number in range(2, 5):  # copies of the duty shift, so one month holds more than 300 cells
    copy = ShiftType.objects.get(pk=duty.pk)
    copy.pk, copy.public_id, copy.code, copy.sort_order = None, f"sht_bench{number}", f"duty{number}", number
    copy.save()
    shifts.append(copy)
today = clock.today()
first = (today.replace(day=1) + dt.timedelta(days=40)).replace(day=1)
last = (first + dt.timedelta(days=40)).replace(day=1) - dt.timedelta(days=1)
period = services.period_open(actor=None, unit=top, start=first, end=last)
user = secretary.user
out = {"database": connection.vendor}

services.assignment_set(actor=user, period=period, day=first + dt.timedelta(days=9), shift_type=duty,
                        post="duty_officer", people=[staff[0]])  # the draft exists
day = first + dt.timedelta(days=2)
with operations.operation():
    found = selectors.period_get(user=user, public_id=period.public_id)
    assert selectors.can_schedule(user, found.unit)  # what the view reads first
    with CaptureQueriesContext(connection) as captured:
        services.cell_change(actor=user, period=found, day=day, shift_type=duty, post="duty_officer",
                             people=[staff[1]])
out["cell_edit_service_in_request"] = counted(captured)
with operations.operation(), CaptureQueriesContext(connection) as captured:
    services.cell_change(actor=user, period=period, day=day + dt.timedelta(days=1), shift_type=duty,
                         post="duty_officer", people=[staff[2]])
out["cell_edit_service_alone"] = counted(captured)

client = Client()
client.force_login(user)
device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
session = client.session
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.save()
with CaptureQueriesContext(connection) as captured:
    response = client.post(f"/roster/{period.public_id}/cell/", {
        "date": (day + dt.timedelta(days=4)).isoformat(), "shift": duty.public_id, "post": "duty_officer",
        "people": [staff[3].public_id]})
assert response.status_code == 302, response.status_code
out["cell_edit_page_request"] = counted(captured)


def cells(count):
    found, day = [], first
    while len(found) < count:
        for shift in shifts:
            found += [(day, shift, "duty_leader", [leader]), (day, shift, "duty_officer", [staff[len(found) % 12]]),
                      (day, shift, "standby_driver", [driver])]
        day += dt.timedelta(days=1)
    return found[:count]


for size in (30, 300):
    given = cells(size)
    services.draft_fill(actor=user, period=period, cells=given, whole=True)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        done = services.draft_fill(actor=user, period=period, cells=given, whole=True)
        elapsed = time.perf_counter() - started
    assert done.written == size and not done.refused
    out[f"draft_fill_{size}_cells_queries"] = counted(captured)
    out[f"draft_fill_{size}_cells_ms"] = round(elapsed * 1000, 1)
print(json.dumps(out))
"""

# Measured the same way on da65af6, the commit before issue 11's work (the service was `assignment_set`, the page
# decided edit or correction itself).
BEFORE = {
    "cell_edit_service_in_request": 14,
    "cell_edit_service_alone": 14,
    "cell_edit_page_request": 28,
    "draft_fill_30_cells_queries": 460,
    "draft_fill_300_cells_queries": 4462,
}


def main() -> None:
    run = run_child(CHILD)
    report = {"benchmark": "queries", "machine": machine(), "runs": [run], "before": BEFORE}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "queries.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Queries per roster write",
        "",
        f"Machine: {report['machine']}.",
        "Command: `make bench` (`python -c 'from bench import queries; queries.main()'`).",
        "Statements that read or write rows (the transaction's own left out), on SQLite. `before`: the same",
        "scenario on da65af6, before issue 11, measured in a pytest harness (there `draft_fill` cost 200 for 30",
        "cells and 1910 for 300 inside an operation; the counts here are outside one, as a command or test calls",
        "it). `in_request`: after what the cell editor's view reads (the user's roles); `alone`: a fresh operation.",
        "",
        "| measure | before | now |",
        "|---|---|---|",
        *[f"| {k} | {BEFORE.get(k, '')} | {v} |" for k, v in run.items() if k != "database"],
        "",
    ]
    (RESULTS / "queries.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
