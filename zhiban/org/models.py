"""The organisation: units in a tree, people, job types and roles (REQUIREMENTS §1, ORG-01..03)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiban.core.models import public_id_field


class Unit(models.Model):
    """单位 / 部门 / 站 / 班组 — a node of the organisation tree (ORG-01).

    `path` is the chain of ancestor ids (`"1.5.9."`) so a subtree is one `startswith` query.
    """

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("organisation")
        DEPARTMENT = "department", _("department")
        STATION = "station", _("station")
        TEAM = "team", _("team")

    public_id = public_id_field("unt")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    duty_phone = models.CharField(_("duty-room phone"), max_length=40, blank=True)
    fax = models.CharField(_("fax"), max_length=40, blank=True)

    class Meta:
        ordering = ["path", "sort_order"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count(".")


class JobType(models.Model):
    """工种 — a job type (e.g. 话务员, 维护员, 驾驶员); swaps and qualifications compare them."""

    public_id = public_id_field("jbt")
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["code"]
        verbose_name = _("job type")
        verbose_name_plural = _("job types")

    def __str__(self) -> str:
        return self.name


class PersonKind(models.TextChoices):
    """人员类别 — only staff may be duty staff (ORG-03)."""

    STAFF = "staff", _("staff")
    GUARD = "guard", _("security guard")
    CLEANER = "cleaner", _("cleaner")
    CONTRACTOR = "contractor", _("contractor / other organisation")
    OTHER = "other", _("other")


class Grade(models.IntegerChoices):
    """员工级别 — skill grade; packs compare levels numerically (SWAP-04)."""

    JUNIOR = 1, _("junior")
    INTERMEDIATE = 2, _("intermediate")
    SENIOR = 3, _("senior")


class Person(models.Model):
    """人员 — a person of the organisation. The employee number is the key for imports."""

    public_id = public_id_field("per")
    employee_number = models.CharField(_("employee number"), max_length=32)
    name = models.CharField(_("name"), max_length=60)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="people")
    # The organisation at the top of `unit`'s tree, kept by save(): employee numbers are unique within it, so one
    # organisation's numbers tell nothing about another's.
    organisation = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=PersonKind.choices, default=PersonKind.STAFF)
    job_type = models.ForeignKey(
        JobType, verbose_name=_("job type"), on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices, null=True, blank=True)
    title = models.CharField(_("title"), max_length=60, blank=True)
    office_phone = models.CharField(_("office phone"), max_length=40, blank=True)
    mobile = models.CharField(_("mobile"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )

    class Meta:
        ordering = ["unit__path", "employee_number"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "employee_number"], name="person_employee_number_unique_in_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_number})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.organisation_id = int(self.unit.path.split(".", 1)[0])
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "unit" in update_fields:
            kwargs["update_fields"] = {*update_fields, "organisation"}
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    """岗位角色 from the regulations (ORG-02). A person may hold several, each scoped to a unit."""

    DUTY_OFFICER = "duty_officer", _("duty officer")
    DUTY_LEADER = "duty_leader", _("leader on duty")
    STANDBY_DRIVER = "standby_driver", _("standby driver")
    SECRETARIAT = "secretariat", _("secretariat / general-affairs scheduler")
    DEPARTMENT_HEAD = "department_head", _("department head")
    STATION_HEAD = "station_head", _("station head")
    REGIONAL_LEADER = "regional_leader", _("regional leader")
    TEAM_LEAD = "team_lead", _("team lead")
    CS_DIRECTOR = "cs_director", _("customer-service director")
    CENTRE_DIRECTOR = "centre_director", _("centre director")
    QA_INSPECTOR = "qa_inspector", _("QA inspector")
    CONFIDENTIAL_CLERK = "confidential_clerk", _("confidential clerk")
    SECRECY_OFFICER = "secrecy_officer", _("part-time secrecy officer")
    SAFETY_OFFICER = "safety_officer", _("part-time safety officer")
    VEHICLE_MANAGER = "vehicle_manager", _("vehicle manager")
    SERVICE_CENTRE = "service_centre", _("logistics service centre")


class RoleAssignment(models.Model):
    """A role held by a person within a unit (its subtree is the role's scope)."""

    public_id = public_id_field("rol")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("scope"), on_delete=models.PROTECT, related_name="role_holders")

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["person", "role", "unit"], name="role_unique_per_person_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}: {self.get_role_display()} @ {self.unit.name}"
