"""Roster writes: seed shift types from the pack, open a period, edit the draft, publish, correct, kiosk tokens.

Each service is atomic, permission-checked (`selectors.can_schedule`) and records exactly one audit
event. Every edit of who is on duty is checked by the rule engine (`policy.enforce`): ORG-03
outsiders, ROS-01 days, posts, headcount, qualification and one post per shift, ROS-03 changes to a
published roster; refusals cite rule, pack, clause and policy version.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from zhiban.accounts.models import User
from zhiban.calendar import selectors as calendar_selectors
from zhiban.core import audit, clock, jobs, operations
from zhiban.core.secret_tokens import digest, new_secret
from zhiban.notify.services import notify
from zhiban.org.models import Person, Unit
from zhiban.org.scopes import organisation_of
from zhiban.policy import compliance
from zhiban.policy import selectors as policy_selectors
from zhiban.policy import services as policy
from zhiban.policy.rules import ros_03
from zhiban.policy.rules.ros_01 import ShiftDay
from zhiban.policy.rules.ros_03 import PublishTiming, RosterChange
from zhiban.roster import rotation, seat_rules, selectors
from zhiban.roster.cells import NEAR_DAYS, CellChecks, CellRefusal, refusals_of
from zhiban.roster.compensation.services import credits_sync as rest_credits_sync
from zhiban.roster.models import Assignment, KioskToken, Post, RosterPeriod, RosterVersion, ShiftType
from zhiban.roster.pack_shifts import shift_specs

MAX_PERIOD_DAYS = 92
UNEXPLAINED = "发布时未说明理由"  # a warning published past without a note stays on the compliance record as such
REMINDER_KIND = "roster.duty_reminder"
REMINDER_LEADS = {"day": dt.timedelta(days=1), "hour": dt.timedelta(hours=1)}
DEADLINE_KIND = "roster.publish_deadline"
# ROS-03 publish_deadline: remind the compiler 3 days and 1 day before, escalate when it passes.
DEADLINE_STAGES = {"d3": dt.timedelta(days=3), "d1": dt.timedelta(days=1), "missed": dt.timedelta(0)}


def _require_schedule(actor: User | None, unit: Unit) -> None:
    if actor is not None and not selectors.can_schedule(actor, unit):
        raise PermissionDenied(f"you may not compile the roster of {unit.name}")


# ------------------------------------------------------------------------------------ shift types


@transaction.atomic
def roster_setup_from_pack(*, actor: User | None, organisation: Unit) -> list[ShiftType]:
    """Create or update the organisation's shift types from its pack (ROS-01, CAL-02, CAL-03)."""
    if actor is not None and not selectors.can_setup(actor, organisation):
        raise PermissionDenied(f"you may not set up the rosters of {organisation.name}")
    resolved = policy_selectors.resolved_for_unit(organisation)
    if resolved is None:
        raise ValidationError({"organisation": f"{organisation.name} has adopted no policy pack yet"})
    pack_id = resolved.pack.id
    _, params = selectors.rule_parameters(
        organisation, sorted(set().union(*(t.rule_ids for t in resolved.pack.shifts)))
    )
    specs = shift_specs(resolved.pack.shifts, params)
    existing = {s.code: s for s in ShiftType.objects.select_for_update().filter(organisation=organisation)}
    result = []
    for order, spec in enumerate(specs):
        shift = existing.get(spec.code) or ShiftType(organisation=organisation, code=spec.code)
        shift.name = spec.name
        shift.summer_start, shift.summer_end = spec.summer
        shift.winter_start, shift.winter_end = spec.winter
        shift.day_kinds = list(spec.day_kinds)
        shift.officers, shift.needs_leader, shift.needs_driver = spec.officers, spec.needs_leader, spec.needs_driver
        shift.is_night = spec.is_night
        shift.office_until = spec.office_until
        shift.handovers = [f"{t:%H:%M}" for t in spec.handovers]
        shift.sort_order = order
        shift.save()
        result.append(shift)
    audit.record(
        actor=actor,
        action="roster.shift_types.setup",
        object_type="unit",
        object_id=organisation.public_id,
        before=sorted(existing),
        after={"pack": pack_id, "shift_types": [s.code for s in result]},
    )
    return result


