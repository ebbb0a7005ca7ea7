from django.db import migrations

from core.schedules import ensure_interval_task


def schedule(apps, schema_editor):
    ensure_interval_task(apps, name="core: worker heartbeat", task="core.heartbeat", every_seconds=60)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(schedule, migrations.RunPython.noop)]
