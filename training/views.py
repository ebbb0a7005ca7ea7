"""Training pages. Thin: parse input, call one service or selector, render."""

from celery.result import AsyncResult
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.policy import sees_everything
from accounts.policy.pages import firm_wide_page
from core import pages
from security import files

from . import exports, pdf, selectors, services
from .forms import CourseForm, EvaluationForm, FeedbackForm, MaterialForm, PlanForm, QuestionForm
from .models import (
    Course,
    CourseMaterial,
    QuizAttempt,
    TrainingAssignment,
    TrainingFeedback,
    TrainingPlan,
)

# Pages for firm-wide roles: officers write, auditors read.
officer_view = firm_wide_page(post_by_writers=True)


def _my_assignment(request, pk) -> TrainingAssignment:
    return get_object_or_404(
        TrainingAssignment.objects.filter(user=request.user).select_related(
            "course", "course__plan"
        ),
        pk=pk,
    )


# --- staff -------------------------------------------------------------------------------


@login_required
def my_trainings(request):
    return render(
        request, "training/my_trainings.html", selectors.my_assignments(user=request.user)
    )


@login_required
def assignment_detail(request, pk):
    assignment = _my_assignment(request, pk)
    course = assignment.course
    read_ids = set(assignment.reads.values_list("material_id", flat=True))
    materials = [(m, m.pk in read_ids) for m in course.materials.all()]
    attempts = list(assignment.attempts.order_by("number"))
    feedback = TrainingFeedback.objects.filter(assignment=assignment).first()
    return render(
        request,
        "training/assignment.html",
        {
            "a": assignment,
            "course": course,
            "materials": materials,
            "attempts": attempts,
            "open_attempt": next((t for t in attempts if not t.submitted_at), None),
            "has_quiz": course.questions.exists(),
            "steps": selectors.completion_steps(assignment=assignment),
            "passed_quiz": any(t.passed for t in attempts),
            "feedback": feedback,
            "feedback_form": FeedbackForm(
                initial={"rating": feedback.rating, "comments": feedback.comments}
                if feedback
                else None
            ),
        },
    )


@login_required
@require_POST
def assignment_mark_read(request, pk):
    assignment = _my_assignment(request, pk)
    # One click reads one material: the page names it on each button (the service's "all of
    # them" is for the API), so a bare POST is refused rather than reading the whole course.
    if not str(request.POST.get("material", "")).isdigit():
        messages.error(request, _("Choose the material you have read."))
        return redirect("training:assignment", pk=pk)
    material = get_object_or_404(
        CourseMaterial, pk=request.POST["material"], course=assignment.course
    )
    _result, ok = pages.run(
        request, services.assignment_mark_read, assignment=assignment, material=material
    )
    return redirect("training:assignment", pk=pk)


@login_required
@require_POST
def assignment_acknowledge(request, pk):
    assignment = _my_assignment(request, pk)
    pages.run(
        request,
        services.assignment_acknowledge,
        success=_("Your acknowledgement has been recorded."),
        assignment=assignment,
    )
    return redirect("training:assignment", pk=pk)


@login_required
@require_POST
def quiz_start(request, pk):
    assignment = _my_assignment(request, pk)
    attempt, ok = pages.run(request, services.quiz_start, assignment=assignment)
    if not ok:
        return redirect("training:assignment", pk=pk)
    return redirect("training:quiz", pk=pk, attempt=attempt.pk)


@login_required
def quiz(request, pk, attempt):
    assignment = _my_assignment(request, pk)
    attempt = get_object_or_404(QuizAttempt, pk=attempt, assignment=assignment)
    rows = list(attempt.answers.select_related("question").prefetch_related("question__choices"))
    if request.method == "POST" and not attempt.submitted_at:
        answers = {row.question_id: request.POST.getlist(f"q{row.question_id}") for row in rows}
        _result, ok = pages.run(request, services.quiz_submit, attempt=attempt, answers=answers)
        return redirect("training:quiz", pk=pk, attempt=attempt.pk)
    return render(
        request,
        "training/quiz.html",
        {"a": assignment, "attempt": attempt, "rows": rows},
    )


@login_required
@require_POST
def feedback(request, pk):
    assignment = _my_assignment(request, pk)
    pages.submit(
        request,
        FeedbackForm(request.POST),
        services.feedback_submit,
        success=_("Thank you for your feedback."),
        invalid=_("Choose a rating from 1 to 5."),
        assignment=assignment,
    )
    return redirect("training:assignment", pk=pk)


