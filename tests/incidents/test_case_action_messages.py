"""What a handler reads after each action on a case: the form's own complaint, the page's
message for a form it rejects, the service's refusal, or the success; always back on the case."""

import pytest
from django.urls import reverse

from incidents.models import Comment, RectificationItem, TimelineEntry


def _post(client, url, data=None, **extra):
    response = client.post(url, data or {}, follow=True, HTTP_ACCEPT_LANGUAGE="en", **extra)
    return response, [(m.level_tag, str(m.message)) for m in response.context["messages"]]


@pytest.fixture
def as_handler(client_for, handler):
    return client_for(handler)


def test_a_comment_without_text_says_what_is_missing(as_handler, incident):
    response, said = _post(as_handler, reverse("incidents:comment-add", args=[incident.pk]))
    assert said == [("error", "Enter a comment.")]
    assert response.redirect_chain[-1][0] == incident.get_absolute_url()
    assert not Comment.objects.filter(incident=incident).exists()

    _response, said = _post(
        as_handler, reverse("incidents:comment-add", args=[incident.pk]), {"body": "已联系厂商"}
    )
    assert said == []  # a comment shows on the page, without a message
    assert Comment.objects.get(incident=incident).body == "已联系厂商"


def test_a_task_form_it_rejects_has_the_pages_own_message(as_handler, incident):
    _response, said = _post(as_handler, reverse("incidents:task-add", args=[incident.pk]))
    assert said == [("error", "Enter a task title.")]
    _response, said = _post(
        as_handler, reverse("incidents:task-add", args=[incident.pk]), {"title": "隔离主机"}
    )
    assert said == [("success", "Task added.")]


def test_grading_with_an_unknown_grade_asks_to_check_the_form(as_handler, incident):
    _response, said = _post(
        as_handler, reverse("incidents:grade", args=[incident.pk]), {"grade": "XX"}
    )
    assert said == [("error", "Check the grading form.")]


def test_a_timeline_entry_and_its_missing_text(as_handler, incident):
    url = reverse("incidents:timeline-add", args=[incident.pk])
    _response, said = _post(as_handler, url, {"kind": "note"})
    assert said == [("error", "Enter the timeline text.")]
    _response, said = _post(as_handler, url, {"kind": "note", "text": "防火墙已阻断"})
    assert said == []
    assert TimelineEntry.objects.filter(incident=incident, text="防火墙已阻断").exists()


def test_status_moves_say_what_is_wrong(as_handler, incident):
    _response, said = _post(as_handler, reverse("incidents:transition", args=[incident.pk, "x"]))
    assert said == [("error", "Unknown action.")]
    # A new case cannot be summarised: the form is fine, the service refuses the move.
    _response, said = _post(
        as_handler,
        reverse("incidents:transition", args=[incident.pk, "summarise"]),
        {"summary": "总结"},
    )
    assert said == [("error", "An incident that is “New” cannot move to “Summarised”.")]
    _response, said = _post(
        as_handler, reverse("incidents:transition", args=[incident.pk, "resolve"])
    )
    assert said == [("error", "This field is required. This field is required.")]


def test_a_rectification_item_and_its_note(as_handler, incident, handler):
    _response, said = _post(
        as_handler,
        reverse("incidents:rectification-add", args=[incident.pk]),
        {"title": "补丁", "owner": handler.pk, "due_at": "2030-01-31T12:00"},
    )
    assert said == [("success", "Rectification item added.")]
    item = RectificationItem.objects.get(incident=incident)
    url = reverse("incidents:rectification-action", args=[item.pk, "complete"])
    _response, said = _post(as_handler, url)
    assert said == [("error", "Describe what was done.")]
    _response, said = _post(as_handler, url, {"note": "x" * 2001})
    assert said == [("error", "Ensure this value has at most 2000 characters (it has 2001).")]
    response, said = _post(as_handler, url, {"note": "已打补丁"})
    assert said == []
    assert response.redirect_chain[-1][0] == incident.get_absolute_url()
    item.refresh_from_db()
    assert item.state == RectificationItem.State.DONE
