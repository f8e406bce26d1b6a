"""The printable roster as Chinese offices lay it out: one month per A4 page, landscape unless the pack's ROS-06
`paper` says portrait (ROS-06).

日期 · 星期 (节假日、调休上班) · 带班领导 · 值班人员 (白班 / 夜班) · 联系电话 · 驾驶员 · 备注, with the
duty-room phone and fax, the duty requirements, the compiler, the publication date and the published version in the
footer. Mobiles are listed where ROS-06 `show_mobile` says so. What each sheet must carry is checked through the rule
engine (ROS-06: the unit and the published version, every duty with its names, holidays marked, the duty-room phone);
the print page shows what is missing above the sheet.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from zhiban.calendar import selectors as calendar_selectors
from zhiban.core import clock
from zhiban.core.dates import weekday_label
from zhiban.org.models import Person, Unit
from zhiban.org.scopes import department_of, organisation_of
from zhiban.policy import services as policy
from zhiban.policy.engine import CitedFinding
from zhiban.policy.rules import ros_06
from zhiban.roster import selectors
from zhiban.roster.models import Post, RosterPeriod, RosterVersion, ShiftType

COLUMNS = ("日期", "星期", "带班领导", "值班人员", "联系电话", "驾驶员", "备注")
MAKEUP_MARK = ros_06.MAKEUP_MARK
LANDSCAPE = "A4-landscape"
REQUIREMENTS = (
    "值班人员须按时到岗交接班，坚守岗位，不得擅离职守；值班电话保持畅通。",
    "遇有突发事件和重要情况，立即报告带班领导，按规定及时上报，并做好值班记录。",
    "确需调班的，须提前报经同意并告知秘书处；调整情况以最新公布的值班表为准。",
)


@dataclass
class DayRow:
    """One date of the sheet; posts listed per shift where the day has more than one (白班 / 夜班)."""

    date: dt.date
    weekday: str
    mark: str
    kind: str = ""
    holiday: str = ""
    duties: list[ros_06.SheetDuty] = field(default_factory=list)  # every post of every shift worked, with its names
    leaders: list[str] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)
    drivers: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def date_text(self) -> str:
        return f"{self.date.month}月{self.date.day}日"


@dataclass
class MonthSheet:
    title: str
    year: int
    month: int
    rows: list[DayRow]
    duty_phone: str
    fax: str
    compiler: str
    published: dt.date | None
    draft: bool
    requirements: tuple[str, ...] = REQUIREMENTS
    version: int | None = None  # the published version printed (None: a draft)
    paper: str = LANDSCAPE  # ROS-06 `paper`
    findings: list[CitedFinding] = field(default_factory=list)  # what ROS-06 found missing from the sheet

    @property
    def portrait(self) -> bool:
        return self.paper == "A4-portrait"

    def facts(self, unit_name: str) -> ros_06.RosterSheet:
        """The sheet as ROS-06 reads it."""
        days = tuple(ros_06.SheetDay(r.date, r.kind, r.holiday, r.mark, tuple(r.duties)) for r in self.rows)
        return ros_06.RosterSheet(self.title, unit_name, self.version, self.published, self.duty_phone, days)


def sheet_title(unit: Unit, year: int, month: int) -> str:
    """`XX局2026年12月值班表` (the unit's name after its organisation's where they differ)."""
    organisation = organisation_of(unit)
    name = organisation.name if organisation.pk == unit.pk else f"{organisation.name}{unit.name}"
    return f"{name}{year}年{month}月值班表"


def day_mark(kind: str, holiday: str) -> str:
    """元旦 / 春节 … on holidays and the rest days around them, 调休上班 on make-up workdays (ROS-06)."""
    return ros_06.expected_mark(kind, holiday)


def _labelled(names: list[str], shift: ShiftType, split: bool) -> str:
    text = "、".join(names)
    return f"{shift.name}：{text}" if split and text else text


def _phone_line(person: Person, show_mobile: bool = True) -> str:
    numbers = " ".join(n for n in (person.office_phone, person.mobile if show_mobile else "") if n)
    return f"{person.name} {numbers}" if numbers else ""


def _compiler(period: RosterPeriod, version: RosterVersion | None) -> str:
    publisher = getattr(version.published_by, "person", None) if version and version.published_by else None
    if publisher is not None:
        return str(publisher.unit.name)
    if selectors.compiled_by(period.unit) == "department":
        return str(department_of(period.unit).name)
    return "秘书处"


def month_sheets(period: RosterPeriod, version: RosterVersion | None) -> list[MonthSheet]:
    """One sheet per calendar month the period touches; queries do not grow with the assignments."""
    marks = selectors.day_marks(period.start, period.end)
    by_day: dict[dt.date, dict[int, dict[str, list[Person]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    shifts: dict[int, ShiftType] = {}
    for a in selectors.assignments_of(version):
        by_day[a.date][a.shift_type_id][a.post].append(a.person)
        shifts[a.shift_type_id] = a.shift_type
    rows_by_month: dict[tuple[int, int], list[DayRow]] = defaultdict(list)
    _, params = selectors.rule_parameters(period.unit, [ros_06.RULE_ID])
    paper, show_mobile = ros_06.sheet_layout(params.get(ros_06.RULE_ID, {}))
    shift_types = selectors.shift_types_for(period.unit)
    seasons = calendar_selectors.effective_seasons(period.unit).dates
    kinds = selectors.day_kinds(period.unit, period.start, period.end)
    for day in period.days():
        kind, holiday = marks.get(day, ("", ""))
        row = DayRow(date=day, weekday=weekday_label(day), mark=day_mark(kind, holiday), kind=kind, holiday=holiday)
        worked = [s for s in shift_types if s.applies_to(kinds[day])]
        worked += [shifts[pk] for pk in by_day.get(day, {}) if shifts[pk] not in worked]
        for shift in worked:
            for post, count in shift.posts():
                names = tuple(p.name for p in by_day.get(day, {}).get(shift.pk, {}).get(post, []))
                row.duties.append(ros_06.SheetDuty(shift.name, str(Post(post).label), count, names))
        seen: set[int] = set()
        for post, target in (
            (Post.DUTY_LEADER, row.leaders),
            (Post.DUTY_OFFICER, row.officers),
            (Post.STANDBY_DRIVER, row.drivers),
        ):
            # Named by shift (白班：… / 夜班：…) where the day has several shifts with this post, as the
            # import reads them back.
            split = len([s for s in worked if s.headcount(post)]) > 1
            for shift in worked:
                people = by_day.get(day, {}).get(shift.pk, {}).get(post, [])
                if people:
                    target.append(_labelled([p.name for p in people], shift, split))
        for shift in worked:
            for post_people in by_day.get(day, {}).get(shift.pk, {}).values():
                for person in post_people:
                    if person.pk not in seen and _phone_line(person, show_mobile):
                        seen.add(person.pk)
                        row.phones.append(_phone_line(person, show_mobile))
            if len(worked) > 1:
                start, end = shift.window(day, seasons, clock.local_tz())  # summer or winter times (CAL-03)
                row.notes.append(f"{shift.name} {start:%H:%M}–{end:%H:%M}")
        rows_by_month[(day.year, day.month)].append(row)
    published = version.published_at.astimezone(clock.local_tz()).date() if version and version.published_at else None
    compiler = _compiler(period, version)
    sheets = [
        MonthSheet(
            title=sheet_title(period.unit, year, month),
            year=year,
            month=month,
            rows=rows,
            duty_phone=period.unit.duty_phone or organisation_of(period.unit).duty_phone,
            fax=period.unit.fax or organisation_of(period.unit).fax,
            compiler=compiler,
            published=published,
            draft=version is None or version.is_draft,
            version=version.number if version is not None and not version.is_draft else None,
            paper=paper,
        )
        for (year, month), rows in sorted(rows_by_month.items())
    ]
    for sheet in sheets:
        sheet.findings = list(
            policy.evaluate(unit=period.unit, rule_ids=[ros_06.RULE_ID], facts=sheet.facts(period.unit.name)).findings
        )
    return sheets
