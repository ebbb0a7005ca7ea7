"""Deadline kinds for training (reminders to the trainee, then escalation to their manager) and
drills (the coordinator, then their manager), and the periodic assignment sync."""

from django.db import migrations

from core.schedules import ensure_interval_task
from deadlines.seed import ensure_kind


def seed(apps, schema_editor):
    ensure_kind(
        apps,
        code="training.assignment.due",
        label="培训截止",
        description="Training assignment due: remind the trainee, then escalate to their manager.",
        steps=[
            {"offset": "-7d", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {"offset": "-1d", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {"offset": "0", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {
                "offset": "+3d",
                "recipients": ["owner", "owner_manager"],
                "channels": ["inapp", "email"],
                "repeat_every": "7d",
            },
        ],
    )
    ensure_kind(
        apps,
        code="training.drill.scheduled",
        label="应急演练",
        description="Scheduled emergency drill: remind the coordinator, escalate if not run.",
        steps=[
            {"offset": "-14d", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {"offset": "-1d", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {
                "offset": "+1d",
                "recipients": ["owner", "owner_manager"],
                "channels": ["inapp", "email"],
                "repeat_every": "7d",
            },
        ],
    )
    ensure_interval_task(
        apps,
        name="training: sync assignments and reminders",
        task="training.sync_assignments",
        every_seconds=900,
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name="training: sync assignments and reminders"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("deadlines", "0002_sweep_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
