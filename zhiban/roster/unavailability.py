"""Who cannot stand duty on which days, as other apps know it (approved leave, …): providers register here
and generation, the cell editor's candidates and cover ranking ask them. The roster depends on no
requesting app this way."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

Provider = Callable[[Iterable[int], dt.date, dt.date], dict[int, set[dt.date]]]

_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> None:
    """Called from an app's `ready()`: `provider(person_ids, start, end) -> {person_id: {dates}}`."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def unavailable_days(person_ids: Iterable[int], start: dt.date, end: dt.date) -> dict[int, set[dt.date]]:
    """Every registered provider's days, merged, within start..end."""
    ids = list(person_ids)
    merged: dict[int, set[dt.date]] = defaultdict(set)
    for provider in _PROVIDERS:
        for person_id, days in provider(ids, start, end).items():
            merged[person_id] |= {d for d in days if start <= d <= end}
    return dict(merged)
