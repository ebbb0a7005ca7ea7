from django import forms
from django.contrib import admin

from accounts.policy.admin import PolicyAdmin

from .errors import ApplicationError
from .models import FirmProfile
from .services import firm_profile_clean


class FirmProfileForm(forms.ModelForm):
    class Meta:
        model = FirmProfile
        fields = [
            "name",
            "credit_code",
            "address",
            "regulator_branch",
            "contact_name",
            "contact_phone",
        ]

    def _post_clean(self):
        super()._post_clean()  # type: ignore[misc]  # Django's hook; missing from the stubs
        if self.errors:
            return
        try:
            firm_profile_clean(self.instance)
        except ApplicationError as exc:
            self.add_error(None, exc.message)


@admin.register(FirmProfile)
class FirmProfileAdmin(PolicyAdmin):
    """One row: officers add it once, then change it."""

    form = FirmProfileForm
    list_display = ["name", "credit_code", "regulator_branch", "contact_name", "contact_phone"]
    policy_actions = {"add": "core.firmprofile.change", "change": "core.firmprofile.change"}

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not FirmProfile.objects.exists()
