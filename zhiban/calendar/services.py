"""Writes on the calendar: seeding from the libraries, importing an official arrangement, correcting a
day, setting season dates. Each is atomic and records one audit event; only a system administrator
(or the command line, `actor=None`) may call them.

Which policy governs the checks. The state calendar is one for the whole deployment: every organisation's rosters,
leave and swaps read the same days. So an imported arrangement and a corrected day (CAL-01) must pass every
organisation's live policy that implements CAL-01, and a refusal cites the first of them by unit path (the checks
are the same in every pack; the citation names that organisation's pack, clause and policy version). Season dates
belong to one unit's subtree, so they are checked (CAL-03) under the live policy of that unit's organisation. Where no
live policy implements the rule (a fresh deployment seeding its calendar from the command line, or an organisation
whose pack has no seasons) the deployment's baseline applies: the template (version 0) of the first built-in pack that
implements it. Either way the checks run through the rule engine (`policy.services.enforce_shared`), never with
`{}` in place of the policy, and the data is never written unchecked."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhiban.accounts.models import AdminRole, User
from zhiban.calendar import sources
from zhiban.calendar.importing import ArrangementInvalid, read_arrangement
from zhiban.calendar.models import CalendarDay, CalendarYear, SeasonSetting, Source
from zhiban.core import audit, clock
from zhiban.org.models import Unit
from zhiban.org.scopes import organisation_of
from zhiban.policy import services as policy
from zhiban.policy.engine import CitedFinding
from zhiban.policy.errors import RuleViolationError
from zhiban.policy.rules import cal_01, cal_03
from zhiban.policy.rules.cal_01 import DayKind

LIBRARY_SOURCES = (Source.CHINESECALENDAR, Source.HOLIDAYS)
SEEDED_FIELDS = ("kind", "holiday_name", "is_working_day", "provisional", "source")


def is_calendar_administrator(user: Any) -> bool:
    """Writing the calendar is for the system administrator (三员分立: not security, not audit)."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.admin_role == AdminRole.SYSTEM)


def _require_administrator(actor: User | None) -> None:
    if actor is None:  # the command line and the demo loader
        return
    if not is_calendar_administrator(actor):
        raise PermissionDenied("only a system administrator may change the calendar")


def _field_of(finding: CitedFinding) -> str:
    """The form field a CAL-01 / CAL-03 finding is about (`name` is the form's `holiday_name`)."""
    field_name = str(finding.finding.details.get("field") or "kind")
    return {"name": "holiday_name"}.get(field_name, field_name)


def _days_of(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=n) for n in range((dt.date(year + 1, 1, 1) - first).days)]


def _special_days(year: int) -> list[dict[str, str]]:
    rows = CalendarDay.objects.filter(date__year=year).exclude(
        kind__in=[DayKind.WORKDAY, DayKind.WEEKEND], holiday_name=""
    )
    return [{"date": row.date.isoformat(), "kind": row.kind, "name": row.holiday_name} for row in rows]


# ---------------------------------------------------------------------------------------------- seed


@dataclass
class YearSeedResult:
    """What seeding did to one year."""

    year: int
    source: str = ""
    provisional: bool = False
    created: int = 0
    updated: int = 0
    kept: int = 0
    skipped: str = ""
    year_changed: bool = False
    disagreements: list[sources.Disagreement] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.year_changed)

    def summary(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "provisional": self.provisional,
            "created": self.created,
            "updated": self.updated,
            "kept": self.kept,
            "skipped": self.skipped,
            "disagreements": [str(item) for item in self.disagreements],
        }


@dataclass
class SeedReport:
    years: list[YearSeedResult]

    @property
    def disagreements(self) -> list[sources.Disagreement]:
        return [item for result in self.years for item in result.disagreements]


def _year_note(result: YearSeedResult) -> str:
    lines = []
    if result.provisional:
        lines.append(
            "暂定：法定节假日取自 holidays 库；调休上班日和调休休息日待国务院办公厅通知发布后导入。"
            " / Provisional: statutory days from the holidays library; make-up workdays and in-lieu rest"
            " days await the official arrangement."
        )
    else:
        count = len(result.disagreements)
        lines.append(
            f"与 holidays 库核对：{count} 处不一致。 / Cross-check with the holidays library: {count} disagreement(s)."
        )
        lines.extend(f"- {item}" for item in result.disagreements)
    return "\n".join(lines)


