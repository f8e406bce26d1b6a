"""Validation of a set of packs against the catalogue and the rule registry. Django-free.

Beyond each file's own structure (`packs.parse_pack`) a set is wrong when: two files declare the
same pack id; a rule is `implemented` with no module in the registry, or names a check its module
lacks; a rule module could not be loaded; a catalogue rule is declared by no pack; an implemented rule declares a
parameter no code reads (`readers.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from zhiban.policy.catalogue import catalogue
from zhiban.policy.packs import Pack, builtin_pack_paths, read_pack_file
from zhiban.policy.readers import unread_parameters
from zhiban.policy.registry import Registry, registry


@dataclass(frozen=True)
class ValidationReport:
    """The packs read and every problem found; `ok` when there is none."""

    packs: tuple[Pack, ...]
    errors: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def _registry_problems(pack: Pack, file_label: str, rules: Registry) -> list[str]:
    problems = []
    for rule in pack.rules:
        if not rule.implemented:
            continue
        module = rules.get(rule.id)
        if module is None:
            problems.append(
                f"{file_label}: {rule.id}.status: implemented, but no rule module defines RULE_ID "
                f'"{rule.id}" (expected zhiban/policy/rules/{rule.id.lower().replace("-", "_")}.py)'
            )
            continue
        for name, holder in module.borrows.items():
            lender = pack.rule(holder)
            shown = "{" + name + "}" in rule.title.zh + rule.title.en
            if shown and (lender is None or all(p.name != name for p in lender.parameters)):
                problems.append(f"{file_label}: {rule.id}.title shows {holder}.{name}, which the pack does not declare")
            if any(p.name == name for p in rule.parameters):
                problems.append(f"{file_label}: {rule.id}.parameters.{name}: held by {holder}; declare it there only")
        for index, check in enumerate(rule.checks):
            if check.name not in module.checks:
                problems.append(
                    f"{file_label}: {rule.id}.checks[{index}].name: {module.module_name} has no check "
                    f"{check.name!r} (it has {sorted(module.checks)})"
                )
    return problems


def validate_paths(
    paths: Iterable[Path], *, rules: Registry | None = None, require_coverage: bool = True
) -> ValidationReport:
    """Validate the given pack files as one set (the product's packs when complete)."""
    rules = rules if rules is not None else registry()
    errors: list[str] = [f"rule registry: {problem}" for problem in rules.errors]
    packs: list[Pack] = []
    by_id: dict[str, str] = {}
    for path in paths:
        pack, problems = read_pack_file(path)
        errors.extend(problems)
        if pack is None:
            continue
        if pack.id in by_id:
            errors.append(f"{path.name}: id: pack {pack.id!r} is already declared by {by_id[pack.id]}")
            continue
        by_id[pack.id] = path.name
        errors.extend(_registry_problems(pack, path.name, rules))
        errors.extend(
            f"{path.name}: {rule_id}.parameters.{name}: declared, but no code reads it (a change would change nothing)"
            for rule_id, name in unread_parameters(pack, rules)
        )
        packs.append(pack)
    if require_coverage:
        declared = {rule.id for pack in packs for rule in pack.rules}
        for rule_id in catalogue().rules:
            if rule_id not in declared:
                errors.append(f"catalogue: {rule_id}: declared by no pack")
    return ValidationReport(packs=tuple(packs), errors=tuple(errors))


def validate_with_replacements(files: Sequence[Path], *, rules: Registry | None = None) -> ValidationReport:
    """Validate `files` in place of the shipped packs with the same file name, beside the others.

    So `zhiban policy validate my-service-center.toml` answers "would the product's set still be
    valid with this file"; a file with a new name joins the set.
    """
    replaced = {path.name for path in files}
    kept = [path for path in builtin_pack_paths() if path.name not in replaced]
    return validate_paths([*kept, *files], rules=rules)


def validate_builtin(*, rules: Registry | None = None) -> ValidationReport:
    return validate_paths(builtin_pack_paths(), rules=rules)
