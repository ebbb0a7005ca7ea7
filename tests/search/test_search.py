"""The one search box (issue 21.2): Chinese substrings found and ranked, and another team's case
never appears, neither in the results nor anywhere on the page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Department
from accounts.roles import Role
from core import search
from incidents import services
from incidents.models import Incident
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_handler(db):
    team = Department.objects.create(name="经纪业务部", code="brokerage")
    return make_user("handler3", Role.INCIDENT_HANDLER, department=team)


def create(actor, title, description="", hours=2):
    return services.incident_create(
        actor=actor,
        title=title,
        description=description,
        category=Incident.Category.DATA_SECURITY,
        source=Incident.Source.INTERNAL,
        discovered_at=timezone.now() - timedelta(hours=hours),
        assignee=actor,
    )


@pytest.fixture
def cases(handler, other_handler):
    ours = create(handler, "核心交易系统勒索病毒感染", "排查中发现部分客户信息泄露迹象", hours=5)
    services.timeline_add(
        incident=ours, actor=handler, text="已隔离受感染主机 10.1.2.3，保全内存镜像"
    )
    theirs = create(other_handler, "营业部客户信息泄露事件", "柜台终端导出客户资料", hours=1)
    services.timeline_add(
        incident=theirs, actor=other_handler, text="已隔离柜台终端，通知营业部负责人"
    )
    return ours, theirs


def hits(user, query):
    return {s.source.key: s.hits for s in search.search(user, query)}


def test_chinese_substring_finds_title_description_and_notes(officer, cases):
    ours, theirs = cases
    found = hits(officer, "客户信息")
    titles = [h.title for h in found["incidents"]]
    # Title match ranks above a description match, whatever the dates.
    assert titles == [f"{theirs.reference} {theirs.title}", f"{ours.reference} {ours.title}"]
    assert "客户信息泄露迹象" in found["incidents"][1].snippet

    notes = hits(officer, "受感染主机")["timeline"]
    assert [h.title for h in notes] == [f"{ours.reference} {ours.title}"]
    assert "受感染主机" in notes[0].snippet and notes[0].url.endswith("#timeline")

    assert [h.title for h in hits(officer, "勒索")["incidents"]] == [str(ours)]  # two characters


def test_reference_is_found_exactly_and_in_part(officer, cases):
    ours, _theirs = cases
    exact = hits(officer, ours.reference.lower())["incidents"]
    assert exact[0].title.startswith(ours.reference) and exact[0].rank == 0
    year_part = ours.reference.split("-")[1]
    assert len(hits(officer, year_part)["incidents"]) == 2


def test_another_teams_case_never_appears(client, handler, cases):
    ours, theirs = cases
    for query in ("客户信息", "泄露", theirs.reference, "柜台终端", "营业部", "已隔离"):
        found = hits(handler, query)
        shown = [h.title for section in found.values() for h in section]
        assert all(theirs.reference not in title for title in shown), (query, shown)
    client.force_login(handler)
    page = client.get(reverse("search"), {"q": "已隔离"}).content.decode()
    assert ours.reference in page and "受感染主机" in page
    assert theirs.reference not in page and "柜台终端" not in page and "营业部" not in page


def test_staff_and_outsiders_see_no_case(staff, outsider, cases):
    for user in (staff, outsider):
        assert hits(user, "客户信息") == {}


def test_page_shows_sections_and_escapes_input(client, officer, cases):
    client.force_login(officer)
    response = client.get(reverse("search"), {"q": "  客户信息  "})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="search-incidents"' in body and 'value="客户信息"' in body
    attack = client.get(reverse("search"), {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in attack
    assert client.get(reverse("search"), {"q": ""}).status_code == 200
    assert "至少输入两个字符" in client.get(reverse("search"), {"q": "泄"}).content.decode()
    assert client.get(reverse("search"), {"q": "字" * 500}).status_code == 200


def test_reports_notices_intelligence_agreements_are_searched(officer, handler, cases):
    from reporting.models import RiskIntelligence

    RiskIntelligence.objects.create(
        kind=RiskIntelligence.Kind.values[0],
        party=RiskIntelligence.Party.values[0],
        summary="暗网出现疑似本司客户信息",
        details="样本含姓名与手机号",
        source="威胁情报平台",
        observed_at=timezone.now(),
        reported_by=officer,
    )
    assert [h.title for h in hits(officer, "暗网")["intelligence"]] == ["暗网出现疑似本司客户信息"]
    assert "intelligence" not in hits(handler, "暗网")  # not theirs to see


def test_a_page_of_hits_without_duplicates_and_more_flagged(handler, officer):
    """Each rank is its own LIMIT-ed query: a case matching in title and description is shown
    once, description hits fill the page after the title hits, and one more than the page sets
    "more"."""
    both = [create(handler, f"勒索事件{i}", "勒索病毒", hours=i + 1) for i in range(2)]
    described = [create(handler, f"主机异常{i}", "疑似勒索病毒", hours=i + 10) for i in range(2)]
    for word in ("勒索", "勒索病毒"):  # two characters (bigram) and more (trigram)
        (section,) = [
            s for s in search.search(officer, word, per_source=3) if s.source.key == "incidents"
        ]
        titles = [h.title for h in section.hits]
        assert len(titles) == len(set(titles)) == 3, word
        # title hits (newest first) then the newest description hit; for 勒索病毒, which no title
        # holds, the same three by recency
        expected = [f"{c.reference} {c.title}" for c in (*both, described[0])]
        assert titles == expected, word
        assert section.more, word
