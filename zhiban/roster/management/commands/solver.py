"""`zhiban solver curtois INSTANCE.txt --time-limit S --workers 2 --out ROSTER.csv`: the solver on a benchmark file."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhiban.roster.solver.cli import run_curtois
from zhiban.roster.solver.curtois import FormatError


class Command(BaseCommand):
    help = "Run the roster solver on a Curtois–Qu instance; prints one JSON line."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        bench = sub.add_parser("curtois", help="solve a Curtois–Qu staff-scheduling instance (text format)")
        bench.add_argument("instance")
        bench.add_argument("--time-limit", type=float, default=60.0)
        bench.add_argument("--workers", type=int, default=2)
        bench.add_argument("--seed", type=int, default=0)
        bench.add_argument("--out", default=None, help="roster CSV (employee,day,shift)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            line = run_curtois(
                options["instance"],
                time_limit=options["time_limit"],
                workers=options["workers"],
                out=options["out"],
                seed=options["seed"],
            )
        except (FormatError, OSError) as e:
            raise CommandError(str(e)) from None
        self.stdout.write(json.dumps(line, ensure_ascii=False))
