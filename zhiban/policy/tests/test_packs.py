"""Pack templates: the shipped five are sound and complete; every kind of mistake is named precisely."""

from pathlib import Path

import pytest

from zhiban.policy.catalogue import catalogue
from zhiban.policy.packs import builtin_packs, get_pack
from zhiban.policy.registry import Registry, discover, registry
from zhiban.policy.tests.conftest import replace_in
from zhiban.policy.validation import validate_builtin, validate_paths, validate_with_replacements

PACK_IDS = {"bureau", "bureau-shifts", "maintenance", "company-shifts", "service-center"}


def errors_for(directory: Path, rules: Registry | None = None) -> list[str]:
    return list(validate_paths(sorted(directory.glob("*.toml")), rules=rules).errors)


def test_shipped_packs_validate_cleanly() -> None:
    report = validate_builtin()
    assert report.errors == ()
    assert {pack.id for pack in report.packs} == PACK_IDS


def test_every_catalogue_rule_is_declared_by_some_pack() -> None:
    declared = {rule.id for pack in builtin_packs().values() for rule in pack.rules}
    assert declared == set(catalogue().rules)
    assert len(declared) == 76


def test_only_rules_with_a_module_are_implemented() -> None:
    implemented = {rule.id for pack in builtin_packs().values() for rule in pack.rules if rule.implemented}
    assert implemented >= {"ORG-01", "ORG-02", "ORG-03", "CAL-01", "CAL-02", "CAL-03", "ROS-01", "ROS-03"}
    assert implemented <= set(registry().modules)


def test_packs_carry_their_own_texts_numbers() -> None:
    """The packs disagree where their sources do (ROS-03 deadlines, shift times, leave, swaps)."""
    publish = {pid: get_pack(pid).rule("ROS-03").parameter("publish_by").default for pid in PACK_IDS}  # type: ignore[union-attr]
    assert publish["maintenance"] == "before_duty_day"  # P2 第三条
    assert publish["company-shifts"] == "end_of_previous_month"  # P4 第三条
    assert publish["bureau-shifts"] == "before_first_of_month"  # P5 一
    rest_day = get_pack("company-shifts").rule("ROS-01")
    assert rest_day is not None
    assert rest_day.parameter("night_start").default == "17:30"
    winter = get_pack("bureau-shifts").rule("CAL-03")
    assert winter is not None
    assert winter.parameter("holiday_day_winter_end").default == "19:00"
    swap = get_pack("service-center").rule("SWAP-02")
    assert swap is not None
    assert swap.parameter("max_per_month").default == 2
    assert swap.citation.reference == "P7 客服部换班制度 三"
    leave = get_pack("maintenance").rule("LEAVE-03")
    assert leave is not None
    assert leave.parameter("station_head_max_days").default == 2.0


def test_silent_sources_ship_marked_defaults() -> None:
    for pack_id in ("bureau", "bureau-shifts"):
        leave = get_pack(pack_id).rule("LEAVE-01")
        assert leave is not None
        assert leave.citation.is_default
        assert get_pack(pack_id).rule("LEAVE-02") is None
    assert get_pack("bureau").rule("SWAP-02") is None
    assert not any(rule.id.startswith(("SWAP-", "CS-")) for rule in get_pack("maintenance").rules)


def test_wrong_parameter_type_names_file_rule_and_field(packs_copy: Path) -> None:
    replace_in(
        packs_copy / "service-center.toml",
        'parameters.max_per_month = { type = "int", default = 2,',
        'parameters.max_per_month = { type = "int", default = "two",',
    )
    assert errors_for(packs_copy) == [
        'service-center.toml: SWAP-02.parameters.max_per_month.default: expected int, got "two"'
    ]


def test_default_outside_range_is_an_error(packs_copy: Path) -> None:
    replace_in(packs_copy / "maintenance.toml", '"int", default = 7, min = 1', '"int", default = 400, min = 1')
    assert errors_for(packs_copy) == [
        "maintenance.toml: LEAVE-02.parameters.max_days.default: 400 is above the maximum 365"
    ]


def test_bad_time_and_enum_choice_are_errors(packs_copy: Path) -> None:
    replace_in(
        packs_copy / "bureau.toml",
        'parameters.office_start = { type = "time", default = "09:00"',
        'parameters.office_start = { type = "time", default = "9h"',
    )
    replace_in(packs_copy / "bureau.toml", '"enum", default = "strict"', '"enum", default = "random"')
    assert errors_for(packs_copy) == [
        'bureau.toml: ROS-01.parameters.office_start.default: expected time "HH:MM", got "9h"',
        'bureau.toml: ROS-02.parameters.order.default: "random" is not one of ["strict", "preference"]',
    ]


def test_unknown_rule_id_is_an_error(packs_copy: Path) -> None:
    replace_in(packs_copy / "service-center.toml", 'id = "SWAP-08"', 'id = "SWAP-09"')
    errors = errors_for(packs_copy)
    assert "service-center.toml: SWAP-09: unknown rule ID (not in the REQUIREMENTS catalogue)" in errors
    assert "catalogue: SWAP-08: declared by no pack" in errors


def test_duplicate_rule_id_is_an_error(packs_copy: Path) -> None:
    replace_in(packs_copy / "service-center.toml", 'id = "SWAP-08"', 'id = "SWAP-07"')
    errors = errors_for(packs_copy)
    assert "service-center.toml: SWAP-07: duplicate rule ID in this pack" in errors


