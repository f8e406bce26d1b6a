"""Telling people: in-app and their chosen channels, the unit's group robots (企业微信 / 钉钉 / 飞书), and a text
message through the SMS gateway where it must reach the person."""

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
    if unit is not None:
        notify.notify_unit(
            unit=unit, subject=subject, body=body, link=link, dedupe_key=dedupe_key, include_ancestors=True
        )


def text(person: Person, message: str, *, dedupe_key: str) -> None:
    """A text message to the person's mobile through the unit's SMS gateway, whatever channels they chose: a
    presence challenge must reach the officer (OPS-08). Nothing when the person has no account."""
    if person.user is not None:
        notify.notify(recipients=[person], subject=message, channels=["sms"], mandatory=True, dedupe_key=dedupe_key)
