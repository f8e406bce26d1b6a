"""The rule engine: runs the checks of the rules a live policy declares over plain facts. Django-free.

`evaluate(policy, rule_ids, facts)` returns an `Outcome`: every finding with the severity the pack
gives its check and its citation (rule, pack, source clause, zh + en text, policy version, and a
stable code `<RULE_ID>.<check>`). Rules the pack does not declare, and rules it marks `planned`,
are not evaluated; the outcome says which.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from zhiban.policy.catalogue import Text, catalogue
from zhiban.policy.findings import Finding, Severity
from zhiban.policy.packs import Pack, Parameter, Rule
from zhiban.policy.registry import Registry, registry
from zhiban.policy.shaping import RosterFacts, Shape, merged

VERSION_LABEL = Text("策略版本", "policy version")


@dataclass(frozen=True)
class ResolvedPolicy:
    """A pack with an organisation's overrides at one version — all the engine needs of a live policy.

    `overrides` maps rule ID → parameter → raw value; `version` is the PolicyVersion number
    (0 for a bare template that no organisation adopted).
    """

    pack: Pack
    version: int
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    organisation: str = ""

    def raw_parameters(self, rule_id: str) -> dict[str, Any]:
        """The rule's parameters as raw values: template defaults, then this policy's overrides."""
        rule = self._rule(rule_id)
        values = rule.defaults()
        values.update({k: v for k, v in self.overrides.get(rule_id, {}).items() if k in values})
        return values

    def parameters(self, rule_id: str) -> Mapping[str, Any]:
        """The rule's parameters as its checks receive them (typed, read-only), with those it borrows from the rule
        that holds them (its module's BORROWS) when the pack declares that rule."""
        rule = self._rule(rule_id)
        raw = self.raw_parameters(rule_id)
        values = {p.name: p.python(raw[p.name]) for p in rule.parameters}
        for name, (holder, parameter) in self._borrowed(rule_id).items():
            values[name] = parameter.python(self.raw_parameters(holder)[name])
        return MappingProxyType(values)

    def _borrowed(self, rule_id: str) -> dict[str, tuple[str, Parameter]]:
        module = registry().get(rule_id)
        found = {}
        for name, holder in (module.borrows if module else {}).items():
            rule = self.pack.rule(holder)
            parameter = next((p for p in rule.parameters if p.name == name), None) if rule else None
            if parameter is not None:
                found[name] = (holder, parameter)
        return found

    def is_overridden(self, rule_id: str, name: str) -> bool:
        return name in self.overrides.get(rule_id, {})

    def title(self, rule_id: str) -> Text:
        """The rule's title with its parameters filled in (`换班每人每月不得超过2次`)."""
        lent = {
            name: parameter.display(self.raw_parameters(holder)[name])
            for name, (holder, parameter) in self._borrowed(rule_id).items()
        }
        return self._rule(rule_id).title_with(self.raw_parameters(rule_id), lent)

    def citation(self, rule_id: str) -> RuleCitation:
        rule = self._rule(rule_id)
        return RuleCitation(
            rule_id=rule.id,
            pack_id=self.pack.id,
            source=rule.citation.source,
            source_title=catalogue().source_title(rule.citation.source),
            clause=rule.citation.clause,
            title=self.title(rule_id),
            text=rule.citation.text,
            policy_version=self.version,
        )

    def _rule(self, rule_id: str) -> Rule:
        rule = self.pack.rule(rule_id)
        if rule is None:
            raise KeyError(f"pack {self.pack.id} does not declare {rule_id}")
        return rule


@dataclass(frozen=True)
class RuleCitation:
    """What a refusal or warning cites: the rule, its pack, source and clause, and the policy version."""

    rule_id: str
    pack_id: str
    source: str
    source_title: Text
    clause: str
    title: Text
    text: Text
    policy_version: int

    def reference(self, language: str = "zh") -> str:
        """`bureau · P1 二 · 策略版本 3`."""
        where = " ".join(part for part in (self.source, self.clause) if part)
        return f"{self.pack_id} · {where} · {VERSION_LABEL.get(language)} {self.policy_version}"

    def line(self, language: str = "zh") -> str:
        """`ORG-03 外单位人员、保安等不得担任值班人员 (bureau · P1 二 · 策略版本 3)`."""
        return f"{self.rule_id} {self.title.get(language)} ({self.reference(language)})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "pack": self.pack_id,
            "source": self.source,
            "source_title": {"zh": self.source_title.zh, "en": self.source_title.en},
            "clause": self.clause,
            "title": {"zh": self.title.zh, "en": self.title.en},
            "text": {"zh": self.text.zh, "en": self.text.en},
            "policy_version": self.policy_version,
        }


