"""The discipline register (纪律登记): one record per breach of duty discipline, under the rule that made it one."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiban.core.models import public_id_field
from zhiban.org.models import Person, Unit

NOTE_MAX = 500


class DisciplineRecord(models.Model):
    """纪律记录 — a person recorded for a breach of duty discipline on a duty day, under the rule that made it so. Today
    every record is of the kind absence (旷工): LEAVE-05 (a late request without a manager's approval), SWAP-05 (a
    missed or empty shift from an unclear swap: both sides, each with the share of responsibility the team lead
    judged), SWAP-06 (absent anyway on a swapped or returned shift). Lateness and leaving the post (LEAVE-11,
    OPS-02, a missed spot check of OPS-08) are kinds of their own, recorded by the duty module. `subject_type` +
    `subject_id` name the request a record came from (a leave request, a swap), like the approval chains do.
    """

    class Kind(models.TextChoices):
        ABSENCE = "absence", _("absence")
        LATE = "late", _("late")
        AWAY = "away", _("away from the post")

    public_id = public_id_field("abs")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ABSENCE)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="discipline_records"
    )
    organisation = models.ForeignKey(
        Unit, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="discipline_records"
    )
    date = models.DateField(_("date"))
    shift_type = models.ForeignKey(
        "roster.ShiftType", verbose_name=_("shift"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule_id = models.CharField(_("rule"), max_length=16)
    subject_type = models.CharField(_("request type"), max_length=40, blank=True)
    subject_id = models.PositiveBigIntegerField(_("request"), null=True, blank=True)
    share = models.DecimalField(_("share of responsibility"), max_digits=3, decimal_places=2, default=Decimal("1"))
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-date", "person__name", "id"]
        verbose_name = _("discipline record")
        verbose_name_plural = _("discipline records")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(share__gte=Decimal("0"), share__lte=Decimal("1")),
                name="discipline_record_share_0_to_1",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "date"], name="discipline_org_date_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="discipline_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.date:%Y-%m-%d} {self.get_kind_display()} {self.rule_id}"
