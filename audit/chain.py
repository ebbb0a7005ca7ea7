"""The hash chain that makes tampering with the audit trail visible.

Every entry stores `entry_hash = SHA-256(canonical JSON of its content, including prev_hash)` and
`prev_hash` = the previous entry's `entry_hash`. Ids are assigned contiguously (last id + 1) under
a lock, so a deleted row shows as a missing id, an edited row as a content-hash mismatch, and an
edited-and-rehashed row as a broken link at its successor.

A plain hash chain cannot stop someone with write access from rebuilding the whole chain;
`verify_audit_log` prints the last hash so it can be recorded outside the database (anchoring).
"""

import hashlib
import ipaddress
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections

# Any constant works; it only has to be the same in every process that writes the log.
ADVISORY_LOCK_KEY = 0x4155_4449_5431  # "AUDIT1"

# Columns the hash covers, in the order verify_audit_log reads them.
HASHED_FIELDS = (
    "id",
    "timestamp",
    "actor_id",
    "actor_email",
    "content_type_id",
    "object_pk",
    "object_id",
    "object_repr",
    "action",
    "changes",
    "changes_text",
    "serialized_data",
    "additional_data",
    "cid",
    "remote_addr",
    "remote_port",
    "channel",
    "prev_hash",
)


def lock_chain(using: str) -> None:
    """Serialize chain writers until the surrounding transaction ends.

    On PostgreSQL two transactions could otherwise read the same last hash and fork the chain
    (the contiguous primary key would then make one of them fail). SQLite allows one writer at
    a time anyway, so there is nothing to take.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def _json(value, from_db: bool):
    """The value as it reads back from a JSON column: encoder applied, integral floats as ints
    (PostgreSQL's jsonb prints 1e20 as an integer). Values read from the database already went
    through the encoder, which saves verify_audit_log a round trip per field."""
    if value is None:
        return None
    if not from_db:
        value = json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return _normalize_numbers(value)


def _normalize_numbers(value):
    if isinstance(value, dict):
        return {k: _normalize_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalize_numbers(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _ip(value):
    # The database may print an address differently from how it was given (IPv6 forms).
    return ipaddress.ip_address(value).compressed if value else None


_content_type_keys: dict[int, str] = {}


def content_type_key(content_type_id: int) -> str:
    """'app_label.model' rather than the numeric id, which differs between databases."""
    key = _content_type_keys.get(content_type_id)
    if key is None:
        ct = ContentType.objects.get_for_id(content_type_id)
        key = _content_type_keys[content_type_id] = f"{ct.app_label}.{ct.model}"
    return key


def compute_hash(values: dict, *, from_db: bool = False) -> str:
    """SHA-256 over the canonical JSON of one entry's hashed fields (see HASHED_FIELDS)."""
    payload = {
        "id": values["id"],
        "timestamp": _timestamp(values["timestamp"]),
        "actor": values["actor_id"],
        "actor_email": values["actor_email"] or "",
        "content_type": content_type_key(values["content_type_id"]),
        "object_pk": str(values["object_pk"]),
        "object_id": values["object_id"],
        "object_repr": values["object_repr"],
        "action": int(values["action"]),
        "changes": _json(values["changes"], from_db),
        "changes_text": values["changes_text"] or "",
        "serialized_data": _json(values["serialized_data"], from_db),
        "additional_data": _json(values["additional_data"], from_db),
        "cid": values["cid"] or "",
        "remote_addr": _ip(values["remote_addr"]),
        "remote_port": values["remote_port"],
        "channel": str(values["channel"]),
        "prev_hash": values["prev_hash"] or "",
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def hash_of_instance(entry) -> str:
    return compute_hash({name: getattr(entry, name) for name in HASHED_FIELDS})


@dataclass(frozen=True)
class Break:
    entry_id: int
    timestamp: datetime | None
    reason: str  # "content hash mismatch", "broken link" or "missing id"
    detail: str


@dataclass(frozen=True)
class VerifyResult:
    count: int
    last_id: int | None
    last_hash: str
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify_chain(queryset, *, chunk_size: int = 5000) -> VerifyResult:
    """Walk the entries in id order and stop at the first one that does not fit the chain."""
    rows = queryset.order_by("id").values_list(*HASHED_FIELDS, "entry_hash")
    expected_id = 1
    prev_hash = ""
    count = 0
    last_id = None
    for row in rows.iterator(chunk_size=chunk_size):
        values = dict(zip(HASHED_FIELDS, row, strict=False))
        stored_hash = row[-1]
        entry_id = values["id"]
        if entry_id != expected_id:
            return VerifyResult(
                count,
                last_id,
                prev_hash,
                Break(
                    expected_id,
                    values["timestamp"],
                    "missing id",
                    f"entry #{expected_id} is missing; the next entry present is #{entry_id}",
                ),
            )
        if compute_hash(values, from_db=True) != stored_hash:
            return VerifyResult(
                count,
                last_id,
                prev_hash,
                Break(
                    entry_id,
                    values["timestamp"],
                    "content hash mismatch",
                    "the stored content no longer matches the entry's hash",
                ),
            )
        if (values["prev_hash"] or "") != prev_hash:
            return VerifyResult(
                count,
                last_id,
                prev_hash,
                Break(
                    entry_id,
                    values["timestamp"],
                    "broken link",
                    f"prev_hash does not match the hash of entry #{entry_id - 1}",
                ),
            )
        prev_hash = stored_hash
        last_id = entry_id
        expected_id = entry_id + 1
        count += 1
    return VerifyResult(count, last_id, prev_hash, None)
