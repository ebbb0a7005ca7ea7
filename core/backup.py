"""Backup and restore of everything the product stores: the database and the uploaded files.

An archive is a .tar.gz holding

    manifest.json      format, engine, time, per-file SHA-256 and size, audit-chain summary
    database.dump      PostgreSQL: `pg_dump -Fc` (schema, data, sequences, triggers, functions)
    database.sqlite3   SQLite: a consistent copy made with SQLite's online backup API
    media/...          every file under MEDIA_ROOT

`restore` checks every SHA-256 in the manifest before it touches anything, restores the database
(`pg_restore --clean --if-exists --no-owner --single-transaction`, or the SQLite file), replaces
MEDIA_ROOT, then checks the restored files again and walks the audit hash chain. The audit
table's append-only trigger is part of the PostgreSQL dump and comes back with it.
See docs/backup.md.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

from core.errors import ApplicationError

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_DIR = "media"
AUDIT_TRIGGER = "audit_auditentry_append_only"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _engine(alias="default") -> str:
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise ApplicationError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def _pg_args_env(alias="default") -> tuple[list[str], dict]:
    db = settings.DATABASES[alias]
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict) -> None:
    # pg_dump/pg_restore/psql with arguments built from settings, never from a request.
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise ApplicationError(f"{cmd[0]} failed ({result.returncode}): {result.stderr.strip()}")


# The audit app registers how its chain is summarised (count, last id and hash) from its
# AppConfig.ready(): core imports nothing of the project above it.
_audit_summary_reader = None


def register_audit_summary(reader) -> None:
    """reader(alias) -> dict, stored in the manifest and compared after a restore."""
    global _audit_summary_reader
    _audit_summary_reader = reader


def _audit_summary(alias="default") -> dict:
    return _audit_summary_reader(alias) if _audit_summary_reader else {}


def _walk_files(root: Path):
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


@dataclass
class BackupResult:
    archive: Path
    manifest: dict


def backup(out: str | Path, *, alias="default") -> BackupResult:
    """Write a backup archive. `out` is a .tar.gz path or a directory (a timestamped name is
    chosen in it)."""
    out = Path(out)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    if out.name.endswith((".tar.gz", ".tgz")):
        archive = out
    else:
        out.mkdir(parents=True, exist_ok=True)
        archive = out / f"backup-{stamp}.tar.gz"
    archive.parent.mkdir(parents=True, exist_ok=True)
    engine = _engine(alias)
    media_root = Path(settings.MEDIA_ROOT)

    with tempfile.TemporaryDirectory(prefix="backup-") as tmp:
        staging = Path(tmp)
        if engine == "postgresql":
            db_file = staging / PG_DUMP
            args, env = _pg_args_env(alias)
            name = settings.DATABASES[alias]["NAME"]
            _run(["pg_dump", "-Fc", "--no-owner", "-f", str(db_file), *args, "-d", name], env)
        else:
            db_file = staging / SQLITE_COPY
            connection = connections[alias]
            connection.ensure_connection()
            target = sqlite3.connect(db_file)
            try:
                connection.connection.backup(target)
            finally:
                target.close()

        files = {db_file.name: {"sha256": sha256_of(db_file), "size": db_file.stat().st_size}}
        for path in _walk_files(media_root):
            rel = f"{MEDIA_DIR}/{path.relative_to(media_root).as_posix()}"
            files[rel] = {"sha256": sha256_of(path), "size": path.stat().st_size}

        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": engine,
            "database": db_file.name,
            "audit": _audit_summary(alias),
            "files": files,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))

        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(staging / MANIFEST, arcname=MANIFEST)
            tar.add(db_file, arcname=db_file.name)
            for path in _walk_files(media_root):
                tar.add(path, arcname=f"{MEDIA_DIR}/{path.relative_to(media_root).as_posix()}")
        partial.replace(archive)
    return BackupResult(archive=archive, manifest=manifest)


def _extract(archive: Path, into: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise ApplicationError(f"Cannot read the archive {archive}: {exc}")
    manifest_path = into / MANIFEST
    if not manifest_path.exists():
        raise ApplicationError("The archive has no manifest.json: not a backup made by backup_all.")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise ApplicationError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def verify_files(root: Path, manifest: dict) -> None:
    """Every file in the manifest exists with its SHA-256, and nothing else was added."""
    expected = manifest["files"]
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} - {MANIFEST}
    missing = sorted(set(expected) - present)
    extra = sorted(present - set(expected))
    if missing or extra:
        raise ApplicationError(
            f"Archive does not match its manifest: missing {missing}, extra {extra}"
        )
    for rel, meta in expected.items():
        if sha256_of(root / rel) != meta["sha256"]:
            raise ApplicationError(f"SHA-256 mismatch for {rel}: the archive is damaged.")


@dataclass
class RestoreResult:
    manifest: dict
    files: int
    audit: dict
    trigger: bool | None


def restore(archive: str | Path, *, alias="default") -> RestoreResult:
    archive = Path(archive)
    engine = _engine(alias)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="restore-") as tmp:
        staging = Path(tmp)
        manifest = _extract(archive, staging)
        verify_files(staging, manifest)
        if manifest["engine"] != engine:
            raise ApplicationError(
                f"The archive holds a {manifest['engine']} database; this site uses {engine}."
            )

        connections[alias].close()
        db_file = staging / manifest["database"]
        if engine == "postgresql":
            args, env = _pg_args_env(alias)
            name = settings.DATABASES[alias]["NAME"]
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--exit-on-error",
                    *args,
                    "-d",
                    name,
                    str(db_file),
                ],
                env,
            )
        else:
            source = sqlite3.connect(db_file)
            target = sqlite3.connect(settings.DATABASES[alias]["NAME"])
            try:
                source.backup(target)
            finally:
                source.close()
                target.close()

        # Uploaded files: MEDIA_ROOT becomes exactly the archive's media/.
        media_root.mkdir(parents=True, exist_ok=True)
        for child in media_root.iterdir():
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        source_media = staging / MEDIA_DIR
        count = 0
        if source_media.exists():
            for path in _walk_files(source_media):
                target_path = media_root / path.relative_to(source_media)
                target_path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target_path)
                count += 1

    # Check what landed: file hashes in MEDIA_ROOT, the audit chain, the trigger.
    for rel, meta in manifest["files"].items():
        if rel.startswith(MEDIA_DIR + "/"):
            path = media_root / rel[len(MEDIA_DIR) + 1 :]
            if not path.exists() or sha256_of(path) != meta["sha256"]:
                raise ApplicationError(f"Restored file {path} does not match the manifest.")
    audit = _audit_summary(alias)
    if audit != manifest["audit"]:
        raise ApplicationError(
            f"Audit trail after restore {audit} differs from the backup's {manifest['audit']}."
        )
    trigger = None
    if engine == "postgresql":
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s", [AUDIT_TRIGGER])
            trigger = cursor.fetchone() is not None
        if not trigger:
            raise ApplicationError(
                "The audit table's append-only trigger is missing after restore."
            )
    return RestoreResult(manifest=manifest, files=count, audit=audit, trigger=trigger)
