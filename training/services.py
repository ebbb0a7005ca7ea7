"""Writes for training. Keyword-only arguments, one transaction each, full validation; expected
failures raise ApplicationError with a message the user can read."""

import random
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import can_write
from accounts.roles import Role
from core.errors import ApplicationError
from core.uploads import check_upload
from incidents.models import Grade, IncidentCategory

from . import obligations, reminders, selectors
from .models import (
    MATERIAL_KINDS,
    AttemptAnswer,
    Choice,
    Course,
    CourseMaterial,
    Drill,
    DrillFinding,
    DrillObjective,
    MaterialRead,
    Question,
    QuizAttempt,
    Topic,
    TrainingAssignment,
    TrainingEvaluation,
    TrainingFeedback,
    TrainingPlan,
)
from .richtext import sanitize_html

BATCH_SIZE = 5000


def _require_writer(actor):
    if actor is not None and not can_write(actor):
        raise ApplicationError(_("You may read these records but not change them."))


def _require_officer(actor):
    if actor is None:
        return
    if not (actor.is_superuser or actor.has_role(Role.COMPLIANCE_OFFICER, Role.ADMINISTRATOR)):
        raise ApplicationError(_("Only a compliance officer may do this."))


# --- plans -------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, year: int, title: str, description: str = "", actor=None) -> TrainingPlan:
    _require_officer(actor)
    if not 2000 <= int(year) <= 2100:
        raise ApplicationError(_("Enter a year between 2000 and 2100."))
    if TrainingPlan.objects.filter(year=year).exists():
        raise ApplicationError(_("There is already a training plan for %(year)s.") % {"year": year})
    if not (title or "").strip():
        raise ApplicationError(_("Give the plan a title."))
    return TrainingPlan.objects.create(
        year=year, title=title.strip(), description=description, created_by=actor
    )


@transaction.atomic
def plan_approve(*, plan: TrainingPlan, actor) -> TrainingPlan:
    """The compliance head approves the plan; refused unless it covers the five topics the
    standard requires and every job role."""
    _require_officer(actor)
    plan = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == TrainingPlan.Status.APPROVED:
        raise ApplicationError(_("This plan is already approved."))
    coverage = selectors.plan_coverage(plan=plan)
    problems = []
    if coverage["missing_topics"]:
        problems.append(
            _("topics not covered: %(topics)s")
            % {"topics": "; ".join(str(Topic(t).label) for t in coverage["missing_topics"])}
        )
    if coverage["missing_roles"]:
        problems.append(
            _("job roles with no course: %(roles)s")
            % {"roles": "; ".join(r.name for r in coverage["missing_roles"])}
        )
    if problems:
        raise ApplicationError(
            _("The plan cannot be approved yet — %(problems)s.")
            % {"problems": " / ".join(problems)},
            extra={
                "missing_topics": coverage["missing_topics"],
                "missing_roles": [r.code for r in coverage["missing_roles"]],
            },
        )
    plan.status = TrainingPlan.Status.APPROVED
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    plan.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    obligations.refresh_on_commit()
    return plan


# --- courses -----------------------------------------------------------------------------


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
    _require_officer(actor)
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
    _require_officer(actor)
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
    _require_officer(actor)
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
    _require_officer(actor)
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

    from .tasks import generate_assignments

    task_id = str(uuid.uuid4())
    Course.objects.filter(pk=course.pk).update(generation_task_id=task_id)
    course.generation_task_id = task_id
    transaction.on_commit(
        lambda: generate_assignments.apply_async(args=[course.pk], task_id=task_id)
    )
    return task_id


# --- assignments -------------------------------------------------------------------------


def _assignment_due(course: Course, today: date) -> date:
    if course.due_date >= today:
        return course.due_date
    return today + timedelta(days=course.newcomer_days)


