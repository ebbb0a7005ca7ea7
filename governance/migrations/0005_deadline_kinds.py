"""Deadline kinds of the governance app, as data officers can edit in the admin."""

from django.db import migrations

from deadlines.seed import ensure_kind


def seed(apps, schema_editor):
    ensure_kind(
        apps,
        code="governance.agreement.expiry",
        label="合作协议到期",
        description="Renewal notices to the agreement's owner; at expiry the compliance head.",
        steps=[
            {"offset": "-60d", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {"offset": "-30d", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {"offset": "-7d", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {
                "offset": "0",
                "recipients": ["owner", "role:compliance_head"],
                "channels": ["inapp", "email"],
            },
        ],
    )
    ensure_kind(
        apps,
        code="governance.meeting.action",
        label="会议待办事项到期",
        description="Action items decided in a governance meeting.",
        steps=[
            {"offset": "-2d", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {"offset": "0", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {
                "offset": "+1d",
                "recipients": ["owner", "owner_manager"],
                "channels": ["inapp", "email"],
                "repeat_every": "7d",
            },
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0004_seed_obligations_and_schedules"),
        ("deadlines", "0002_sweep_schedule"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
