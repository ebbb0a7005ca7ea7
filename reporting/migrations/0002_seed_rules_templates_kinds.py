from django.db import migrations

from reporting.seed import seed_kinds, seed_rules, seed_templates


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
        ("deadlines", "0002_sweep_schedule"),
    ]

    operations = [
        migrations.RunPython(seed_rules, migrations.RunPython.noop),
        migrations.RunPython(seed_templates, migrations.RunPython.noop),
        migrations.RunPython(seed_kinds, migrations.RunPython.noop),
    ]
