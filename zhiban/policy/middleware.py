"""Writes the rule engine's refusals of a request to the compliance record after the view has run
(the refused change itself rolled back)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from zhiban.policy import compliance


class RuleRefusalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        actor_id = user.pk if user is not None and user.is_authenticated else None
        with compliance.collecting(actor_id):
            return self.get_response(request)
