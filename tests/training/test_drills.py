import datetime as dt

import pytest
from django.utils import timezone

from core.errors import ApplicationError
from deadlines.models import Deadline
from governance.models import ObligationPeriod
from incidents.models import Incident, RectificationItem
from training import reminders, services
from training.models import Drill, DrillObjective

pytestmark = pytest.mark.django_db


@pytest.fixture
def drill(officer, handler, handler2, staff, auditor, year):
    when = timezone.make_aware(dt.datetime(year, 12, 20, 10, 0))
    return services.drill_plan(
        year=year,
        title="客户信息泄露桌面推演",
        scenario="外包人员导出客户信息。",
        drill_type=Drill.Type.TABLETOP,
        incident_category="data_security",
        incident_grade="III",
        scheduled_at=when,
        coordinator=handler,
        objectives=[("30分钟内定级", "定级结论记录在案"), ("首报获批", "报告已批准")],
        participants=[handler, handler2, staff],
        observers=[auditor],
        actor=officer,
    )


def _run(drill, handler):
    services.drill_start(drill=drill, actor=handler)
    drill.refresh_from_db()
    for o in drill.objectives.all():
        services.drill_assess_objective(
            objective=o, result=DrillObjective.Result.MET, actor=handler
        )
    return drill


def test_plan_puts_the_drill_on_the_engine(drill, handler):
    d = Deadline.objects.get(kind__code=reminders.DRILL_KIND, object_id=drill.pk)
    assert d.owner == handler
    assert d.due_at == drill.scheduled_at
    steps = list(d.kind.policy.steps.order_by("offset_seconds"))
    assert steps[0].recipients == ["owner"]
    assert "owner_manager" in steps[-1].recipients


def test_plan_validation(officer, handler, year):
    with pytest.raises(ApplicationError):
        services.drill_plan(
            year=year,
            title="x",
            scenario="y",
            drill_type="tabletop",
            incident_category="data_security",
            incident_grade="III",
            scheduled_at=timezone.now(),
            coordinator=handler,
            objectives=[("目标", "")],
            participants=[handler],
            actor=officer,
        )


def test_drill_incident_is_flagged_and_kept_out_of_real_statistics(drill, handler):
    drill = _run(drill, handler)
    incident = drill.incident
    assert incident.is_drill
    assert incident.source == Incident.Source.DRILL
    assert incident.category == "data_security"
    assert not Incident.objects.real().filter(pk=incident.pk).exists()
    assert Incident.objects.drills().filter(pk=incident.pk).exists()
    d = Deadline.objects.get(kind__code=reminders.DRILL_KIND, object_id=drill.pk)
    assert d.state == Deadline.State.MET


def test_findings_become_rectification_items(drill, handler, handler2):
    drill = _run(drill, handler)
    due = timezone.now() + dt.timedelta(days=30)
    finding = services.drill_add_finding(
        drill=drill,
        description="审批链路只有一名审批人。",
        owner=handler2,
        due_at=due,
        actor=handler,
    )
    item = RectificationItem.objects.get(pk=finding.rectification_id)
    assert item.incident == drill.incident
    assert item.origin == finding
    assert item.owner == handler2
    assert item.state == RectificationItem.State.OPEN


def test_completion_needs_every_objective_assessed(drill, handler):
    services.drill_start(drill=drill, actor=handler)
    with pytest.raises(ApplicationError) as exc:
        services.drill_complete(drill=drill, summary="s", actor=handler)
    assert "30分钟内定级" in str(exc.value.message)


def test_completing_the_years_drill_marks_the_obligation_met(
    drill, handler, year, django_capture_on_commit_callbacks
):
    from governance.services import obligations_evaluate

    obligations_evaluate()
    period = ObligationPeriod.objects.get(obligation__code="O8", starts_on=dt.date(year, 1, 1))
    assert period.state == ObligationPeriod.State.DUE
    drill = _run(drill, handler)
    with django_capture_on_commit_callbacks(execute=True):
        services.drill_complete(drill=drill, summary="按流程完成。", actor=handler)
    period.refresh_from_db()
    assert period.state == ObligationPeriod.State.MET
    assert drill.title in period.evidence_label
    assert period.evidence_url == f"/training/drills/{drill.pk}/"


def test_a_cancelled_drill_does_not_count(drill, officer, year):
    from governance.services import obligations_evaluate

    services.drill_cancel(drill=drill, reason="改期到明年", actor=officer)
    obligations_evaluate()
    period = ObligationPeriod.objects.get(obligation__code="O8", starts_on=dt.date(year, 1, 1))
    assert period.state != ObligationPeriod.State.MET
    d = Deadline.objects.get(kind__code=reminders.DRILL_KIND, object_id=drill.pk)
    assert d.state == Deadline.State.CANCELLED


def test_drill_report_pdf(drill, handler, client_for):
    import io

    from pypdf import PdfReader

    drill = _run(drill, handler)
    services.drill_complete(drill=drill, summary="按流程完成。", actor=handler)
    response = client_for(handler).get(f"/training/drills/{drill.pk}/report.pdf")
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = text.replace(" ", "")
    assert "客户信息泄露桌面推演" in text
    assert "30分钟内定级" in text
    assert drill.incident.reference in text


def test_drills_visible_to_people_involved_only(drill, staff, outsider, client_for):
    assert client_for(staff).get(f"/training/drills/{drill.pk}/").status_code == 200
    assert client_for(outsider).get(f"/training/drills/{drill.pk}/").status_code == 404
    data = client_for(outsider).get("/api/training/drills/").json()
    assert data["count"] == 0
