"""Which code reads each declared parameter: a parameter nothing reads is one a policy editor changes for nothing.
Django-free; read by `zhiban policy validate` (`validation.py`).

A parameter of a rule counts as read when its name appears as a string literal (`params["min_rest"]`,
`params.get("order")`) in the rule's own module, in a module that borrows it (BORROWS), or in a non-test module of
`zhiban` that names the rule (its ID as a literal, or its module); or when a `[[shifts]]` field of the pack refers to
it (`"ROS-01.office_start"`). Title placeholders do not count: showing a value is not obeying it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from zhiban.policy.packs import Pack
from zhiban.policy.registry import Registry, expected_module_name
from zhiban.policy.shift_templates import Reference

PACKAGE = Path(__file__).resolve().parent.parent  # zhiban/


@cache
def _literals(path: Path) -> frozenset[str]:
    """Every string literal of a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return frozenset(
        node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


@cache
def _patterns(path: Path) -> tuple[re.Pattern[str], ...]:
    """The f-strings of a Python file as patterns (`f"points_{category}"` reads `points_weekday`, …)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr):
            continue
        parts = [re.escape(str(part.value)) if isinstance(part, ast.Constant) else "[a-z0-9_]+" for part in node.values]
        if any(isinstance(part, ast.Constant) and str(part.value).strip("_") for part in node.values):
            found.append(re.compile("".join(parts)))
    return tuple(found)


def _reads(path: Path, name: str) -> bool:
    return name in _literals(path) or any(pattern.fullmatch(name) for pattern in _patterns(path))


@cache
def _sources() -> tuple[Path, ...]:
    return tuple(
        path for path in sorted(PACKAGE.rglob("*.py")) if "tests" not in path.parts and "migrations" not in path.parts
    )


def _names_rule(path: Path, rule_id: str) -> bool:
    module = expected_module_name(rule_id)
    text = path.read_text(encoding="utf-8")
    return rule_id in _literals(path) or re.search(rf"\b{module}\b", text) is not None


@cache
def _readers(rule_id: str, module_file: str | None) -> tuple[Path, ...]:
    found = [path for path in _sources() if _names_rule(path, rule_id)]
    if module_file:
        found.append(Path(module_file))
    return tuple(found)


def _module_file(registry: Registry, rule_id: str) -> str | None:
    module = registry.get(rule_id)
    if module is None:
        return None
    import importlib

    return importlib.import_module(module.module_name).__file__


def unread_parameters(pack: Pack, registry: Registry) -> list[tuple[str, str]]:
    """(rule ID, parameter) of each parameter the pack declares on an implemented rule that no code reads."""
    referenced = {
        (value.rule_id, value.name)
        for template in pack.shifts
        for field in template.values.values()
        for value in (field if isinstance(field, tuple) else (field,))
        if isinstance(value, Reference)
    }
    borrowers: dict[tuple[str, str], list[str]] = {}
    for module in registry.modules.values():
        for name, holder in module.borrows.items():
            borrowers.setdefault((holder, name), []).append(module.rule_id)
    unread = []
    for rule in pack.rules:
        if not rule.implemented or registry.get(rule.id) is None:  # no module: reported as such, not twice
            continue
        for parameter in rule.parameters:
            key = (rule.id, parameter.name)
            if key in referenced:
                continue
            readers: Iterable[Path] = _readers(rule.id, _module_file(registry, rule.id))
            for borrower in borrowers.get(key, []):
                readers = [*readers, *_readers(borrower, _module_file(registry, borrower))]
            if not any(_reads(path, parameter.name) for path in readers):
                unread.append(key)
    return unread
