"""The engine: runs only the rules a pack declares as implemented, with the pack's severities and citations."""

import dataclasses
from collections.abc import Mapping
from typing import Any

import pytest

from zhiban.policy.engine import ResolvedPolicy, evaluate
from zhiban.policy.findings import Finding, Severity
from zhiban.policy.packs import get_pack
from zhiban.policy.registry import CheckSpec, Registry, RuleModule, registry
from zhiban.policy.rules.org_01 import UnitPlacement
from zhiban.policy.rules.org_03 import DutyCandidate

GUARD = DutyCandidate(person_name="王五", person_kind="guard")


def bureau(version: int = 3, overrides: Mapping[str, Mapping[str, Any]] | None = None) -> ResolvedPolicy:
    return ResolvedPolicy(pack=get_pack("bureau"), version=version, overrides=overrides or {})


def test_violation_carries_its_full_citation() -> None:
    outcome = evaluate(bureau(), ["ORG-03"], GUARD)
    assert not outcome.ok
    (finding,) = outcome.violations
    assert finding.code == "ORG-03.outsider_never_on_duty"
    assert finding.citation.line("zh") == "ORG-03 外单位人员、保安等不得担任值班人员 (bureau · P1 二 · 策略版本 3)"
    assert finding.citation.line("en") == (
        "ORG-03 Outsiders, guards and the like are never duty staff (bureau · P1 二 · policy version 3)"
    )
    assert finding.message("zh").endswith(": 王五（保安）不得担任值班人员")
    assert finding.citation.text.zh == "不准委托保安、亲属、朋友或外单位人员顶替值班。"
    assert finding.citation.source_title.zh == "关于做好2015“元旦”值班、安全和保密工作的通知"
    assert finding.as_dict()["citation"]["policy_version"] == 3


def test_nothing_found_is_ok() -> None:
    outcome = evaluate(bureau(), ["ORG-03"], dataclasses.replace(GUARD, person_kind="staff"))
    assert outcome.ok
    assert outcome.findings == ()
    assert outcome.evaluated == ("ORG-03",)


def test_rules_the_pack_does_not_declare_are_not_evaluated() -> None:
    outcome = evaluate(bureau(), ["ORG-03", "SWAP-02"], GUARD)
    assert outcome.not_declared == ("SWAP-02",)
    assert outcome.evaluated == ("ORG-03",)


def test_planned_rules_are_not_evaluated() -> None:
    outcome = evaluate(bureau(), ["SEC-03", "ORG-03"], GUARD)
    assert outcome.planned == ("SEC-03",)
    assert outcome.codes() == ["ORG-03.outsider_never_on_duty"]


def test_no_policy_evaluates_nothing() -> None:
    outcome = evaluate(None, ["ORG-03"], GUARD)
    assert outcome.ok
    assert outcome.not_declared == ("ORG-03",)
    assert outcome.policy_version is None


def test_overrides_reach_the_check_as_typed_values() -> None:
    relaxed = bureau(overrides={"ORG-03": {"allowed_person_kinds": ["staff", "guard"]}})
    assert relaxed.parameters("ORG-03")["allowed_person_kinds"] == ("staff", "guard")
    assert evaluate(relaxed, ["ORG-03"], GUARD).ok


def test_titles_show_the_live_parameter_values() -> None:
    policy = ResolvedPolicy(pack=get_pack("service-center"), version=4, overrides={"SWAP-02": {"max_per_month": 3}})
    citation = policy.citation("SWAP-02")
    assert citation.line() == "SWAP-02 换班每人每月不得超过3次 (service-center · P7 客服部换班制度 三 · 策略版本 4)"


def test_time_and_duration_parameters_are_converted() -> None:
    import datetime as dt

    params = bureau().parameters("OPS-04")
    assert params["report_within"] == dt.timedelta(hours=1)
    assert ResolvedPolicy(pack=get_pack("bureau-shifts"), version=1).parameters("CAL-03")[
        "holiday_day_winter_end"
    ] == dt.time(19, 0)


def test_each_check_sees_only_facts_of_its_type() -> None:
    facts = [UnitPlacement("一站", "station", "team", "一班"), GUARD]
    outcome = evaluate(bureau(), ["ORG-01", "ORG-03"], facts)
    assert outcome.codes() == ["ORG-01.allowed_nesting", "ORG-03.outsider_never_on_duty"]


def test_a_rule_given_no_facts_of_its_type_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="ORG-01: no facts of type UnitPlacement"):
        evaluate(bureau(), ["ORG-01"], GUARD)


def test_unknown_rule_id_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="ORG-99"):
        evaluate(bureau(), ["ORG-99"], GUARD)


def test_the_pack_decides_the_severity() -> None:
    """A check module's default severity is replaced by the severity its pack declares."""

    def soft_check(facts: DutyCandidate, params: Mapping[str, Any]) -> list[Finding]:
        return [Finding("ORG-03", Severity.RECORD, "记录", "recorded")]

    module = RuleModule(
        "ORG-03",
        "test",
        {"outsider_never_on_duty": CheckSpec("outsider_never_on_duty", soft_check, DutyCandidate)},
    )
    fake = Registry(modules={**registry().modules, "ORG-03": module})
    outcome = evaluate(bureau(), ["ORG-03"], GUARD, rules=fake)
    assert [finding.severity for finding in outcome.findings] == [Severity.ENFORCE]
    assert outcome.violations[0].finding.severity is Severity.ENFORCE


def test_warnings_are_separate_from_violations() -> None:
    import datetime as dt

    from zhiban.policy.rules.cal_02 import DayFact, DutyCoverage

    start = dt.date(2026, 5, 1)  # a Friday; Sat/Sun rest, Monday work
    days = tuple(DayFact(start + dt.timedelta(days=i), (start + dt.timedelta(days=i)).weekday() < 5) for i in range(4))
    outcome = evaluate(ResolvedPolicy(pack=get_pack("maintenance"), version=1), ["CAL-02"], DutyCoverage(days, ()))
    assert outcome.ok
    assert [finding.code for finding in outcome.warnings] == ["CAL-02.rest_periods_covered"]
