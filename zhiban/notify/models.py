"""Notifications: the outbox the worker delivers from, the inbox people read, their channel choices, and the group
robots and SMS gateways configured per unit."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiban.core.models import public_id_field
from zhiban.org.models import Person, Unit


class UnitChannel(models.Model):
    """单位通知渠道 — a group robot (企业微信 / 钉钉 / 飞书 群机器人) or an SMS gateway (短信网关) of a unit.

    A robot posts the unit's notices into a group chat (`notify_unit`); the SMS gateway sends the `sms` channel's
    messages to the people of the unit's subtree and forwards their replies. `url` carries the robot's access token
    and `secret` signs its requests (DingTalk, Feishu) or authenticates the SMS gateway both ways, so neither is
    ever shown back in full. Disabled, never deleted: outbox rows keep pointing at it.
    """

    class Kind(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")
        FEISHU = "feishu", _("Feishu group robot")
        SMS_GATEWAY = "sms_gateway", _("SMS gateway")

    public_id = public_id_field("uch")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    label = models.CharField(_("label"), max_length=60)
    url = models.URLField(_("address"), max_length=500)
    secret = models.CharField(_("secret"), max_length=200, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        ordering = ["unit__path", "kind", "label"]
        verbose_name = _("unit notification channel")
        verbose_name_plural = _("unit notification channels")
        constraints = [
            models.UniqueConstraint(fields=["unit", "label"], name="unit_channel_unique_label"),
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(kind="sms_gateway", enabled=True),
                name="unit_channel_one_enabled_sms_gateway",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["wecom", "dingtalk", "feishu", "sms_gateway"]),
                name="unit_channel_known_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}"

    @property
    def is_robot(self) -> bool:
        return self.kind != self.Kind.SMS_GATEWAY


class OutboxMessage(models.Model):
    """待发消息 — one message to one person on one channel, or to one group robot of a unit, written in the
    transaction of the change it reports and delivered by the worker after commit (a rolled-back change sends
    nothing). Exactly one of `recipient` and `robot` is set; a robot's message has the robot's kind as its channel.

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
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    robot = models.ForeignKey(
        UnitChannel, verbose_name=_("group robot"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
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
            ),
            models.UniqueConstraint(
                fields=["robot", "dedupe_key"],
                condition=~models.Q(dedupe_key="") & models.Q(robot__isnull=False),
                name="outbox_unique_robot_dedupe_key",
            ),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False, robot__isnull=True)
                | models.Q(recipient__isnull=True, robot__isnull=False),
                name="outbox_recipient_or_robot",
            ),
        ]

    def __str__(self) -> str:
        to = f"robot {self.robot_id}" if self.robot_id else self.recipient_id
        return f"{self.channel} → {to}: {self.subject}"


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


class SmsReply(models.Model):
    """短信回复 — a text a person sent back through a unit's SMS gateway, and whether a handler took it.

    The gateway's own message id (when it sends one) makes a forwarded reply count once, however often the
    gateway retries.
    """

    public_id = public_id_field("smr")
    gateway = models.ForeignKey(UnitChannel, on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40)
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"))
    received_at = models.DateTimeField(_("received"))
    handled_by = models.CharField(_("handled by"), max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("SMS reply")
        verbose_name_plural = _("SMS replies")
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "external_id"], condition=~models.Q(external_id=""), name="sms_reply_unique_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.phone}: {self.text[:40]}"
