"""The one clock of the application. Everything asks it for "now"; tests set it with time-machine."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def now() -> dt.datetime:
    """The current instant, time-zone aware (UTC)."""
    return timezone.now()


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_now() -> dt.datetime:
    """The current instant in the office's time zone (Asia/Shanghai by default)."""
    return now().astimezone(local_tz())


def today() -> dt.date:
    """Today's date in the office's time zone."""
    return local_now().date()


def local(moment: dt.datetime) -> dt.datetime:
    """`moment` in the office's time zone."""
    return moment.astimezone(local_tz())
