"""The register of classified carriers (密件登记簿). It stores no classified content (SEC-00): only the register facts
of each physical copy, where it is and who had it. A `CustodyMove` is one hand-over, signed for with its time; the
carrier goes clerk → reader → clerk, never reader → reader (SEC-02), which a database trigger also refuses
(migration 0002)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiban.core.models import public_id_field
from zhiban.org.models import Person, Unit
from zhiban.policy.rules.sec_00 import marking


class Classification(models.TextChoices):
    """密级."""

    TOP_SECRET = "top_secret", _("top secret (绝密)")
    SECRET = "secret", _("secret (机密)")
    CONFIDENTIAL = "confidential", _("confidential (秘密)")


# A clearance of rank n may see classifications of rank ≤ n.
RANK = {Classification.CONFIDENTIAL: 1, Classification.SECRET: 2, Classification.TOP_SECRET: 3}


class Clearance(models.Model):
    """涉密等级 — the highest classification a person may read, set by the security administrator or a clerk."""

    person = models.OneToOneField(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="clearance")
    level = models.CharField(_("clearance"), max_length=12, choices=Classification.choices)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("clearance")
        verbose_name_plural = _("clearances")

    def __str__(self) -> str:
        return f"{self.person.name}: {self.get_level_display()}"


class Carrier(models.Model):
    """密件 — one physical copy of a classified document: its register facts only (SEC-00), its designated clerk and
    the unit whose register holds it (SEC-01), its distribution scope and its current holder (SEC-02)."""

    class Status(models.TextChoices):
        IN_REGISTER = "in_register", _("in the register")
        ARCHIVED = "archived", _("archived")

    public_id = public_id_field("sec")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    clerk = models.ForeignKey(Person, verbose_name=_("clerk"), on_delete=models.PROTECT, related_name="+")
    register_number = models.CharField(_("register number"), max_length=40)
    classification = models.CharField(_("classification"), max_length=12, choices=Classification.choices)
    period_years = models.PositiveSmallIntegerField(_("period (years)"))
    copy_number = models.PositiveIntegerField(_("copy number"))
    issuing_body = models.CharField(_("issuing body"), max_length=120)
    issued_on = models.DateField(_("issued on"))
    received_on = models.DateField(_("received on"))
    title = models.CharField(_("title (not secret)"), max_length=200)
    location = models.CharField(_("location"), max_length=120)
    holder = models.ForeignKey(Person, verbose_name=_("held by"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IN_REGISTER)
    scope_units = models.ManyToManyField(Unit, verbose_name=_("distribution units"), blank=True, related_name="+")
    scope_people = models.ManyToManyField(Person, verbose_name=_("distribution people"), blank=True, related_name="+")
    registered_at = models.DateTimeField(_("registered at"))
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        ordering = ["-registered_at", "register_number", "copy_number"]
        verbose_name = _("classified carrier")
        verbose_name_plural = _("classified carriers")
        constraints = [
            models.UniqueConstraint(fields=["unit", "register_number", "copy_number"], name="secrecy_carrier_unique"),
            models.CheckConstraint(condition=models.Q(period_years__gte=1), name="secrecy_carrier_period_positive"),
            models.CheckConstraint(condition=models.Q(copy_number__gte=1), name="secrecy_carrier_copy_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.register_number}-{self.copy_number}"

    @property
    def marking(self) -> str:
        return marking(self.classification, self.period_years)

    @property
    def with_clerk(self) -> bool:
        return self.holder_id == self.clerk_id


class CustodyMove(models.Model):
    """交接 — the carrier handed from one holder to the next (none for the receipt), signed for at `moved_at`. A move
    away from the clerk carries the date it is due back (SEC-02)."""

    class Kind(models.TextChoices):
        RECEIVE = "receive", _("received and registered")
        ISSUE = "issue", _("issued to a reader")
        RETURN = "return", _("returned to the clerk")

    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField(_("move"), max_length=10, choices=Kind.choices)
    from_holder = models.ForeignKey(
        Person, verbose_name=_("handed over by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_holder = models.ForeignKey(Person, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField(_("signed for at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_back_at = models.DateTimeField(_("due back"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        ordering = ["moved_at", "id"]
        verbose_name = _("custody move")
        verbose_name_plural = _("custody moves")
        indexes = [models.Index(fields=["due_back_at"], name="secrecy_move_due_idx")]

    def __str__(self) -> str:
        return f"{self.carrier} → {self.to_holder_id}"
