"""Demo rosters: each organisation's shift types from its pack, this month's roster generated and published,
next month's generated and left as a draft for the scheduler — all through the roster services and the real
generator, by whoever compiles the unit's roster (ROS-03). A second run finds every period and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from zhiban.accounts.models import User
from zhiban.core import clock
from zhiban.demo.plan import DemoDataError, DemoPlan
from zhiban.org.models import Role, RoleAssignment, Unit
from zhiban.roster import selectors, services
from zhiban.roster.generation import jobs as generation_jobs
from zhiban.roster.generation import services as generation
from zhiban.roster.generation.models import GenerationRun
from zhiban.roster.models import RosterPeriod, ShiftType

GENERATION_SECONDS = (1, 5, 15)  # per period, tried in turn: small units are solved in the first, 客服部 in the second
MIN_ROTATION = 3  # a department rosters its own duty when at least this many of its people stand duty
PUBLISH_NOTE = "演示数据：由排班生成器生成后发布"


@dataclass
class RosterSummary:
    """The demo's periods as they stand after the run: published this month, drafts of next month."""

    published: list[RosterPeriod] = field(default_factory=list)
    drafts: list[RosterPeriod] = field(default_factory=list)

    def note(self) -> str:
        return f"rosters: {len(self.published)} published this month, {len(self.drafts)} drafts next month"


def demo_months(today: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """This month and the next, as (first day, last day)."""
    this = services.month_bounds(today.year, today.month)
    following = this[1] + dt.timedelta(days=1)
    return this, services.month_bounds(following.year, following.month)


def roster_units(organisation: Unit) -> list[Unit]:
    """The units that compile a roster (ROS-03 compiled_by): the organisation through its secretariat, or
    each department with a rotation of its own."""
    if selectors.compiled_by(organisation) != "department":
        return [organisation]
    departments = Unit.objects.filter(parent=organisation, kind=Unit.Kind.DEPARTMENT).order_by("sort_order", "pk")
    return [
        department
        for department in departments
        if RoleAssignment.objects.filter(
            role=Role.DUTY_OFFICER, person__unit__path__startswith=department.path, person__is_active=True
        )
        .values("person")
        .distinct()
        .count()
        >= MIN_ROTATION
    ]


def scheduler_account(unit: Unit) -> User | None:
    """The login of whoever compiles `unit`'s roster, when the demo gives them one (else a command-line job)."""
    for person in selectors.schedulers(unit):
        if person.user is not None and person.user.is_active and selectors.can_schedule(person.user, unit):
            return person.user
    return None


def setup_account(organisation: Unit) -> User | None:
    held = RoleAssignment.objects.filter(role=Role.SECRETARIAT, unit=organisation, person__user__isnull=False)
    assignment = held.select_related("person__user").order_by("person_id").first()
    return assignment.person.user if assignment is not None and assignment.person.user is not None else None


def load_rosters(plan: DemoPlan, created: Counter[str]) -> RosterSummary:
    """Create whatever of the demo rosters is missing; refuse (DemoDataError) data the generator cannot cover."""
    this_month, next_month = demo_months(clock.today())
    summary = RosterSummary()
    for organisation_plan in plan.organisations:
        organisation = Unit.objects.get(parent=None, kind=Unit.Kind.ORGANISATION, name=organisation_plan.name)
        if not ShiftType.objects.filter(organisation=organisation).exists():
            services.roster_setup_from_pack(actor=setup_account(organisation), organisation=organisation)
            created["shift_type_sets"] += 1
        for unit in roster_units(organisation):
            actor = scheduler_account(unit)
            for bounds, publish in ((this_month, True), (next_month, False)):
                with transaction.atomic():
                    period = _ensure_period(unit, bounds, actor, publish, created)
                if period is None:
                    continue
                if period.status == RosterPeriod.Status.PUBLISHED:
                    summary.published.append(period)
                elif selectors.draft_of(period) is not None:
                    summary.drafts.append(period)
    return summary


def _ensure_period(
    unit: Unit, bounds: tuple[dt.date, dt.date], actor: User | None, publish: bool, created: Counter[str]
) -> RosterPeriod | None:
    start, end = bounds
    period = RosterPeriod.objects.filter(unit=unit, start=start, end=end).first()
    if period is None:
        if RosterPeriod.objects.filter(unit=unit, start__lte=end, end__gte=start).exists():
            return None  # someone opened a period of their own over these days: the demo leaves it be
        period = services.period_open(actor=actor, unit=unit, start=start, end=end)
        created["roster_periods"] += 1
    if period.status == RosterPeriod.Status.OPEN and not period.generation_runs.exists():
        _generate(period, actor)
        created["roster_drafts"] += 1
        period.refresh_from_db()
    if publish and period.published_version_id is None and selectors.draft_of(period) is not None:
        services.period_publish(actor=actor, period=period, note=PUBLISH_NOTE)
        created["rosters_published"] += 1
        period.refresh_from_db()
    return period


def _generate(period: RosterPeriod, actor: User | None) -> None:
    """A fair draft from the real generator, solved here and now instead of on the worker; a run that finds
    nothing in the short limit (a large unit, a busy machine) is tried again with a longer one."""
    finished: GenerationRun | None = None
    for seconds in GENERATION_SECONDS:
        run = generation.generation_start(actor=actor, period=period, time_limit_s=seconds)
        finished = generation_jobs.execute(run.pk)
        if finished is None or finished.status != GenerationRun.Status.FAILED or finished.refused:
            break
    if finished is None or finished.status != GenerationRun.Status.DONE or finished.refused:
        detail = (finished.explanation or {}).get("infeasible", []) if finished else []
        reason = (finished.error or "; ".join([*finished.refused, *detail][:5])) if finished else "the run vanished"
        raise DemoDataError(
            f"{period.unit.name} {period.start:%Y-%m}: the generator found no roster "
            f"({finished.status if finished else '?'}): {reason}. Add the people this unit needs to its data file."
        )