def assignments_generate(
    *, course: Course, progress: Callable[[int, int], None] | None = None
) -> int:
    """Give everyone in the course's audience an assignment. Idempotent: people who already
    have one are skipped (database-enforced unique (course, user), bulk insert ignoring
    conflicts), so running it again, or for people who joined since, creates only what is
    missing. Returns how many assignments were created. Each batch commits on its own so a
    crash loses at most one batch and the rerun continues."""
    course = Course.objects.get(pk=course.pk)
    if course.status != Course.Status.PUBLISHED:
        raise ApplicationError(_("Only a published course has assignments."))
    today = timezone.localdate()
    due = _assignment_due(course, today)
    missing = (
        selectors.course_audience(course=course)
        .exclude(training_assignments__course=course)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    user_ids = list(missing)
    total = len(user_ids)
    created = 0
    if progress:
        progress(0, total)
    for start in range(0, total, BATCH_SIZE):
        chunk = user_ids[start : start + BATCH_SIZE]
        with transaction.atomic():
            created += _insert_assignments(course=course, due=due, user_ids=chunk)
            reminders.schedule_for_course(course=course, user_ids=chunk)
        if progress:
            progress(min(start + BATCH_SIZE, total), total)
    return created


def _insert_assignments(*, course: Course, due: date, user_ids: list[int]) -> int:
    """Insert one batch, skipping (course, user) pairs that already exist; returns how many
    rows were inserted.

    Portable path: bulk_create(ignore_conflicts=True) on the unique (course, user). On
    PostgreSQL the same insert is one INSERT … SELECT FROM unnest(ids) ON CONFLICT DO NOTHING:
    measured with bench/training.py (10,000 staff × 20 courses), bulk_create spent ~170 µs per
    row building model instances and SQL parameters (34 s in all, over the 20 s target);
    passing the ids as one array lets the database build the rows."""
    if not user_ids:
        return 0
    if connection.vendor == "postgresql":
        meta = TrainingAssignment._meta
        col = {f.name: f.column for f in meta.concrete_fields}
        now = timezone.now()
        sql = (
            f"INSERT INTO {meta.db_table} ({col['course']}, {col['user']}, {col['status']}, "
            f"{col['due_date']}, {col['attempts_used']}, {col['reminders_scheduled']}, "
            f"{col['created_at']}, {col['updated_at']}) "
            "SELECT %s, uid, %s, %s, 0, false, %s, %s FROM unnest(%s::bigint[]) AS t(uid) "
            f"ON CONFLICT ({col['course']}, {col['user']}) DO NOTHING"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [course.pk, TrainingAssignment.Status.ASSIGNED, due, now, now, list(user_ids)],
            )
            return cursor.rowcount
    before = TrainingAssignment.objects.filter(course=course, user_id__in=user_ids).count()
    TrainingAssignment.objects.bulk_create(
        [TrainingAssignment(course_id=course.pk, user_id=uid, due_date=due) for uid in user_ids],
        ignore_conflicts=True,
    )
    after = TrainingAssignment.objects.filter(course=course, user_id__in=user_ids).count()
    return after - before


def assignments_sync_all() -> int:
    """Pick up people who joined (or changed role or department) since their courses were
    published. Run periodically; cheap when there is nothing to do."""
    today = timezone.localdate()
    created = 0
    courses = Course.objects.filter(
        status=Course.Status.PUBLISHED, plan__year__gte=today.year
    ).order_by("pk")
    for course in courses:
        created += assignments_generate(course=course)
    return created


def _assignment_for_update(assignment: TrainingAssignment, actor) -> TrainingAssignment:
    assignment = (
        TrainingAssignment.objects.select_for_update()
        .select_related("course", "user")
        .get(pk=assignment.pk)
    )
    if actor is not None and assignment.user_id != actor.pk:
        raise ApplicationError(_("Only the trainee can do this on their own assignment."))
    if assignment.course.status == Course.Status.ARCHIVED:
        raise ApplicationError(_("This course has been archived."))
    return assignment


def _maybe_complete(assignment: TrainingAssignment) -> None:
    course = assignment.course
    if assignment.status == TrainingAssignment.Status.COMPLETED:
        return
    has_materials = course.materials.exists()
    if has_materials and not assignment.materials_read_at:
        return
    if course.acknowledgement_text and not assignment.acknowledged_at:
        return
    if course.questions.exists() and not assignment.attempts.filter(passed=True).exists():
        return
    assignment.status = TrainingAssignment.Status.COMPLETED
    assignment.completed_at = timezone.now()
    reminders.assignment_completed(assignment=assignment)


def _touch(assignment: TrainingAssignment) -> None:
    if assignment.status == TrainingAssignment.Status.ASSIGNED:
        assignment.status = TrainingAssignment.Status.IN_PROGRESS


@transaction.atomic
def assignment_mark_read(
    *, assignment: TrainingAssignment, material: CourseMaterial | None = None, actor=None
) -> TrainingAssignment:
    """Mark one material (or, without `material`, all of them) as read."""
    assignment = _assignment_for_update(assignment, actor)
    materials = list(assignment.course.materials.all())
    if material is not None:
        if material.course_id != assignment.course_id:
            raise ApplicationError(_("That material belongs to another course."))
        targets = [material]
    else:
        targets = materials
    MaterialRead.objects.bulk_create(
        [MaterialRead(assignment=assignment, material=m) for m in targets],
        ignore_conflicts=True,
    )
    if not assignment.materials_read_at:
        read = set(assignment.reads.values_list("material_id", flat=True))
        if all(m.pk in read for m in materials):
            assignment.materials_read_at = timezone.now()
    _touch(assignment)
    _maybe_complete(assignment)
    assignment.save()
    return assignment


@transaction.atomic
def assignment_acknowledge(*, assignment: TrainingAssignment, actor=None) -> TrainingAssignment:
    assignment = _assignment_for_update(assignment, actor)
    if not assignment.course.acknowledgement_text:
        raise ApplicationError(_("This course asks for no acknowledgement."))
    if not assignment.acknowledged_at:
        assignment.acknowledged_at = timezone.now()
    _touch(assignment)
    _maybe_complete(assignment)
    assignment.save()
    return assignment


@transaction.atomic
def quiz_start(
    *, assignment: TrainingAssignment, actor=None, rng: random.Random | None = None
) -> QuizAttempt:
    """Draw the questions for a new attempt (or return the attempt still open). The attempt
    counts against the limit as soon as it is started, so reading the questions and walking
    away does not give a free look."""
    assignment = _assignment_for_update(assignment, actor)
    course = assignment.course
    if assignment.status == TrainingAssignment.Status.COMPLETED:
        raise ApplicationError(_("You have already completed this course."))
    open_attempt = assignment.attempts.filter(submitted_at__isnull=True).first()
    if open_attempt:
        return open_attempt
    if assignment.attempts_used >= course.max_attempts:
        raise ApplicationError(
            _("You have used all %(n)s attempts for this quiz.") % {"n": course.max_attempts}
        )
    if course.materials.exists() and not assignment.materials_read_at:
        raise ApplicationError(_("Read the course materials before taking the quiz."))
    question_ids = list(course.questions.order_by("position", "id").values_list("pk", flat=True))
    if not question_ids:
        raise ApplicationError(_("This course has no quiz."))
    k = course.questions_per_attempt or len(question_ids)
    drawn = (rng or random.SystemRandom()).sample(question_ids, min(k, len(question_ids)))
    assignment.attempts_used += 1
    _touch(assignment)
    assignment.save(update_fields=["attempts_used", "status", "updated_at"])
    attempt = QuizAttempt.objects.create(assignment=assignment, number=assignment.attempts_used)
    AttemptAnswer.objects.bulk_create(
        [AttemptAnswer(attempt=attempt, question_id=q, position=i) for i, q in enumerate(drawn)]
    )
    return attempt


@transaction.atomic
def quiz_submit(
    *, attempt: QuizAttempt, answers: dict[int, Iterable[int]], actor=None
) -> QuizAttempt:
    """Score an attempt: a question counts as right only if exactly its correct answers were
    chosen. The score is the percentage of drawn questions answered right."""
    attempt = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
    assignment = _assignment_for_update(attempt.assignment, actor)
    if attempt.submitted_at:
        raise ApplicationError(_("This attempt has already been submitted."))
    rows = list(attempt.answers.select_related("question").prefetch_related("question__choices"))
    answers = {int(k): {int(c) for c in v} for k, v in (answers or {}).items()}
    right = 0
    for row in rows:
        chosen = answers.get(row.question_id, set())
        valid = {c.pk for c in row.question.choices.all()}
        if chosen - valid:
            raise ApplicationError(_("An answer does not belong to its question."))
        if row.question.kind == Question.Kind.SINGLE and len(chosen) > 1:
            raise ApplicationError(_("Choose only one answer for a single-choice question."))
        correct = {c.pk for c in row.question.choices.all() if c.is_correct}
        row.selected = sorted(chosen)
        row.correct = chosen == correct
        right += row.correct
    AttemptAnswer.objects.bulk_update(rows, ["selected", "correct"])
    score = round(100 * right / len(rows)) if rows else 0
    attempt.score = score
    attempt.passed = score >= assignment.course.pass_mark
    attempt.submitted_at = timezone.now()
    attempt.save(update_fields=["score", "passed", "submitted_at"])
    assignment.best_score = max(assignment.best_score or 0, score)
    if attempt.passed:
        _maybe_complete(assignment)
    elif assignment.attempts_used >= assignment.course.max_attempts:
        assignment.status = TrainingAssignment.Status.FAILED
    assignment.save()
    return attempt


@transaction.atomic
def assignment_grant_attempts(
    *, assignment: TrainingAssignment, extra: int = 1, actor=None
) -> TrainingAssignment:
    """An officer lets someone who failed try again (e.g. after a refresher session)."""
    _require_officer(actor)
    assignment = TrainingAssignment.objects.select_for_update().get(pk=assignment.pk)
    if extra < 1:
        raise ApplicationError(_("Grant at least one attempt."))
    assignment.attempts_used = max(assignment.attempts_used - extra, 0)
    if assignment.status == TrainingAssignment.Status.FAILED:
        assignment.status = TrainingAssignment.Status.IN_PROGRESS
    assignment.save()
    return assignment


@transaction.atomic
def feedback_submit(
    *, assignment: TrainingAssignment, rating: int, comments: str = "", actor=None
) -> TrainingFeedback:
    assignment = _assignment_for_update(assignment, actor)
    if assignment.status not in (
        TrainingAssignment.Status.COMPLETED,
        TrainingAssignment.Status.FAILED,
    ):
        raise ApplicationError(_("You can rate the course once you have finished it."))
    if not 1 <= int(rating) <= 5:
        raise ApplicationError(_("Rate the course from 1 to 5."))
    feedback, _created = TrainingFeedback.objects.update_or_create(
        assignment=assignment, defaults={"rating": int(rating), "comments": comments.strip()}
    )
    return feedback


# --- evaluation --------------------------------------------------------------------------


@transaction.atomic
def evaluation_record(
    *, plan: TrainingPlan, conclusion: str, improvements: str = "", actor
) -> TrainingEvaluation:
    _require_officer(actor)
    if not (conclusion or "").strip():
        raise ApplicationError(_("Write the conclusion of the evaluation."))
    figures = selectors.plan_figures(plan=plan)
    evaluation = TrainingEvaluation.objects.create(
        plan=plan,
        conclusion=conclusion.strip(),
        improvements=improvements.strip(),
        figures=figures,
        evaluated_by=actor,
    )
    obligations.refresh_on_commit()
    return evaluation


# --- drills ------------------------------------------------------------------------------


def _drill_for_update(drill: Drill) -> Drill:
    return Drill.objects.select_for_update().get(pk=drill.pk)


@transaction.atomic
def drill_plan(
    *,
    year: int,
    title: str,
    scenario: str,
    drill_type: str,
    incident_category: str,
    incident_grade: str,
    scheduled_at,
    coordinator,
    objectives: list[tuple[str, str]],
    participants: Iterable = (),
    observers: Iterable = (),
    actor=None,
) -> Drill:
    """Plan a drill: scenario, type, the incident it simulates, objectives with success
    criteria, people; the scheduled date goes on the deadline engine for the coordinator."""
    _require_officer(actor)
    if not (title or "").strip() or not (scenario or "").strip():
        raise ApplicationError(_("Give the drill a title and a scenario."))
    if drill_type not in Drill.Type.values:
        raise ApplicationError(_("Choose the type of drill."))
    if incident_category not in IncidentCategory.values:
        raise ApplicationError(_("Choose the incident category the drill simulates."))
    if incident_grade not in Grade.values:
        raise ApplicationError(_("Choose the incident grade the drill simulates."))
    if scheduled_at is None or timezone.localtime(scheduled_at).year != int(year):
        raise ApplicationError(_("The drill must be scheduled within its year."))
    if coordinator is None:
        raise ApplicationError(_("Choose the coordinator of the drill."))
    objectives = [(d.strip(), c.strip()) for d, c in objectives if d and d.strip()]
    if not objectives:
        raise ApplicationError(_("State at least one objective."))
    if any(not c for _d, c in objectives):
        raise ApplicationError(_("Every objective needs its success criteria."))
    participants, observers = list(participants), list(observers)
    if not participants:
        raise ApplicationError(_("Name the participants."))
    overlap = {u.pk for u in participants} & {u.pk for u in observers}
    if overlap:
        raise ApplicationError(_("An observer cannot also be a participant."))
    drill = Drill.objects.create(
        year=year,
        title=title.strip(),
        scenario=scenario.strip(),
        drill_type=drill_type,
        incident_category=incident_category,
        incident_grade=incident_grade,
        scheduled_at=scheduled_at,
        coordinator=coordinator,
        created_by=actor,
    )
    drill.participants.set(participants)
    drill.observers.set(observers)
    DrillObjective.objects.bulk_create(
        [
            DrillObjective(drill=drill, description=d, success_criteria=c, position=i)
            for i, (d, c) in enumerate(objectives)
        ]
    )
    reminders.drill_planned(drill=drill)
    return drill


@transaction.atomic
def drill_reschedule(*, drill: Drill, scheduled_at, reason: str, actor=None) -> Drill:
    _require_officer(actor)
    drill = _drill_for_update(drill)
    if drill.status != Drill.Status.PLANNED:
        raise ApplicationError(_("Only a planned drill can be rescheduled."))
    if not (reason or "").strip():
        raise ApplicationError(_("Say why the drill moves."))
    drill.scheduled_at = scheduled_at
    drill.save(update_fields=["scheduled_at", "updated_at"])
    reminders.drill_rescheduled(drill=drill, reason=reason, actor=actor)
    return drill


@transaction.atomic
def drill_start(*, drill: Drill, actor=None) -> Drill:
    """Run the drill: open a drill-flagged incident (source "drill") so the team works the real
    flow — grading, tasks, reports up to approval — while real statistics and regulatory
    submissions leave it out."""
    from incidents import services as incident_services
    from incidents.models import Incident

    _require_writer(actor)
    drill = _drill_for_update(drill)
    if actor is not None and actor.pk != drill.coordinator_id:
        _require_officer(actor)
    if drill.status != Drill.Status.PLANNED:
        raise ApplicationError(_("This drill has already started or is closed."))
    now = timezone.now()
    incident = incident_services.incident_create(
        title=_("[Drill] %(title)s") % {"title": drill.title},
        category=drill.incident_category,
        source=Incident.Source.DRILL,
        discovered_at=now,
        description=drill.scenario,
        assignee=drill.coordinator,
        actor=actor or drill.coordinator,
    )
    drill.incident = incident
    drill.status = Drill.Status.IN_PROGRESS
    drill.started_at = now
    drill.save(update_fields=["incident", "status", "started_at", "updated_at"])
    reminders.drill_started(drill=drill)
    return drill


@transaction.atomic
def drill_assess_objective(
    *, objective: DrillObjective, result: str, notes: str = "", actor=None
) -> DrillObjective:
    _require_writer(actor)
    objective = (
        DrillObjective.objects.select_for_update().select_related("drill").get(pk=objective.pk)
    )
    if objective.drill.status != Drill.Status.IN_PROGRESS:
        raise ApplicationError(_("Objectives are assessed while the drill is running."))
    if result not in DrillObjective.Result.values or result == DrillObjective.Result.NOT_ASSESSED:
        raise ApplicationError(_("Choose met, partially met or not met."))
    if result != DrillObjective.Result.MET and not (notes or "").strip():
        raise ApplicationError(_("Note what fell short of the success criteria."))
    objective.result = result
    objective.result_notes = (notes or "").strip()
    objective.assessed_by = actor
    objective.assessed_at = timezone.now()
    objective.save()
    return objective


@transaction.atomic
def drill_add_finding(
    *,
    drill: Drill,
    description: str,
    owner,
    due_at,
    objective: DrillObjective | None = None,
    actor,
) -> DrillFinding:
    """Record a finding; it becomes a rectification item on the drill's incident (owner,
    deadline on the engine, evidence, verification — as for a real incident)."""
    from incidents import services as incident_services

    _require_writer(actor)
    drill = _drill_for_update(drill)
    if drill.status not in (Drill.Status.IN_PROGRESS, Drill.Status.COMPLETED):
        raise ApplicationError(_("Findings are recorded once the drill has started."))
    if not (description or "").strip():
        raise ApplicationError(_("Describe the finding."))
    if objective is not None and objective.drill_id != drill.pk:
        raise ApplicationError(_("That objective belongs to another drill."))
    finding = DrillFinding.objects.create(
        drill=drill, objective=objective, description=description.strip(), recorded_by=actor
    )
    first_line = description.strip().splitlines()[0][:150]
    item = incident_services.rectification_create(
        title=_("Drill finding: %(f)s") % {"f": first_line},
        description=description.strip(),
        owner=owner,
        due_at=due_at,
        actor=actor,
        incident=drill.incident if drill.incident and drill.incident.status != "closed" else None,
        origin=finding,
    )
    finding.rectification = item
    finding.save(update_fields=["rectification", "updated_at"])
    return finding


@transaction.atomic
def drill_complete(*, drill: Drill, summary: str, lessons: str = "", actor=None) -> Drill:
    """Close the drill: every objective assessed, a summary written. The year's drill
    obligation on the calendar is then met (governance evidence rule `drill.annual`)."""
    _require_writer(actor)
    drill = _drill_for_update(drill)
    if drill.status != Drill.Status.IN_PROGRESS:
        raise ApplicationError(_("Only a running drill can be completed."))
    pending = drill.objectives.filter(result=DrillObjective.Result.NOT_ASSESSED)
    if pending.exists():
        raise ApplicationError(
            _("Assess every objective first: %(list)s")
            % {"list": "; ".join(o.description for o in pending)}
        )
    if not (summary or "").strip():
        raise ApplicationError(_("Write the drill summary."))
    drill.status = Drill.Status.COMPLETED
    drill.completed_at = timezone.now()
    drill.summary = summary.strip()
    drill.lessons = (lessons or "").strip()
    drill.save(update_fields=["status", "completed_at", "summary", "lessons", "updated_at"])
    reminders.drill_completed(drill=drill)
    obligations.refresh_on_commit()
    return drill


@transaction.atomic
def drill_cancel(*, drill: Drill, reason: str, actor=None) -> Drill:
    _require_officer(actor)
    drill = _drill_for_update(drill)
    if drill.status != Drill.Status.PLANNED:
        raise ApplicationError(_("Only a planned drill can be cancelled."))
    if not (reason or "").strip():
        raise ApplicationError(_("Say why the drill is cancelled."))
    drill.status = Drill.Status.CANCELLED
    drill.summary = reason.strip()
    drill.save(update_fields=["status", "summary", "updated_at"])
    reminders.drill_cancelled(drill=drill, reason=reason, actor=actor)
    return drill
