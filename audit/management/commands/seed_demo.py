from django.core.management.base import BaseCommand
from django.db import transaction

from audit.context import Channel, channel
from core import demo


class Command(BaseCommand):
    help = "Create (or refresh) a demo firm so a newcomer sees real-looking data. Idempotent."

    def handle(self, *args, **options):
        lines = []
        with channel(Channel.COMMAND):
            for _order, name, func in demo.seeders():
                with transaction.atomic():
                    out = func()
                self.stdout.write(f"seeded: {name}")
                if out:
                    lines.extend(out)
        if lines:
            self.stdout.write("\n".join(lines))
