"""Telling people: in-app and their chosen channels, and the unit's group robots (企业微信 / 钉钉 / 飞书)."""

from __future__ import annotations

from collections.abc import Iterable

from zhiban.notify import services as notify
from zhiban.org.models import Person, Unit


def tell(
    people: Iterable[Person],
    subject: str,
    *,
    body: str = "",
    link: str = "",
    dedupe_key: str = "",
    unit: Unit | None = None,
) -> None:
    """Notify each person once (in the caller's transaction), and post to the unit's robots when `unit` is given."""
    unique = {p.pk: p for p in people}
    if unique:
        notify.notify(recipients=list(unique.values()), subject=subject, body=body, link=link, dedupe_key=dedupe_key)
    notify_unit = getattr(notify, "notify_unit", None)
    if unit is not None and notify_unit is not None:
        notify_unit(unit=unit, subject=subject, body=body, link=link, dedupe_key=dedupe_key)
