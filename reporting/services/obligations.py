"""Writes of the reporting app. Keyword-only arguments, one transaction each, full validation; (obligations)."""

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import policy
from core.errors import ApplicationError
from deadlines import services as deadline_services
from deadlines.models import Deadline

from .. import content as report_content
from .. import rules
from ..models import (
    AppliesWhen,
    RegulatoryReport,
    ReportingRule,
    Stage,
)
from .common import DEADLINE_KINDS, _pending_states, _report_title, _report_url


def _create_report(*, incident, rule, sequence, due, actor, opened_at=None) -> RegulatoryReport:
    previous = (
        RegulatoryReport.objects.filter(incident=incident, stage=rule.stage)
        .exclude(status=RegulatoryReport.Status.CANCELLED)
        .order_by("-sequence", "-id")
        .first()
    )
    report = RegulatoryReport.objects.create(
        incident=incident,
        rule=rule,
        recipient=rule.recipient,
        stage=rule.stage,
        sequence=sequence,
        opened_at=opened_at,
        is_drill=incident.is_drill,
        due_at=due.at,
        calendar_confirmed=due.confirmed,
        title=_report_title(
            stage=rule.stage,
            recipient=rule.recipient,
            sequence=sequence,
            reference=incident.reference,
            is_drill=incident.is_drill,
        ),
        content=report_content.prefill(
            stage=rule.stage, incident=incident, previous=previous.content if previous else None
        ),
        template=template_for(stage=rule.stage, recipient=rule.recipient),
    )
    if due.at is not None:
        _attach_deadline(report, due, actor)
    return report


def _attach_deadline(report, due, actor):
    # The owner is the incident's assignee (or the notice's handler); with nobody assigned,
    # the firm's incident lead (contact role) owns it. Escalation steps are in the kind's policy.
    if report.notice_id:
        owner = report.notice.handler
    elif report.drill_id:
        owner = report.drill.coordinator
    else:
        owner = report.incident.assignee if report.incident_id else None
    report.deadline = deadline_services.deadline_create(
        subject=report,
        kind=DEADLINE_KINDS[report.stage],
        due_at=due.at,
        owner=owner,
        owner_role="" if owner else "incident_lead",
        title=report.title,
        calendar_confirmed=due.confirmed,
        url=_report_url(report),
        actor=actor,
    )
    report.due_at = due.at
    report.calendar_confirmed = due.confirmed
    report.save(update_fields=["deadline", "due_at", "calendar_confirmed", "updated_at"])


def _retime(report, rule, due, *, reason, actor):
    """Bring an open report's deadline in line with `due` (computed from `rule`)."""
    report.rule = rule
    deadline = report.deadline
    if due.at is None:
        if deadline is not None and deadline.is_active:
            deadline_services.deadline_cancel(deadline=deadline, reason=reason, actor=actor)
        report.deadline = None
        report.due_at = None
    elif deadline is None or deadline.state in (Deadline.State.CANCELLED, Deadline.State.WAIVED):
        _attach_deadline(report, due, actor)
    elif deadline.is_active and deadline.due_at != due.at:
        deadline_services.deadline_move(
            deadline=deadline,
            due_at=due.at,
            reason=reason,
            actor=actor,
            calendar_confirmed=due.confirmed,
        )
        report.due_at = due.at
        report.calendar_confirmed = due.confirmed
    report.save()


def _cancel(report, *, reason, actor):
    report.status = RegulatoryReport.Status.CANCELLED
    report.cancelled_reason = str(reason)
    report.cancelled_at = timezone.now()
    report.save(update_fields=["status", "cancelled_reason", "cancelled_at", "updated_at"])
    if report.deadline is not None and report.deadline.is_active:
        deadline_services.deadline_cancel(deadline=report.deadline, reason=reason, actor=actor)


