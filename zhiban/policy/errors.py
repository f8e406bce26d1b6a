"""RuleViolationError: a refusal by the rule engine, shaped as a Django ValidationError."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation

from zhiban.policy.engine import CitedFinding, Outcome


class RuleViolationError(ValidationError):
    """The engine refused a change. Each message cites its rule, pack, clause and policy version.

    `findings` are the refusing findings (`CitedFinding`), `outcome` the whole evaluation (with its
    warnings). Raised with `field`, the messages attach to that form field; with `field_of`, each
    message attaches to the field that function names for its finding (None: a non-field error);
    otherwise they are non-field errors. `codes` are the stable machine-readable codes
    (`ORG-03.outsider_never_on_duty`).
    """

    def __init__(
        self,
        outcome: Outcome,
        *,
        field: str | None = None,
        field_of: Callable[[CitedFinding], str | None] | None = None,
    ) -> None:
        self.outcome = outcome
        self.findings: tuple[CitedFinding, ...] = outcome.violations
        language = translation.get_language() or "zh-hans"
        errors = [ValidationError(finding.message(language), code=finding.code) for finding in self.findings]
        if field_of is not None:
            by_field: dict[str, list[ValidationError]] = {}
            for finding, error in zip(self.findings, errors, strict=True):
                by_field.setdefault(field_of(finding) or field or NON_FIELD_ERRORS, []).append(error)
            super().__init__(by_field)
        elif field:
            super().__init__({field: errors})
        else:
            super().__init__(errors)

    @property
    def codes(self) -> list[str]:
        return [finding.code for finding in self.findings]

    @property
    def rule_ids(self) -> list[str]:
        return list(dict.fromkeys(finding.rule_id for finding in self.findings))

    def as_dicts(self) -> list[dict[str, Any]]:
        """The refusing findings as plain data (for the API)."""
        return [finding.as_dict() for finding in self.findings]