# ------------------------------------------------------------------------------------ periods


def publish_deadline(unit: Unit, start: dt.date) -> dt.datetime:
    """ROS-03 publish_by: by the end of the month before `start` (also "before the 1st"), or `lead_days`
    before the first duty day. Without a pack: the first duty day's midnight."""
    _, params = selectors.rule_parameters(unit, ["ROS-03"])
    return ros_03.deadline(start, params.get("ROS-03", {}), clock.local_tz())


@transaction.atomic
def period_open(*, actor: User | None, unit: Unit, start: dt.date, end: dt.date) -> RosterPeriod:
    """Open a roster period for a unit (status open; no assignments yet)."""
    _require_schedule(actor, unit)
    if end < start:
        raise ValidationError({"end": "the last day is before the first day"})
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationError({"end": f"a period is at most {MAX_PERIOD_DAYS} days"})
    if RosterPeriod.objects.filter(unit=unit, start__lte=end, end__gte=start).exists():
        raise ValidationError({"start": f"{unit.name} already has a roster period overlapping {start}–{end}"})
    if not ShiftType.objects.filter(organisation=organisation_of(unit)).exists():
        raise ValidationError({"unit": f"{unit.name}'s organisation has no shift types: set them up from the pack"})
    period = RosterPeriod.objects.create(
        unit=unit,
        start=start,
        end=end,
        publish_deadline=publish_deadline(unit, start),
        created_at=clock.now(),
        created_by=actor if actor is not None and actor.pk else None,
    )
    for stage, before in DEADLINE_STAGES.items():
        due = period.publish_deadline - before
        if due > clock.now() or stage == "missed":
            jobs.schedule(
                DEADLINE_KIND,
                {"period": period.pk, "stage": stage},
                max(due, clock.now()),
                f"roster.deadline:{period.pk}:{stage}",
            )
    audit.record(
        actor=actor,
        action="roster.period.open",
        object_type="roster_period",
        object_id=period.public_id,
        after={"unit": unit.public_id, "start": start, "end": end, "publish_deadline": period.publish_deadline},
    )
    return period


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, pycalendar.monthrange(year, month)[1])


# ------------------------------------------------------------------------------------ cell checks


def check_cell(period: RosterPeriod, day: dt.date, shift_type: ShiftType, post: str, people: Sequence[Person]) -> None:
    """Refuse a cell that breaks a rule: the date, the shift's days and posts (ROS-01), outsiders
    (ORG-03 via the rule engine) and the post's qualification (`zhiban.roster.cells`)."""
    CellChecks(period, [(day, shift_type, post, people)]).check(day, shift_type, post, people)


def held_near(
    version: RosterVersion | None, day: dt.date, shift_type: ShiftType, people: Sequence[Person]
) -> list[Assignment]:
    """What `version` holds on the cell's day and shift (every post), and the people's duties two days either side:
    one read for the cell's content and its one-post, seat and rest checks."""
    if version is None:
        return []
    near = Q(
        person_id__in=[p.pk for p in people],
        date__gte=day - dt.timedelta(days=NEAR_DAYS),
        date__lte=day + dt.timedelta(days=NEAR_DAYS),
    )
    return list(
        Assignment.objects.filter(Q(date=day, shift_type=shift_type) | near, version=version).select_related(
            "person", "shift_type"
        )
    )


def check_one_post(
    version: RosterVersion | None, day: dt.date, shift_type: ShiftType, post: str, people: Sequence[Person]
) -> None:
    """Nobody fills two posts of the same shift (leader and officer at once)."""
    if version is None or not people:
        return
    held = held_near(version, day, shift_type, [])
    CellChecks(version.period, []).check_one_post(held, day, shift_type, post, people)


