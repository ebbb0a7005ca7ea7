"""Trigram (pg_trgm) GIN indexes for the one search box (core.search), PostgreSQL only; for the
two large tables' Chinese text also a bigram index (`ir_bigrams`): a two-character word (泄露, 勒索)
has no trigram, and a scan of a million notes is too slow.

Each index is on the expression Django's `icontains` emits on PostgreSQL, `UPPER(col::text)`, so
substring searches (Chinese included) use it. SQLite has no pg_trgm: it runs the same LIKE unindexed.
"""

from django.db import migrations

INDEXES = [
    ("incidents_incident_reference_trgm", "incidents_incident", "reference"),
    ("incidents_incident_title_trgm", "incidents_incident", "title"),
    ("incidents_incident_description_trgm", "incidents_incident", "description"),
    ("incidents_timelineentry_text_trgm", "incidents_timelineentry", "text"),
]
BIGRAM_INDEXES = [
    ("incidents_incident_title_bigram", "incidents_incident", "title"),
    ("incidents_incident_description_bigram", "incidents_incident", "description"),
    ("incidents_timelineentry_text_bigram", "incidents_timelineentry", "text"),
]
BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION ir_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(upper(value), i, 2)), '{}')
    FROM generate_series(1, length(value) - 1) AS i
$$
"""


def create_indexes(cursor):
    for name, table, column in INDEXES:
        cursor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )
    for name, table, column in BIGRAM_INDEXES:
        cursor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (ir_bigrams("{column}"))'
        )


def drop_indexes(cursor):
    for name, _table, _column in INDEXES + BIGRAM_INDEXES:
        cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute(BIGRAMS_FUNCTION)
        create_indexes(cursor)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        drop_indexes(cursor)
        cursor.execute("DROP FUNCTION IF EXISTS ir_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("incidents", "0010_merge_partner_loop")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
