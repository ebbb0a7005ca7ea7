"""Outbound webhooks: domain events become outbox rows on each subscribed endpoint.

Receivers run inside the domain's transaction; each publishes in a savepoint and logs instead of
raising, so a webhook problem never fails the incident, report or deadline change itself. The
rows are delivered after the commit by the notifications outbox (at least once, with retries
and backoff, signed, each attempt on record).
"""

import json
import logging
import uuid
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
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


# --- receivers ------------------------------------------------------------------------------


def on_incident_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    _safely(
        Event.INCIDENT_CREATED,
        key=f"incident:{instance.pk}",
        data=incident_data(instance),
        text=f"{instance.reference} {instance.title}",
        url=instance.get_absolute_url(),
    )


def on_incident_graded(sender, incident, old_grade, new_grade, reason="", **kwargs):
    event = Event.INCIDENT_REGRADED if old_grade else Event.INCIDENT_GRADED
    data = incident_data(incident) | {"old_grade": old_grade, "new_grade": new_grade}
    data["reason"] = reason
    _safely(
        event,
        key=f"incident:{incident.pk}:grade:{uuid.uuid4().hex}",
        data=data,
        text=f"{incident.reference} {old_grade or '—'} → {new_grade}",
        url=incident.get_absolute_url(),
    )


def on_report_version_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    report = instance.report
    data = _report_data(report) | {
        "version": instance.number,
        "sha256": instance.sha256,
        "approved_at": instance.approved_at,
    }
    _safely(
        Event.REPORT_APPROVED,
        key=f"report-version:{instance.pk}",
        data=data,
        text=f"{report.title} v{instance.number}",
    )


def on_report_submission_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    report = instance.report
    data = _report_data(report) | {
        "version": instance.version.number,
        "sha256": instance.version.sha256,
        "channel": instance.channel,
        "submitted_at": instance.submitted_at,
        "on_time": instance.on_time,
        "receipt_number": instance.receipt_number,
    }
    _safely(
        Event.REPORT_SUBMITTED,
        key=f"report-submission:{instance.pk}",
        data=data,
        text=f"{report.title} v{instance.version.number}",
    )


def on_deadline_missed(sender, deadline, **kwargs):
    data = {
        "id": deadline.pk,
        "kind": deadline.kind.code if deadline.kind_id else None,
        "title": deadline.title,
        "due_at": deadline.due_at,
        "missed_at": deadline.missed_at,
        "subject_type": f"{deadline.content_type.app_label}.{deadline.content_type.model}",
        "subject_id": deadline.object_id,
        "url": _absolute(deadline.url),
    }
    _safely(
        Event.DEADLINE_MISSED,
        key=f"deadline:{deadline.pk}:r{deadline.revision}",
        data=data,
        text=deadline.title,
        url=deadline.url,
    )


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


def connect() -> None:
    """Called from IntegrationsConfig.ready(); apps that are not installed are skipped."""
    from notifications.delivery import register_endpoint_gate

    register_endpoint_gate(subscription_gate)
    if apps.is_installed("incidents"):
        from incidents.signals import incident_graded

        post_save.connect(
            on_incident_saved,
            sender=apps.get_model("incidents", "Incident"),
            dispatch_uid="integrations.incident_created",
        )
        incident_graded.connect(on_incident_graded, dispatch_uid="integrations.incident_graded")
    if apps.is_installed("reporting"):
        post_save.connect(
            on_report_version_saved,
            sender=apps.get_model("reporting", "ReportVersion"),
            dispatch_uid="integrations.report_approved",
        )
        post_save.connect(
            on_report_submission_saved,
            sender=apps.get_model("reporting", "ReportSubmission"),
            dispatch_uid="integrations.report_submitted",
        )
    from deadlines.signals import deadline_missed

    deadline_missed.connect(on_deadline_missed, dispatch_uid="integrations.deadline_missed")
