"""The rule registry: finds every module of `zhiban.policy.rules` by its RULE_ID. Django-free."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any

from zhiban.policy import rules as rules_package
from zhiban.policy.findings import Finding

CheckFunction = Callable[[Any, Mapping[str, Any]], list[Finding]]

MODULE_NAME = re.compile(r"^[a-z]+_\d{2}$")


@dataclass(frozen=True)
class CheckSpec:
    """One check of a rule module: its name, function and the facts type it reads."""

    name: str
    function: CheckFunction
    facts_type: type

    def accepts(self, facts: object) -> bool:
        return isinstance(facts, self.facts_type)


@dataclass(frozen=True)
class RuleModule:
    """A discovered rule module."""

    rule_id: str
    module_name: str
    checks: Mapping[str, CheckSpec]
    # parameters the rule reads but another rule holds (one parameter, one place): name → the holder's rule ID
    borrows: Mapping[str, str] = field(default_factory=dict)
    # the rule's solver form: (roster facts, params) → the constraints it adds to the solver's problem
    shape: Callable[[Any, Mapping[str, Any]], Any] | None = None


@dataclass(frozen=True)
class Registry:
    """All rule modules by rule ID, and the problems met while discovering them."""

    modules: Mapping[str, RuleModule]
    errors: tuple[str, ...] = ()

    def get(self, rule_id: str) -> RuleModule | None:
        return self.modules.get(rule_id)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self.modules


def expected_module_name(rule_id: str) -> str:
    """`ORG-03` → `org_03`."""
    return rule_id.lower().replace("-", "_")


def _facts_type(name: str, function: Callable[..., Any]) -> type:
    parameters = list(inspect.signature(function).parameters.values())
    if len(parameters) != 2:
        raise TypeError(f"check {name!r} must take (facts, params), it takes {len(parameters)} parameters")
    hints = typing.get_type_hints(function)
    facts_type = hints.get(parameters[0].name)
    if not isinstance(facts_type, type):
        raise TypeError(f"check {name!r}: annotate its first parameter with the facts dataclass")
    return facts_type


def _read_module(module: ModuleType) -> RuleModule:
    rule_id = getattr(module, "RULE_ID", None)
    if not isinstance(rule_id, str):
        raise TypeError("defines no RULE_ID string")
    short_name = module.__name__.rsplit(".", 1)[-1]
    if short_name != expected_module_name(rule_id):
        raise TypeError(f"RULE_ID {rule_id!r} belongs in {expected_module_name(rule_id)}.py")
    declared = getattr(module, "CHECKS", None)
    if not isinstance(declared, Mapping) or not declared:
        raise TypeError("defines no CHECKS mapping of check name → function")
    checks: dict[str, CheckSpec] = {}
    for name, function in declared.items():
        if not callable(function):
            raise TypeError(f"CHECKS[{name!r}] is not a function")
        checks[name] = CheckSpec(name=name, function=function, facts_type=_facts_type(name, function))
    borrows = getattr(module, "BORROWS", {})
    if not isinstance(borrows, Mapping) or not all(isinstance(v, str) for v in borrows.values()):
        raise TypeError("BORROWS must map a parameter name to the rule ID that holds it")
    shape = getattr(module, "shape", None)
    if shape is not None and not callable(shape):
        raise TypeError("shape is not a function")
    return RuleModule(rule_id=rule_id, module_name=module.__name__, checks=checks, borrows=dict(borrows), shape=shape)


def discover(package: ModuleType = rules_package) -> Registry:
    """Import every `<area>_<nn>` module of the package; collect them by RULE_ID."""
    modules: dict[str, RuleModule] = {}
    errors: list[str] = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.ispkg or not MODULE_NAME.match(info.name):
            continue
        qualified = f"{package.__name__}.{info.name}"
        try:
            found = _read_module(importlib.import_module(qualified))
        except Exception as error:  # a broken rule module is reported, not fatal to the others
            errors.append(f"{qualified}: {error}")
            continue
        if found.rule_id in modules:
            first = modules[found.rule_id].module_name
            errors.append(f"{qualified}: RULE_ID {found.rule_id} is already defined by {first}")
            continue
        modules[found.rule_id] = found
    return Registry(modules=modules, errors=tuple(errors))


@cache
def registry() -> Registry:
    """The registry of `zhiban.policy.rules`, discovered once per process."""
    return discover()
