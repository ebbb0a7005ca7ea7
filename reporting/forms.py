from django import forms
from django.utils.translation import gettext_lazy as _

from core.uploads import XLSX, UploadValidator

from . import fields as editable
from .content import FIELD_LABELS, STAGE_FIELDS
from .models import (
    RECEIPT_KINDS,
    RegulatorNotice,
    RegulatoryReport,
    ReportSubmission,
    RiskIntelligence,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ReportContentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        for key in STAGE_FIELDS[report.stage]:
            self.fields[key] = forms.CharField(
                label=FIELD_LABELS[key],
                max_length=20000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=report.content.get(key, ""),
            )
        self.fields["title"].initial = report.title

    def content(self) -> dict:
        return {k: self.cleaned_data[k] for k in STAGE_FIELDS[self.report.stage]}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SubmissionForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=ReportSubmission.Channel.choices)
    submitted_at = forms.DateTimeField(label=_("Submitted at"), widget=DATETIME)
    receipt_number = forms.CharField(
        label=_("Receipt or reference number"), max_length=120, required=False
    )
    receipt_file = forms.FileField(
        label=_("Receipt file"), required=False, validators=[UploadValidator(kinds=RECEIPT_KINDS)]
    )
    late_reason = forms.CharField(
        label=_("Reason for lateness"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoticeForm(forms.ModelForm):
    class Meta:
        model = RegulatorNotice
        fields = [*editable.NOTICE, *editable.NOTICE_FILE]
        widgets = {"received_at": DATETIME, "feedback_due_at": DATETIME}


class NoticeHandlingForm(forms.ModelForm):
    class Meta:
        model = RegulatorNotice
        fields = list(editable.NOTICE_HANDLING)
        widgets = {"feedback_due_at": DATETIME}


class IntelligenceForm(forms.ModelForm):
    source_url = forms.URLField(
        label=_("link"), max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = RiskIntelligence
        fields = list(editable.INTELLIGENCE)
        widgets = {"observed_at": DATETIME}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from governance.models import Counterparty

        visible = Counterparty.objects.visible_to(user) if user else Counterparty.objects.none()
        self.fields["counterparty"].queryset = visible.filter(is_active=True)


class TriageForm(forms.Form):
    incident = forms.ModelChoiceField(label=_("Incident"), queryset=None, required=False)
    reason = forms.CharField(
        label=_("Reason for closing without an incident"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from incidents.models import Incident

        self.fields["incident"].queryset = Incident.objects.visible_to(user).open()

    def clean(self):
        data = super().clean()
        if not data.get("incident") and not (data.get("reason") or "").strip():
            raise forms.ValidationError(
                _("Link the item to an incident, or give the reason for closing it.")
            )
        return data


class PromoteForm(forms.Form):
    """Open a new incident from a risk-intelligence item."""

    category = forms.ChoiceField(label=_("Incident category"), choices=())
    title = forms.CharField(
        label=_("Incident title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the item's summary."),
    )

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        from incidents.models import IncidentCategory

        from .services import intelligence_default_category

        self.fields["category"].choices = IncidentCategory.choices
        if item is not None:
            self.fields["category"].initial = intelligence_default_category(item.kind)


IMPORT_MAX_BYTES = 5 * 1024 * 1024  # 5,000 rows of 16 columns stay far below this


class ImportUploadForm(forms.Form):
    """The workbook of past cases to check (reporting.importer): an .xlsx, checked by content."""

    workbook = forms.FileField(
        label=_("Workbook of past cases (.xlsx)"),
        help_text=_("At most 5 MB and 5,000 rows; the first sheet is read."),
        validators=[UploadValidator(kinds={XLSX}, max_bytes=IMPORT_MAX_BYTES)],
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class ImportConfirmForm(forms.Form):
    """The confirmation names the checked workbook by its SHA-256 (see import_staging)."""

    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)


class IntelligenceFilterForm(forms.Form):
    """The risk-intelligence list's filter (GET); a choice outside the list shows everything."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), *RiskIntelligence.Status.choices],
        required=False,
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )


class YearForm(forms.Form):
    """The year a metrics page shows (GET); anything else shows this year."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)


class ReportFilterForm(forms.Form):
    """The report list's status filter (GET); an unknown status shows every report."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), *RegulatoryReport.Status.choices],
        required=False,
        widget=forms.Select(
            attrs={"class": "form-select form-select-sm w-auto", "data-autosubmit": ""}
        ),
    )