def check_seats(
    period: RosterPeriod,
    version: RosterVersion | None,
    day: dt.date,
    shift_type: ShiftType,
    post: str,
    people: Sequence[Person],
) -> None:
    """ROS-01 seats by job type and the minimum rest between the people's duties (`seat_rules`)."""
    facts = seat_rules.cell_facts(version, day, shift_type, post, people)
    if facts:
        policy.enforce(unit=period.unit, rule_ids=["ROS-01"], field="person", facts=facts)


def cell_of(version: RosterVersion, day: dt.date, shift_type: ShiftType, post: str) -> list[Assignment]:
    return list(
        Assignment.objects.filter(version=version, date=day, shift_type=shift_type, post=post).select_related("person")
    )


def _in_cell(held: Sequence[Assignment], day: dt.date, shift_type: ShiftType, post: str) -> list[Assignment]:
    return [a for a in held if a.date == day and a.shift_type_id == shift_type.pk and a.post == post]


def _write_cell(
    version: RosterVersion,
    current: Sequence[Assignment],
    day: dt.date,
    shift_type: ShiftType,
    post: str,
    people: Sequence[Person],
    pinned: bool,
) -> tuple[list[str], list[str]]:
    """Replace the cell's `current` rows with `people`; returns who was there and who is now (public ids)."""
    if current:
        Assignment.objects.filter(pk__in=[a.pk for a in current]).delete()
    Assignment.objects.bulk_create(
        [
            Assignment(version=version, date=day, shift_type=shift_type, post=post, person=person, pinned=pinned)
            for person in people
        ]
    )
    return [a.person.public_id for a in current], [p.public_id for p in people]


def _period_label(period: RosterPeriod) -> str:
    return f"{period.unit.name} {period.start:%Y-%m-%d}–{period.end:%Y-%m-%d}"


def enforce_change(period: RosterPeriod, *, published: bool, channel: str = "edit", reason: str = "") -> None:
    """ROS-03 change_only_by_request: a published roster is not edited in place; a correction needs a reason."""
    field = "reason" if channel == "correction" else "period"
    facts = RosterChange(_period_label(period), published=published, channel=channel, reason=reason)
    policy.enforce(unit=period.unit, rule_ids=["ROS-03"], field=field, facts=facts)


def locked_period(period: RosterPeriod) -> RosterPeriod:
    """The period's row locked. Its published version is read after the lock, not joined: on PostgreSQL a row
    re-read after waiting for a lock keeps the joined rows of the statement's snapshot, so a version published by
    whoever held the lock would be missing (the period would look unpublished)."""
    return RosterPeriod.objects.select_for_update(of=("self",)).select_related("unit").get(pk=period.pk)


def locked_with_draft(period: RosterPeriod) -> tuple[RosterPeriod, RosterVersion | None]:
    """The period locked (as `locked_period`) and its draft: one query when there is a draft, which is read with
    the period's row locked (FOR UPDATE OF the period). Whoever held the lock before may have just published that
    draft: the period row we then hold is theirs, naming it as its published version, so it is not taken for a
    draft. Without a draft: the period locked, then (unless it is still open, which means no draft) the draft."""
    found = list(
        RosterVersion.objects.select_for_update(of=("period",))
        .select_related("period__unit")
        .filter(period_id=period.pk, published_at__isnull=True)
        .order_by()[:1]
    )
    if found and found[0].period.published_version_id != found[0].pk:
        return found[0].period, found[0]
    locked = locked_period(period)
    return locked, None if locked.status == RosterPeriod.Status.OPEN else selectors.draft_of(locked)


def corrects_published(period: RosterPeriod, draft: RosterVersion | None) -> bool:
    """The edit-or-correct decision (ROS-03 change_only_by_request): a change of a cell of a published period that
    has no draft corrects the published roster (a reason, a new version at once); any other change edits the
    draft. The cell editor's page and API both ask this (through `cell_change`), never decide it themselves."""
    return draft is None and period.published_version_id is not None


