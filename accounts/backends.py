"""Sign-in is Django's ModelBackend. Only `has_perm` differs: Django permission codenames are not
the authorisation model (role sets are: accounts.policy), and the admins that still ask them
(auth groups, axes, OTP devices, Celery results and schedules) belong to administrators alone,
whatever a group's stored permissions say."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from .roles import Role, user_roles


class RoleBackend(ModelBackend):
    def _administrator(self, user_obj) -> bool:
        return bool(user_obj.is_active and Role.ADMINISTRATOR in user_roles(user_obj))

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return self._administrator(user_obj)

    def has_module_perms(self, user_obj, app_label):
        return self._administrator(user_obj)


class BreakGlassBackend(RoleBackend):
    """Local passwords while directory or OpenID Connect sign-in is on: administrators only,
    unless LOCAL_SIGN_IN=all (docs/directory-sign-in.md)."""

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        if getattr(settings, "LOCAL_SIGN_IN", "all") == "all":
            return True
        return bool(user.is_superuser or Role.ADMINISTRATOR in user_roles(user))
