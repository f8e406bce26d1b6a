"""The shift types a pack describes, as data (`[[shifts]]` in the pack's TOML). Django-free.

Each value is written either as itself (`"08:00"`, `1`, `true`) or as a reference to one of the pack's parameters
(`"CAL-02.work_end"`), so that a policy editor who changes the parameter changes the shift. A shift runs on the
kinds of day it lists; its winter times default to its summer ones.

    [[shifts]]
    code = "after_hours"
    name = { zh = "下班后值班", en = "after-hours duty" }
    days = ["workday"]
    starts = "CAL-02.work_end"
    ends = "CAL-02.work_start"
    officers = "ROS-01.officers_per_shift"
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy import parameters
from zhiban.policy.catalogue import Text

DAY_KINDS = ("workday", "rest_day", "holiday")
REFERENCE = re.compile(r"^(?P<rule>[A-Z]+-\d+)\.(?P<name>[a-z][a-z0-9_]*)$")
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
# field: (parameter type, default when the field is absent)
FIELDS: dict[str, tuple[str, Any]] = {
    "starts": ("time", None),
    "ends": ("time", None),
    "winter_starts": ("time", None),
    "winter_ends": ("time", None),
    "officers": ("int", 1),
    "leader": ("bool", False),
    "driver": ("bool", False),
    "night": ("bool", False),  # a night shift (夜班), which duty points count extra
    "office_until": ("time", None),  # in the office (坐班) until then, by phone after (bureau P3 二.1)
}
# list fields: each item is a value of the type (or a reference); `handovers` are the times within a shift at which
# the people on it hand over (bureau-shifts P5 二(1): "中午、下午按要求做好交接班")
LIST_FIELDS: dict[str, str] = {"handovers": "time"}


@dataclass(frozen=True)
class Reference:
    """A pack parameter a shift's value follows."""

    rule_id: str
    name: str

    def __str__(self) -> str:
        return f"{self.rule_id}.{self.name}"


@dataclass(frozen=True)
class ShiftTemplate:
    code: str
    name: Text
    days: tuple[str, ...]
    values: Mapping[str, Any]  # field → literal value or Reference

    @property
    def rule_ids(self) -> frozenset[str]:
        """The rules whose parameters this shift follows."""
        flat = [item for v in self.values.values() for item in (v if isinstance(v, tuple) else (v,))]
        return frozenset(v.rule_id for v in flat if isinstance(v, Reference))

    def values_of(self, field: str, live: Callable[[str], Mapping[str, Any]]) -> tuple[Any, ...]:
        """A list field's values under the live parameters (empty when the pack gives none)."""
        ptype = LIST_FIELDS[field]
        result = []
        for raw in self.values.get(field, ()):
            value = live(raw.rule_id)[raw.name] if isinstance(raw, Reference) else raw
            result.append(
                dt.time.fromisoformat(str(value)) if ptype == "time" and not isinstance(value, dt.time) else value
            )
        return tuple(result)

    def value(self, field: str, live: Callable[[str], Mapping[str, Any]]) -> Any:
        """The field's value under the live parameters (`live(rule_id)` → that rule's parameter values)."""
        raw = self.values.get(field, FIELDS[field][1])
        if field.startswith("winter_") and raw is None:
            raw = self.values.get(field.removeprefix("winter_"))
        if isinstance(raw, Reference):
            raw = live(raw.rule_id)[raw.name]
        ptype = FIELDS[field][0]
        if raw is None:
            return None
        return dt.time.fromisoformat(str(raw)) if ptype == "time" and not isinstance(raw, dt.time) else raw


Problem = Callable[[str, str], None]
ParameterType = Callable[[str, str], str | None]


def read_shifts(
    raw: Any, problem: Problem, text: Callable[[str, Mapping[str, Any], str], Text], parameter_type: ParameterType
) -> tuple[ShiftTemplate, ...]:
    """The pack's `[[shifts]]`, each problem reported with its place. `parameter_type(rule, name)` is the type of a
    parameter the pack declares on an implemented rule (None when it declares none such)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problem("shifts", "expected [[shifts]] tables")
        return ()
    templates: list[ShiftTemplate] = []
    for index, entry in enumerate(raw):
        where = f"shifts[{index}]"
        if not isinstance(entry, dict):
            problem(where, "expected a table")
            continue
        for key in entry:
            if key not in {"code", "name", "days", *FIELDS, *LIST_FIELDS}:
                known = sorted({"code", "name", "days", *FIELDS, *LIST_FIELDS})
                problem(f"{where}.{key}", f"unknown field (expected one of {known})")
        code = entry.get("code")
        if not isinstance(code, str) or not CODE.match(code):
            problem(f"{where}.code", f"expected a code like after_hours, got {parameters.shown(code)}")
            code = ""
        elif code in {t.code for t in templates}:
            problem(f"{where}.code", f"{code} is already a shift of this pack")
        days = entry.get("days")
        if not isinstance(days, list) or not days or any(d not in DAY_KINDS for d in days):
            problem(f"{where}.days", f"expected a non-empty list of {list(DAY_KINDS)}")
            days = []
        values: dict[str, Any] = {}
        for field, (ptype, _default) in FIELDS.items():
            if field not in entry:
                if field in ("starts", "ends"):
                    problem(f"{where}.{field}", "missing")
                continue
            values[field] = _value(f"{where}.{field}", ptype, entry[field], problem, parameter_type)
        for field, ptype in LIST_FIELDS.items():
            if field not in entry:
                continue
            if not isinstance(entry[field], list):
                problem(f"{where}.{field}", f"expected a list of {ptype} values or references")
                continue
            values[field] = tuple(
                _value(f"{where}.{field}[{i}]", ptype, item, problem, parameter_type)
                for i, item in enumerate(entry[field])
            )
        templates.append(ShiftTemplate(code, text(where, entry, "name"), tuple(days), values))
    return tuple(templates)


def _value(
    where: str,
    ptype: str,
    raw: Any,
    problem: Callable[[str, str], None],
    parameter_type: Callable[[str, str], str | None],
) -> Any:
    match = REFERENCE.match(raw) if isinstance(raw, str) else None
    if match:
        declared = parameter_type(match["rule"], match["name"])
        if declared is None:
            problem(where, f"{raw} is no parameter of an implemented rule of this pack")
        elif declared != ptype:
            problem(where, f"{raw} is a {declared} parameter; this field needs a {ptype}")
        return Reference(match["rule"], match["name"])
    error = parameters.value_error(ptype, raw)
    if error:
        problem(where, error)
    return raw
