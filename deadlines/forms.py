"""The firm-wide deadline list's filter (GET). A value outside the choices shows the default."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Deadline, DeadlineKind


class FirmFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("active", _("Open or missed")), ("all", _("All")), *Deadline.State.choices],
        required=False,
    )
    kind = forms.ModelChoiceField(
        label=_("Kind"),
        queryset=DeadlineKind.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("All"),
    )
    unconfirmed = forms.BooleanField(label=_("Calendar unconfirmed only"), required=False)

    def filters(self) -> dict:
        """The selector's keywords; the defaults when the form is not valid."""
        data = self.cleaned_data if self.is_valid() else {}
        kind = data.get("kind")
        return {
            "state": data.get("state") or "active",
            "kind": kind.code if kind else "",
            "unconfirmed": bool(data.get("unconfirmed")),
        }
