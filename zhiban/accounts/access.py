"""The accounts app's answers to core's questions about a signed-in user (zhiban/core/access.py), registered in
`AccountsConfig.ready()`: the audit trail is the audit administrator's (三员分立), and an account that must pass TOTP
sees nothing until it has in this session."""

from __future__ import annotations

from typing import Any

from zhiban.accounts.models import AdminRole
from zhiban.accounts.second_factor import requires_second_factor


def reads_audit_trail(user: Any) -> bool:
    return bool(user.is_superuser or user.admin_role == AdminRole.AUDIT)


def awaits_second_factor(user: Any) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified is not None and is_verified()) and requires_second_factor(user)
