"""Running the write half of the RBAC matrix (decisions in rbac_writes.py).

Every request runs inside a savepoint that is rolled back, so a write that succeeds (an agreement
approved, an object deleted in the admin) never changes what a later request sees: the matrix does
not depend on its order. Each persona signs in once; its session cookie is restored before every
request (a request may log out, rotate or flush the session; the rollback restores the row).
"""

import json
import threading
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from core.errors import ApplicationError, NotPermitted

from .rbac_writes import ALLOWED, NA, REFUSAL_MESSAGES, REFUSED

ERROR = "error"  # a 500: always a mismatch
_local = threading.local()


@contextmanager
def refusals_recorded():
    """Record every ApplicationError raised while a request runs. A NotPermitted (=
    policy.PolicyDenied) means refused even when a page turned it into a message and a redirect;
    any other one is shown beside an "allowed" in the mismatch table (a service that refuses with
    a 400 instead of the policy's 403 is told apart from a write that went through)."""
    original = ApplicationError.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        getattr(_local, "raised", []).append(self)

    ApplicationError.__init__ = init
    try:
        yield
    finally:
        ApplicationError.__init__ = original


@contextmanager
def admin_side_effects_stubbed():
    """The admin decides permission (has_add/change/delete_permission, the actions offered)
    before it renders a form or collects and deletes objects; the matrix only needs the decision.
    Rendering the add/change form and deleting (with the cascade it collects) cost most of the
    matrix's time, so while it runs they are replaced by stubs with the same outcome: a 200 page
    for a form, a redirect after a delete."""
    from django.contrib.admin import ModelAdmin
    from django.http import HttpResponse

    saved = {
        name: getattr(ModelAdmin, name)
        for name in ("render_change_form", "get_deleted_objects", "delete_model", "delete_queryset")
    }
    ModelAdmin.render_change_form = lambda self, request, context, *a, **k: HttpResponse("form")
    ModelAdmin.get_deleted_objects = lambda self, objs, request: ([], {}, set(), [])
    ModelAdmin.delete_model = lambda self, request, obj: None
    ModelAdmin.delete_queryset = lambda self, request, queryset: None
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(ModelAdmin, name, value)


def _login_paths():
    return (reverse("login"), reverse("admin:login"))


_POLICY_MESSAGES: set[str] = set()


def policy_messages() -> set[str]:
    """What the policy says when it refuses (every rule's message, in both languages)."""
    if not _POLICY_MESSAGES:
        from django.utils import translation

        from accounts import policy

        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                _POLICY_MESSAGES.update(str(r.message) for r in policy.actions().values())
                _POLICY_MESSAGES.add(
                    str(translation.gettext("This action needs a signed-in user."))
                )
                _POLICY_MESSAGES.update(str(translation.gettext(m)) for m in REFUSAL_MESSAGES)
    return _POLICY_MESSAGES


def _page_messages(response) -> set[str]:
    storage = getattr(getattr(response, "wsgi_request", None), "_messages", None)
    # added in this request; moved to _loaded_data when the rendered page showed them
    found = [
        *getattr(storage, "_queued_messages", []),
        *(getattr(storage, "_loaded_data", None) or []),
    ]
    return {str(m) for m in found}


def classify(response, raised: list, login_is_success=False) -> str:
    code = response.status_code
    if code >= 500:
        return ERROR
    if code == 405:
        return NA
    if code in (401, 403, 404):
        return REFUSED
    if 300 <= code < 400:
        path = urlsplit(response.get("Location", "")).path
        if path.startswith(_login_paths()) and not login_is_success:
            return REFUSED
    if any(isinstance(e, NotPermitted) for e in raised) or (
        _page_messages(response) & policy_messages()
    ):
        return REFUSED
    return ALLOWED


def matches(expected: str, got: str) -> bool:
    """n/a (the route does not offer the method) and refused both mean the persona cannot do it;
    a refusal may come before the method check (authentication, permission classes)."""
    if got == ERROR:
        return False
    if expected == ALLOWED:
        return got == ALLOWED
    return got in (REFUSED, NA)


class Sender:
    """One signed-in client per persona, one request per call, rolled back afterwards."""

    def __init__(self, client, personas: dict):
        self.client = client
        self.client.raise_request_exception = False  # a 500 is an outcome to report
        self.cookies = {}
        for name, user in personas.items():
            client.cookies.clear()
            if user is not None:
                client.force_login(user)
            self.cookies[name] = {k: v.value for k, v in client.cookies.items()}

    def send(
        self,
        persona: str,
        method: str,
        url: str,
        body: dict | None,
        api: bool,
        action=False,
        login_is_success=False,
    ) -> tuple[str, str]:
        """(outcome, note): the note says what an "allowed" answered (status, and the message
        of a service error if one was raised)."""
        client = self.client
        client.cookies.clear()
        for key, value in self.cookies[persona].items():
            client.cookies[key] = value
        cache.clear()  # throttles count per client address; lockouts per address
        _local.raised = []
        with transaction.atomic():
            if api:
                response = client.generic(
                    method,
                    url,
                    json.dumps(body or {}),
                    content_type="application/json",
                    HTTP_ACCEPT="application/json",
                )
            elif method == "POST":
                response = client.post(url, body or {})
            else:
                response = client.generic(method, url, "", content_type="text/plain")
            transaction.set_rollback(True)
        raised, _local.raised = _local.raised, []
        got = classify(response, raised, login_is_success)
        if action and got == ALLOWED and admin_action_ignored(response):
            got = REFUSED
        note = str(response.status_code)
        if raised:
            error = raised[0]
            note += f" {type(error).__name__}: {str(getattr(error, 'message', error))[:60]}"
        return got, note


def _no_action_messages() -> set[str]:
    from django.utils import translation

    out = set()
    for lang in ("en", "zh-hans"):
        with translation.override(lang):
            out.add(str(translation.gettext("No action selected.")))
    return out


def admin_action_ignored(response) -> bool:
    """The admin answers an action the user may not run with a redirect and "No action selected."
    (the action is not among the user's choices) or, when the user has no action at all, by
    rendering the change list again: both mean the action never ran."""
    if _page_messages(response) & _no_action_messages():
        return True
    templates = {t.name for t in getattr(response, "templates", []) or []}
    return response.status_code == 200 and "admin/change_list.html" in templates
