"""Live policies: adopting, overriding and resetting make new immutable versions, each audited once;
the engine applies the organisation's live policy and cites its version."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiban.core.models import AuditEvent
from zhiban.org.tests.factories import UnitFactory
from zhiban.policy import selectors, services
from zhiban.policy.errors import RuleViolationError
from zhiban.policy.models import ImmutableVersionError, Policy, PolicyVersion
from zhiban.policy.rules.org_01 import UnitPlacement
from zhiban.policy.rules.org_03 import DutyCandidate

pytestmark = pytest.mark.django_db

GUARD = DutyCandidate(person_name="王五", person_kind="guard", capacity="substitute")


def state() -> tuple[int, int, int]:
    return Policy.objects.count(), PolicyVersion.objects.count(), AuditEvent.objects.count()


def test_adopt_makes_version_one_and_one_audit_event() -> None:
    org = UnitFactory.create(name="新单位", kind="organisation")
    before = AuditEvent.objects.count()
    policy = services.policy_adopt(actor=None, organisation=org, pack_id="service-center", note="成立")
    assert (policy.pack, policy.current_version) == ("service-center", 1)
    version = selectors.version_get(policy)
    assert (version.number, version.overrides, version.note) == (1, {}, "成立")
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("sequence")
    assert event.action == "policy.policy.adopt"
    assert event.summary["after"] == {"organisation": org.public_id, "pack": "service-center", "version": 1}


def test_adopt_refuses_a_department_an_unknown_pack_and_the_same_pack_twice(live: dict) -> None:
    before = state()
    with pytest.raises(ValidationError, match="only an organisation adopts a pack"):
        services.policy_adopt(actor=None, organisation=live["dept_a"], pack_id="bureau")
    with pytest.raises(ValidationError, match="unknown policy pack 'army'"):
        services.policy_adopt(actor=None, organisation=UnitFactory.create(kind="organisation"), pack_id="army")
    with pytest.raises(ValidationError, match="already lives under bureau"):
        services.policy_adopt(actor=None, organisation=live["org"], pack_id="bureau")
    assert state()[1:] == before[1:]


def test_adopting_another_pack_is_a_new_version_without_overrides(live: dict) -> None:
    policy = live["policy"]
    services.policy_parameter_override(
        actor=None, policy=policy, rule_id="ORG-03", parameter="allowed_person_kinds", value=["staff", "contractor"]
    )
    services.policy_adopt(actor=None, organisation=live["org"], pack_id="bureau-shifts")
    policy.refresh_from_db()
    assert (policy.pack, policy.current_version) == ("bureau-shifts", 3)
    assert selectors.version_get(policy).overrides == {}
    assert selectors.version_get(policy, 2).overrides == {"ORG-03": {"allowed_person_kinds": ["staff", "contractor"]}}
    event = AuditEvent.objects.latest("sequence")
    assert event.summary["before"] == {"pack": "bureau", "version": 2}


def test_override_is_a_new_version_audited_with_before_and_after(live: dict) -> None:
    policy = live["policy"]
    before = AuditEvent.objects.count()
    version = services.policy_parameter_override(
        actor=live["secretary"].user,
        policy=policy,
        rule_id="ROS-02",
        parameter="weekday_block_days",
        value=6,
        note="试行",
    )
    policy.refresh_from_db()
    assert (version.number, policy.current_version) == (2, 2)
    assert version.overrides == {"ROS-02": {"weekday_block_days": 6}}
    assert version.change == {
        "kind": "override",
        "rule": "ROS-02",
        "parameter": "weekday_block_days",
        "before": 5,
        "after": 6,
    }
    assert version.created_by == live["secretary"].user
    assert selectors.version_get(policy, 1).overrides == {}
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("sequence")
    assert event.action == "policy.parameter.override"
    assert event.actor == live["secretary"].user
    assert event.summary == {
        "before": {"version": 1, "rule": "ROS-02", "parameter": "weekday_block_days", "value": 5},
        "after": {"version": 2, "rule": "ROS-02", "parameter": "weekday_block_days", "value": 6},
    }


def test_override_checks_type_and_range_naming_the_parameter(live: dict) -> None:
    policy = live["policy"]
    before = state()
    with pytest.raises(ValidationError) as wrong_type:
        services.policy_parameter_override(
            actor=None, policy=policy, rule_id="ROS-02", parameter="weekday_block_days", value="five"
        )
    assert wrong_type.value.message_dict == {"value": ['ROS-02.weekday_block_days: expected int, got "five"']}
    with pytest.raises(ValidationError) as past_max:
        services.policy_parameter_override(
            actor=None, policy=policy, rule_id="ROS-02", parameter="weekday_block_days", value=8
        )
    assert past_max.value.message_dict == {"value": ["ROS-02.weekday_block_days: 8 is above the maximum 7"]}
    with pytest.raises(ValidationError, match="not one of"):
        services.policy_parameter_override(
            actor=None, policy=policy, rule_id="ORG-03", parameter="allowed_person_kinds", value=["staff", "friend"]
        )
    with pytest.raises(ValidationError, match="bureau does not declare SWAP-02"):
        services.policy_parameter_override(actor=None, policy=policy, rule_id="SWAP-02", parameter="x", value=1)
    with pytest.raises(ValidationError, match="ROS-02 has no parameter 'speed'"):
        services.policy_parameter_override(actor=None, policy=policy, rule_id="ROS-02", parameter="speed", value=1)
    assert state() == before


def test_override_at_the_limit_is_accepted(live: dict) -> None:
    version = services.policy_parameter_override(
        actor=None, policy=live["policy"], rule_id="ROS-02", parameter="weekday_block_days", value=7
    )
    assert version.overrides == {"ROS-02": {"weekday_block_days": 7}}


def test_reset_puts_the_default_back_as_a_new_version(live: dict) -> None:
    policy = live["policy"]
    services.policy_parameter_override(
        actor=None, policy=policy, rule_id="OPS-04", parameter="report_within", value="30m"
    )
    version = services.policy_parameter_reset(
        actor=live["admin"], policy=policy, rule_id="OPS-04", parameter="report_within"
    )
    assert (version.number, version.overrides) == (3, {})
    assert version.change["kind"] == "reset"
    assert AuditEvent.objects.latest("sequence").action == "policy.parameter.reset"
    with pytest.raises(ValidationError, match="already has the template default 1h"):
        services.policy_parameter_reset(actor=None, policy=policy, rule_id="OPS-04", parameter="report_within")


def test_versions_are_immutable(live: dict) -> None:
    version = selectors.version_get(live["policy"])
    version.note = "changed"
    with pytest.raises(ImmutableVersionError):
        version.save()
    with pytest.raises(ImmutableVersionError):
        version.delete()
    assert PolicyVersion.objects.get(pk=version.pk).note == ""


@pytest.mark.parametrize("who", ["head_a", "head_b", "staff_a", "other_head"])
def test_only_the_secretariat_or_a_system_administrator_may_change_the_policy(live: dict, who: str) -> None:
    before = state()
    with pytest.raises(PermissionDenied):
        services.policy_parameter_override(
            actor=live[who].user, policy=live["policy"], rule_id="ROS-02", parameter="weekday_block_days", value=6
        )
    with pytest.raises(PermissionDenied):
        services.policy_adopt(actor=live[who].user, organisation=live["org"], pack_id="maintenance")
    assert state() == before


def test_system_administrator_may_change_any_policy(live: dict) -> None:
    version = services.policy_parameter_override(
        actor=live["admin"], policy=live["other_policy"], rule_id="LEAVE-02", parameter="max_days", value=5
    )
    assert version.overrides == {"LEAVE-02": {"max_days": 5}}


def test_the_policy_of_a_station_is_its_organisations(live: dict) -> None:
    assert selectors.policy_for_unit(live["station_a"]) == live["policy"]
    assert selectors.policy_for_unit(live["org"]) == live["policy"]
    assert selectors.policy_for_unit(None) is None
    assert selectors.policy_for_unit(UnitFactory.create(kind="organisation")) is None


def test_org_03_enforce_refuses_an_outsider_citing_the_live_version(live: dict) -> None:
    services.policy_parameter_override(
        actor=None, policy=live["policy"], rule_id="OPS-05", parameter="due", value="16:45"
    )
    with pytest.raises(RuleViolationError) as refused:
        services.enforce(unit=live["station_a"], rule_ids=["ORG-03"], facts=GUARD, field="person")
    error = refused.value
    assert isinstance(error, ValidationError)
    assert error.codes == ["ORG-03.outsider_never_on_duty"]
    assert error.rule_ids == ["ORG-03"]
    assert error.message_dict == {
        "person": [
            "ORG-03 外单位人员、保安等不得担任值班人员 (bureau · P1 二 · 策略版本 2): 王五（保安）不得担任顶替值班人员"
        ]
    }
    assert error.as_dicts()[0]["citation"]["policy_version"] == 2


def test_org_03_enforce_follows_an_override_at_its_limit(live: dict) -> None:
    services.policy_parameter_override(
        actor=None, policy=live["policy"], rule_id="ORG-03", parameter="allowed_person_kinds", value=["staff", "guard"]
    )
    outcome = services.enforce(unit=live["station_a"], rule_ids=["ORG-03"], facts=GUARD)
    assert outcome.ok
    assert outcome.policy_version == 2
    with pytest.raises(RuleViolationError):
        services.enforce(
            unit=live["station_a"], rule_ids=["ORG-03"], facts=DutyCandidate("赵六", "cleaner", "duty_staff")
        )


def test_org_01_enforce_in_english(live: dict) -> None:
    from django.utils import translation

    with translation.override("en"), pytest.raises(RuleViolationError) as refused:
        services.enforce(
            unit=live["station_a"], rule_ids=["ORG-01"], facts=UnitPlacement("一班", "team", "team", "甲班")
        )
    assert refused.value.messages == [
        "ORG-01 Units nest: organisation → department → station or team (bureau · default · policy version 1): "
        "a team (一班) cannot be placed under the team 甲班"
    ]


def test_without_a_live_policy_nothing_is_evaluated() -> None:
    lonely = UnitFactory.create(name="无制度单位", kind="organisation")
    assert services.enforce(unit=lonely, rule_ids=["ORG-03"], facts=GUARD).not_declared == ("ORG-03",)
    assert services.evaluate(unit=None, rule_ids=["ORG-03"], facts=GUARD).ok


def test_policy_list_is_scoped(live: dict) -> None:
    assert list(selectors.policy_list(user=live["staff_b"].user)) == [live["policy"]]
    assert list(selectors.policy_list(user=live["other_head"].user)) == [live["other_policy"]]
    assert set(selectors.policy_list(user=live["admin"])) == {live["policy"], live["other_policy"]}
    assert list(selectors.policy_list(user=live["auditor"])) == []
    assert selectors.policy_for_user(live["head_b"].user) == live["policy"]
    assert selectors.policy_for_user(live["auditor"]) is None
