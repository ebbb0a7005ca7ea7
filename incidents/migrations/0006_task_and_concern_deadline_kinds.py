from django.db import migrations


def seed(apps, schema_editor):
    from deadlines.seed import ensure_kind

    ensure_kind(
        apps,
        code="incident.task.due",
        label="事件任务到期",
        description="A case task with a due time: its assignee is reminded, then their manager.",
        steps=[
            {"offset": "-1h", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {"offset": "0", "recipients": ["owner", "owner_manager"], "channels": ["inapp"]},
            {
                "offset": "+2h",
                "recipients": ["owner_manager", "role:incident_lead"],
                "channels": ["inapp", "email"],
                "repeat_every": "1d",
            },
        ],
    )
    ensure_kind(
        apps,
        code="incident.concern.triage",
        label="员工报告分诊",
        description="A staff concern waits for triage: within 1 working day by default.",
        steps=[
            {
                "offset": "-2h",
                "recipients": ["role:incident_handler"],
                "channels": ["inapp"],
            },
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
        ("incidents", "0005_evidence_upload_validator"),
        ("deadlines", "0002_sweep_schedule"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
