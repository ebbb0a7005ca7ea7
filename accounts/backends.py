"""Sign-in as Django's ModelBackend; the signed-in user of every request is read with a prepared
query (core.prepared) instead of building the same ORM query each time."""

from django.contrib.auth.backends import ModelBackend

from core.prepared import PreparedQuery, model_fields, to_instance

from .models import User

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
