"""Pages that moved: their old addresses answer a signed-in visitor with a permanent redirect to the new one (308,
so a form posted to the old address arrives as a POST), the path's arguments and the query string kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse


def moved(pattern_name: str) -> Callable[..., HttpResponse]:
    """A view for an old address of the page `pattern_name` (a URL name with the same arguments)."""

    @login_required
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        url = reverse(pattern_name, kwargs=kwargs or None)
        if query := request.META.get("QUERY_STRING", ""):
            url = f"{url}?{query}"
        return HttpResponsePermanentRedirect(url, preserve_request=True)

    view.__name__ = view.__qualname__ = f"moved_to_{pattern_name.replace(':', '_')}"
    return view
