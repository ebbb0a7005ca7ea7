"""Issue 18, point 5: the audit log shows a JSON field as an auditor reads it. A report's content
change names the changed fields by their labels (事件概况, not `summary`) and only those; a course's
topics by their names; a JSON value nobody labelled is shown as data, not as words of the page."""

import pytest
from django.contrib.contenttypes.models import ContentType

from audit.context import acting_as
from reporting import services
from reporting.content import FIELD_LABELS
from reporting.models import RegulatoryReport
from training.models import Course, Topic

from .conftest import NON_CII, grade

pytestmark = pytest.mark.django_db


def _audit_page(client, obj):
    ct = ContentType.objects.get_for_model(obj)
    response = client.get("/audit/", {"model": ct.pk, "object_id": obj.pk})
    assert response.status_code == 200
    return response


def _content_change(rows):
    for _entry, changes in rows:
        for label, before, after in changes:
            if label == str(RegulatoryReport._meta.get_field("content").verbose_name):
                if "客户信息表被误发" in after:
                    return before, after
    raise AssertionError("no change of the report's content")


def test_a_report_content_change_shows_the_changed_fields_by_label(
    cii_incident, handler, auditor, client_for
):
    incident = grade(cii_incident(**NON_CII), "III", handler)
    report = RegulatoryReport.objects.get(incident=incident, recipient="cac", stage="initial")
    services.report_update(
        report=report, content={"summary": "客户信息表被误发至外部邮箱。"}, actor=handler
    )

    response = _audit_page(client_for(auditor), report)
    before, after = _content_change(response.context["rows"])
    summary = str(FIELD_LABELS["summary"])
    assert [label for label, _text in after.lines] == [summary]
    assert after.lines[0][1] == "客户信息表被误发至外部邮箱。"
    html = response.content.decode()
    assert f"{summary}：</span>客户信息表被误发至外部邮箱。" in html
    for key in ("'summary'", '"summary"', "'contact'", '"contact"'):
        assert key not in html


def test_course_topics_are_named_and_unlabelled_json_is_shown_as_data(officer, auditor, client_for):
    import datetime as dt

    from integrations.models import Alert, AlertSource
    from training.models import TrainingPlan

    with acting_as(officer):
        plan = TrainingPlan.objects.create(year=2026, title="2026 年度培训计划")
        course = Course.objects.create(
            plan=plan, title="数据安全意识", topics=[Topic.values[0]], due_date=dt.date(2026, 6, 30)
        )
    html = _audit_page(client_for(auditor), course).content.decode()
    assert str(Topic(Topic.values[0]).label) in html
    assert Topic.values[0] not in html.split("<tbody>", 1)[1]

    source = AlertSource.objects.create(name="SOC", slug="soc")
    with acting_as(officer):
        alert = Alert.objects.create(
            source=source, external_id="A-1", title="异常外发", payload={"host": "db01"}
        )
    html = _audit_page(client_for(auditor), alert).content.decode()
    assert (
        '<code class="text-break audit-data" tabindex="0">{&quot;host&quot;: &quot;db01&quot;}</code>'
        in html
    )