@operations.operation()
@transaction.atomic
def cell_change(
    *,
    actor: User | None,
    period: RosterPeriod,
    day: dt.date,
    shift_type: ShiftType,
    post: str,
    people: Sequence[Person],
    pinned: bool = False,
    reason: str = "",
) -> RosterVersion:
    """Change one cell as the cell editor (page or API) asks: edit the draft (`assignment_set`), or correct the
    published roster when it has no draft (`roster_correct`, with `reason`) — decided here, under the period's lock
    (`corrects_published`). Returns the draft, or the new published version."""
    period, draft = locked_with_draft(period)
    if corrects_published(period, draft):
        return _correct_cell(
            actor=actor, period=period, day=day, shift_type=shift_type, post=post, people=people, reason=reason
        )
    return _edit_cell(
        actor=actor, period=period, draft=draft, day=day, shift_type=shift_type, post=post, people=people, pinned=pinned
    )


@operations.operation()
@transaction.atomic
def assignment_set(
    *,
    actor: User | None,
    period: RosterPeriod,
    day: dt.date,
    shift_type: ShiftType,
    post: str,
    people: Sequence[Person],
    pinned: bool = False,
) -> RosterVersion:
    """Set who fills one cell (date · shift · post) of the draft; an empty list clears it.

    The first edit makes the draft (status draft). A published period without a draft changes only
    through `roster_correct` (ROS-03 change_only_by_request).
    """
    period, draft = locked_with_draft(period)
    return _edit_cell(
        actor=actor, period=period, draft=draft, day=day, shift_type=shift_type, post=post, people=people, pinned=pinned
    )


def _edit_cell(
    *,
    actor: User | None,
    period: RosterPeriod,
    draft: RosterVersion | None,
    day: dt.date,
    shift_type: ShiftType,
    post: str,
    people: Sequence[Person],
    pinned: bool,
) -> RosterVersion:
    """`assignment_set` on the locked period and its draft."""
    _require_schedule(actor, period.unit)
    if post not in Post.values:
        raise ValidationError({"post": f"unknown post {post!r}"})
    enforce_change(period, published=draft is None and period.status == RosterPeriod.Status.PUBLISHED)
    held = held_near(draft, day, shift_type, people)
    checks = CellChecks(period, [(day, shift_type, post, people)])
    checks.check(day, shift_type, post, people)
    checks.check_one_post(held, day, shift_type, post, people)
    checks.check_seats(held, day, shift_type, post, people)
    if draft is None:
        draft = RosterVersion.objects.create(period=period, number=0)
    before, after = _write_cell(draft, _in_cell(held, day, shift_type, post), day, shift_type, post, people, pinned)
    if period.status == RosterPeriod.Status.OPEN:
        period.status = RosterPeriod.Status.DRAFT
        period.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="roster.assignment.set",
        object_type="roster_period",
        object_id=period.public_id,
        before={"people": before},
        after={"people": after, "pinned": pinned},
        extra={"date": day, "shift_type": shift_type.code, "post": post},
    )
    return draft


@dataclass(frozen=True)
class DraftFill:
    """What `draft_fill` did: the draft, how many of the given cells it wrote, how many pinned cells it kept, and
    the cells it refused and left out, each with its refusals as data (rule, code, message)."""

    draft: RosterVersion
    written: int
    kept_pinned: int
    refused: tuple[CellRefusal, ...] = ()


_Given = tuple[int, dt.date, ShiftType, str, Sequence[Person]]


def _key(a: Assignment) -> tuple[dt.date, int, str]:
    return (a.date, a.shift_type_id, a.post)


