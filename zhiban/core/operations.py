"""Operations: a request, a worker job, a generation run, a command. Some things are worth reading once per
operation and no more often — above all the organisation's live policy, which every rule asks for. Such a thing is
kept in the operation's cache (`cache(name)`) from its first read until the operation ends, so every step of one
operation sees the same value and a change made elsewhere applies to the next operation, never to one half-done.
Outside an operation `cache` returns None and the caller reads afresh each time. Whoever changes the thing within
the operation calls `forget(name)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_caches: ContextVar[dict[str, dict[Any, Any]] | None] = ContextVar("zhiban_operation_caches", default=None)


@contextmanager
def operation() -> Iterator[None]:
    """Run the block as one operation (nested blocks belong to the outer one)."""
    if _caches.get() is not None:
        yield
        return
    token = _caches.set({})
    try:
        yield
    finally:
        _caches.reset(token)


def cache(name: str) -> dict[Any, Any] | None:
    """The operation's cache called `name` (created empty on first use), or None outside an operation."""
    caches = _caches.get()
    return None if caches is None else caches.setdefault(name, {})


def forget(name: str) -> None:
    """Drop what the operation keeps under `name` (it was just changed)."""
    caches = _caches.get()
    if caches is not None:
        caches.pop(name, None)


class OperationMiddleware:
    """Each request is one operation."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with operation():
            return self.get_response(request)
