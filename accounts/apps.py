from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and roles")

    def ready(self):
        from audit.registry import register_app
        from core import navigation

        from . import roles

        navigation.register_roles(
            roles.user_roles,
            lambda user, held: bool(held & roles.ADMIN_SITE_ROLES) or user.is_superuser,
        )
        register_app(
            self,
            options={
                "User": {
                    "exclude_fields": ["password", "last_login"],
                    "m2m_fields": {"groups", "user_permissions"},
                }
            },
        )
        from . import demo  # noqa: F401  (registers the demo seeder)
