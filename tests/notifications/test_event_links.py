"""Every kind of event notification, for every recipient it reaches, links to a page that
recipient may open (200), or to the page of theirs that shows the item. A kind registered
without a case here fails the walk."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from governance import services as governance_services
from incidents import services as incident_services
from notifications.events import kinds
from notifications.models import InboxItem, Outbox
from reporting import services as reporting_services
from reporting.models import RegulatoryReport, RiskIntelligence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quiet(monkeypatch, settings, tmp_path):
    monkeypatch.setattr("notifications.dispatch.enqueue_now", lambda ids: True)
    monkeypatch.setattr("reporting.services.drafting.documents_enqueue", lambda version_id: True)
    settings.MEDIA_ROOT = tmp_path / "media"


def _every_event(officer, officer2, handler, handler2, staff):
    # A case assigned to someone else, reassigned (its deadlines follow), a task, an item.
    incident = incident_services.incident_create(
        title="客户数据疑似泄露",
        category="data_security",
        source="internal",
        discovered_at=timezone.now() - timedelta(hours=1),
        assignee=handler,
        actor=officer,
    )
    incident_services.incident_grade(incident=incident, actor=handler, grade="IV", reason="按事实")
    incident_services.incident_update(incident=incident, actor=officer, assignee=handler2)
    incident_services.task_create(
        incident=incident,
        actor=handler2,
        title="封堵接口",
        assignee=handler,
        due_at=timezone.now() + timedelta(hours=3),
    )
    incident_services.rectification_create(
        incident=incident,
        actor=handler2,
        title="补充审计日志",
        owner=staff,
        due_at=timezone.now() + timedelta(days=5),
    )
    incident_services.concern_submit(reporter=staff, summary="可疑的导出请求")
    # A report drafted, sent for approval and returned.
    report = RegulatoryReport.objects.filter(incident=incident).order_by("id").first()
    if report is not None:
        from reporting import content

        fields = {k: "已填写" for k in content.REQUIRED_FIELDS[report.stage]}
        reporting_services.report_update(report=report, content=fields, actor=handler2)
        reporting_services.report_request_approval(report=report, actor=handler2)
        reporting_services.report_reject(report=report, actor=officer, comment="请补充")
    reporting_services.intelligence_create(
        actor=handler,
        kind=RiskIntelligence.Kind.DATA_FOR_SALE,
        party=RiskIntelligence.Party.FIRM,
        summary="论坛出售疑似客户数据",
        source="暗网监测",
        observed_at=timezone.now(),
    )
    # An agreement submitted and returned.
    counterparty = governance_services.counterparty_create(
        actor=officer,
        kind="service",
        name="某数据服务商",
        credit_code="914403001922038216",
    )
    agreement = governance_services.agreement_create(
        actor=officer,
        document=ContentFile(b"%PDF-1.4\nsigned", name="signed.pdf"),
        title="数据共享协议",
        counterparty=counterparty,
        scope="external",
        firm_role="provider",
        counterparty_role="recipient",
        data_categories="客户信息",
        permissions="只读",
        firm_responsibilities="提供数据",
        counterparty_responsibilities="安全使用",
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 12, 31),
        max_data_level=3,
        max_sharing_tier="restricted",
        owner=officer,
    )
    governance_services.agreement_submit(agreement=agreement, actor=officer)
    governance_services.agreement_return(agreement=agreement, actor=officer2, comment="补充")
    # A sharing request waiting at the gate, and a transfer the ledger does not match.
    from tests.governance.sharing_fixtures import walk_sharing_events

    walk_sharing_events(
        officer=officer, officer2=officer2, requester=handler2, counterparty=counterparty
    )
    # A monitoring alert.
    from integrations.models import AlertSource
    from tests.integrations.test_alerts import payload, post

    source = AlertSource.objects.create(name="SIEM", slug="siem", kind="siem")
    return source, payload, post


def test_every_event_kind_links_each_recipient_to_a_page_they_may_open(
    client, officer, officer2, handler, handler2, staff, auditor
):
    source, payload, post = _every_event(officer, officer2, handler, handler2, staff)
    post(client, source, payload())
    sent = {
        key.split(":")[1]
        for key in Outbox.objects.filter(key__startswith="e:").values_list("key", flat=True)
    }
    assert sent == set(kinds()), f"kinds without a walk case: {set(kinds()) - sent}"
    from notifications.delivery import deliver_batch

    deliver_batch(list(Outbox.objects.filter(state="pending").values_list("id", flat=True)))
    items = InboxItem.objects.filter(outbox__key__startswith="e:").select_related("user")
    assert items.exists()
    checked = set()
    for item in items:
        client.force_login(item.user)
        path = item.url.split("#")[0]
        answer = client.get(path)
        kind = item.outbox.key.split(":")[1]
        assert answer.status_code == 200, (kind, item.user.username, item.url)
        checked.add((kind, item.user.username))
    print(sorted(checked))
