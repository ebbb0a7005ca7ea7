from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts import policy
from accounts.policy.admin import PolicyAdmin, PolicyInline

from . import services, wording
from .models import (
    CalendarYear,
    Deadline,
    DeadlineKind,
    HolidayOverride,
    ReminderPolicy,
    ReminderStep,
)

_SETTINGS = {
    "add": "deadlines.policy.change",
    "change": "deadlines.policy.change",
    "delete": "deadlines.policy.change",
}


class ReminderStepInline(PolicyInline, admin.TabularInline):
    model = ReminderStep
    extra = 1
    fields = ["offset", "repeat_every", "recipients", "channels"]
    policy_actions = _SETTINGS


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(PolicyAdmin):
    list_display = ["title", "step_summary", "updated_at"]
    search_fields = ["name", "kinds__label"]
    inlines = [ReminderStepInline]
    policy_actions = _SETTINGS

    @admin.display(description=_("used for"), ordering="name")
    def title(self, obj):
        return wording.policy_title(obj)

    @admin.display(description=_("steps"))
    def step_summary(self, obj):
        return wording.steps(obj.steps.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("steps", "kinds")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        count = services.policy_reschedule(policy=form.instance)
        if count:
            messages.info(
                request,
                _("%(count)d open deadlines now follow the new steps.") % {"count": count},
            )


@admin.register(DeadlineKind)
class DeadlineKindAdmin(PolicyAdmin):
    list_display = ["code", "label", "policy"]
    search_fields = ["code", "label"]
    list_select_related = ["policy"]
    policy_actions = _SETTINGS


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(PolicyAdmin):
    list_display = ["date", "name", "is_working_day", "source"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"
    search_fields = ["name", "source"]
    policy_actions = _SETTINGS

    def save_model(self, request, obj, form, change):
        # Through the service: the year's open working-day deadlines re-time in the same step.
        if change and "date" in form.changed_data:
            old = HolidayOverride.objects.get(pk=obj.pk)
            services.calendar_override_delete(actor=request.user, override=old)
            obj.pk = None
        saved, moves = services.calendar_override_save(
            actor=request.user,
            date=obj.date,
            is_working_day=obj.is_working_day,
            name=obj.name,
            source=obj.source,
        )
        obj.pk = saved.pk
        self.message_user(request, _("%(n)d open deadlines re-timed.") % {"n": len(moves)})

    def delete_model(self, request, obj):
        services.calendar_override_delete(actor=request.user, override=obj)


@admin.register(CalendarYear)
class CalendarYearAdmin(PolicyAdmin):
    list_display = ["year", "schedule_complete", "notice_reference", "completed_by", "completed_at"]
    fields = ["year", "schedule_complete", "notice_reference"]
    readonly_fields = ["completed_by", "completed_at"]
    policy_actions = {
        "add": "deadlines.calendar.change",
        "change": "deadlines.calendar.change",
        "delete": "deadlines.calendar.change",
    }

    def save_model(self, request, obj, form, change):
        saved, moves = services.calendar_year_save(
            actor=request.user,
            year=obj.year,
            schedule_complete=obj.schedule_complete,
            notice_reference=obj.notice_reference,
        )
        obj.pk = saved.pk
        self.message_user(request, _("%(n)d open deadlines re-timed.") % {"n": len(moves)})


@admin.register(Deadline)
class DeadlineAdmin(PolicyAdmin):
    list_display = ["title", "kind", "due_at", "owner", "state", "calendar_confirmed"]
    list_filter = ["state", "calendar_confirmed", "kind"]
    search_fields = ["title", "owner__username", "owner__display_name"]
    list_select_related = ["kind", "owner"]
    date_hierarchy = "due_at"
    readonly_fields = [
        "content_type", "object_id", "kind", "title", "url", "due_at", "owner", "owner_role",
        "state", "state_reason", "met_at", "missed_at", "closed_at", "calendar_confirmed",
        "created_by", "revision", "fired_until", "next_fire_at", "created_at", "updated_at",
    ]  # fmt: skip
    actions = ["waive_selected"]
    # Deadlines come from their domain objects, through the services; officers waive them.
    policy_actions = {"change": "deadlines.deadline.waive"}

    def has_waive_permission(self, request) -> bool:
        return policy.allows(request.user, "deadlines.deadline.waive")

    @admin.action(
        description=_("Waive the selected deadlines (officer's decision)"), permissions=["waive"]
    )
    def waive_selected(self, request, queryset):
        if not policy.allows(request.user, "deadlines.deadline.waive"):
            self.message_user(request, _("You may not waive deadlines."), messages.ERROR)
            return
        done = 0
        for deadline in queryset.filter(state__in=Deadline.ACTIVE_STATES):
            services.deadline_cancel(
                deadline=deadline,
                reason=str(_("Waived in the administration by %(user)s")) % {"user": request.user},
                actor=request.user,
                waive=True,
            )
            done += 1
        self.message_user(request, _("%(count)d deadlines waived.") % {"count": done})
