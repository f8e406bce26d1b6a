"""Swaps (换班/还班, SWAP-01..08) with their return debts. Absences they lead to (旷工, SWAP-05/06) are recorded in
the discipline register (zhiban.discipline)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiban.core.models import public_id_field
from zhiban.org.models import Person, Unit


class SwapRequest(models.Model):
    """换班申请 — a person asks to give one of their published duties to a colleague (named, or any eligible
    colleague through an open request); the colleague accepts, offering the return shift (还班) from their own
    duties or leaving it to be scheduled; both team leads approve (SWAP-01); then both duties move in one new
    roster version.

    A request with `return_for` set is the return of an earlier swap whose return was not scheduled: the
    creditor hands the returner one of their shifts. It belongs to that swap and is not counted again (SWAP-02).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for a colleague")
        ACCEPTED = "accepted", _("waiting for the team leads")
        DONE = "done", _("done")
        DECLINED = "declined", _("declined by the colleague")
        REJECTED = "rejected", _("rejected by a team lead")
        WITHDRAWN = "withdrawn", _("withdrawn")

    ACTIVE = (Status.OPEN, Status.ACCEPTED, Status.DONE)
    PENDING = (Status.OPEN, Status.ACCEPTED)

    public_id = public_id_field("swp")
    organisation = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="swap_requests")
    requester = models.ForeignKey(
        Person, verbose_name=_("requester"), on_delete=models.PROTECT, related_name="swaps_requested"
    )
    period = models.ForeignKey("roster.RosterPeriod", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("date"))
    shift_type = models.ForeignKey(
        "roster.ShiftType", verbose_name=_("shift"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.CharField(_("post"), max_length=20)
    colleague = models.ForeignKey(
        Person,
        verbose_name=_("colleague"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="swaps_taken",
    )
    return_period = models.ForeignKey(
        "roster.RosterPeriod", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_day = models.DateField(_("return date"), null=True, blank=True)
    return_shift_type = models.ForeignKey(
        "roster.ShiftType",
        verbose_name=_("return shift"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_post = models.CharField(_("return post"), max_length=20, blank=True)
    return_for = models.ForeignKey(
        "SwapDebt",
        verbose_name=_("return of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_requests",
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("asked at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    roster_versions = models.JSONField(_("roster versions"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")
        constraints = [
            models.CheckConstraint(condition=~models.Q(colleague=models.F("requester")), name="swap_not_with_oneself"),
            models.CheckConstraint(
                condition=models.Q(return_day__isnull=True, return_shift_type__isnull=True, return_period__isnull=True)
                | models.Q(return_day__isnull=False, return_shift_type__isnull=False, return_period__isnull=False),
                name="swap_return_complete_or_empty",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"]), models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.requester.name} {self.day:%Y-%m-%d} {self.shift_type.name}"

    @property
    def has_return(self) -> bool:
        return self.return_day is not None


class SwapDebt(models.Model):
    """还班义务 — what a done swap leaves open: the requester (returner) owes the colleague (creditor) a shift
    (SWAP-08). Settled once the return shift's day has passed with the returner on duty; reminded until then.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        SETTLED = "settled", _("returned")
        JUDGED = "judged", _("closed by the team lead's judgement")

    public_id = public_id_field("swd")
    swap = models.OneToOneField(SwapRequest, on_delete=models.PROTECT, related_name="debt")
    organisation = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="swap_debts")
    returner = models.ForeignKey(
        Person, verbose_name=_("returner"), on_delete=models.PROTECT, related_name="swap_debts_owed"
    )
    creditor = models.ForeignKey(
        Person, verbose_name=_("owed to"), on_delete=models.PROTECT, related_name="swap_debts_due"
    )
    return_period = models.ForeignKey(
        "roster.RosterPeriod", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_day = models.DateField(_("return date"), null=True, blank=True)
    return_shift_type = models.ForeignKey(
        "roster.ShiftType",
        verbose_name=_("return shift"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_post = models.CharField(_("return post"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField(_("opened on"))
    missed_on = models.DateField(_("return missed on"), null=True, blank=True)
    settled_at = models.DateTimeField(_("returned at"), null=True, blank=True)

    class Meta:
        ordering = ["status", "return_day", "id"]
        verbose_name = _("return debt")
        verbose_name_plural = _("return debts")
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.returner.name} → {self.creditor.name} ({self.get_status_display()})"
