"""backup_all → restore_all into an EMPTY PostgreSQL database: every incident, report hash,
audit-chain link and uploaded file comes back, and verify_audit_log passes."""

import hashlib
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("backup/restore round trip is tested on PostgreSQL")


def _conninfo(dbname):
    db = settings.DATABASES["default"]
    return psycopg.conninfo.make_conninfo(
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname=dbname,
    )


def _url(dbname):
    db = settings.DATABASES["default"]
    auth = db.get("USER") or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{dbname}"


@pytest.fixture
def scratch_db():
    """A second, empty database created with createdb (dropped afterwards)."""
    name = f"{settings.DATABASES['default']['NAME']}_restore_{os.getpid()}"
    db = settings.DATABASES["default"]
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    args += ["-U", str(db.get("USER") or "postgres")]
    env = {**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db.get("PASSWORD") else {})}
    subprocess.run(["dropdb", "--if-exists", *args, name], env=env, check=True)
    subprocess.run(["createdb", *args, name], env=env, check=True)
    yield name
    subprocess.run(["dropdb", "--if-exists", "--force", *args, name], env=env, check=False)


def _manage(*args, database_url, media_root):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media_root),
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _seed_report_version():
    """An initial report approved under the four-eyes rule: a frozen snapshot with its SHA-256
    and generated documents in MEDIA_ROOT."""
    from accounts.models import User
    from reporting import content as report_content
    from reporting import services as reporting
    from reporting.models import RegulatoryReport

    handler = User.objects.get(username="handler")
    officer = User.objects.get(username="compliance2")
    report = (
        RegulatoryReport.objects.filter(status=RegulatoryReport.Status.DRAFT).order_by("id").first()
    )
    fields = {k: "备份恢复测试内容" for k in report_content.REQUIRED_FIELDS[report.stage]}
    reporting.report_update(report=report, content=fields, actor=handler)
    reporting.report_request_approval(report=report, actor=handler)
    return reporting.report_approve(report=report, actor=officer, comment="同意")


def test_backup_then_restore_into_an_empty_database(tmp_path, settings, scratch_db):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)

    from accounts.models import User
    from audit.models import AuditEntry
    from incidents import services as incident_services
    from incidents.models import Evidence, Incident
    from reporting.models import ReportVersion

    incident = Incident.objects.order_by("id").first()
    evidence = incident_services.evidence_add(
        file=SimpleUploadedFile("firewall.log", "拦截记录 10.0.0.8 → 203.0.113.9\n".encode()),
        actor=User.objects.get(username="handler"),
        incident=incident,
        description="防火墙日志",
    )
    try:
        version = _seed_report_version()
    except Exception as exc:  # reporting is optional for this test's purpose
        pytest.fail(f"could not approve a report to get a hashed version: {exc}")

    incidents_before = sorted(Incident.objects.values_list("reference", "title", "status"))
    versions_before = sorted(ReportVersion.objects.values_list("id", "sha256"))
    chain_before = list(
        AuditEntry.objects.order_by("id").values_list("id", "prev_hash", "entry_hash")
    )
    files_before = {
        p.relative_to(settings.MEDIA_ROOT).as_posix(): _sha256(p)
        for p in Path(settings.MEDIA_ROOT).rglob("*")
        if p.is_file()
    }
    evidence_path = evidence.file.name
    assert len(incidents_before) >= 10 and versions_before and len(chain_before) > 100
    assert evidence_path in files_before
    # Report documents may be rendered later by a task; when they exist they are files too.
    assert not version.pdf or version.pdf.name in files_before

    # Back up (in this process, from the test database).
    call_command("backup_all", out=str(tmp_path / "backups"), verbosity=0)
    archive = next((tmp_path / "backups").glob("backup-*.tar.gz"))
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "database.dump", f"media/{evidence_path}"} <= names

    # Restore into the empty scratch database and an empty media folder (a new process, as an
    # operator would run it).
    restored_media = tmp_path / "restored-media"
    url = _url(scratch_db)
    result = _manage(
        "restore_all", str(archive), "--noinput", database_url=url, media_root=restored_media
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "append-only trigger present" in result.stdout

    verify = _manage("verify_audit_log", database_url=url, media_root=restored_media)
    assert verify.returncode == 0, verify.stderr + verify.stdout
    assert verify.stdout.startswith(f"OK: {len(chain_before)} entries verified")

    with psycopg.connect(_conninfo(scratch_db)) as conn:
        incidents_after = sorted(
            conn.execute("SELECT reference, title, status FROM incidents_incident").fetchall()
        )
        versions_after = sorted(
            conn.execute("SELECT id, sha256 FROM reporting_reportversion").fetchall()
        )
        chain_after = conn.execute(
            "SELECT id, prev_hash, entry_hash FROM audit_auditentry ORDER BY id"
        ).fetchall()
        evidence_after = conn.execute(
            "SELECT file, sha256 FROM incidents_evidence WHERE id = %s", [evidence.pk]
        ).fetchone()
        # The append-only trigger came back and still refuses changes.
        with pytest.raises(psycopg.errors.RaiseException):
            conn.execute("UPDATE audit_auditentry SET object_repr = 'x' WHERE id = 1")
        conn.rollback()
        with pytest.raises(psycopg.errors.RaiseException):
            conn.execute("DELETE FROM audit_auditentry WHERE id = 1")

    assert incidents_after == incidents_before
    assert versions_after == versions_before
    assert chain_after == chain_before
    assert all(chain_after[i][1] == chain_after[i - 1][2] for i in range(1, len(chain_after)))

    files_after = {
        p.relative_to(restored_media).as_posix(): _sha256(p)
        for p in restored_media.rglob("*")
        if p.is_file()
    }
    assert files_after == files_before
    assert evidence_after == (evidence_path, Evidence.objects.get(pk=evidence.pk).sha256)
    assert files_after[evidence_path] == evidence_after[1]


def test_a_damaged_archive_is_refused_before_anything_is_touched(tmp_path, settings, scratch_db):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.txt").write_text("原件")
    call_command("backup_all", out=str(tmp_path / "b.tar.gz"), verbosity=0)

    # Re-pack with one media file changed but the manifest kept.
    unpacked = tmp_path / "unpacked"
    with tarfile.open(tmp_path / "b.tar.gz") as tar:
        tar.extractall(unpacked, filter="data")
    (unpacked / "media" / "a.txt").write_text("篡改")
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(damaged, "w:gz") as tar:
        for path in unpacked.rglob("*"):
            if path.is_file():
                tar.add(path, arcname=path.relative_to(unpacked).as_posix())

    target_media = tmp_path / "target-media"
    target_media.mkdir()
    (target_media / "keep.txt").write_text("still here")
    result = _manage(
        "restore_all",
        str(damaged),
        "--noinput",
        database_url=_url(scratch_db),
        media_root=target_media,
    )
    assert result.returncode != 0
    assert "SHA-256 mismatch for media/a.txt" in result.stderr
    assert (target_media / "keep.txt").exists()
    with psycopg.connect(_conninfo(scratch_db)) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()[0]
    assert tables == 0
