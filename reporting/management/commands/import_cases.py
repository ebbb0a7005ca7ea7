"""Import past cases from an Excel workbook (reporting.importer). A dry run unless --commit."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from audit.context import Channel, acting_as, channel
from core.errors import ApplicationError
from reporting.importer import import_cases


class Command(BaseCommand):
    help = "Check (and with --commit, import) closed past cases from an .xlsx workbook."

    def add_arguments(self, parser):
        parser.add_argument("workbook")
        parser.add_argument("--as", dest="username", required=True, help="the importing officer")
        parser.add_argument("--commit", action="store_true", help="write (all rows or none)")

    def handle(self, *args, workbook, username, commit, **options):
        actor = get_user_model().objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"No user {username!r}.")
        path = Path(workbook)
        try:
            with path.open("rb") as fh, channel(Channel.COMMAND), acting_as(actor):
                result = import_cases(actor=actor, workbook=fh, name=path.name, commit=commit)
        except (OSError, ApplicationError) as exc:
            raise CommandError(str(getattr(exc, "message", exc)))
        for error in result.errors:
            self.stderr.write(error)
        if result.errors:
            raise CommandError(f"{len(result.errors)} problem(s); nothing was imported.")
        if result.committed:
            self.stdout.write(
                f"Imported {len(result.references)} cases: {', '.join(result.references)}"
            )
        else:
            self.stdout.write(
                f"Dry run: {len(result.rows)} rows are valid. Run with --commit to import."
            )
