"""Trigram (pg_trgm) GIN indexes for the one search box (core.search), PostgreSQL only.

Each index is on the expression Django's `icontains` emits on PostgreSQL, `UPPER(col::text)`, so
substring searches (Chinese included) use it. SQLite has no pg_trgm: it runs the same LIKE unindexed.
"""

from django.db import migrations

INDEXES = [
    ("reporting_regulatoryreport_title_trgm", "reporting_regulatoryreport", "title"),
    ("reporting_riskintelligence_summary_trgm", "reporting_riskintelligence", "summary"),
    ("reporting_riskintelligence_details_trgm", "reporting_riskintelligence", "details"),
    ("reporting_riskintelligence_party_name_trgm", "reporting_riskintelligence", "party_name"),
    ("reporting_regulatornotice_reference_trgm", "reporting_regulatornotice", "reference"),
    ("reporting_regulatornotice_title_trgm", "reporting_regulatornotice", "title"),
    ("reporting_regulatornotice_content_trgm", "reporting_regulatornotice", "content"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in INDEXES:
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, _table, _column in INDEXES:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("reporting", "0009_merge_partner_loop")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
