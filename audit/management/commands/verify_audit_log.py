from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.chain import verify_chain
from audit.models import AuditEntry
from audit.ops_metrics import record_verification


class Command(BaseCommand):
    help = "Walk the audit trail's hash chain in id order and name the first broken entry."

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=5000)

    def handle(self, *args, chunk_size, **options):
        result = verify_chain(AuditEntry.objects.all(), chunk_size=chunk_size)
        broken = result.broken
        record_verification(ok=broken is None)  # /metrics: ir_audit_chain_*
        if broken is None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"OK: {result.count} entries verified; last entry #{result.last_id or 0}, "
                    f"hash {result.last_hash or '-'}"
                )
            )
            return
        at = timezone.localtime(broken.timestamp).isoformat() if broken.timestamp else "?"
        raise CommandError(
            f"BROKEN at entry #{broken.entry_id} ({at}): {broken.reason}: {broken.detail}. "
            f"{result.count} entries before it are intact."
        )
