"""The state calendar (REQUIREMENTS §2): days with their kind, years with their status, season dates."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhiban.org.models import Unit
from zhiban.policy.rules.cal_01 import MAKEUP_LABEL, DayKind
from zhiban.policy.rules.cal_03 import DEFAULT_SEASON_DATES, MonthDay, SeasonDates


class Kind(models.TextChoices):
    """日期类型 — the kinds of CAL-01 (`zhiban.policy.rules.cal_01.DayKind`)."""

    WORKDAY = DayKind.WORKDAY.value, _("workday")
    WEEKEND = DayKind.WEEKEND.value, _("weekend")
    STATUTORY_HOLIDAY = DayKind.STATUTORY_HOLIDAY.value, _("statutory holiday")
    IN_LIEU_REST = DayKind.IN_LIEU_REST.value, _("in-lieu rest day")
    MAKEUP_WORKDAY = DayKind.MAKEUP_WORKDAY.value, _("make-up workday")


class Source(models.TextChoices):
    """Where a day's or a year's facts come from."""

    CHINESECALENDAR = "chinesecalendar", _("chinesecalendar library")
    HOLIDAYS = "holidays", _("holidays library")
    OFFICIAL_IMPORT = "official_import", _("official arrangement import")
    MANUAL_CORRECTION = "manual_correction", _("manual correction")


class CalendarYear(models.Model):
    """日历年度 — a year of the calendar: where it came from and whether it is still provisional (暂定).

    A year seeded from a library without the State Council's arrangement is provisional until an
    administrator imports the official one. `note` keeps what the seed's cross-check reported.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    provisional = models.BooleanField(_("provisional"), default=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return f"{self.year}{' (provisional)' if self.provisional else ''}"


class CalendarDay(models.Model):
    """日历 — one day of the state calendar: workday, weekend, 法定节假日, 调休休息日 or 调休上班日 (CAL-01).

    `holiday_name` is the holiday as offices write it (国庆节); a make-up workday carries the holiday
    it belongs to and is shown as 调休上班. `is_working_day` follows the kind (a database constraint).
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    holiday_name = models.CharField(_("holiday"), max_length=60, blank=True)
    is_working_day = models.BooleanField(_("working day"))
    provisional = models.BooleanField(_("provisional"), default=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=[Kind.WORKDAY, Kind.MAKEUP_WORKDAY], is_working_day=True)
                    | Q(kind__in=[Kind.WEEKEND, Kind.STATUTORY_HOLIDAY, Kind.IN_LIEU_REST], is_working_day=False)
                ),
                name="calendar_day_working_follows_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.holiday_name}".strip()

    @property
    def label(self) -> str:
        """What a month grid or a roster sheet writes on the day: 国庆节, 调休上班, or nothing."""
        if self.kind == Kind.MAKEUP_WORKDAY:
            return MAKEUP_LABEL
        return self.holiday_name

    @property
    def full_label(self) -> str:
        if self.kind == Kind.MAKEUP_WORKDAY and self.holiday_name:
            return f"{MAKEUP_LABEL}（{self.holiday_name}）"
        return self.label


class SeasonSetting(models.Model):
    """作息季节 — when summer and winter hours begin for a unit and its subtree (CAL-03).

    Units without a setting use their nearest ancestor's, and the organisation without one uses the
    default (summer from 05-01, winter from 10-01; P5 names the seasons but not their dates).
    """

    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="season_setting")
    summer_starts_month = models.PositiveSmallIntegerField(
        _("summer starts (month)"), default=DEFAULT_SEASON_DATES.summer_starts.month
    )
    summer_starts_day = models.PositiveSmallIntegerField(
        _("summer starts (day)"), default=DEFAULT_SEASON_DATES.summer_starts.day
    )
    winter_starts_month = models.PositiveSmallIntegerField(
        _("winter starts (month)"), default=DEFAULT_SEASON_DATES.winter_starts.month
    )
    winter_starts_day = models.PositiveSmallIntegerField(
        _("winter starts (day)"), default=DEFAULT_SEASON_DATES.winter_starts.day
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("season setting")
        verbose_name_plural = _("season settings")

    def __str__(self) -> str:
        dates = self.dates
        return f"{self.unit}: summer {dates.summer_starts}, winter {dates.winter_starts}"

    @property
    def dates(self) -> SeasonDates:
        return SeasonDates(
            summer_starts=MonthDay(self.summer_starts_month, self.summer_starts_day),
            winter_starts=MonthDay(self.winter_starts_month, self.winter_starts_day),
        )
