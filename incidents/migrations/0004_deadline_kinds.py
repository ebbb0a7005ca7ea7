from django.db import migrations


def seed(apps, schema_editor):
    from deadlines.seed import ensure_kind

    ensure_kind(
        apps,
        code="incident.handling.target",
        label="事件处置目标时限",
        description="Resolve within the response plan's target hours of discovery (by grade).",
        steps=[
            {"offset": "-2h", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {"offset": "0", "recipients": ["owner", "owner_manager"], "channels": ["inapp", "email"]},
            {
                "offset": "+1h",
                "recipients": ["owner_manager", "role:incident_lead"],
                "channels": ["inapp", "email"],
                "repeat_every": "1d",
            },
        ],
    )
    ensure_kind(
        apps,
        code="incident.partner.followup",
        label="合作方事件跟进",
        description="Partner incident: investigate and follow up with the partner at once.",
        steps=[
            {"offset": "-2h", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {"offset": "0", "recipients": ["owner", "owner_manager"], "channels": ["inapp", "email"]},
        ],
    )
    ensure_kind(
        apps,
        code="incident.rectification",
        label="整改期限",
        description="A rectification item is due.",
        steps=[
            {"offset": "-3d", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {"offset": "0", "recipients": ["owner", "owner_manager"], "channels": ["inapp", "email"]},
            {"offset": "+1d", "recipients": ["owner_manager"], "channels": ["inapp", "email"],
             "repeat_every": "7d"},
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0003_counterparty_agreement"),
        ("deadlines", "0002_sweep_schedule"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
