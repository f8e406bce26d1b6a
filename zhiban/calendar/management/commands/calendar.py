"""`zhiban calendar seed [--years 2024-2027]` and `zhiban calendar import FILE [--year 2027]`."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhiban.calendar import services
from zhiban.calendar.importing import ArrangementInvalid
from zhiban.core import clock
from zhiban.core.dates import is_chinese

FIRST_SEEDED_YEAR = 2024


def parse_years(text: str) -> list[int]:
    """`2024-2027`, `2026` or `2024,2026`."""
    years: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", part)
        if match is None:
            raise argparse.ArgumentTypeError(f"{part!r} is not a year or a range of years like 2024-2027")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first or last - first > 50:
            raise argparse.ArgumentTypeError(f"{part!r} is not a sensible range of years")
        years.update(range(first, last + 1))
    return sorted(years)


class Command(BaseCommand):
    help = "The state calendar: seed years from the holiday libraries, or import an official arrangement."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        seed = actions.add_parser(
            "seed",
            help="seed years from chinesecalendar, cross-checked with holidays (idempotent)",
        )
        seed.add_argument(
            "--years",
            type=parse_years,
            default=None,
            help=f"years to seed, e.g. 2024-2027 (default: {FIRST_SEEDED_YEAR} to next year)",
        )
        imported = actions.add_parser("import", help="import a year's official arrangement (CSV date,kind,name)")
        imported.add_argument("file", type=Path)
        imported.add_argument("--year", type=int, default=None, help="the year (default: the year of the first date)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seed":
            self._seed(options["years"] or list(range(FIRST_SEEDED_YEAR, clock.today().year + 2)))
        else:
            self._import(options["file"], options["year"])

    def _seed(self, years: list[int]) -> None:
        self.print_report(services.calendar_seed(actor=None, years=years))

    def print_report(self, report: services.SeedReport) -> None:
        """Each year's outcome and every disagreement between the libraries."""
        for result in report.years:
            if result.skipped:
                self.stdout.write(f"{result.year}: kept ({result.skipped})")
                continue
            status = "provisional" if result.provisional else "confirmed"
            self.stdout.write(
                f"{result.year}: {result.source}, {status}; {result.created} created, {result.updated} updated, "
                f"{result.kept} corrected days kept; {len(result.disagreements)} disagreement(s) with holidays"
            )
            for item in result.disagreements:
                self.stdout.write(self.style.WARNING(f"  disagreement: {item}"))

    def _import(self, path: Path, year: int | None) -> None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        try:
            result = services.calendar_year_import(actor=None, data=data, year=year, filename=path.name)
        except ArrangementInvalid as error:
            lines = [error.citation_line(is_chinese()), *error.messages(is_chinese())]
            raise CommandError("nothing imported:\n" + "\n".join(line for line in lines if line)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.year}: imported {result.special_days} special days; {result.days_written} days written"
            )
        )
