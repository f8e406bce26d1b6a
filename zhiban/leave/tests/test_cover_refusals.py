"""Every refusal of a cover (请假顶班) or a substitute (顶替) cites its rule through the engine, on the page and in the
API: ORG-03 for an outsider, ROS-01 `one_post` for someone on duty at that time, ROS-01 `min_rest` for someone with
too little rest, ROS-01 `qualification` for a post's role not held. What no rule of the pack forbids (someone on
leave that day) is refused in words, naming the reason, never with a generic "invalid"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from zhiban.accounts.tests.clients import client_for
from zhiban.core.models import AuditEvent
from zhiban.leave import services
from zhiban.leave.models import LeaveCover, LeaveRequest, Substitution
from zhiban.policy import services as policy_services
from zhiban.policy.errors import RuleViolationError
from zhiban.policy.models import Policy
from zhiban.roster import services as roster_services
from zhiban.roster import unavailability

from .conftest import DAY, local
from .test_api_and_views import bearer

ORG_03_LINE = "ORG-03 外单位人员、保安等不得担任值班人员 (bureau · P1 二 · 策略版本 1)"


@pytest.fixture
def leave(roster_org: dict[str, Any], published: Any) -> LeaveRequest:
    return services.leave_file(
        actor=roster_org["staff_a"].user,
        person=roster_org["staff_a"],
        kind="personal",
        starts_at=local(2026, 12, 7, 8),
        ends_at=local(2026, 12, 7, 23),
        reason="家中有事",
    )


def choose(tree: dict[str, Any], leave: LeaveRequest, period: Any, substitute: Any, post: str = "duty_officer") -> Any:
    return services.cover_choose(
        actor=tree["staff_a"].user,
        leave=leave,
        period=period,
        day=DAY,
        shift_type=tree["duty"],
        post=post,
        substitute=substitute,
    )


def test_org_03_a_guard_as_cover_is_refused_citing_org_03_and_nothing_changes(
    roster_org: dict, published: Any, leave: LeaveRequest
) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolationError) as refused:
        choose(roster_org, leave, published, roster_org["guard"])
    assert refused.value.codes == ["ORG-03.outsider_never_on_duty"]
    (message,) = refused.value.message_dict["substitute"]
    assert message == f"{ORG_03_LINE}: guard（保安）不得担任顶替值班人员"
    assert (LeaveCover.objects.count(), AuditEvent.objects.count()) == (0, events)


def test_org_03_someone_of_another_organisation_as_substitute_is_refused_citing_org_03(
    roster_org: dict, published: Any
) -> None:
    with pytest.raises(RuleViolationError) as refused:
        services.substitution_file(
            actor=roster_org["staff_a"].user,
            person=roster_org["staff_a"],
            period=published,
            day=DAY,
            shift_type=roster_org["duty"],
            post="duty_officer",
            substitute=roster_org["outsider"],
            reason="出差",
        )
    assert refused.value.codes == ["ORG-03.outsider_never_on_duty"]
    assert refused.value.findings[0].finding.details["duty_organisation"] == roster_org["org"].public_id
    assert Substitution.objects.count() == 0


def test_ros_01_someone_on_duty_at_that_time_is_refused_citing_one_post(
    roster_org: dict, published: Any, leave: LeaveRequest
) -> None:
    with pytest.raises(RuleViolationError) as refused:
        choose(roster_org, leave, published, roster_org["leader"])  # the leader on duty that day
    assert refused.value.codes == ["ROS-01.one_post"]
    assert refused.value.findings[0].citation.pack_id == "bureau"
    assert "leader已是2026-12-07值班（坐班+电话值班）的带班领导" in refused.value.messages[0]


def test_ros_01_qualification_a_cover_of_the_leader_post_must_hold_the_role(
    roster_org: dict, published: Any, colleague: Any
) -> None:
    leave = services.leave_file(
        actor=roster_org["leader"].user,
        person=roster_org["leader"],
        kind="personal",
        starts_at=local(2026, 12, 7, 8),
        ends_at=local(2026, 12, 7, 23),
        reason="家中有事",
    )
    with pytest.raises(RuleViolationError) as refused:
        services.cover_choose(
            actor=roster_org["leader"].user,
            leave=leave,
            period=published,
            day=DAY,
            shift_type=roster_org["duty"],
            post="duty_leader",
            substitute=colleague,
        )
    assert refused.value.codes == ["ROS-01.qualification"]


def _colleague_on_duty_the_day_before(tree: dict, period: Any, colleague: Any) -> None:
    """colleague's duty on 6 December runs 09:00 to 09:00 on the 7th, when the duty to cover starts."""
    roster_services.roster_correct(
        actor=None,
        period=period,
        day=DAY - dt.timedelta(days=1),
        shift_type=tree["duty"],
        post="duty_officer",
        people=[colleague],
        reason="调整",
    )


