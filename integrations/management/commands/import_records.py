from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import policy
from audit.context import Channel, acting_as, channel
from core.errors import ApplicationError
from integrations.imports import import_workbook


class Command(BaseCommand):
    help = (
        "Import counterparties, cooperation agreements and staff from an Excel workbook "
        "(see integrations/imports.py for the columns). Every bad row is reported with its row "
        "number; if any row is bad nothing is changed. --dry-run checks without writing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check only, change nothing")
        parser.add_argument("--user", help="username recorded as the actor in the audit trail")

    def handle(self, *args, path, dry_run=False, user=None, **options):
        actor = policy.SYSTEM  # a command run for nobody
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {user}")
        with channel(Channel.COMMAND), acting_as(actor):
            try:
                result = import_workbook(path, actor=actor, dry_run=dry_run)
            except ApplicationError as exc:
                raise CommandError(str(exc.message))
        for error in result.errors:
            self.stderr.write(str(error))
        counts = ", ".join(f"{k}: {v}" for k, v in result.created.items()) or "nothing"
        if result.errors:
            raise CommandError(
                f"{len(result.errors)} bad rows; nothing was changed (valid rows: {counts})."
            )
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(f"Dry run: all rows valid ({counts}); nothing changed.")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {counts}."))
