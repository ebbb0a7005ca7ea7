from django.core.management.base import BaseCommand, CommandError

from governance.services.ledger import ledger_verify


class Command(BaseCommand):
    help = "Walk the sharing ledger's hash chain in id order and name the first broken event."

    def handle(self, *args, **options):
        result = ledger_verify()
        if result["ok"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"OK: {result['events']} ledger events verified; last hash {result['last_hash']}"
                )
            )
            return
        raise CommandError(
            f"BROKEN at ledger event #{result['broken_at']}: its link or its content hash does not "
            f"match; {result['events'] - 1} events before it are intact."
        )
