"""Writes of compensatory rest (ROS-07): credits from published rosters, rest taken, the month-end run.

`credits_sync` is the hook the roster's publish and correct services call inside their transaction
(their audit event covers it). `rest_take` and `rest_month_end` are services of their own: atomic,
permission-checked where a person acts, one audit event each.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from zhiban.accounts.models import User
from zhiban.core import audit, clock
from zhiban.core.transactions import atomic_retrying
from zhiban.notify.services import notify
from zhiban.org.models import Person, Unit
from zhiban.org.own_matters import refuse_own_matter
from zhiban.policy import selectors as policy_selectors
from zhiban.policy import services as policy
from zhiban.policy.rules import ros_07
from zhiban.roster.compensation import selectors
from zhiban.roster.compensation.models import RestCredit, RestTaking
from zhiban.roster.models import RosterVersion

HALF_DAY = Decimal("0.5")
MAX_DAYS_AT_ONCE = Decimal("31")

CellKey = tuple[dt.date, int, str, int]


def _key(credit: RestCredit) -> CellKey:
    return (credit.date, credit.shift_type_id, credit.post, credit.person_id)


def credits_sync(version: RosterVersion) -> dict[str, int]:
    """Make the period's credits match the published `version`: one credit per credited duty.

    Idempotent per roster cell; a duty no longer on the roster loses its unused credit (deleted) or,
    when rest was already taken against it, keeps only what was used (withdrawn). Call inside the
    publishing service's transaction.
    """
    period = version.period
    params = selectors.rest_params(period.unit)
    wanted: dict[CellKey, tuple[str, Decimal]] = {}
    if params is not None:
        kinds = selectors.day_kinds(period.unit, period.start, period.end)
        for a in version.assignments.select_related("shift_type"):
            category = ros_07.credited_category(kinds[a.date], a.shift_type.code, params)
            if category is not None:
                wanted[a.key()] = (category, ros_07.credit_days(kinds[a.date], a.shift_type.code, params))
    existing = {_key(c): c for c in RestCredit.objects.select_for_update().filter(period=period)}
    now = clock.now()
    counts = {"created": 0, "removed": 0, "withdrawn": 0, "restored": 0}
    for key, credit in existing.items():
        if key in wanted:
            if credit.withdrawn_at is not None:
                credit.days, credit.withdrawn_at = wanted[key][1], None
                credit.save(update_fields=["days", "withdrawn_at"])
                counts["restored"] += 1
            continue
        if credit.withdrawn_at is not None:
            continue
        if credit.taken == 0 and credit.expired == 0:
            credit.delete()
            counts["removed"] += 1
        else:
            credit.days, credit.withdrawn_at = credit.taken + credit.expired, now
            credit.save(update_fields=["days", "withdrawn_at"])
            counts["withdrawn"] += 1
    new = [
        RestCredit(
            person_id=key[3],
            period=period,
            date=key[0],
            shift_type_id=key[1],
            post=key[2],
            category=category,
            days=days,
            created_at=now,
        )
        for key, (category, days) in wanted.items()
        if key not in existing
    ]
    RestCredit.objects.bulk_create(new)
    counts["created"] = len(new)
    return counts


def balance_enforce(person: Person, requested: Decimal, available: Decimal) -> None:
    """ROS-07 through the rule engine: more rest than the open balance is refused citing rule, pack, clause and
    policy version. Where the organisation's regulations have no compensatory rest (its pack does not declare
    ROS-07) there is no rest to take."""
    resolved = policy_selectors.resolved_for_unit(person.unit)
    if resolved is None or not resolved.pack.declares(ros_07.RULE_ID):
        raise ValidationError({"days": _("This organisation's regulations give no compensatory rest.")})
    facts = ros_07.RestBalance(person.name, requested, available)
    policy.enforce(unit=person.unit, rule_ids=[ros_07.RULE_ID], facts=facts, field="days")


def parse_days(value: Any) -> Decimal:
    """Days of rest: a positive multiple of half a day; ValidationError naming the field."""
    try:
        days = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError({"days": f"{value!r} is not a number of days"}) from None
    if not days.is_finite() or days <= 0 or days > MAX_DAYS_AT_ONCE or days % HALF_DAY != 0:
        raise ValidationError({"days": f"days must be a multiple of 0.5 between 0.5 and {MAX_DAYS_AT_ONCE}"})
    return days


def _days_text(days: Decimal) -> str:
    return f"{days.normalize():f}"


@atomic_retrying
def rest_take(*, actor: User | None, person: Person, day: dt.date, days: Any, note: str = "") -> RestTaking:
    """Record rest `person` takes on `day` against their open credits, oldest first (ROS-07).

    Refused with the rule ID when it is more than the open balance; the secretariat is told (备案).
    """
    refuse_own_matter(actor, [person])
    if actor is None or not selectors.can_manage_rest(actor, person):
        raise PermissionDenied("only the person's department head or the secretariat records their rest")
    amount = parse_days(days)
    credits = [
        c
        for c in RestCredit.objects.select_for_update().filter(person=person).order_by("date", "id")
        if c.open_days > 0
    ]
    available = sum((c.open_days for c in credits), Decimal("0"))
    balance_enforce(person, amount, available)
    left = amount
    allocations = []
    for credit in credits:
        if left <= 0:
            break
        used = min(left, credit.open_days)
        credit.taken += used
        credit.save(update_fields=["taken"])
        allocations.append({"credit": credit.public_id, "date": credit.date.isoformat(), "days": _days_text(used)})
        left -= used
    taking = RestTaking.objects.create(
        person=person,
        day=day,
        days=amount,
        note=note.strip()[:200],
        allocations=allocations,
        recorded_at=clock.now(),
        recorded_by=actor if actor.pk else None,
    )
    # ROS-07 filed_with_secretariat, through the engine: the record the pack asks for, with its citation
    arrangement = ros_07.RestArrangement(person.name, day, amount)
    filing = policy.evaluate(unit=person.unit, rule_ids=["ROS-07"], facts=arrangement)
    secretariat = [p for p in selectors.secretariat_of(person.unit) if p.user_id != actor.pk]
    for finding in filing.findings:
        notify(
            recipients=secretariat,
            subject=f"补休备案：{finding.detail('zh')}",
            body=finding.message("zh"),
            link=reverse("roster:compensatory_rest_person", args=[person.public_id]),
        )
    audit.record(
        actor=actor,
        action="roster.rest.take",
        object_type="person",
        object_id=person.public_id,
        before={"open": _days_text(available)},
        after={"open": _days_text(available - amount), "taken": _days_text(amount)},
        extra={"day": day, "rest": taking.public_id, "allocations": allocations, "rule": ros_07.RULE_ID},
    )
    return taking


@atomic_retrying
def rest_month_end(*, organisation: Unit, today: dt.date) -> dict[str, int]:
    """The ROS-07 month-end run for one organisation (acts on the 1st only): flag rest of the previous
    month not taken to each department's heads and the secretariat; expire it only where the pack's
    `expires_at_month_end` says so. Audited when it acts."""
    params = selectors.rest_params(organisation)
    if params is None or not ros_07.is_month_end_run(today):
        return {"flagged": 0, "expired": 0}
    first, last = ros_07.previous_month(today)
    credits = [
        c
        for c in selectors.month_credits(organisation).select_for_update(of=("self",)).filter(date__lte=last)
        if c.open_days > 0
    ]
    facts = ros_07.MonthEnd(today, tuple(ros_07.OpenCredit(c.person.name, c.date, c.open_days) for c in credits))
    month_end = policy.evaluate(unit=organisation, rule_ids=["ROS-07"], facts=facts)  # cited, as the pack says
    findings = {f.finding.details["person"]: f for f in month_end.findings if f.code == "ROS-07.rest_in_month"}
    flagged = [c for c in credits if first <= c.date and c.person.name in findings]
    secretariat = selectors.secretariat_of(organisation)
    for department_credits in selectors.by_department(flagged).values():
        unit = department_credits[0].person.unit
        names = sorted({c.person.name for c in department_credits})
        notify(
            recipients=selectors.department_heads_of(unit) + secretariat,
            subject=f"补休提醒（{first.year}年{first.month}月）：{'、'.join(names)}尚有补休未安排",
            body="\n".join(findings[name].message("zh") for name in names),
            link=reverse("roster:compensatory_rest_balances") + f"?month={first:%Y-%m}",
            dedupe_key=f"roster.rest.month_end:{organisation.pk}:{first:%Y-%m}:{department_credits[0].person.unit_id}",
        )
    expired: list[dict[str, str]] = []
    if ros_07.expires(params):
        for credit in credits:
            lapsed = credit.open_days
            credit.expired += lapsed
            credit.save(update_fields=["expired"])
            expired.append({"credit": credit.public_id, "person": credit.person.public_id, "days": _days_text(lapsed)})
    if not flagged and not expired:
        return {"flagged": 0, "expired": 0}
    audit.record(
        actor=None,
        action="roster.rest.month_end",
        object_type="unit",
        object_id=organisation.public_id,
        before={"open_credits": len(credits)},
        after={"flagged_people": len(findings), "expired": expired},
        extra={"month": f"{first:%Y-%m}", "rule": ros_07.RULE_ID},
    )
    return {"flagged": len(findings), "expired": len(expired)}
