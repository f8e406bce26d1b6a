"""Calendar feed tokens (日历订阅令牌): a revocable secret URL per person or per unit (ROS-06)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiban.core.models import public_id_field
from zhiban.org.models import Person, Unit


class FeedToken(models.Model):
    """日历订阅令牌 — opens one person's duties or one unit's roster as an iCalendar feed without a session.

    Exactly one of `person` and `unit` is set. Only a hash of the secret is stored; the secret is shown
    once when the token is made, and revoking it closes the feed for good.
    """

    public_id = public_id_field("fdt")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, null=True, blank=True, related_name="feed_tokens"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, null=True, blank=True, related_name="feed_tokens"
    )
    label = models.CharField(_("label"), max_length=60)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False, unit__isnull=True)
                | models.Q(person__isnull=True, unit__isnull=False),
                name="feed_token_person_xor_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person or self.unit}: {self.label}"