@operations.operation()
@transaction.atomic
def draft_fill(
    *,
    actor: User | None,
    period: RosterPeriod,
    cells: Sequence[tuple[dt.date, ShiftType, str, Sequence[Person]]],
    source: str = "generator",
    whole: bool = False,
    keep_going: bool = False,
) -> DraftFill:
    """Write many cells into the draft at once (the generator's output): pinned cells are kept, every
    other given cell replaces what was there, each checked as a single edit would be (`zhiban.roster.cells`).
    `whole`: the cells are the whole period (a generation run): any other cell not pinned is emptied, so a cell
    whose shift no longer runs on its day (the calendar changed under the draft) does not stay behind.

    All or nothing: a refused cell refuses the whole fill, naming the cell (`cell 3 (…)`). With `keep_going`, a
    refused cell is left out instead (not written; emptied when `whole`) and returned in `refused` with why, and
    the rest is written. The cost in queries does not grow with the number of cells: what the checks read is read
    once, the draft's rows once, and the write is one delete, one insert and one audit event."""
    period, draft = locked_with_draft(period)
    _require_schedule(actor, period.unit)
    enforce_change(period, published=period.status == RosterPeriod.Status.PUBLISHED and draft is None)
    rows = list(draft.assignments.select_related("person", "shift_type")) if draft is not None else []
    draft = draft or RosterVersion.objects.create(period=period, number=0)
    pinned = {_key(a) for a in rows if a.pinned}
    given: list[_Given] = [
        (index, day, shift_type, post, people)
        for index, (day, shift_type, post, people) in enumerate(cells, start=1)
        if (day, shift_type.pk, post) not in pinned
    ]
    checks = CellChecks(period, [(day, shift_type, post, people) for _, day, shift_type, post, people in given])
    refused: list[CellRefusal] = []

    def refuse(cell: _Given, error: ValidationError) -> None:
        index, day, shift_type, post, people = cell
        refusal = CellRefusal(index, day, shift_type, post, tuple(people), refusals_of(error))
        if not keep_going:
            raise refusal.error() from error
        refused.append(refusal)

    accepted: list[_Given] = []
    for cell in given:
        try:
            checks.check(*cell[1:])
        except ValidationError as error:
            refuse(cell, error)
        else:
            accepted.append(cell)
    kept, new = _filled(draft, rows, pinned, accepted, whole)
    while True:  # one post per shift, over the draft as it will be (so the cells' order does not matter)
        by_shift: dict[tuple[dt.date, int], list[Assignment]] = defaultdict(list)
        for a in [*kept, *new]:
            by_shift[a.date, a.shift_type_id].append(a)
        for cell in accepted:
            _, day, shift_type, post, people = cell
            try:
                checks.check_one_post(by_shift[day, shift_type.pk], day, shift_type, post, people)
            except ValidationError as error:
                refuse(cell, error)
                accepted.remove(cell)  # left out: the draft it leaves is checked again
                kept, new = _filled(draft, rows, pinned, accepted, whole)
                break
        else:
            break
    kept_ids = {a.pk for a in kept}
    if stale := [a.pk for a in rows if a.pk not in kept_ids]:
        Assignment.objects.filter(pk__in=stale).delete()
    Assignment.objects.bulk_create(new)
    if period.status == RosterPeriod.Status.OPEN:
        period.status = RosterPeriod.Status.DRAFT
        period.save(update_fields=["status"])
    summary: dict[str, object] = {"cells": len(accepted), "kept_pinned": len(pinned), "source": source}
    if refused:
        summary["refused"] = len(refused)
    audit.record(
        actor=actor, action="roster.draft.fill", object_type="roster_period", object_id=period.public_id, after=summary
    )
    refused.sort(key=lambda refusal: refusal.index)
    return DraftFill(draft, len(accepted), len(pinned), tuple(refused))


