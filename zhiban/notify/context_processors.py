"""`inbox_unread_count` for every template (counted only when a template uses it)."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from zhiban.notify.selectors import unread_count


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread_count": 0}
    return {"inbox_unread_count": SimpleLazyObject(lambda: unread_count(user=user))}
