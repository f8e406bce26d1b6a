"""Compensatory rest (补休, ROS-07): credits earned by duties of published rosters, and rest taken against them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiban.core.models import public_id_field
from zhiban.org.models import Person


class RestCredit(models.Model):
    """补休额度 — rest earned by one duty of a published roster (ROS-07), one per person and roster cell.

    Open days are `days − taken − expired`. A correction that removes the duty deletes an unused
    credit; one already drawn on is cut down to what was used and marked withdrawn.
    """

    public_id = public_id_field("rcr")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="rest_credits")
    period = models.ForeignKey("roster.RosterPeriod", on_delete=models.PROTECT, related_name="rest_credits")
    date = models.DateField(_("duty date"))
    shift_type = models.ForeignKey("roster.ShiftType", on_delete=models.PROTECT, related_name="+")
    post = models.CharField(_("post"), max_length=20)
    category = models.CharField(_("category"), max_length=20)
    days = models.DecimalField(_("days credited"), max_digits=4, decimal_places=1)
    taken = models.DecimalField(_("days taken"), max_digits=4, decimal_places=1, default=Decimal("0"))
    expired = models.DecimalField(_("days expired"), max_digits=4, decimal_places=1, default=Decimal("0"))
    created_at = models.DateTimeField(_("credited at"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("rest credit")
        verbose_name_plural = _("rest credits")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "date", "shift_type", "post", "person"], name="rest_credit_unique_per_duty"
            ),
            models.CheckConstraint(
                condition=models.Q(taken__gte=0, expired__gte=0, days__gte=models.F("taken") + models.F("expired")),
                name="rest_credit_within_days",
            ),
        ]
        indexes = [models.Index(fields=["person", "date"])]

    def __str__(self) -> str:
        return f"{self.person.name} {self.date:%Y-%m-%d} {self.days}"

    @property
    def open_days(self) -> Decimal:
        return self.days - self.taken - self.expired


class RestTaking(models.Model):
    """补休记录 — rest a person takes on a day, recorded by the department head or the secretariat
    against their open credits, oldest first (报秘书处备案)."""

    public_id = public_id_field("rtk")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="rest_taken")
    day = models.DateField(_("day of rest"))
    days = models.DecimalField(_("days"), max_digits=4, decimal_places=1)
    note = models.CharField(_("note"), max_length=200, blank=True)
    allocations = models.JSONField(_("credits drawn on"), default=list)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("rest taken")
        verbose_name_plural = _("rest taken")

    def __str__(self) -> str:
        return f"{self.person.name} {self.day:%Y-%m-%d} {self.days}"
