"""The packs cite what the sources say (issue 11 item 8): a citation naming a source quotes it word for word, and
where no clause says the rule the citation is `default` with a note saying the text is silent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zhiban.policy.packs import Pack, builtin_packs

SOURCES = Path(__file__).resolve().parents[3] / "docs" / "sources" / "duty-safety-secrecy-regulations.zh.txt"
# The packs write full-width punctuation where the published text has half-width; whitespace and line breaks of
# the published text do not count.
PUNCTUATION = str.maketrans(
    {"，": ",", "：": ":", "（": "(", "）": ")", "；": ";", "！": "!", "？": "?", "“": '"', "”": '"'}
)
PACKS = sorted(builtin_packs().values(), key=lambda pack: pack.id)


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text.translate(PUNCTUATION))


def _quoted_sentences(quote: str) -> list[str]:
    """The pieces of a quotation: split at the omissions (……) and at the ends of sentences."""
    pieces = []
    for fragment in re.split(r"…+", quote):
        pieces += [p for p in (s.strip(".,;") for s in _normal(fragment).split("。")) if p]
    return pieces


@pytest.mark.parametrize("pack", PACKS, ids=[pack.id for pack in PACKS])
def test_every_citation_of_a_source_quotes_it_word_for_word(pack: Pack) -> None:
    published = _normal(SOURCES.read_text(encoding="utf-8"))
    misquoted = [
        f"{pack.id} {rule.id} ({rule.citation.reference}): {piece}"
        for rule in pack.rules
        if not rule.citation.is_default
        for piece in _quoted_sentences(rule.citation.text.zh)
        if piece not in published
    ]
    assert not misquoted, "quoted text not found in docs/sources:\n" + "\n".join(misquoted)


@pytest.mark.parametrize("pack", PACKS, ids=[pack.id for pack in PACKS])
def test_every_default_citation_of_an_implemented_rule_says_the_text_is_silent(pack: Pack) -> None:
    unsaid = [
        rule.id
        for rule in pack.rules
        if rule.implemented and rule.citation.is_default and "原文" not in rule.citation.text.zh
    ]
    assert not unsaid, f"{pack.id}: default citations that do not say the source is silent: {unsaid}"


@pytest.mark.parametrize("pack", PACKS, ids=[pack.id for pack in PACKS])
def test_org_01_no_source_says_how_units_nest_so_every_pack_cites_a_default(pack: Pack) -> None:
    citation = pack.rule("ORG-01").citation  # type: ignore[union-attr]
    assert citation.is_default
    assert citation.clause == ""
    assert "原文未规定单位如何逐级设置" in citation.text.zh
    assert "does not say how units nest" in citation.text.en


@pytest.mark.parametrize("pack", PACKS, ids=[pack.id for pack in PACKS])
def test_cal_01_no_source_defines_the_holiday_calendar_so_every_pack_cites_a_default(pack: Pack) -> None:
    citation = pack.rule("CAL-01").citation  # type: ignore[union-attr]
    assert citation.is_default
    assert "原文未规定节假日和调休上班日如何认定" in citation.text.zh
    assert "国务院办公厅每年公布的节假日安排" in citation.text.zh
    assert "does not say which days are holidays" in citation.text.en


def test_swap_08_no_clause_says_how_returns_are_tracked_so_the_citation_is_a_default() -> None:
    citation = builtin_packs()["service-center"].rule("SWAP-08").citation  # type: ignore[union-attr]
    assert citation.is_default
    assert "原文未规定如何跟踪还班" in citation.text.zh
    assert "does not say how returns are tracked" in citation.text.en
