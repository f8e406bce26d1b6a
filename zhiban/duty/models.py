"""The duty as it happens: a shift of a unit on a day and everything recorded on it.

A `DutyShift` is one occurrence of a published shift (unit, day, shift type) with its real times. Its `Attendance`
rows are the people the published roster puts on it, prepared before the start so that a missing check-in is a row
the worker can see. Log entries, incidents, the checklist, the handover, the report, spot checks and key loans hang
off the shift; the search index of the log is kept in `search_terms` (see `search.py`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiban.core.models import public_id_field
from zhiban.org.models import Person, Unit
from zhiban.roster.models import Post, ShiftType

TEXT_MAX = 2000
USER = settings.AUTH_USER_MODEL


def _user(verbose: Any, related: str = "+") -> models.ForeignKey:
    return models.ForeignKey(
        USER, verbose_name=verbose, on_delete=models.SET_NULL, null=True, blank=True, related_name=related
    )


class DutyShift(models.Model):
    """班次 — one published shift of a unit on a day, from its start to its end (CAL-03 season times)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("not started")
        OPEN = "open", _("on duty")
        CLOSED = "closed", _("closed")

    public_id = public_id_field("dsh")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="duty_shifts")
    date = models.DateField(_("date"))
    shift_type = models.ForeignKey(ShiftType, verbose_name=_("shift"), on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = _user(_("closed by"))

    class Meta:
        ordering = ["starts_at", "unit__path"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        constraints = [
            models.UniqueConstraint(fields=["unit", "date", "shift_type"], name="duty_shift_once_per_day"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="duty_shift_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["unit", "starts_at"], name="duty_shift_unit_start_idx")]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.date:%Y-%m-%d} {self.shift_type.name}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Attendance(models.Model):
    """到岗 — a person the roster puts on the shift, and when they checked in and out (OPS-01)."""

    shift = models.ForeignKey(DutyShift, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="attendances")
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    late_minutes = models.PositiveIntegerField(_("minutes late"), null=True, blank=True)
    # What the check-in recorded (OPS-01): the time range, the leader on duty and the staff, as named then.
    record = models.JSONField(_("check-in record"), default=dict, blank=True)

    class Meta:
        ordering = ["shift", "post", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "person", "post"], name="duty_attendance_once"),
            models.CheckConstraint(
                condition=models.Q(checked_out_at__isnull=True) | models.Q(checked_in_at__isnull=False),
                name="duty_attendance_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.get_post_display()}"


class PostAbsence(models.Model):
    """脱岗 — an officer away from the post (OPS-02): found by a superior, a missed spot check, or stepping out with
    permission. Unpermitted absences of `away_minutes` or more become discipline records (LEAVE-11)."""

    class Source(models.TextChoices):
        FOUND = "found", _("found absent")
        SPOT_CHECK = "spot_check", _("missed spot check")
        STEPPED_OUT = "stepped_out", _("stepped out")

    public_id = public_id_field("abp")
    shift = models.ForeignKey(DutyShift, on_delete=models.CASCADE, related_name="absences")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="post_absences")
    source = models.CharField(_("how it came to light"), max_length=12, choices=Source.choices)
    left_at = models.DateTimeField(_("left at"))
    returned_at = models.DateTimeField(_("back at"), null=True, blank=True)
    permitted = models.BooleanField(_("with permission"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = _user(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-left_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(returned_at__isnull=True) | models.Q(returned_at__gte=models.F("left_at")),
                name="duty_absence_back_after_left",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.left_at:%Y-%m-%d %H:%M}"


class LogEntry(models.Model):
    """值班记录 — one structured entry of the duty log (OPS-03). Never edited once its shift is closed: a correction
    is a new entry that `amends` the original, which stays."""

    public_id = public_id_field("log")
    shift = models.ForeignKey(DutyShift, on_delete=models.PROTECT, related_name="log_entries")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")  # the shift's, for scoped search
    kind = models.CharField(_("kind"), max_length=16)
    occurred_at = models.DateTimeField(_("time"))
    fields = models.JSONField(_("fields"), default=dict)
    urgent = models.BooleanField(_("urgent"), default=False)
    search_text = models.TextField(editable=False, default="")
    search_terms = models.TextField(editable=False, default="")
    amends = models.ForeignKey(
        "self", verbose_name=_("corrects"), on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    amend_reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)
    recorded_by = _user(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        indexes = [
            models.Index(fields=["unit", "occurred_at"], name="duty_log_unit_time_idx"),
            models.Index(fields=["kind", "occurred_at"], name="duty_log_kind_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"


class FollowUp(models.Model):
    """A task the log gives the officer (OPS-03): hand a sealed letter to the leader at the start of work, tell the
    attendees of an urgent meeting at once."""

    entry = models.ForeignKey(LogEntry, on_delete=models.CASCADE, related_name="follow_ups")
    task = models.CharField(_("task"), max_length=200)
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = _user(_("done by"))
    handed_to = models.CharField(_("handed to"), max_length=60, blank=True)

    class Meta:
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return self.task


class Incident(models.Model):
    """事件 — an incident handled on duty (OPS-04): its level from the pack, its steps each timestamped by the app
    clock, the upward-report deadline of its level and the escalation chain frozen when escalation starts."""

    class Report(models.TextChoices):
        PENDING = "", _("not due")
        ON_TIME = "on_time", _("on time")
        LATE = "late", _("late")
        MISSED = "missed", _("missed")
        CONCEALED = "concealed", _("concealed")

    public_id = public_id_field("inc")
    shift = models.ForeignKey(DutyShift, on_delete=models.PROTECT, related_name="incidents")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    level = models.CharField(_("level"), max_length=20)
    place = models.CharField(_("place"), max_length=120, blank=True)
    description = models.TextField(_("what happened"), max_length=TEXT_MAX, blank=True)
    raised_at = models.DateTimeField(_("logged at"))
    raised_by = _user(_("logged by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    leader_told_at = models.DateTimeField(_("leader told at"), null=True, blank=True)
    instructions_at = models.DateTimeField(_("instructions at"), null=True, blank=True)
    instructions = models.TextField(_("the leader's instructions"), max_length=TEXT_MAX, blank=True)
    reported_upward_at = models.DateTimeField(_("reported upward at"), null=True, blank=True)
    reported_to = models.CharField(_("reported to"), max_length=120, blank=True)
    report_due_at = models.DateTimeField(_("report due"), null=True, blank=True)
    report = models.CharField(_("report"), max_length=10, choices=Report.choices, default=Report.PENDING, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalation_started_at = models.DateTimeField(_("escalation started"), null=True, blank=True)
    # The chain as it was when escalation started: later edits of the unit's chain do not change a running one.
    escalation = models.JSONField(_("escalation chain"), default=list, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = _user(_("acknowledged by"))

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [models.Index(fields=["unit", "raised_at"], name="duty_incident_unit_time_idx")]

    def __str__(self) -> str:
        return self.title


class IncidentEvent(models.Model):
    """One line of an incident's timeline."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    kind = models.CharField(max_length=24)
    text = models.CharField(_("what"), max_length=500)
    actor = _user(_("by"))

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text


class EscalationStep(models.Model):
    """One step of a unit's escalation chain (OPS-04): whom to page, how long to wait for an acknowledgement, how
    often to page again before the next step."""

    class Target(models.TextChoices):
        DUTY_LEADER = "duty_leader", _("leader on duty")
        DEPARTMENT_HEAD = "department_head", _("department head")
        SECRETARIAT = "secretariat", _("secretariat")
        PERSON = "person", _("a named person")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="escalation_steps")
    order = models.PositiveSmallIntegerField(_("order"))
    target = models.CharField(_("whom"), max_length=20, choices=Target.choices)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    ack_minutes = models.PositiveSmallIntegerField(_("minutes to acknowledge"), default=10)
    repeats = models.PositiveSmallIntegerField(_("pages before moving on"), default=2)

    class Meta:
        ordering = ["unit", "order"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "order"], name="duty_escalation_step_order"),
            models.CheckConstraint(
                condition=~models.Q(target="person") | models.Q(person__isnull=False),
                name="duty_escalation_person_named",
            ),
            models.CheckConstraint(condition=models.Q(ack_minutes__gte=1), name="duty_escalation_ack_positive"),
            models.CheckConstraint(condition=models.Q(repeats__gte=1), name="duty_escalation_repeats_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.get_target_display()}"


class Checklist(models.Model):
    """值班检查清单 — the shift's answers to the pack's checklist items (OPS-12)."""

    shift = models.OneToOneField(DutyShift, on_delete=models.CASCADE, related_name="checklist")
    answers = models.JSONField(default=dict)  # item → true (正常) / false (异常)
    notes = models.JSONField(default=dict)  # item → what is wrong
    filled_by = _user(_("filled in by"))
    filled_at = models.DateTimeField(_("filled in at"))

    def __str__(self) -> str:
        return f"{self.shift}"


class Handover(models.Model):
    """交接班记录 (OPS-06): equipment state, open difficult issues (carried into the next shift), staffing changes,
    the checklist's results; accepted by the incoming officer."""

    public_id = public_id_field("hnd")
    shift = models.OneToOneField(DutyShift, on_delete=models.CASCADE, related_name="handover")
    incoming = models.ForeignKey(
        DutyShift, on_delete=models.SET_NULL, null=True, blank=True, related_name="handovers_received"
    )
    equipment = models.CharField(_("equipment"), max_length=500)
    open_issues = models.JSONField(_("open issues"), default=list, blank=True)
    staffing = models.CharField(_("staffing changes"), max_length=500, blank=True)
    checklist = models.JSONField(_("checklist results"), default=dict, blank=True)
    written_by = _user(_("handed over by"))
    written_at = models.DateTimeField(_("handed over at"))
    accepted_by = _user(_("accepted by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.shift}"


class ShiftReport(models.Model):
    """值班报告表 (OPS-07): built from the shift's log and checklist, submitted to the supervisor, reviewed, signed."""

    public_id = public_id_field("rpt")
    shift = models.OneToOneField(DutyShift, on_delete=models.CASCADE, related_name="report")
    summary = models.JSONField(default=dict)
    remarks = models.TextField(_("remarks"), max_length=TEXT_MAX, blank=True)
    submitted_by = _user(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewed_by = _user(_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review"), max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.shift}"


class SpotCheck(models.Model):
    """查岗 (OPS-08): a presence challenge the system issues, or a check a superior made by phone or on site."""

    class Method(models.TextChoices):
        CHALLENGE = "challenge", _("presence challenge")
        PHONE = "phone", _("by phone")
        ON_SITE = "on_site", _("on site")

    public_id = public_id_field("chk")
    shift = models.ForeignKey(DutyShift, on_delete=models.CASCADE, related_name="spot_checks")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="spot_checks")
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    issued_at = models.DateTimeField(_("at"))
    issued_by = _user(_("by"))
    answer_by = models.DateTimeField(_("answer by"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_via = models.CharField(_("answered by"), max_length=10, blank=True)
    present = models.BooleanField(_("at the post"), null=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.person.name} {self.get_method_display()}"


class KeyLoan(models.Model):
    """值班室钥匙 (OPS-09): collected from the secretariat at the start of duty, returned after."""

    public_id = public_id_field("key")
    shift = models.ForeignKey(DutyShift, on_delete=models.PROTECT, related_name="key_loans")
    holder = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="key_loans")
    issued_at = models.DateTimeField(_("collected at"))
    issued_by = _user(_("issued by"))
    due_at = models.DateTimeField(_("return by"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    received_by = _user(_("received by"))

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.holder.name} {self.issued_at:%Y-%m-%d %H:%M}"


class DailyReport(models.Model):
    """当日值班信息 (OPS-05): on report days, the officer of the afternoon slot sends it before the deadline."""

    public_id = public_id_field("dly")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    officer = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    due_at = models.DateTimeField(_("due"))
    content = models.TextField(_("report"), max_length=TEXT_MAX, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = _user(_("sent by"))
    missed = models.BooleanField(_("missed"), default=False)

    class Meta:
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["unit", "date"], name="duty_daily_report_once")]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.date:%Y-%m-%d}"


class DutyMerit(models.Model):
    """嘉奖与失职 (OPS-11): a commendation or a dereliction in a person's duty record."""

    class Kind(models.TextChoices):
        COMMENDATION = "commendation", _("commendation")
        DERELICTION = "dereliction", _("dereliction")

    public_id = public_id_field("mer")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="duty_merits")
    shift = models.ForeignKey(DutyShift, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=500)
    recorded_by = _user(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.person.name} {self.get_kind_display()}"