@dataclass(frozen=True)
class CitedFinding:
    """A finding with the severity its pack gives it and its citation."""

    code: str
    check: str
    severity: Severity
    finding: Finding
    citation: RuleCitation

    @property
    def rule_id(self) -> str:
        return self.citation.rule_id

    @property
    def refuses(self) -> bool:
        return self.severity is Severity.ENFORCE

    def detail(self, language: str = "zh") -> str:
        return self.finding.message_en if language.lower().startswith("en") else self.finding.message_zh

    def message(self, language: str = "zh") -> str:
        """The citation line, then what was found: `ORG-03 … (bureau · P1 二 · 策略版本 3): 王五 …`."""
        return f"{self.citation.line(language)}: {self.detail(language)}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "rule_id": self.rule_id,
            "check": self.check,
            "severity": self.severity.value,
            "message": {"zh": self.finding.message_zh, "en": self.finding.message_en},
            "details": self.finding.details,
            "citation": self.citation.as_dict(),
        }


@dataclass(frozen=True)
class Outcome:
    """What the engine found: violations refuse, warnings allow with a recorded reason."""

    findings: tuple[CitedFinding, ...] = ()
    pack_id: str | None = None
    policy_version: int | None = None
    evaluated: tuple[str, ...] = ()
    not_declared: tuple[str, ...] = ()
    planned: tuple[str, ...] = ()

    @property
    def violations(self) -> tuple[CitedFinding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ENFORCE)

    @property
    def warnings(self) -> tuple[CitedFinding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARN)

    @property
    def notes(self) -> tuple[CitedFinding, ...]:
        """Findings to record, remind of or report — they neither refuse nor ask for a reason."""
        return tuple(f for f in self.findings if f.severity not in (Severity.ENFORCE, Severity.WARN))

    @property
    def ok(self) -> bool:
        return not self.violations

    def codes(self) -> list[str]:
        return [finding.code for finding in self.findings]


def _as_facts(facts: object) -> tuple[object, ...]:
    if isinstance(facts, list | tuple):
        return tuple(facts)
    return (facts,)


def evaluate(
    policy: ResolvedPolicy | None,
    rule_ids: Iterable[str],
    facts: object,
    *,
    rules: Registry | None = None,
) -> Outcome:
    """Run the checks of each requested rule the policy declares as implemented over the facts.

    `facts` is one facts dataclass or a list of them; each check sees the facts of its type. A rule
    ID outside the catalogue, an implemented rule without a module, or a rule none of whose checks
    received facts is a programming error (ValueError / LookupError / TypeError), never a silent pass.
    """
    wanted = list(dict.fromkeys(rule_ids))
    unknown = [rule_id for rule_id in wanted if rule_id not in catalogue().rules]
    if unknown:
        raise ValueError(f"unknown rule IDs {unknown}")
    if policy is None:
        return Outcome(not_declared=tuple(wanted))
    rules = rules if rules is not None else registry()
    all_facts = _as_facts(facts)
    findings: list[CitedFinding] = []
    evaluated: list[str] = []
    not_declared: list[str] = []
    planned: list[str] = []
    for rule_id in wanted:
        rule = policy.pack.rule(rule_id)
        if rule is None:
            not_declared.append(rule_id)
            continue
        if not rule.implemented:
            planned.append(rule_id)
            continue
        module = rules.get(rule_id)
        if module is None:
            raise LookupError(f"{rule_id} is implemented in pack {policy.pack.id} but has no rule module")
        params = policy.parameters(rule_id)
        citation = policy.citation(rule_id)
        fed = False
        for check in rule.checks:
            spec = module.checks.get(check.name)
            if spec is None:
                raise LookupError(f"{module.module_name} has no check {check.name!r}")
            for item in all_facts:
                if not spec.accepts(item):
                    continue
                fed = True
                for finding in spec.function(item, params):
                    findings.append(
                        CitedFinding(
                            code=f"{rule_id}.{check.name}",
                            check=check.name,
                            severity=check.severity,
                            finding=dataclasses.replace(finding, severity=check.severity),
                            citation=citation,
                        )
                    )
        # Facts some check of the module reads are fine even when this pack does not declare that check (a pack
        # without seat job types is given the seat holders too); facts no check reads are a programming error.
        fed = fed or any(spec.accepts(item) for spec in module.checks.values() for item in all_facts)
        if not fed:
            wanted_types = sorted({module.checks[c.name].facts_type.__name__ for c in rule.checks})
            raise TypeError(f"{rule_id}: no facts of type {' or '.join(wanted_types)} were given")
        evaluated.append(rule_id)
    return Outcome(
        findings=tuple(findings),
        pack_id=policy.pack.id,
        policy_version=policy.version,
        evaluated=tuple(evaluated),
        not_declared=tuple(not_declared),
        planned=tuple(planned),
    )


def shape(policy: ResolvedPolicy | None, roster: RosterFacts, *, rules: Registry | None = None) -> Shape:
    """The solver form of every rule the policy implements that has one (its module's `shape`), merged: what the
    roster must meet for its checks to pass."""
    if policy is None:
        return Shape()
    rules = rules if rules is not None else registry()
    shapes = []
    for rule in policy.pack.rules:
        module = rules.get(rule.id) if rule.implemented else None
        if module is not None and module.shape is not None:
            shapes.append(module.shape(roster, policy.parameters(rule.id)))
    return merged(shapes)
