"""Reports, risk intelligence and regulator notices in the one search box (core.search)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.search import Hit, Source, contains_any, snippet

from .models import RegulatorNotice, RegulatoryReport, RiskIntelligence


def search_reports(user, query: str, limit: int) -> list[Hit]:
    reports = (
        RegulatoryReport.objects.visible_to(user)
        .filter(contains_any(("title", "incident__reference", "incident__title"), query))
        .select_related("incident")
        .order_by("-created_at")[:limit]
    )
    return [
        Hit(
            title=report.title,
            url=reverse("reporting:report-detail", args=[report.pk]),
            snippet=report.incident.reference if report.incident_id else "",
            rank=1,
            when=report.created_at,
            badge=report.get_status_display(),
        )
        for report in reports
    ]


def search_intelligence(user, query: str, limit: int) -> list[Hit]:
    items = (
        RiskIntelligence.objects.visible_to(user)
        .filter(contains_any(("summary", "details", "party_name", "source"), query))
        .order_by("-created_at")[:limit]
    )
    return [
        Hit(
            title=item.summary,
            url=reverse("reporting:intel-detail", args=[item.pk]),
            snippet=snippet(item.details or item.source, query),
            rank=1 if query.upper() in item.summary.upper() else 2,
            when=item.created_at,
            badge=item.get_status_display(),
        )
        for item in items
    ]


def search_notices(user, query: str, limit: int) -> list[Hit]:
    notices = (
        RegulatorNotice.objects.visible_to(user)
        .filter(contains_any(("reference", "title", "content", "issuer"), query))
        .order_by("-created_at")[:limit]
    )
    return [
        Hit(
            title=f"{notice.reference} {notice.title}",
            url=reverse("reporting:notice-detail", args=[notice.pk]),
            snippet=snippet(notice.content, query),
            rank=0 if notice.reference.upper() == query.upper() else 1,
            when=notice.created_at,
            badge=notice.get_status_display(),
        )
        for notice in notices
    ]


SOURCES = [
    Source("reports", _("Regulatory reports"), search_reports, order=30),
    Source("intelligence", _("Risk intelligence"), search_intelligence, order=40),
    Source("notices", _("Regulator notices"), search_notices, order=50),
]
