"""Notifications: the outbox the worker delivers from, the inbox people read, their channel choices."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiban.core.models import public_id_field


class OutboxMessage(models.Model):
    """待发消息 — one message to one person on one channel, written in the transaction of the change
    it reports and delivered by the worker after commit (a rolled-back change sends nothing).

    Claimed like a job (see `zhiban.core.claims`); failures retry with backoff up to
    `max_attempts`, then the message is FAILED with the error kept.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RUNNING = "running", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    public_id = public_id_field("msg")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=30)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveIntegerField(default=5)
    claimed_by = models.CharField(max_length=80, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=254, blank=True)
    dedupe_key = models.CharField(max_length=160, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "channel", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="outbox_unique_dedupe_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient_id}: {self.subject}"


class Notification(models.Model):
    """通知 — an item of a person's inbox (站内信)."""

    public_id = public_id_field("ntf")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("received"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    source = models.OneToOneField(
        OutboxMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="notification"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ChannelPreference(models.Model):
    """通知方式 — whether a person receives notifications on a channel (the inbox is always on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    channel = models.CharField(_("channel"), max_length=30)
    enabled = models.BooleanField(_("enabled"), default=False)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("channel preference")
        verbose_name_plural = _("channel preferences")
        constraints = [models.UniqueConstraint(fields=["user", "channel"], name="channel_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.channel}: {'on' if self.enabled else 'off'}"
