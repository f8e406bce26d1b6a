"""The navigation, the signed-in user's name and today's date, on every page."""

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from zhiban.core import clock
from zhiban.core.dates import date_label
from zhiban.core.navigation import visible_modules


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items = []
    for module in visible_modules(user):
        try:
            url = reverse(module.url_name) if module.url_name else reverse("core:module", args=[module.slug])
        except NoReverseMatch:
            url = reverse("core:module", args=[module.slug])
        items.append({"label": module.label, "url": url, "active": request.path.startswith(url) and url != "/"})
    display = ""
    if user is not None and user.is_authenticated:
        person = getattr(user, "person", None)
        display = person.name if person is not None else user.get_username()
    return {"nav_modules": items, "user_display_name": display, "today_label": date_label(clock.today())}
