"""Webhook failures used to store the first 200 characters of a 4xx response body in
`last_error` (readable through the deliveries API). Keep only the classified reason and the
status code, as core.net now records them."""

import re

from django.db import migrations

OLD = re.compile(r"^HTTP (4\d\d): ")


def scrub(apps, schema_editor):
    Outbox = apps.get_model("notifications", "Outbox")
    rows = Outbox.objects.filter(channel="webhook", last_error__startswith="HTTP 4")
    for pk, error in rows.values_list("pk", "last_error").iterator():
        match = OLD.match(error)
        if match:
            Outbox.objects.filter(pk=pk).update(last_error=f"4xx: HTTP {match.group(1)}")


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
