"""Two questions about a signed-in user that core's pages ask and the accounts app answers: may they read the audit
trail (三员分立: the audit administrator), and is everything still withheld until they pass a second factor.

core sits below accounts and imports nothing of it, so accounts registers the answers in `AccountsConfig.ready()`.
Until then only a superuser reads the audit trail, and nothing is withheld.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Question = Callable[[Any], bool]


def _superuser(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False))


def _nothing_withheld(user: Any) -> bool:
    return False


_answers: dict[str, Question] = {"reads_audit_trail": _superuser, "awaits_second_factor": _nothing_withheld}


def answer(*, reads_audit_trail: Question, awaits_second_factor: Question) -> None:
    """Called once from the accounts app's `ready()`."""
    _answers["reads_audit_trail"] = reads_audit_trail
    _answers["awaits_second_factor"] = awaits_second_factor


def reads_audit_trail(user: Any) -> bool:
    """Whether the signed-in user may read the audit trail."""
    return _answers["reads_audit_trail"](user)


def awaits_second_factor(user: Any) -> bool:
    """Whether the signed-in user must still pass a second factor before the site shows them anything."""
    return _answers["awaits_second_factor"](user)
