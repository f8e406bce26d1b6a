"""Home page per role, module placeholders and the audit trail (the duty board is the roster app's)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from zhiban.accounts.models import AdminRole, User
from zhiban.core.models import AuditEvent
from zhiban.core.navigation import MODULES
from zhiban.org import selectors as org_selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    context = {
        "admin_role": user.admin_role,
        "person": org_selectors.person_for_user(user),
        "roles": org_selectors.roles_for_user(user),
        "managed_units": org_selectors.unit_list(user=user, action="manage")[:20],
        "modules": [m for m in MODULES if m.slug not in ("board", "audit")],
    }
    return render(request, "core/home.html", context)


@login_required
def module(request: HttpRequest, slug: str) -> HttpResponse:
    found = next((m for m in MODULES if m.slug == slug), None)
    if found is None:
        raise Http404
    return render(request, "core/module_placeholder.html", {"module": found})


def _can_read_audit(user: User) -> bool:
    return user.is_superuser or user.admin_role == AdminRole.AUDIT


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit trail, readable by the audit administrator only (三员分立)."""
    user: User = request.user  # type: ignore[assignment]
    if not _can_read_audit(user):
        raise PermissionDenied
    events = AuditEvent.objects.order_by("-sequence")
    if action := request.GET.get("action"):
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"page": page})
