"""Full-text search of the duty log in Chinese, on SQLite and on PostgreSQL.

Chinese has no spaces, and the words a duty office searches for are one or two characters long (值班, 火灾, 停电, 电).
Trigram indexes cannot find those, so each entry is indexed by its own terms (`index_terms`): every CJK character
and every pair of neighbouring characters, and every Latin word or number whole. A query is cut the same way
(`query_terms`): one character is looked up as itself, two as their pair, longer runs as all their pairs, Latin words
and numbers as prefixes; the entries holding every term are then checked for the whole query as written, so a pair
match that is not the phrase is dropped.

The terms live in `LogEntry.search_terms`, indexed by the database's own full-text engine: on SQLite an FTS5 table
kept by triggers whose rowid is the entry's time key, (minute of `occurred_at`) × 2³² + id, so that the index lists
an entry's matches in time order and a slice of time is a range of rowids (migration 0003, which replaced 0002's
table keyed by id); on PostgreSQL a GIN index on `to_tsvector('simple', search_terms)` (0002) beside a b-tree on
(`occurred_at`, `id`) (0003).

The first page, fast. The log page and the API show the newest entries first, PAGE at a time. A common character
matches most of the log (电 is in every 来电), and sorting every match by time to show a hundred of them takes
seconds at a million entries; a rare word matches a handful, and walking the log newest first to find them takes as
long. `search` therefore returns a `LogSearch` query set. Used as any query set it means exactly the entries that
match. Read as a first page newest first (`.order_by("-occurred_at", "-id")[:n]`, or the model's own ordering), it
is fetched slice of time by slice, newest first: the last day, then the four days before it, then sixteen, and so
on, each slice one query over the matches of that slice alone, until the page is full; on SQLite, once at most FEW
entries older than the slices read so far hold the terms, all of them in one last query. Every filter of the query
set (the reader's permissions, kind, dates) applies within each slice, and slices do not overlap, so the page is the
same as the one query would give.

The reader's permissions come as `pk IN (subquery)` (`selectors.log_list`); SQLite computes such a subquery in full,
once per query, before it looks at a single match (a million ids), so `search` asks the same as a correlated
`EXISTS`, which is checked for the candidates only.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Exists, F, Func, OuterRef, QuerySet
from django.db.models.expressions import Col
from django.db.models.lookups import In
from django.db.models.query import ModelIterable
from django.db.models.sql.query import Query
from django.db.models.sql.where import AND, WhereNode

from zhiban.core import clock
from zhiban.duty.models import LogEntry

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"[0-9a-z]+")
QUERY_MAX = 100

FTS = "duty_log_search"  # SQLite: the FTS5 table of migration 0003
KEY_SHIFT = 2**32  # its rowid: (minute of occurred_at) * KEY_SHIFT + id
FIRST_SLICE = dt.timedelta(days=1)
SLICE_GROWTH = 4
LAST_SLICE = dt.timedelta(days=3 * 365)  # a slice longer than this reaches back to the beginning
FEW = 2000  # SQLite: no more than this many older entries hold the terms — read them in one query
NEWEST_FIRST = (("-occurred_at", "-id"), ("-occurred_at", "-pk"))


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


@dataclass(frozen=True)
class _Terms:
    cjk: tuple[str, ...]
    words: tuple[str, ...]

    def fts5(self) -> str:
        return " AND ".join([*(f'"{t}"' for t in self.cjk), *(f'"{w}"*' for w in self.words)])

    def tsquery(self) -> str:
        return " & ".join([*self.cjk, *(f"{w}:*" for w in self.words)])


# The slice of time being read (`LogSearch`): on SQLite the FTS5 lookup is held to its range of rowids.
_slice: ContextVar[tuple[dt.datetime | None, dt.datetime | None] | None] = ContextVar("duty_log_slice", default=None)


def _key(moment: dt.datetime, minutes: int) -> int:
    """The smallest FTS5 rowid of the minute `minutes` after `moment`'s."""
    return (math.floor(moment.timestamp() / 60) + minutes) * KEY_SHIFT


class _Holds(Func):
    """True for the entries that hold every term, through the full-text index (a condition for `filter`)."""

    output_field = BooleanField()

    def __init__(self, terms: _Terms) -> None:
        self.terms = terms
        super().__init__(F("id"), F("search_terms"))

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        entry_id, search_terms = self.get_source_expressions()
        id_sql, id_params = compiler.compile(entry_id)
        terms_sql, terms_params = compiler.compile(search_terms)
        if connection.vendor == "postgresql":
            sql = f"to_tsvector('simple', {terms_sql}) @@ to_tsquery('simple', %s)"
            return sql, [*terms_params, self.terms.tsquery()]
        lookup = f"SELECT rowid & {KEY_SHIFT - 1} FROM {FTS} WHERE {FTS} MATCH %s"
        params: list[Any] = [self.terms.fts5()]
        since, before = _slice.get() or (None, None)
        if since is not None:  # one minute wider than the slice: the outer query holds it exactly
            lookup += " AND rowid >= %s"
            params.append(_key(since, -1))
        if before is not None:
            lookup += " AND rowid < %s"
            params.append(_key(before, 2))
        return f"{id_sql} IN ({lookup})", [*id_params, *params]


