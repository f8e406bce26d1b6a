"""Dates and weekdays as Chinese offices write them (2026年11月28日 星期六), English when chosen."""

import datetime as dt

from django.utils.translation import get_language

WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def is_chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def weekday_label(day: dt.date) -> str:
    return (WEEKDAYS_ZH if is_chinese() else WEEKDAYS_EN)[day.weekday()]


def date_label(day: dt.date, with_weekday: bool = True) -> str:
    if is_chinese():
        text = f"{day.year}年{day.month}月{day.day}日"
        return f"{text} {weekday_label(day)}" if with_weekday else text
    text = day.strftime("%d %b %Y").lstrip("0")
    return f"{weekday_label(day)} {text}" if with_weekday else text


def parse_month(value: str | None, today: dt.date) -> dt.date:
    """`2026-12` → 2026-12-01; `today`'s month when empty; ValidationError naming `month` otherwise."""
    from django.core.exceptions import ValidationError

    if not value:
        return today.replace(day=1)
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise ValidationError({"month": f"{value!r} is not a month like 2026-12"}) from None


def neighbour_months(month: dt.date) -> tuple[str, str]:
    """The months before and after `month` as `YYYY-MM` (for previous / next links)."""
    before = (month - dt.timedelta(days=1)).replace(day=1)
    after = (month + dt.timedelta(days=32)).replace(day=1)
    return f"{before:%Y-%m}", f"{after:%Y-%m}"
