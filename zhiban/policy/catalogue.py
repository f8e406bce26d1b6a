"""The catalogue of REQUIREMENTS.md as data (`catalogue.toml`): rule IDs, source texts, organisation kinds."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")
DEFAULT_SOURCE = "default"


@dataclass(frozen=True)
class Text:
    """A text in Chinese and English."""

    zh: str
    en: str

    def get(self, language: str) -> str:
        """The English text for an `en…` language code, the Chinese one otherwise."""
        return self.en if language.lower().startswith("en") else self.zh


@dataclass(frozen=True)
class Catalogue:
    """Every rule ID with its English short title; the seven 篇 P1..P7; the organisation kinds."""

    rules: Mapping[str, str]
    sources: Mapping[str, Text]
    organisation_kinds: Mapping[str, Text]

    def source_title(self, source: str) -> Text:
        if source == DEFAULT_SOURCE:
            return Text("产品默认（原文未规定）", "product default (the source text is silent)")
        return self.sources[source]


def _texts(table: Mapping[str, Mapping[str, str]]) -> dict[str, Text]:
    return {key: Text(zh=value["zh"], en=value["en"]) for key, value in table.items()}


@cache
def catalogue() -> Catalogue:
    data = tomllib.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    return Catalogue(
        rules=dict(data["rules"]),
        sources=_texts(data["sources"]),
        organisation_kinds=_texts(data["organisation_kinds"]),
    )


def rule_area(rule_id: str) -> str:
    """`LEAVE-04` → `LEAVE`."""
    return rule_id.rsplit("-", 1)[0]
