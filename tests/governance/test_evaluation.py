"""The sharing evaluation (§7 数据共享评估, O13): from goal and team through the plan approved by
management and a monitored execution to the approved report, rendered to PDF and DOCX, sent to
the sharing parties, and marking O13 met for the period."""

import datetime
import hashlib
import io

import pytest
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from core.errors import ApplicationError, NotPermitted
from governance import services as governance_services
from governance.models import (
    CounterpartyContact,
    EvaluationScopeItem,
    LedgerUsageDaily,
    Obligation,
    ObligationPeriod,
    SharingEvaluation,
)
from governance.services import evaluation as services
from notifications.models import Outbox

from .depth_fixtures import catalogue  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
YEAR_START = TODAY.replace(month=1, day=1)
YEAR_END = TODAY.replace(month=12, day=31)


@pytest.fixture
def usage(counterparty, catalogue):  # noqa: F811
    """The ledger's daily usage: trades shared with the counterparty this year (and less in the
    previous period), one mismatch."""
    this_year = YEAR_START + datetime.timedelta(days=1)
    last_year = YEAR_START - datetime.timedelta(days=30)
    rows = [
        (this_year, "TRD001", 12, 1200, 1),
        (this_year + datetime.timedelta(days=1), "TRD001", 8, 800, 0),
        (last_year, "TRD001", 10, 900, 0),
        (this_year, "NEW001", 4, 40, 0),
    ]
    for day, code, events, records, mismatches in rows:
        LedgerUsageDaily.objects.create(
            day=day,
            item_code=code,
            request_reference=f"SR-{code}",
            counterparty=counterparty,
            events=events,
            records=records,
            bytes=records * 100,
            mismatches=mismatches,
        )
    CounterpartyContact.objects.create(
        counterparty=counterparty, name="张三", email="zhangsan@citics.example"
    )
    return counterparty


def prepared(officer, handler, officer2):
    e = services.evaluation_create(
        actor=officer,
        title="2026年度数据共享评估",
        period_start=YEAR_START,
        period_end=YEAR_END,
        goal="保证数据共享的及时性和准确性",
    )
    services.evaluation_member_add(
        evaluation=e, actor=officer, user=handler, layer="execution", responsibility="实施评估"
    )
    services.evaluation_member_add(evaluation=e, actor=officer, user=officer2, layer="management")
    return e


def complete_plan(e, handler, officer):
    services.evaluation_update(
        evaluation=e,
        actor=handler,
        plan_scope="对外共享的交易数据与舆情数据",
        plan_objects="数据共享接口与介质",
        plan_organisation="管理层审批，执行层实施",
        plan_budget="20000.00",
        plan_schedule="第四季度完成",
    )
    services.evaluation_measure_add(
        evaluation=e,
        actor=handler,
        name="抽样核对共享数据",
        method="按数据类别抽样比对源系统",
        tools="核对脚本",
        risks="影响源系统性能",
        rollback="停止抽样",
        contingency="改在夜间执行",
        supervision="管理层每周审阅记录",
        supervisor=officer,
    )


def test_the_scope_is_prefilled_from_the_ledger_with_usage_figures(
    officer, handler, officer2, usage
):
    e = prepared(officer, handler, officer2)
    assert services.evaluation_scope_prefill(evaluation=e, actor=handler) == 2
    trades = EvaluationScopeItem.objects.get(evaluation=e, source__startswith="TRD001")
    assert trades.category == "交易数据" and trades.source == "TRD001 成交明细"
    assert trades.counterparty == usage
    assert (trades.transfers, trades.transfers_previous, trades.records) == (20, 10, 2000)
    assert trades.frequency_change == pytest.approx(1.0)  # twice the previous period
    assert trades.validity_rate == pytest.approx(19 / 20)  # one transfer mismatched


def test_an_incomplete_plan_is_refused_naming_what_is_missing(officer, handler, officer2):
    e = prepared(officer, handler, officer2)
    with pytest.raises(ApplicationError, match="scope inventory.*at least one measure"):
        services.evaluation_plan_submit(evaluation=e, actor=handler)


