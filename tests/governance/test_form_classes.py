"""Governance pages render their fields from the form classes their actions validate: labels,
required marks, help text and errors as on every other form (no hand-written fields)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from governance import services
from governance.models import AdoptedChange, MeetingDecision, SharingRequest

from .test_sharing_pages import form as request_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for, settings):
    """The pages in their default language (the governance tests otherwise read English)."""
    settings.LANGUAGE_CODE = "zh-hans"

    def make(user):
        client = client_for(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
        return client

    return make


@pytest.fixture
def meeting(officer, handler):
    return services.meeting_create(
        kind="annual_review",
        title="年度流程评审",
        scheduled_at=timezone.now() + datetime.timedelta(days=3),
        organiser=officer,
        attendees=[officer, handler],
        agenda="1. 流程",
        location="3F",
        actor=officer,
    )


def _said(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m.message)) for m in response.context["messages"]]


def test_the_meeting_page_renders_minutes_and_decision_from_their_forms(
    meeting, officer, client_for
):
    html = client_for(officer).get(meeting.get_absolute_url()).content.decode()
    # MinutesForm: its help text, its label kept for screen readers.
    assert re.search(r'<div id="id_minutes_helptext" class="form-text">保留基本格式', html)
    assert 'for="id_minutes" class="form-label visually-hidden"' in html
    # TextForm: the decision's label with its required mark.
    assert re.search(r'for="id_text" class="form-label requiredField">\s*决议<span', html)
    # AdoptedChangeForm: the kind offered from the class, with its label.
    assert re.search(r'<select name="kind"[^>]*id="id_adopt_kind"', html)
    assert len(re.findall(r'id="id_text"', html)) == 1
    # AttachmentForm
    assert 'id="div_id_file"' in html


def test_a_decision_or_minutes_the_form_rejects_is_said_and_nothing_is_saved(
    meeting, officer, client_for
):
    client = client_for(officer)
    response = client.post(
        reverse("governance:meeting-decision", args=[meeting.pk]), {"text": ""}, follow=True
    )
    assert _said(response) == [("error", "决议需要填写内容。")]
    response = client.post(
        reverse("governance:meeting-minutes", args=[meeting.pk]),
        {"minutes": "纪" * 50001},
        follow=True,
    )
    [(level, text)] = _said(response)
    assert level == "error" and "50000" in text
    meeting.refresh_from_db()
    assert not meeting.minutes and not MeetingDecision.objects.exists()


def test_an_adopted_change_of_no_known_kind_is_refused_in_words(meeting, officer, client_for):
    response = client_for(officer).post(
        reverse("governance:meeting-adopt", args=[meeting.pk]),
        {"kind": "whatever", "text": "改进流程"},
        follow=True,
    )
    assert _said(response) == [("error", "请说明是预案修改还是流程修改。")]
    assert not AdoptedChange.objects.exists()


def test_an_empty_refusal_comment_is_refused_in_chinese(
    client_for, catalogue, active_agreement, requester, handler
):
    client_for(requester).post(
        reverse("governance:sharing-request-create"),
        request_form(active_agreement, [catalogue["JY-001"]]),
    )
    request = SharingRequest.objects.get()
    page = client_for(handler).get(request.get_absolute_url()).content.decode()
    assert re.search(r'<textarea name="comment"[^>]*id="id_comment"', page)
    assert "拒绝时必填。" in page
    response = client_for(handler).post(
        reverse("governance:sharing-request-refuse", args=[request.pk]),
        {"comment": "  "},
        follow=True,
    )
    assert _said(response) == [("error", "请说明拒绝共享的原因。")]
    request.refresh_from_db()
    assert request.state == SharingRequest.State.PENDING


@pytest.mark.parametrize("days", ["abc", "0", "99999", ""])
def test_the_usage_period_falls_back_to_ninety_days(days, client_for, officer):
    response = client_for(officer).get(reverse("governance:ledger-usage"), {"days": days})
    assert response.status_code == 200
    assert response.context["days"] == 90
    html = response.content.decode()
    assert re.search(r'<input type="number" name="days"', html)
    if days:
        assert "invalid-feedback" in html
