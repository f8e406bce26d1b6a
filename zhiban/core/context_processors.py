from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from zhiban.accounts.models import AdminRole
from zhiban.accounts.second_factor import requires_second_factor
from zhiban.core import clock
from zhiban.core.dates import date_label
from zhiban.core.navigation import MODULES, Module


def _visible_modules(request: HttpRequest) -> list[Module]:
    """No navigation before the second factor is passed; the audit trail only for its administrator."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    if not user.is_verified() and requires_second_factor(user):
        return []
    can_audit = user.is_superuser or user.admin_role == AdminRole.AUDIT
    return [m for m in MODULES if m.slug != "audit" or can_audit]


def navigation(request: HttpRequest) -> dict[str, Any]:
    items = []
    for module in _visible_modules(request):
        try:
            url = reverse(module.url_name) if module.url_name else reverse("core:module", args=[module.slug])
        except NoReverseMatch:
            url = reverse("core:module", args=[module.slug])
        items.append({"label": module.label, "url": url, "active": request.path.startswith(url) and url != "/"})
    user = getattr(request, "user", None)
    display = ""
    if user is not None and user.is_authenticated:
        person = getattr(user, "person", None)
        display = person.name if person is not None else user.get_username()
    return {"nav_modules": items, "user_display_name": display, "today_label": date_label(clock.today())}
