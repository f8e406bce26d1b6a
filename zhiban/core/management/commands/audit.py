"""`zhiban audit verify` and `zhiban audit checkpoint`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhiban.core import audit


class Command(BaseCommand):
    help = "Verify the audit chain, or checkpoint its head to a file outside the database."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="exit 0 on an intact chain, non-zero naming the first bad event")
        verify.add_argument("--checkpoint", type=Path, default=None, help="checkpoint file (default: settings)")
        checkpoint = sub.add_parser("checkpoint", help="write the chain head (sequence, hash) to a file")
        checkpoint.add_argument("--checkpoint", type=Path, default=None, help="checkpoint file (default: settings)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            try:
                sequence, digest = audit.write_checkpoint(options["checkpoint"])
            except RuntimeError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"checkpoint: #{sequence} {digest}")
            return
        result = audit.verify_chain(options["checkpoint"])
        if not result.ok:
            raise CommandError(f"audit chain BROKEN after {result.checked} good events: {result.problem}")
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {result.checked} events"))
