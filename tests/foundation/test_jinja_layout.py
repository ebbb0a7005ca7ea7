"""The incident list and page are rendered with Jinja2 and its own copy of the layout: they must
show the same header (navigation, inbox, language menu, user, sign-out) as every page Django
renders."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _header(html: str) -> str:
    header = re.search(r"<header.*?</header>", html, re.S).group(0)
    header = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", header)
    header = re.sub(r'name="next" type="hidden" value="[^"]*"', "NEXT", header)
    header = header.replace("&amp;", "&")  # Jinja2 escapes "&" in labels, Django does not
    return re.sub(r"\s+", " ", header)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_jinja_and_django_layouts_show_the_same_header(
    client_for, handler, language, settings, monkeypatch
):
    from django.utils import timezone

    from incidents import services
    from notifications.delivery import deliver_batch
    from notifications.services import notify

    settings.LANGUAGE_CODE = language
    monkeypatch.setattr("notifications.dispatch.enqueue_now", lambda ids: True)
    deliver_batch(notify(recipients=[handler], subject="请审批首报", channels=["inapp"]))

    incident = services.incident_create(
        title="客户数据疑似泄露",
        category="data_security",
        source="internal",
        discovered_at=timezone.now(),
        assignee=handler,
        actor=handler,
    )
    client = client_for(handler)
    jinja_page = client.get(f"/incidents/{incident.pk}/").content.decode()
    django_page = client.get("/incidents/concerns/mine/").content.decode()
    assert "{% " not in django_page and 'class="topbar"' in django_page
    assert _header(jinja_page) == _header(django_page)
    assert f'<html lang="{language}">' in jinja_page and f'<html lang="{language}">' in django_page
    assert "badge danger" in _header(jinja_page)  # the unread count
    assert "/incidents/concerns/new/" in _header(jinja_page)  # the navigation


def test_messages_show_on_the_jinja_page(client_for, handler):
    from django.utils import timezone

    from incidents import services

    incident = services.incident_create(
        title="客户数据疑似泄露",
        category="data_security",
        source="internal",
        discovered_at=timezone.now(),
        assignee=handler,
        actor=handler,
    )
    client = client_for(handler)
    resp = client.post(f"/incidents/{incident.pk}/grade/", {"grade": "", "reason": ""}, follow=True)
    html = resp.content.decode()
    assert '<ul class="messages">' in html and "已记录定级" in html