def _seed_year(
    year: int, primary: sources.YearReader, reference: sources.YearReader, now: dt.datetime
) -> YearSeedResult:
    result = YearSeedResult(year=year)
    # Creating the year row first makes it the lock concurrent seeds and imports of the year queue on.
    calendar_year, created = CalendarYear.objects.get_or_create(
        year=year, defaults={"provisional": True, "source": Source.HOLIDAYS, "updated_at": now}
    )
    calendar_year = CalendarYear.objects.select_for_update().get(pk=calendar_year.pk)
    if calendar_year.source == Source.OFFICIAL_IMPORT:
        result.skipped = f"official arrangement imported {calendar_year.imported_at:%Y-%m-%d}"
        result.source = calendar_year.source
        return result
    reference_days = reference(year)
    try:
        primary_days = primary(year)
    except sources.NoDataForYear:
        seeded = [sources.provisional_day(item) for item in reference_days]
        result.source, result.provisional = Source.HOLIDAYS, True
    else:
        by_day = {item.day: item for item in reference_days}
        seeded = [sources.classify(item, by_day.get(item.day)) for item in primary_days]
        result.disagreements = sources.cross_check(primary_days, reference_days)
        result.source = Source.CHINESECALENDAR
    existing = {row.date: row for row in CalendarDay.objects.select_for_update().filter(date__year=year)}
    to_create, to_update = [], []
    for item in seeded:
        wanted = {
            "kind": item.kind.value,
            "holiday_name": item.holiday_name,
            "is_working_day": cal_01.is_working_day(item.kind),
            "provisional": result.provisional,
            "source": result.source,
        }
        row = existing.get(item.day)
        if row is None:
            to_create.append(CalendarDay(date=item.day, updated_at=now, **wanted))
        elif row.source not in LIBRARY_SOURCES:
            result.kept += 1  # a manual correction stays until an official import replaces it
        elif any(getattr(row, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(row, name, value)
            row.updated_at = now
            to_update.append(row)
    CalendarDay.objects.bulk_create(to_create)
    CalendarDay.objects.bulk_update(to_update, [*SEEDED_FIELDS, "updated_at"])
    result.created, result.updated = len(to_create), len(to_update)
    note = _year_note(result)
    if created or (calendar_year.provisional, calendar_year.source, calendar_year.note) != (
        result.provisional,
        result.source,
        note,
    ):
        calendar_year.provisional, calendar_year.source, calendar_year.note = result.provisional, result.source, note
        calendar_year.updated_at = now
        calendar_year.save(update_fields=["provisional", "source", "note", "updated_at"])
        result.year_changed = True
    return result


@transaction.atomic
def calendar_seed(
    *,
    actor: User | None,
    years: Iterable[int],
    primary: sources.YearReader = sources.chinesecalendar_year,
    reference: sources.YearReader = sources.holidays_year,
) -> SeedReport:
    """Seed the years from chinesecalendar, cross-checked against `holidays`; a year chinesecalendar
    does not cover yet comes from `holidays` as provisional. Idempotent: a second run changes nothing.
    Years with an imported official arrangement and manually corrected days are left alone. Every
    disagreement between the libraries is returned and written into the year's note."""
    _require_administrator(actor)
    now = clock.now()
    report = SeedReport(years=[_seed_year(year, primary, reference, now) for year in sorted(set(years))])
    if any(result.changed for result in report.years):
        audit.record(
            actor=actor,
            action="calendar.seed",
            object_type="calendar",
            object_id=",".join(str(result.year) for result in report.years),
            after={str(result.year): result.summary() for result in report.years},
        )
    return report


# -------------------------------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportResult:
    year: int
    special_days: int
    days_written: int


@transaction.atomic
def calendar_year_import(
    *, actor: User | None, data: bytes, year: int | None = None, filename: str = ""
) -> ImportResult:
    """Replace a year with its official arrangement (CSV `date,kind,name`): the listed days as given,
    every other day an ordinary workday or weekend; the year stops being provisional. Nothing is
    written when any row is wrong (ArrangementInvalid names each one)."""
    _require_administrator(actor)
    arrangement = read_arrangement(data, year=year)
    try:
        policy.enforce_shared(rule_ids=[cal_01.RULE_ID], facts=arrangement)
    except RuleViolationError as refusal:
        raise ArrangementInvalid([f.finding for f in refusal.findings], refusal.findings[0].citation) from None
    special = {item.day: item for item in cal_01.arrangement_days(arrangement)}
    now = clock.now()
    CalendarYear.objects.get_or_create(
        year=arrangement.year,
        defaults={"provisional": True, "source": Source.OFFICIAL_IMPORT, "updated_at": now},
    )
    calendar_year = CalendarYear.objects.select_for_update().get(year=arrangement.year)
    before = {
        "provisional": calendar_year.provisional,
        "source": calendar_year.source,
        "special_days": _special_days(arrangement.year),
    }
    CalendarDay.objects.filter(date__year=arrangement.year).delete()
    rows = []
    for day in _days_of(arrangement.year):
        item = special.get(day)
        kind = item.kind if item else cal_01.ordinary_kind(day)
        rows.append(
            CalendarDay(
                date=day,
                kind=kind.value,
                holiday_name=item.name if item else "",
                is_working_day=cal_01.is_working_day(kind),
                provisional=False,
                source=Source.OFFICIAL_IMPORT,
                updated_at=now,
            )
        )
    CalendarDay.objects.bulk_create(rows)
    calendar_year.provisional = False
    calendar_year.source = Source.OFFICIAL_IMPORT
    calendar_year.imported_at = now
    calendar_year.note = f"{filename or 'official arrangement'}: {len(special)} special days"
    calendar_year.updated_at = now
    calendar_year.save()
    audit.record(
        actor=actor,
        action="calendar.year.import",
        object_type="calendar_year",
        object_id=str(arrangement.year),
        before=before,
        after={
            "provisional": False,
            "source": Source.OFFICIAL_IMPORT.value,
            "special_days": cal_01.summary_of(list(special.values())),
        },
        extra={"filename": filename, "sha256": hashlib.sha256(data).hexdigest()},
    )
    return ImportResult(year=arrangement.year, special_days=len(special), days_written=len(rows))


# ---------------------------------------------------------------------------------------- correction


def _day_summary(row: CalendarDay) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "holiday_name": row.holiday_name,
        "is_working_day": row.is_working_day,
        "source": row.source,
        "provisional": row.provisional,
    }


@transaction.atomic
def calendar_day_correct(*, actor: User | None, day: dt.date, kind: str, holiday_name: str, reason: str) -> CalendarDay:
    """Correct one day's kind and holiday (CAL-01: the administrator can correct the arrangement)."""
    _require_administrator(actor)
    reason = reason.strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("A correction needs a reason.")
    elif len(reason) > 200:
        errors["reason"] = _("The reason is longer than 200 characters.")
    try:
        day_kind = DayKind(kind)
    except ValueError:
        errors["kind"] = _("Unknown kind %(kind)s; one of %(kinds)s.") % {
            "kind": repr(kind),
            "kinds": ", ".join(k.value for k in DayKind),
        }
    if errors:
        raise ValidationError(errors)
    holiday_name = cal_01.clean_name(day_kind, holiday_name)
    status = cal_01.DayStatus(day, day_kind.value, cal_01.is_working_day(day_kind), holiday_name)
    policy.enforce_shared(rule_ids=[cal_01.RULE_ID], facts=status, field_of=_field_of)
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    if row is None:
        raise ValidationError(
            {
                "date": _("%(day)s is not in the calendar yet: seed or import %(year)s first.")
                % {"day": day, "year": day.year}
            }
        )
    before = _day_summary(row)
    if (row.kind, row.holiday_name) == (day_kind.value, holiday_name):
        raise ValidationError({"kind": _("%(day)s already has this kind and holiday.") % {"day": day}})
    row.kind = day_kind.value
    row.holiday_name = holiday_name
    row.is_working_day = cal_01.is_working_day(day_kind)
    row.source = Source.MANUAL_CORRECTION
    row.provisional = False
    row.note = reason
    row.updated_at = clock.now()
    row.save()
    audit.record(
        actor=actor,
        action="calendar.day.correct",
        object_type="calendar_day",
        object_id=day.isoformat(),
        before=before,
        after=_day_summary(row),
        extra={"reason": reason},
    )
    return row


# ------------------------------------------------------------------------------------------- seasons


@transaction.atomic
def season_setting_update(*, actor: User | None, unit: Unit, summer_starts: str, winter_starts: str) -> SeasonSetting:
    """Set when summer and winter hours begin for a unit and its subtree (CAL-03)."""
    _require_administrator(actor)
    policy.enforce_shared(
        rule_ids=[cal_03.RULE_ID],
        facts=cal_03.SeasonSettingProposal(summer_starts, winter_starts),
        organisations=[organisation_of(unit)],
        field_of=_field_of,
    )
    summer = cal_03.MonthDay.parse(summer_starts)
    winter = cal_03.MonthDay.parse(winter_starts)
    setting = SeasonSetting.objects.select_for_update().filter(unit=unit).first()
    before = (
        {"summer_starts": str(setting.dates.summer_starts), "winter_starts": str(setting.dates.winter_starts)}
        if setting
        else None
    )
    after = {"summer_starts": str(summer), "winter_starts": str(winter)}
    if before == after:
        raise ValidationError({"summer_starts": _("The season dates are already these.")})
    if setting is None:
        setting = SeasonSetting(unit=unit)
    setting.summer_starts_month, setting.summer_starts_day = summer.month, summer.day
    setting.winter_starts_month, setting.winter_starts_day = winter.month, winter.day
    setting.updated_at = clock.now()
    setting.save()
    audit.record(
        actor=actor,
        action="calendar.season.update",
        object_type="unit",
        object_id=unit.public_id,
        before=before,
        after=after,
    )
    return setting