@login_required
@require_GET
def certificate(request, pk):
    assignment = get_object_or_404(
        TrainingAssignment.objects.visible_to(request.user).select_related(
            "course", "course__plan", "user"
        ),
        pk=pk,
    )
    if assignment.status != TrainingAssignment.Status.COMPLETED:
        raise Http404(_("The certificate is issued once the course is completed."))
    response = HttpResponse(
        pdf.certificate_pdf(assignment=assignment), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{assignment.certificate_number}.pdf"'
    return response


@login_required
@require_GET
def material_file(request, pk):
    material = get_object_or_404(CourseMaterial, pk=pk, kind=CourseMaterial.Kind.FILE)
    allowed = (
        sees_everything(request.user)
        or TrainingAssignment.objects.filter(
            course_id=material.course_id, user=request.user
        ).exists()
    )
    if not allowed or not material.file:
        raise Http404
    name = material.file.name.rsplit("/", 1)[-1]
    response = files.serve(material.file, filename=name)
    files.record_download(request.user, material, "file", name)
    return response


# --- officers ----------------------------------------------------------------------------


@officer_view
def plan_list(request):
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan, ok = pages.run(request, services.plan_create, **form.cleaned_data)
        if ok:
            return redirect("training:plan", pk=plan.pk)
    plans = TrainingPlan.objects.visible_to(request.user).order_by("-year")
    return render(request, "training/plan_list.html", {"plans": plans, "form": form})


@officer_view
def plan_detail(request, pk):
    plan = get_object_or_404(TrainingPlan.objects.visible_to(request.user), pk=pk)
    return render(
        request,
        "training/plan_detail.html",
        {
            "plan": plan,
            "coverage": selectors.plan_coverage(plan=plan),
            "courses": selectors.plan_courses_with_stats(plan=plan),
            "by_department": selectors.completion_by_department(plan=plan),
            "by_role": selectors.completion_by_role(plan=plan),
            "feedback": selectors.feedback_for(plan=plan)[:50],
            "evaluations": plan.evaluations.select_related("evaluated_by"),
            "evaluation_form": EvaluationForm(),
        },
    )


@officer_view
@require_POST
def plan_approve(request, pk):
    plan = get_object_or_404(TrainingPlan, pk=pk)
    pages.run(request, services.plan_approve, success=_("The plan is approved."), plan=plan)
    return redirect("training:plan", pk=pk)


@officer_view
@require_POST
def plan_evaluate(request, pk):
    plan = get_object_or_404(TrainingPlan, pk=pk)
    pages.submit(
        request,
        EvaluationForm(request.POST),
        services.evaluation_record,
        success=_("The evaluation has been recorded."),
        invalid=_("Write the conclusion of the evaluation."),
        plan=plan,
    )
    return redirect("training:plan", pk=pk)


@officer_view
@require_GET
def plan_export(request, pk):
    plan = get_object_or_404(TrainingPlan, pk=pk)
    response = HttpResponse(
        exports.plan_workbook(plan=plan),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="training-evaluation-{plan.year}.xlsx"'
    return response


@officer_view
def course_create(request, plan_pk):
    plan = get_object_or_404(TrainingPlan, pk=plan_pk)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        course, ok = pages.run(request, services.course_create, plan=plan, **form.cleaned_data)
        if ok:
            return redirect("training:course", pk=course.pk)
    return render(request, "training/course_form.html", {"plan": plan, "form": form})


@officer_view
def course_detail(request, pk):
    course = get_object_or_404(Course.objects.select_related("plan"), pk=pk)
    material_form = MaterialForm()
    question_form = QuestionForm()
    if request.method == "POST":
        if request.POST.get("form") == "material":
            material_form = MaterialForm(request.POST, request.FILES)
            if material_form.is_valid():
                _r, ok = pages.run(
                    request, services.material_add, course=course, **material_form.cleaned_data
                )
                if ok:
                    return redirect("training:course", pk=pk)
        elif request.POST.get("form") == "question":
            question_form = QuestionForm(request.POST)
            if question_form.is_valid():
                _r, ok = pages.run(
                    request,
                    services.question_add,
                    course=course,
                    text=question_form.cleaned_data["text"],
                    kind=question_form.cleaned_data["kind"],
                    explanation=question_form.cleaned_data["explanation"],
                    choices=question_form.choices(),
                )
                if ok:
                    return redirect("training:course", pk=pk)
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "stats": selectors.course_stats(course=course),
            "difficulty": selectors.question_difficulty(course=course),
            "materials": course.materials.all(),
            "material_form": material_form,
            "question_form": question_form,
        },
    )


@officer_view
@require_POST
def course_publish(request, pk):
    course = get_object_or_404(Course, pk=pk)
    pages.run(
        request,
        services.course_publish,
        success=_("Published; assignments are being generated."),
        course=course,
    )
    return redirect("training:course", pk=pk)


@officer_view
@require_GET
def course_progress(request, pk):
    """Polled by the course page while its assignments are generated."""
    course = get_object_or_404(Course, pk=pk)
    if not course.generation_task_id:
        return JsonResponse({"state": "NONE", "assigned": course.assignments.count()})
    result = AsyncResult(course.generation_task_id)
    state = result.state
    info = result.info if isinstance(result.info, dict) else {}
    done, total = info.get("done"), info.get("total")
    if state == "SUCCESS":
        percent = 100
    elif done is not None and total:
        percent = round(100 * done / total)
    else:
        percent = 0
    return JsonResponse(
        {
            "state": state,
            "done": done,
            "total": total,
            "percent": percent,
            "created": info.get("created"),
            "assigned": course.assignments.count(),
            "error": str(result.info) if state == "FAILURE" else None,
        }
    )
