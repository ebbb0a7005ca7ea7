import datetime
import hashlib

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from core.errors import ApplicationError
from deadlines.models import Deadline
from deadlines.sweeper import sweep_steps
from governance import services
from governance.models import ContactRole, CooperationAgreement
from notifications.models import Outbox

pytestmark = pytest.mark.django_db

D = datetime.date


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_uncontrolled_area_needs_non_plaintext_and_assessment(make_agreement, counterparty):
    kwargs = dict(starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31), approve=False)
    with pytest.raises(ApplicationError, match="non-plaintext"):
        make_agreement(counterparty, area="uncontrolled", **kwargs)
    with pytest.raises(ApplicationError, match="special security assessment"):
        make_agreement(counterparty, area="uncontrolled", non_plaintext_only=True, **kwargs)
    agreement = make_agreement(
        counterparty,
        area="uncontrolled",
        non_plaintext_only=True,
        special_assessment="风险可控",
        special_assessment_on=D(2025, 12, 1),
        **kwargs,
    )
    assert agreement.reference.startswith("XY-2026-")
    assert len(agreement.document_sha256) == 64


def test_internal_agreement_needs_internal_counterparty(make_agreement, counterparty):
    with pytest.raises(ApplicationError, match="internal department"):
        make_agreement(
            counterparty, starts_on=D(2026, 1, 1), ends_on=D(2026, 2, 1), scope="internal"
        )


@time_machine.travel(datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC), tick=False)
def test_status_is_derived_from_dates_and_approvals(make_agreement, counterparty, officer):
    draft = make_agreement(
        counterparty, starts_on=D(2026, 1, 1), ends_on=D(2027, 1, 1), approve=False
    )
    assert draft.status == "draft"
    services.agreement_submit(agreement=draft, actor=officer)
    assert draft.status == "under_review"
    active = make_agreement(counterparty, starts_on=D(2026, 1, 1), ends_on=D(2027, 1, 1))
    expiring = make_agreement(counterparty, starts_on=D(2026, 1, 1), ends_on=D(2026, 4, 15))
    expired = make_agreement(counterparty, starts_on=D(2025, 1, 1), ends_on=D(2026, 2, 1))
    future = make_agreement(counterparty, starts_on=D(2026, 6, 1), ends_on=D(2027, 1, 1))
    assert (active.status, expiring.status, expired.status, future.status) == (
        "active",
        "expiring",
        "expired",
        "scheduled",
    )
    # The SQL annotation agrees with the property.
    annotated = dict(CooperationAgreement.objects.with_status().values_list("pk", "status_code"))
    for a in (draft, active, expiring, expired, future):
        assert annotated[a.pk] == a.status


def test_only_an_officer_other_than_the_owner_approves(
    make_agreement, counterparty, officer, handler
):
    agreement = make_agreement(
        counterparty, starts_on=D(2026, 1, 1), ends_on=D(2027, 1, 1), approve=False
    )
    services.agreement_submit(agreement=agreement, actor=officer)
    with pytest.raises(ApplicationError, match="compliance officer"):
        services.agreement_approve(agreement=agreement, actor=handler)
    with pytest.raises(ApplicationError, match="owner"):
        services.agreement_approve(agreement=agreement, actor=officer)


def test_submit_needs_the_signed_document(counterparty, officer):
    agreement = services.agreement_create(
        actor=officer,
        title="t",
        counterparty=counterparty,
        scope="external",
        firm_role="provider",
        counterparty_role="processor",
        data_categories="x",
        permissions="x",
        firm_responsibilities="x",
        counterparty_responsibilities="x",
        starts_on=D(2026, 1, 1),
        ends_on=D(2026, 6, 1),
        max_data_level=2,
        max_sharing_tier="internal",
    )
    with pytest.raises(ApplicationError, match="signed agreement document"):
        services.agreement_submit(agreement=agreement, actor=officer)
    services.agreement_attach_document(
        agreement=agreement, file=ContentFile(b"%PDF-1.4\nabc", name="a.pdf"), actor=officer
    )
    assert agreement.document_sha256 == hashlib.sha256(b"%PDF-1.4\nabc").hexdigest()