def _few_older(terms: _Terms, before: dt.datetime, using: str) -> bool:
    """SQLite: whether at most FEW entries of before `before` (and of its minute) hold every term."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {FTS} WHERE {FTS} MATCH %s AND rowid < %s LIMIT %s)",
            [terms.fts5(), _key(before, 2), FEW + 1],
        )
        (count,) = cursor.fetchone()
    return bool(count <= FEW)


class LogSearch(QuerySet[LogEntry]):
    """The entries that match a search (`search`); a first page newest first is read slice of time by slice."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._terms: _Terms | None = None

    def _clone(self) -> LogSearch:
        clone = super()._clone()
        clone._terms = self._terms
        return clone

    def _fetch_all(self) -> None:
        if self._result_cache is None and self._terms is not None and self._first_page_newest_first():
            self._result_cache = self._by_slices(self._terms)
        super()._fetch_all()

    def _first_page_newest_first(self) -> bool:
        query = self.query
        order = tuple(query.order_by) or (tuple(LogEntry._meta.ordering) if query.default_ordering else ())
        return (
            self._iterable_class is ModelIterable
            and query.low_mark == 0
            and query.high_mark is not None
            and order in NEWEST_FIRST
            and not query.extra_order_by
            and not query.distinct
            and not query.combinator
            and not query.select_for_update
        )

    def _by_slices(self, terms: _Terms) -> list[LogEntry]:
        limit = self.query.high_mark
        assert limit is not None
        rows: list[LogEntry] = []
        span = FIRST_SLICE
        before: dt.datetime | None = None
        since: dt.datetime | None = clock.now().replace(second=0, microsecond=0) - span
        while True:
            part = self._chain()
            part._terms = None
            part.query.clear_limits()
            if since is not None:
                part = part.filter(occurred_at__gte=since)
            if before is not None:
                part = part.filter(occurred_at__lt=before)
            token = _slice.set((since, before))
            try:
                rows += part[: limit - len(rows)]
            finally:
                _slice.reset(token)
            if len(rows) >= limit or since is None:
                return rows
            before, span = since, span * SLICE_GROWTH
            since = None if span > LAST_SLICE or _few_older(terms, before, self.db) else before - span


def _correlated(entries: QuerySet[LogEntry]) -> QuerySet[LogEntry]:
    """`entries` with each of its own `pk IN (a query of the log)` conditions asked as a correlated EXISTS (the
    same rows), so that it is checked for the candidates rather than computed for the whole log first."""
    query = entries.query
    where = query.where
    if where.connector != AND or where.negated:
        return entries
    kept: list[Any] = []
    inner: list[Query] = []
    for child in where.children:
        if (
            isinstance(child, In)
            and isinstance(child.lhs, Col)
            and child.lhs.alias == query.base_table
            and child.lhs.target is LogEntry._meta.pk
            and isinstance(child.rhs, Query)
            and child.rhs.model is LogEntry
            and not child.rhs.is_sliced
        ):
            inner.append(child.rhs)
        else:
            kept.append(child)
    if not inner:
        return entries
    result = entries.all()
    result.query.where = WhereNode(kept, AND)
    for subquery in inner:
        visible = LogEntry.objects.all()
        visible.query = subquery.clone()
        result = result.filter(Exists(visible.filter(pk=OuterRef("pk"))))
    return result


def _log_search(entries: QuerySet[LogEntry], terms: _Terms) -> LogSearch:
    found = LogSearch(model=entries.model, query=entries.query.chain(), using=entries.db)
    found._prefetch_related_lookups = entries._prefetch_related_lookups[:]
    found._terms = terms
    return found


def search(entries: QuerySet[LogEntry], query: str) -> QuerySet[LogEntry]:
    """The entries of `entries` that hold `query` (all of its words, and the whole phrase)."""
    query = normalise(query)[:QUERY_MAX]
    cjk, words = query_terms(query)
    if not cjk and not words:
        return entries if not query else entries.filter(search_text__contains=query)
    terms = _Terms(tuple(cjk), tuple(words))
    found = _correlated(entries).filter(_Holds(terms))
    if _needs_phrase_check(query):
        found = found.filter(search_text__contains=query)
    return _log_search(found, terms)

