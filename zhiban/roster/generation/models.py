"""Generation runs (排班生成记录): one background solve of a period's draft, its progress and its outcome."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiban.core.models import public_id_field

QUEUE_PATIENCE = dt.timedelta(minutes=15)
RUN_PATIENCE = dt.timedelta(minutes=2)


class GenerationRun(models.Model):
    """排班生成记录 — one run of the solver for a roster period (ROS-04): queued → running → done / stopped /
    infeasible / failed, with the best objective and bound so far, and what it wrote or refused."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        STOPPED = "stopped", _("stopped")
        INFEASIBLE = "infeasible", _("infeasible")
        FAILED = "failed", _("failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    public_id = public_id_field("gen")
    period = models.ForeignKey("roster.RosterPeriod", on_delete=models.CASCADE, related_name="generation_runs")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    time_limit_s = models.PositiveIntegerField(_("time limit (seconds)"), default=20)
    stop_requested = models.BooleanField(_("stop requested"), default=False)
    best_objective = models.FloatField(_("best objective"), null=True, blank=True)
    bound = models.FloatField(_("bound"), null=True, blank=True)
    elapsed_s = models.FloatField(_("elapsed (seconds)"), default=0)
    solutions = models.PositiveIntegerField(_("solutions found"), default=0)
    solver_status = models.CharField(_("solver status"), max_length=12, blank=True)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    refused = models.JSONField(_("refused cells"), default=list, blank=True)
    written = models.PositiveIntegerField(_("cells written"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("started at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("generation run")
        verbose_name_plural = _("generation runs")

    def __str__(self) -> str:
        return f"{self.public_id} ({self.status})"

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE

    def abandoned(self, now: dt.datetime) -> bool:
        """Active but silent far beyond its time limit: its worker is gone (queued: no worker took it)."""
        if self.status == self.Status.QUEUED:
            return now - self.created_at > QUEUE_PATIENCE
        if self.status == self.Status.RUNNING:
            since = self.heartbeat_at or self.created_at
            return now - since > dt.timedelta(seconds=self.time_limit_s) + RUN_PATIENCE
        return False
