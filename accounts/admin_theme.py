"""The admin as the officers' workshop (issue 18): every admin wears django-unfold's theme and
every app, model and field reads in Chinese, the libraries' ones included.

The project's own admins get the theme through `accounts.policy.admin.PolicyAdmin`. The
libraries register their admins before ours (they come first in INSTALLED_APPS), so
`apply()`, run when `accounts.admin` loads, registers each of them again on a class that adds
unfold's ModelAdmin behind the library's own (the library's behaviour, the theme's look). Their
apps, models and fields are named here with our own words: a library's catalogue that loads
first cannot override a msgid it does not have.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from unfold.admin import ModelAdmin as UnfoldModelAdmin

from .roles import Role

# App label -> what the app is called in the admin.
APP_NAMES = {
    "auth": _("Roles and permissions"),
    "axes": _("Login lockout"),
    "otp_totp": _("Two-factor authentication"),
    "django_otp": _("Two-factor authentication"),
    "django_celery_results": _("Background task results"),
    "django_celery_beat": _("Scheduled tasks"),
}

# Models the libraries name in words their catalogues leave untranslated ("app_label.model" ->
# singular, plural). Meta names are not part of migrations, so they can be set here.
MODEL_NAMES = {
    "auth.group": (_("role"), _("roles")),
    "otp_totp.totpdevice": (_("authenticator app (TOTP)"), _("authenticator apps (TOTP)")),
    "django_celery_beat.periodictask": (_("scheduled task"), _("scheduled tasks")),
}

# Libraries that label their fields with plain strings (django-otp): the same words become
# translatable, so migrations see no change and our catalogue gives the Chinese. Libraries with
# lazy labels (axes, celery results) are translated by the catalogue alone (vendor_strings).
PLAIN_LABEL_APPS = ("otp_totp",)


# Section titles the libraries' admins show (some are plain English strings).
FIELDSET_NAMES = {
    "Identity": _("Identity"),
    "Timestamps": _("Times"),
    "Configuration": _("Configuration"),
    "State": _("Clock state"),
    "Throttling": _("Failed attempts"),
    "Schedule": _("Schedule"),
    "Arguments": _("Arguments"),
    "Execution Options": _("Execution options"),
    "Form Data": _("Submitted data"),
    "Meta Data": _("Request details"),
}


def role_label(group) -> str:
    """A group that is a role is shown by the role's name (合规官, not compliance_officer)."""
    try:
        return str(Role(group.name).label)
    except ValueError:
        return group.name


def _name_things() -> None:
    for label, name in APP_NAMES.items():
        try:
            apps.get_app_config(label).verbose_name = name
        except LookupError:
            continue
    for key, (singular, plural) in MODEL_NAMES.items():
        try:
            model = apps.get_model(key)
        except LookupError:
            continue
        model._meta.verbose_name = singular
        model._meta.verbose_name_plural = plural
    for label in PLAIN_LABEL_APPS:
        try:
            models = list(apps.get_app_config(label).get_models())
        except LookupError:
            continue
        for model in models:
            for field in model._meta.fields:
                if isinstance(field.verbose_name, str):
                    field.verbose_name = pgettext_lazy("authenticator", field.verbose_name)
                if field.help_text and isinstance(field.help_text, str):
                    field.help_text = pgettext_lazy("authenticator", field.help_text)
    Group.__str__ = role_label  # type: ignore[method-assign]


class _ChineseSections:
    """Names the sections of a library's form in Chinese."""

    def get_fieldsets(self, request, obj=None):
        return [
            (FIELDSET_NAMES.get(str(name), name) if name else name, options)
            for name, options in super().get_fieldsets(request, obj)  # type: ignore[misc]
        ]


@admin.display(description=_("Schedule in words"))
def _crontab_translation(model_admin, obj):  # noqa: ARG001 (a method of the admin)
    return obj.crontab.human_readable if obj.crontab else "—"


@admin.display(description=_("Schedule"))
def _scheduler(obj):
    return obj.scheduler


def _themed(admin_class: type) -> type:
    if issubclass(admin_class, UnfoldModelAdmin):
        return admin_class
    extra: dict = {"__module__": __name__}
    if hasattr(admin_class, "crontab_translation"):
        extra["crontab_translation"] = _crontab_translation
    if "scheduler" in getattr(admin_class, "list_display", ()):
        extra["list_display"] = [
            _scheduler if name == "scheduler" else name
            for name in admin_class.list_display  # type: ignore[attr-defined]
        ]
    return type(admin_class.__name__, (_ChineseSections, admin_class, UnfoldModelAdmin), extra)


@admin.display(description=_("role"), ordering="name")
def _role_name(group) -> str:
    return role_label(group)


def _theme_library_admins() -> None:
    for model, model_admin in list(admin.site._registry.items()):
        themed = _themed(type(model_admin))
        if model is Group:  # roles by their Chinese names, the code beside them
            themed = type(
                "RoleAdmin",
                (themed,),
                {"__module__": __name__, "list_display": (_role_name, "name")},
            )
        if themed is type(model_admin):
            continue
        admin.site.unregister(model)
        admin.site.register(model, themed)


def apply() -> None:
    _name_things()
    _theme_library_admins()


def admin_csp(get_response):
    """Middleware: the admin's pages allow 'unsafe-eval' in script-src, and only they do.

    django-unfold drives its menus, filters, tabs and search with the standard Alpine.js build,
    which evaluates its expressions with the Function constructor (unfold ships no CSP build);
    without this the admin's command palette covers every page and nothing opens. Scripts still
    come only from our origin or carry the page's nonce; the product's own pages keep the strict
    policy (tests/admin_theme)."""
    from django.conf import settings

    prefix = "/admin/"

    def middleware(request):
        response = get_response(request)
        if request.path.startswith(prefix) and getattr(settings, "CONTENT_SECURITY_POLICY", None):
            response._csp_update = {"script-src": ["'unsafe-eval'"]}
        return response

    return middleware
