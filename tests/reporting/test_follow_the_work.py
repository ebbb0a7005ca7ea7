"""Deadlines follow the work: a graded CII case changes hands and every clock on it follows."""

import pytest
from django.contrib.contenttypes.models import ContentType

from deadlines.models import Deadline
from incidents import services as incident_services
from notifications.models import Outbox
from reporting.models import RegulatoryReport

from .conftest import grade

pytestmark = pytest.mark.django_db


def _case_clocks(incident):
    reports = RegulatoryReport.objects.filter(incident=incident)
    return Deadline.objects.filter(state__in=Deadline.ACTIVE_STATES).filter(
        content_type__in=[
            ContentType.objects.get_for_model(incident),
            ContentType.objects.get_for_model(RegulatoryReport),
        ],
        object_id__in=[incident.pk, *reports.values_list("pk", flat=True)],
    )


def test_reassigning_a_graded_cii_case_moves_every_open_deadline(
    cii_incident, handler, handler2, officer
):
    incident = grade(cii_incident(), None, handler)
    clocks = _case_clocks(incident)
    before = clocks.count()
    # Today's seed: the handling target and five report clocks (CSRC branch, CAC, CII
    # protection department, police); the count follows the rules in force.
    assert before >= 5
    assert set(clocks.values_list("owner", flat=True)) == {handler.pk}

    incident_services.incident_update(incident=incident, actor=officer, assignee=handler2)

    assert clocks.count() == before
    assert set(clocks.values_list("owner", flat=True)) == {handler2.pk}
    # Both people are told, in the same transaction.
    told = dict(
        Outbox.objects.filter(channel="inapp", dedupe_key="")
        .filter(key__startswith="e:deadline.transferred")
        .values_list("recipient_id", "subject")
    )
    assert str(before) in told[handler2.pk] and str(before) in told[handler.pk]
    assert Outbox.objects.filter(
        key__startswith="e:incident.assigned", recipient=handler2, channel="inapp"
    ).exists()


def test_approval_waiting_is_a_deadline_and_the_author_hears_the_decision(
    cii_incident, handler, officer, officer2, monkeypatch
):
    from reporting import services

    from .test_approval_documents import draft_and_request

    monkeypatch.setattr("reporting.services.drafting.documents_enqueue", lambda version_id: True)
    incident = grade(cii_incident(), None, handler)
    report = RegulatoryReport.objects.filter(incident=incident, stage="initial").order_by("id")[0]
    draft_and_request(report, handler)
    waiting = Deadline.objects.get(kind__code="reporting.approval.waiting")
    assert waiting.state == Deadline.State.OPEN
    asked = set(
        Outbox.objects.filter(
            key__startswith="e:reporting.report.approval_requested", channel="inapp"
        ).values_list("recipient_id", flat=True)
    )
    assert {officer.pk, officer2.pk} <= asked and handler.pk not in asked
    services.report_reject(report=report, actor=officer2, comment="请补充影响范围")
    waiting.refresh_from_db()
    assert waiting.state == Deadline.State.MET
    returned = Outbox.objects.get(
        key__startswith="e:reporting.report.decided", recipient=handler, channel="inapp"
    )
    assert report.title in returned.subject and returned.body == "请补充影响范围"


def test_new_intelligence_notifies_triagers_and_waits_one_working_day(handler, officer, staff):
    from reporting import services
    from reporting.models import RiskIntelligence

    item = services.intelligence_create(
        actor=handler,
        kind=RiskIntelligence.Kind.DATA_FOR_SALE,
        party=RiskIntelligence.Party.FIRM,
        summary="境外论坛出售疑似本公司客户数据",
        source="暗网监测",
        observed_at=item_time(),
    )
    clock = Deadline.objects.get(kind__code="reporting.intelligence.triage", object_id=item.pk)
    assert clock.state == Deadline.State.OPEN
    told = set(
        Outbox.objects.filter(
            key__startswith="e:reporting.intelligence.arrived", channel="inapp"
        ).values_list("recipient_id", flat=True)
    )
    assert officer.pk in told and staff.pk not in told
    services.intelligence_close(item=item, reason="已核实为旧数据", actor=officer)
    clock.refresh_from_db()
    assert clock.state == Deadline.State.MET


def item_time():
    from django.utils import timezone

    return timezone.now()
