"""`zhiban worker [--once] [--name N]` — run due jobs and deliver notifications."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhiban.core.worker import Worker


class Command(BaseCommand):
    help = "Run the background worker: due jobs, the notification outbox, audit checkpoints."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="do the work that is due now, then exit")
        parser.add_argument("--name", default="", help="this worker's name in claims and logs")
        parser.add_argument("--batch", type=int, default=20, help="rows claimed at a time")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(name=options["name"], batch=options["batch"])
        if options["once"]:
            handled = worker.run_once()
            self.stdout.write(f"worker {worker.name}: {handled} handled")
            return
        worker.run()
