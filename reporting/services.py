"""Writes of the reporting app. Keyword-only arguments, one transaction each, full validation;
expected failures raise ApplicationError with a message a user can read."""

import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.policy import can_write
from core.errors import ApplicationError
from core.uploads import check_upload
from deadlines import services as deadline_services
from deadlines.models import Deadline

from . import content as report_content
from . import documents, rules
from .models import (
    NOTICE_KINDS,
    RECEIPT_KINDS,
    Recipient,
    RegulatorNotice,
    RegulatoryReport,
    ReportApproval,
    ReportingRule,
    ReportSubmission,
    ReportTemplate,
    ReportVersion,
    RiskIntelligence,
    Stage,
)

logger = logging.getLogger(__name__)

DEADLINE_KINDS = {
    Stage.INITIAL: "reporting.initial",
    Stage.FOLLOW_UP: "reporting.follow_up",
    Stage.FINAL: "reporting.final",
    Stage.FEEDBACK: "reporting.feedback",
}
APPROVE_PERMISSION = "reporting.approve_regulatoryreport"


def _require_writer(actor):
    if actor is not None and not can_write(actor):
        raise ApplicationError(_("You may read these records but not change them."))


def _pending_states(report_or_drill) -> tuple:
    """States in which a report still owes something: a drill is done once approved."""
    drill = getattr(report_or_drill, "is_drill", report_or_drill)
    S = RegulatoryReport.Status
    return (S.DRAFT, S.IN_REVIEW) if drill else (S.DRAFT, S.IN_REVIEW, S.APPROVED)


def _report_url(report) -> str:
    return reverse("reporting:report-detail", args=[report.pk])


def _report_title(*, stage, recipient, sequence, reference, is_drill) -> str:
    with translation.override("zh-hans"):
        title = gettext("%(stage)s: %(reference)s to %(recipient)s") % {
            "stage": Stage(stage).label,
            "reference": reference,
            "recipient": Recipient(recipient).label,
        }
        if sequence > 1:
            title += gettext(" (no. %(n)s)") % {"n": sequence}
        if is_drill:
            title = gettext("[Drill] ") + title
    return str(title)


# --- Rules ----------------------------------------------------------------------------------


RULE_FIELDS = (
    "name",
    "regime",
    "recipient",
    "stage",
    "most_severe_grade",
    "least_severe_grade",
    "cii_scope",
    "anchor",
    "offset_amount",
    "offset_unit",
    "repeat_every_hours",
    "effective_from",
    "source",
    "source_status",
    "needs_confirmation",
    "note",
)


def validate_rule(rule: ReportingRule):
    from .models import GRADE_RANK, Anchor, OffsetUnit

    if GRADE_RANK[rule.most_severe_grade] > GRADE_RANK[rule.least_severe_grade]:
        raise ApplicationError(
            _("The most severe grade must be at least as severe as the least severe grade.")
        )
    if rule.repeat_every_hours and rule.stage != Stage.FOLLOW_UP:
        raise ApplicationError(_("Only follow-up reports repeat."))
    if rule.stage == Stage.FOLLOW_UP and not rule.repeat_every_hours:
        raise ApplicationError(_("A follow-up rule needs its repeat interval."))
    if rule.anchor == Anchor.RESOLVED and rule.stage != Stage.FINAL:
        raise ApplicationError(
            _("Only final summary reports are counted from the end of handling.")
        )
    if rule.offset_unit == OffsetUnit.WORKING_DAYS and rule.offset_amount == 0:
        raise ApplicationError(_("Zero working days is not a deadline; use hours instead."))
    if rule.stage == Stage.FEEDBACK:
        raise ApplicationError(_("Feedback deadlines are set per notice, not by a rule."))
    rule.full_clean(exclude=["code", "version", "created_by"], validate_constraints=False)


def rule_create(*, code: str, actor=None, **fields) -> ReportingRule:
    _require_writer(actor)
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown rule fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic():
        if ReportingRule.objects.filter(code=code).exists():
            raise ApplicationError(_("A rule with this code exists; revise it instead."))
        rule = ReportingRule(code=code, version=1, is_active=True, created_by=actor, **fields)
        validate_rule(rule)
        rule.save()
    return rule


