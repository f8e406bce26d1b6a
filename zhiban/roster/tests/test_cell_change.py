"""The edit-or-correct decision (ROS-03 change_only_by_request) is one service, `cell_change`, used by the cell
editor's page and its API: a period published with no draft is corrected (a reason, a new version at once), any
other change edits the draft."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from zhiban.accounts import services as account_services
from zhiban.accounts.tests.clients import verified_client
from zhiban.notify.models import OutboxMessage
from zhiban.policy.errors import RuleViolationError
from zhiban.roster import selectors, services
from zhiban.roster.models import Assignment, RosterPeriod, RosterVersion
from zhiban.roster.tests.conftest import fill_day

pytestmark = pytest.mark.django_db

DEC_3 = dt.date(2026, 12, 3)


def _published(tree: dict[str, Any], period: RosterPeriod) -> RosterPeriod:
    fill_day(tree, period, DEC_3)
    services.period_publish(actor=tree["secretary"].user, period=period)
    return RosterPeriod.objects.get(pk=period.pk)


def _change(tree: dict[str, Any], period: RosterPeriod, person: Any, reason: str = "") -> RosterVersion:
    return services.cell_change(
        actor=tree["secretary"].user,
        period=period,
        day=DEC_3,
        shift_type=tree["duty"],
        post="duty_officer",
        people=[person],
        reason=reason,
    )


def test_ros_03_an_open_or_drafted_period_is_edited(roster_org: dict[str, Any], period: RosterPeriod) -> None:
    assert not services.corrects_published(period, selectors.draft_of(period))
    draft = _change(roster_org, period, roster_org["staff_a"])
    assert draft.is_draft
    period.refresh_from_db()
    assert period.status == RosterPeriod.Status.DRAFT
    assert not services.corrects_published(period, selectors.draft_of(period))
    again = _change(roster_org, period, roster_org["staff_b"])
    assert again.pk == draft.pk
    assert [a.person for a in Assignment.objects.filter(version=draft, date=DEC_3)] == [roster_org["staff_b"]]


def test_ros_03_a_published_period_without_a_draft_is_corrected_with_a_reason(
    roster_org: dict[str, Any], period: RosterPeriod
) -> None:
    period = _published(roster_org, period)
    assert services.corrects_published(period, selectors.draft_of(period))
    with pytest.raises(RuleViolationError) as refused:  # a correction needs its reason
        _change(roster_org, period, roster_org["head_a"])
    assert refused.value.codes == ["ROS-03.change_only_by_request"]
    version = _change(roster_org, period, roster_org["head_a"], reason="staff_a 出差")
    assert (version.number, version.is_draft, version.note) == (2, False, "staff_a 出差")
    assert OutboxMessage.objects.filter(recipient=roster_org["head_a"].user, subject__contains="第2版").exists()
    period.refresh_from_db()
    assert period.published_version == version
    assert selectors.draft_of(period) is None


def test_a_draft_beside_the_published_version_is_edited_not_corrected(
    roster_org: dict[str, Any], period: RosterPeriod
) -> None:
    period = _published(roster_org, period)
    draft = RosterVersion.objects.create(period=period, number=0)  # as a period without ROS-03 may hold
    assert not services.corrects_published(period, draft)
    locked, found = services.locked_with_draft(period)
    assert (locked.pk, found) == (period.pk, draft)


def test_the_lock_never_takes_the_published_version_for_a_draft(
    roster_org: dict[str, Any], period: RosterPeriod
) -> None:
    period = _published(roster_org, period)
    locked, draft = services.locked_with_draft(period)
    assert draft is None
    assert locked.published_version_id == period.published_version_id


def test_the_page_and_the_api_both_leave_the_decision_to_the_service(
    roster_org: dict[str, Any], period: RosterPeriod, monkeypatch: pytest.MonkeyPatch
) -> None:
    period = _published(roster_org, period)
    asked: list[dict[str, Any]] = []
    change = services.cell_change

    def spy(**kwargs: Any) -> Any:
        asked.append(kwargs)
        return change(**kwargs)

    monkeypatch.setattr(services, "cell_change", spy)
    secretary = roster_org["secretary"]
    page = verified_client(secretary.user).post(
        f"/roster/{period.public_id}/cell/",
        {
            "date": DEC_3.isoformat(),
            "shift": roster_org["duty"].public_id,
            "post": "duty_officer",
            "people": [roster_org["head_a"].public_id],
            "reason": "病假",
        },
    )
    assert page.status_code == 302
    _token, plain = account_services.access_token_create(
        actor=None, user=secretary.user, name="test", second_factor_passed=True
    )
    api = Client().post(
        f"/api/v1/roster/periods/{period.public_id}/cells",
        {
            "date": DEC_3.isoformat(),
            "shift": "duty",
            "post": "duty_officer",
            "people": [roster_org["staff_b"].public_id],
            "reason": "调整",
        },
        content_type="application/json",
        headers={"Authorization": f"Bearer {plain}"},
    )
    assert api.status_code == 200, api.content
    assert [call["reason"] for call in asked] == ["病假", "调整"]
    period.refresh_from_db()
    assert period.published_version is not None
    assert period.published_version.number == 3  # both corrected the published roster
