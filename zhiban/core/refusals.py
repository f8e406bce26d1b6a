"""A service refused on a page: its ValidationError (a rule engine refusal is one) becomes error messages shown on
the page the user comes back to. PermissionDenied is left to Django, which answers 403, as the API's handlers do."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def show(request: HttpRequest, error: ValidationError) -> None:
    """Each message of the refusal as an error message on the next page."""
    for message in error.messages:
        messages.error(request, message)


def attempt[T](request: HttpRequest, action: Callable[[], T], success: str | None = None) -> T | None:
    """Run a service for a POST: its refusal becomes messages on the page (and None), its success a message too."""
    try:
        result = action()
    except ValidationError as error:
        show(request, error)
        return None
    if success:
        messages.success(request, success)
    return result
