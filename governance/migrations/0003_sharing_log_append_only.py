"""On PostgreSQL the database itself refuses UPDATE and DELETE on the sharing log, so not even
a raw query can rewrite it (the model refuses them on every backend)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION governance_sharing_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'governance_sharinglogentry is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS governance_sharing_log_append_only ON governance_sharinglogentry;
CREATE TRIGGER governance_sharing_log_append_only
    BEFORE UPDATE OR DELETE ON governance_sharinglogentry
    FOR EACH ROW EXECUTE FUNCTION governance_sharing_log_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS governance_sharing_log_append_only ON governance_sharinglogentry;
DROP FUNCTION IF EXISTS governance_sharing_log_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_registrations_contacts_meetings_obligations")]

    operations = [migrations.RunPython(forwards, backwards)]
