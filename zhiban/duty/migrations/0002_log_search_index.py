"""The duty log's full-text index: FTS5 kept by triggers on SQLite, a GIN index on PostgreSQL (see `duty.search`)."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE duty_logentry_fts USING fts5("
    "search_terms, content='duty_logentry', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER duty_logentry_fts_insert AFTER INSERT ON duty_logentry BEGIN "
    "INSERT INTO duty_logentry_fts(rowid, search_terms) VALUES (new.id, new.search_terms); END",
    "CREATE TRIGGER duty_logentry_fts_delete AFTER DELETE ON duty_logentry BEGIN "
    "INSERT INTO duty_logentry_fts(duty_logentry_fts, rowid, search_terms) VALUES ('delete', old.id, old.search_terms); END",
    "CREATE TRIGGER duty_logentry_fts_update AFTER UPDATE OF search_terms ON duty_logentry BEGIN "
    "INSERT INTO duty_logentry_fts(duty_logentry_fts, rowid, search_terms) VALUES ('delete', old.id, old.search_terms); "
    "INSERT INTO duty_logentry_fts(rowid, search_terms) VALUES (new.id, new.search_terms); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS duty_logentry_fts_update",
    "DROP TRIGGER IF EXISTS duty_logentry_fts_delete",
    "DROP TRIGGER IF EXISTS duty_logentry_fts_insert",
    "DROP TABLE IF EXISTS duty_logentry_fts",
]
POSTGRES = ["CREATE INDEX duty_log_terms_gin ON duty_logentry USING gin (to_tsvector('simple', search_terms))"]
POSTGRES_DROP = ["DROP INDEX IF EXISTS duty_log_terms_gin"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("duty", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
