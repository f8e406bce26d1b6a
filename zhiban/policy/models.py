"""Live policies: an organisation's adopted pack and its immutable, numbered versions of overrides."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiban.core.models import public_id_field


class Policy(models.Model):
    """现行值班制度 — the live policy of an organisation: the pack it adopted and its current version.

    Held by a unit of kind organisation; every unit below it lives under the same policy.
    """

    public_id = public_id_field("pol")
    unit = models.OneToOneField(
        "org.Unit", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="policy"
    )
    pack = models.CharField(_("policy pack"), max_length=40)
    current_version = models.PositiveIntegerField(_("current version"), default=1)
    adopted_at = models.DateTimeField(_("adopted"))

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def __str__(self) -> str:
        return f"{self.unit} · {self.pack} v{self.current_version}"


class ImmutableVersionError(Exception):
    """A policy version was about to be changed or deleted; versions are written once."""


class PolicyVersion(models.Model):
    """制度版本 — one version of a live policy: its pack and every parameter override, never changed.

    `overrides` maps rule ID → parameter → raw value (`{"SWAP-02": {"max_per_month": 3}}`);
    `change` says what this version changed against the one before it.
    """

    public_id = public_id_field("plv")
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    pack = models.CharField(_("policy pack"), max_length=40)
    overrides = models.JSONField(_("overrides"), default=dict)
    change = models.JSONField(_("change"), default=dict)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["policy", "-number"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableVersionError(f"policy version {self.number} is immutable; write a new version")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableVersionError(f"policy version {self.number} is immutable and cannot be deleted")


class RuleEvent(models.Model):
    """合规记录 — a refusal the engine made (blocked) or a warning a person went ahead past with a reason
    (overridden), per organisation: the monthly compliance report reads these."""

    class Outcome(models.TextChoices):
        BLOCKED = "blocked", _("blocked")
        OVERRIDDEN = "overridden", _("warning overridden")

    organisation = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="rule_events")
    rule_id = models.CharField(_("rule"), max_length=12)
    code = models.CharField(_("code"), max_length=60)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    message = models.CharField(_("message"), max_length=500)
    subject = models.CharField(_("about"), max_length=120, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"), null=True)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("rule event")
        verbose_name_plural = _("rule events")
        indexes = [models.Index(fields=["organisation", "at"])]

    def __str__(self) -> str:
        return f"{self.code} {self.outcome}"
