"""The standard §5: intelligence about a partner becomes a partner incident linked to the
partner's agreement, with the investigation task, the follow-up deadline and an e-mail to the
partner's security contact (queued once, recorded on the case)."""

import datetime
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from governance import services as governance
from governance.models import Counterparty
from incidents import deadline_links
from incidents.models import IncidentTask, TimelineEntry
from notifications.channels import email_message
from notifications.models import Outbox
from reporting import services
from reporting.models import RiskIntelligence

pytestmark = pytest.mark.django_db

SECURITY = "security@partner.example.com"


@pytest.fixture
def partner(officer, officer2):
    cp = governance.counterparty_create(
        kind=Counterparty.Kind.SERVICE,
        name="某数据服务有限公司",
        credit_code="914403001922038216",
        actor=officer,
    )
    governance.counterparty_contact_add(
        counterparty=cp, name="王安全", email=SECURITY, is_security_contact=True, actor=officer
    )
    governance.counterparty_contact_add(
        counterparty=cp, name="李商务", email="sales@partner.example.com", actor=officer
    )
    today = timezone.localdate()
    agreement = governance.agreement_create(
        actor=officer,
        document=ContentFile(b"%PDF-1.4\nsigned", name="signed.pdf"),
        title="数据委托处理协议",
        counterparty=cp,
        scope="external",
        firm_role="provider",
        counterparty_role="processor",
        data_categories="客户信息",
        permissions="只读",
        firm_responsibilities="提供数据",
        counterparty_responsibilities="安全使用",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=300),
        max_data_level=3,
        max_sharing_tier="restricted",
        owner=officer,
    )
    governance.agreement_submit(agreement=agreement, actor=officer)
    governance.agreement_approve(agreement=agreement, actor=officer2)
    return cp, agreement


def intel(handler, **extra):
    fields = dict(
        kind=RiskIntelligence.Kind.DATA_FOR_SALE,
        party=RiskIntelligence.Party.PARTNER,
        summary="合作方泄露的本公司客户数据在论坛出售",
        source="暗网监测",
        observed_at=timezone.now() - timedelta(hours=2),
    )
    fields.update(extra)
    return services.intelligence_create(actor=handler, **fields)


def test_promoting_partner_intelligence_opens_a_linked_partner_incident(partner, handler):
    cp, agreement = partner
    item = intel(handler, counterparty=cp)
    assert item.party_name == cp.name  # filled from the register

    incident = services.intelligence_promote(item=item, actor=handler)

    assert incident.counterparty == cp and incident.agreement == agreement
    assert incident.is_partner_incident
    task = incident.tasks.get(kind=IncidentTask.Kind.INVESTIGATION)
    assert cp.name in task.title and task.assignee == handler
    followup = deadline_links._active(incident, deadline_links.PARTNER_FOLLOWUP)
    assert followup is not None and followup.owner == handler


def test_the_security_contact_is_emailed_once_and_it_is_recorded(partner, handler, client_for):
    cp, agreement = partner
    incident = services.intelligence_promote(item=intel(handler, counterparty=cp), actor=handler)

    (row,) = Outbox.objects.filter(channel="email", address__isnull=False).exclude(address="")
    assert row.address == SECURITY and row.recipient is None and row.url == ""
    assert incident.reference in row.subject and agreement.reference in row.body
    assert email_message(row).to == [SECURITY]

    (entry,) = incident.timeline.filter(kind=TimelineEntry.Kind.PARTNER_NOTICE)
    assert SECURITY in entry.text and "王安全" in entry.text and row.subject in entry.text
    assert "sales@partner.example.com" not in entry.text

    # The same case cannot e-mail the contact twice (the outbox key is per case and contact).
    from incidents.services.cases import _notify_partner_security_contacts

    _notify_partner_security_contacts(incident, handler)
    assert Outbox.objects.exclude(address="").count() == 1

    page = client_for(handler).get(incident.get_absolute_url())
    assert page.status_code == 200 and SECURITY in page.content.decode()


def test_an_unregistered_partner_keeps_its_name_and_still_gets_the_investigation(handler):
    item = intel(handler, party_name="某未登记外包商")
    incident = services.intelligence_promote(item=item, actor=handler)
    assert incident.counterparty is None and incident.counterparty_name == "某未登记外包商"
    assert incident.tasks.filter(kind=IncidentTask.Kind.INVESTIGATION).exists()
    assert not Outbox.objects.exclude(address="").exists()


def test_intelligence_about_the_firm_is_no_partner_incident(handler):
    item = intel(handler, party=RiskIntelligence.Party.FIRM)
    incident = services.intelligence_promote(item=item, actor=handler)
    assert not incident.is_partner_incident
    assert not incident.tasks.filter(kind=IncidentTask.Kind.INVESTIGATION).exists()
