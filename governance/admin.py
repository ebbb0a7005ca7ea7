"""Admin for compliance officers. Changelists read through the visibility rule; writes that carry
rules (approval, registrations, the log) go through services or are read-only here."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.policy.admin import PolicyAdmin, PolicyInline
from core.errors import ApplicationError

from . import services
from .models import (
    ActionItem,
    AdoptedChange,
    ContactRoleAssignment,
    CooperationAgreement,
    Counterparty,
    CounterpartyContact,
    Meeting,
    MeetingAttachment,
    MeetingAttendee,
    MeetingDecision,
    MeetingSchedule,
    Obligation,
    ObligationEvidence,
    ObligationPeriod,
    SharingLogEntry,
    SharingRegistration,
)


def validated_form(validator):
    """A ModelForm that runs the service's validation and shows its message as a form error."""

    class Form(forms.ModelForm):
        def _post_clean(self):
            super()._post_clean()
            if self.errors:
                return
            try:
                validator(self.instance)
            except ApplicationError as exc:
                self.add_error(None, exc.message)

    return Form


def _service_action(func, done, **extra):
    def run(modeladmin, request, queryset):
        ok = 0
        for obj in queryset:
            try:
                func(actor=request.user, **{modeladmin.service_arg: obj}, **extra)
                ok += 1
            except ApplicationError as exc:
                modeladmin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
        if ok:
            modeladmin.message_user(request, f"{done} ({ok})", messages.SUCCESS)

    return run


class ContactInline(PolicyInline, admin.TabularInline):
    model = CounterpartyContact
    extra = 0
    policy_actions = {
        "add": "governance.counterparty.contact_add",
        "change": "governance.counterparty.contact_add",
        "delete": "governance.counterparty.contact_add",
    }


@admin.register(Counterparty)
class CounterpartyAdmin(PolicyAdmin):
    list_display = ["name", "kind", "credit_code", "department", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "credit_code"]
    inlines = [ContactInline]
    policy_actions = {
        "add": "governance.counterparty.create",
        "change": "governance.counterparty.change",
    }
    # Same rules as the service (credit code required for outside institutions, …).
    form = validated_form(services._validate_counterparty)


@admin.register(CooperationAgreement)
class CooperationAgreementAdmin(PolicyAdmin):
    service_arg = "agreement"
    list_display = [
        "reference",
        "title",
        "counterparty",
        "starts_on",
        "ends_on",
        "max_data_level",
        "max_sharing_tier",
        "status_label",
        "owner",
    ]
    list_filter = ["approval_state", "scope", "max_data_level", "max_sharing_tier", "area"]
    search_fields = ["reference", "title", "counterparty__name"]
    autocomplete_fields = ["counterparty", "parent"]
    readonly_fields = [
        "document_sha256",
        "approval_state",
        "submitted_at",
        "approved_by",
        "approved_at",
        "terminated_on",
        "termination_reason",
    ]
    date_hierarchy = "ends_on"
    actions = ["submit", "approve"]
    policy_actions = {
        "add": "governance.agreement.create",
        "change": "governance.agreement.change",
    }
    form = validated_form(services._validate_agreement)

    @admin.display(description=_("status"))
    def status_label(self, obj):
        return obj.get_status_display()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj and obj.approval_state not in (
            CooperationAgreement.Approval.DRAFT,
            CooperationAgreement.Approval.REJECTED,
        ):
            # An approved agreement changes only through an amendment.
            fields += [f.name for f in obj._meta.fields if f.name not in fields]
        return fields

    def save_model(self, request, obj, form, change):
        document = form.cleaned_data.get("document")
        if document and "document" in form.changed_data:
            obj.document_sha256 = services._sha256(document)
        if not obj.reference:
            obj.reference = services._next_reference(CooperationAgreement, "XY", obj.starts_on.year)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Submit for approval"))
    def submit(self, request, queryset):
        _service_action(services.agreement_submit, _("Submitted"))(self, request, queryset)

    @admin.action(description=_("Approve (compliance officer)"))
    def approve(self, request, queryset):
        _service_action(services.agreement_approve, _("Approved"))(self, request, queryset)


@admin.register(SharingRegistration)
class SharingRegistrationAdmin(PolicyAdmin):
    list_display = [
        "reference",
        "dataset",
        "counterparty",
        "agreement",
        "data_level",
        "sharing_tier",
        "is_bulk_one_time",
        "state",
        "requested_by",
    ]
    list_filter = ["state", "sharing_tier", "data_level", "is_bulk_one_time"]
    search_fields = ["reference", "dataset", "counterparty__name"]
    actions = ["approve"]
    # Registered through the page or the API, where coverage is checked; decided by action.
    policy_actions: dict[str, str] = {}

    @admin.action(description=_("Approve"))
    def approve(self, request, queryset):
        for registration in queryset:
            try:
                if registration.state == SharingRegistration.State.AWAITING_AUTHORITY:
                    services.sharing_registration_authority_approve(
                        registration=registration, actor=request.user
                    )
                else:
                    services.sharing_registration_approve(
                        registration=registration, actor=request.user
                    )
            except ApplicationError as exc:
                self.message_user(request, f"{registration}: {exc.message}", messages.ERROR)


