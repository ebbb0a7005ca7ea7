from django.db import migrations


def seed(apps, schema_editor):
    from deadlines.seed import ensure_kind

    ensure_kind(
        apps,
        code="integrations.alert.triage",
        label="监控告警待分诊",
        description="A monitoring alert waits in the triage queue: within 1 working day.",
        steps=[
            {
                "offset": "0",
                "recipients": ["role:incident_handler", "role:compliance_officer"],
                "channels": ["inapp"],
            },
            {
                "offset": "+4h",
                "recipients": ["role:compliance_officer"],
                "channels": ["inapp", "email"],
                "repeat_every": "1d",
            },
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0005_period_export"),
        ("deadlines", "0002_sweep_schedule"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
