"""Writes of the reporting app. Keyword-only arguments, one transaction each, full validation; (common)."""

import logging

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from ..models import (
    Recipient,
    RegulatoryReport,
    Stage,
)

logger = logging.getLogger(__name__)


DEADLINE_KINDS = {
    Stage.INITIAL: "reporting.initial",
    Stage.SUPPLEMENTARY: "reporting.follow_up",
    Stage.CRIME: "reporting.initial",
    Stage.FOLLOW_UP: "reporting.follow_up",
    Stage.PRELIMINARY: "reporting.final",
    Stage.FINAL: "reporting.final",
    Stage.DRILL: "reporting.final",
    Stage.FEEDBACK: "reporting.feedback",
}


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
