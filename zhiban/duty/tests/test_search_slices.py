"""The duty log's search read newest first, slice of time by slice (`search.LogSearch`, OPS-03): the same page as the
single query gives, on SQLite and on PostgreSQL, whatever the times, the reader, the filters and the page size."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiban.core import clock
from zhiban.duty import search, selectors
from zhiban.duty.models import DutyShift, LogEntry

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def _entry(
    shift: DutyShift, text: str, at: dt.datetime, kind: str = "note", amends: LogEntry | None = None
) -> LogEntry:
    """An entry as `services.log_write` stores it, at any time (imported history, corrections)."""
    normalised = search.normalise(text)
    return LogEntry.objects.create(
        shift=shift,
        unit=shift.unit,
        kind=kind,
        occurred_at=at,
        fields={"content": text},
        search_text=normalised,
        search_terms=search.index_terms(normalised),
        amends=amends,
        recorded_at=at,
    )


def _single(entries: QuerySet[LogEntry], query: str, size: int) -> list[LogEntry]:
    """The page as the one query, every match sorted newest first (what `LogSearch` must give)."""
    return list(search.search(entries, query).order_by("-occurred_at", "-id"))[:size]


def _page(entries: QuerySet[LogEntry], query: str, size: int) -> list[LogEntry]:
    return list(search.search(entries, query).order_by("-occurred_at", "-id")[:size])


def _log_queries(captured: CaptureQueriesContext) -> int:
    return sum('FROM "duty_logentry"' in q["sql"] for q in captured.captured_queries)


@pytest.fixture(autouse=True)
def small_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL's slices scaled down to this small log: a few entries walked, then the GIN index."""
    monkeypatch.setattr(search, "WALK_FIRST", 1)
    monkeypatch.setattr(search, "WALK_MIN", 2)
    monkeypatch.setattr(search, "WALK_MAX", 40)


@pytest.fixture
def history(duty: dict[str, Any]) -> dict[str, Any]:
    """Two years of entries on the 7th's shift: calls about fires and outages, notes, phone numbers, three entries
    in one minute, a correction that keeps the time of the entry it corrects, and one entry ahead of the clock."""
    duty["travel"].move_to(NOW)
    shift = duty["shift"]
    texts = [
        "来电：仓库发生火灾",
        "城南停电两小时",
        "询问值班安排，电话13912345678",
        "水管爆裂",
        "城南变电站停电",
        "回电0571-81391234",  # 1391 inside a number, not at its beginning: not found by 1391
    ]
    entries = []
    for i, day in enumerate(range(0, 730, 3)):
        at = NOW - dt.timedelta(days=day, hours=day % 7, minutes=day % 50)
        entries.append(_entry(shift, texts[i % len(texts)], at, kind="call" if i % 4 < 2 else "note"))
    minute = NOW - dt.timedelta(days=40, seconds=-5)
    entries += [_entry(shift, "火灾 同一分钟", minute + dt.timedelta(seconds=s)) for s in (30, 10, 50)]
    _entry(shift, "来电：仓库发生火灾（更正）", entries[3].occurred_at, amends=entries[3])
    _entry(shift, "预约：明天停电检修", NOW + dt.timedelta(minutes=3))
    duty["entries"] = entries
    return duty


QUERIES = ["火", "电", "停电", "火灾", "城南停电", "1391", "水管", "鹭鸶湾", "停电城南"]


@pytest.mark.parametrize("size", [1, 2, 7, 30, 100])
def test_ops_03_a_first_page_by_slices_is_the_single_querys_page(history: dict[str, Any], size: int) -> None:
    entries = LogEntry.objects.all()
    for query in QUERIES:
        assert _page(entries, query, size) == _single(entries, query, size), query


def test_ops_03_a_page_reads_slice_by_slice_when_the_first_is_not_enough(history: dict[str, Any]) -> None:
    entries = LogEntry.objects.filter(kind="call")  # the filter drops half of each slice's matches
    with CaptureQueriesContext(connection) as captured:
        page = _page(entries, "停电", 20)
    assert page == _single(entries, "停电", 20)
    assert len(page) == 20
    assert _log_queries(captured) > 1
    if connection.vendor == "postgresql":  # walked by the text first, then the rest through the GIN index
        sql = [q["sql"] for q in captured.captured_queries]
        assert any("LIKE" in q and "to_tsvector" not in q for q in sql)
        assert any("to_tsvector" in q for q in sql)


