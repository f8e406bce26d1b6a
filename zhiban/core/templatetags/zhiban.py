"""Template filters for Chinese office dates."""

import datetime as dt

from django import template

from zhiban.core.dates import date_label, month_day_time, office_day, weekday_label

register = template.Library()


@register.filter
def cn_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    return date_label(office_day(value))  # a moment is dated in the office's time zone


@register.filter
def cn_weekday(value: dt.date) -> str:
    return weekday_label(value)


@register.filter
def cn_moment(value: dt.datetime | None) -> str:
    """A moment as offices write it, in the office's time zone: `12月5日 14:30`."""
    return month_day_time(value) if value is not None else ""