def _filled(
    draft: RosterVersion,
    rows: Sequence[Assignment],
    pinned: set[tuple[dt.date, int, str]],
    accepted: Sequence[_Given],
    whole: bool,
) -> tuple[list[Assignment], list[Assignment]]:
    """The draft's rows that stay and the rows to add, once the accepted cells are written."""
    written = {(day, shift_type.pk, post) for _, day, shift_type, post, _ in accepted}
    kept = [a for a in rows if (_key(a) in pinned if whole else _key(a) not in written)]
    new = [
        Assignment(version=draft, date=day, shift_type=shift_type, post=post, person=person, pinned=False)
        for _, day, shift_type, post, people in accepted
        for person in people
    ]
    return kept, new


def assignment_clear(
    *, actor: User | None, period: RosterPeriod, day: dt.date, shift_type: ShiftType, post: str
) -> RosterVersion:
    """Empty one cell of the draft."""
    return assignment_set(actor=actor, period=period, day=day, shift_type=shift_type, post=post, people=[])


# ------------------------------------------------------------------------------------ publishing


def _reminder_key(period: RosterPeriod, a: Assignment, lead: str) -> str:
    return f"roster.reminder:{period.pk}:{a.date}:{a.shift_type_id}:{a.post}:{a.person_id}:{lead}"


def _schedule_reminders(period: RosterPeriod, assignments: Sequence[Assignment]) -> int:
    """The day before and an hour before each duty, to the person (future ones only)."""
    seasons = calendar_selectors.effective_seasons(period.unit).dates
    tz = clock.local_tz()
    now = clock.now()
    count = 0
    for a in assignments:
        start, _ = a.shift_type.window(a.date, seasons, tz)
        for lead, before in REMINDER_LEADS.items():
            due = start - before
            if due <= now:
                continue
            payload = {
                "period": period.pk,
                "date": a.date.isoformat(),
                "shift_type": a.shift_type_id,
                "post": a.post,
                "person": a.person_id,
                "lead": lead,
            }
            jobs.schedule(REMINDER_KIND, payload, due, _reminder_key(period, a, lead))
            count += 1
    return count


def period_link(period: RosterPeriod) -> str:
    return reverse("roster:period_detail", args=[period.public_id])


def _people_of(assignments: Sequence[Assignment]) -> list[Person]:
    return list({a.person_id: a.person for a in assignments}.values())


def _enforce_shift_days(period: RosterPeriod, assignments: Sequence[Assignment]) -> None:
    """ROS-01 again at publication, on the calendar as it is now: a cell whose shift does not run on its day's kind
    (the official arrangement moved a make-up workday or a holiday after the cell was written) is refused."""
    kinds = rotation.day_kinds(period)
    facts = [
        ShiftDay(shift.name, day, kinds[day], tuple(shift.day_kinds))
        for day, shift in sorted({(a.date, a.shift_type) for a in assignments}, key=lambda c: (c[0], c[1].pk))
    ]
    policy.enforce(unit=period.unit, rule_ids=["ROS-01"], field="period", facts=facts)


