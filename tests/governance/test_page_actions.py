"""Governance page actions: one URL per action, POST only, each through core.pages (a service's
refusal is a message on the page it returns to)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from governance import services
from governance.models import ActionItem, MeetingDecision


@pytest.fixture
def meeting(officer, handler):
    return services.meeting_create(
        kind="quarterly_security",
        title="Q2 会议",
        scheduled_at=timezone.now() + datetime.timedelta(days=3),
        organiser=officer,
        attendees=[officer, handler],
        agenda="1. 数据质量",
        location="3F",
        actor=officer,
    )


@pytest.fixture
def draft(make_agreement, counterparty):
    today = datetime.date.today()
    return make_agreement(
        counterparty,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=300),
        approve=False,
    )


def _form_targets(html: str) -> list[str]:
    return re.findall(r'(?:action|formaction)="([^"]+)"', html)


def test_meeting_page_posts_each_action_to_its_own_url(meeting, officer, client_for):
    html = client_for(officer).get(meeting.get_absolute_url()).content.decode()
    assert 'name="action"' not in html
    targets = set(_form_targets(html))
    for name in ("meeting-invite", "meeting-held", "meeting-minutes", "meeting-minutes-approve"):
        assert reverse(f"governance:{name}", args=[meeting.pk]) in targets
    assert reverse("governance:meeting-decision", args=[meeting.pk]) in targets


def test_a_decision_and_an_action_item_through_their_urls(meeting, officer, handler, client_for):
    client = client_for(officer)
    url = reverse("governance:meeting-decision", args=[meeting.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"text": "批准年度计划"}, follow=True)
    assert MeetingDecision.objects.get(meeting=meeting).text == "批准年度计划"
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    client.post(
        reverse("governance:meeting-action-item", args=[meeting.pk]),
        {"title": "更新台账", "owner": handler.pk, "due_on": "2030-01-31"},
    )
    item = ActionItem.objects.get(meeting=meeting)
    client.post(reverse("governance:action-item-done", args=[meeting.pk, item.pk]))
    item.refresh_from_db()
    assert item.done_at is not None


def test_a_refused_step_is_a_message_on_the_page(meeting, officer, client_for):
    client = client_for(officer)
    # Approving minutes that were never written: the service refuses, the page says why.
    response = client.post(
        reverse("governance:meeting-minutes-approve", args=[meeting.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == meeting.get_absolute_url()
    meeting.refresh_from_db()
    assert not meeting.minutes_locked
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_agreement_buttons_post_to_one_url_each(draft, officer, client_for):
    client = client_for(officer)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert 'name="action"' not in html
    assert reverse("governance:agreement-submit", args=[draft.pk]) in _form_targets(html)
    client.post(reverse("governance:agreement-submit", args=[draft.pk]), {"comment": ""})
    draft.refresh_from_db()
    assert draft.approval_state == "submitted"


def test_a_role_that_may_not_write_is_refused(meeting, auditor, client_for):
    response = client_for(auditor).post(
        reverse("governance:meeting-decision", args=[meeting.pk]), {"text": "x"}
    )
    assert response.status_code in (403, 404)
    assert not MeetingDecision.objects.exists()


def _said(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m.message)) for m in response.context["messages"]]


def test_a_form_the_action_rejects_is_one_message_back_on_the_record(
    meeting, draft, officer, client_for
):
    """The page's own message where it has one, else the form's errors; nothing is written."""
    client = client_for(officer)

    def post(name, pk, data=None):
        url = reverse(f"governance:{name}", args=[pk])
        return client.post(url, data or {}, follow=True, HTTP_ACCEPT_LANGUAGE="en")

    response = post("meeting-held", meeting.pk)
    assert _said(response) == [("error", "Record who was present.")]
    assert response.redirect_chain[-1][0] == meeting.get_absolute_url()
    response = post("meeting-action-item", meeting.pk, {"title": "更新台账"})
    assert _said(response) == [("error", "An action needs a title, an owner and a due date.")]
    response = post("meeting-attachment", meeting.pk)
    assert _said(response) == [("error", "This field is required.")]
    response = post("agreement-document", draft.pk)
    assert _said(response) == [("error", "This field is required.")]
    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    assert not ActionItem.objects.exists()


def test_the_signed_document_reaches_the_service_under_its_name(draft, officer, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client_for(officer).post(
        reverse("governance:agreement-document", args=[draft.pk]),
        {"document": pdf, "signed_on": "2026-01-05"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert _said(response) == [("success", "Document stored.")]
    draft.refresh_from_db()
    assert draft.document_sha256 and str(draft.signed_on) == "2026-01-05"
