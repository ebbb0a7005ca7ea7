from django.db import migrations

from core.schedules import ensure_interval_task


def schedule(apps, schema_editor):
    ensure_interval_task(apps, name="deadlines: sweep", task="deadlines.sweep", every_seconds=60)


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name="deadlines: sweep"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
