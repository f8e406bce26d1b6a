"""Parsing of the leave pages' input: times as offices enter them, in the organisation's time zone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from zhiban.core import clock


def parse_moment(value: str | None, field: str, *, required: bool = True) -> dt.datetime | None:
    """`2026-12-10T09:00` (datetime-local) or `2026-12-10 09:00` → an aware time; ValidationError naming `field`."""
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError({field: "必填"})
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace(" ", "T"))
    except ValueError:
        raise ValidationError({field: f"{value!r} 不是形如 2026-12-10T09:00 的时间"}) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.local_tz())


def parse_day(value: str | None, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationError({field: f"{value!r} 不是形如 2026-12-10 的日期"}) from None


def flag(data: Any, name: str) -> bool:
    return str(data.get(name, "")).lower() in ("1", "on", "true", "yes")


def leave_options(data: Any) -> dict[str, Any]:
    """The options of a leave request from form or JSON data (the service validates them)."""
    return {
        "kind": str(data.get("kind", "")),
        "starts_at": parse_moment(data.get("starts_at"), "starts_at"),
        "ends_at": parse_moment(data.get("ends_at"), "ends_at"),
        "special": flag(data, "special"),
        "emergency": flag(data, "emergency"),
        "phoned_at": parse_moment(data.get("phoned_at"), "phoned_at", required=False),
        "holiday_exception": flag(data, "holiday_exception"),
    }
