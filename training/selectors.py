"""Reads for training: audiences, plan coverage, a trainee's list, evaluation figures."""

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import JobRole, User

from .models import (
    AttemptAnswer,
    Course,
    Drill,
    DrillObjective,
    Topic,
    TrainingAssignment,
    TrainingFeedback,
    TrainingPlan,
)


def audience_q(course: Course) -> Q:
    """Who a course is for, as a condition on User."""
    if course.audience_all:
        return Q()
    q = Q(pk__in=[])
    role_ids = list(course.audience_roles.values_list("pk", flat=True))
    dept_ids = list(course.audience_departments.values_list("pk", flat=True))
    user_ids = list(course.audience_users.values_list("pk", flat=True))
    if role_ids:
        q |= Q(job_role_id__in=role_ids)
    if dept_ids:
        q |= Q(department_id__in=dept_ids)
    if user_ids:
        q |= Q(pk__in=user_ids)
    return q


def course_audience(*, course: Course):
    return User.objects.filter(is_active=True).filter(audience_q(course))


def plan_coverage(*, plan: TrainingPlan) -> dict:
    """Which of the five required topics and which job roles the plan's courses reach.
    A role is reached by a course for all staff or one that names the role."""
    courses = list(
        plan.courses.exclude(status=Course.Status.ARCHIVED).prefetch_related("audience_roles")
    )
    covered_topics = {t for c in courses for t in c.topics}
    all_roles = list(JobRole.objects.order_by("name"))
    if any(c.audience_all for c in courses):
        covered_roles = {r.pk for r in all_roles}
    else:
        covered_roles = {r.pk for c in courses for r in c.audience_roles.all()}
    return {
        "topics": [(t, Topic(t).label, t in covered_topics) for t in Topic.values],
        "missing_topics": [t for t in Topic.values if t not in covered_topics],
        "roles": [(r, r.pk in covered_roles) for r in all_roles],
        "missing_roles": [r for r in all_roles if r.pk not in covered_roles],
    }


def my_assignments(*, user) -> dict:
    """A trainee's list split the way the page shows it: due, overdue, done."""
    today = timezone.localdate()
    rows = list(
        TrainingAssignment.objects.filter(user=user)
        .exclude(course__status=Course.Status.ARCHIVED)
        .select_related("course", "course__plan")
        .order_by("due_date", "pk")
    )
    done = [a for a in rows if a.status == TrainingAssignment.Status.COMPLETED]
    open_rows = [a for a in rows if a.status != TrainingAssignment.Status.COMPLETED]
    return {
        "due": [a for a in open_rows if a.due_date >= today],
        "overdue": [a for a in open_rows if a.due_date < today],
        "done": sorted(done, key=lambda a: a.completed_at or a.updated_at, reverse=True),
    }


def completion_steps(*, assignment: TrainingAssignment) -> list[dict]:
    """What completes the course, step by step, and whether this trainee has done each: every
    material read, the policy acknowledged (when the course asks for one), the quiz passed at
    the pass mark (when it has a quiz). The course is completed when all are done."""
    course = assignment.course
    passed = assignment.attempts.filter(passed=True).exists()
    steps = []
    if course.materials.exists():
        steps.append(
            {"label": _("Read every material"), "done": bool(assignment.materials_read_at)}
        )
    if course.acknowledgement_text:
        steps.append(
            {"label": _("Acknowledge the policy"), "done": bool(assignment.acknowledged_at)}
        )
    if course.questions.exists():
        steps.append(
            {
                "label": _("Pass the quiz (%(mark)s points or more)") % {"mark": course.pass_mark},
                "done": passed,
            }
        )
    return steps


