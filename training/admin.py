from django.contrib import admin

from .models import (
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


class VisibleAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return self.model.objects.visible_to(request.user)


@admin.register(TrainingPlan)
class PlanAdmin(VisibleAdmin):
    list_display = ["year", "title", "status", "approved_by", "approved_at"]
    list_filter = ["status"]
    # Approval runs the coverage check: it is done on the plan page, never by editing the field.
    readonly_fields = ["status", "approved_by", "approved_at", "created_by"]


class MaterialInline(admin.StackedInline):
    model = CourseMaterial
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "due_date", "status", "pass_mark", "max_attempts"]
    list_filter = ["status", "plan"]
    search_fields = ["title"]
    filter_horizontal = ["audience_roles", "audience_departments", "audience_users"]
    readonly_fields = ["status", "published_at", "generation_task_id"]
    inlines = [MaterialInline]

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            if isinstance(obj, CourseMaterial):
                obj.body = sanitize_html(obj.body)
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "course", "kind", "position"]
    list_filter = ["kind", "course"]
    inlines = [ChoiceInline]


@admin.register(TrainingAssignment)
class AssignmentAdmin(VisibleAdmin):
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


@admin.register(TrainingFeedback)
class FeedbackAdmin(VisibleAdmin):
    list_display = ["assignment", "rating", "created_at"]
    list_filter = ["rating"]
    raw_id_fields = ["assignment"]


@admin.register(TrainingEvaluation)
class EvaluationAdmin(VisibleAdmin):
    list_display = ["plan", "evaluated_by", "created_at"]
    readonly_fields = ["figures"]