def obligations_sync(*, incident, actor, reason: str | Promise = "") -> list[RegulatoryReport]:
    """Make the incident's report obligations match the rules for its current grade, CII flag
    and times: create what is owed, re-time what moved, cancel what no longer applies (with the
    reason). Submitted reports are history and never touched. Returns the open reports."""
    policy.require(actor, "reporting.obligations.sync", incident)
    from incidents.models import Incident

    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        grade_label = report_content.grade_label(incident.grade) or "—"
        case = rules.case_facts(incident)
        wanted = {
            r.code: r
            for r in rules.applicable_rules(
                grade=incident.grade,
                is_cii=rules.incident_is_cii(incident),
                discovered_at=incident.discovered_at,
                case=case,
            )
        }
        reports = list(
            RegulatoryReport.objects.filter(incident=incident)
            .exclude(stage=Stage.FEEDBACK)
            .select_related("rule", "deadline")
            .order_by("sequence", "id")
        )
        cancel_reason = reason or _("No reporting rule applies at grade %(grade)s.") % {
            "grade": grade_label
        }
        move_reason = reason or _("Re-timed for grade %(grade)s.") % {"grade": grade_label}
        for report in reports:
            if report.status not in _pending_states(report):
                continue
            current = report.rule
            if current is not None and current.applies_when == AppliesWhen.OPENED:
                continue  # opened by the reporter, timed from then (see supplementary_open)
            code = current.code if current is not None else None
            if code not in wanted:
                _cancel(report, reason=cancel_reason, actor=actor)
                continue
            rule = wanted[code]
            if rule.repeat_every_hours and report.sequence > 1:
                report.rule = rule  # later follow-ups keep their cadence
                report.save(update_fields=["rule", "updated_at"])
                continue
            _retime(
                report,
                rule,
                rules.due_for_incident(rule, incident),
                reason=move_reason,
                actor=actor,
            )
            if report.status == RegulatoryReport.Status.DRAFT and report.content.get("grade"):
                report.content["grade"] = report_content.grade_label(incident.grade)
                report.save(update_fields=["content", "updated_at"])
        for code, rule in wanted.items():
            mine = [r for r in reports if r.rule is not None and r.rule.code == code]
            if any(r.status in _pending_states(r) for r in mine):
                continue
            if rule.repeat_every_hours:
                if case.restored_at is not None:
                    continue
                sequence = max((r.sequence for r in mine), default=0) + 1
                due = rules.due_for_incident(rule, incident)
                if due.at is not None and due.at <= timezone.now():
                    due = rules.Due(
                        rules.next_repeat(rule, previous_due=due.at, now=timezone.now())
                    )
                _create_report(
                    incident=incident, rule=rule, sequence=sequence, due=due, actor=actor
                )
            elif not any(r.status != RegulatoryReport.Status.CANCELLED for r in mine):
                due = rules.due_for_incident(rule, incident)
                _create_report(incident=incident, rule=rule, sequence=1, due=due, actor=actor)
        return list(
            RegulatoryReport.objects.filter(incident=incident, status__in=_pending_states(False))
        )


def _stop_follow_ups(incident, actor):
    """Service restored: follow-ups that were not yet due stop (one due at or before the
    restoration was owed while service was down and stays owed)."""
    restored = rules.service_restored_at(incident)
    if restored is None:
        return
    pending = RegulatoryReport.objects.filter(
        incident=incident,
        stage=Stage.FOLLOW_UP,
        status__in=_pending_states(incident.is_drill),
        due_at__gt=restored,
    ).select_related("deadline")
    for report in pending:
        _cancel(report, reason=_("Service restored: no further follow-up is due."), actor=actor)


def incident_resolved(*, incident, actor) -> None:
    """Service restored: follow-ups not yet due stop; final summaries get their deadline."""
    policy.require(actor, "reporting.obligations.sync", incident)
    with transaction.atomic():
        _stop_follow_ups(incident, actor)
        obligations_sync(incident=incident, actor=actor, reason=_("Incident resolved."))


def incident_facts_changed(*, incident, actor, reason: str = "") -> None:
    """Service restored, suspected crime flagged, cause unknown or established: re-sync."""
    policy.require(actor, "reporting.obligations.sync", incident)
    with transaction.atomic():
        _stop_follow_ups(incident, actor)
        obligations_sync(incident=incident, actor=actor, reason=reason)


def supplementary_open(*, report: RegulatoryReport, actor) -> RegulatoryReport:
    """CAC 2025 Art. 7: an initial report that carried only the unit/system and the discovery
    time (items 1–2) is followed by a supplementary report (补报), opened by the reporter and
    due as soon as known — within the time the firm's rule sets, counted from the opening."""
    policy.require(actor, "reporting.report.change", report)
    with transaction.atomic():
        initial = RegulatoryReport.objects.select_related("incident").get(pk=report.pk)
        incident = initial.incident
        if initial.stage != Stage.INITIAL or incident is None:
            raise ApplicationError(_("A supplementary report follows an initial report."))
        snapshot = initial.current_snapshot
        if snapshot is None:
            raise ApplicationError(_("Approve the initial report first."))
        content = snapshot.snapshot.get("content", {})
        later_items = [
            k
            for k in report_content.STAGE_FIELDS[Stage.INITIAL]
            if k not in report_content.REQUIRED_FIELDS[Stage.INITIAL] and k not in ("contact",)
        ]
        if all(str(content.get(k) or "").strip() for k in later_items):
            raise ApplicationError(
                _("The initial report already carries every item: nothing to supplement.")
            )
        candidates = [
            r
            for r in ReportingRule.objects.active().filter(
                stage=Stage.SUPPLEMENTARY, recipient=initial.recipient
            )
            if not r.source_repealed
        ]
        if not candidates:
            raise ApplicationError(
                _("No active rule sets when a supplementary report to this recipient is due.")
            )
        rule = candidates[0]
        existing = RegulatoryReport.objects.filter(
            incident=incident, stage=Stage.SUPPLEMENTARY, recipient=initial.recipient
        ).exclude(status=RegulatoryReport.Status.CANCELLED)
        if existing.filter(status__in=_pending_states(initial)).exists():
            raise ApplicationError(_("A supplementary report to this recipient is already open."))
        opened_at = timezone.now()
        return _create_report(
            incident=incident,
            rule=rule,
            sequence=existing.count() + 1,
            due=rules.due_for_incident(rule, incident, opened_at=opened_at),
            actor=actor,
            opened_at=opened_at,
        )


