"""The org app's section of the home page (registered from `OrgConfig.ready`): the welcome, the administrator role
(三员分立), the person's roles and the units they manage."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from zhiban.accounts.models import AdminRole, User
from zhiban.org import selectors

TEMPLATE = "org/_home.html"
MANAGED_UNITS_SHOWN = 20


def home_values(request: HttpRequest) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    return {
        "person": selectors.person_for_user(user),
        "admin_role": user.admin_role,
        "admin_role_label": user.get_admin_role_display(),
        "account_security": user.admin_role == AdminRole.SECURITY,
        "roles": selectors.roles_for_user(user),
        "managed_units": selectors.unit_list(user=user, action="manage")[:MANAGED_UNITS_SHOWN],
    }