def test_only_the_management_layer_approves(officer, handler, officer2, usage):
    e = prepared(officer, handler, officer2)
    services.evaluation_scope_prefill(evaluation=e, actor=handler)
    complete_plan(e, handler, officer)
    services.evaluation_plan_submit(evaluation=e, actor=handler)
    with pytest.raises(NotPermitted):
        services.evaluation_plan_approve(evaluation=e, actor=handler)
    from accounts.roles import Role
    from tests.conftest import make_user

    outsider_officer = make_user("compliance9", Role.COMPLIANCE_OFFICER)
    with pytest.raises(ApplicationError, match="management layer"):
        services.evaluation_plan_approve(evaluation=e, actor=outsider_officer)


def test_from_plan_to_approved_report_marks_o13_met(officer, handler, officer2, usage):
    o13 = Obligation.objects.get(code="O13")
    assert o13.evidence_rule == "sharing.evaluation"
    governance_services.obligations_evaluate()
    period = ObligationPeriod.objects.get(obligation=o13, starts_on=YEAR_START)
    assert period.state != ObligationPeriod.State.MET

    e = prepared(officer, handler, officer2)
    services.evaluation_scope_prefill(evaluation=e, actor=handler)
    complete_plan(e, handler, officer)
    services.evaluation_plan_submit(evaluation=e, actor=handler)
    services.evaluation_plan_approve(evaluation=e, actor=officer2, comment="同意")
    e.refresh_from_db()
    assert e.state == SharingEvaluation.State.EXECUTING and e.plan_approved_by == officer2

    with pytest.raises(ApplicationError, match="monitoring"):
        services.evaluation_execution_finish(evaluation=e, actor=handler)
    services.evaluation_monitor_record(
        evaluation=e, actor=officer2, kind="review", note="抽样过程符合方案"
    )
    trades = e.scope_items.get(source__startswith="TRD001")
    services.evaluation_scope_item_observe(item=trades, actor=handler, valid_records=1900)
    services.evaluation_execution_finish(evaluation=e, actor=handler)
    e.refresh_from_db()
    assert e.state == SharingEvaluation.State.REPORTING
    assert "第四季度完成" in e.report_plan and e.report_goal == e.goal
    services.evaluation_report_save(
        evaluation=e,
        actor=handler,
        report_conclusion="共享数据总体及时准确，有效率95%",
        report_opinion="建议对舆情数据增加校验",
    )
    services.evaluation_report_submit(evaluation=e, actor=handler)
    services.evaluation_report_approve(evaluation=e, actor=officer2)
    e.refresh_from_db()
    assert e.state == SharingEvaluation.State.APPROVED

    period.refresh_from_db()
    assert period.state == ObligationPeriod.State.MET
    assert period.evidence_url == e.get_absolute_url()

    # The PDF and DOCX carry the four parts of the report and the figures.
    with e.report_pdf.open("rb") as f:
        pdf_bytes = f.read()
    assert hashlib.sha256(pdf_bytes).hexdigest() == e.report_sha256
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
    for expected in (
        "数据共享评估报告",
        "评估结论",
        "共享数据总体及时准确",
        "建议对舆情数据增加校验",
        "TRD001 成交明细",
        "95.0%",
    ):
        assert expected in text, expected
    with e.report_docx.open("rb") as f:
        document = Document(f)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert {"评估方案", "评估目标", "评估结论", "评估意见"} <= set(headings)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "TRD001 成交明细" in cells and "95.0%" in cells

    # Sent to the sharing party's contact, once.
    sent = services.evaluation_report_send(evaluation=e, actor=officer)
    assert [r.email for r in sent] == ["zhangsan@citics.example"]
    mail = Outbox.objects.get(address="zhangsan@citics.example")
    assert e.reference in mail.subject and e.report_sha256 in mail.body
    with pytest.raises(ApplicationError, match="already been sent"):
        services.evaluation_report_send(evaluation=e, actor=officer)


def test_a_returned_plan_goes_back_to_preparation(officer, handler, officer2, usage):
    e = prepared(officer, handler, officer2)
    services.evaluation_scope_prefill(evaluation=e, actor=handler)
    complete_plan(e, handler, officer)
    services.evaluation_plan_submit(evaluation=e, actor=handler)
    with pytest.raises(ApplicationError, match="what has to change"):
        services.evaluation_plan_return(evaluation=e, actor=officer2, comment=" ")
    services.evaluation_plan_return(evaluation=e, actor=officer2, comment="预算需细化")
    e.refresh_from_db()
    assert e.state == SharingEvaluation.State.PREPARING and e.plan_comment == "预算需细化"
    assert timezone.now() >= e.created_at
