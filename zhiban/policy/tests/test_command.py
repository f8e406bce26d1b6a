"""`zhiban policy validate` and `show`: a summary on success, every error and a non-zero exit otherwise."""

import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhiban.policy.tests.conftest import replace_in, service_center_counts


def test_validate_prints_a_summary_of_the_shipped_packs() -> None:
    out = StringIO()
    call_command("policy", "validate", stdout=out)
    text = out.getvalue()
    rules, implemented, planned = service_center_counts()
    assert implemented >= 4
    assert re.search(rf"service-center\s+{rules} rules\s+{implemented} implemented\s+{planned} planned", text)
    assert "policy packs valid: 5 packs, 76 of 76 catalogue rules declared" in text


def test_validate_a_broken_directory_fails_naming_each_error(packs_copy: Path) -> None:
    replace_in(
        packs_copy / "service-center.toml",
        'parameters.max_per_month = { type = "int", default = 2,',
        'parameters.max_per_month = { type = "int", default = "two",',
    )
    err = StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command("policy", "validate", "--dir", str(packs_copy), stderr=err)
    assert 'service-center.toml: SWAP-02.parameters.max_per_month.default: expected int, got "two"' in err.getvalue()


def test_validate_a_replacement_file(packs_copy: Path) -> None:
    broken = packs_copy / "bureau.toml"
    replace_in(
        broken,
        '{ name = "outsider_never_on_duty", severity = "enforce"',
        '{ name = "outsider_never_on_duty", severity = "strict"',
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("policy", "validate", str(broken), stderr=err)
    assert "bureau.toml: ORG-03.checks[0].severity" in err.getvalue()
    out = StringIO()
    call_command("policy", "validate", str(packs_copy / "maintenance.toml"), stdout=out)
    assert "policy packs valid" in out.getvalue()


def test_validate_exits_non_zero_from_the_command_line(packs_copy: Path) -> None:
    replace_in(packs_copy / "maintenance.toml", 'id = "LEAVE-04"', 'id = "LEAVE-99"')
    result = subprocess.run(
        [sys.executable, "-m", "zhiban", "policy", "validate", "--dir", str(packs_copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "maintenance.toml: LEAVE-99: unknown rule ID" in result.stderr
    assert "catalogue: LEAVE-04: declared by no pack" in result.stderr


def test_show_prints_rules_parameters_checks_and_citations() -> None:
    out = StringIO()
    call_command("policy", "show", "maintenance", stdout=out)
    text = out.getvalue()
    assert re.search(r"LEAVE-02 \[(planned|implemented)\] 每次假期不得超过7天 — One leave at most 7 days", text)
    assert "  parameter max_days (int) = 7 min 1 max 365" in text
    assert "  citation: P2 二.2: 维护站人员因特殊情况需要请假时，每次假期不得超过一周。" in text
    assert "  check max_length [enforce]" in text
    with pytest.raises(CommandError, match="unknown pack 'army'"):
        call_command("policy", "show", "army")
