"""Writes for training. Keyword-only arguments, one transaction each, full validation; expected (courses)."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from core.errors import ApplicationError
from core.uploads import check_upload

from ..models import (
    MATERIAL_KINDS,
    Choice,
    Course,
    CourseMaterial,
    Question,
    Topic,
    TrainingPlan,
)
from ..richtext import sanitize_html

GENERATE_ASSIGNMENTS_TASK = "training.generate_assignments"  # training.tasks.generate_assignments


def _validate_course_fields(*, topics, pass_mark, max_attempts, duration_minutes):
    unknown = [t for t in topics if t not in Topic.values]
    if unknown:
        raise ApplicationError(_("Unknown topic: %(t)s") % {"t": ", ".join(unknown)})
    if not 0 < int(pass_mark) <= 100:
        raise ApplicationError(_("The pass mark must be between 1 and 100 percent."))
    if int(max_attempts) < 1:
        raise ApplicationError(_("Allow at least one attempt."))
    if int(duration_minutes) < 1:
        raise ApplicationError(_("The duration must be at least one minute."))


@transaction.atomic
def course_create(
    *,
    plan: TrainingPlan,
    title: str,
    due_date: date,
    topics: Iterable[str] = (),
    summary: str = "",
    duration_minutes: int = 60,
    pass_mark: int = 80,
    questions_per_attempt: int = 0,
    max_attempts: int = 3,
    newcomer_days: int = 14,
    acknowledgement_text: str = "",
    audience_all: bool = False,
    audience_roles: Iterable = (),
    audience_departments: Iterable = (),
    audience_users: Iterable = (),
    actor=None,
) -> Course:
    policy.require(actor, "training.course.create")
    topics = list(dict.fromkeys(topics))
    _validate_course_fields(
        topics=topics,
        pass_mark=pass_mark,
        max_attempts=max_attempts,
        duration_minutes=duration_minutes,
    )
    if not (title or "").strip():
        raise ApplicationError(_("Give the course a title."))
    if due_date.year != plan.year:
        raise ApplicationError(
            _("The due date must fall within the plan's year (%(year)s).") % {"year": plan.year}
        )
    roles, depts, users = list(audience_roles), list(audience_departments), list(audience_users)
    if not (audience_all or roles or depts or users):
        raise ApplicationError(
            _("Choose an audience: all staff, job roles, departments or individuals.")
        )
    course = Course.objects.create(
        plan=plan,
        title=title.strip(),
        summary=summary,
        topics=topics,
        due_date=due_date,
        duration_minutes=duration_minutes,
        pass_mark=pass_mark,
        questions_per_attempt=questions_per_attempt,
        max_attempts=max_attempts,
        newcomer_days=newcomer_days,
        acknowledgement_text=acknowledgement_text,
        audience_all=audience_all,
    )
    course.audience_roles.set(roles)
    course.audience_departments.set(depts)
    course.audience_users.set(users)
    return course


@transaction.atomic
def material_add(
    *,
    course: Course,
    kind: str,
    title: str,
    file=None,
    url: str = "",
    body: str = "",
    actor=None,
) -> CourseMaterial:
    policy.require(actor, "training.course.material_add", course)
    if kind == CourseMaterial.Kind.FILE and not file:
        raise ApplicationError(_("Attach the file."))
    if kind == CourseMaterial.Kind.FILE:
        check_upload(file, kinds=MATERIAL_KINDS)
    if kind == CourseMaterial.Kind.LINK and not url.startswith(("http://", "https://")):
        raise ApplicationError(_("Enter a web address starting with http:// or https://."))
    if kind == CourseMaterial.Kind.TEXT and not (body or "").strip():
        raise ApplicationError(_("Write the text of the material."))
    if kind not in CourseMaterial.Kind.values:
        raise ApplicationError(_("Unknown kind of material."))
    position = course.materials.count()
    return CourseMaterial.objects.create(
        course=course,
        kind=kind,
        title=title,
        file=file or "",
        url=url if kind == CourseMaterial.Kind.LINK else "",
        body=sanitize_html(body) if kind == CourseMaterial.Kind.TEXT else "",
        position=position,
    )


@transaction.atomic
def question_add(
    *,
    course: Course,
    text: str,
    choices: list[tuple[str, bool]],
    kind: str = Question.Kind.SINGLE,
    explanation: str = "",
    actor=None,
) -> Question:
    policy.require(actor, "training.course.question_add", course)
    choices = [(c.strip(), bool(ok)) for c, ok in choices if c and c.strip()]
    if not (text or "").strip():
        raise ApplicationError(_("Write the question."))
    if len(choices) < 2:
        raise ApplicationError(_("A question needs at least two answers."))
    right = sum(1 for _c, ok in choices if ok)
    if right == 0:
        raise ApplicationError(_("Mark at least one answer as correct."))
    if kind == Question.Kind.SINGLE and right != 1:
        raise ApplicationError(_("A single-choice question has exactly one correct answer."))
    question = Question.objects.create(
        course=course,
        text=text.strip(),
        kind=kind,
        explanation=explanation,
        position=course.questions.count(),
    )
    Choice.objects.bulk_create(
        [
            Choice(question=question, text=c, is_correct=ok, position=i)
            for i, (c, ok) in enumerate(choices)
        ]
    )
    return question


@transaction.atomic
def course_publish(*, course: Course, actor=None, enqueue: bool = True) -> Course:
    """Publish a course of an approved plan and start generating its assignments (the demo
    seeder passes enqueue=False and generates them in-process)."""
    policy.require(actor, "training.course.publish", course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.plan.status != TrainingPlan.Status.APPROVED:
        raise ApplicationError(_("Approve the training plan before publishing its courses."))
    if course.status == Course.Status.ARCHIVED:
        raise ApplicationError(_("An archived course cannot be published."))
    n_questions = course.questions.count()
    if course.questions_per_attempt and course.questions_per_attempt > n_questions:
        raise ApplicationError(
            _("The quiz draws %(n)s questions but the bank holds only %(m)s.")
            % {"n": course.questions_per_attempt, "m": n_questions}
        )
    if course.status != Course.Status.PUBLISHED:
        course.status = Course.Status.PUBLISHED
        course.published_at = timezone.now()
    course.save(update_fields=["status", "published_at", "updated_at"])
    if enqueue:
        assignments_generate_enqueue(course=course)
    return course


def assignments_generate_enqueue(*, course: Course) -> str:
    """Start the generation task once the current transaction commits; the task id is stored
    on the course so its page can poll the progress."""
    import uuid

    from celery import current_app

    task_id = str(uuid.uuid4())
    Course.objects.filter(pk=course.pk).update(generation_task_id=task_id)
    course.generation_task_id = task_id
    # By the task's name: training.tasks calls these services, so they never import it.
    generate = current_app.signature(GENERATE_ASSIGNMENTS_TASK, args=[course.pk])
    transaction.on_commit(lambda: generate.apply_async(task_id=task_id))
    return task_id
