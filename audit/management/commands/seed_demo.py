from django.core.management.base import BaseCommand
from django.db import transaction

from audit.context import Channel, channel
from core import demo


class Command(BaseCommand):
    help = "Create a demo firm so a newcomer sees a believable year of data. Idempotent."

    def handle(self, *args, **options):
        """Quiet: the demo logins (a block a seeder returns as a list of lines), then one
        summary line of what each seeder made this time (a seeder returns a short str, or
        nothing when its part was already there)."""
        blocks: list[str] = []
        made: list[str] = []
        with channel(Channel.COMMAND):
            for _order, _name, func in demo.seeders():
                with transaction.atomic():
                    out = func()
                if isinstance(out, list | tuple):
                    blocks.extend(out)
                elif out:
                    made.append(str(out))
        if options["verbosity"] < 1:
            return
        if blocks:
            self.stdout.write("\n".join(blocks))
        self.stdout.write(
            "演示数据：" + "；".join(made) + "。" if made else "演示数据已存在，未作改动。"
        )