def rule_revise(*, rule: ReportingRule, actor=None, **changes) -> ReportingRule:
    """A new version of `rule` with `changes`; the old version is kept, inactive. Open reports
    computed from the old version are re-timed by the next incident sync."""
    _require_writer(actor)
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown rule fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic():
        current = ReportingRule.objects.select_for_update().get(pk=rule.pk)
        if not current.is_active:
            raise ApplicationError(_("Only the active version of a rule can be revised."))
        values = {f: getattr(current, f) for f in RULE_FIELDS}
        values.update(changes)
        last = ReportingRule.objects.filter(code=current.code).aggregate(m=Max("version"))["m"]
        new = ReportingRule(
            code=current.code, version=last + 1, is_active=True, created_by=actor, **values
        )
        validate_rule(new)
        current.is_active = False
        current.save(update_fields=["is_active", "updated_at"])
        new.save()
    return new


def rule_deactivate(*, rule: ReportingRule, actor=None) -> ReportingRule:
    _require_writer(actor)
    with transaction.atomic():
        rule = ReportingRule.objects.select_for_update().get(pk=rule.pk)
        rule.is_active = False
        rule.save(update_fields=["is_active", "updated_at"])
    return rule


# --- Obligations that follow the grade ----------------------------------------------------


def _create_report(*, incident, rule, sequence, due, actor) -> RegulatoryReport:
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


