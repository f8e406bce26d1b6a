"""Reads the Curtois–Qu staff-scheduling text format (schedulingbenchmarks.org) into a solver Problem."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from zhiban.roster.solver.model import Assignment, Cover, Day, Limits, Person, Problem, ShiftType, Unavailability, Wish

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)


class FormatError(ValueError):
    """A malformed instance file; the message names the line."""


def _int(text: str, line: int, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise FormatError(f"line {line}: {what} must be a whole number, got {text!r}") from None


def _fields(row: list[str], n: int, line: int, section: str) -> list[str]:
    if len(row) != n:
        raise FormatError(f"line {line}: {section} rows have {n} fields, this one has {len(row)}")
    return row


def _rows(text: str) -> dict[str, list[tuple[int, list[str]]]]:
    rows: dict[str, list[tuple[int, list[str]]]] = {}
    section = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            if line not in SECTIONS:
                raise FormatError(f"line {number}: unknown section {line}")
            section = line
            rows.setdefault(section, [])
            continue
        if section is None:
            raise FormatError(f"line {number}: data before the first section")
        rows[section].append((number, [f.strip() for f in line.split(",")]))
    for name in ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_COVER"):
        if not rows.get(name):
            raise FormatError(f"missing or empty {name}")
    return rows


def parse(text: str, name: str = "") -> Problem:
    rows = _rows(text)
    line, (first, *_) = rows["SECTION_HORIZON"][0]
    horizon = _int(first, line, "the horizon")
    if horizon <= 0 or horizon % 7:
        raise FormatError(f"line {line}: the horizon must be whole weeks, got {horizon}")
    days = tuple(Day(str(d), d % 7, "weekend" if d % 7 >= 5 else "weekday") for d in range(horizon))
    shifts, successions = [], set()
    for line, row in rows["SECTION_SHIFTS"]:
        sid, minutes, banned = _fields(row, 3, line, "SECTION_SHIFTS")
        shifts.append(ShiftType(sid, _int(minutes, line, "the length")))
        successions |= {(sid, b) for b in banned.split("|") if b}
    ids = {s.id for s in shifts}

    def shift_id(text: str, line: int) -> str:
        if text not in ids:
            raise FormatError(f"line {line}: unknown shift {text!r}")
        return text

    for a, b in successions:
        if b not in ids:
            raise FormatError(f"SECTION_SHIFTS: unknown shift {b!r} in the successions of {a}")
    people = []
    for line, row in rows["SECTION_STAFF"]:
        pid, maxima, *numbers = _fields(row, 8, line, "SECTION_STAFF")
        max_shifts = {}
        for part in filter(None, maxima.split("|")):
            sid, _, n = part.partition("=")
            max_shifts[shift_id(sid, line)] = _int(n, line, f"MaxShifts of {sid}")
        mx, mn, maxc, minc, minoff, weekends = (_int(v, line, "a staff limit") for v in numbers)
        limits = Limits(max_shifts, mn, mx, minc, maxc, minoff, weekends)
        people.append(Person(pid, limits=limits))
    staff = {p.id for p in people}

    def person_id(text: str, line: int) -> str:
        if text not in staff:
            raise FormatError(f"line {line}: unknown employee {text!r}")
        return text

    def day(text: str, line: int) -> int:
        d = _int(text, line, "the day")
        if not 0 <= d < horizon:
            raise FormatError(f"line {line}: day {d} is outside the horizon 0..{horizon - 1}")
        return d

    off = [
        Unavailability(person_id(row[0], line), day(d, line), "day off")
        for line, row in rows.get("SECTION_DAYS_OFF", [])
        for d in row[1:]
        if d
    ]
    wishes = []
    for section, on in (("SECTION_SHIFT_ON_REQUESTS", True), ("SECTION_SHIFT_OFF_REQUESTS", False)):
        for line, row in rows.get(section, []):
            pid, d, sid, weight = _fields(row, 4, line, section)
            wishes.append(
                Wish(person_id(pid, line), day(d, line), shift_id(sid, line), on, _int(weight, line, "weight"))
            )
    cover = []
    for line, row in rows["SECTION_COVER"]:
        when, sid, need, under, over = _fields(row, 5, line, "SECTION_COVER")
        count, at = _int(need, line, "the requirement"), day(when, line)
        weights = _int(under, line, "weight"), _int(over, line, "weight")
        cover.append(Cover(at, shift_id(sid, line), "", count, count, *weights))
    return Problem(
        people=tuple(people),
        days=days,
        shifts=tuple(shifts),
        cover=tuple(cover),
        unavailable=tuple(off),
        wishes=tuple(wishes),
        forbidden_successions=frozenset(successions),
        name=name,
    )


def load(path: str | Path) -> Problem:
    path = Path(path)
    try:
        return parse(path.read_text(encoding="utf-8"), name=path.stem)
    except FormatError as e:
        raise FormatError(f"{path.name}: {e}") from None


def write_csv(path: str | Path, roster: Iterable[Assignment]) -> None:
    with Path(path).open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["employee", "day", "shift"])
        for a in sorted(roster, key=lambda a: (a.person, a.day)):
            out.writerow([a.person, a.day, a.shift])


def read_csv(path: str | Path) -> list[Assignment]:
    with Path(path).open(newline="", encoding="utf-8") as f:
        return [Assignment(r["employee"], int(r["day"]), r["shift"]) for r in csv.DictReader(f)]
