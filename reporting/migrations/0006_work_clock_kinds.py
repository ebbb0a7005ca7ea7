from django.db import migrations


def seed(apps, schema_editor):
    from deadlines.seed import ensure_kind

    ensure_kind(
        apps,
        code="reporting.approval.waiting",
        label="报告待审批",
        description="A report waits for a second person's approval: within 1 working day.",
        steps=[
            {"offset": "-4h", "recipients": ["role:compliance_officer"], "channels": ["inapp"]},
            {
                "offset": "0",
                "recipients": ["role:compliance_officer"],
                "channels": ["inapp", "email"],
                "repeat_every": "4h",
            },
        ],
    )
    ensure_kind(
        apps,
        code="reporting.intelligence.triage",
        label="风险情报待分诊",
        description="Risk intelligence waits for triage: within 1 working day.",
        steps=[
            {"offset": "-2h", "recipients": ["role:incident_handler"], "channels": ["inapp"]},
            {
                "offset": "0",
                "recipients": ["role:incident_handler", "role:compliance_officer"],
                "channels": ["inapp", "email"],
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
        ("reporting", "0005_shared_grade_choices"),
        ("deadlines", "0002_sweep_schedule"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
