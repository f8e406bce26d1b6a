"""Policy packs: the TOML templates under `packs/`, loaded into frozen dataclasses. Django-free.

`parse_pack` checks one file's structure and values and reports every problem as
`<file>: <rule>.<field>: <message>`; `zhiban.policy.validation` adds the checks across files
(registry, coverage). `builtin_packs()` is what the running product reads.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from zhiban.policy import parameters
from zhiban.policy.catalogue import DEFAULT_SOURCE, Catalogue, Text, catalogue
from zhiban.policy.findings import Severity
from zhiban.policy.shift_templates import ShiftTemplate, read_shifts

PACKS_DIR = Path(__file__).with_name("packs")
STATUSES = ("implemented", "planned")
PACK_ID = re.compile(r"^[a-z][a-z0-9-]*$")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")

Status = Literal["implemented", "planned"]


class PackError(Exception):
    """A pack file is invalid; `problems` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _borrowed_names(rule_id: object) -> set[str]:
    """Parameters the rule's module reads from another rule (its BORROWS), which its title may show too."""
    from zhiban.policy.registry import registry  # the registry imports the rule modules; packs are read first

    module = registry().get(rule_id) if isinstance(rule_id, str) else None
    return set(module.borrows) if module else set()


class _Shown(dict[str, str]):
    """Parameter values for title placeholders; an unknown name stays as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Parameter:
    """A configurable value of a rule; `default` and the bounds are raw values (see `parameters`)."""

    name: str
    type: str
    default: Any
    label: Text
    minimum: Any = None
    maximum: Any = None
    choices: tuple[str, ...] = ()

    def problem(self, value: Any) -> str | None:
        """Why `value` cannot be this parameter's value, or None."""
        return parameters.value_error(
            self.type, value, choices=self.choices, minimum=self.minimum, maximum=self.maximum
        )

    def python(self, value: Any) -> Any:
        return parameters.to_python(self.type, value)

    def display(self, value: Any) -> str:
        return parameters.display(self.type, value)


@dataclass(frozen=True)
class Check:
    """One check of a rule with the severity this pack gives it."""

    name: str
    severity: Severity
    description: Text


@dataclass(frozen=True)
class Citation:
    """Where a rule comes from: source 篇 (P1..P7, or `default` where the text is silent) and clause."""

    source: str
    clause: str
    text: Text

    @property
    def is_default(self) -> bool:
        return self.source == DEFAULT_SOURCE

    @property
    def reference(self) -> str:
        """`P1 二`, `P7 客服部换班制度 三`, or `default`."""
        return " ".join(part for part in (self.source, self.clause) if part)


@dataclass(frozen=True)
class Rule:
    """A rule as one pack declares it."""

    id: str
    title: Text
    status: Status
    citation: Citation
    parameters: tuple[Parameter, ...]
    checks: tuple[Check, ...]

    @property
    def implemented(self) -> bool:
        return self.status == "implemented"

    def parameter(self, name: str) -> Parameter:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise KeyError(f"{self.id} has no parameter {name!r}")

    def check(self, name: str) -> Check | None:
        return next((check for check in self.checks if check.name == name), None)

    def defaults(self) -> dict[str, Any]:
        return {parameter.name: parameter.default for parameter in self.parameters}

    def title_with(self, values: Mapping[str, Any], lent: Mapping[str, str] | None = None) -> Text:
        """The title with its `{parameter}` placeholders filled from raw values (`换班每人每月不得超过2次`); `lent`:
        the shown values of parameters the rule borrows from another rule."""
        shown = _Shown({**(lent or {}), **{p.name: p.display(values.get(p.name, p.default)) for p in self.parameters}})
        return Text(self.title.zh.format_map(shown), self.title.en.format_map(shown))


@dataclass(frozen=True)
class Pack:
    """A policy pack: the rules that apply to one kind of organisation, faithful to its source texts."""

    id: str
    name: Text
    organisation_kind: str
    sources: tuple[str, ...]
    description: Text
    rules: tuple[Rule, ...]
    shifts: tuple[ShiftTemplate, ...] = ()
    path: Path | None = field(default=None, compare=False)

    def rule(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)

    def declares(self, rule_id: str) -> bool:
        return self.rule(rule_id) is not None

    @property
    def implemented_count(self) -> int:
        return sum(rule.implemented for rule in self.rules)

    @property
    def planned_count(self) -> int:
        return len(self.rules) - self.implemented_count


