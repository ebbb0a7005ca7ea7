"""Django admin for compliance officers: criteria sets (with each criterion's source and
[C]/[Q]/[S] status), response plans, and read access to cases — all through visible_to().

Cases, their timeline, evidence (with its chain of custody), grade decisions, tasks,
rectification items and concerns are evidence for a regulator: the admin shows them and never
changes or deletes them (the pages close, void or supersede through the services)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.policy.admin import PolicyAdmin, PolicyInline

from .models import (
    AffectedSystem,
    Concern,
    CustodyEntry,
    EmergencyPlan,
    EmergencyPlanVersion,
    Evidence,
    GradeDecision,
    GradingCriterion,
    GradingCriterionSet,
    Incident,
    IncidentTask,
    PlanChange,
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


CRITERIA = {
    "add": "incidents.criteria.change",
    "change": "incidents.criteria.change",
    "delete": "incidents.criteria.change",
}
PLANS = {
    "add": "incidents.plan.change",
    "change": "incidents.plan.change",
    "delete": "incidents.plan.change",
}


def status_badge(obj):
    colour = STATUS_COLOURS.get(obj.source_status, "#555")
    return format_html(
        '<span style="color:{};font-weight:bold" title="{}">[{}]</span>',
        colour,
        obj.get_source_status_display(),
        obj.source_status,
    )


status_badge.short_description = _("status")


class GradingCriterionInline(PolicyInline, admin.TabularInline):
    model = GradingCriterion
    policy_actions = CRITERIA
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


class _DraftsDeletedOneByOne:
    """A criteria version in force (or retired) is the basis of past grades: only a draft may be
    deleted, one at a time on its own page, so the bulk delete action is not offered."""

    def get_actions(self, request):
        actions = super().get_actions(request)  # type: ignore[misc]
        actions.pop("delete_selected", None)
        return actions


@admin.register(GradingCriterionSet)
class GradingCriterionSetAdmin(_DraftsDeletedOneByOne, PolicyAdmin):
    policy_actions = CRITERIA
    list_display = ["version", "name", "state", "approved_by", "approved_at", "unconfirmed"]
    list_filter = ["state"]
    inlines = [GradingCriterionInline]
    readonly_fields = ["approved_by", "approved_at"]
    actions = ["copy_as_new_draft", "activate"]

    @admin.display(description=_("[S] rows to confirm"))
    def unconfirmed(self, obj):
        return obj.criteria.filter(source_status=SourceStatus.SECONDARY).count()

    @admin.action(description=_("Copy as a new draft version"), permissions=["change"])
    def copy_as_new_draft(self, request, queryset):
        from . import criteria_services

        for cs in queryset:
            new = criteria_services.criterion_set_copy(criterion_set=cs, actor=request.user)
            self.message_user(request, _("Draft v%(v)d created.") % {"v": new.version})

    @admin.action(description=_("Activate (approve) this version"), permissions=["change"])
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


@admin.register(GradingCriterion)
class GradingCriterionAdmin(_DraftsDeletedOneByOne, PolicyAdmin):
    policy_actions = CRITERIA
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


class ResponsePlanStepInline(PolicyInline, admin.TabularInline):
    model = ResponsePlanStep
    policy_actions = PLANS
    extra = 1


@admin.register(ResponsePlan)
class ResponsePlanAdmin(PolicyAdmin):
    policy_actions = PLANS
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


# Read only: the records below are written through the services, never here.


class AffectedSystemInline(PolicyInline, admin.TabularInline):
    model = AffectedSystem
    extra = 0


class IncidentTaskInline(PolicyInline, admin.TabularInline):
    model = IncidentTask
    extra = 0
    fields = ["title", "kind", "assignee", "due_at", "state"]
    autocomplete_fields = ["assignee"]


class GradeDecisionInline(PolicyInline, admin.TabularInline):
    model = GradeDecision
    extra = 0
    fields = ["decided_at", "decided_by", "old_grade", "grade", "proposed_grade", "reason"]
    readonly_fields = fields


@admin.register(Incident)
class IncidentAdmin(PolicyAdmin):
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


@admin.register(TimelineEntry)
class TimelineEntryAdmin(PolicyAdmin):
    list_display = ["incident", "at", "kind", "actor"]
    list_filter = ["kind"]
    raw_id_fields = ["incident"]
    list_select_related = ["incident", "actor"]


class CustodyInline(PolicyInline, admin.TabularInline):
    model = CustodyEntry
    extra = 0
    readonly_fields = ["at", "actor", "action", "note", "sha256"]


@admin.register(Evidence)
class EvidenceAdmin(PolicyAdmin):
    list_display = ["original_name", "incident", "size", "integrity", "uploaded_by", "uploaded_at"]
    list_filter = ["integrity"]
    readonly_fields = ["file", "sha256", "size", "original_name", "content_type", "integrity"]
    raw_id_fields = ["incident", "rectification_item"]
    inlines = [CustodyInline]


@admin.register(RectificationItem)
class RectificationItemAdmin(PolicyAdmin):
    list_display = ["title", "incident", "owner", "due_at", "state", "verified_by"]
    list_filter = ["state"]
    raw_id_fields = ["incident"]
    readonly_fields = ["verified_by", "verified_at"]


@admin.register(Concern)
class ConcernAdmin(PolicyAdmin):
    # The reporter column says "withheld" for a confidential concern (only the compliance head
    # learns who it was) and "anonymous" when no account is stored.
    list_display = ["summary", "confidentiality", "state", "created_at", "incident"]
    exclude = ["reporter"]

    def get_list_display(self, request):
        def reporter(obj):
            return obj.reporter_shown_to(request.user)

        reporter.short_description = _("reporter")  # type: ignore[attr-defined]
        return ["summary", reporter, *self.list_display[1:]]

    list_filter = ["state"]
    raw_id_fields = ["incident"]


# Emergency plans are kept on their pages (versions, approval by the responsible leader, the
# review deadline): the admin shows them and changes nothing.


class EmergencyPlanVersionInline(PolicyInline, admin.TabularInline):
    model = EmergencyPlanVersion
    extra = 0
    fields = ["number", "state", "effective_on", "review_due_on", "approved_by", "approved_at"]
    readonly_fields = fields
    policy_actions: dict[str, str] = {}


@admin.register(EmergencyPlan)
class EmergencyPlanAdmin(PolicyAdmin):
    list_display = ["title", "scenario", "responsible_leader", "review_interval_days"]
    list_filter = ["scenario"]
    inlines = [EmergencyPlanVersionInline]
    policy_actions: dict[str, str] = {}


@admin.register(PlanChange)
class PlanChangeAdmin(PolicyAdmin):
    list_display = ["description", "plan", "origin", "state", "version", "adopted_meeting"]
    list_filter = ["state", "origin"]
    policy_actions: dict[str, str] = {}
