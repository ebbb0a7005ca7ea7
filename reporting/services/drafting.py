"""Writes of the reporting app. Keyword-only arguments, one transaction each, full validation; (drafting)."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy
from core.errors import ApplicationError
from deadlines import services as deadline_services

from .. import content as report_content
from .. import documents, work_clocks
from ..models import (
    RegulatoryReport,
    ReportApproval,
    ReportTemplate,
    ReportVersion,
)
from .common import logger


def template_for(*, stage, recipient):
    return (
        ReportTemplate.objects.filter(is_active=True, stage=stage, recipient=recipient).first()
        or ReportTemplate.objects.filter(is_active=True, stage=stage, recipient="").first()
    )


def report_update(
    *, report: RegulatoryReport, content: dict, actor, title: str | None = None
) -> RegulatoryReport:
    policy.require(actor, "reporting.report.change", report)
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
    policy.require(actor, "reporting.report.change", report)
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
    work_clocks.approval_opened(report=report, approval=approval, approvers=_approvers(report))
    return approval


def _approvers(report) -> list:
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    User = get_user_model()
    # Those the policy lets approve this report (officers hold the role; four eyes excludes
    # whoever drafted it).
    candidates = (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=policy.OFFICERS) | Q(is_superuser=True))
        .exclude(pk__in=report.contributors.values("pk"))
        .distinct()
    )
    approvers = [
        u
        for u in candidates
        if policy.allows(u, "reporting.report.approve", report)
        and policy.allows(u, "reporting.report.four_eyes", report)
    ]
    return approvers


def _pending_approval(report) -> ReportApproval:
    approval = report.approvals.filter(decision=ReportApproval.Decision.PENDING).first()
    if approval is None or report.status != RegulatoryReport.Status.IN_REVIEW:
        raise ApplicationError(_("This report is not awaiting approval."))
    return approval


def _check_approver(report, actor):
    """Four eyes, on the locked report (whoever asked for approval is a contributor)."""
    policy.require(actor, "reporting.report.four_eyes", report)


def report_approve(*, report: RegulatoryReport, actor, comment: str = "") -> ReportVersion:
    """The second person's approval: freeze the content (and the document template) as a
    snapshot with its SHA-256. Fast on purpose: the PDF and DOCX take seconds to render and
    every audited write holds the audit trail's global lock until commit, so they are rendered
    after the commit (`version_render_documents`, by a Celery task enqueued on commit, the
    periodic sweep or the download itself). A drill report's obligation ends here."""
    policy.require(actor, "reporting.report.approve", report)
    with transaction.atomic():
        report = (
            RegulatoryReport.objects.select_for_update(of=("self",))
            .select_related("incident", "notice", "deadline")
            .get(pk=report.pk)
        )
        approval = _pending_approval(report)
        _check_approver(report, actor)
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
        work_clocks.approval_decided(report=report, approval=approval, actor=actor)
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
    except Exception as exc:  # noqa: BLE001 - any broker failure: logged, the sweep renders later
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
        except Exception:  # noqa: BLE001 - one broken version must not stop the others
            logger.exception("rendering the documents of report version %s failed", pk)
        else:
            done += 1
    return done


def report_reject(*, report: RegulatoryReport, actor, comment: str) -> ReportApproval:
    policy.require(actor, "reporting.report.approve", report)
    if not str(comment).strip():
        raise ApplicationError(_("Say what needs to change."))
    with transaction.atomic():
        report = RegulatoryReport.objects.select_for_update().get(pk=report.pk)
        approval = _pending_approval(report)
        _check_approver(report, actor)
        approval.decision = ReportApproval.Decision.REJECTED
        approval.decided_by = actor
        approval.decided_at = timezone.now()
        approval.comment = comment
        approval.save()
        report.status = RegulatoryReport.Status.DRAFT
        report.save(update_fields=["status", "updated_at"])
        work_clocks.approval_decided(report=report, approval=approval, actor=actor)
    return approval


def report_new_version(*, report: RegulatoryReport, actor, reason: str) -> RegulatoryReport:
    """A change after approval: the approved version stays frozen; a new draft version opens."""
    policy.require(actor, "reporting.report.change", report)
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