def obligations_sync(*, incident, actor=None, reason: str = "") -> list[RegulatoryReport]:
    """Make the incident's report obligations match the rules for its current grade, CII flag
    and times: create what is owed, re-time what moved, cancel what no longer applies (with the
    reason). Submitted reports are history and never touched. Returns the open reports."""
    from incidents.models import Incident

    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        grade_label = report_content.grade_label(incident.grade) or "—"
        wanted = {
            r.code: r
            for r in rules.applicable_rules(
                grade=incident.grade,
                is_cii=rules.incident_is_cii(incident),
                discovered_at=incident.discovered_at,
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
            code = report.rule.code if report.rule_id else None
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
            mine = [r for r in reports if r.rule_id and r.rule.code == code]
            if any(r.status in _pending_states(r) for r in mine):
                continue
            if rule.repeat_every_hours:
                if incident.resolved_at is not None:
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


def incident_resolved(*, incident, actor=None) -> None:
    """Service restored: follow-ups not yet due stop; final summaries get their deadline."""
    with transaction.atomic():
        pending = RegulatoryReport.objects.filter(
            incident=incident,
            stage=Stage.FOLLOW_UP,
            status__in=_pending_states(incident.is_drill),
            due_at__gt=incident.resolved_at,
        ).select_related("deadline")
        for report in pending:
            _cancel(report, reason=_("Service restored: no further follow-up is due."), actor=actor)
        obligations_sync(incident=incident, actor=actor, reason=_("Incident resolved."))


def follow_up_next(*, report: RegulatoryReport, actor=None) -> RegulatoryReport | None:
    """After a follow-up was submitted or missed: the next one, while service is not restored."""
    with transaction.atomic():
        report = RegulatoryReport.objects.select_related("rule", "incident").get(pk=report.pk)
        rule, incident = report.rule, report.incident
        if rule is None or not rule.repeat_every_hours or incident is None:
            return None
        if incident.resolved_at is not None or report.due_at is None:
            return None
        current = ReportingRule.objects.active().filter(code=rule.code).first()
        if current is None or not rules.rule_matches(
            current,
            grade=incident.grade,
            is_cii=rules.incident_is_cii(incident),
            discovered_at=incident.discovered_at,
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
    _require_writer(actor)
    if not str(reason).strip():
        raise ApplicationError(_("Say why the report is cancelled."))
    with transaction.atomic():
        report = RegulatoryReport.objects.select_for_update().get(pk=report.pk)
        if report.status not in _pending_states(report):
            raise ApplicationError(_("Only a report that is still owed can be cancelled."))
        _cancel(report, reason=reason, actor=actor)
    return report


# --- Drafting and four-eyes approval -------------------------------------------------------


def template_for(*, stage, recipient):
    return (
        ReportTemplate.objects.filter(is_active=True, stage=stage, recipient=recipient).first()
        or ReportTemplate.objects.filter(is_active=True, stage=stage, recipient="").first()
    )


def report_update(
    *, report: RegulatoryReport, content: dict, actor, title: str | None = None
) -> RegulatoryReport:
    _require_writer(actor)
    with transaction.atomic():
        report = RegulatoryReport.objects.select_for_update().get(pk=report.pk)
        if report.status != RegulatoryReport.Status.DRAFT:
            raise ApplicationError(
                _(
                    "Only a draft can be edited. An approved report is frozen: start a new "
                    "version to change it."
                )
            )
        allowed = report_content.STAGE_FIELDS[report.stage]
        unknown = set(content) - set(allowed)
        if unknown:
            raise ApplicationError(
                _("Unknown report fields: %(f)s") % {"f": ", ".join(sorted(unknown))}
            )
        merged = dict(report.content)
        merged.update({k: str(v or "").strip() for k, v in content.items()})
        report.content = merged
        if title is not None:
            if not title.strip():
                raise ApplicationError(_("A report needs a title."))
            report.title = title.strip()[:300]
        if report.author_id is None:
            report.author = actor
        report.save()
        report.contributors.add(actor)
    return report


def report_request_approval(*, report: RegulatoryReport, actor) -> ReportApproval:
    _require_writer(actor)
    with transaction.atomic():
        report = RegulatoryReport.objects.select_for_update().get(pk=report.pk)
        if report.status != RegulatoryReport.Status.DRAFT:
            raise ApplicationError(_("Only a draft can be sent for approval."))
        missing = [
            str(report_content.FIELD_LABELS[k])
            for k in report_content.REQUIRED_FIELDS[report.stage]
            if not str(report.content.get(k, "")).strip()
        ]
        if missing:
            raise ApplicationError(
                _("Fill in before asking for approval: %(fields)s") % {"fields": "、".join(missing)}
            )
        if report.author_id is None:
            report.author = actor
        report.status = RegulatoryReport.Status.IN_REVIEW
        report.save()
        report.contributors.add(actor)
        approval = ReportApproval.objects.create(
            report=report,
            version_number=report.version,
            requested_by=actor,
            requested_at=timezone.now(),
        )
    _notify_approvers(report, actor)
    return approval


def _notify_approvers(report, actor):
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from notifications.services import notify

    User = get_user_model()
    approvers = (
        User.objects.filter(is_active=True)
        .filter(Q(groups__permissions__codename="approve_regulatoryreport") | Q(is_superuser=True))
        .exclude(pk__in=report.contributors.values("pk"))
        .distinct()
    )
    if not approvers:
        return
    with translation.override("zh-hans"):
        subject = gettext("Approval requested: %(title)s") % {"title": report.title}
        body = gettext("%(user)s asks you to approve version %(v)s of %(title)s.") % {
            "user": actor,
            "v": report.version,
            "title": report.title,
        }
    notify(
        recipients=list(approvers),
        subject=subject,
        body=body,
        url=_report_url(report),
        channels=("inapp", "email"),
        dedupe_key=f"reporting:{report.pk}:v{report.version}:approval-requested",
    )


def _pending_approval(report) -> ReportApproval:
    approval = report.approvals.filter(decision=ReportApproval.Decision.PENDING).first()
    if approval is None or report.status != RegulatoryReport.Status.IN_REVIEW:
        raise ApplicationError(_("This report is not awaiting approval."))
    return approval


def _check_approver(report, approval, actor):
    _require_writer(actor)
    if not actor.has_perm(APPROVE_PERMISSION):
        raise ApplicationError(_("You are not authorised to approve regulatory reports."))
    if (
        actor.pk in (report.author_id, approval.requested_by_id)
        or report.contributors.filter(pk=actor.pk).exists()
    ):
        raise ApplicationError(
            _("Four-eyes rule: a report cannot be approved by someone who wrote it.")
        )


def report_approve(*, report: RegulatoryReport, actor, comment: str = "") -> ReportVersion:
    """The second person's approval: freeze the content (and the document template) as a
    snapshot with its SHA-256. Fast on purpose: the PDF and DOCX take seconds to render and
    every audited write holds the audit trail's global lock until commit, so they are rendered
    after the commit (`version_render_documents`, by a Celery task enqueued on commit, the
    periodic sweep or the download itself). A drill report's obligation ends here."""
    with transaction.atomic():
        report = (
            RegulatoryReport.objects.select_for_update(of=("self",))
            .select_related("incident", "notice", "deadline")
            .get(pk=report.pk)
        )
        approval = _pending_approval(report)
        _check_approver(report, approval, actor)
        now = timezone.now()
        author = report.author or approval.requested_by
        snapshot = report_content.build_snapshot(
            report, author=author, approved_by=actor, approved_at=now
        )
        template = report.template or template_for(stage=report.stage, recipient=report.recipient)
        version = ReportVersion.objects.create(
            report=report,
            number=report.version,
            snapshot=snapshot,
            sha256=documents.snapshot_hash(snapshot),
            author=author,
            approved_by=actor,
            approved_at=now,
            template_title=template.title if template else "",
            template_body=template.body if template else report_content.DEFAULT_TEMPLATE_BODY,
        )
        approval.decision = ReportApproval.Decision.APPROVED
        approval.decided_by = actor
        approval.decided_at = now
        approval.comment = comment
        approval.save()
        report.status = RegulatoryReport.Status.APPROVED
        report.save(update_fields=["status", "updated_at"])
        if report.is_drill and report.deadline is not None and report.deadline.is_active:
            deadline_services.deadline_meet(deadline=report.deadline, met_at=now, actor=actor)
        version_id = version.pk
        transaction.on_commit(lambda: documents_enqueue(version_id))
    return version


def documents_enqueue(version_id: int) -> bool:
    """Hand the rendering to a worker. A broker outage is logged and swallowed: the approval
    has committed, and the sweep (or the first download) renders what is missing."""
    from config.celery_app import app  # the project's app by name, as notifications does

    try:
        app.send_task("reporting.render_documents", args=[version_id], retry=False)
    except Exception as exc:
        logger.warning(
            "could not enqueue the documents of report version %s (%r); the sweep will",
            version_id,
            exc,
        )
        return False
    return True


def version_render_documents(*, version: ReportVersion) -> ReportVersion:
    """Render and store the PDF and DOCX of an approved version, if they are missing.

    Rendering takes seconds and happens before any write, outside a transaction (call this from
    a task, a command or a page, never inside another service's transaction); storing them is
    one short transaction that locks the version row and keeps what a concurrent renderer
    stored first. The documents come from the frozen snapshot and template, so rendering twice
    gives the same text."""
    version = ReportVersion.objects.get(pk=version.pk)
    if version.documents_ready:
        return version
    pdf, docx = documents.render_version(version)
    stem = f"report-{version.report_id}-v{version.number}"
    with transaction.atomic():
        version = ReportVersion.objects.select_for_update().get(pk=version.pk)
        if version.documents_ready:
            return version
        version.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        version.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
        version.save(update_fields=["pdf", "docx"])
    return version


def documents_render_missing(*, older_than=timedelta(minutes=2), limit: int = 20) -> int:
    """The sweep: render documents still missing (a lost task, a broker outage, a failed
    render). Versions approved in the last `older_than` are left to their own task. One
    version's failure is logged and does not stop the others; it is retried next sweep."""
    cutoff = timezone.now() - older_than
    pending = list(
        ReportVersion.objects.filter(Q(pdf="") | Q(docx=""), approved_at__lte=cutoff)
        .order_by("approved_at")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for pk in pending:
        try:
            version_render_documents(version=ReportVersion(pk=pk))
        except Exception:
            logger.exception("rendering the documents of report version %s failed", pk)
        else:
            done += 1
    return done


def report_reject(*, report: RegulatoryReport, actor, comment: str) -> ReportApproval:
    if not str(comment).strip():
        raise ApplicationError(_("Say what needs to change."))
    with transaction.atomic():
        report = RegulatoryReport.objects.select_for_update().get(pk=report.pk)
        approval = _pending_approval(report)
        _check_approver(report, approval, actor)
        approval.decision = ReportApproval.Decision.REJECTED
        approval.decided_by = actor
        approval.decided_at = timezone.now()
        approval.comment = comment
        approval.save()
        report.status = RegulatoryReport.Status.DRAFT
        report.save(update_fields=["status", "updated_at"])
    return approval


def report_new_version(*, report: RegulatoryReport, actor, reason: str) -> RegulatoryReport:
    """A change after approval: the approved version stays frozen; a new draft version opens."""
    _require_writer(actor)
    if not str(reason).strip():
        raise ApplicationError(_("Say why a new version is needed."))
    with transaction.atomic():
        report = RegulatoryReport.objects.select_for_update().get(pk=report.pk)
        if report.status not in (
            RegulatoryReport.Status.APPROVED,
            RegulatoryReport.Status.SUBMITTED,
        ):
            raise ApplicationError(_("Only an approved or submitted report gets a new version."))
        report.version += 1
        report.status = RegulatoryReport.Status.DRAFT
        report.author = actor
        report.save()
        report.contributors.set([actor])
    return report


# --- Submission records ------------------------------------------------------------------


def submission_record(
    *,
    report: RegulatoryReport,
    channel: str,
    submitted_at,
    actor,
    submitted_by=None,
    receipt_number: str = "",
    receipt_file=None,
    late_reason: str = "",
) -> ReportSubmission:
    _require_writer(actor)
    if channel not in ReportSubmission.Channel.values:
        raise ApplicationError(_("Choose how the report was submitted."))
    if submitted_at is None or timezone.is_naive(submitted_at):
        raise ApplicationError(_("Give the submission time."))
    if submitted_at > timezone.now() + timedelta(minutes=5):
        raise ApplicationError(_("A submission cannot be recorded in the future."))
    with transaction.atomic():
        report = (
            RegulatoryReport.objects.select_for_update(of=("self",))
            .select_related("deadline", "notice")
            .get(pk=report.pk)
        )
        if report.is_drill:
            raise ApplicationError(
                _("A drill report is never submitted to a regulator: its flow ends at approval.")
            )
        if report.status != RegulatoryReport.Status.APPROVED:
            raise ApplicationError(_("Only an approved report can be submitted."))
        version = report.versions.get(number=report.version)
        on_time = report.due_at is None or submitted_at <= report.due_at
        late_reason = str(late_reason or "").strip()
        if not on_time and not late_reason:
            raise ApplicationError(
                _("The report was submitted after its deadline (%(due)s): give the reason.")
                % {"due": timezone.localtime(report.due_at).strftime("%Y-%m-%d %H:%M")}
            )
        submission = ReportSubmission(
            report=report,
            version=version,
            channel=channel,
            submitted_at=submitted_at,
            submitted_by=submitted_by or actor,
            receipt_number=receipt_number.strip(),
            due_at=report.due_at,
            on_time=on_time,
            late_reason="" if on_time else late_reason,
        )
        if receipt_file is not None:
            check_upload(receipt_file, kinds=RECEIPT_KINDS)
            submission.receipt_file.save(receipt_file.name, receipt_file, save=False)
        submission.save()
        report.status = RegulatoryReport.Status.SUBMITTED
        report.save(update_fields=["status", "updated_at"])
        if report.deadline is not None and report.deadline.is_active:
            deadline_services.deadline_meet(
                deadline=report.deadline, met_at=submitted_at, actor=actor
            )
        if report.notice_id:
            RegulatorNotice.objects.filter(pk=report.notice_id).update(
                status=RegulatorNotice.Status.FEEDBACK_SENT, updated_at=timezone.now()
            )
        if report.stage == Stage.FOLLOW_UP:
            follow_up_next(report=report, actor=actor)
    return submission


# --- Regulator notices and risk intelligence ----------------------------------------------


def notice_create(
    *,
    reference: str,
    issuer: str,
    title: str,
    received_at,
    feedback_due_at,
    handler,
    actor,
    content: str = "",
    incident=None,
    attachment=None,
) -> RegulatorNotice:
    """Register a notice and open its feedback report, due when the notice says."""
    _require_writer(actor)
    if feedback_due_at is None or received_at is None:
        raise ApplicationError(_("A notice needs its received time and feedback deadline."))
    if feedback_due_at <= received_at:
        raise ApplicationError(_("The feedback deadline must be after the notice was received."))
    with transaction.atomic():
        notice = RegulatorNotice(
            reference=reference.strip(),
            issuer=issuer,
            title=title.strip(),
            received_at=received_at,
            feedback_due_at=feedback_due_at,
            handler=handler,
            content=content,
            incident=incident,
            created_by=actor,
        )
        notice.full_clean(exclude=["attachment"])
        if attachment is not None:
            check_upload(attachment, kinds=NOTICE_KINDS)
            notice.attachment.save(attachment.name, attachment, save=False)
        notice.save()
        with translation.override("zh-hans"):
            title_text = gettext("Feedback: %(ref)s %(title)s") % {
                "ref": notice.reference,
                "title": notice.title,
            }
        report = RegulatoryReport.objects.create(
            notice=notice,
            incident=incident,
            recipient=notice.issuer,
            stage=Stage.FEEDBACK,
            title=title_text[:300],
            content=report_content.prefill(stage=Stage.FEEDBACK, notice=notice),
            template=template_for(stage=Stage.FEEDBACK, recipient=notice.issuer),
        )
        _attach_deadline(report, rules.Due(feedback_due_at), actor)
    return notice


def notice_update(*, notice: RegulatorNotice, actor, **changes) -> RegulatorNotice:
    """Handling notes, handler, status and a moved feedback deadline (e.g. the regulator agreed
    to an extension)."""
    _require_writer(actor)
    allowed = {"verification", "handler", "status", "feedback_due_at", "incident", "content"}
    unknown = set(changes) - allowed
    if unknown:
        raise ApplicationError(
            _("Unknown notice fields: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        notice = RegulatorNotice.objects.select_for_update().get(pk=notice.pk)
        old_due = notice.feedback_due_at
        for key, value in changes.items():
            setattr(notice, key, value)
        if notice.feedback_due_at <= notice.received_at:
            raise ApplicationError(
                _("The feedback deadline must be after the notice was received.")
            )
        notice.full_clean(exclude=["attachment"])
        notice.save()
        if notice.feedback_due_at != old_due:
            for report in notice.feedback_reports.filter(
                status__in=_pending_states(False)
            ).select_related("deadline"):
                _retime(
                    report,
                    None,
                    rules.Due(notice.feedback_due_at),
                    reason=_("Feedback deadline changed by the regulator."),
                    actor=actor,
                )
    return notice


def intelligence_create(*, actor, **fields) -> RiskIntelligence:
    _require_writer(actor)
    allowed = {
        "kind",
        "party",
        "party_name",
        "summary",
        "details",
        "source",
        "source_url",
        "observed_at",
        "notice",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic():
        item = RiskIntelligence(reported_by=actor, **fields)
        if item.party != RiskIntelligence.Party.FIRM and not item.party_name.strip():
            raise ApplicationError(_("Name the related party or partner concerned."))
        item.full_clean()
        item.save()
    return item


def intelligence_triage_to_incident(*, item: RiskIntelligence, incident, actor) -> RiskIntelligence:
    _require_writer(actor)
    if incident is None:
        raise ApplicationError(_("Choose the incident this item belongs to."))
    with transaction.atomic():
        item = RiskIntelligence.objects.select_for_update().get(pk=item.pk)
        if item.status != RiskIntelligence.Status.NEW:
            raise ApplicationError(_("This item has already been triaged."))
        item.status = RiskIntelligence.Status.INCIDENT
        item.incident = incident
        item.triaged_by = actor
        item.triaged_at = timezone.now()
        item.save()
    return item


def intelligence_default_category(kind: str) -> str:
    """The incident category an item of this kind usually becomes (the promoter may change it)."""
    from incidents.models import IncidentCategory as C

    return {
        RiskIntelligence.Kind.LEAK: C.DATA_SECURITY,
        RiskIntelligence.Kind.DATA_FOR_SALE: C.DATA_SECURITY,
        RiskIntelligence.Kind.IMPERSONATION: C.NETWORK_ATTACK,  # phishing / counterfeit apps
        RiskIntelligence.Kind.NEGATIVE_NEWS: C.CONTENT_SECURITY,
    }.get(kind, C.OTHER)


def _intelligence_facts(item: RiskIntelligence) -> str:
    """The item's facts as the new incident's description (in Chinese, like the documents)."""
    with translation.override("zh-hans"):
        party = str(item.get_party_display())
        if item.party_name:
            party = f"{party}：{item.party_name}"
        lines = [
            f"{gettext('Kind')}：{item.get_kind_display()}",
            f"{gettext('Concerns')}：{party}",
            f"{gettext('Where it was found')}：{item.source}"
            + (f" {item.source_url}" if item.source_url else ""),
            f"{gettext('Observed at')}：{report_content._local(item.observed_at)}",
        ]
        if item.notice_id:
            lines.append(f"{gettext('Regulator notice')}：{item.notice}")
    details = item.details.strip()
    return "\n".join([item.summary, *([details] if details else []), "", *lines])


def intelligence_promote(
    *, item: RiskIntelligence, actor, category: str = "", title: str = "", assignee=None
):
    """Open a new incident from an item (source: risk intelligence) and triage the item to it,
    in one transaction through incidents' own `incident_create`. The incident is discovered
    when the item was observed: reporting deadlines count from then, not from the promotion."""
    from incidents import services as incident_services
    from incidents.models import Incident

    _require_writer(actor)
    with transaction.atomic():
        item = (
            RiskIntelligence.objects.select_for_update(of=("self",))
            .select_related("notice")
            .get(pk=item.pk)
        )
        if item.status != RiskIntelligence.Status.NEW:
            raise ApplicationError(_("This item has already been triaged."))
        incident = incident_services.incident_create(
            title=(title or "").strip() or item.summary,
            description=_intelligence_facts(item),
            category=category or intelligence_default_category(item.kind),
            source=Incident.Source.RISK_INTELLIGENCE,
            discovered_at=item.observed_at,
            assignee=assignee or actor,
            actor=actor,
        )
        item.status = RiskIntelligence.Status.INCIDENT
        item.incident = incident
        item.triaged_by = actor
        item.triaged_at = timezone.now()
        item.save()
    return incident


def intelligence_close(*, item: RiskIntelligence, reason: str, actor) -> RiskIntelligence:
    _require_writer(actor)
    if not str(reason).strip():
        raise ApplicationError(_("Say why the item is closed without an incident."))
    with transaction.atomic():
        item = RiskIntelligence.objects.select_for_update().get(pk=item.pk)
        if item.status != RiskIntelligence.Status.NEW:
            raise ApplicationError(_("This item has already been triaged."))
        item.status = RiskIntelligence.Status.CLOSED
        item.closed_reason = reason.strip()
        item.triaged_by = actor
        item.triaged_at = timezone.now()
        item.save()
    return item


# --- Templates -----------------------------------------------------------------------------


def template_save(*, template: ReportTemplate, actor) -> ReportTemplate:
    _require_writer(actor)
    documents.check_template(template.title)
    documents.check_template(template.body)
    with transaction.atomic():
        template.full_clean()
        template.save()
    return template
