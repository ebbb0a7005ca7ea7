from django.db import migrations


def seed(apps, schema_editor):
    from deadlines.seed import ensure_kind

    ensure_kind(
        apps,
        code="governance.agreement.approval",
        label="协议待审批",
        description="A submitted agreement waits for a second officer: within 1 working day.",
        steps=[
            {"offset": "-4h", "recipients": ["role:compliance_officer"], "channels": ["inapp"]},
            {
                "offset": "0",
                "recipients": ["role:compliance_officer"],
                "channels": ["inapp", "email"],
                "repeat_every": "1d",
            },
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0006_upload_validators"),
        ("deadlines", "0002_sweep_schedule"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