@admin.register(SharingLogEntry)
class SharingLogEntryAdmin(PolicyAdmin):
    list_display = [
        "logged_at",
        "counterparty_name",
        "agreement_reference",
        "dataset",
        "data_level",
        "sharing_tier",
        "is_bulk_one_time",
        "approved_by",
    ]
    list_filter = ["sharing_tier", "data_level", "is_bulk_one_time", "counterparty"]
    search_fields = ["counterparty_name", "agreement_reference", "dataset"]
    date_hierarchy = "logged_at"
    policy_actions: dict[str, str] = {}  # append-only


@admin.register(ContactRoleAssignment)
class ContactRoleAssignmentAdmin(PolicyAdmin):
    list_display = ["role", "holder", "deputy", "scope", "valid_from", "valid_until"]
    list_filter = ["role", "department"]
    search_fields = ["holder__username", "holder__display_name", "deputy__display_name"]
    autocomplete_fields = ["holder", "deputy", "agreement"]
    form = validated_form(services._validate_assignment)
    policy_actions = {
        "add": "governance.contact_role.assign",
        "change": "governance.contact_role.change",
    }

    @admin.display(description=_("scope"))
    def scope(self, obj):
        return obj.scope_label


_MEETING_RECORD = {
    "add": "governance.meeting.change",
    "change": "governance.meeting.change",
    "delete": "governance.meeting.change",
}


class AttendeeInline(PolicyInline, admin.TabularInline):
    model = MeetingAttendee
    extra = 0
    autocomplete_fields = ["user"]
    policy_actions = _MEETING_RECORD


class DecisionInline(PolicyInline, admin.TabularInline):
    model = MeetingDecision
    extra = 0
    policy_actions = _MEETING_RECORD


