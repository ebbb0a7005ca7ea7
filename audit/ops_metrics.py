"""The audit chain's figures for /metrics (core.metrics): when `verify_audit_log` last found the
hash chain intact, and whether its latest run found it broken."""

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone
from prometheus_client.core import Metric

from core.metrics import gauge, timestamp
from core.models import Heartbeat

VERIFIED = "audit-chain-verified"
BROKEN = "audit-chain-broken"


def record_verification(*, ok: bool) -> None:
    """Called by verify_audit_log after each run (a liveness row, not a record of the firm)."""
    Heartbeat.objects.update_or_create(
        name=VERIFIED if ok else BROKEN, defaults={"seen_at": timezone.now()}
    )


def chain(now: datetime) -> Iterable[Metric]:  # noqa: ARG001 - the source signature
    seen = dict(
        Heartbeat.objects.filter(name__in=(VERIFIED, BROKEN)).values_list("name", "seen_at")
    )
    verified, broken = seen.get(VERIFIED), seen.get(BROKEN)
    yield gauge(
        "ir_audit_chain_last_verified_timestamp_seconds",
        "When verify_audit_log last found the audit trail's hash chain intact (0: never)",
        timestamp(verified),
    )
    intact = broken is None or (verified is not None and verified > broken)
    yield gauge(
        "ir_audit_chain_intact",
        "1 unless the latest verify_audit_log run found the chain broken",
        1 if intact else 0,
    )
