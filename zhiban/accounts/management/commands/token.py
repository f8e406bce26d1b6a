"""`zhiban token create USER [--name NAME]` prints a new personal access token once."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhiban.accounts import services
from zhiban.accounts.models import User


class Command(BaseCommand):
    help = "Create a personal access token for the API."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it (shown once)")
        create.add_argument("username")
        create.add_argument("--name", default="command line")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active account named {options['username']!r}")
        # Whoever runs this is at the server's console, a stronger proof than a TOTP code.
        _token, plain = services.access_token_create(
            actor=None, user=user, name=options["name"], second_factor_passed=True
        )
        self.stdout.write(plain)
