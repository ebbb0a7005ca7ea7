"""The incidents pages' fields come from their form classes (rendered by the product's crispy
renderer): a label tied to each field, the required mark, the class's limits, errors as on every
other form. Posted names, redirects and messages stay those the pages had."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from incidents import services
from incidents.models import Concern, RectificationItem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


def _zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def _label(html: str, field_id: str) -> str:
    """The text of the <label for=field_id> (tags stripped, spaces squeezed)."""
    match = re.search(rf'<label\s[^>]*for="{field_id}"[^>]*>(.*?)</label>', html, re.S)
    assert match, f"no label for {field_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _item(incident, handler, owner, title):
    return services.rectification_create(
        title=title,
        owner=owner,
        due_at=timezone.now() + timedelta(days=7),
        actor=handler,
        incident=incident,
    )


def test_my_rectification_items_render_the_done_form_per_item(client_for, incident, handler, staff):
    first = _item(incident, handler, staff, "更新补丁")
    second = _item(incident, handler, staff, "复核权限")
    client = client_for(staff)
    page = client.get(reverse("incidents:my-rectifications")).content.decode()

    for item in (first, second):
        note, file = f"id_r{item.pk}_note", f"id_r{item.pk}_file"
        # The label, with the required mark, and the class's limit on the field.
        assert _label(page, note) == _zh("What was done") + " *"
        assert _label(page, file) == _zh("Evidence")
        assert re.search(rf'<textarea name="note"[^>]*maxlength="2000"[^>]*id="{note}"', page)
        assert re.search(rf'<input type="file" name="file"[^>]*id="{file}"', page)
    assert page.count('name="note"') == 2 and page.count('name="file"') == 2

    # An empty note is refused in Chinese; the page comes back with the field and its label.
    url = reverse("incidents:rectification-action", args=[first.pk, "complete"])
    response = client.post(url, {"note": "  "}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("incidents:my-rectifications")
    assert _messages(response) == ["请说明完成了哪些工作。"]
    assert _label(response.content.decode(), f"id_r{first.pk}_note") == _zh("What was done") + " *"
    first.refresh_from_db()
    assert first.state == RectificationItem.State.OPEN

    # The note and the file are posted under the names the page always used.
    response = client.post(url, {"note": "已更新补丁"}, follow=True)
    first.refresh_from_db()
    assert first.state == RectificationItem.State.DONE and first.completion_note == "已更新补丁"


def test_concern_page_message_form_comes_from_its_class(client_for, staff, handler):
    concern = Concern.objects.create(reporter=staff, summary="收到可疑钓鱼邮件", details="附件")
    client = client_for(handler)
    page = client.get(reverse("incidents:concern-detail", args=[concern.pk])).content.decode()
    # The design system's page: a page header and cards, no longer the old markup.
    assert 'class="page-header"' in page and 'class="card-header' in page
    assert '<dl class="grid">' not in page
    form = re.search(r'<form[^>]*id="concern-message".*?</form>', page, re.S).group(0)
    assert _label(form, "id_body") == _zh("Message") + " *"
    assert re.search(r'<textarea name="body"[^>]*maxlength="5000"[^>]*required', form)

    url = reverse("incidents:concern-message", args=[concern.pk])
    response = client.post(url, {"body": ""}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("incidents:concern-detail", args=[concern.pk])
    assert _messages(response) == ["该字段是必填项。"]
    response = client.post(url, {"body": "请补充发件人地址"}, follow=True)
    assert _messages(response) == [_zh("Message sent.")]
    assert concern.messages.get().body == "请补充发件人地址"


def test_list_filters_and_bulk_toolbar_come_from_classes(client_for, incident, handler):
    client = client_for(handler)
    page = client.get(reverse("incidents:list"), {"overdue": "1", "status": "nope"})
    html = page.content.decode()
    # The overdue checkbox: a labelled field of the filter form; overdue=1 still ticks it.
    assert _label(html, "f-overdue") == _zh("Overdue only")
    assert re.search(r'<input type="checkbox" name="overdue" value="1"[^>]*checked', html)
    # A status the list does not know is said under its field.
    assert re.search(r'<select name="status"[^>]*is-invalid', html)
    # The toolbar's selects keep their names and no field blocks the other buttons.
    toolbar = re.search(r'<form id="bulk-form".*?</form>', html, re.S).group(0)
    assert '<select name="assignee"' in toolbar and '<select name="status"' in toolbar
    assert 'name="tag"' in toolbar and " required" not in toolbar


def test_bulk_assign_without_a_person_is_refused(client_for, incident, handler):
    client = client_for(handler)
    response = client.post(
        reverse("incidents:bulk-assign"),
        {"ids": [incident.pk], "assignee": "", "back": "/incidents/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/incidents/"
    assert _messages(response) == [_zh("Choose who to assign to.")]


def test_concern_queue_state_filter_is_labelled(client_for, handler):
    html = client_for(handler).get(reverse("incidents:concern-queue"), {"state": "closed"})
    html = html.content.decode()
    assert _label(html, "id_state") == _zh("State")
    assert re.search(r'<option value="closed" selected>', html)
