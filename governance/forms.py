from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.policy import visible_to
from core.uploads import UploadValidator

from .models import (
    AGREEMENT_DOCUMENT_KINDS,
    EVIDENCE_FILE_KINDS,
    MEETING_ATTACHMENT_KINDS,
    AdoptedChange,
    CooperationAgreement,
    Counterparty,
    DataLevel,
    SharingTier,
)


class DateInput(forms.DateInput):
    input_type = "date"


def fields_only(**options) -> FormHelper:
    """A crispy helper for `{% crispy form %}` inside a page's own <form> (its own buttons, its
    own action URL): fields only, no <form> tag and no second CSRF token."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    for name, value in options.items():
        setattr(helper, name, value)
    return helper


class InlineForm(forms.Form):
    """A one-line action form (a comment beside its buttons, a number in a table cell): crispy's
    inline layout, whose label stays for screen readers and reads as the placeholder. The action
    redirects back, so an error is said as a message (core.pages.submit). Its inputs are the
    small size of the buttons beside them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{css} form-control-sm".strip()

    @property
    def helper(self) -> FormHelper:
        return fields_only(field_template="bootstrap5/layout/inline_field.html")


class InlineCommentForm(InlineForm):
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False)


class RegistrationForm(forms.Form):
    counterparty = forms.ModelChoiceField(
        label=_("Counterparty"), queryset=Counterparty.objects.filter(is_active=True)
    )
    agreement = forms.ModelChoiceField(
        label=_("Cooperation agreement"),
        queryset=CooperationAgreement.objects.all(),
        required=False,
        help_text=_("The agreement in force that covers this share."),
    )
    dataset = forms.CharField(label=_("Dataset"), max_length=200)
    purpose = forms.CharField(
        label=_("Purpose"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    data_level = forms.TypedChoiceField(
        label=_("Data level"), choices=DataLevel.choices, coerce=int
    )
    sharing_tier = forms.ChoiceField(label=_("Sharing tier"), choices=SharingTier.choices)
    planned_on = forms.DateField(label=_("Planned sharing date"), widget=DateInput)
    is_bulk_one_time = forms.BooleanField(label=_("Bulk one-time share"), required=False)
    record_count = forms.IntegerField(label=_("Number of records"), required=False, min_value=1)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only what the user may see: an agreement it cannot see is no choice at all.
        for name in ("counterparty", "agreement"):
            field = self.fields[name]
            field.queryset = visible_to(user, field.queryset)


class DecisionForm(forms.Form):
    """The comment or reason of an agreement's approval step (a return or a termination says
    why: the service asks for it)."""

    comment = forms.CharField(
        label=_("Comment or reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SuspensionForm(forms.Form):
    """Why an agreement is suspended, or, once suspended, how the partner's remedy was verified."""

    comment = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, suspended: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["comment"]
        if suspended:
            field.label = _("How the remedy was verified")
            field.error_messages["required"] = _("Say how the remedy was verified.")
        else:
            field.label = _("Reason for suspension")
            field.error_messages["required"] = _("Say why the agreement is suspended.")


class TerminateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DocumentForm(forms.Form):
    document = forms.FileField(
        label=_("Signed document"), validators=[UploadValidator(kinds=AGREEMENT_DOCUMENT_KINDS)]
    )
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=DateInput)


class SharingLogFilterForm(forms.Form):
    counterparty = forms.ModelChoiceField(
        label=_("Counterparty"), queryset=Counterparty.objects.all(), required=False
    )
    agreement_reference = forms.CharField(label=_("Agreement"), max_length=40, required=False)
    data_level = forms.TypedChoiceField(
        label=_("Data level"),
        choices=[("", "—"), *DataLevel.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    sharing_tier = forms.ChoiceField(
        label=_("Sharing tier"), choices=[("", "—"), *SharingTier.choices], required=False
    )
    # "From"/"To" alone are a change's old and new values (原值/新值) in the audit catalogue
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"), required=False, widget=DateInput
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"), required=False, widget=DateInput
    )
    bulk = forms.NullBooleanField(
        label=_("Bulk one-time"),
        required=False,
        widget=forms.Select(choices=[("unknown", "—"), ("true", _("Yes")), ("false", _("No"))]),
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=50000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Basic formatting (paragraphs, lists, tables, links) is kept; scripts are removed."
        ),
    )

    @property
    def helper(self) -> FormHelper:
        # The card's title names the minutes: the label is there for screen readers.
        return fields_only(label_class="visually-hidden")


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("Present"),
        queryset=get_user_model().objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    held_at = forms.DateTimeField(
        label=_("Held at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("A decision needs its text.")},
    )


class AdoptedChangeForm(forms.Form):
    """A plan or process change the annual review adopted (O3)."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=AdoptedChange.Kind.choices,
        error_messages={
            "required": _("Say whether the change is to a plan or to the process."),
            "invalid_choice": _("Say whether the change is to a plan or to the process."),
        },
    )
    text = forms.CharField(
        label=_("Adopted change"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Describe the adopted change.")},
    )


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=get_user_model().objects.filter(is_active=True)
    )
    due_on = forms.DateField(label=_("Due on"), widget=DateInput)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"), validators=[UploadValidator(kinds=MEETING_ATTACHMENT_KINDS)]
    )


class EvidenceForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=200)
    evidence_on = forms.DateField(label=_("Date of the evidence"), widget=DateInput)
    url = forms.CharField(label=_("Link"), max_length=300, required=False)
    file = forms.FileField(
        label=_("File"), required=False, validators=[UploadValidator(kinds=EVIDENCE_FILE_KINDS)]
    )


_COMPACT = {"class": "form-select form-select-sm w-auto"}


class AgreementFilterForm(forms.Form):
    """The agreement list's status filter (GET); an unknown status shows every agreement."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *CooperationAgreement.Status.choices],
        widget=forms.Select(attrs=_COMPACT),
    )


class DashboardYearForm(forms.Form):
    """The dashboard's year (GET): one of the years it has figures for."""

    year = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        required=False,
        widget=forms.Select(attrs={**_COMPACT, "data-autosubmit": ""}),
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]
