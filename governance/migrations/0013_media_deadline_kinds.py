"""Deadline kinds of the register of sharing media, as data officers can edit in the admin."""

from django.db import migrations

from deadlines.seed import ensure_kind


def seed(apps, schema_editor):
    ensure_kind(
        apps,
        code="governance.medium.check",
        label="共享介质定期安全检查",
        description="The periodic security check of a sharing medium, owned by its custodian.",
        steps=[
            {"offset": "-7d", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {"offset": "0", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {
                "offset": "+3d",
                "recipients": ["owner", "role:compliance_head"],
                "channels": ["inapp", "email"],
                "repeat_every": "7d",
            },
        ],
    )
    ensure_kind(
        apps,
        code="governance.medium.return",
        label="共享介质归还",
        description="A medium lent out under an approved use request falls due for return.",
        steps=[
            {"offset": "-1d", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {"offset": "0", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {
                "offset": "+1d",
                "recipients": ["owner", "owner_manager"],
                "channels": ["inapp", "email"],
                "repeat_every": "1d",
            },
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0012_sharing_media_and_evaluation"),
        ("deadlines", "0003_calendar_year_schedule"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
