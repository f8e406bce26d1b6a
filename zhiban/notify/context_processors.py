"""`inbox_unread_count` for every template: counted on first use in a request, not before."""

from functools import cache
from typing import Any

from django.http import HttpRequest

from zhiban.notify.selectors import unread_count


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread_count": 0}
    # Templates call a callable when they resolve a variable; `cache` makes it one query at most.
    return {"inbox_unread_count": cache(lambda: unread_count(user=user))}
