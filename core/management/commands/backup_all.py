from django.core.management.base import BaseCommand, CommandError

from core import backup
from core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc, or SQLite's backup API) and every uploaded file "
        "into one .tar.gz with a SHA-256 manifest. See docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            required=True,
            help="a directory (a timestamped archive is written in it) or a path ending in .tar.gz",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, out, database, **options):
        try:
            result = backup.backup(out, alias=database)
        except ApplicationError as exc:
            raise CommandError(exc.message)
        manifest = result.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written: {result.archive} ({manifest['engine']}, "
                f"{len(manifest['files'])} files, {manifest['audit']['count']} audit entries, "
                f"last hash {manifest['audit']['last_hash'] or '-'})"
            )
        )
        # The last line is the archive's path, for scripts.
        self.stdout.write(str(result.archive))
