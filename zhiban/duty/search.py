"""Full-text search of the duty log in Chinese, on SQLite and on PostgreSQL.

Chinese has no spaces, and the words a duty office searches for are one or two characters long (值班, 火灾, 停电, 电).
Trigram indexes cannot find those, so each entry is indexed by its own terms (`index_terms`): every CJK character
and every pair of neighbouring characters, and every Latin word or number whole. A query is cut the same way
(`query_terms`): one character is looked up as itself, two as their pair, longer runs as all their pairs, Latin words
and numbers as prefixes; the entries holding every term are then checked for the whole query as written, so a pair
match that is not the phrase is dropped.

The terms live in `LogEntry.search_terms`, indexed by the database's own full-text engine: an FTS5 table kept by
triggers on SQLite, a GIN index on `to_tsvector('simple', search_terms)` on PostgreSQL (migration 0002).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from zhiban.duty.models import LogEntry

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"[0-9a-z]+")
QUERY_MAX = 100


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def _runs(text: str) -> Iterable[tuple[str, str]]:
    for match in re.finditer(f"{CJK.pattern}|{WORD.pattern}", text):
        run = match.group()
        yield ("cjk" if CJK.fullmatch(run) else "word"), run


def index_terms(text: str) -> str:
    """The terms an entry is found by, space-separated: each CJK character and neighbouring pair, each word."""
    terms: dict[str, None] = {}
    for kind, run in _runs(normalise(text)):
        if kind == "word":
            terms[run] = None
            continue
        for i, char in enumerate(run):
            terms[char] = None
            if i + 1 < len(run):
                terms[run[i : i + 2]] = None
    return " ".join(terms)


def query_terms(query: str) -> tuple[list[str], list[str]]:
    """(CJK terms that must all be present, words that must all be present as prefixes)."""
    cjk: dict[str, None] = {}
    words: dict[str, None] = {}
    for kind, run in _runs(normalise(query)):
        if kind == "word":
            words[run] = None
        elif len(run) == 1:
            cjk[run] = None
        else:
            for i in range(len(run) - 1):
                cjk[run[i : i + 2]] = None
    return list(cjk), list(words)


def _needs_phrase_check(query: str) -> bool:
    runs = list(_runs(normalise(query)))
    return len(runs) > 1 or any(kind == "cjk" and len(run) > 2 for kind, run in runs)


def _matching_ids(cjk: list[str], words: list[str]) -> RawSQL:
    table = LogEntry._meta.db_table
    if connection.vendor == "postgresql":
        expression = " & ".join([*cjk, *(f"{w}:*" for w in words)])
        return RawSQL(
            f"SELECT id FROM {table} WHERE to_tsvector('simple', search_terms) @@ to_tsquery('simple', %s)",
            [expression],
        )
    expression = " AND ".join([*(f'"{t}"' for t in cjk), *(f'"{w}"*' for w in words)])
    return RawSQL(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s", [expression])


def search(entries: QuerySet[LogEntry], query: str) -> QuerySet[LogEntry]:
    """The entries of `entries` that hold `query` (all of its words, and the whole phrase)."""
    query = normalise(query)[:QUERY_MAX]
    cjk, words = query_terms(query)
    if not cjk and not words:
        return entries if not query else entries.filter(search_text__contains=query)
    found = entries.filter(id__in=_matching_ids(cjk, words))
    if _needs_phrase_check(query):
        found = found.filter(search_text__contains=query)
    return found
