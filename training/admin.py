from django.contrib import admin

from accounts.policy.admin import PolicyAdmin, PolicyInline

from .models import (
    AwarenessCampaign,
    CampaignReceipt,
    Choice,
    Course,
    CourseMaterial,
    Question,
    TrainingAssignment,
    TrainingEvaluation,
    TrainingFeedback,
    TrainingPlan,
)
from .richtext import sanitize_html


@admin.register(TrainingPlan)
class PlanAdmin(PolicyAdmin):
    list_display = ["year", "title", "status", "approved_by", "approved_at"]
    list_filter = ["status"]
    # Approval runs the coverage check: it is done on the plan page, never by editing the field.
    readonly_fields = ["status", "approved_by", "approved_at", "created_by"]
    policy_actions = {"add": "training.plan.create", "change": "training.plan.create"}


_CONTENT = {
    "add": "training.course.create",
    "change": "training.course.create",
    "delete": "training.course.create",
}


class MaterialInline(PolicyInline, admin.StackedInline):
    model = CourseMaterial
    extra = 0
    policy_actions = _CONTENT


@admin.register(Course)
class CourseAdmin(PolicyAdmin):
    list_display = ["title", "plan", "due_date", "status", "pass_mark", "max_attempts"]
    list_filter = ["status", "plan"]
    search_fields = ["title"]
    filter_horizontal = ["audience_roles", "audience_departments", "audience_users"]
    readonly_fields = ["status", "published_at", "generation_task_id"]
    inlines = [MaterialInline]
    policy_actions = {"add": "training.course.create", "change": "training.course.create"}

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            if isinstance(obj, CourseMaterial):
                obj.body = sanitize_html(obj.body)
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class ChoiceInline(PolicyInline, admin.TabularInline):
    model = Choice
    extra = 0
    policy_actions = _CONTENT


@admin.register(Question)
class QuestionAdmin(PolicyAdmin):
    list_display = ["text", "course", "kind", "position"]
    list_filter = ["kind", "course"]
    inlines = [ChoiceInline]
    policy_actions = _CONTENT


@admin.register(TrainingAssignment)
class AssignmentAdmin(PolicyAdmin):
    list_display = ["course", "user", "status", "due_date", "best_score", "attempts_used"]
    list_filter = ["status", "course"]
    search_fields = ["user__username", "user__display_name", "course__title"]
    raw_id_fields = ["user", "course"]
    readonly_fields = [
        "materials_read_at",
        "acknowledged_at",
        "completed_at",
        "best_score",
        "attempts_used",
        "reminders_scheduled",
    ]
    policy_actions = {"change": "training.assignment.grant_attempts"}


@admin.register(TrainingFeedback)
class FeedbackAdmin(PolicyAdmin):
    list_display = ["assignment", "rating", "created_at"]
    list_filter = ["rating"]
    raw_id_fields = ["assignment"]
    policy_actions: dict[str, str] = {}  # the trainee's own words


@admin.register(TrainingEvaluation)
class EvaluationAdmin(PolicyAdmin):
    list_display = ["plan", "evaluated_by", "created_at"]
    readonly_fields = ["figures"]
    policy_actions = {"add": "training.evaluation.record", "change": "training.evaluation.record"}


class CampaignReceiptInline(PolicyInline, admin.TabularInline):
    model = CampaignReceipt
    extra = 0
    fields = ["user", "department", "delivered_at", "acknowledged_at"]
    readonly_fields = fields
    policy_actions: dict[str, str] = {}


@admin.register(AwarenessCampaign)
class AwarenessCampaignAdmin(PolicyAdmin):
    # Planned and launched on the campaign pages (the launch delivers the receipts).
    list_display = ["topic", "channel", "starts_on", "ends_on", "state", "launched_at"]
    list_filter = ["state", "channel"]
    inlines = [CampaignReceiptInline]
    policy_actions: dict[str, str] = {}
