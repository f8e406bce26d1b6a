"""`zhiban demo`: load a living organisation for each policy pack; `--accounts` prints the logins again."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhiban.accounts.models import User
from zhiban.demo.listing import format_accounts
from zhiban.demo.loader import DemoRefused, load_demo
from zhiban.demo.plan import build_plan


class Command(BaseCommand):
    help = "Load the demo organisations (one per policy pack) and their accounts; safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--accounts", action="store_true", help="only print the demo accounts; load nothing")
        parser.add_argument(
            "--force", action="store_true", help="load even though the database holds other organisations"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        plan = build_plan()
        if options["accounts"]:
            if not User.objects.filter(username__in=[a.username for a in plan.accounts]).exists():
                self.stderr.write("The demo is not loaded in this database yet: run `zhiban demo`.")
            self.stdout.write(format_accounts(plan))
            return
        try:
            result = load_demo(plan, force=options["force"])
        except DemoRefused as error:
            raise CommandError(str(error)) from error
        if result.nothing_created:
            self.stdout.write(f"Demo already loaded: nothing to create ({result.seconds:.1f} s).")
        else:
            counts = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in result.created.items() if n)
            self.stdout.write(self.style.SUCCESS(f"Demo loaded in {result.seconds:.1f} s: created {counts}."))
        for note in result.hook_notes:
            self.stdout.write(f"  {note}")
        self.stdout.write("")
        self.stdout.write(format_accounts(plan))
