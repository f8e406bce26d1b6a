"""Inbox pages: the list, marking read (htmx), the unread badge and the channel preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiban.accounts.models import User
from zhiban.notify import selectors, services
from zhiban.notify.models import Notification

PAGE_SIZE = 50
CHANGED = "inbox-changed"  # htmx event: the badge refreshes itself


def _list_context(request: HttpRequest, user: User) -> dict[str, object]:
    unread_only = request.GET.get("unread") == "1"
    notifications = selectors.notification_list(user=user, unread_only=unread_only)
    return {
        "page": Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page")),
        "unread_only": unread_only,
        "inbox_unread_count": selectors.unread_count(user=user),
    }


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(request, "notify/inbox.html", _list_context(request, user))


@login_required
@require_POST
def mark_read(request: HttpRequest, public_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        notification = selectors.notification_get(user=user, public_id=public_id)
    except Notification.DoesNotExist:
        raise Http404 from None
    notification = services.notification_mark_read(actor=user, notification=notification)
    if request.htmx:  # type: ignore[attr-defined]
        response = render(request, "notify/_notification.html", {"notification": notification})
        response["HX-Trigger"] = CHANGED
        return response
    return redirect("notify:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    services.notification_mark_all_read(actor=user)
    if request.htmx:  # type: ignore[attr-defined]
        response = render(request, "notify/_list.html", _list_context(request, user))
        response["HX-Trigger"] = CHANGED
        return response
    return redirect("notify:inbox")


@login_required
def badge(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(request, "notify/_badge.html", {"inbox_unread_count": selectors.unread_count(user=user)})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        for setting in selectors.channel_settings(user=user):
            if not setting.always_on:
                services.channel_preference_set(
                    actor=user, user=user, channel=setting.name, enabled=f"channel_{setting.name}" in request.POST
                )
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notify:preferences")
    return render(request, "notify/preferences.html", {"channels": selectors.channel_settings(user=user)})
