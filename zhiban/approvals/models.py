"""Approval steps (审批环节) of leave, swap and substitution requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiban.core.models import public_id_field
from zhiban.org.models import Role, Unit


class ApprovalStep(models.Model):
    """One approver's decision on one request. Steps of one `order` run in parallel; a higher order waits
    until every lower one is approved (level by level, no skipped level)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        CANCELLED = "cancelled", _("cancelled")

    public_id = public_id_field("apv")
    organisation = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    subject_type = models.CharField(_("request type"), max_length=20)
    subject_id = models.PositiveBigIntegerField(_("request"))
    order = models.PositiveSmallIntegerField(_("level"))
    role = models.CharField(_("approver role"), max_length=24, choices=Role.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("approver unit"), on_delete=models.PROTECT, related_name="+")
    rule_id = models.CharField(_("rule"), max_length=12)
    label_zh = models.CharField(max_length=60)
    label_en = models.CharField(max_length=80)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created"))
    wait_hours = models.PositiveSmallIntegerField(_("hours before a reminder"), null=True, blank=True)
    wait_until = models.DateTimeField(_("remind after"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    # The people the request is about (person ids): none of them may decide any step of it.
    parties = models.JSONField(_("parties"), default=list)

    class Meta:
        ordering = ["subject_type", "subject_id", "order", "id"]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["status", "role"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}#{self.subject_id} {self.order}: {self.label_zh} ({self.status})"

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        return self.label_en if (get_language() or "").startswith("en") else self.label_zh
