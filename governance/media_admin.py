"""Admin of the register of sharing media and of the sharing evaluations: officers and auditors
read them here (every record with its checks, loans, handovers, team, scope and monitoring).
Every write carries a workflow rule (both confirmations, a witness, management approval), so
writes go through the pages and the API, which run the services; nothing is changed here."""

from django.contrib import admin

from accounts.policy.admin import PolicyAdmin, PolicyInline

from .models import (
    EvaluationMeasure,
    EvaluationMonitorEntry,
    EvaluationRecipient,
    EvaluationScopeItem,
    EvaluationTeamMember,
    MediumCheck,
    MediumHandover,
    MediumUseRequest,
    SharingEvaluation,
    SharingMedium,
)


class _ReadOnlyInline(PolicyInline, admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):  # noqa: ARG002
        return [f.name for f in self.model._meta.fields]


class MediumCheckInline(_ReadOnlyInline):
    model = MediumCheck
    fields = ("checked_on", "result", "findings", "checked_by")


class MediumUseRequestInline(_ReadOnlyInline):
    model = MediumUseRequest
    fields = ("requested_by", "purpose", "data_level", "state", "decided_by", "returned_at")


class MediumHandoverInline(_ReadOnlyInline):
    model = MediumHandover
    fk_name = "medium"
    fields = ("from_user", "to_user", "state", "from_confirmed_at", "to_confirmed_at")


@admin.register(SharingMedium)
class SharingMediumAdmin(PolicyAdmin):
    list_display = (
        "reference",
        "name",
        "kind",
        "custodian",
        "area",
        "max_level",
        "next_check_due",
        "state",
    )
    list_filter = ("state", "kind", "area", "ownership")
    search_fields = ("reference", "name", "serial_number", "owner_name")
    inlines = [MediumCheckInline, MediumUseRequestInline, MediumHandoverInline]
    policy_actions: dict[str, str] = {}  # written through the services (pages, API)

    def get_readonly_fields(self, request, obj=None):  # noqa: ARG002
        return [f.name for f in self.model._meta.fields] + ["items"]


class TeamInline(_ReadOnlyInline):
    model = EvaluationTeamMember
    fields = ("user", "layer", "responsibility")


class ScopeInline(_ReadOnlyInline):
    model = EvaluationScopeItem
    fields = ("category", "source", "counterparty", "transfers", "records", "valid_records")


class MeasureInline(_ReadOnlyInline):
    model = EvaluationMeasure
    fields = ("name", "method", "supervisor")


class MonitorInline(_ReadOnlyInline):
    model = EvaluationMonitorEntry
    fields = ("kind", "note", "recorded_by", "recorded_at")


class RecipientInline(_ReadOnlyInline):
    model = EvaluationRecipient
    fields = ("counterparty", "name", "email", "sent_at")


@admin.register(SharingEvaluation)
class SharingEvaluationAdmin(PolicyAdmin):
    list_display = (
        "reference",
        "title",
        "period_start",
        "period_end",
        "state",
        "report_approved_at",
    )
    list_filter = ("state",)
    search_fields = ("reference", "title")
    inlines = [TeamInline, ScopeInline, MeasureInline, MonitorInline, RecipientInline]
    policy_actions: dict[str, str] = {}  # written through the services (pages, API)

    def get_readonly_fields(self, request, obj=None):  # noqa: ARG002
        return [f.name for f in self.model._meta.fields]
