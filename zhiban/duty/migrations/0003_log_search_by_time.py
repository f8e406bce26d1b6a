"""The duty log's search, newest first (see `duty.search`): a b-tree on (occurred_at, id) on both databases; on SQLite
the FTS5 table of 0002, keyed by id, replaced by one keyed by time, its rowid (minute of occurred_at) × 2³² + id, so
that a slice of time is a range of rowids. Contentless: it holds the index only; the triggers give it the terms."""

import importlib

from django.db import migrations

KEY = "(coalesce(CAST(strftime('%s', {row}.occurred_at) AS INTEGER), 0) / 60) * 4294967296 + {row}.id"
NEW, OLD = KEY.format(row="new"), KEY.format(row="old")

TIME_INDEX = "CREATE INDEX duty_log_time_idx ON duty_logentry (occurred_at, id)"
SQLITE = [
    "DROP TRIGGER IF EXISTS duty_logentry_fts_update",
    "DROP TRIGGER IF EXISTS duty_logentry_fts_delete",
    "DROP TRIGGER IF EXISTS duty_logentry_fts_insert",
    "DROP TABLE IF EXISTS duty_logentry_fts",
    "CREATE VIRTUAL TABLE duty_log_search USING fts5(search_terms, content='', tokenize='unicode61')",
    "CREATE TRIGGER duty_log_search_insert AFTER INSERT ON duty_logentry BEGIN "
    f"INSERT INTO duty_log_search(rowid, search_terms) VALUES ({NEW}, new.search_terms); END",
    "CREATE TRIGGER duty_log_search_delete AFTER DELETE ON duty_logentry BEGIN "
    f"INSERT INTO duty_log_search(duty_log_search, rowid, search_terms) VALUES ('delete', {OLD}, old.search_terms); END",
    "CREATE TRIGGER duty_log_search_update AFTER UPDATE OF search_terms, occurred_at ON duty_logentry BEGIN "
    f"INSERT INTO duty_log_search(duty_log_search, rowid, search_terms) VALUES ('delete', {OLD}, old.search_terms); "
    f"INSERT INTO duty_log_search(rowid, search_terms) VALUES ({NEW}, new.search_terms); END",
    f"INSERT INTO duty_log_search(rowid, search_terms) SELECT {KEY.format(row='duty_logentry')}, search_terms "
    "FROM duty_logentry",
    TIME_INDEX,
]
POSTGRES = [TIME_INDEX]
DROP_TIME_INDEX = "DROP INDEX IF EXISTS duty_log_time_idx"


def _sqlite_back() -> list[str]:
    """Back to 0002: its table and triggers, filled again."""
    before = importlib.import_module("zhiban.duty.migrations.0002_log_search_index")
    return [
        DROP_TIME_INDEX,
        "DROP TRIGGER IF EXISTS duty_log_search_update",
        "DROP TRIGGER IF EXISTS duty_log_search_delete",
        "DROP TRIGGER IF EXISTS duty_log_search_insert",
        "DROP TABLE IF EXISTS duty_log_search",
        *before.SQLITE,
        "INSERT INTO duty_logentry_fts(duty_logentry_fts) VALUES ('rebuild')",
    ]


def _run(forward):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        statements = {"sqlite": SQLITE, "postgresql": POSTGRES} if forward else {}
        if not forward:
            statements = {"sqlite": _sqlite_back(), "postgresql": [DROP_TIME_INDEX]}
        for statement in statements.get(vendor, []):
            schema_editor.execute(statement, params=None)  # no parameters: strftime's '%s' stays as written

    return run


class Migration(migrations.Migration):
    dependencies = [("duty", "0002_log_search_index")]

    operations = [migrations.RunPython(_run(True), _run(False))]
