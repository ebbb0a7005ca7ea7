"""An auditor's export of a period as a zip: one file per record type, `manifest.json` (period,
who, when, per file: SHA-256, size, number of records) and `SHA256SUMS` (the same sums in the
format `sha256sum -c` reads). Files are written in chunks, so a long audit log fits.

Period: from the first day 00:00 to the end of the last day, Beijing time. What is in it:
- incidents.json: cases discovered or opened in the period, with grade decisions and timeline;
- reports.json: regulatory reports of those cases or created in the period, each with its
  approved versions (frozen snapshot and its SHA-256) and submissions;
- audit_log.jsonl: every audit-trail entry of the period, one JSON object a line, with hashes;
- sharing_log.json: the sharing-log entries of the period;
- obligations.json: obligation periods overlapping the period, with state and evidence.
"""

import datetime
import hashlib
import json
import zipfile

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

CHUNK = 2000


class _Hashed:
    """Writes to a zip member while counting bytes and hashing them."""

    def __init__(self, stream):
        self.stream = stream
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes):
        self.sha.update(data)
        self.size += len(data)
        self.stream.write(data)


def _dump(value) -> bytes:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True).encode()


def _row(obj, exclude=()) -> dict:
    """Every column of the row (foreign keys as ids, files as their stored names)."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        data[field.attname] = value
    return data


def _json_array(out: _Hashed, items) -> int:
    out.write(b"[\n")
    count = 0
    for item in items:
        out.write((b",\n" if count else b"") + _dump(item))
        count += 1
    out.write(b"\n]\n")
    return count


def _bounds(date_from: datetime.date, date_to: datetime.date):
    start = timezone.make_aware(datetime.datetime.combine(date_from, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min)
    )
    return start, end


def _incidents(start, end):
    from incidents.models import Incident

    qs = Incident.objects.filter(
        Q(discovered_at__gte=start, discovered_at__lt=end)
        | Q(created_at__gte=start, created_at__lt=end)
    ).order_by("id")
    for incident in qs.iterator(chunk_size=CHUNK):
        row = _row(incident)
        row["qualitative_criteria"] = list(
            incident.qualitative_criteria.values_list("code", flat=True)
        )
        row["grade_decisions"] = [_row(d) for d in incident.grade_decisions.order_by("id")]
        row["affected_systems"] = [_row(a) for a in incident.affected_systems.order_by("id")]
        row["timeline"] = [_row(t) for t in incident.timeline.order_by("at", "id")]
        yield row


def _reports(start, end):
    from incidents.models import Incident
    from reporting.models import RegulatoryReport

    cases = Incident.objects.filter(
        Q(discovered_at__gte=start, discovered_at__lt=end)
        | Q(created_at__gte=start, created_at__lt=end)
    ).values("pk")
    qs = RegulatoryReport.objects.filter(
        Q(incident__in=cases) | Q(created_at__gte=start, created_at__lt=end)
    ).order_by("id")
    for report in qs.iterator(chunk_size=CHUNK):
        row = _row(report)
        row["versions"] = [_row(v) for v in report.versions.order_by("number")]
        row["submissions"] = [_row(s) for s in report.submissions.order_by("submitted_at", "id")]
        yield row


def _audit(start, end):
    from audit.models import AuditEntry

    qs = (
        AuditEntry.objects.filter(timestamp__gte=start, timestamp__lt=end)
        .select_related("content_type")
        .order_by("id")
    )
    for e in qs.iterator(chunk_size=CHUNK):
        yield {
            "id": e.id,
            "timestamp": e.timestamp,
            "actor_id": e.actor_id,
            "actor_email": getattr(e, "actor_email", None),
            "channel": e.channel,
            "action": e.action,
            "record_type": f"{e.content_type.app_label}.{e.content_type.model}",
            "object_pk": e.object_pk,
            "object_repr": e.object_repr,
            "changes": e.changes,
            "remote_addr": e.remote_addr,
            "cid": e.cid,
            "prev_hash": e.prev_hash,
            "entry_hash": e.entry_hash,
        }


def _sharing_log(start, end):
    from governance.models import SharingLogEntry

    qs = SharingLogEntry.objects.filter(logged_at__gte=start, logged_at__lt=end).order_by("id")
    for entry in qs.iterator(chunk_size=CHUNK):
        yield _row(entry)


def _obligations(date_from, date_to):
    from governance.models import ObligationPeriod

    qs = (
        ObligationPeriod.objects.filter(starts_on__lte=date_to, ends_on__gte=date_from)
        .select_related("obligation")
        .order_by("obligation__code", "starts_on")
    )
    for period in qs.iterator(chunk_size=CHUNK):
        row = _row(period)
        row["obligation_code"] = period.obligation.code
        row["obligation_title"] = period.obligation.title
        row["manual_evidence"] = [
            _row(e) for e in period.manual_evidence.order_by("attached_at", "id")
        ]
        yield row


def write_export(out, *, date_from, date_to, generated_by: str = "") -> dict:
    """Write the archive to `out` (a path or a binary file object); returns the manifest."""
    start, end = _bounds(date_from, date_to)
    parts = [("incidents.json", lambda: _incidents(start, end), "array")]
    if apps.is_installed("reporting"):
        parts.append(("reports.json", lambda: _reports(start, end), "array"))
    parts.append(("audit_log.jsonl", lambda: _audit(start, end), "lines"))
    if apps.is_installed("governance"):
        parts.append(("sharing_log.json", lambda: _sharing_log(start, end), "array"))
        parts.append(("obligations.json", lambda: _obligations(date_from, date_to), "array"))
    files = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, items, shape in parts:
            with zf.open(name, "w", force_zip64=True) as member:
                hashed = _Hashed(member)
                if shape == "array":
                    count = _json_array(hashed, items())
                else:
                    count = 0
                    for item in items():
                        hashed.write(_dump(item) + b"\n")
                        count += 1
            files[name] = {"sha256": hashed.sha.hexdigest(), "bytes": hashed.size, "records": count}
        manifest = {
            "format": "incident-response period export 1",
            "period": {
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "time_zone": timezone.get_current_timezone_name(),
                "start": start.isoformat(),
                "end_exclusive": end.isoformat(),
            },
            "generated_at": timezone.now().isoformat(),
            "generated_by": generated_by,
            "files": files,
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
        zf.writestr("manifest.json", manifest_bytes)
        sums = "".join(f"{meta['sha256']}  {name}\n" for name, meta in sorted(files.items()))
        sums += f"{hashlib.sha256(manifest_bytes).hexdigest()}  manifest.json\n"
        zf.writestr("SHA256SUMS", sums)
    return manifest


def verify_export(path) -> list[str]:
    """Problems found (empty: every file matches the manifest and SHA256SUMS)."""
    problems = []
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        for required in ("manifest.json", "SHA256SUMS"):
            if required not in names:
                return [f"{required} is missing"]
        manifest_bytes = zf.read("manifest.json")
        manifest = json.loads(manifest_bytes)
        sums = {}
        for line in zf.read("SHA256SUMS").decode().splitlines():
            digest, _sep, name = line.partition("  ")
            sums[name] = digest
        if sums.get("manifest.json") != hashlib.sha256(manifest_bytes).hexdigest():
            problems.append("manifest.json does not match SHA256SUMS")
        listed = set(manifest["files"]) | {"manifest.json", "SHA256SUMS"}
        for extra in sorted(names - listed):
            problems.append(f"{extra} is not in the manifest")
        for name, meta in sorted(manifest["files"].items()):
            if name not in names:
                problems.append(f"{name} is missing")
                continue
            sha = hashlib.sha256()
            with zf.open(name) as member:
                for block in iter(lambda: member.read(1 << 20), b""):
                    sha.update(block)
            if sha.hexdigest() != meta["sha256"]:
                problems.append(f"{name}: SHA-256 does not match the manifest")
            if sums.get(name) != meta["sha256"]:
                problems.append(f"{name}: SHA256SUMS does not match the manifest")
    return problems
