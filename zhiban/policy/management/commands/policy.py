"""`zhiban policy validate [FILE …] [--dir DIR]` and `zhiban policy show PACK`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhiban.policy.catalogue import catalogue
from zhiban.policy.packs import Pack, builtin_packs
from zhiban.policy.validation import ValidationReport, validate_builtin, validate_paths, validate_with_replacements


class Command(BaseCommand):
    help = "Validate the policy packs against the catalogue and the rule modules, or show a pack."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        validate = sub.add_parser(
            "validate",
            help="check every pack (or the given files, each in place of the shipped pack of its name); "
            "exit non-zero on any error",
        )
        validate.add_argument("files", nargs="*", type=Path, help="pack files to check in place of the shipped ones")
        validate.add_argument("--dir", type=Path, default=None, help="validate the *.toml of this directory as the set")
        show = sub.add_parser("show", help="print a pack's rules with status, parameters, checks and citations")
        show.add_argument("pack", help="pack id, e.g. service-center")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "show":
            self._show(options["pack"])
            return
        if options["dir"] is not None:
            report = validate_paths(sorted(Path(options["dir"]).glob("*.toml")))
        elif options["files"]:
            report = validate_with_replacements(options["files"])
        else:
            report = validate_builtin()
        self._report(report)

    def _report(self, report: ValidationReport) -> None:
        if report.errors:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(report.errors)} error(s) in the policy packs")
        total_implemented = total_planned = 0
        for pack in report.packs:
            total_implemented += pack.implemented_count
            total_planned += pack.planned_count
            self.stdout.write(
                f"{pack.id:<16} {len(pack.rules):>3} rules  {pack.implemented_count:>3} implemented  "
                f"{pack.planned_count:>3} planned   sources {', '.join(pack.sources)}"
            )
        declared = {rule.id for pack in report.packs for rule in pack.rules}
        self.stdout.write(
            self.style.SUCCESS(
                f"policy packs valid: {len(report.packs)} packs, {len(declared)} of {len(catalogue().rules)} "
                f"catalogue rules declared, {total_implemented} implemented and {total_planned} planned entries"
            )
        )

    def _show(self, pack_id: str) -> None:
        packs = builtin_packs()
        if pack_id not in packs:
            raise CommandError(f"unknown pack {pack_id!r}; one of {', '.join(sorted(packs))}")
        pack: Pack = packs[pack_id]
        self.stdout.write(f"{pack.id} — {pack.name.zh} / {pack.name.en}")
        self.stdout.write(f"sources: {', '.join(f'{s} {catalogue().sources[s].zh}' for s in pack.sources)}")
        for rule in pack.rules:
            self.stdout.write("")
            title = rule.title_with(rule.defaults())
            self.stdout.write(f"{rule.id} [{rule.status}] {title.zh} — {title.en}")
            where = "default" if rule.citation.is_default else rule.citation.reference
            self.stdout.write(f"  citation: {where}: {rule.citation.text.zh}")
            for parameter in rule.parameters:
                bounds = "".join(
                    f" {label} {parameter.display(value)}"
                    for label, value in (("min", parameter.minimum), ("max", parameter.maximum))
                    if value is not None
                )
                self.stdout.write(
                    f"  parameter {parameter.name} ({parameter.type}) = {parameter.display(parameter.default)}"
                    f"{bounds} — {parameter.label.zh}"
                )
            for check in rule.checks:
                self.stdout.write(f"  check {check.name} [{check.severity.value}] — {check.description.zh}")
