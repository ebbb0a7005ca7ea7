"""Issue 20 point 1: emergency plans with versions, approval by the responsible leader, the review
deadline on the engine, a drill recording the version it exercised, a finding proposing the change
the next version lists, and the annual process review listing what it adopted."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.policy import PolicyDenied
from core.errors import ApplicationError
from deadlines.models import Deadline
from deadlines.services import active_deadline
from governance import services as governance_services
from governance.models import AdoptedChange, MeetingKind
from incidents import services
from incidents.models import EmergencyPlanVersion, PlanChange
from training import services as training_services
from training.models import DrillObjective

pytestmark = pytest.mark.django_db
V = EmergencyPlanVersion.State


@pytest.fixture
def plan(officer, leader):
    return services.plan_create(
        actor=officer,
        scenario="data_leak",
        title="客户信息泄露应急预案",
        responsible_leader=leader,
        body="一、范围 二、流程",
    )


def test_version_approved_by_the_leader_only_with_review_deadline(plan, officer, leader):
    draft = plan.versions.get()
    assert (draft.number, draft.state) == (1, V.DRAFT)
    # Not even a compliance officer approves a plan that someone else answers for.
    with pytest.raises(PolicyDenied):
        services.plan_version_approve(actor=officer, version=draft)
    effective = timezone.localdate() + dt.timedelta(days=2)
    v1 = services.plan_version_approve(actor=leader, version=draft, effective_on=effective)
    assert v1.state == V.IN_FORCE and v1.approved_by == leader
    assert v1.review_due_on == effective + dt.timedelta(days=365)
    deadline = active_deadline(plan, "incident.plan.review")
    assert deadline.owner == leader
    assert timezone.localtime(deadline.due_at).date() == v1.review_due_on


def test_review_at_least_yearly_and_never_in_the_past(officer, leader):
    with pytest.raises(ApplicationError):
        services.plan_create(
            actor=officer,
            scenario="ransomware",
            title="x",
            responsible_leader=leader,
            body="y",
            review_interval_days=400,
        )
    plan = services.plan_create(
        actor=officer, scenario="ransomware", title="x", responsible_leader=leader, body="y"
    )
    with pytest.raises(ApplicationError):
        services.plan_version_approve(
            actor=leader,
            version=plan.versions.get(),
            effective_on=timezone.localdate() - dt.timedelta(days=1),
        )


def test_drill_records_version_finding_proposes_change_next_version_lists_it(
    plan, officer, leader, handler, handler2
):
    v1 = services.plan_version_approve(actor=leader, version=plan.versions.get())
    year = timezone.localdate().year
    drill = training_services.drill_plan(
        year=year,
        title="预案推演",
        scenario="测试环境数据外传",
        drill_type="tabletop",
        incident_category="data_security",
        incident_grade="III",
        scheduled_at=timezone.now(),
        coordinator=handler,
        objectives=[("30分钟定级", "定级记录在案")],
        participants=[handler, handler2],
        plan_version=v1,
        actor=officer,
    )
    assert drill.plan_version == v1
    training_services.drill_start(drill=drill, actor=handler)
    training_services.drill_assess_objective(
        objective=drill.objectives.get(),
        result=DrillObjective.Result.NOT_MET,
        notes="超时",
        actor=handler,
    )
    finding = training_services.drill_add_finding(
        drill=drill,
        description="审批只有一人",
        owner=handler,
        due_at=timezone.now() + dt.timedelta(days=20),
        plan_change="指定替补审批人",
        actor=handler2,
    )
    change = finding.plan_change
    assert change.plan == plan and change.origin == PlanChange.Origin.DRILL
    assert change.state == PlanChange.State.PROPOSED and change.proposed_by == handler2
    # The drill found gaps: the review comes forward to within 30 days.
    training_services.drill_complete(drill=drill, summary="基本可行", actor=handler)
    v1.refresh_from_db()
    early = timezone.localdate() + dt.timedelta(days=30)
    assert v1.review_due_on == early
    deadline = active_deadline(plan, "incident.plan.review")
    assert timezone.localtime(deadline.due_at).date() == early

    v2 = services.plan_version_draft(
        actor=officer, plan=plan, body="一、范围 二、流程 三、替补", change_list="更新联系人"
    )
    assert v2.number == 2 and v2.change_lines() == ["指定替补审批人", "更新联系人"]
    change.refresh_from_db()
    assert change.version == v2
    services.plan_version_approve(actor=leader, version=v2)
    v1.refresh_from_db()
    change.refresh_from_db()
    assert v1.state == V.SUPERSEDED and change.state == PlanChange.State.ADOPTED
    # The first review deadline is met by the new version's approval; one review is open.
    states = sorted(
        Deadline.objects.filter(kind__code="incident.plan.review").values_list("state", flat=True)
    )
    assert states == [Deadline.State.MET, Deadline.State.OPEN]


def test_annual_review_meeting_lists_the_changes_it_adopted(plan, officer, handler, client):
    meeting = governance_services.meeting_create(
        kind=MeetingKind.ANNUAL_REVIEW,
        title="年度流程标准执行会议",
        scheduled_at=timezone.now(),
        organiser=officer,
        actor=officer,
    )
    change = services.plan_change_propose(
        actor=handler, plan=plan, description="增加勒索场景的灾备切换步骤", origin="incident"
    )
    with pytest.raises(PolicyDenied):
        services.plan_change_decide(actor=handler, change=change, adopt=True)
    services.plan_change_decide(actor=officer, change=change, adopt=True, meeting=meeting)
    governance_services.meeting_adopt_change(
        actor=officer, meeting=meeting, kind="process", description="共享前确认数据级别"
    )
    adopted = list(meeting.adopted_changes.order_by("kind"))
    assert [a.kind for a in adopted] == [AdoptedChange.Kind.PLAN, AdoptedChange.Kind.PROCESS]
    assert adopted[0].applies_from_year == timezone.localtime(meeting.scheduled_at).year + 1
    client.force_login(officer)
    page = client.get(reverse("governance:meeting-detail", args=[meeting.pk])).content.decode()
    assert "增加勒索场景的灾备切换步骤" in page and "共享前确认数据级别" in page


def test_plan_pages(plan, officer, leader, handler, staff, client):
    client.force_login(officer)
    response = client.post(
        reverse("incidents:plan-propose", args=[plan.pk]),
        {"description": "演练发现：补充联系人", "origin": "other"},
    )
    assert response.status_code == 302
    client.force_login(leader)
    draft = plan.versions.get()
    response = client.post(
        reverse("incidents:plan-approve", args=[draft.pk]),
        {"effective_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == V.IN_FORCE
    client.force_login(handler)
    page = client.get(reverse("incidents:plan-detail", args=[plan.pk])).content.decode()
    assert "演练发现：补充联系人" in page and "v1" in page
    client.force_login(staff)
    assert client.get(reverse("incidents:plan-list")).status_code == 403


def test_major_incident_with_a_gap_brings_the_review_forward(officer, leader, handler):
    from incidents.models import Incident
    from incidents.services.common import select_response_plan

    template = select_response_plan(category="data_security", grade="I")
    plan = services.plan_create(
        actor=officer,
        scenario="data_leak",
        title="泄露预案",
        responsible_leader=leader,
        body="正文",
        response_plan=template,
    )
    v1 = services.plan_version_approve(actor=leader, version=plan.versions.get())
    incident = services.incident_create(
        title="客户数据泄露",
        category="data_security",
        source="internal",
        discovered_at=timezone.now(),
        assignee=handler,
        actor=handler,
    )
    Incident.objects.filter(pk=incident.pk).update(grade="I")
    incident.refresh_from_db()
    services.rectification_create(
        title="补充DLP规则",
        owner=handler,
        due_at=timezone.now() + dt.timedelta(days=10),
        incident=incident,
        actor=handler,
    )
    v1.refresh_from_db()
    assert v1.review_due_on == timezone.localdate() + dt.timedelta(days=30)


def test_plan_page_forms_say_what_is_wrong(plan, officer, client):
    """A form the plan page rejects is shown again with its errors (400-free, on the plan's
    page); a decision the service refuses is a message back on the plan."""
    client.force_login(officer)
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    response = client.post(reverse("incidents:plan-propose", args=[plan.pk]), {}, **en)
    assert response.status_code == 200
    assert response.context["propose_form"].errors["description"] == ["This field is required."]
    assert not PlanChange.objects.exists()
    response = client.post(
        reverse("incidents:plan-propose", args=[plan.pk]),
        {"description": "补充联系人", "origin": "other"},
        follow=True,
        **en,
    )
    said = [(m.level_tag, str(m.message)) for m in response.context["messages"]]
    assert said == [("success", "Change proposed; it will be listed in the next version.")]
    change = PlanChange.objects.get()
    url = reverse("incidents:plan-change-reject", args=[change.pk])
    response = client.post(url, {"note": ""}, follow=True, **en)
    said = [(m.level_tag, str(m.message)) for m in response.context["messages"]]
    assert said == [("error", "Give the reason for rejecting the change.")]
    assert response.redirect_chain[-1][0] == plan.get_absolute_url()
    response = client.post(url, {"note": "x" * 2001}, follow=True, **en)
    said = [(m.level_tag, str(m.message)) for m in response.context["messages"]]
    assert said == [("error", "Ensure this value has at most 2000 characters (it has 2001).")]
    response = client.post(url, {"note": "不适用"}, follow=True, **en)
    said = [(m.level_tag, str(m.message)) for m in response.context["messages"]]
    assert said == [("success", "Change rejected.")]
    change.refresh_from_db()
    assert change.state == PlanChange.State.REJECTED and change.adopted_meeting is None
