"""Swaps (换班/还班, SWAP-01..08) with their return debts, and the absence register (旷工) that leave and swaps feed."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiban.core.models import public_id_field
from zhiban.org.models import Person, Unit


class Absence(models.Model):
    """旷工记录 — a person counted absent for a duty day, under the rule that made it so.

    LEAVE-05 (a late request without a manager's approval), SWAP-05 (a missed or empty shift from an
    unclear swap: both sides, each with the share of responsibility the team lead judged), SWAP-06
    (absent anyway on a swapped or returned shift). `subject_type` + `subject_id` name the request it
    came from (a leave request, a swap), like the approval chains do.
    """

    public_id = public_id_field("abs")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="absences")
    organisation = models.ForeignKey(
        Unit, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="absences"
    )
    date = models.DateField(_("date"))
    shift_type = models.ForeignKey(
        "roster.ShiftType", verbose_name=_("shift"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule_id = models.CharField(_("rule"), max_length=16)
    subject_type = models.CharField(_("request type"), max_length=40, blank=True)
    subject_id = models.PositiveBigIntegerField(_("request"), null=True, blank=True)
    share = models.DecimalField(_("share of responsibility"), max_digits=3, decimal_places=2, default=Decimal("1"))
    note = models.CharField(_("note"), max_length=500, blank=True)
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
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(share__gte=Decimal("0"), share__lte=Decimal("1")), name="absence_share_0_to_1"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "date"]), models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.person.name} {self.date:%Y-%m-%d} {self.rule_id}"
