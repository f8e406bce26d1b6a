"""Full-text search of the duty log in Chinese, on SQLite and on PostgreSQL.

Chinese has no spaces, and the words a duty office searches for are one or two characters long (值班, 火灾, 停电, 电).
Trigram indexes cannot find those, so each entry is indexed by its own terms (`index_terms`): every CJK character
and every pair of neighbouring characters, and every Latin word or number whole. A query is cut the same way
(`query_terms`): one character is looked up as itself, two as their pair, longer runs as all their pairs, Latin words
and numbers as prefixes; the entries holding every term are then checked for the whole query as written, so a pair
match that is not the phrase is dropped.

The terms live in `LogEntry.search_terms`, indexed by the database's own full-text engine: on SQLite an FTS5 table
kept by triggers whose rowid is the entry's time key, (minute of `occurred_at`) × 2³² + id, so that the index lists
the matches of a query in time order and a stretch of time is a range of rowids (migration 0003; it replaced 0002's
table, keyed by id); on PostgreSQL a GIN index on `to_tsvector('simple', search_terms)` (0002) and a b-tree on
(`occurred_at`, `id`) (0003).

The first page, fast. The log page and the API show the newest entries first, a page at a time. A common character
matches most of the log (电 is in every 来电): sorting every match by time to show a hundred takes seconds at a
million entries. A rare word matches a handful: walking the log newest first until a hundred are found takes as long.
So `search` returns a `LogSearch` query set. Used as any query set it means exactly the entries that match. Read as
a first page newest first (`.order_by("-occurred_at", "-id")[:n]`, or the model's own ordering) it is fetched slice
of time by slice, newest first, each slice one query over the matches in that slice only, until the page is full:
- on SQLite a slice reaches back to the minute of the n-th newest match, read from the index in time order (a rare
  word: one slice, back to the beginning); the FTS5 lookup is held to the slice's rowids;
- on PostgreSQL a slice reaches back n entries of the log (read from the time index) and is walked newest first,
  each entry's `search_terms` read as text (a LIKE per term: the same condition as the GIN index's), which stops
  as soon as the page is full; recomputing `to_tsvector` row by row, as a walk with the GIN condition would, costs
  ~50 µs an entry. Once a slice would be longer than WALK_MAX entries, the rest of the log is read through the
  GIN index instead and sorted, never walked: the planner cannot tell a word that is rare in the last months (a
  year, a prefix) from one that is rare everywhere;
- the next slice is sized by the share of the last one the filters let through, at least twice as large (on SQLite
  at most SLICE_GROWTH times).
Every filter of the query set (the reader's permissions, kind, dates) applies within each slice and the slices do not
overlap, so the page is the one the single query gives; other reads (a count, a later page, an export without a
slice) are that single query.

The reader's permissions come as `pk IN (a query of the log)` (`selectors.log_list`). SQLite computes such a subquery
in full, once per query, before it looks at one match: at a million entries that alone takes seconds. `search` asks
the same as a correlated `EXISTS`, checked for the candidates only.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DurationField, Exists, F, Lookup, OuterRef, QuerySet, Value
from django.db.models.expressions import Col
from django.db.models.lookups import In
from django.db.models.query import ModelIterable
from django.db.models.sql.query import Query
from django.db.models.sql.where import AND, WhereNode

if TYPE_CHECKING:
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType
from zhiban.duty.models import LogEntry

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"[0-9a-z]+")
QUERY_MAX = 100

FTS = "duty_log_search"  # SQLite: the FTS5 table of migration 0003
KEY_SHIFT = 2**32  # its rowid: (minute of occurred_at) * KEY_SHIFT + id
SLICE_GROWTH = 16  # SQLite: a slice holds at most this many times the matches of the one before (at least twice)
WALK_FIRST = 20  # PostgreSQL: the first slice holds this many entries per row of the page (at least WALK_MIN)
WALK_MIN = 1000
WALK_MAX = 40_000  # PostgreSQL: slices of more entries than this are read through the GIN index
NEWEST_FIRST = (("-occurred_at", "-id"), ("-occurred_at", "-pk"))
# Newest first, in an order no index gives: PostgreSQL sorts the slice's matches instead of walking the time index.
UNWALKED = (F("occurred_at") + Value(dt.timedelta(0), output_field=DurationField())).desc()


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

    def in_terms(self, column: str) -> tuple[str, list[str]]:
        """The same condition read row by row from the entry's `search_terms`, its terms between spaces: each CJK
        term one of them, each word the beginning of one (the terms hold no `%`, `_` or `\\`)."""
        sql = [f"(' ' || {column} || ' ') LIKE %s" for _ in self.cjk] + [
            f"(' ' || {column}) LIKE %s" for _ in self.words
        ]
        return " AND ".join(sql), [f"% {t} %" for t in self.cjk] + [f"% {w}%" for w in self.words]


@dataclass(frozen=True)
class _Slice:
    """A slice of time being read (`LogSearch`), and on PostgreSQL how: walked newest first along the time index,
    each entry's terms read as text (`walk`), or its matches found through the GIN index and sorted."""

    since: dt.datetime | None
    before: dt.datetime | None
    walk: bool = False


