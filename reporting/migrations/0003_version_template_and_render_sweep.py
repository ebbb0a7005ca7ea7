from django.conf import settings
from django.db import migrations, models

from core.schedules import ensure_interval_task

SWEEP = "reporting: render missing documents"


def schedule(apps, schema_editor):
    ensure_interval_task(
        apps, name=SWEEP, task="reporting.render_missing_documents", every_seconds=300
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_seed_rules_templates_kinds"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="reportversion",
            name="template_body",
            field=models.TextField(blank=True, verbose_name="document template"),
        ),
        migrations.AddField(
            model_name="reportversion",
            name="template_title",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="document title template"
            ),
        ),
        migrations.AddIndex(
            model_name="reportversion",
            index=models.Index(
                condition=models.Q(("pdf", ""), ("docx", ""), _connector="OR"),
                fields=["approved_at"],
                name="reporting_version_undocumented",
            ),
        ),
        migrations.RunPython(schedule, unschedule),
    ]
