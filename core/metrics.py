"""The operator's view: Prometheus metrics at /metrics (issue 21.7; README "Production").

Figures are read from the database at scrape time, so every web process answers the same and a
broker outage does not blind the scrape. Lower apps offer nothing upward: each app registers a
*source* (a function `now -> iterable of metric families`) from its `ready()`, as with the other
registries of core (docs/kit.md). A source that fails is reported as `ir_metrics_source_up 0`, the
others are still served.

Access (`metrics_allowed`): a request whose address is in `METRICS_ALLOWED_NETWORKS` (default
loopback only), or that carries `Authorization: Bearer <METRICS_TOKEN>` when a token is set.
"""

import hmac
import ipaddress
import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.process_collector import ProcessCollector

logger = logging.getLogger(__name__)

Source = Callable[[datetime], Iterable[Metric]]
_SOURCES: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Add (or replace: `ready()` may run twice in tests) the source called `name`."""
    _SOURCES[name] = source


def sources() -> dict[str, Source]:
    return dict(_SOURCES)


def gauge(
    name: str, documentation: str, value: float | None = None, labels=()
) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=list(labels) or None)
    if value is not None:
        family.add_metric([], value)
    return family


def timestamp(at: datetime | None) -> float:
    """Seconds since the epoch, 0 for never (Prometheus' convention for a missing time)."""
    return at.timestamp() if at is not None else 0.0


class DatabaseCollector:
    def collect(self):
        now = timezone.now()
        up = GaugeMetricFamily(
            "ir_metrics_source_up", "1 when the source's figures were read", labels=["source"]
        )
        took = GaugeMetricFamily(
            "ir_metrics_source_seconds", "Seconds reading the source took", labels=["source"]
        )
        for name, source in sorted(_SOURCES.items()):
            started = time.monotonic()
            try:
                families = list(source(now))
            except Exception:  # noqa: BLE001 - one broken source must not hide the others
                logger.exception("metrics source %s failed", name)
                up.add_metric([name], 0)
            else:
                up.add_metric([name], 1)
                yield from families
            took.add_metric([name], round(time.monotonic() - started, 6))
        yield up
        yield took


def render() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector())
    ProcessCollector(registry=registry)
    return generate_latest(registry)


def _networks():
    raw = getattr(settings, "METRICS_ALLOWED_NETWORKS", ["127.0.0.1/32", "::1/128"])
    return [ipaddress.ip_network(item.strip(), strict=False) for item in raw if item.strip()]


def metrics_allowed(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header.removeprefix("Bearer ").strip(), token)
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _networks())