@transaction.atomic
def period_publish(*, actor: User | None, period: RosterPeriod, note: str = "") -> RosterVersion:
    """Publish the draft as the next numbered version (late when past the ROS-03 deadline), notify
    everyone on it and schedule their reminders."""
    period = locked_period(period)
    _require_schedule(actor, period.unit)
    draft = selectors.draft_of(period)
    if draft is None:
        raise ValidationError({"period": "there is no draft to publish"})
    assignments = list(draft.assignments.select_related("person__job_type", "shift_type"))
    if not assignments:
        raise ValidationError({"period": "the draft is empty"})
    _enforce_shift_days(period, assignments)
    seats = seat_rules.roster_facts(period, assignments)  # rest, seats, seniors: the roster as a whole
    seats_outcome = policy.enforce(unit=period.unit, rule_ids=["ROS-01"], field="period", facts=seats)
    now = clock.now()
    previous = period.published_version
    draft.number = (previous.number if previous else 0) + 1
    draft.published_at = now
    draft.published_by = actor if actor is not None and actor.pk else None
    timing = policy.evaluate(
        unit=period.unit,
        rule_ids=["ROS-03"],
        facts=PublishTiming(_period_label(period), due=period.publish_deadline, at=now),
    )
    draft.late = (
        any(f.code == "ROS-03.publish_on_time" for f in timing.warnings)
        if "ROS-03" in timing.evaluated
        else now > period.publish_deadline
    )
    draft.note = note.strip()[:500]
    draft.save()
    rotation_outcome = rotation.check(period, draft)  # ROS-02 warnings: published, flagged, on the record
    for outcome in (seats_outcome, rotation_outcome):  # ROS-01 warnings (a shift without its senior) likewise
        compliance.overridden(
            outcome,
            actor=actor,
            organisation=period.unit,
            subject=f"{_period_label(period)} v{draft.number}",
            reason=draft.note or UNEXPLAINED,
        )
    period.published_version = draft
    period.status = RosterPeriod.Status.PUBLISHED
    period.save(update_fields=["published_version", "status"])
    rest_credits_sync(draft)  # ROS-07 compensatory rest credits
    people = _people_of(assignments)
    subject = f"值班表已公布：{period.unit.name} {period.start:%Y-%m-%d}至{period.end:%Y-%m-%d}"
    if draft.number > 1:
        subject += f"（第{draft.number}版）"
    notify(recipients=people, subject=subject, link=period_link(period))
    reminders = _schedule_reminders(period, assignments)
    audit.record(
        actor=actor,
        action="roster.period.publish",
        object_type="roster_period",
        object_id=period.public_id,
        before={"version": previous.number if previous else None},
        after={
            "version": draft.number,
            "late": draft.late,
            "assignments": len(assignments),
            "reminders": reminders,
            "warnings": [f.code for f in rotation_outcome.warnings],
        },
    )
    return draft


CellKey = tuple[dt.date, ShiftType, str]


def publish_cells(
    period: RosterPeriod, *, actor: User | None, note: str, cells: dict[CellKey, list[Person]]
) -> tuple[RosterVersion, list[Assignment], list[Assignment]]:
    """A new published version of a (locked) period: the current one with `cells` replaced; returns the
    version and the assignments removed and added. Reminders move with the people; rest credits follow
    (ROS-07). The caller checks the cells, notifies and audits."""
    current = period.published_version
    if current is None:
        raise ValidationError({"period": "the roster is not published; edit the draft instead"})
    version = RosterVersion.objects.create(
        period=period,
        number=current.number + 1,
        published_at=clock.now(),
        published_by=actor if actor is not None and actor.pk else None,
        late=False,
        note=note[:500],
    )
    old = {key: cell_of(current, *key) for key in cells}
    replaced = {(day, shift.pk, post) for day, shift, post in cells}
    copied = [
        Assignment(version=version, date=a.date, shift_type=a.shift_type, post=a.post, person=a.person, pinned=a.pinned)
        for a in current.assignments.select_related("shift_type", "person")
        if (a.date, a.shift_type_id, a.post) not in replaced
    ]
    copied += [
        Assignment(version=version, date=day, shift_type=shift, post=post, person=p, pinned=True)
        for (day, shift, post), people in cells.items()
        for p in people
    ]
    Assignment.objects.bulk_create(copied)
    period.published_version = version
    period.save(update_fields=["published_version"])
    rest_credits_sync(version)  # ROS-07 compensatory rest credits
    removed: list[Assignment] = []
    added: list[Assignment] = []
    for (day, shift, post), people in cells.items():
        before_ids = {a.person_id for a in old[(day, shift, post)]}
        after_ids = {p.pk for p in people}
        removed += [a for a in old[(day, shift, post)] if a.person_id not in after_ids]
        added += list(
            version.assignments.filter(
                date=day, shift_type=shift, post=post, person_id__in=after_ids - before_ids
            ).select_related("person", "shift_type")
        )
    for a in removed:
        for lead in REMINDER_LEADS:
            jobs.cancel(_reminder_key(period, a, lead))
    _schedule_reminders(period, added)
    return version, removed, added


