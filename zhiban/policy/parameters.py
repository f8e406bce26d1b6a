"""Parameter types of policy packs: checking raw values, turning them into Python values, parsing input.

A raw value is what TOML and the overrides JSON hold (int, float, bool, str, list of str); the
rule modules receive the Python value (`time` → `datetime.time`, `duration` → `datetime.timedelta`,
`list[str]` → tuple). Django-free.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Any

PARAMETER_TYPES = ("int", "float", "bool", "str", "time", "duration", "list[str]", "enum", "month_day")
ORDERED_TYPES = frozenset({"int", "float", "time", "duration"})

TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
MONTH_DAY_PATTERN = re.compile(r"^(\d\d)-(\d\d)$")
DURATION_PATTERN = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")
DURATION_HINT = 'a duration like "72h", "1d12h" or "30m"'


def shown(value: Any) -> str:
    """A value as it appears in an error message: `"two"`, `2`, `["a", "b"]`."""
    return json.dumps(value, ensure_ascii=False)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_month_day(value: Any) -> bool:
    match = MONTH_DAY_PATTERN.match(value) if isinstance(value, str) else None
    if match is None:
        return False
    try:
        dt.date(2001, int(match[1]), int(match[2]))  # a common year: no season starts on 29 February
    except ValueError:
        return False
    return True


def shape_error(ptype: str, value: Any) -> str | None:
    """Why `value` is not a raw value of `ptype`, or None (ignores choices and range)."""
    if ptype == "int" and not _is_int(value):
        return f"expected int, got {shown(value)}"
    if ptype == "float" and not (_is_int(value) or isinstance(value, float)):
        return f"expected float, got {shown(value)}"
    if ptype == "bool" and not isinstance(value, bool):
        return f"expected bool, got {shown(value)}"
    if ptype in ("str", "enum") and not isinstance(value, str):
        return f"expected {ptype}, got {shown(value)}"
    if ptype == "time" and not (isinstance(value, str) and TIME_PATTERN.match(value)):
        return f'expected time "HH:MM", got {shown(value)}'
    if ptype == "month_day" and not _is_month_day(value):
        return f'expected a day of the year "MM-DD" (like "05-01"), got {shown(value)}'
    if ptype == "duration" and not (isinstance(value, str) and value and DURATION_PATTERN.match(value)):
        return f"expected {DURATION_HINT}, got {shown(value)}"
    if ptype == "list[str]":
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return f"expected list[str], got {shown(value)}"
        if len(set(value)) != len(value):
            return f"list has a duplicate: {shown(value)}"
    return None


def to_python(ptype: str, value: Any) -> Any:
    """The value a rule module receives. `value` must already pass `shape_error`."""
    if ptype == "float":
        return float(value)
    if ptype == "time":
        hours, minutes = value.split(":")
        return dt.time(int(hours), int(minutes))
    if ptype == "duration":
        match = DURATION_PATTERN.match(value)
        assert match is not None
        days, hours, minutes = (int(part or 0) for part in match.groups())
        return dt.timedelta(days=days, hours=hours, minutes=minutes)
    if ptype == "list[str]":
        return tuple(value)
    return value


def value_error(
    ptype: str,
    value: Any,
    *,
    choices: Sequence[str] = (),
    minimum: Any = None,
    maximum: Any = None,
) -> str | None:
    """Why `value` is not acceptable for a parameter of this type, choices and range; or None."""
    problem = shape_error(ptype, value)
    if problem:
        return problem
    if choices:
        items = value if ptype == "list[str]" else [value]
        for item in items:
            if item not in choices:
                return f"{shown(item)} is not one of {shown(list(choices))}"
    if ptype in ORDERED_TYPES:
        python_value = to_python(ptype, value)
        if minimum is not None and python_value < to_python(ptype, minimum):
            return f"{shown(value)} is below the minimum {shown(minimum)}"
        if maximum is not None and python_value > to_python(ptype, maximum):
            return f"{shown(value)} is above the maximum {shown(maximum)}"
    return None


def display(ptype: str, value: Any) -> str:
    """A raw value as people read it (in titles, tables and forms)."""
    if ptype == "bool":
        return "true" if value else "false"
    if ptype == "list[str]":
        return ", ".join(value) if value else "—"
    return str(value)


def parse_text(ptype: str, text: str) -> Any:
    """The raw value typed into a form field; ValueError with a message naming what was expected."""
    text = text.strip()
    if ptype == "int":
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"expected int, got {shown(text)}") from None
    if ptype == "float":
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"expected float, got {shown(text)}") from None
    if ptype == "bool":
        lowered = text.lower()
        if lowered in {"true", "1", "yes", "on"}:
            return True
        if lowered in {"false", "0", "no", "off", ""}:
            return False
        raise ValueError(f"expected bool, got {shown(text)}")
    if ptype == "list[str]":
        return [item.strip() for item in re.split(r"[,，、\n]", text) if item.strip()]
    return text