def course_stats(*, course: Course) -> dict:
    today = timezone.localdate()
    S = TrainingAssignment.Status
    agg = course.assignments.aggregate(
        assigned=Count("pk"),
        completed=Count("pk", filter=Q(status=S.COMPLETED)),
        failed=Count("pk", filter=Q(status=S.FAILED)),
        in_progress=Count("pk", filter=Q(status=S.IN_PROGRESS)),
        overdue=Count("pk", filter=~Q(status=S.COMPLETED) & Q(due_date__lt=today)),
        attempted=Count("pk", filter=Q(best_score__isnull=False)),
        average_score=Avg("best_score"),
    )
    agg["passed"] = course.assignments.filter(attempts__passed=True).distinct().count()
    fb = TrainingFeedback.objects.filter(assignment__course=course).aggregate(
        rating=Avg("rating"), responses=Count("pk")
    )
    agg["pass_rate"] = (
        round(100 * agg["passed"] / agg["attempted"], 1) if agg["attempted"] else None
    )
    agg["completion_rate"] = (
        round(100 * agg["completed"] / agg["assigned"], 1) if agg["assigned"] else None
    )
    agg["average_score"] = (
        round(agg["average_score"], 1) if agg["average_score"] is not None else None
    )
    agg["average_rating"] = round(fb["rating"], 2) if fb["rating"] is not None else None
    agg["feedback_responses"] = fb["responses"]
    return agg


def question_difficulty(*, course: Course) -> list[dict]:
    """Per question: how often it was answered in a submitted attempt and how often right.
    Difficulty is the share answered wrongly (0 = everyone right, 100 = nobody)."""
    rows = (
        AttemptAnswer.objects.filter(question__course=course, attempt__submitted_at__isnull=False)
        .values("question_id")
        .annotate(answered=Count("pk"), right=Count("pk", filter=Q(correct=True)))
    )
    by_q = {r["question_id"]: r for r in rows}
    out = []
    for q in course.questions.order_by("position", "pk"):
        r = by_q.get(q.pk, {"answered": 0, "right": 0})
        answered = r["answered"]
        out.append(
            {
                "question": q,
                "answered": answered,
                "right": r["right"],
                "correct_rate": round(100 * r["right"] / answered, 1) if answered else None,
                "difficulty": round(100 * (answered - r["right"]) / answered, 1)
                if answered
                else None,
            }
        )
    return out


def _completion_by(plan: TrainingPlan, field: str) -> list[dict]:
    S = TrainingAssignment.Status
    rows = (
        TrainingAssignment.objects.filter(course__plan=plan)
        .exclude(course__status=Course.Status.ARCHIVED)
        .values(field)
        .annotate(
            assigned=Count("pk"),
            completed=Count("pk", filter=Q(status=S.COMPLETED)),
            average_score=Avg("best_score"),
        )
        .order_by(field)
    )
    out = []
    for r in rows:
        out.append(
            {
                "name": r[field] or "—",
                "assigned": r["assigned"],
                "completed": r["completed"],
                "completion_rate": round(100 * r["completed"] / r["assigned"], 1),
                "average_score": round(r["average_score"], 1)
                if r["average_score"] is not None
                else None,
            }
        )
    return out


def completion_by_department(*, plan: TrainingPlan) -> list[dict]:
    return _completion_by(plan, "user__department__name")


def completion_by_role(*, plan: TrainingPlan) -> list[dict]:
    return _completion_by(plan, "user__job_role__name")


def plan_courses_with_stats(*, plan: TrainingPlan) -> list[tuple[Course, dict]]:
    return [(c, course_stats(course=c)) for c in plan.courses.order_by("due_date", "pk")]


def plan_figures(*, plan: TrainingPlan) -> dict:
    """JSON-serialisable snapshot stored with a TrainingEvaluation."""
    return {
        "taken_at": timezone.now().isoformat(),
        "courses": [
            {"id": c.pk, "title": c.title, **stats}
            for c, stats in plan_courses_with_stats(plan=plan)
        ],
        "by_department": completion_by_department(plan=plan),
        "by_role": completion_by_role(plan=plan),
    }


def feedback_for(*, plan: TrainingPlan):
    return (
        TrainingFeedback.objects.filter(assignment__course__plan=plan)
        .select_related("assignment__course", "assignment__user")
        .order_by("assignment__course__title", "-created_at")
    )


def drill_page(*, drill) -> dict:
    """What the drill page and its report show."""
    objectives = list(drill.objectives.select_related("assessed_by"))
    findings = list(
        drill.findings.select_related("rectification", "rectification__owner", "objective")
    )
    counts = {
        r: sum(1 for o in objectives if o.result == r) for r, _l in DrillObjective.Result.choices
    }
    return {
        "objectives": objectives,
        "findings": findings,
        "result_counts": counts,
        "participants": list(drill.participants.all()),
        "observers": list(drill.observers.all()),
    }


def drills_for_year(*, year: int):
    return Drill.objects.filter(year=year).order_by("scheduled_at")
