from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.policy import can_write

from .models import Alert, ApiToken, Event


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    scope = forms.ChoiceField(
        label=_("Scope"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"),
        min_value=1,
        max_value=3650,
        required=False,
        help_text=_("Leave empty for a token that does not expire."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not can_write(user):  # auditors: read-only tokens only
            self.fields["scope"].choices = [
                c for c in ApiToken.Scope.choices if c[0] == ApiToken.Scope.READ
            ]


def _category_choices():
    from incidents.models import Incident

    return [("", "—")] + list(Incident.Category.choices)


class PromoteForm(forms.Form):
    title = forms.CharField(label=_("Incident title"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Incident category"), choices=_category_choices)


class MergeForm(forms.Form):
    incident = forms.ModelChoiceField(label=_("Incident"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        from .selectors import mergeable_incidents

        super().__init__(*args, **kwargs)
        self.fields["incident"].queryset = mergeable_incidents(user=user)
        self.fields["incident"].label_from_instance = lambda i: f"{i.reference} {i.title}"


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=pgettext_lazy("webhook", "Events"),
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class ExportForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(
        label=_("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"})
    )


class AlertFilterForm(forms.Form):
    """The alert queue's filter (GET ?state=): the new alerts first, then each other state, then
    all of them; the new ones when none (or an unknown state) is asked for."""

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select-sm w-auto", "data-autosubmit": ""}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        states = [(Alert.State.NEW, Alert.State.NEW.label)]
        states += [(v, label) for v, label in Alert.State.choices if v != Alert.State.NEW]
        self.fields["state"].choices = [*states, ("all", _("All"))]

    def state_or_default(self) -> str:
        valid = self.is_valid() and self.cleaned_data["state"]
        return self.cleaned_data["state"] if valid else Alert.State.NEW
