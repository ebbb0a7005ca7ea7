"""The standard §5: an agreement suspended until the partner's remedy is verified refuses
every new share under it, with the reason; only compliance officers suspend and resume."""

import pytest
from django.urls import reverse

from accounts import policy
from accounts.policy import PolicyDenied
from audit.models import AuditEntry
from core.errors import ApplicationError
from governance import services
from governance.models import SharingRegistration

from .test_registrations import register

pytestmark = pytest.mark.django_db

REASON = "合作方发生数据泄露，整改未验证"


def test_suspension_refuses_a_share_with_the_reason_and_resume_allows_it(
    active_agreement, counterparty, handler, officer
):
    services.agreement_suspend(agreement=active_agreement, actor=officer, reason=REASON)
    active_agreement.refresh_from_db()
    assert active_agreement.is_suspended and active_agreement.suspended_by == officer

    with pytest.raises(ApplicationError) as refused:
        register(handler, counterparty, active_agreement)
    assert "suspended" in refused.value.message and REASON in refused.value.message
    assert not SharingRegistration.objects.exists()

    services.agreement_resume(agreement=active_agreement, actor=officer, note="复测通过，已验证")
    active_agreement.refresh_from_db()
    assert not active_agreement.is_suspended
    assert active_agreement.resume_note == "复测通过，已验证"
    assert register(handler, counterparty, active_agreement).state == "approved"


def test_a_waiting_bulk_share_cannot_be_approved_while_suspended(
    active_agreement, counterparty, handler, officer, officer2
):
    waiting = register(
        handler, counterparty, active_agreement, is_bulk_one_time=True, record_count=9
    )
    services.agreement_suspend(agreement=active_agreement, actor=officer, reason=REASON)
    with pytest.raises(ApplicationError, match="suspended"):
        services.sharing_registration_approve(registration=waiting, actor=officer2)


def test_suspension_needs_a_reason_and_is_audited(active_agreement, officer):
    with pytest.raises(ApplicationError, match="Say why"):
        services.agreement_suspend(agreement=active_agreement, actor=officer, reason=" ")
    services.agreement_suspend(agreement=active_agreement, actor=officer, reason=REASON)
    with pytest.raises(ApplicationError, match="already suspended"):
        services.agreement_suspend(agreement=active_agreement, actor=officer, reason=REASON)
    with pytest.raises(ApplicationError, match="Say how"):
        services.agreement_resume(agreement=active_agreement, actor=officer, note="")
    entries = AuditEntry.objects.filter(object_pk=str(active_agreement.pk))
    assert any("suspension_reason" in str(e.changes) for e in entries)


def test_only_officers_may_suspend_or_resume(active_agreement, handler, staff, officer):
    active_agreement.owner = handler
    for user in (handler, staff):
        assert not policy.allows(user, "governance.agreement.suspend", active_agreement)
        with pytest.raises(PolicyDenied):
            services.agreement_suspend(agreement=active_agreement, actor=user, reason=REASON)
    assert policy.allows(officer, "governance.agreement.suspend", active_agreement)
    services.agreement_suspend(agreement=active_agreement, actor=officer, reason=REASON)
    with pytest.raises(PolicyDenied):
        services.agreement_resume(agreement=active_agreement, actor=handler, note="已整改")


def test_agreement_page_and_api_show_the_suspension(active_agreement, officer, handler, client_for):
    url = reverse("governance:api-agreement-suspend", args=[active_agreement.pk])
    assert client_for(handler).post(url, {"comment": REASON}).status_code == 403
    answer = client_for(officer).post(url, {"comment": REASON})
    assert answer.status_code == 200 and answer.json()["suspension_reason"] == REASON
    assert answer.json()["suspended_at"]
    page = client_for(officer).get(active_agreement.get_absolute_url())
    assert page.status_code == 200 and REASON in page.content.decode()
    url = reverse("governance:api-agreement-resume", args=[active_agreement.pk])
    answer = client_for(officer).post(url, {"comment": "复测通过"})
    assert answer.status_code == 200 and answer.json()["suspended_at"] is None