def test_ops_03_search_by_slices_keeps_the_readers_permissions(history: dict[str, Any]) -> None:
    shift = history["shift"]
    elsewhere = DutyShift.objects.create(
        unit=history["outsider"].unit,
        date=shift.date,
        shift_type=shift.shift_type,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
    )
    for day in range(10):
        _entry(elsewhere, "外单位火灾", NOW - dt.timedelta(days=day))
    for person in ("staff_a", "secretary", "outsider", "staff_b"):
        readable = selectors.log_list(user=history[person].user)
        everything = set(readable)
        for query in ("火", "火灾", "停电"):
            page = _page(readable, query, 10)
            assert page == _single(readable, query, 10), (person, query)
            assert set(page) <= everything
    outsider = selectors.log_list(user=history["outsider"].user)
    assert {e.shift for e in _page(outsider, "火灾", 50)} == {elsewhere}
    assert _page(selectors.log_list(user=history["staff_b"].user), "火灾", 50) == []


def test_ops_03_the_permission_filter_is_asked_per_candidate(history: dict[str, Any]) -> None:
    readable = selectors.log_list(user=history["staff_a"].user)
    sql = str(search.search(readable, "火灾").query)
    assert "EXISTS" in sql
    assert search.search(readable, "火灾").count() == readable.filter(search_text__contains="火灾").count()


def test_ops_03_other_reads_of_a_search_are_the_single_query(history: dict[str, Any]) -> None:
    entries = LogEntry.objects.all()
    found = search.search(entries, "电")
    every = list(found.order_by("-occurred_at", "-id"))
    assert found.count() == len(every) == entries.filter(search_text__contains="电").count()
    assert list(found.order_by("-occurred_at", "-id")[5:12]) == every[5:12]
    assert list(found.order_by("occurred_at", "id")[:4]) == every[::-1][:4]
    assert list(found.order_by("-occurred_at", "-id").reverse()[:3]) == every[::-1][:3]
    assert found.order_by("-occurred_at", "-id").first() == every[0]
    assert list(found[:3]) == every[:3]  # the model's ordering is newest first
    assert list(found.order_by("-occurred_at", "-id").values_list("id", flat=True)[:3]) == [e.id for e in every[:3]]
    assert found.filter(kind="call").exists()


def test_ops_03_the_index_follows_changed_times_and_texts(history: dict[str, Any]) -> None:
    entries = LogEntry.objects.all()
    oldest = min(history["entries"], key=lambda e: e.occurred_at)
    LogEntry.objects.filter(pk=oldest.pk).update(occurred_at=NOW + dt.timedelta(hours=1))
    assert _page(entries, search.normalise(oldest.search_text), 1) == [oldest]
    newest_fire = _page(entries, "火灾", 1)[0]
    text = search.normalise("鹭鸶湾停电")
    LogEntry.objects.filter(pk=newest_fire.pk).update(search_text=text, search_terms=search.index_terms(text))
    assert _page(entries, "鹭鸶湾", 5) == [newest_fire]
    assert newest_fire not in _page(entries, "火灾", 100)
    LogEntry.objects.filter(pk=newest_fire.pk).delete()
    assert _page(entries, "鹭鸶湾", 5) == []
    for query in QUERIES:
        assert _page(entries, query, 9) == _single(entries, query, 9), query


ALPHABET = ["火", "灾", "电", "停", "城", "南", "水", " ", "1391", "0571", "，"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(
        st.tuples(
            st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=6).map("".join),
            st.integers(-5, 60 * 24 * 900),  # minutes before now; a few ahead of it
            st.integers(0, 59),
            st.sampled_from(["call", "note"]),
        ),
        min_size=1,
        max_size=30,
    ),
    query=st.lists(st.sampled_from(ALPHABET[:-1]), min_size=1, max_size=3).map("".join),
    size=st.integers(1, 12),
    kind=st.sampled_from(["", "call"]),
)
def test_ops_03_sliced_pages_equal_the_single_query_whatever_the_log(
    history: dict[str, Any], texts: list[tuple[str, int, int, str]], query: str, size: int, kind: str
) -> None:
    LogEntry.objects.filter(amends__isnull=False).delete()
    LogEntry.objects.all().delete()
    now = clock.now()
    for text, minutes, second, entry_kind in texts:
        at = now - dt.timedelta(minutes=minutes) + dt.timedelta(seconds=second)
        _entry(history["shift"], text, at, kind=entry_kind)
    entries = LogEntry.objects.all() if not kind else LogEntry.objects.filter(kind=kind)
    assert _page(entries, query, size) == _single(entries, query, size)