def test_missing_citation_is_an_error(packs_copy: Path) -> None:
    path = packs_copy / "company-shifts.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index('id = "OPS-07"')
    del lines[start + 3]  # the citation line follows id, status, title
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert errors_for(packs_copy) == [
        'company-shifts.toml: OPS-07.citation: missing citation (source P1..P7 with clause, or source = "default")'
    ]


def test_citation_of_a_source_outside_the_pack_is_an_error(packs_copy: Path) -> None:
    replace_in(
        packs_copy / "maintenance.toml",
        'citation = { source = "P2", clause = "二.2", zh = "同一维护站',
        'citation = { source = "P7", clause = "二.2", zh = "同一维护站',
    )
    assert errors_for(packs_copy) == [
        "maintenance.toml: LEAVE-04.citation.source: P7 is not among this pack's sources ['P2']"
    ]


def test_bad_severity_is_an_error(packs_copy: Path) -> None:
    replace_in(
        packs_copy / "service-center.toml",
        '{ name = "monthly_limit", severity = "enforce"',
        '{ name = "monthly_limit", severity = "forbid"',
    )
    assert errors_for(packs_copy) == [
        "service-center.toml: SWAP-02.checks[0].severity: expected one of "
        "['enforce', 'warn', 'record', 'remind', 'report'], got \"forbid\""
    ]


def test_implemented_without_module_is_an_error(packs_copy: Path) -> None:
    replace_in(
        packs_copy / "service-center.toml",
        'id = "SEC-08"\nstatus = "planned"',
        'id = "SEC-08"\nstatus = "implemented"',
    )
    assert errors_for(packs_copy) == [
        'service-center.toml: SEC-08.status: implemented, but no rule module defines RULE_ID "SEC-08" '
        "(expected zhiban/policy/rules/sec_08.py)"
    ]


def test_implemented_check_missing_from_module_is_an_error(packs_copy: Path) -> None:
    replace_in(packs_copy / "bureau.toml", '{ name = "outsider_never_on_duty"', '{ name = "outsider_check"')
    assert errors_for(packs_copy) == [
        "bureau.toml: ORG-03.checks[0].name: zhiban.policy.rules.org_03 has no check 'outsider_check' "
        "(it has ['outsider_never_on_duty'])"
    ]


def test_catalogue_rule_declared_by_no_pack_is_an_error(packs_copy: Path) -> None:
    (packs_copy / "service-center.toml").unlink()
    errors = errors_for(packs_copy)
    assert "catalogue: SWAP-01: declared by no pack" in errors
    assert "catalogue: CS-11: declared by no pack" in errors
    assert "catalogue: ORG-01: declared by no pack" not in errors


def test_title_placeholder_must_name_a_parameter(packs_copy: Path) -> None:
    replace_in(
        packs_copy / "service-center.toml", "换班每人每月不得超过{max_per_month}次", "换班每人每月不得超过{max_swaps}次"
    )
    assert errors_for(packs_copy) == [
        "service-center.toml: SWAP-02.title.zh: placeholder {max_swaps} names no parameter of this rule"
    ]


def test_unknown_field_and_bad_toml_are_errors(packs_copy: Path) -> None:
    replace_in(
        packs_copy / "bureau.toml",
        'id = "SEC-03"\nstatus = "planned"',
        'id = "SEC-03"\nstatus = "planned"\nseverty = "warn"',
    )
    (packs_copy / "maintenance.toml").write_text('id = "maintenance"\nrules = [', encoding="utf-8")
    errors = errors_for(packs_copy)
    assert errors[0].startswith("bureau.toml: SEC-03.severty: unknown field")
    assert any(error.startswith("maintenance.toml: not valid TOML:") for error in errors)


def test_pack_id_must_match_file_and_be_unique(packs_copy: Path) -> None:
    (packs_copy / "copy.toml").write_text((packs_copy / "bureau.toml").read_text(encoding="utf-8"), encoding="utf-8")
    errors = errors_for(packs_copy)
    assert 'copy.toml: id: "bureau" must match the file name copy.toml' in errors
    assert "copy.toml: id: pack 'bureau' is already declared by bureau.toml" in errors


def test_registry_problems_are_reported(tmp_path: Path) -> None:
    package = tmp_path / "fake_rules"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "org_09.py").write_text('RULE_ID = "ORG-01"\nCHECKS = {}\n')
    import importlib
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        found = discover(importlib.import_module("fake_rules"))
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("fake_rules", None)
        sys.modules.pop("fake_rules.org_09", None)
    assert found.modules == {}
    assert found.errors == ("fake_rules.org_09: RULE_ID 'ORG-01' belongs in org_01.py",)


def test_a_replacement_file_is_validated_in_place_of_the_shipped_one(packs_copy: Path) -> None:
    broken = packs_copy / "service-center.toml"
    replace_in(broken, 'id = "SWAP-08"', 'id = "SWAP-99"')
    errors = validate_with_replacements([broken]).errors
    assert "service-center.toml: SWAP-99: unknown rule ID (not in the REQUIREMENTS catalogue)" in errors
    assert "catalogue: SWAP-08: declared by no pack" in errors


@pytest.mark.parametrize("pack_id", sorted(PACK_IDS))
def test_every_rule_has_title_citation_and_checks(pack_id: str) -> None:
    for rule in get_pack(pack_id).rules:
        assert rule.title.zh
        assert rule.title.en
        assert rule.citation.text.zh
        assert rule.citation.text.en
        assert rule.checks
        if not rule.citation.is_default:
            assert rule.citation.source in get_pack(pack_id).sources
            assert rule.citation.clause
