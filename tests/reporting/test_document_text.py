"""What goes to the regulator: user text is text, escaped once, never parsed as markup."""

import pytest
from docx import Document
from pypdf import PdfReader

from reporting import services, tasks
from reporting.documents import render_blocks

from .test_approval_documents import cac_report  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

FORGED = "已处置 <script> & 通知 A&B\n# 伪造的标题\n| 事件级别 | I级\n## 又一个标题"


def pdf_text(version) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(version.pdf.open("rb")).pages)


def docx_parts(version):
    document = Document(version.docx.open("rb"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    return headings, rows


def approved(report, handler, officer2):
    services.report_update(
        report=report, content={"measures": FORGED, "impact": "A<B"}, actor=handler
    )
    services.report_request_approval(report=report, actor=handler)
    report.refresh_from_db()
    version = services.report_approve(report=report, actor=officer2)
    tasks.render_documents(version.pk)
    version.refresh_from_db()
    return version


def test_the_pdf_shows_user_text_escaped_once_and_as_text(cac_report, handler, officer2):  # noqa: F811
    text = pdf_text(approved(cac_report, handler, officer2))
    assert "<script> & 通知 A&B" in text and "A<B" in text
    assert "&lt;" not in text and "&amp;" not in text
    # The forged lines stay inside the measures cell: no heading, no second grade row.
    assert text.count("事件级别") == 2  # the real row, and the text inside the measures cell
    assert "| 事件级别 | I级" in text and "# 伪造的标题" in text


def test_the_docx_has_no_forged_heading_or_row(cac_report, handler, officer2):  # noqa: F811
    headings, rows = docx_parts(approved(cac_report, handler, officer2))
    assert not any("伪造" in h or "又一个" in h for h in headings)
    grade_rows = [r for r in rows if r[0] == "事件级别"]
    assert len(grade_rows) == 1 and grade_rows[0][1] != "I级"
    (measures,) = [r[1] for r in rows if FORGED.splitlines()[0] in r[1]]
    assert measures.splitlines() == FORGED.splitlines()


def test_blocks_from_a_hostile_value():
    blocks = render_blocks(
        "# {{ title }}\n| 摘要 | {{ summary }}\n\n{{ summary }}",
        {"title": "a|b <c>", "summary": "x\n# h\n| 事件级别 | I级"},
    )
    assert [b.kind for b in blocks] == ["h1", "table", "p"]
    assert blocks[0].text == "a|b <c>"
    assert blocks[1].rows == [["摘要", "x\n# h\n| 事件级别 | I级"]]
    assert blocks[2].text == "x\n# h\n| 事件级别 | I级"
