"""Forms of the product's own pages that create a counterparty, an agreement or a meeting
(issue 18: officers no longer leave for the admin). Fields come from the models (labels, help
texts, choices); the services decide everything else."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .models import CooperationAgreement, Counterparty, Meeting
from .services.agreements import AGREEMENT_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class BootstrapMixin:
    """Bootstrap 5's classes on every widget (the design system's forms, issue 18)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class CounterpartyForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Counterparty
        fields = ["kind", "name", "short_name", "credit_code", "department", "address", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


# The agreement page asks for what the service accepts, in the order an officer reads a contract.
AGREEMENT_FORM_FIELDS = [
    "title",
    "counterparty",
    "scope",
    "firm_role",
    "counterparty_role",
    "starts_on",
    "ends_on",
    "signed_on",
    "max_data_level",
    "max_sharing_tier",
    "area",
    "non_plaintext_only",
    "data_categories",
    "systems",
    "permissions",
    "firm_responsibilities",
    "counterparty_responsibilities",
    "security_requirements",
    "special_assessment",
    "special_assessment_on",
]
assert set(AGREEMENT_FORM_FIELDS) <= AGREEMENT_FIELDS  # noqa: S101 (a drift is a programming error)

AGREEMENT_SECTIONS = [
    (_("The parties"), ["title", "counterparty", "scope", "firm_role", "counterparty_role"]),
    (_("Term"), ["starts_on", "ends_on", "signed_on"]),
    (
        _("Data covered"),
        ["max_data_level", "max_sharing_tier", "area", "non_plaintext_only", "data_categories"],
    ),
    (
        _("Duties"),
        [
            "systems",
            "permissions",
            "firm_responsibilities",
            "counterparty_responsibilities",
            "security_requirements",
            "special_assessment",
            "special_assessment_on",
        ],
    ),
]


class AgreementForm(BootstrapMixin, forms.ModelForm):
    document = forms.FileField(
        label=_("Signed agreement document"),
        required=False,
        help_text=_("PDF or Word; it can also be attached later, before submitting for approval."),
    )

    class Meta:
        model = CooperationAgreement
        fields = AGREEMENT_FORM_FIELDS
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "signed_on": DateInput(),
            "special_assessment_on": DateInput(),
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in (
                    "data_categories",
                    "systems",
                    "permissions",
                    "firm_responsibilities",
                    "counterparty_responsibilities",
                    "security_requirements",
                    "special_assessment",
                )
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterparty"].queryset = Counterparty.objects.filter(is_active=True)

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in AGREEMENT_SECTIONS]

    def document_fields(self):
        return [self["document"]]

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in AGREEMENT_FORM_FIELDS}

    def _post_clean(self):
        # The service validates the whole agreement (with its reference, owner, …) on save.
        pass


class MeetingForm(BootstrapMixin, forms.ModelForm):
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendees"),
        queryset=User.objects.filter(is_active=True).order_by("display_name", "username"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They receive the invitation; more can be added on the meeting's page."),
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "scheduled_at",
            "duration_minutes",
            "location",
            "organiser",
            "agenda",
        ]
        widgets = {"scheduled_at": DateTimeInput(), "agenda": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = User.objects.filter(is_active=True).order_by(
            "display_name", "username"
        )

    def _post_clean(self):
        pass  # meeting_create validates the meeting
