"""The case dossier (issue 21.4): the PDF's and the DOCX's text, extracted, hold every section
with the case's own facts: matched criteria, evidence SHA-256 and custody, report hashes and
submissions. Another team's handler gets 404."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Department
from accounts.roles import Role
from incidents import services
from incidents.models import GradingCriterion, Incident
from reporting.models import RegulatoryReport, ReportSubmission, ReportVersion
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
LOG = "2026-03-01 03:12 登录失败 ×500".encode()


@pytest.fixture
def case(handler, officer):
    incident = services.incident_create(
        actor=handler,
        title="网上交易系统客户信息泄露",
        description="客户信息经第三方接口被批量查询。",
        category=Incident.Category.DATA_SECURITY,
        source=Incident.Source.INTERNAL,
        discovered_at=timezone.now() - timedelta(hours=6),
        assignee=handler,
        persons_leaked=12000,
        records_leaked=50000,
        data_level=3,
    )
    services.incident_grade(incident=incident, actor=handler)
    decision = incident.grade_decisions.get()
    if not decision.matched:  # the decision keeps the criteria it matched: make one explicit
        criterion = GradingCriterion.objects.filter(criterion_set=decision.criterion_set).first()
        decision.matched = [criterion.snapshot()]
        decision.save()
    services.timeline_add(incident=incident, actor=handler, text="已关闭对外查询接口")
    services.task_create(incident=incident, actor=handler, title="核查接口调用日志")
    evidence = services.evidence_add(
        incident=incident, actor=handler, file=ContentFile(LOG, name="api.log")
    )
    services.custody_add(evidence=evidence, actor=handler, note="移交安全部门复核")
    report = RegulatoryReport.objects.create(
        incident=incident, recipient="csrc_branch", stage="initial", title="首报：客户信息泄露"
    )
    version = ReportVersion.objects.create(
        report=report,
        number=1,
        snapshot={},
        sha256="ab" * 32,
        author=officer,
        approved_by=officer,
        approved_at=timezone.now(),
    )
    ReportSubmission.objects.create(
        report=report,
        version=version,
        channel=ReportSubmission.Channel.values[0],
        submitted_at=timezone.now(),
        submitted_by=officer,
        on_time=True,
        receipt_number="BS-2026-0042",
    )
    incident.refresh_from_db()
    return incident


def expected_texts(incident):
    decision = incident.grade_decisions.get()
    criterion = decision.matched[0]
    return [
        f"案件卷宗：{incident.reference}",
        "网上交易系统客户信息泄露",
        "一、概况",
        "二、定级决定",
        f"命中标准 {criterion['code']}",
        "已关闭对外查询接口",
        "核查接口调用日志",
        hashlib.sha256(LOG).hexdigest(),
        "移交安全部门复核",
        "ab" * 32,
        "BS-2026-0042",
        "七、整改",
        "八、总结",
    ]


def squash(text: str) -> str:
    return "".join(text.split())


def test_pdf_and_docx_text_hold_every_section(client, handler, case):
    client.force_login(handler)
    page = client.get(reverse("incidents:detail", args=[case.pk])).content.decode()
    assert reverse("reporting:case-dossier", args=[case.pk, "pdf"]) in page
    pdf = client.get(reverse("reporting:case-dossier", args=[case.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    pdf_text = squash("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages))
    docx = client.get(reverse("reporting:case-dossier", args=[case.pk, "docx"]))
    from docx import Document

    document = Document(io.BytesIO(docx.content))
    docx_text = squash(
        "\n".join(
            [p.text for p in document.paragraphs]
            + [c.text for t in document.tables for r in t.rows for c in r.cells]
        )
    )
    for text in expected_texts(case):
        assert squash(text) in pdf_text, text
        assert squash(text) in docx_text, text


def test_another_team_gets_404(client, case):
    team = Department.objects.create(name="经纪业务部", code="brokerage")
    other = make_user("handler3", Role.INCIDENT_HANDLER, department=team)
    client.force_login(other)
    assert client.get(reverse("reporting:case-dossier", args=[case.pk, "pdf"])).status_code == 404
    assert client.get(reverse("reporting:case-dossier", args=[case.pk, "exe"])).status_code == 404


def dossier_text(client, case) -> str:
    from pypdf import PdfReader

    pdf = client.get(reverse("reporting:case-dossier", args=[case.pk, "pdf"]))
    assert pdf.status_code == 200
    return squash("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages))


def test_officer_edits_the_dossier_heading_in_the_admin(client_for, officer, handler, case):
    from reporting.dossier import file_template_body
    from reporting.models import DossierTemplate

    client = client_for(officer)
    add = reverse("admin:reporting_dossiertemplate_add")
    form = client.get(add).content.decode()
    assert "一、概况" in form  # a new template starts from the file's text
    body = file_template_body().replace("# 案件卷宗：", "# 网络安全事件处置卷宗：")
    response = client.post(add, {"name": "本公司卷宗", "body": body, "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert DossierTemplate.objects.get().name == "本公司卷宗"
    text = dossier_text(client_for(handler), case)
    assert squash(f"网络安全事件处置卷宗：{case.reference}") in text
    assert squash(f"案件卷宗：{case.reference}") not in text


def test_broken_dossier_template_is_refused_and_nothing_lost(client_for, officer, handler, case):
    from reporting import services
    from reporting.dossier import file_template_body
    from reporting.models import DossierTemplate

    client = client_for(officer)
    add = reverse("admin:reporting_dossiertemplate_add")
    good = file_template_body().replace("# 案件卷宗：", "# 卷宗甲：")
    assert client.post(add, {"name": "甲", "body": good, "is_active": "on"}).status_code == 302
    stored = DossierTemplate.objects.get()
    kept = stored.body
    change = reverse("admin:reporting_dossiertemplate_change", args=[stored.pk])
    broken_texts = {
        good + "{% for t in timeline %}": "模板有错误",  # never closed
        good + "{{ case.title|date:}}": "模板有错误",  # a filter without its argument
        good + '{% include "nope/missing.txt" %}': "样例案件",  # fails only when rendered
        "   ": "必填",
    }
    for broken, message in broken_texts.items():
        response = client.post(
            change,
            {"name": "甲", "body": broken, "is_active": "on"},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        assert response.status_code == 200  # the form comes back with the officer's text
        page = response.content.decode()
        assert message in page, broken[-40:]
        if broken.strip():
            assert "卷宗甲" in page
        stored.refresh_from_db()
        assert stored.body == kept
    assert squash(f"卷宗甲：{case.reference}") in dossier_text(client_for(handler), case)
    # A handler may not change it, in the admin or through the service.
    assert client_for(handler).get(add).status_code in (302, 403)
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        services.dossier_template_save(
            actor=handler, template=DossierTemplate(name="乙", body=good)
        )
