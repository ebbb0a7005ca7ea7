"""Writes of the reporting app. Keyword-only arguments, one transaction each, full validation; (submissions)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy
from core.errors import ApplicationError
from core.uploads import check_upload
from deadlines import services as deadline_services

from ..models import (
    RECEIPT_KINDS,
    RegulatorNotice,
    RegulatoryReport,
    ReportSubmission,
    Stage,
)
from .obligations import follow_up_next


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
    policy.require(actor, "reporting.submission.create", report)
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
            submitted_by=submitted_by or policy.person(actor),
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
