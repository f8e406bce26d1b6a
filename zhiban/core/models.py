"""Base models, the audit chain and the job table of the worker."""

from functools import partial

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiban.core.public_ids import new_public_id


def public_id_field(prefix: str) -> models.CharField:
    """A unique opaque id for URLs and the API, e.g. `per_4k9x2m7q8w3r`."""
    return models.CharField(
        _("public id"), max_length=24, unique=True, editable=False, default=partial(new_public_id, prefix)
    )


class AuditEvent(models.Model):
    """审计事件 — one link of the tamper-evident audit chain. Append-only.

    Each event's hash is an HMAC (key outside the database) over its content and the previous
    event's hash; see `zhiban.core.audit`.
    """

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    summary = models.JSONField(_("before / after"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["action"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The chain's head (one row): locked by every append so concurrent writers cannot fork it.

    `database_identity` names this database's chain in the checkpoint log kept outside the database: a
    random id made with the row (at the first append, or by the migration for an existing chain).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    database_identity = models.CharField(
        _("database identity"), max_length=24, editable=False, default=partial(new_public_id, "adb")
    )

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single_row")]

    def __str__(self) -> str:
        return f"head #{self.sequence}"


class Job(models.Model):
    """后台任务 — a unit of work due at a time: a reminder, a deadline, a periodic task.

    Claimed by one worker at a time (SKIP LOCKED on PostgreSQL, a conditional UPDATE on SQLite);
    a crash loses nothing because the row stays until it is done.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    public_id = public_id_field("job")
    kind = models.CharField(_("kind"), max_length=80)
    payload = models.JSONField(_("payload"), default=dict)
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    claimed_by = models.CharField(max_length=80, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=5)
    last_error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=160, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(status__in=["pending", "running"]) & ~models.Q(dedupe_key=""),
                name="job_unique_open_dedupe_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.due_at:%Y-%m-%d %H:%M}"
