from django.db import migrations

from core.schedules import ensure_interval_task


def schedule(apps, schema_editor):
    ensure_interval_task(
        apps, name="integrations: sweep", task="integrations.sweep", every_seconds=300
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name="integrations: sweep"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0003_webhook_subscriptions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
