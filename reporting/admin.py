"""Officers edit rules and templates here. Saving a rule writes a new version (the old one is
kept); every list goes through the visibility rule. Reports, versions, approvals, submissions,
notices and intelligence are evidence for a regulator: shown here, never changed or deleted."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.policy.admin import PolicyAdmin
from core.errors import ApplicationError

from . import documents, dossier, services
from .models import (
    DossierTemplate,
    RegulatorNotice,
    RegulatoryReport,
    ReportApproval,
    ReportingRule,
    ReportSubmission,
    ReportTemplate,
    ReportVersion,
    RiskIntelligence,
)


class ReportingRuleForm(forms.ModelForm):
    class Meta:
        model = ReportingRule
        fields = ["code", *services.RULE_FIELDS]

    def clean(self):
        data = super().clean()
        candidate = ReportingRule(
            **{f: data.get(f) for f in services.RULE_FIELDS if f in data},
        )
        try:
            services.validate_rule(candidate)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message)
        except Exception:  # noqa: BLE001, S110 - field errors are already reported per field
            pass
        return data


@admin.register(ReportingRule)
class ReportingRuleAdmin(PolicyAdmin):
    # Rules are versioned, never deleted: a revision keeps the old version.
    policy_actions = {"add": "reporting.rule.change", "change": "reporting.rule.change"}
    form = ReportingRuleForm
    list_display = [
        "name",
        "version",
        "is_active",
        "regime",
        "recipient",
        "stage",
        "most_severe_grade",
        "least_severe_grade",
        "cii_scope",
        "expression",
        "source_status",
        "needs_confirmation",
    ]
    list_filter = [
        "is_active",
        "regime",
        "recipient",
        "stage",
        "source_status",
        "needs_confirmation",
    ]
    search_fields = ["code", "name", "source", "note"]
    readonly_fields = ["code", "version", "is_active", "created_by", "created_at"]

    @admin.display(description=_("deadline"))
    def expression(self, obj):
        return obj.deadline_expression()

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["version", "is_active", "created_by", "created_at"]
        if not obj.is_active:
            return [f.name for f in obj._meta.concrete_fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        fields = {f: form.cleaned_data[f] for f in services.RULE_FIELDS if f in form.cleaned_data}
        if change:
            new = services.rule_revise(rule=obj, actor=request.user, **fields)
            messages.info(
                request,
                _("Saved as version %(v)s; the previous version is kept.") % {"v": new.version},
            )
        else:
            new = services.rule_create(code=form.cleaned_data["code"], actor=request.user, **fields)
        obj.pk, obj.version, obj.is_active = new.pk, new.version, new.is_active


class ReportTemplateForm(forms.ModelForm):
    class Meta:
        model = ReportTemplate
        fields = ["name", "stage", "recipient", "title", "body", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 30, "cols": 100})}

    def clean(self):
        data = super().clean()
        for field in ("title", "body"):
            if data.get(field):
                try:
                    documents.check_template(data[field])
                except ApplicationError as exc:
                    self.add_error(field, exc.message)
        return data


@admin.register(ReportTemplate)
class ReportTemplateAdmin(PolicyAdmin):
    policy_actions = {
        "add": "reporting.template.change",
        "change": "reporting.template.change",
        "delete": "reporting.template.change",
    }
    form = ReportTemplateForm
    list_display = ["name", "stage", "recipient", "is_active", "updated_at"]
    list_filter = ["stage", "recipient", "is_active"]


class DossierTemplateForm(forms.ModelForm):
    class Meta:
        model = DossierTemplate
        fields = ["name", "body", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 40, "cols": 100})}

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        try:
            dossier.check_template(body)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc
        return body


@admin.register(DossierTemplate)
class DossierTemplateAdmin(PolicyAdmin):
    """The case dossier's layout, edited by officers; a new one starts from the file template."""

    policy_actions = {
        "add": "reporting.dossier_template.change",
        "change": "reporting.dossier_template.change",
        "delete": "reporting.dossier_template.change",
    }
    form = DossierTemplateForm
    list_display = ["name", "is_active", "updated_at"]
    list_filter = ["is_active"]

    def get_changeform_initial_data(self, request):
        return {"name": _("Case dossier"), "body": dossier.file_template_body()}

    def save_model(self, request, obj, form, change):
        services.dossier_template_save(actor=request.user, template=obj)


@admin.register(RegulatoryReport)
class RegulatoryReportAdmin(PolicyAdmin):  # read only: no policy_actions
    list_display = ["title", "recipient", "stage", "status", "due_at", "is_drill", "version"]
    list_filter = ["status", "recipient", "stage", "is_drill"]
    search_fields = ["title", "incident__reference"]


@admin.register(ReportVersion)
class ReportVersionAdmin(PolicyAdmin):  # read only: no policy_actions
    list_display = ["report", "number", "approved_by", "approved_at", "sha256"]


@admin.register(ReportApproval)
class ReportApprovalAdmin(PolicyAdmin):  # read only: no policy_actions
    list_display = ["report", "version_number", "requested_by", "decision", "decided_by"]
    list_filter = ["decision"]


@admin.register(ReportSubmission)
class ReportSubmissionAdmin(PolicyAdmin):  # read only: no policy_actions
    list_display = ["report", "channel", "submitted_at", "submitted_by", "on_time"]
    list_filter = ["channel", "on_time"]


@admin.register(RegulatorNotice)
class RegulatorNoticeAdmin(PolicyAdmin):  # read only: no policy_actions
    list_display = ["reference", "title", "issuer", "received_at", "feedback_due_at", "status"]
    list_filter = ["status", "issuer"]
    search_fields = ["reference", "title"]


@admin.register(RiskIntelligence)
class RiskIntelligenceAdmin(PolicyAdmin):  # read only: no policy_actions
    list_display = ["summary", "kind", "party", "observed_at", "status"]
    list_filter = ["kind", "party", "status"]
    search_fields = ["summary", "party_name", "source"]
