"""How reporting follows the incident and the deadline engine (incidents never import us)."""

from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from accounts.policy import SYSTEM
from deadlines.signals import deadline_missed
from incidents.closing import Blocker, register_close_blocker
from incidents.signals import (
    incident_graded,
    incident_reassigned,
    incident_reporting_facts_changed,
    incident_resolved,
)

from . import services
from .models import RegulatoryReport, Stage


@receiver(incident_graded, dispatch_uid="reporting.incident_graded")
def on_incident_graded(sender, incident, old_grade, new_grade, actor=None, reason="", **kwargs):
    if old_grade and new_grade and old_grade != new_grade:
        why = _("Regraded %(old)s → %(new)s") % {"old": old_grade, "new": new_grade}
        if reason:
            why = f"{why}: {reason}"
    else:
        why = reason or ""
    # The grader acts; a case graded by the system is synced by the system.
    services.obligations_sync(
        incident=incident, actor=SYSTEM if actor is None else actor, reason=str(why)
    )


@receiver(incident_resolved, dispatch_uid="reporting.incident_resolved")
def on_incident_resolved(sender, incident, actor=None, **kwargs):
    services.incident_resolved(incident=incident, actor=SYSTEM if actor is None else actor)


@receiver(incident_reassigned, dispatch_uid="reporting.incident_reassigned")
def on_incident_reassigned(sender, incident, **kwargs):
    """The case's reports, whose deadlines follow its handler (a notice's handler keeps the
    feedback reports he owns)."""
    return list(RegulatoryReport.objects.filter(incident=incident, notice__isnull=True))


@receiver(incident_reporting_facts_changed, dispatch_uid="reporting.incident_facts_changed")
def on_incident_facts_changed(sender, incident, actor=None, reason="", **kwargs):
    services.incident_facts_changed(
        incident=incident, actor=SYSTEM if actor is None else actor, reason=reason
    )


def on_drill_saved(sender, instance, **kwargs):
    """Order 218 Art. 38: a completed drill owes its report to the CSRC."""
    if instance.status == "completed" and instance.completed_at is not None:
        services.drill_report_open(drill=instance, actor=SYSTEM)  # the drill's completion


def connect_drills():
    from django.db.models.signals import post_save

    from training.models import Drill

    post_save.connect(on_drill_saved, sender=Drill, dispatch_uid="reporting.drill_saved")


def retime_on_calendar(deadline, *, reason, actor=None):
    """deadlines' calendar re-timing asks each app for the deadlines it computed."""
    if _report_for(deadline) is None:
        return None
    return services.report_retime_on_calendar(
        deadline=deadline, reason=reason, actor=SYSTEM if actor is None else actor
    )


def _report_for(deadline):
    from django.contrib.contenttypes.models import ContentType

    if deadline.content_type_id != ContentType.objects.get_for_model(RegulatoryReport).pk:
        return None
    return RegulatoryReport.objects.filter(pk=deadline.object_id).first()


@receiver(deadline_missed, dispatch_uid="reporting.deadline_missed")
def on_deadline_missed(sender, deadline, **kwargs):
    report = _report_for(deadline)
    if report is not None and report.stage == Stage.FOLLOW_UP and not report.is_drill:
        services.follow_up_next(report=report, actor=SYSTEM)  # beat: the deadline passed


def reports_due(incident) -> list[str]:
    """Closing blocker: a case does not close while a report to a regulator is still owed."""
    from django.urls import reverse

    reasons = []
    for report in RegulatoryReport.objects.filter(incident=incident).exclude(stage=Stage.FEEDBACK):
        if report.status in services._pending_states(report):
            text = _("Report still owed: %(title)s (%(status)s).") % {
                "title": report.title,
                "status": report.get_status_display(),
            }
            reasons.append(Blocker(str(text), reverse("reporting:report-detail", args=[report.pk])))
    return reasons


register_close_blocker(reports_due)
