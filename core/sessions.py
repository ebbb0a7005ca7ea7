"""Database sessions, read with a prepared query (every signed-in request reads its session)."""

import logging

from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.contrib.sessions.models import Session
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from .prepared import PreparedQuery

_SESSION = PreparedQuery(
    lambda session_key: Session.objects.filter(session_key=session_key).values(
        "session_data", "expire_date"
    ),
    "session_key:str",
)


class SessionStore(DBStore):
    def _get_session_from_db(self):
        try:
            rows = _SESSION.rows(session_key=self.session_key) if self.session_key else []
        except SuspiciousOperation as e:  # as Django's store: logged, then a new session
            logging.getLogger(f"django.security.{e.__class__.__name__}").warning(str(e))
            rows = []
        if rows and rows[0]["expire_date"] > timezone.now():
            return rows[0]
        self._session_key = None
        return None

    def load(self):
        row = self._get_session_from_db()
        return self.decode(row["session_data"]) if row else {}
