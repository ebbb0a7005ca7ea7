import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import policy
from audit.context import Channel, acting_as, channel
from core.errors import ApplicationError
from integrations import services
from integrations.exports import verify_export


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}")


class Command(BaseCommand):
    help = (
        "Export a period (incidents, reports with frozen snapshots and hashes, audit log, "
        "sharing log, obligations) as a zip with a manifest of SHA-256 sums."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--out", required=True, help="path of the zip to write")
        parser.add_argument("--user", help="username recorded as the exporter (an auditor)")

    def handle(self, *args, date_from, date_to, out, user=None, **options):
        actor = policy.SYSTEM
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {user}")
        with channel(Channel.COMMAND), acting_as(actor):
            try:
                record = services.period_export(
                    actor=actor, date_from=_date(date_from), date_to=_date(date_to), out=out
                )
            except ApplicationError as exc:
                raise CommandError(str(exc.message))
        problems = verify_export(out)
        if problems:
            raise CommandError("the archive does not verify: " + "; ".join(problems))
        for name, meta in sorted(record.manifest["files"].items()):
            self.stdout.write(f"{meta['sha256']}  {name}  ({meta['records']} records)")
        self.stdout.write(self.style.SUCCESS(f"{out}: sha256 {record.sha256}, {record.size} bytes"))
