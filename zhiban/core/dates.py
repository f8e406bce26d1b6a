"""Dates and weekdays as Chinese offices write them (2026年11月28日 星期六), English when chosen."""

import datetime as dt

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhiban.core import clock

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


def office_day(value: dt.date | dt.datetime) -> dt.date:
    """The office's calendar day of a date, or of a moment (an aware time is seen in the office's time zone)."""
    if isinstance(value, dt.datetime):
        return (value.astimezone(clock.local_tz()) if value.tzinfo else value).date()
    return value


def month_day(value: dt.date | dt.datetime) -> str:
    """`1月5日` — the office's day of a date or a moment, as notices and titles write it (no leading zeros)."""
    day = office_day(value)
    return f"{day.month}月{day.day}日"


def month_day_time(value: dt.datetime) -> str:
    """`1月5日 09:00` in the office's time zone."""
    local = value.astimezone(clock.local_tz()) if value.tzinfo else value
    return f"{month_day(local)} {local:%H:%M}"


# The years a duty office plans and reports in. Dates outside are refused where they come in (a form, the API, a
# query string) with an error naming the field, long before date arithmetic could overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2099


def require_supported(value: dt.date, field: str) -> None:
    """ValidationError naming `field` when `value` (a date or date-time) lies outside FIRST_YEAR..LAST_YEAR."""
    from django.core.exceptions import ValidationError

    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        message = _("%(value)s is outside the years %(first)s–%(last)s") % {
            "value": value.isoformat(),
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }
        raise ValidationError({field: message})


def parse_month(value: str | None, today: dt.date) -> dt.date:
    """`2026-12` → 2026-12-01; `today`'s month when empty; ValidationError naming `month` otherwise (not a month,
    or outside the supported years)."""
    from django.core.exceptions import ValidationError

    if not value:
        return today.replace(day=1)
    try:
        first = dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise ValidationError({"month": f"{value!r} is not a month like 2026-12"}) from None
    require_supported(first, "month")
    return first


def neighbour_months(month: dt.date) -> tuple[str, str]:
    """The months before and after `month` as `YYYY-MM` (for previous / next links)."""
    before = (month - dt.timedelta(days=1)).replace(day=1)
    after = (month + dt.timedelta(days=32)).replace(day=1)
    return f"{before:%Y-%m}", f"{after:%Y-%m}"
