"""Leave (请假/消假), the cover of the duties it hits, substitutions (顶替) and compensatory-rest requests (补休)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiban.core.models import public_id_field
from zhiban.org.models import Person, Unit


class RequestStatus(models.TextChoices):
    """Where a request stands. `returned` is leave cancelled on return (消假)."""

    DRAFT = "draft", _("draft")
    PENDING = "pending", _("waiting for approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    CANCELLED = "cancelled", _("cancelled")
    RETURNED = "returned", _("returned (leave cancelled)")


OPEN_STATUSES = (RequestStatus.PENDING, RequestStatus.APPROVED)


class LeaveKind(models.TextChoices):
    """请假类别 (LEAVE-03, LEAVE-07, LEAVE-08 read it)."""

    PERSONAL = "personal", _("personal leave (事假)")
    SICK = "sick", _("sick leave (病假)")
    ANNUAL = "annual", _("annual leave (年假)")
    BUSINESS = "business", _("business trip / training (公出/培训)")
    OTHER = "other", _("other leave")


def certificate_path(instance: LeaveRequest, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"leave/certificates/{instance.public_id}.{extension}"


class LeaveRequest(models.Model):
    """请假单 — a person's leave from `starts_at` to `ends_at`, its length in the person's working days
    (their duty days for shift workers, half days allowed), approved level by level (LEAVE-03/06) and
    cancelled on return (消假, LEAVE-01). Late requests (LEAVE-05), night-shift (LEAVE-09) and holiday
    (LEAVE-10) exceptions, the emergency phone call and the medical certificate (LEAVE-08) are kept here.
    """

    public_id = public_id_field("lve")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="leave")
    organisation = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=LeaveKind.choices)
    special = models.BooleanField(_("special personal leave (特殊事假)"), default=False)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    calendar_days = models.PositiveSmallIntegerField(_("calendar days"))
    working_days = models.DecimalField(_("working days"), max_digits=5, decimal_places=1)
    counts_duty_days = models.BooleanField(_("counted in duty days"), default=False)
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"))
    warning_reason = models.CharField(_("reason for going ahead despite warnings"), max_length=500, blank=True)
    late = models.BooleanField(_("asked late (LEAVE-05)"), default=False)
    night_exception = models.BooleanField(_("night-shift exception (LEAVE-09)"), default=False)
    holiday_exception = models.BooleanField(_("holiday exception (LEAVE-10)"), default=False)
    emergency = models.BooleanField(_("emergency (急诊)"), default=False)
    phoned_at = models.DateTimeField(_("team lead phoned at"), null=True, blank=True)
    certificate = models.FileField(_("medical certificate"), upload_to=certificate_path, blank=True)
    certificate_due = models.DateField(_("certificate due"), null=True, blank=True)
    certificate_at = models.DateTimeField(_("certificate handed in"), null=True, blank=True)
    certificate_from = models.DateField(_("certificate covers from"), null=True, blank=True)
    certificate_to = models.DateField(_("certificate covers until"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("actually back (消假)"), null=True, blank=True)
    absence_recorded_at = models.DateTimeField(_("recorded as absence (旷工)"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        indexes = [models.Index(fields=["person", "status"]), models.Index(fields=["unit", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="leave_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.get_kind_display()} {self.starts_at:%Y-%m-%d}"


class LeaveCover(models.Model):
    """请假顶班 — the substitute for one published duty a leave hits (SUB-01: cover first). On final
    approval the duty moves to the substitute as a new roster version (`version`)."""

    public_id = public_id_field("lcv")
    leave = models.ForeignKey(LeaveRequest, on_delete=models.CASCADE, related_name="covers")
    period = models.ForeignKey("roster.RosterPeriod", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("duty date"))
    shift_type = models.ForeignKey("roster.ShiftType", on_delete=models.PROTECT, related_name="+")
    post = models.CharField(_("post"), max_length=20)
    substitute = models.ForeignKey(
        Person, verbose_name=_("substitute"), on_delete=models.PROTECT, related_name="leave_covers"
    )
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(_("chosen at"))
    responsibility = models.CharField(_("responsibility (SUB-01)"), max_length=300, blank=True)
    version = models.ForeignKey(
        "roster.RosterVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["day", "id"]
        verbose_name = _("leave cover")
        verbose_name_plural = _("leave covers")
        constraints = [
            models.UniqueConstraint(
                fields=["leave", "period", "day", "shift_type", "post"], name="leave_cover_one_per_duty"
            )
        ]

    def __str__(self) -> str:
        return f"{self.substitute.name} for {self.leave.person.name} {self.day:%Y-%m-%d}"


class Substitution(models.Model):
    """顶替 — a colleague takes one published duty of `person` without leave (SUB-01/SUB-02): same
    department only, approved by its head; the substitute bears full responsibility (`responsibility`)."""

    public_id = public_id_field("sbt")
    person = models.ForeignKey(Person, verbose_name=_("on the roster"), on_delete=models.PROTECT, related_name="+")
    substitute = models.ForeignKey(
        Person, verbose_name=_("substitute"), on_delete=models.PROTECT, related_name="substitutions"
    )
    organisation = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey("roster.RosterPeriod", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("duty date"))
    shift_type = models.ForeignKey("roster.ShiftType", on_delete=models.PROTECT, related_name="+")
    post = models.CharField(_("post"), max_length=20)
    duty_starts_at = models.DateTimeField(_("duty starts"))
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    responsibility = models.CharField(_("responsibility (SUB-01)"), max_length=300, blank=True)
    version = models.ForeignKey(
        "roster.RosterVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("substitution")
        verbose_name_plural = _("substitutions")

    def __str__(self) -> str:
        return f"{self.substitute.name} for {self.person.name} {self.day:%Y-%m-%d}"


class RestRequest(models.Model):
    """补休申请 — a person asks to take compensatory rest on `day` against their ROS-07 credits; the
    department head approves and the rest is then recorded (`taking`)."""

    public_id = public_id_field("rrq")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day of rest"))
    days = models.DecimalField(_("days"), max_digits=4, decimal_places=1)
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    taking = models.ForeignKey("roster.RestTaking", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("compensatory rest request")
        verbose_name_plural = _("compensatory rest requests")

    def __str__(self) -> str:
        return f"{self.person.name} {self.day:%Y-%m-%d} {self.days}"
