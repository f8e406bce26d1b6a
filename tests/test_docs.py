"""docs/RULES.md says what the policy packs declare, and the docs stand on their own.

RULES.md has one markdown table row per rule ID: the first cell is the ID, then a column per pack
(headed by the pack id) with `implemented`, `planned` or `—` (not in the pack), and a `module` column
naming `zhiban/policy/rules/<module>.py` or `—`. The packs are read through the project's own loader
(`zhiban.policy.packs.builtin_packs`), so a pack change not carried into RULES.md fails here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from zhiban.policy.catalogue import catalogue, rule_area
from zhiban.policy.packs import builtin_pack_paths, builtin_packs
from zhiban.policy.registry import expected_module_name, registry

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
RULES_MD = DOCS / "RULES.md"
NOT_IN_PACK = "—"
ROW_ID = re.compile(r"^[A-Z]+-\d{2}$")
PACK_IDS = sorted(builtin_packs())


@dataclass(frozen=True)
class Row:
    """One table row of RULES.md: its line number and its cells by column header."""

    line: int
    cells: dict[str, str]
    width_matches_header: bool


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def rule_rows(text: str) -> dict[str, list[Row]]:
    """Rows of every table headed `| ID | …`, keyed by the rule ID in their first cell."""
    rows: dict[str, list[Row]] = {}
    header: list[str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.lstrip().startswith("|"):
            header = None
            continue
        cells = _cells(line)
        if cells[0] == "ID":
            header = cells
        elif header is not None and ROW_ID.match(cells[0]):
            row = Row(number, dict(zip(header, cells, strict=False)), len(cells) == len(header))
            rows.setdefault(cells[0], []).append(row)
    return rows


@pytest.fixture(scope="module")
def rows() -> dict[str, list[Row]]:
    return rule_rows(RULES_MD.read_text(encoding="utf-8"))


def _one(rows: dict[str, list[Row]], rule_id: str) -> Row | None:
    """The rule's only row; None when it has none or several (the row-count test reports that)."""
    found = rows.get(rule_id, [])
    return found[0] if len(found) == 1 else None


@pytest.mark.parametrize("name", ["ARCHITECTURE.md", "CONVENTIONS.md", "RULES.md"])
def test_the_repository_documents_itself(name: str) -> None:
    path = DOCS / name
    assert path.is_file(), f"docs/{name} is missing"
    assert path.read_text(encoding="utf-8").strip(), f"docs/{name} is empty"


def test_no_doc_points_outside_the_repository() -> None:
    files = [path for path in sorted(DOCS.rglob("*")) if path.is_file()] + [ROOT / "README.md"]
    outside = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1)
        if "../shared" in line
    ]
    assert not outside, "these lines point to ../shared, which a clone does not have:\n" + "\n".join(outside)


def test_every_catalogue_rule_has_exactly_one_row_and_no_row_is_stray(rows: dict[str, list[Row]]) -> None:
    known = set(catalogue().rules)
    assert not set(rows) - known, f"rows for rule IDs the catalogue does not have: {sorted(set(rows) - known)}"
    counts = {rule_id: len(rows.get(rule_id, [])) for rule_id in sorted(known)}
    wrong = {rule_id: count for rule_id, count in counts.items() if count != 1}
    assert not wrong, f"docs/RULES.md needs exactly one table row per rule; rows found: {wrong}"


def test_every_row_has_a_status_column_for_every_pack(rows: dict[str, list[Row]]) -> None:
    for rule_id, found in sorted(rows.items()):
        for row in found:
            assert row.width_matches_header, f"docs/RULES.md:{row.line}: {rule_id} has not one cell per column"
            missing = [pack_id for pack_id in PACK_IDS if pack_id not in row.cells]
            assert not missing, f"docs/RULES.md:{row.line}: the table of {rule_id} has no column for {missing}"


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_rules_md_states_the_status_each_pack_gives_each_rule(rows: dict[str, list[Row]], pack_id: str) -> None:
    pack = builtin_packs()[pack_id]
    wrong = []
    for rule_id in catalogue().rules:
        declared = pack.rule(rule_id)
        expected = declared.status if declared is not None else NOT_IN_PACK
        row = _one(rows, rule_id)
        if row is None:
            continue
        stated = row.cells.get(pack_id, "")
        if stated != expected:
            wrong.append(f"docs/RULES.md:{row.line}: {rule_id} says {stated!r}, pack {pack_id} says {expected!r}")
    assert not wrong, "\n".join(wrong)


def test_every_rule_id_a_pack_mentions_is_in_rules_md(rows: dict[str, list[Row]]) -> None:
    areas = sorted({rule_area(rule_id) for rule_id in catalogue().rules})
    mention = re.compile(r"\b(?:" + "|".join(areas) + r")-\d{2}\b")
    mentioned = {rule.id for pack in builtin_packs().values() for rule in pack.rules}
    for path in builtin_pack_paths():
        mentioned |= set(mention.findall(path.read_text(encoding="utf-8")))
    text = RULES_MD.read_text(encoding="utf-8")
    absent = sorted(rule_id for rule_id in mentioned if rule_id not in rows or rule_id not in text)
    assert not absent, f"rule IDs used in the packs but without a row in docs/RULES.md: {absent}"


def test_module_column_names_the_rule_module_or_none(rows: dict[str, list[Row]]) -> None:
    modules = registry()
    assert not modules.errors, modules.errors
    for rule_id in catalogue().rules:
        row = _one(rows, rule_id)
        if row is None:
            continue
        stated = row.cells.get("module", "")
        if rule_id in modules:
            target = f"zhiban/policy/rules/{expected_module_name(rule_id)}.py"
            assert target in stated, f"docs/RULES.md:{row.line}: {rule_id}'s module column should name {target}"
            assert (ROOT / target).is_file(), target
        else:
            assert stated == NOT_IN_PACK, f"docs/RULES.md:{row.line}: {rule_id} has no rule module; write {NOT_IN_PACK}"