# The slice being read: on SQLite the FTS5 lookup is held to its range of rowids; on PostgreSQL a slice walked along
# the time index checks each entry's text instead of the GIN index, which a walk would otherwise recheck row by row.
_slice: ContextVar[_Slice | None] = ContextVar("duty_log_slice", default=None)


def _key(moment: dt.datetime, minutes: int) -> int:
    """The smallest FTS5 rowid of the minute `minutes` after `moment`'s."""
    return (math.floor(moment.timestamp() / 60) + minutes) * KEY_SHIFT


class _Holds(Lookup):
    """The entry holds every term, through the full-text index: a condition for `filter`, on `id` (SQLite) or on
    `search_terms` (PostgreSQL). A lookup, so that SQLite sees the condition itself, not `(…) = 1`, and drives the
    query from the index."""

    lookup_name = "duty_log_holds"
    prepare_rhs = False

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> _AsSqlType:
        column, column_params = compiler.compile(self.lhs)
        terms: _Terms = self.rhs
        part = _slice.get() or _Slice(None, None)
        if connection.vendor == "postgresql":
            if part.walk:
                sql, params = terms.in_terms(column)
                return f"({sql})", (*column_params, *params)
            return f"to_tsvector('simple', {column}) @@ to_tsquery('simple', %s)", (*column_params, terms.tsquery())
        lookup = f"SELECT rowid & {KEY_SHIFT - 1} FROM {FTS} WHERE {FTS} MATCH %s"
        sqlite_params: list[Any] = [*column_params, terms.fts5()]
        if part.since is not None:  # one minute wider than the slice: the outer query holds it exactly
            lookup += " AND rowid >= %s"
            sqlite_params.append(_key(part.since, -1))
        if part.before is not None:
            lookup += " AND rowid < %s"
            sqlite_params.append(_key(part.before, 2))
        return f"{column} IN ({lookup})", tuple(sqlite_params)


