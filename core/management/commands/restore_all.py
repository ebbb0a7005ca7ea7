from django.core.management.base import BaseCommand, CommandError

from core import backup
from core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Restore an archive made by backup_all: checks every SHA-256, replaces the database "
        "and MEDIA_ROOT, then checks the files and the audit chain again. See docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    def handle(self, *args, archive, database, interactive, **options):
        if interactive:
            answer = input(
                "This REPLACES the database and every uploaded file with the archive's. "
                "Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            result = backup.restore(archive, alias=database)
        except ApplicationError as exc:
            raise CommandError(exc.message)
        trigger = {True: "present", False: "MISSING", None: "n/a (SQLite)"}[result.trigger]
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {archive}: database ({result.manifest['engine']}), {result.files} "
                f"uploaded files (SHA-256 verified), {result.audit['count']} audit entries "
                f"(last hash {result.audit['last_hash'] or '-'}), append-only trigger {trigger}. "
                "Run `manage.py verify_audit_log` to walk the whole chain."
            )
        )
