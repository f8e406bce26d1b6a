"""`zhiban audit verify` and `zhiban audit checkpoint`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhiban.core import audit, audit_alerts


class Command(BaseCommand):
    help = "Verify the audit chain, or verify it and log its head in the checkpoint log outside the database."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="exit 0 on an intact chain, non-zero naming the first bad event")
        verify.add_argument(
            "--checkpoint", type=Path, default=None, help="checkpoint log (default: settings, and its copy)"
        )
        checkpoint = sub.add_parser(
            "checkpoint", help="verify the chain, then append its head to the checkpoint log (never over a broken one)"
        )
        checkpoint.add_argument(
            "--checkpoint", type=Path, default=None, help="checkpoint log (default: settings, and its copy)"
        )
        checkpoint.add_argument(
            "--new-database",
            action="store_true",
            help="this database takes over a checkpoint log begun by another database (a new installation)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            self.checkpoint(options["checkpoint"], new_database=options["new_database"])
            return
        result = audit.verify_chain(options["checkpoint"])
        if result.kind == "other-database":
            raise CommandError(f"audit chain NOT VERIFIED against its checkpoint log: {result.problem}")
        if not result.ok:
            raise CommandError(f"audit chain BROKEN after {result.checked} good events: {result.problem}")
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {result.checked} events"))
        for sentence in result.logs:
            self.stdout.write(f"  {sentence}")

    def checkpoint(self, path: Path | None, *, new_database: bool) -> None:
        try:
            checkpoint = audit.write_checkpoint(path, new_database=new_database)
        except audit.ChainBroken as broken:
            audit_alerts.checkpoint_refused(broken.result, by="zhiban audit checkpoint")
            raise CommandError(str(broken)) from broken
        if checkpoint.database is None:
            self.stdout.write(checkpoint.note)
            return
        self.stdout.write(f"checkpoint: database {checkpoint.database} #{checkpoint.sequence} {checkpoint.hash}")
        for written in checkpoint.written_to:
            self.stdout.write(f"  appended to {written}")
        if checkpoint.note:
            self.stdout.write(f"  {checkpoint.note}")