def _next_slice(terms: _Terms, before: dt.datetime | None, size: int, using: str) -> _Slice:
    """The slice before `before` of `size` entries: on SQLite entries holding every term, read from the index in time
    order; on PostgreSQL entries of the log, read from the time index, walked (at most WALK_MAX of them, else the
    rest through the GIN index). `since` is None when no more are left: the slice reaches back to the beginning."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        lookup = f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s"
        params: list[Any] = [terms.fts5()]
        if before is not None:
            lookup += " AND rowid < %s"
            params.append(_key(before, 0))
        with connection.cursor() as cursor:
            cursor.execute(f"{lookup} ORDER BY rowid DESC LIMIT 1 OFFSET %s", [*params, size - 1])
            found = cursor.fetchone()
        since = None if found is None else dt.datetime.fromtimestamp((found[0] // KEY_SHIFT) * 60, tz=dt.UTC)
        return _Slice(since, before)
    if size > WALK_MAX:
        return _Slice(None, before)
    table = LogEntry._meta.db_table
    lookup = f"SELECT occurred_at FROM {table}"
    params = []
    if before is not None:
        lookup += " WHERE occurred_at < %s"
        params.append(before)
    with connection.cursor() as cursor:
        cursor.execute(f"{lookup} ORDER BY occurred_at DESC, id DESC LIMIT 1 OFFSET %s", [*params, size - 1])
        found = cursor.fetchone()
    return _Slice(None if found is None else found[0], before, walk=True)


class LogSearch(QuerySet[LogEntry, LogEntry]):
    """The entries that match a search (`search`); a first page newest first is read slice of time by slice."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._terms: _Terms | None = None

    def _clone(self) -> LogSearch:
        clone: LogSearch = super()._clone()  # type: ignore[misc]  # QuerySet's copy for every step, not in the stubs
        clone._terms = self._terms
        return clone

    def _fetch_all(self) -> None:
        if self._result_cache is None and self._terms is not None and self._first_page_newest_first():
            self._result_cache = self._by_slices(self._terms)  # type: ignore[assignment]  # the stubs' row type
        super()._fetch_all()

    def _first_page_newest_first(self) -> bool:
        query = self.query
        order = tuple(query.order_by or ()) or (tuple(LogEntry._meta.ordering or ()) if query.default_ordering else ())
        return (
            self._iterable_class is ModelIterable
            and query.low_mark == 0
            and query.high_mark is not None
            and order in NEWEST_FIRST
            and query.standard_ordering
            and query.group_by is None
            and not query.extra_order_by
            and not query.distinct
            and not query.combinator
            and not query.select_for_update
        )

    def _by_slices(self, terms: _Terms) -> list[LogEntry]:
        limit = self.query.high_mark
        assert limit is not None
        sqlite = connections[self.db].vendor == "sqlite"
        size = limit if sqlite else max(limit * WALK_FIRST, WALK_MIN)
        rows: list[LogEntry] = []
        before: dt.datetime | None = None
        while True:
            part = _next_slice(terms, before, size, self.db)
            query = self.prefetch_related(None)  # the page's rows are prefetched for together, at the end
            query._terms = None
            query.query.clear_limits()
            if part.since is not None:
                query = query.filter(occurred_at__gte=part.since)
            if part.before is not None:
                query = query.filter(occurred_at__lt=part.before)
            token = _slice.set(part)
            try:
                if sqlite or part.walk:
                    found = list(query[: limit - len(rows)])
                else:  # through the GIN index: the matches sorted by time, then the page's rows joined
                    ids = list(query.order_by(UNWALKED, "-id").values_list("pk", flat=True)[: limit - len(rows)])
                    _slice.set(_Slice(part.since, part.before, walk=True))  # by id now: the text is checked
                    found = list(query.filter(pk__in=ids)) if ids else []
            finally:
                _slice.reset(token)
            rows += found
            if len(rows) >= limit or part.since is None:
                return rows
            # The next slice holds enough for the rest of the page at the share this one let through.
            wanted = max(size * (limit - len(rows)) * 3 // (2 * max(len(found), 1)), size * 2)
            before, size = part.since, min(wanted, size * SLICE_GROWTH) if sqlite else wanted


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
    """A copy of `entries`, all of it, as a `LogSearch` for `terms`."""
    found = entries.all()
    found.__class__ = LogSearch
    assert isinstance(found, LogSearch)
    found._terms = terms
    return found


def search(entries: QuerySet[LogEntry], query: str) -> QuerySet[LogEntry]:
    """The entries of `entries` that hold `query` (all of its words, and the whole phrase)."""
    query = normalise(query)[:QUERY_MAX]
    cjk, words = query_terms(query)
    if not cjk and not words:
        return entries if not query else entries.filter(search_text__contains=query)
    terms = _Terms(tuple(cjk), tuple(words))
    column = "search_terms" if connections[entries.db].vendor == "postgresql" else "id"
    found = _correlated(entries).filter(_Holds(F(column), terms))
    if _needs_phrase_check(query):
        found = found.filter(search_text__contains=query)
    return _log_search(found, terms)
