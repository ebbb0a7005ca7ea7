"""How integrations follow the domain: each receiver turns a domain event into webhook outbox
rows (integrations.webhooks.publish). Connected from IntegrationsConfig.ready() by connect();
apps that are not installed are skipped."""

import uuid

from django.apps import apps
from django.db.models.signals import post_save

from .models import Event
from .webhooks import _absolute, _report_data, _safely, incident_data


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


def connect() -> None:
    """Called from IntegrationsConfig.ready(); apps that are not installed are skipped."""
    from notifications.delivery import register_endpoint_gate

    from .webhooks import subscription_gate

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