def drill_report_open(*, drill, actor) -> RegulatoryReport | None:
    """Order 218 Art. 38: a drill's report to the CSRC, due within the rule's working days after
    the drill. Called when a drill completes; once per drill and rule."""
    policy.require(actor, "reporting.obligations.sync")
    with transaction.atomic():
        created = None
        for rule in ReportingRule.objects.active().filter(applies_when=AppliesWhen.DRILL):
            if rule.source_repealed or drill.completed_at is None:
                continue
            if RegulatoryReport.objects.filter(drill=drill, rule__code=rule.code).exists():
                continue
            due = rules.compute_due(rule, drill_completed_at=drill.completed_at)
            created = RegulatoryReport.objects.create(
                drill=drill,
                rule=rule,
                recipient=rule.recipient,
                stage=rule.stage,
                due_at=due.at,
                calendar_confirmed=due.confirmed,
                title=_report_title(
                    stage=rule.stage,
                    recipient=rule.recipient,
                    sequence=1,
                    reference=drill.title,
                    is_drill=False,
                ),
                content=report_content.prefill(stage=rule.stage, drill=drill),
                template=template_for(stage=rule.stage, recipient=rule.recipient),
            )
            _attach_deadline(created, due, actor)
        return created


def report_retime_on_calendar(*, deadline, reason: str, actor):
    """The calendar changed: bring the report behind `deadline` in line with its rule.
    Returns (old due, new due) when the due time moved, else None (deadlines' registry)."""
    policy.require(actor, "reporting.obligations.sync")
    report = (
        RegulatoryReport.objects.select_related("rule", "incident", "drill", "deadline")
        .filter(deadline=deadline)
        .first()
    )
    if report is None or report.rule is None or report.status not in _pending_states(report):
        return None
    due = rules.due_for_report(report)
    if due is None or due.at is None:
        return None
    old = report.due_at
    if old == due.at:
        if report.calendar_confirmed != due.confirmed:
            report.calendar_confirmed = due.confirmed
            report.save(update_fields=["calendar_confirmed", "updated_at"])
            Deadline.objects.filter(pk=deadline.pk).update(calendar_confirmed=due.confirmed)
        return None
    _retime(report, report.rule, due, reason=reason, actor=actor)
    return old, due.at


def follow_up_next(*, report: RegulatoryReport, actor) -> RegulatoryReport | None:
    """After a follow-up was submitted or missed: the next one, while service is not restored."""
    policy.require(actor, "reporting.obligations.sync", report)
    with transaction.atomic():
        report = RegulatoryReport.objects.select_related("rule", "incident").get(pk=report.pk)
        rule, incident = report.rule, report.incident
        if rule is None or not rule.repeat_every_hours or incident is None:
            return None
        if rules.service_restored_at(incident) is not None or report.due_at is None:
            return None
        current = ReportingRule.objects.active().filter(code=rule.code).first()
        if current is None or not rules.rule_matches(
            current,
            grade=incident.grade,
            is_cii=rules.incident_is_cii(incident),
            discovered_at=incident.discovered_at,
            case=rules.case_facts(incident),
        ):
            return None
        later = RegulatoryReport.objects.filter(
            incident=incident, rule__code=rule.code, sequence__gt=report.sequence
        )
        if later.exists():
            return None
        due = rules.Due(rules.next_repeat(current, previous_due=report.due_at, now=timezone.now()))
        return _create_report(
            incident=incident, rule=current, sequence=report.sequence + 1, due=due, actor=actor
        )


def report_cancel(*, report: RegulatoryReport, reason: str, actor) -> RegulatoryReport:
    policy.require(actor, "reporting.report.cancel", report)
    if not str(reason).strip():
        raise ApplicationError(_("Say why the report is cancelled."))
    with transaction.atomic():
        report = RegulatoryReport.objects.select_for_update().get(pk=report.pk)
        if report.status not in _pending_states(report):
            raise ApplicationError(_("Only a report that is still owed can be cancelled."))
        _cancel(report, reason=reason, actor=actor)
    return report


# Names defined further down the package, used only inside functions.
from .drafting import template_for  # noqa: E402