class ActionItemInline(PolicyInline, admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = ["title", "owner", "due_on", "done_at"]
    readonly_fields = ["title", "owner", "due_on", "done_at"]
    # Added on the meeting page, which puts the deadline on the engine.
    policy_actions: dict[str, str] = {}


class AttachmentInline(PolicyInline, admin.TabularInline):
    model = MeetingAttachment
    extra = 0
    readonly_fields = ["sha256", "uploaded_by", "uploaded_at"]
    policy_actions: dict[str, str] = {}


@admin.register(MeetingSchedule)
class MeetingScheduleAdmin(PolicyAdmin):
    list_display = ["title", "kind", "frequency", "month_in_period", "day_of_month", "is_active"]
    list_filter = ["kind", "frequency", "is_active"]
    filter_horizontal = ["default_attendees"]
    policy_actions = {
        "add": "governance.meeting_schedule.change",
        "change": "governance.meeting_schedule.change",
        "delete": "governance.meeting_schedule.change",
    }


@admin.register(Meeting)
class MeetingAdmin(PolicyAdmin):
    service_arg = "meeting"
    list_display = ["title", "kind", "scheduled_at", "state", "minutes_approved_at"]
    list_filter = ["kind", "state"]
    search_fields = ["title"]
    date_hierarchy = "scheduled_at"
    inlines = [AttendeeInline, DecisionInline, ActionItemInline, AttachmentInline]
    readonly_fields = ["minutes_approved_by", "minutes_approved_at", "invitations_sent_at"]
    actions = ["approve_minutes"]
    policy_actions = {"add": "governance.meeting.create", "change": "governance.meeting.change"}

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj and obj.minutes_locked:
            fields += [f.name for f in obj._meta.fields if f.name not in fields]
        return fields

    def save_model(self, request, obj, form, change):
        obj.minutes = services.sanitise_minutes(obj.minutes)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Approve and lock the minutes"))
    def approve_minutes(self, request, queryset):
        _service_action(services.meeting_minutes_approve, _("Approved"))(self, request, queryset)


@admin.register(AdoptedChange)
class AdoptedChangeAdmin(PolicyAdmin):
    # Recorded on the annual review meeting's page.
    list_display = ["description", "kind", "meeting", "applies_from_year"]
    list_filter = ["kind", "applies_from_year"]
    policy_actions: dict[str, str] = {}


@admin.register(ActionItem)
class ActionItemAdmin(PolicyAdmin):
    list_display = ["title", "meeting", "owner", "due_on", "done_at"]
    list_filter = ["done_at"]
    readonly_fields = ["meeting", "owner", "due_on", "done_at"]
    policy_actions = {"change": "governance.action_item.complete"}


class EvidenceInline(PolicyInline, admin.TabularInline):
    model = ObligationEvidence
    extra = 0
    readonly_fields = ["sha256", "attached_by", "attached_at"]
    # Attached on the period page, which re-evaluates the period; evidence is never deleted.
    policy_actions: dict[str, str] = {}


@admin.register(Obligation)
class ObligationAdmin(PolicyAdmin):
    list_display = ["code", "title", "frequency", "evidence_rule", "tracked_from", "is_active"]
    list_filter = ["frequency", "is_active"]
    search_fields = ["code", "title"]
    policy_actions = {
        "add": "governance.obligation.change",
        "change": "governance.obligation.change",
    }


@admin.register(ObligationPeriod)
class ObligationPeriodAdmin(PolicyAdmin):
    list_display = ["obligation", "label", "starts_on", "ends_on", "state", "met_at"]
    list_filter = ["state", "obligation"]
    readonly_fields = [
        "obligation",
        "label",
        "starts_on",
        "ends_on",
        "state",
        "met_at",
        "evidence_label",
        "evidence_url",
        "evaluated_at",
        "missed_notified_at",
    ]
    inlines = [EvidenceInline]
    policy_actions: dict[str, str] = {}


from . import media_admin  # noqa: E402,F401  (the media register and the evaluations)

# --- Catalogue, pre-share gate, ledger (issue 19) ---------------------------------------------
from .models import (  # noqa: E402
    ApprovalRule,
    BulkThreshold,
    CatalogueItem,
    CatalogueVersion,
    ExchangeSystem,
    LedgerEvent,
    SharingRequest,
)

_MATRIX = {
    "add": "governance.sharing_matrix.change",
    "change": "governance.sharing_matrix.change",
    "delete": "governance.sharing_matrix.change",
}


@admin.register(ApprovalRule)
class ApprovalRuleAdmin(PolicyAdmin):
    list_display = [
        "order",
        "code",
        "name",
        "data_level",
        "sharing_tier",
        "area",
        "volume",
        "refuse",
        "approvers",
        "security_assessment",
        "marker",
        "active",
    ]
    list_display_links = ["code"]
    list_filter = ["active", "refuse", "marker", "data_level", "sharing_tier", "area", "volume"]
    search_fields = ["code", "name", "source"]
    policy_actions = _MATRIX


@admin.register(BulkThreshold)
class BulkThresholdAdmin(PolicyAdmin):
    list_display = ["data_level", "records", "marker", "source"]
    policy_actions = _MATRIX


class CatalogueItemInline(PolicyInline, admin.TabularInline):
    model = CatalogueItem
    extra = 0
    fields = ["code", "name_zh", "business_category", "data_level", "sharing_tier"]
    readonly_fields = fields
    policy_actions: dict[str, str] = {}  # a version changes by import and approval only


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(PolicyAdmin):
    list_display = ["number", "title", "state", "created_by", "approved_by", "approved_at"]
    list_filter = ["state"]
    inlines = [CatalogueItemInline]
    policy_actions: dict[str, str] = {}  # import and approval are services (the catalogue page)


@admin.register(CatalogueItem)
class CatalogueItemAdmin(PolicyAdmin):
    list_display = ["code", "name_zh", "name_en", "business_category", "data_level", "sharing_tier"]
    list_filter = ["version", "data_level", "sharing_tier", "business_category"]
    search_fields = ["code", "name_zh", "name_en", "definition"]
    policy_actions: dict[str, str] = {}


@admin.register(SharingRequest)
class SharingRequestAdmin(PolicyAdmin):
    list_display = [
        "reference",
        "counterparty",
        "data_level",
        "sharing_tier",
        "area",
        "record_count",
        "used_records",
        "state",
        "matched_rule",
    ]
    list_filter = ["state", "data_level", "sharing_tier", "area", "method", "cross_border"]
    search_fields = ["reference", "counterparty__name", "purpose"]
    policy_actions: dict[str, str] = {}  # decided through the gate's services


@admin.register(LedgerEvent)
class LedgerEventAdmin(PolicyAdmin):
    list_display = [
        "id",
        "occurred_at",
        "system",
        "kind",
        "actor",
        "request_reference",
        "record_count",
        "encrypted",
        "is_mismatch",
    ]
    list_filter = ["is_mismatch", "kind", "encrypted", "system"]
    search_fields = ["external_id", "request_reference", "actor"]
    show_full_result_count = False  # a million rows: no COUNT(*) per page
    policy_actions: dict[str, str] = {}  # append-only


@admin.register(ExchangeSystem)
class ExchangeSystemAdmin(PolicyAdmin):
    """Like the alert sources: the signing secret is shown once, after the system is created,
    and never again (whoever reads it could forge ledger events)."""

    list_display = ["name", "slug", "active", "created_at"]
    exclude = ["secret"]
    readonly_fields = ["created_at"]
    policy_actions = {"add": "governance.ledger.systems", "change": "governance.ledger.systems"}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            self.message_user(
                request,
                _(
                    "Signing secret of %(name)s, shown only now: %(secret)s — give it to the "
                    "exchange system."
                )
                % {"name": obj.name, "secret": obj.secret},
                messages.WARNING,
            )
