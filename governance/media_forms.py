"""Forms of the register of sharing media and of the sharing evaluation (Bootstrap 5 classes on
the widgets; the pages render them with the design system's form renderer, crispy)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.uploads import UploadValidator

from .fields import EVALUATION_MEASURE, EVALUATION_PLAN, EVALUATION_REPORT, MEDIUM
from .forms import InlineForm
from .models import (
    MEDIUM_DOCUMENT_KINDS,
    CatalogueItem,
    Counterparty,
    EvaluationMeasure,
    EvaluationMonitorEntry,
    EvaluationTeamMember,
    MediumCheck,
    SharingEvaluation,
    SharingMedium,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class Bootstrap:
    """Adds Bootstrap 5 classes to every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if isinstance(widget, forms.Textarea):
                widget.attrs["rows"] = 3


def _people():
    return get_user_model().objects.filter(is_active=True).order_by("username")


class MediumForm(Bootstrap, forms.ModelForm):
    liability_agreement = forms.FileField(
        label=_("Owner's liability agreement"),
        required=False,
        validators=[UploadValidator(kinds=MEDIUM_DOCUMENT_KINDS)],
        help_text=_(
            "Needed for a medium used outside the controlled area or owned by a third party."
        ),
    )

    class Meta:
        model = SharingMedium
        fields = MEDIUM

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["custodian"].queryset = _people()
        self.fields["items"].queryset = _catalogue()
        self.fields["backup_medium"].queryset = SharingMedium.objects.exclude(
            state=SharingMedium.State.DISPOSED
        )


class LiabilityAgreementForm(Bootstrap, forms.Form):
    file = forms.FileField(
        label=_("Signed liability agreement"),
        validators=[UploadValidator(kinds=MEDIUM_DOCUMENT_KINDS)],
    )
    owner_name = forms.CharField(label=_("Owner of the medium"), max_length=200, required=False)


class CheckForm(Bootstrap, forms.Form):
    checked_on = forms.DateField(label=_("Checked on"), widget=DateInput)
    result = forms.ChoiceField(label=_("Result"), choices=MediumCheck.Result.choices)
    findings = forms.CharField(
        label=_("Findings"), max_length=4000, required=False, widget=forms.Textarea
    )


def _catalogue():
    return CatalogueItem.objects.in_force().order_by("business_category", "code")


class UseRequestForm(Bootstrap, forms.Form):
    purpose = forms.CharField(label=_("Purpose"), max_length=2000, widget=forms.Textarea)
    items = forms.ModelMultipleChoiceField(
        label=_("Data to carry"), queryset=CatalogueItem.objects.none()
    )
    needed_from = forms.DateField(label=_("Needed from"), widget=DateInput)
    return_by = forms.DateField(label=_("Return by"), widget=DateInput)

    def __init__(self, *args, medium=None, **kwargs):
        super().__init__(*args, **kwargs)
        items = _catalogue()
        if medium is not None:
            items = items.filter(data_level__lte=medium.max_level)
            if medium.items.exists():
                items = items.filter(code__in=medium.items.values("code"))
        self.fields["items"].queryset = items


class CommentForm(InlineForm):
    """The custodian's decision on a use request, beside its two buttons."""

    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False)


class HandoverDeclineForm(InlineForm):
    # Not required here: the service asks the policy first, then says why a reason is needed.
    comment = forms.CharField(label=_("Why it does not go ahead"), max_length=2000, required=False)


class ReturnForm(InlineForm):
    condition = forms.CharField(label=_("Condition on return"), max_length=200, required=False)


class HandoverForm(Bootstrap, forms.Form):
    to_user = forms.ModelChoiceField(
        label=_("Hand over to"), queryset=get_user_model().objects.none()
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)
    condition = forms.CharField(label=_("Condition of the medium"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = _people()


class DisposeForm(Bootstrap, forms.Form):
    method = forms.CharField(label=_("Disposal method"), max_length=200)
    witness = forms.ModelChoiceField(label=_("Witness"), queryset=get_user_model().objects.none())
    disposed_on = forms.DateField(label=_("Disposed on"), widget=DateInput)
    certificate = forms.FileField(
        label=_("Disposal certificate"), validators=[UploadValidator(kinds=MEDIUM_DOCUMENT_KINDS)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["witness"].queryset = _people()


# --- the sharing evaluation -------------------------------------------------------------------


class EvaluationCreateForm(Bootstrap, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    period_start = forms.DateField(label=_("Evaluated period from"), widget=DateInput)
    period_end = forms.DateField(label=_("Evaluated period to"), widget=DateInput)
    goal = forms.CharField(label=_("Goal"), max_length=4000, required=False, widget=forms.Textarea)


class EvaluationPlanForm(Bootstrap, forms.ModelForm):
    class Meta:
        model = SharingEvaluation
        fields = EVALUATION_PLAN
        widgets = {"period_start": DateInput, "period_end": DateInput}


class EvaluationReportForm(Bootstrap, forms.ModelForm):
    class Meta:
        model = SharingEvaluation
        fields = EVALUATION_REPORT


class MemberForm(Bootstrap, forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=get_user_model().objects.none())
    layer = forms.ChoiceField(label=_("Layer"), choices=EvaluationTeamMember.Layer.choices)
    responsibility = forms.CharField(label=_("Responsibility"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _people()


class ScopeItemForm(Bootstrap, forms.Form):
    category = forms.CharField(label=_("Data category"), max_length=100)
    source = forms.CharField(label=_("Shared data source"), max_length=200)
    counterparty = forms.ModelChoiceField(
        label=_("Sharing party"), queryset=Counterparty.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterparty"].queryset = Counterparty.objects.filter(is_active=True)


class ObserveForm(InlineForm):
    """The valid records of one scope line, in its table cell."""

    valid_records = forms.IntegerField(label=_("Valid records"), min_value=0, required=False)


class EvaluationDecisionForm(InlineForm):
    """The management layer's comment on the plan or the report (a return says what has to
    change: the service asks for it)."""

    comment = forms.CharField(
        label=_("Comment (required to return)"), max_length=2000, required=False
    )


class MeasureForm(Bootstrap, forms.ModelForm):
    class Meta:
        model = EvaluationMeasure
        fields = EVALUATION_MEASURE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = _people()


class MonitorForm(Bootstrap, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EvaluationMonitorEntry.Kind.choices)
    note = forms.CharField(label=_("Note"), max_length=4000, widget=forms.Textarea)