class _Reader:
    """Walks one pack's TOML data, collecting problems with their location."""

    def __init__(self, file_label: str, known: Catalogue) -> None:
        self.file_label = file_label
        self.catalogue = known
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.file_label}: {where}: {message}")

    def unknown_keys(self, where: str, table: Mapping[str, Any], allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                self.problem(f"{where}.{key}" if where else key, f"unknown field (expected one of {sorted(allowed)})")

    def string(self, where: str, table: Mapping[str, Any], key: str, *, required: bool = True) -> str:
        value = table.get(key)
        path = f"{where}.{key}" if where else key
        if value is None:
            if required:
                self.problem(path, "missing")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(path, f"expected a non-empty string, got {parameters.shown(value)}")
            return ""
        return value

    def text(self, where: str, table: Mapping[str, Any], key: str | None = None) -> Text:
        """A `{ zh = …, en = … }` table (or the zh/en keys of `table` itself when key is None)."""
        if key is not None:
            value = table.get(key)
            path = f"{where}.{key}" if where else key
            if not isinstance(value, dict):
                self.problem(path, "missing { zh = …, en = … }" if value is None else "expected { zh = …, en = … }")
                return Text("", "")
            self.unknown_keys(path, value, {"zh", "en"})
            return Text(self.string(path, value, "zh"), self.string(path, value, "en"))
        return Text(self.string(where, table, "zh"), self.string(where, table, "en"))

    def pack(self, data: Mapping[str, Any], path: Path | None) -> Pack:
        self.unknown_keys("", data, {"id", "name", "organisation_kind", "sources", "description", "rules", "shifts"})
        pack_id = self.string("", data, "id")
        if pack_id and not PACK_ID.match(pack_id):
            self.problem("id", f"{parameters.shown(pack_id)} is not a pack id (lower case, digits, hyphens)")
        if pack_id and path is not None and path.stem != pack_id:
            self.problem("id", f"{parameters.shown(pack_id)} must match the file name {path.name}")
        kind = self.string("", data, "organisation_kind")
        if kind and kind not in self.catalogue.organisation_kinds:
            self.problem(
                "organisation_kind",
                f"unknown kind {parameters.shown(kind)}; one of {sorted(self.catalogue.organisation_kinds)}",
            )
        sources = data.get("sources")
        if not isinstance(sources, list) or not sources:
            self.problem("sources", "expected a non-empty list of source texts (P1..P7)")
            sources = []
        for source in sources:
            if source not in self.catalogue.sources:
                self.problem(
                    "sources",
                    f"unknown source {parameters.shown(source)}; one of {sorted(self.catalogue.sources)}",
                )
        raw_rules = data.get("rules")
        if not isinstance(raw_rules, list) or not raw_rules:
            self.problem("rules", "a pack declares at least one [[rules]] entry")
            raw_rules = []
        rules: list[Rule] = []
        seen: set[str] = set()
        for index, raw in enumerate(raw_rules):
            if not isinstance(raw, dict):
                self.problem(f"rules[{index}]", "expected a table")
                continue
            rule = self.rule(index, raw, tuple(str(s) for s in sources))
            if rule.id in seen:
                self.problem(rule.id, "duplicate rule ID in this pack")
                continue
            if rule.id:
                seen.add(rule.id)
            rules.append(rule)
        declared = {
            (rule.id, parameter.name): parameter.type
            for rule in rules
            if rule.implemented
            for parameter in rule.parameters
        }
        shifts = read_shifts(
            data.get("shifts"), self.problem, self.text, lambda rule_id, name: declared.get((rule_id, name))
        )
        return Pack(
            id=pack_id,
            name=self.text("", data, "name"),
            organisation_kind=kind,
            sources=tuple(str(s) for s in sources),
            description=self.text("", data, "description"),
            rules=tuple(rules),
            shifts=shifts,
            path=path,
        )

    def rule(self, index: int, raw: Mapping[str, Any], pack_sources: tuple[str, ...]) -> Rule:
        rule_id = raw.get("id")
        where = rule_id if isinstance(rule_id, str) and rule_id else f"rules[{index}]"
        if not isinstance(rule_id, str) or not rule_id:
            self.problem(f"{where}.id", "missing")
            rule_id = ""
        elif rule_id not in self.catalogue.rules:
            self.problem(where, "unknown rule ID (not in the REQUIREMENTS catalogue)")
        self.unknown_keys(where, raw, {"id", "title", "status", "citation", "parameters", "checks"})
        status = raw.get("status")
        if status not in STATUSES:
            self.problem(f"{where}.status", f"expected one of {list(STATUSES)}, got {parameters.shown(status)}")
            status = "planned"
        params = self.parameters(where, raw.get("parameters", {}))
        title = self.text(where, raw, "title")
        self.placeholders(f"{where}.title", title, {p.name for p in params} | _borrowed_names(rule_id))
        return Rule(
            id=rule_id,
            title=title,
            status="implemented" if status == "implemented" else "planned",
            citation=self.citation(where, raw.get("citation"), pack_sources),
            parameters=params,
            checks=self.checks(where, raw.get("checks")),
        )

    def placeholders(self, where: str, text: Text, names: set[str]) -> None:
        for language, value in (("zh", text.zh), ("en", text.en)):
            try:
                fields = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
            except ValueError as error:
                self.problem(f"{where}.{language}", f"bad placeholder: {error}")
                continue
            for name in fields:
                if name not in names:
                    self.problem(f"{where}.{language}", f"placeholder {{{name}}} names no parameter of this rule")

    def citation(self, where: str, raw: Any, pack_sources: tuple[str, ...]) -> Citation:
        path = f"{where}.citation"
        if not isinstance(raw, dict):
            self.problem(path, 'missing citation (source P1..P7 with clause, or source = "default")')
            return Citation(DEFAULT_SOURCE, "", Text("", ""))
        self.unknown_keys(path, raw, {"source", "clause", "zh", "en"})
        source = self.string(path, raw, "source")
        if source and source != DEFAULT_SOURCE:
            if source not in self.catalogue.sources:
                self.problem(f"{path}.source", f"unknown source {parameters.shown(source)}")
            elif source not in pack_sources:
                self.problem(f"{path}.source", f"{source} is not among this pack's sources {list(pack_sources)}")
        clause = self.string(path, raw, "clause", required=source not in ("", DEFAULT_SOURCE))
        return Citation(source=source, clause=clause, text=self.text(path, raw))

    def parameters(self, where: str, raw: Any) -> tuple[Parameter, ...]:
        path = f"{where}.parameters"
        if not isinstance(raw, dict):
            self.problem(path, "expected a table of parameters")
            return ()
        found = []
        for name, spec in raw.items():
            found.append(self.parameter(f"{path}.{name}", name, spec))
        return tuple(found)

    def parameter(self, path: str, name: str, spec: Any) -> Parameter:
        if not NAME.match(name):
            self.problem(path, "a parameter name is lower case with underscores")
        if not isinstance(spec, dict):
            self.problem(path, "expected { type = …, default = …, zh = …, en = … }")
            return Parameter(name, "str", "", Text("", ""))
        self.unknown_keys(path, spec, {"type", "default", "min", "max", "choices", "zh", "en"})
        ptype = spec.get("type")
        label = self.text(path, spec)
        if ptype not in parameters.PARAMETER_TYPES:
            self.problem(
                f"{path}.type",
                f"expected one of {list(parameters.PARAMETER_TYPES)}, got {parameters.shown(ptype)}",
            )
            return Parameter(name, "str", spec.get("default"), label)
        choices = spec.get("choices", [])
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            self.problem(f"{path}.choices", "expected a list of strings")
            choices = []
        if ptype == "enum" and not choices:
            self.problem(f"{path}.choices", "an enum parameter lists its choices")
        if choices and ptype not in ("enum", "list[str]", "str"):
            self.problem(f"{path}.choices", f"a {ptype} parameter has no choices")
        bounds: dict[str, Any] = {}
        for key in ("min", "max"):
            if key not in spec:
                continue
            if ptype not in parameters.ORDERED_TYPES:
                self.problem(f"{path}.{key}", f"a {ptype} parameter has no {key}")
                continue
            problem = parameters.shape_error(ptype, spec[key])
            if problem:
                self.problem(f"{path}.{key}", problem)
                continue
            bounds[key] = spec[key]
        inverted = (
            "min" in bounds
            and "max" in bounds
            and (parameters.to_python(ptype, bounds["min"]) > parameters.to_python(ptype, bounds["max"]))
        )
        if inverted:
            self.problem(path, f"min {parameters.shown(bounds['min'])} is above max {parameters.shown(bounds['max'])}")
            bounds.clear()
        parameter = Parameter(
            name=name,
            type=ptype,
            default=spec.get("default"),
            label=label,
            minimum=bounds.get("min"),
            maximum=bounds.get("max"),
            choices=tuple(choices),
        )
        if "default" not in spec:
            self.problem(f"{path}.default", "missing")
        else:
            problem = parameter.problem(spec["default"])
            if problem:
                self.problem(f"{path}.default", problem)
        return parameter

    def checks(self, where: str, raw: Any) -> tuple[Check, ...]:
        path = f"{where}.checks"
        if not isinstance(raw, list) or not raw:
            self.problem(path, "a rule declares at least one check (name, severity, zh, en)")
            return ()
        found: list[Check] = []
        for index, spec in enumerate(raw):
            item = f"{path}[{index}]"
            if not isinstance(spec, dict):
                self.problem(item, "expected { name = …, severity = …, zh = …, en = … }")
                continue
            self.unknown_keys(item, spec, {"name", "severity", "zh", "en"})
            name = self.string(item, spec, "name")
            if name and not NAME.match(name):
                self.problem(f"{item}.name", "a check name is lower case with underscores")
            if name and any(check.name == name for check in found):
                self.problem(f"{item}.name", f"duplicate check {parameters.shown(name)}")
            severity = spec.get("severity")
            if severity not in Severity._value2member_map_:
                self.problem(
                    f"{item}.severity",
                    f"expected one of {[s.value for s in Severity]}, got {parameters.shown(severity)}",
                )
                severity = Severity.RECORD
            found.append(Check(name=name, severity=Severity(str(severity)), description=self.text(item, spec)))
        return tuple(found)


def parse_pack(data: Mapping[str, Any], *, file_label: str, path: Path | None = None) -> tuple[Pack, list[str]]:
    """The pack and every problem of its structure and values (empty when it is sound)."""
    reader = _Reader(file_label, catalogue())
    pack = reader.pack(data, path)
    return pack, reader.problems


def read_pack_file(path: Path) -> tuple[Pack | None, list[str]]:
    """Read and parse one TOML file; a syntax error is one problem naming the file and line."""
    label = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        return None, [f"{label}: cannot read: {error.strerror or error}"]
    except tomllib.TOMLDecodeError as error:
        return None, [f"{label}: not valid TOML: {error}"]
    pack, problems = parse_pack(data, file_label=label, path=path)
    return pack, problems


def builtin_pack_paths() -> list[Path]:
    return sorted(PACKS_DIR.glob("*.toml"))


@cache
def builtin_packs() -> Mapping[str, Pack]:
    """The five templates shipped with the product, by pack id; PackError if any is unsound."""
    packs: dict[str, Pack] = {}
    problems: list[str] = []
    for path in builtin_pack_paths():
        pack, found = read_pack_file(path)
        problems.extend(found)
        if pack is not None:
            packs[pack.id] = pack
    if problems:
        raise PackError(problems)
    return packs


def get_pack(pack_id: str) -> Pack:
    """A shipped pack by id; KeyError naming the known ids."""
    packs = builtin_packs()
    if pack_id not in packs:
        raise KeyError(f"unknown policy pack {pack_id!r}; one of {sorted(packs)}")
    return packs[pack_id]
