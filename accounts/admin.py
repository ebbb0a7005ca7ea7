from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Department, JobRole, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(JobRole)
class JobRoleAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "handles_data"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "department", "job_role", "manager", "is_active"]
    list_filter = ["is_active", "department", "job_role", "groups"]
    search_fields = ["username", "display_name", "email", "phone"]
    autocomplete_fields = ["manager"]
    fieldsets = DjangoUserAdmin.fieldsets + (
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