def _owner_messages(deadline):
    return list(
        Outbox.objects.filter(deadline=deadline, channel="inapp")
        .order_by("scheduled_for")
        .values_list("recipient__username", "scheduled_for")
    )


def test_renewal_reminders_fire_at_minus_60_30_7_days_and_expiry_escalates(
    make_agreement, counterparty, officer, officer2, handler
):
    services.contact_role_assign(
        role=ContactRole.COMPLIANCE_HEAD, holder=handler, valid_from=D(2025, 1, 1), actor=officer
    )
    ends = D(2026, 12, 31)
    with time_machine.travel(at(D(2026, 1, 5)), tick=False):
        agreement = make_agreement(counterparty, starts_on=D(2026, 1, 1), ends_on=ends)
    (deadline,) = Deadline.objects.filter(kind__code="governance.agreement.expiry")
    assert deadline.subject == agreement and deadline.owner == officer
    assert timezone.localtime(deadline.due_at) == at(ends, 9)

    fired = []
    for days_before in (61, 60, 31, 30, 8, 7, 1, 0):
        moment = at(ends - datetime.timedelta(days=days_before), 9) + datetime.timedelta(minutes=1)
        with time_machine.travel(moment, tick=False):
            sweep_steps(now=moment)
        fired.append(len(_owner_messages(deadline)))
    # Nothing before −60d; one more to the owner at −60, −30, −7; owner and head at expiry.
    assert fired == [0, 1, 1, 2, 2, 3, 3, 5]
    recipients = [r for r, _ in _owner_messages(deadline)]
    assert recipients[:3] == ["officer", "officer", "officer"]
    assert sorted(recipients[3:]) == ["handler", "officer"]  # expiry: owner and compliance head
    days = [(ends - timezone.localtime(s).date()).days for _, s in _owner_messages(deadline)]
    assert days[:3] == [60, 30, 7]


def test_amendment_renews_parent_and_termination_cancels(make_agreement, counterparty, officer):
    today = timezone.localdate()
    parent = make_agreement(
        counterparty,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=40),
    )
    amendment = make_agreement(
        counterparty,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=400),
        parent=parent,
    )
    assert amendment in parent.amendments.all()
    parent_deadline = Deadline.objects.get(
        object_id=parent.pk, kind__code="governance.agreement.expiry"
    )
    assert parent_deadline.state == Deadline.State.MET
    services.agreement_terminate(agreement=amendment, actor=officer, reason="合作终止")
    d = Deadline.objects.get(object_id=amendment.pk, kind__code="governance.agreement.expiry")
    assert d.state == Deadline.State.CANCELLED
    assert amendment.status == "terminated"


def test_approved_agreement_cannot_be_edited(active_agreement, officer):
    with pytest.raises(ApplicationError, match="amendment"):
        services.agreement_update(agreement=active_agreement, actor=officer, title="new")


def test_agreement_pages_and_api(client_for, active_agreement, officer, staff, auditor):
    client = client_for(officer)
    assert client.get("/governance/agreements/").status_code == 200
    page = client.get(f"/governance/agreements/{active_agreement.pk}/")
    assert page.status_code == 200 and active_agreement.reference in page.content.decode()
    data = client.get("/api/governance/agreements/").json()
    assert data["count"] == 1 and data["results"][0]["status"] == "active"
    # Staff see only agreements they own.
    assert client_for(staff).get("/api/governance/agreements/").json()["count"] == 0
    assert (
        client_for(staff).get(f"/governance/agreements/{active_agreement.pk}/").status_code == 404
    )
    # Auditors read but never write.
    assert client_for(auditor).get("/api/governance/agreements/").json()["count"] == 1
    r = client_for(auditor).post(f"/api/governance/agreements/{active_agreement.pk}/submit/")
    assert r.status_code == 403