def test_ros_01_min_rest_a_cover_right_after_their_own_duty_passes_at_the_limit_and_is_refused_a_minute_past(
    roster_org: dict, published: Any, leave: LeaveRequest, colleague: Any
) -> None:
    _colleague_on_duty_the_day_before(roster_org, published, colleague)
    live = Policy.objects.get(unit=roster_org["org"])
    policy_services.policy_parameter_override(
        actor=None, policy=live, rule_id="ROS-01", parameter="min_rest", value="1m"
    )
    with pytest.raises(RuleViolationError) as refused:
        choose(roster_org, leave, published, colleague)  # no rest at all between the two: less than a minute
    assert refused.value.codes == ["ROS-01.min_rest"]
    assert refused.value.findings[0].citation.policy_version == 2
    assert LeaveCover.objects.count() == 0
    policy_services.policy_parameter_reset(actor=None, policy=live, rule_id="ROS-01", parameter="min_rest")
    assert choose(roster_org, leave, published, colleague).substitute == colleague  # bureau: no rest required


def test_a_cover_on_leave_that_day_is_refused_naming_the_leave(
    roster_org: dict, published: Any, leave: LeaveRequest, colleague: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def away(person_ids: Any, start: dt.date, end: dt.date) -> dict[int, set[dt.date]]:
        return {colleague.pk: {DAY}}

    monkeypatch.setattr(unavailability, "_PROVIDERS", [away])
    with pytest.raises(ValidationError) as refused:
        choose(roster_org, leave, published, colleague)
    assert not isinstance(refused.value, RuleViolationError)
    assert refused.value.message_dict == {
        "substitute": [
            f"colleague不能顶替{DAY:%Y-%m-%d} 值班（坐班+电话值班） 值班人员：colleague2026-12-07请假，不能值班"
        ]
    }


def test_org_03_the_api_answers_422_with_the_rule_and_its_citation(
    roster_org: dict, published: Any, leave: LeaveRequest
) -> None:
    response = Client().post(
        f"/api/v1/leave/requests/{leave.public_id}/covers",
        {
            "period": published.public_id,
            "day": DAY.isoformat(),
            "shift_type": roster_org["duty"].public_id,
            "post": "duty_officer",
            "substitute": roster_org["guard"].public_id,
        },
        content_type="application/json",
        headers=bearer(roster_org["staff_a"]),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "rule_violation"
    (violation,) = body["violations"]
    assert violation["code"] == "ORG-03.outsider_never_on_duty"
    assert (
        violation["citation"]["pack"],
        violation["citation"]["clause"],
        violation["citation"]["policy_version"],
    ) == (
        "bureau",
        "二",
        1,
    )
    assert LeaveCover.objects.count() == 0


def test_org_03_the_page_shows_the_rule_of_the_refusal(roster_org: dict, published: Any, leave: LeaveRequest) -> None:
    client = client_for(roster_org["staff_a"])
    response = client.post(
        f"/leave/{leave.public_id}/cover/",
        {
            "period": published.public_id,
            "day": DAY.isoformat(),
            "shift_type": roster_org["duty"].public_id,
            "post": "duty_officer",
            "substitute": roster_org["guard"].public_id,
        },
        follow=True,
    )
    assert ORG_03_LINE in response.content.decode()
    assert LeaveCover.objects.count() == 0
