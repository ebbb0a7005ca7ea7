"""Trigram (pg_trgm) GIN indexes for the one search box (core.search), PostgreSQL only.

Each index is on the expression Django's `icontains` emits on PostgreSQL, `UPPER(col::text)`, so
substring searches (Chinese included) use it. SQLite has no pg_trgm: it runs the same LIKE unindexed.
"""

from django.db import migrations

INDEXES = [
    ("governance_cooperationagreement_reference_trgm", "governance_cooperationagreement", "reference"),
    ("governance_cooperationagreement_title_trgm", "governance_cooperationagreement", "title"),
    ("governance_counterparty_name_trgm", "governance_counterparty", "name"),
    ("governance_counterparty_short_name_trgm", "governance_counterparty", "short_name"),
    ("governance_counterparty_notes_trgm", "governance_counterparty", "notes"),
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
    dependencies = [("governance", "0009_merge_partner_loop")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
