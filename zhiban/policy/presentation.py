"""Packs, rules and live policies as rows for pages and the API, in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.catalogue import Text, catalogue, rule_area
from zhiban.policy.engine import ResolvedPolicy
from zhiban.policy.packs import Pack, Parameter, Rule

AREA_TITLES = {
    "ORG": Text("组织与人员", "Organisation and people"),
    "CAL": Text("日历", "Calendar"),
    "ROS": Text("值班安排", "Roster"),
    "LEAVE": Text("请假", "Leave"),
    "SUB": Text("顶替", "Substitution"),
    "SWAP": Text("换班", "Swaps"),
    "OPS": Text("值班工作", "Duty operations"),
    "SEC": Text("保密", "Confidentiality"),
    "SAF": Text("安全", "Safety"),
    "CS": Text("客户服务", "Customer service"),
}

SEVERITY_LABELS = {
    "enforce": Text("强制", "enforce"),
    "warn": Text("提示", "warn"),
    "record": Text("登记", "record"),
    "remind": Text("提醒", "remind"),
    "report": Text("报表", "report"),
}


@dataclass(frozen=True)
class ParameterRow:
    name: str
    type: str
    label: str
    default: str
    current: str
    overridden: bool
    minimum: str
    maximum: str
    choices: tuple[str, ...]


@dataclass(frozen=True)
class RuleRow:
    id: str
    status: str
    implemented: bool
    title: str
    source: str
    source_title: str
    clause: str
    citation_text: str
    is_default: bool
    parameters: tuple[ParameterRow, ...]
    checks: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class AreaRows:
    area: str
    title: str
    rules: tuple[RuleRow, ...]


def parameter_row(parameter: Parameter, current: Any, overridden: bool, language: str) -> ParameterRow:
    def bound(value: Any) -> str:
        return "" if value is None else parameter.display(value)

    return ParameterRow(
        name=parameter.name,
        type=parameter.type,
        label=parameter.label.get(language),
        default=parameter.display(parameter.default),
        current=parameter.display(current),
        overridden=overridden,
        minimum=bound(parameter.minimum),
        maximum=bound(parameter.maximum),
        choices=parameter.choices,
    )


def rule_row(rule: Rule, language: str, policy: ResolvedPolicy | None = None) -> RuleRow:
    values = policy.raw_parameters(rule.id) if policy else rule.defaults()
    title = rule.title_with(values)
    return RuleRow(
        id=rule.id,
        status=rule.status,
        implemented=rule.implemented,
        title=title.get(language),
        source=rule.citation.source,
        source_title=catalogue().source_title(rule.citation.source).get(language),
        clause=rule.citation.clause,
        citation_text=rule.citation.text.get(language),
        is_default=rule.citation.is_default,
        parameters=tuple(
            parameter_row(p, values[p.name], bool(policy and policy.is_overridden(rule.id, p.name)), language)
            for p in rule.parameters
        ),
        checks=tuple(
            {
                "name": c.name,
                "severity": c.severity.value,
                "severity_label": SEVERITY_LABELS[c.severity.value].get(language),
                "description": c.description.get(language),
            }
            for c in rule.checks
        ),
    )


def rules_by_area(pack: Pack, language: str, policy: ResolvedPolicy | None = None) -> list[AreaRows]:
    groups: dict[str, list[RuleRow]] = {}
    for rule in pack.rules:
        groups.setdefault(rule_area(rule.id), []).append(rule_row(rule, language, policy))
    return [
        AreaRows(area=area, title=AREA_TITLES.get(area, Text(area, area)).get(language), rules=tuple(rows))
        for area, rows in groups.items()
    ]


def effective_values(policy: ResolvedPolicy) -> dict[tuple[str, str], Any]:
    """Every parameter of the policy as (rule, parameter) → raw value."""
    return {
        (rule.id, name): value for rule in policy.pack.rules for name, value in policy.raw_parameters(rule.id).items()
    }


def change_summary(change: Mapping[str, Any], pack: Pack | None) -> str:
    """What a version changed, as people read it: `ROS-02.weekday_block_days: 5 → 6`."""
    if change.get("kind") == "adopt":
        return str(change.get("pack", ""))
    rule_id, name = str(change.get("rule", "")), str(change.get("parameter", ""))
    rule = pack.rule(rule_id) if pack else None
    try:
        parameter = rule.parameter(name) if rule else None
    except KeyError:
        parameter = None

    def shown(value: Any) -> str:
        return parameter.display(value) if parameter else str(value)

    return f"{rule_id}.{name}: {shown(change.get('before'))} → {shown(change.get('after'))}"


@dataclass(frozen=True)
class DifferenceRow:
    rule_id: str
    parameter: str
    label: str
    before: str
    after: str


def differences(older: ResolvedPolicy, newer: ResolvedPolicy, language: str) -> list[DifferenceRow]:
    """The parameters whose value differs between two versions (a rule only one pack has shows as —)."""
    before, after = effective_values(older), effective_values(newer)
    rows = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) == after.get(key):
            continue
        rule_id, name = key
        rule = newer.pack.rule(rule_id) or older.pack.rule(rule_id)
        assert rule is not None
        parameter = rule.parameter(name)
        rows.append(
            DifferenceRow(
                rule_id=rule_id,
                parameter=name,
                label=parameter.label.get(language),
                before=parameter.display(before[key]) if key in before else "—",
                after=parameter.display(after[key]) if key in after else "—",
            )
        )
    return rows
