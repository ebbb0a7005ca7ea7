from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from core.errors import ApplicationError
from core.models import FirmProfile

from . import admin_theme
from .firm import firm_profile_clean
from .models import Department, JobRole, User
from .policy.admin import PolicyAdmin


@admin.register(Department)
class DepartmentAdmin(PolicyAdmin):
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    policy_actions = {
        "add": "accounts.department.change",
        "change": "accounts.department.change",
        "delete": "accounts.department.change",
    }


@admin.register(JobRole)
class JobRoleAdmin(PolicyAdmin):
    list_display = ["name", "code", "handles_data"]
    search_fields = ["name", "code"]
    policy_actions = {
        "add": "accounts.jobrole.change",
        "change": "accounts.jobrole.change",
        "delete": "accounts.jobrole.change",
    }


@admin.register(User)
class UserAdmin(PolicyAdmin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ["username", "display_name", "department", "job_role", "manager", "is_active"]
    list_filter = ["is_active", "department", "job_role", "groups"]
    search_fields = ["username", "display_name", "email", "phone"]
    autocomplete_fields = ["manager"]
    policy_actions = {
        "add": "accounts.user.create",
        "change": "accounts.user.change",
        "delete": "accounts.user.delete",
    }
    # Django's UserAdmin always sets fieldsets; the stubs declare the base attribute optional.
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Position"),
            {
                "fields": (
                    "display_name",
                    "phone",
                    "department",
                    "job_role",
                    "manager",
                    "preferred_language",
                )
            },
        ),
    )

    # Separation of duties: compliance officers keep people's positions up to date, but only an
    # administrator grants roles and permissions or sets passwords, so nobody can raise their own
    # (or anyone's) privileges from the officer role.
    privileged_fields = ("is_superuser", "is_staff", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [f for f in self.privileged_fields if f not in readonly]
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser and str(request.user.pk) != str(id):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


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


# The libraries' admins (registered before ours) wear the theme and read in Chinese too.
admin_theme.apply()
