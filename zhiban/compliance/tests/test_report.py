"""The monthly compliance report: refusals and overridden warnings per rule (with reasons), deadlines, swaps,
leave by type and absences — counted from what the modules recorded, shown only to those who review the unit."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zhiban.accounts import services as account_services
from zhiban.accounts.tests.clients import client_for, verified_client
from zhiban.compliance import report as compliance_report
from zhiban.discipline import services as discipline_services
from zhiban.leave import services as leave_services
from zhiban.leave.tests.test_services import choose, file_leave
from zhiban.policy import compliance
from zhiban.policy.errors import RuleViolationError
from zhiban.roster import duty_changes

DECEMBER = dt.date(2026, 12, 1)
NOVEMBER = dt.date(2026, 11, 1)  # the fixtures' clock: rules refused and warnings overridden happen now


@pytest.fixture
def month_of_events(roster_org: dict[str, Any], published: Any, colleague: Any) -> dict[str, Any]:
    tree = roster_org
    # two refusals by the rule engine, recorded though the changes rolled back
    move = duty_changes.DutyMove(
        published, dt.date(2026, 12, 7), tree["duty"], "duty_officer", tree["staff_a"], tree["guard"]
    )
    for _ in range(2):
        with compliance.collecting(tree["secretary"].user.pk), pytest.raises(RuleViolationError):
            duty_changes.duties_move(actor=None, moves=[move], channel="leave", reason="")
    # approved leave with a cover
    leave = file_leave(tree)
    choose(tree, leave, published, colleague)
    leave_services.leave_decide(actor=tree["head_a"].user, leave=leave, approve=True, comment="同意")
    # an absence with a half share
    discipline_services.absence_record(
        actor=None,
        person=tree["staff_b"],
        day=dt.date(2026, 12, 8),
        shift_type=tree["duty"],
        rule_id="SWAP-05",
        subject_type="",
        subject_id=None,
        share=Decimal("0.5"),
        note="交代不清",
    )
    return tree


def test_report_counts_refusals_overrides_leave_and_absences(month_of_events: dict[str, Any]) -> None:
    tree = month_of_events
    november = compliance_report.build(tree["org"], NOVEMBER)
    by_rule = {line.rule_id: line for line in november.rules}
    assert (by_rule["ORG-03"].blocked, by_rule["ORG-03"].overridden) == (2, 0)
    assert "外单位" in by_rule["ORG-03"].title
    # the roster was published out of turn without a note: ROS-02 warnings overridden, reason marked missing
    assert by_rule["ROS-02"].blocked == 0
    assert by_rule["ROS-02"].overridden >= 1
    assert by_rule["ROS-02"].reasons[0][0] == "发布时未说明理由"
    assert november.deadlines.rosters_on_time == 1
    assert november.deadlines.rosters_late == 0
    assert november.deadlines.approvals_in_time == 1
    assert november.leave == []  # the leave starts in December
    december = compliance_report.build(tree["org"], DECEMBER)
    assert december.rules == []
    assert [(days, count) for _, days, count in december.leave] == [(Decimal("1.0"), 1)]
    assert december.absences == [("staff_b", Decimal("0.50"))]


def test_report_of_a_department_counts_only_its_people(month_of_events: dict[str, Any]) -> None:
    tree = month_of_events
    dept_b = compliance_report.build(tree["dept_b"], DECEMBER)
    assert dept_b.absences == [("staff_b", Decimal("0.50"))]
    assert dept_b.leave == []
    dept_a = compliance_report.build(tree["dept_a"], DECEMBER)
    assert dept_a.absences == []
    assert len(dept_a.leave) == 1


def test_page_xlsx_and_api_for_the_secretariat(month_of_events: dict[str, Any]) -> None:
    tree = month_of_events
    client = verified_client(tree["secretary"].user)
    url = reverse("compliance:monthly", args=[tree["org"].public_id]) + "?month=2026-11"
    page = client.get(url).content.decode()
    assert "2026年11月合规月报" in page
    assert 'id="compliance-chart"' in page
    assert "ORG-03" in page
    book = load_workbook(
        io.BytesIO(
            client.get(reverse("compliance:monthly_xlsx", args=[tree["org"].public_id]) + "?month=2026-11").content
        )
    )
    rules = book["规则执行"]
    rows = {row[0]: row for row in rules.iter_rows(min_row=3, values_only=True)}
    assert rows["ORG-03"][2] == 2
    _token, plain = account_services.access_token_create(
        actor=None, user=tree["secretary"].user, name="t", second_factor_passed=True
    )
    body = (
        Client()
        .get(f"/api/v1/compliance/{tree['org'].public_id}?month=2026-11", headers={"Authorization": f"Bearer {plain}"})
        .json()
    )
    assert {line["rule_id"]: line["blocked"] for line in body["rules"]}["ORG-03"] == 2
    bad = Client().get(
        f"/api/v1/compliance/{tree['org'].public_id}?month=12-2026", headers={"Authorization": f"Bearer {plain}"}
    )
    assert bad.status_code == 422
    assert "month" in bad.content.decode()


@pytest.mark.parametrize("who", ["staff_a", "staff_b", "guard"])
def test_people_who_do_not_review_the_unit_get_nothing(month_of_events: dict[str, Any], who: str) -> None:
    tree = month_of_events
    client = client_for(tree[who])
    assert client.get(reverse("compliance:monthly", args=[tree["org"].public_id])).status_code == 404
    assert client.get(reverse("compliance:monthly_xlsx", args=[tree["org"].public_id])).status_code == 404
    assert tree["org"].name not in client.get(reverse("compliance:unit_list")).content.decode()
    _token, plain = account_services.access_token_create(
        actor=None, user=tree[who].user, name="t", second_factor_passed=True
    )
    api = Client().get(f"/api/v1/compliance/{tree['org'].public_id}", headers={"Authorization": f"Bearer {plain}"})
    assert api.status_code == 404


def test_a_department_head_reviews_their_department_only(month_of_events: dict[str, Any]) -> None:
    tree = month_of_events
    client = client_for(tree["head_a"])
    assert client.get(reverse("compliance:monthly", args=[tree["dept_a"].public_id])).status_code == 200
    assert client.get(reverse("compliance:monthly", args=[tree["dept_b"].public_id])).status_code == 404
