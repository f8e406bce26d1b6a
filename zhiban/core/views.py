"""Home page, module placeholders and the audit trail (the duty board is the roster app's)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from zhiban.core import access
from zhiban.core.home import home_sections
from zhiban.core.models import AuditEvent
from zhiban.core.navigation import MODULES, visible_modules


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The sections the apps register (who you are, your roles, your units), then a card per module you may open."""
    context = {"sections": home_sections(request), "modules": visible_modules(request.user)}
    return render(request, "core/home.html", context)


@login_required
def module(request: HttpRequest, slug: str) -> HttpResponse:
    found = next((m for m in MODULES if m.slug == slug), None)
    if found is None:
        raise Http404
    return render(request, "core/module_placeholder.html", {"module": found})


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit trail, readable by the audit administrator only (三员分立)."""
    if not access.reads_audit_trail(request.user):
        raise PermissionDenied
    events = AuditEvent.objects.order_by("-sequence")
    if action := request.GET.get("action"):
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"page": page})
