from django.db import migrations


def seed(apps, schema_editor):
    from deadlines.seed import ensure_kind

    ensure_kind(
        apps,
        code="incident.plan.review",
        label="应急预案复审",
        description=(
            "An emergency plan is reviewed at least yearly (O7), and sooner after a drill or a "
            "major incident that found gaps: its responsible leader is reminded."
        ),
        steps=[
            {"offset": "-14d", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {
                "offset": "0",
                "recipients": ["owner", "role:compliance_head"],
                "channels": ["inapp", "email"],
            },
            {
                "offset": "+7d",
                "recipients": ["role:compliance_head"],
                "channels": ["inapp", "email"],
                "repeat_every": "7d",
            },
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0011_emergency_plans_confidential_concerns"),
        ("deadlines", "0003_calendar_year_schedule"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
