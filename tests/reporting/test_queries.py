"""The list page, the detail page and the reports API make a fixed number of queries however
many rows they show (an N+1 is a test failure)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reporting.models import (
    RegulatoryReport,
    ReportApproval,
    ReportSubmission,
    ReportVersion,
)

from .conftest import DISCOVERED, create_incident

pytestmark = pytest.mark.django_db

# Measured: 7, 14 and 8 (session, user, permissions, groups, unread count, then the page's
# own). A little headroom for the shared layout; far below one query per row at 30 rows.
LIST_PAGE_MAX = 10
DETAIL_PAGE_MAX = 16
API_LIST_MAX = 10


def make_reports(n, *, handler, officer, history=1):
    """n submitted reports over n // 3 incidents (bulk, to keep the test fast), each with
    `history` versions and as many approvals and submissions, and a contributor."""
    incidents = [
        create_incident(
            discovered_at=DISCOVERED,
            assignee=handler,
            source="internal",
            cii_involved=False,
            systems=[{"name": f"系统{i}", "category": "trading"}],
            title=f"事件{i}",
        )
        for i in range(max(1, n // 3))
    ]
    now = timezone.now()
    reports = RegulatoryReport.objects.bulk_create(
        RegulatoryReport(
            incident=incidents[i % len(incidents)],
            recipient="cac",
            stage="initial",
            sequence=i + 1,
            status=RegulatoryReport.Status.SUBMITTED,
            due_at=now + timedelta(hours=i),
            title=f"报告{i}",
            author=handler,
        )
        for i in range(n)
    )
    add_history(reports, n=history, handler=handler, officer=officer)
    return reports


def add_history(reports, *, n, handler, officer, start=1):
    now = timezone.now()
    versions = ReportVersion.objects.bulk_create(
        ReportVersion(
            report=report,
            number=start + k,
            snapshot={},
            sha256="0" * 64,
            author=handler,
            approved_by=officer,
            approved_at=now,
        )
        for report in reports
        for k in range(n)
    )
    ReportApproval.objects.bulk_create(
        ReportApproval(
            report=v.report,
            version_number=v.number,
            requested_by=handler,
            requested_at=now,
            decision=ReportApproval.Decision.APPROVED,
            decided_by=officer,
            decided_at=now,
        )
        for v in versions
    )
    ReportSubmission.objects.bulk_create(
        ReportSubmission(
            report=v.report,
            version=v,
            channel="email",
            submitted_at=now,
            submitted_by=handler,
            on_time=True,
        )
        for v in versions
    )
    for report in reports:
        report.contributors.add(handler)


def count_queries(func) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("n", [3, 30])
def test_report_list_page(n, client_for, handler, officer, django_assert_max_num_queries):
    make_reports(n, handler=handler, officer=officer)
    client = client_for(handler)
    url = reverse("reporting:report-list")
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(LIST_PAGE_MAX):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("/reporting/reports/") >= n


@pytest.mark.parametrize("n", [3, 30])
def test_report_detail_page(n, client_for, handler, officer, django_assert_max_num_queries):
    # One report with n versions, approvals and submissions.
    (report,) = make_reports(1, handler=handler, officer=officer, history=n)
    RegulatoryReport.objects.filter(pk=report.pk).update(version=n)
    client = client_for(handler)
    url = reverse("reporting:report-detail", args=[report.pk])
    client.get(url)
    with django_assert_max_num_queries(DETAIL_PAGE_MAX):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("0" * 64) == n


@pytest.mark.parametrize("n", [3, 30])
def test_reports_api_list(n, client_for, handler, officer, django_assert_max_num_queries):
    make_reports(n, handler=handler, officer=officer)
    client = client_for(handler)
    client.get("/api/reporting/reports/")
    with django_assert_max_num_queries(API_LIST_MAX):
        response = client.get("/api/reporting/reports/")
    assert response.status_code == 200
    assert response.json()["count"] == n


def test_same_number_of_queries_for_3_and_30_rows(client_for, handler, officer):
    """Not just under the bound: exactly the same count, so nothing grows with the rows."""
    client = client_for(handler)
    list_url = reverse("reporting:report-list")
    client.get(list_url)

    def counts():
        return (
            count_queries(lambda: client.get(list_url)),
            count_queries(lambda: client.get("/api/reporting/reports/")),
        )

    make_reports(3, handler=handler, officer=officer)
    few = counts()
    make_reports(27, handler=handler, officer=officer)
    assert RegulatoryReport.objects.count() == 30
    assert counts() == few


def test_detail_page_same_number_of_queries_for_3_and_30_versions(client_for, handler, officer):
    (report,) = make_reports(1, handler=handler, officer=officer, history=3)
    client = client_for(handler)
    url = reverse("reporting:report-detail", args=[report.pk])
    client.get(url)
    few = count_queries(lambda: client.get(url))
    versions = ReportVersion.objects.filter(report=report)
    for k in range(4, 31):
        add_history([report], n=1, handler=handler, officer=officer, start=k)
    assert versions.count() == 30
    assert count_queries(lambda: client.get(url)) == few
