from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and roles")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import roles

        # Permissions of every app exist only after all migrations: grant them then.
        post_migrate.connect(roles.sync_role_permissions_receiver, dispatch_uid="accounts.roles")
        from . import demo  # noqa: F401  (registers the demo seeder)
