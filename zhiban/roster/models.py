"""Rosters (值班表): shift types from the pack, periods, immutable published versions, assignments, kiosk tokens."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiban.core.models import public_id_field
from zhiban.org.models import Person, Role, Unit
from zhiban.policy.rules import cal_03
from zhiban.roster.compensation.models import RestCredit, RestTaking  # noqa: F401 (its own package, ROS-07)
from zhiban.roster.feed_models import FeedToken  # noqa: F401 (its own module, ROS-06)
from zhiban.roster.generation.models import GenerationRun  # noqa: F401 (its own package, ROS-04)


class DayKind(models.TextChoices):
    """日期类别 a shift type applies to: 工作日, 休息日 (weekend / in-lieu rest), 节假日."""

    WORKDAY = "workday", _("workday")
    REST_DAY = "rest_day", _("rest day")
    HOLIDAY = "holiday", _("holiday")


class Post(models.TextChoices):
    """岗位 of a shift: 值班人员 (with a headcount), 带班领导, 代班司机."""

    DUTY_OFFICER = "duty_officer", _("duty officer")
    DUTY_LEADER = "duty_leader", _("leader on duty")
    STANDBY_DRIVER = "standby_driver", _("standby driver")


# Qualification: the org role a person must hold to fill the post (None: any staff member).
POST_ROLE: dict[str, str | None] = {
    Post.DUTY_OFFICER: None,
    Post.DUTY_LEADER: Role.DUTY_LEADER,
    Post.STANDBY_DRIVER: Role.STANDBY_DRIVER,
}


class ShiftType(models.Model):
    """班次 — a kind of duty of an organisation, seeded from its policy pack (ROS-01, CAL-03).

    Times are local (Asia/Shanghai); an end at or before the start is on the next day (夜班).
    The winter times are the summer ones where the pack has no seasons.
    """

    public_id = public_id_field("sft")
    organisation = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="shift_types")
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=40)
    summer_start = models.TimeField(_("starts (summer)"))
    summer_end = models.TimeField(_("ends (summer)"))
    winter_start = models.TimeField(_("starts (winter)"))
    winter_end = models.TimeField(_("ends (winter)"))
    day_kinds = models.JSONField(_("day kinds"), default=list)
    officers = models.PositiveSmallIntegerField(_("duty officers"), default=1)
    needs_leader = models.BooleanField(_("leader on duty"), default=False)
    needs_driver = models.BooleanField(_("standby driver"), default=False)
    # A night shift (夜班): the pack says so; duty points count it extra (ROS-04).
    is_night = models.BooleanField(_("night shift"), default=False)
    # In the office (坐班) until then and by phone after (ROS-01 office_end); handovers within the shift (交接班).
    office_until = models.TimeField(_("in the office until"), null=True, blank=True)
    handovers = models.JSONField(_("handovers"), default=list, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["organisation", "sort_order", "code"]
        verbose_name = _("shift type")
        verbose_name_plural = _("shift types")
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="shift_type_unique_code")]

    def __str__(self) -> str:
        return self.name

    def applies_to(self, kind: str) -> bool:
        return kind in self.day_kinds

    def posts(self) -> list[tuple[str, int]]:
        """The posts this shift needs and how many people each."""
        needed = [(str(Post.DUTY_LEADER), 1)] if self.needs_leader else []
        needed.append((str(Post.DUTY_OFFICER), self.officers))
        if self.needs_driver:
            needed.append((str(Post.STANDBY_DRIVER), 1))
        return needed

    def phases(self) -> list[str]:
        """What the duty board, the print and the calendar feed say of the shift beyond its times."""
        lines = []
        if self.office_until is not None:
            lines.append(f"{self.office_until:%H:%M}前坐班，之后电话值班")
        if self.handovers:
            lines.append(f"{'、'.join(self.handovers)}交接班")
        return lines

    def headcount(self, post: str) -> int:
        return dict(self.posts()).get(post, 0)

    def times(self) -> dict[cal_03.Season, tuple[dt.time, dt.time]]:
        return {
            cal_03.Season.SUMMER: (self.summer_start, self.summer_end),
            cal_03.Season.WINTER: (self.winter_start, self.winter_end),
        }

    def window(self, day: dt.date, seasons: cal_03.SeasonDates, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
        """Start and end of this shift on `day` (CAL-03 season of that day)."""
        return cal_03.shift_window(day, self.times(), seasons, tz)


class RosterPeriod(models.Model):
    """值班安排期 — the roster of one unit for a span of days: open → draft → published (ROS-03)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    public_id = public_id_field("rsp")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="roster_periods")
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    publish_deadline = models.DateTimeField(_("publish by"))
    published_version = models.ForeignKey(
        "RosterVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("opened at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-start", "unit__path"]
        verbose_name = _("roster period")
        verbose_name_plural = _("roster periods")
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="roster_period_end_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]


class RosterVersion(models.Model):
    """值班表版本 — the draft (unnumbered, unpublished) or an immutable published snapshot.

    Number 0 is the draft; published versions count 1, 2, … and never change again: a correction
    copies the latest one into a new version (ROS-03 change_only_by_request).
    """

    public_id = public_id_field("rsv")
    period = models.ForeignKey(RosterPeriod, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    late = models.BooleanField(_("published after the deadline"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["period", "number"]
        verbose_name = _("roster version")
        verbose_name_plural = _("roster versions")
        constraints = [models.UniqueConstraint(fields=["period", "number"], name="roster_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.period} v{self.number}" if self.number else f"{self.period} (draft)"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def published(self) -> AssignmentQuerySet:
        """The duties of the rosters as published: each period's current published version, nothing of a draft."""
        return self.filter(version__period__published_version=models.F("version"))


class Assignment(models.Model):
    """值班安排 — one person on one post of one shift on one date, in one version. Pinned ones are kept by
    the generator (固定)."""

    version = models.ForeignKey(RosterVersion, on_delete=models.CASCADE, related_name="assignments")
    date = models.DateField(_("date"))
    shift_type = models.ForeignKey(ShiftType, on_delete=models.PROTECT, related_name="assignments")
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="roster_assignments")
    pinned = models.BooleanField(_("pinned"), default=False)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["date", "shift_type__sort_order", "post", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "date", "shift_type", "post", "person"], name="assignment_unique_person_in_cell"
            )
        ]
        indexes = [models.Index(fields=["version", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.shift_type.code} {self.post}: {self.person.name}"

    def key(self) -> tuple[dt.date, int, str, int]:
        return (self.date, self.shift_type_id, self.post, self.person_id)


class KioskToken(models.Model):
    """值日牌令牌 — opens the duty board of one unit on a wall screen without a session; revocable.

    Only a hash of the secret is stored; the secret is shown once when the token is made.
    """

    public_id = public_id_field("kio")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="kiosk_tokens")
    label = models.CharField(_("label"), max_length=60)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "-created_at"]
        verbose_name = _("kiosk token")
        verbose_name_plural = _("kiosk tokens")

    def __str__(self) -> str:
        return f"{self.unit.name}: {self.label}"
