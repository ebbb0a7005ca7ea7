"""Sign-in as Django's ModelBackend; the signed-in user of every request is read with a prepared
query (core.prepared) instead of building the same ORM query each time."""

from django.contrib.auth.backends import ModelBackend
from django.db import router

from core.prepared import PreparedQuery

from .models import User

_FIELDS = [f.attname for f in User._meta.concrete_fields]
_USER = PreparedQuery(lambda pk: User.objects.filter(pk=pk).values(*_FIELDS), "pk")


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            rows = _USER.rows(pk=int(user_id))
        except (TypeError, ValueError):
            return None
        if not rows:
            return None
        user = User.from_db(router.db_for_read(User), _FIELDS, [rows[0][f] for f in _FIELDS])
        return user if self.user_can_authenticate(user) else None
