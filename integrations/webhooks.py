"""Outbound webhooks: domain events become outbox rows on each subscribed endpoint.

Receivers run inside the domain's transaction; each publishes in a savepoint and logs instead of
raising, so a webhook problem never fails the incident, report or deadline change itself. The
rows are delivered after the commit by the notifications outbox (at least once, with retries
and backoff, signed, each attempt on record).
"""

import json
import logging
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.models import Channel, Outbox
from notifications.services import make_key, outbox_insert

from .models import Event, WebhookSubscription

logger = logging.getLogger(__name__)

DEFAULT_DISABLE_AFTER = 3


def disable_after() -> int:
    """Consecutive permanently failed deliveries after which a subscription is disabled."""
    return int(getattr(settings, "INTEGRATIONS_WEBHOOK_DISABLE_AFTER", DEFAULT_DISABLE_AFTER))


def _absolute(url: str) -> str:
    base = getattr(settings, "SITE_URL", "") or ""
    return base.rstrip("/") + url if url and base and "://" not in url else url


def publish(event: str, *, key: str, data: dict, text: str, url: str = "") -> list[int]:
    """Queue `event` for every active subscription to it; returns the new outbox ids. The
    (event, key, subscription) triple is delivered at most once however often this is called."""
    subscriptions = [
        s
        for s in WebhookSubscription.objects.filter(active=True).select_related("endpoint")
        if event in s.events
    ]
    if not subscriptions:
        return []
    now = timezone.now()
    from notifications import conf

    requeue_at = now + timedelta(seconds=conf.get("NOTIFICATIONS_REQUEUE_SECONDS"))
    body = json.dumps(
        {"event": event, "key": key, "occurred_at": now.isoformat(), "data": data},
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    rows = [
        Outbox(
            key=make_key("wh", event, key, f"s{s.pk}"),
            channel=Channel.WEBHOOK,
            endpoint=s.endpoint,
            language=settings.LANGUAGE_CODE,
            subject=f"{event}: {text}"[:300],
            body=body,
            url=_absolute(url),
            scheduled_for=now,
            next_attempt_at=requeue_at,
            dedupe_key=f"{event}:{key}"[:200],
        )
        for s in subscriptions
    ]
    return outbox_insert(rows)


def _safely(event, **kwargs):
    try:
        with transaction.atomic():
            publish(event, **kwargs)
    except Exception:  # never fail the domain change because of a webhook
        logger.exception("webhook event %s could not be queued", event)


# --- payloads -------------------------------------------------------------------------------


def incident_data(incident) -> dict:
    return {
        "id": incident.pk,
        "reference": incident.reference,
        "title": incident.title,
        "category": incident.category,
        "source": incident.source,
        "status": incident.status,
        "grade": incident.grade,
        "is_drill": incident.is_drill,
        "discovered_at": incident.discovered_at,
        "url": _absolute(incident.get_absolute_url()),
    }


def _report_data(report) -> dict:
    return {
        "id": report.pk,
        "title": report.title,
        "recipient": report.recipient,
        "stage": report.stage,
        "status": report.status,
        "is_drill": report.is_drill,
        "incident": report.incident.reference if report.incident_id else None,
        "due_at": report.due_at,
    }


def agreements_expiring_publish(*, today=None) -> int:
    """Once per agreement and end date: approved agreements within the expiring window."""
    if not apps.is_installed("governance"):
        return 0
    from governance.models import CooperationAgreement

    count = 0
    for agreement in (
        CooperationAgreement.objects.with_status(today)
        .filter(status_code=CooperationAgreement.Status.EXPIRING)
        .select_related("counterparty", "owner")
    ):
        data = {
            "id": agreement.pk,
            "reference": agreement.reference,
            "title": agreement.title,
            "counterparty": agreement.counterparty.name,
            "starts_on": agreement.starts_on,
            "ends_on": agreement.ends_on,
            "owner": agreement.owner.get_username(),
            "url": _absolute(agreement.get_absolute_url()),
        }
        with transaction.atomic():
            count += len(
                publish(
                    Event.AGREEMENT_EXPIRING,
                    key=f"agreement:{agreement.pk}:ends:{agreement.ends_on.isoformat()}",
                    data=data,
                    text=f"{agreement.reference} {agreement.title} ({agreement.ends_on})",
                    url=agreement.get_absolute_url(),
                )
            )
    return count


def subscription_gate(endpoint) -> bool | None:
    """The outbox asks before each delivery: a subscription's endpoint takes deliveries only
    while the subscription is active, so rows queued before it was disabled are cancelled."""
    found = WebhookSubscription.objects.filter(endpoint_id=endpoint.pk).values_list(
        "active", flat=True
    )
    return next(iter(found), None)
