"""Forms of the emergency-plan pages and the confidential concern channel."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import EmergencyPlan, PlanChange, ResponsePlan

User = get_user_model()


class PlanForm(forms.ModelForm):
    body = forms.CharField(
        label=_("Plan text (version 1)"),
        max_length=100000,
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    class Meta:
        model = EmergencyPlan
        fields = [
            "scenario",
            "title",
            "responsible_leader",
            "review_interval_days",
            "response_plan",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_leader"].queryset = User.objects.filter(is_active=True)
        self.fields["response_plan"].queryset = ResponsePlan.objects.filter(is_active=True)


class VersionDraftForm(forms.Form):
    body = forms.CharField(
        label=_("Plan text"), max_length=100000, widget=forms.Textarea(attrs={"rows": 10})
    )
    change_list = forms.CharField(
        label=_("Further changes (one per line)"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The open proposed changes are listed first, on their own."),
    )


class ApproveForm(forms.Form):
    effective_on = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ProposeForm(forms.Form):
    description = forms.CharField(
        label=_("Proposed change"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    origin = forms.ChoiceField(label=_("Origin"), choices=PlanChange.Origin.choices)
    origin_label = forms.CharField(label=_("Origin detail"), max_length=200, required=False)


class DecideForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label=_("Adopted at the annual process-review meeting"),
        queryset=None,
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        from governance.models import Meeting, MeetingKind

        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(
            kind=MeetingKind.ANNUAL_REVIEW
        ).exclude(state=Meeting.State.CANCELLED)


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FollowCodeForm(forms.Form):
    code = forms.CharField(label=_("Follow-up code"), max_length=60)


class FollowAddForm(FollowCodeForm):
    """Further facts from the anonymous reporter: the code travels along, hidden."""

    code = forms.CharField(label=_("Follow-up code"), max_length=60, widget=forms.HiddenInput)
    body = forms.CharField(
        label=_("Further facts"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
