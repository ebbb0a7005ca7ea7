"""Search speed (bench/search.py): newest notes first across cases, so a common word walks this
index and stops after a page; and `ir_bigrams` (0011) is marked expensive, so the planner serves
it from its GIN index and never computes it row by row while walking a recency index, and
restricted to the leader process (its high cost otherwise tips small searches into parallel
plans and JIT compilation, each costing tens of milliseconds)."""

from django.db import migrations, models


def bigrams_expensive(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ALTER FUNCTION ir_bigrams(text) COST 1000 PARALLEL RESTRICTED")


def bigrams_default(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ALTER FUNCTION ir_bigrams(text) COST 100 PARALLEL SAFE")


class Migration(migrations.Migration):
    dependencies = [("incidents", "0012_tags")]

    operations = [
        migrations.AddIndex(
            model_name="timelineentry",
            index=models.Index(fields=["-at", "-id"], name="inc_timeline_at_idx"),
        ),
        migrations.RunPython(bigrams_expensive, bigrams_default, elidable=False),
    ]
