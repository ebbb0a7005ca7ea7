"""The sidebar offers each role only what it may use: every link answers 200 for that role,
grouped by what the role does, and the inbox has one name (消息) in the menu and the top bar."""

import re

import pytest

pytestmark = pytest.mark.django_db

PERSONAS = ["officer", "handler", "auditor", "staff", "outsider"]


def sidebar_links(html: str) -> list[tuple[str, str]]:
    nav = html.split('class="app-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a class="nav-link" href="([^"]+)">.*?<span>([^<]+)</span></a>', nav)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_sidebar_link_answers_200_for_the_role(request, client_for, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    home = client.get("/")
    assert home.status_code == 200
    html = home.content.decode()
    links = sidebar_links(html)
    refused = []
    for href, label in links:
        status = client.get(href).status_code
        if status != 200:
            refused.append(f"{label} {href}: {status}")
    assert not refused, f"{persona}'s menu leads to pages it may not use:\n" + "\n".join(refused)
    hrefs = [href for href, _ in links]
    assert len(hrefs) == len(set(hrefs)), f"two menu entries lead to one page: {links}"


def test_the_auditor_is_not_offered_the_concern_form(client_for, auditor):
    html = client_for(auditor).get("/").content.decode()
    assert "/incidents/concerns/new/" not in html.split('class="app-nav"', 1)[1]


def test_inbox_has_one_name_in_menu_and_top_bar(client_for, staff):
    html = client_for(staff).get("/").content.decode()
    labels = [label for href, label in sidebar_links(html) if href == "/notifications/"]
    assert labels == ["消息"]
    topbar = html.split('class="app-inbox', 1)[1].split("</a>", 1)[0]
    assert "消息" in topbar and "通知" not in topbar


def test_sidebar_is_grouped_by_what_the_role_does(client_for, officer):
    html = client_for(officer).get("/").content.decode()
    titles = re.findall(r'<h2 class="app-nav-title">([^<]+)</h2>', html)
    assert titles[:4] == ["我的工作", "事件处置", "合规", "审计"]
