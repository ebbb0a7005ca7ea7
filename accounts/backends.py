"""Sign-in as Django's ModelBackend; the signed-in user of every request is read with a prepared
query (core.prepared) instead of building the same ORM query each time.

Django permission codenames are not the authorisation model (role sets are: accounts.policy).
`has_perm` is asked only by third-party admins (auth groups, axes, OTP devices, Celery results
and schedules): those belong to administrators alone, whatever a group's stored permissions say.
"""

from django.contrib.auth.backends import ModelBackend

from core.prepared import PreparedQuery, model_fields, to_instance

from .models import User
from .roles import Role, user_roles

_USER = PreparedQuery(lambda pk: User.objects.filter(pk=pk).values(*model_fields(User)), "pk")


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            rows = _USER.rows(pk=int(user_id))
        except (TypeError, ValueError):
            return None
        if not rows:
            return None
        user = to_instance(User, rows[0])
        return user if self.user_can_authenticate(user) else None

    # Role sets, not codenames (stale group permissions from earlier versions are ignored).
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
