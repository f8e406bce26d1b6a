"""SEC-02 in the database: a custody move must start or end with the carrier's clerk (no reader → reader), must start
where the carrier is (the holder of its last move), and is never rewritten. Triggers, since the rule spans rows."""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER secrecy_custody_no_horizontal BEFORE INSERT ON secrecy_custodymove "
    "WHEN NEW.to_holder_id IS NOT (SELECT clerk_id FROM secrecy_carrier WHERE id = NEW.carrier_id) "
    "AND NEW.from_holder_id IS NOT (SELECT clerk_id FROM secrecy_carrier WHERE id = NEW.carrier_id) "
    "BEGIN SELECT RAISE(ABORT, 'SEC-02: custody moves go through the clerk (no horizontal passing)'); END",
    "CREATE TRIGGER secrecy_custody_from_holder BEFORE INSERT ON secrecy_custodymove "
    "WHEN NEW.from_holder_id IS NOT (SELECT m.to_holder_id FROM secrecy_custodymove m "
    "WHERE m.carrier_id = NEW.carrier_id ORDER BY m.id DESC LIMIT 1) "
    "BEGIN SELECT RAISE(ABORT, 'SEC-02: a custody move starts where the carrier is'); END",
    "CREATE TRIGGER secrecy_custody_frozen BEFORE UPDATE OF carrier_id, from_holder_id, to_holder_id, moved_at "
    "ON secrecy_custodymove BEGIN SELECT RAISE(ABORT, 'SEC-02: custody moves are never rewritten'); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS secrecy_custody_frozen",
    "DROP TRIGGER IF EXISTS secrecy_custody_from_holder",
    "DROP TRIGGER IF EXISTS secrecy_custody_no_horizontal",
]
POSTGRES = [
    """CREATE FUNCTION secrecy_custody_guard() RETURNS trigger AS $$
DECLARE
    clerk bigint;
    last_holder bigint;
BEGIN
    SELECT clerk_id INTO clerk FROM secrecy_carrier WHERE id = NEW.carrier_id;
    IF NEW.to_holder_id IS DISTINCT FROM clerk AND NEW.from_holder_id IS DISTINCT FROM clerk THEN
        RAISE EXCEPTION 'SEC-02: custody moves go through the clerk (no horizontal passing)'
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT m.to_holder_id INTO last_holder FROM secrecy_custodymove m
        WHERE m.carrier_id = NEW.carrier_id ORDER BY m.id DESC LIMIT 1;
    IF NEW.from_holder_id IS DISTINCT FROM last_holder THEN
        RAISE EXCEPTION 'SEC-02: a custody move starts where the carrier is' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql""",
    """CREATE FUNCTION secrecy_custody_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'SEC-02: custody moves are never rewritten' USING ERRCODE = 'check_violation';
END
$$ LANGUAGE plpgsql""",
    "CREATE TRIGGER secrecy_custody_guard BEFORE INSERT ON secrecy_custodymove "
    "FOR EACH ROW EXECUTE FUNCTION secrecy_custody_guard()",
    "CREATE TRIGGER secrecy_custody_frozen BEFORE UPDATE OF carrier_id, from_holder_id, to_holder_id, moved_at "
    "ON secrecy_custodymove FOR EACH ROW EXECUTE FUNCTION secrecy_custody_frozen()",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS secrecy_custody_frozen ON secrecy_custodymove",
    "DROP TRIGGER IF EXISTS secrecy_custody_guard ON secrecy_custodymove",
    "DROP FUNCTION IF EXISTS secrecy_custody_frozen()",
    "DROP FUNCTION IF EXISTS secrecy_custody_guard()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("secrecy", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
