"""The demo firm tells one believable year, and its records agree with each other: what a
person touring the product as each role would notice if they did not (issue 18, point 8)."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    from audit.models import AuditEntry
    from deadlines.models import Deadline
    from governance.models import CooperationAgreement, Meeting
    from incidents.models import Concern, Incident, RectificationItem
    from notifications.models import InboxItem, Outbox
    from reporting.models import RegulatoryReport, ReportSubmission
    from training.models import QuizAttempt, TrainingAssignment

    models = [
        AuditEntry,
        Deadline,
        CooperationAgreement,
        Meeting,
        Concern,
        Incident,
        RectificationItem,
        Outbox,
        InboxItem,
        RegulatoryReport,
        ReportSubmission,
        QuizAttempt,
        TrainingAssignment,
    ]
    return {m.__name__: m.objects.count() for m in models}


def test_demo_year_is_consistent_quiet_and_idempotent():
    output = _seed()
    # Quiet: the logins and one summary line; nothing that reads like a failure.
    assert "not closed" not in output and "skipped" not in output
    assert output.count("演示数据：") == 1
    assert len(output.strip().splitlines()) <= 18  # the logins and one line per area

    _incidents_agree()
    _reports_mostly_on_time()
    _drill_case_closed()
    _meetings_held_with_minutes()
    _training_consistent()
    _agreements_and_obligations()
    _no_demo_label_visible()

    before = _counts()
    again = _seed()
    assert _counts() == before, "a second seed changed the data"
    assert "演示数据已存在" in again


def _incidents_agree():
    from incidents.models import Incident, RectificationItem
    from reporting.models import RegulatoryReport

    cases = Incident.objects.all()
    states = set(cases.values_list("status", flat=True))
    assert {"new", "graded", "handling", "resolved", "summarised", "closed"} <= states
    closed = cases.filter(status="closed")
    assert closed.count() >= 5
    for case in cases.exclude(status="new"):
        assert case.grade, f"{case.reference} is {case.status} without a grade"
        assert case.grade_decisions.exists()
    for case in closed:
        assert case.resolved_at and case.closed_at and case.summary
        assert case.discovered_at <= case.resolved_at <= case.closed_at <= timezone.now()
        assert not case.rectifications.filter(state__in=RectificationItem.OPEN_STATES).exists()
        assert not case.tasks.filter(state="open").exists(), f"{case.reference} has open tasks"
        pending = case.regulatory_reports.filter(
            status__in=["draft", "in_review"] + ([] if case.is_drill else ["approved"])
        )
        assert not pending.exists(), f"{case.reference} closed with reports pending"
    assert cases.filter(status="new").count() == 1
    # The grading decision is dated when the case was graded, not when the seed ran.
    oldest = cases.order_by("discovered_at").first()
    decision = oldest.grade_decisions.get()
    assert (decision.decided_at - oldest.discovered_at).total_seconds() < 3600
    assert RegulatoryReport.objects.filter(status="submitted").count() >= 10


def _reports_mostly_on_time():
    from reporting.models import ReportSubmission

    subs = ReportSubmission.objects.filter(report__is_drill=False)
    on_time = subs.filter(on_time=True).count()
    rate = on_time / subs.count()
    assert 0.8 <= rate < 1.0, f"on-time rate {rate:.0%}"
    for late in subs.filter(on_time=False):
        assert late.late_reason.strip()
        assert late.submitted_at > late.due_at
    for sub in subs.filter(on_time=True):
        assert sub.submitted_at <= sub.due_at
        assert sub.version.approved_at <= sub.submitted_at


def _drill_case_closed():
    from training.models import Drill

    done = Drill.objects.filter(status="completed")
    assert done.count() >= 1
    for drill in done:
        case = drill.incident
        assert case is not None and case.is_drill
        assert case.status == "closed" and case.grade
        assert not drill.objectives.filter(result="not_assessed").exists()
        # The drill's own report to the CSRC was submitted, on time.
        assert drill.regulatory_reports.filter(status="submitted").exists()
    assert Drill.objects.filter(status="planned", scheduled_at__gt=timezone.now()).exists()


def _meetings_held_with_minutes():
    from governance.models import Meeting

    now = timezone.now()
    past = Meeting.objects.filter(scheduled_at__lt=now - timezone.timedelta(days=2))
    assert past.count() >= 3
    for m in past:
        assert m.state == "held", f"{m.title} in the past is {m.state}"
        assert m.minutes.strip() and m.minutes_approved_at is not None
        assert m.held_at <= m.minutes_approved_at <= now
    assert not Meeting.objects.filter(state="planned", scheduled_at__lt=now).exists()


def _training_consistent():
    from training import selectors
    from training.models import Course, TrainingAssignment

    rows = TrainingAssignment.objects.all()
    done = rows.filter(status="completed").count()
    assert done / rows.count() >= 0.7, "trainings mostly completed"
    today = timezone.localdate()
    for course in Course.objects.filter(status="published"):
        assignments = course.assignments.all()
        assert assignments.exists()
        # No course is due before its assignments.
        assert all(a.due_date <= course.due_date for a in assignments), course.title
        # The course page's overdue count matches the overdue assignments it lists.
        overdue = [a for a in assignments if a.is_overdue]
        assert selectors.course_stats(course=course)["overdue"] == len(overdue)
        for a in assignments.filter(status="completed"):
            assert a.completed_at is not None
            if course.questions.exists():
                assert a.attempts.filter(passed=True).exists(), "completed without the quiz"
    staff = TrainingAssignment.objects.filter(user__username="staff")
    assert staff.filter(status="completed").exists()
    assert staff.exclude(status="completed").filter(due_date__gte=today).exists()


def _agreements_and_obligations():
    from governance.models import CooperationAgreement, ObligationPeriod

    agreements = list(CooperationAgreement.objects.all())
    statuses = [a.status for a in agreements]
    assert statuses.count("expiring") == 1
    assert sum(a.is_suspended for a in agreements) == 1
    assert statuses.count("active") >= 2
    periods = ObligationPeriod.objects.all()
    assert not periods.filter(state="missed").exists()
    assert periods.filter(state="met").count() > periods.filter(state="due").count()


def _no_demo_label_visible():
    from deadlines.models import Deadline, DeadlineKind
    from notifications.models import InboxItem

    assert not DeadlineKind.objects.filter(label__contains="演示").exists()
    assert not Deadline.objects.filter(title__contains="演示").exists()
    assert not InboxItem.objects.filter(subject__contains="演示").exists()
