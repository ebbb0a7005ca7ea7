"""Django admin for compliance officers: criteria sets (with each criterion's source and
[C]/[Q]/[S] status), response plans, and read access to cases — all through visible_to()."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.policy import visible_to

from .models import (
    AffectedSystem,
    Concern,
    CustodyEntry,
    Evidence,
    GradeDecision,
    GradingCriterion,
    GradingCriterionSet,
    Incident,
    IncidentTask,
    RectificationItem,
    ResponsePlan,
    ResponsePlanStep,
    SourceStatus,
    TimelineEntry,
)

STATUS_COLOURS = {
    SourceStatus.CONFIRMED: "#1b7f3b",
    SourceStatus.QUOTED: "#1f5fa8",
    SourceStatus.SECONDARY: "#b15c00",
}


class VisibleAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return visible_to(request.user, super().get_queryset(request))


def status_badge(obj):
    colour = STATUS_COLOURS.get(obj.source_status, "#555")
    return format_html(
        '<span style="color:{};font-weight:bold" title="{}">[{}]</span>',
        colour,
        obj.get_source_status_display(),
        obj.source_status,
    )


status_badge.short_description = _("status")


class GradingCriterionInline(admin.TabularInline):
    model = GradingCriterion
    extra = 0
    fields = [
        "order",
        "code",
        "grade",
        "fact",
        "operator",
        "threshold",
        "system_category",
        "cii_only",
        "description",
        "source",
        "source_status",
    ]


@admin.register(GradingCriterionSet)
class GradingCriterionSetAdmin(admin.ModelAdmin):
    list_display = ["version", "name", "state", "approved_by", "approved_at", "unconfirmed"]
    list_filter = ["state"]
    inlines = [GradingCriterionInline]
    readonly_fields = ["approved_by", "approved_at"]
    actions = ["copy_as_new_draft", "activate"]

    @admin.display(description=_("[S] rows to confirm"))
    def unconfirmed(self, obj):
        return obj.criteria.filter(source_status=SourceStatus.SECONDARY).count()

    @admin.action(description=_("Copy as a new draft version"))
    def copy_as_new_draft(self, request, queryset):
        from . import criteria_services

        for cs in queryset:
            new = criteria_services.criterion_set_copy(criterion_set=cs, actor=request.user)
            self.message_user(request, _("Draft v%(v)d created.") % {"v": new.version})

    @admin.action(description=_("Activate (approve) this version"))
    def activate(self, request, queryset):
        from core.errors import ApplicationError

        from . import criteria_services

        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one version."), level="error")
            return
        try:
            criteria_services.criterion_set_activate(
                criterion_set=queryset.get(), actor=request.user
            )
        except ApplicationError as exc:
            self.message_user(request, exc.message, level="error")

    def has_change_permission(self, request, obj=None):
        # An active or retired version is history: only drafts are edited.
        if obj is not None and obj.state != GradingCriterionSet.State.DRAFT:
            return False
        return super().has_change_permission(request, obj)


@admin.register(GradingCriterion)
class GradingCriterionAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "criterion_set",
        "grade",
        "fact",
        "operator",
        "threshold",
        "system_category",
        status_badge,
        "source",
    ]
    list_filter = ["criterion_set", "grade", "fact", "source_status"]
    search_fields = ["code", "description", "source"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.criterion_set.state != GradingCriterionSet.State.DRAFT:
            return False
        return super().has_change_permission(request, obj)


class ResponsePlanStepInline(admin.TabularInline):
    model = ResponsePlanStep
    extra = 1


@admin.register(ResponsePlan)
class ResponsePlanAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "category",
        "grade",
        "is_active",
        "target_resolution_hours",
        "partner_followup_hours",
    ]
    list_filter = ["is_active", "category", "grade"]
    inlines = [ResponsePlanStepInline]


class AffectedSystemInline(admin.TabularInline):
    model = AffectedSystem
    extra = 0


class IncidentTaskInline(admin.TabularInline):
    model = IncidentTask
    extra = 0
    fields = ["title", "kind", "assignee", "due_at", "state"]
    autocomplete_fields = ["assignee"]


class GradeDecisionInline(admin.TabularInline):
    model = GradeDecision
    extra = 0
    can_delete = False
    fields = ["decided_at", "decided_by", "old_grade", "grade", "proposed_grade", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(VisibleAdmin):
    list_display = [
        "reference",
        "title",
        "category",
        "grade",
        "status",
        "is_drill",
        "discovered_at",
        "assignee",
        "team",
    ]
    list_filter = ["status", "grade", "category", "source", "is_drill"]
    search_fields = ["reference", "title"]
    list_select_related = ["assignee", "team"]
    readonly_fields = ["reference", "status", "grade", "is_drill", "resolved_at", "closed_at"]
    autocomplete_fields = ["assignee"]
    raw_id_fields = ["counterparty", "agreement", "response_plan"]
    filter_horizontal = ["qualitative_criteria"]
    inlines = [AffectedSystemInline, IncidentTaskInline, GradeDecisionInline]
    date_hierarchy = "discovered_at"

    def has_add_permission(self, request):
        return False  # cases are opened through the service (reference number, deadlines)


@admin.register(TimelineEntry)
class TimelineEntryAdmin(VisibleAdmin):
    list_display = ["incident", "at", "kind", "actor"]
    list_filter = ["kind"]
    raw_id_fields = ["incident"]
    list_select_related = ["incident", "actor"]


class CustodyInline(admin.TabularInline):
    model = CustodyEntry
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "action", "note", "sha256"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Evidence)
class EvidenceAdmin(VisibleAdmin):
    list_display = ["original_name", "incident", "size", "integrity", "uploaded_by", "uploaded_at"]
    list_filter = ["integrity"]
    readonly_fields = ["file", "sha256", "size", "original_name", "content_type", "integrity"]
    raw_id_fields = ["incident", "rectification_item"]
    inlines = [CustodyInline]

    def has_add_permission(self, request):
        return False


@admin.register(RectificationItem)
class RectificationItemAdmin(VisibleAdmin):
    list_display = ["title", "incident", "owner", "due_at", "state", "verified_by"]
    list_filter = ["state"]
    raw_id_fields = ["incident"]
    readonly_fields = ["verified_by", "verified_at"]


@admin.register(Concern)
class ConcernAdmin(VisibleAdmin):
    list_display = ["summary", "reporter", "state", "created_at", "incident"]
    list_filter = ["state"]
    raw_id_fields = ["incident"]