@operations.operation()
@transaction.atomic
def roster_correct(
    *,
    actor: User | None,
    period: RosterPeriod,
    day: dt.date,
    shift_type: ShiftType,
    post: str,
    people: Sequence[Person],
    reason: str,
) -> RosterVersion:
    """An audited correction of a published roster: a new published version with one cell changed;
    the people added or removed are told at once, reminders follow the change."""
    period = locked_period(period)
    return _correct_cell(
        actor=actor, period=period, day=day, shift_type=shift_type, post=post, people=people, reason=reason
    )


def _correct_cell(
    *,
    actor: User | None,
    period: RosterPeriod,
    day: dt.date,
    shift_type: ShiftType,
    post: str,
    people: Sequence[Person],
    reason: str,
) -> RosterVersion:
    """`roster_correct` on the locked period."""
    _require_schedule(actor, period.unit)
    reason = reason.strip()
    enforce_change(period, published=True, channel="correction", reason=reason)
    current = period.published_version
    if current is None:
        raise ValidationError({"period": "the roster is not published; edit the draft instead"})
    if post not in Post.values:
        raise ValidationError({"post": f"unknown post {post!r}"})
    held = held_near(current, day, shift_type, people)
    checks = CellChecks(period, [(day, shift_type, post, people)])
    checks.check(day, shift_type, post, people)
    checks.check_one_post(held, day, shift_type, post, people)
    checks.check_seats(held, day, shift_type, post, people)
    old_cell = _in_cell(held, day, shift_type, post)
    old_ids = {a.person_id for a in old_cell}
    new_ids = {p.pk for p in people}
    if old_ids == new_ids:
        raise ValidationError({"person": "nothing changes in this cell"})
    version, removed, added = publish_cells(
        period, actor=actor, note=reason, cells={(day, shift_type, post): list(people)}
    )
    subject = f"值班安排变更：{day:%Y-%m-%d} {shift_type.name} {Post(post).label}（第{version.number}版）"
    notify(
        recipients=[a.person for a in removed] + [a.person for a in added],
        subject=subject,
        body=reason,
        link=period_link(period),
    )
    audit.record(
        actor=actor,
        action="roster.period.correct",
        object_type="roster_period",
        object_id=period.public_id,
        before={"version": current.number, "people": sorted(a.person.public_id for a in old_cell)},
        after={"version": version.number, "people": sorted(p.public_id for p in people)},
        extra={"date": day, "shift_type": shift_type.code, "post": post, "reason": reason},
    )
    return version


# ------------------------------------------------------------------------------------ kiosk tokens


@transaction.atomic
def kiosk_token_create(*, actor: User | None, unit: Unit, label: str) -> tuple[KioskToken, str]:
    """A token that opens the unit's duty board at /kiosk/<secret>/; the secret is returned once."""
    _require_schedule(actor, unit)
    label = label.strip()
    if not label:
        raise ValidationError({"label": "name the screen this token is for"})
    secret = new_secret()
    token = KioskToken.objects.create(
        unit=unit,
        label=label[:60],
        secret_hash=digest(secret),
        created_at=clock.now(),
        created_by=actor if actor is not None and actor.pk else None,
    )
    audit.record(
        actor=actor,
        action="roster.kiosk_token.create",
        object_type="kiosk_token",
        object_id=token.public_id,
        after={"unit": unit.public_id, "label": token.label},
    )
    return token, secret


@transaction.atomic
def kiosk_token_revoke(*, actor: User | None, token: KioskToken) -> KioskToken:
    token = KioskToken.objects.select_for_update(of=("self",)).select_related("unit").get(pk=token.pk)
    _require_schedule(actor, token.unit)
    if token.revoked_at is not None:
        raise ValidationError({"token": "this token is already revoked"})
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action="roster.kiosk_token.revoke",
        object_type="kiosk_token",
        object_id=token.public_id,
        after={"revoked_at": token.revoked_at},
    )
    return token
