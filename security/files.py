"""Stored files are served only through a view that checks who may see the owning record and
records the download in the audit trail; nothing under MEDIA_ROOT has a public URL.

An app registers each file field once (AppConfig.ready):

    files.register("governance.CooperationAgreement", "document")
    files.register("governance.MeetingAttachment", "file", owner="meeting")

and links to `files.url_for(obj, "document")` (templates: `{% load files %}{% file_url a
"document" %}`). The view `/files/<app.model>/<pk>/<field>/` answers 404 (the same for a
record that does not exist and one the user may not see) unless `accounts.policy` lets the user
see the record (its own `visibility_q`, or the owner's when `owner` names one), then writes an
audit entry (action "access") and hands the bytes over.

Production: with `FILES_SENDFILE = "x-accel-redirect"` the response carries only
`X-Accel-Redirect: FILES_ACCEL_PREFIX + name` and nginx sends the file from an `internal`
location aliasing MEDIA_ROOT; `"x-sendfile"` sends `X-Sendfile: <absolute path>` for Apache's
mod_xsendfile. Either way the permission check and the audit entry stay in Django, and the web
server must not serve MEDIA_ROOT under any public location (docs/security.md).
"""

import mimetypes
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse

from accounts import policy

__all__ = ["register", "url_for", "serve", "record_download", "download"]


@dataclass(frozen=True)
class _Entry:
    owner: str | None
    filename: Callable[[Any], str] | None  # the download's name for a record


_REGISTRY: dict[tuple[str, str], _Entry] = {}


def register(
    model: str,
    field: str,
    *,
    owner: str | None = None,
    filename: Callable[[Any], str] | None = None,
) -> None:
    """`model` as "app_label.ModelName"; `owner`: the attribute holding the record whose
    visibility decides (default: the record itself)."""
    _REGISTRY[(model.lower(), field)] = _Entry(owner, filename)


def _label(obj) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def url_for(obj, field: str) -> str:
    """The download URL of `obj.<field>`, or "" when the field is empty."""
    if obj is None or not getattr(obj, field, None):
        return ""
    if (_label(obj), field) not in _REGISTRY:
        raise LookupError(f"{_label(obj)}.{field} is not registered with security.files")
    return reverse("file-download", args=[_label(obj), obj.pk, field])


def _visible(user, record) -> bool:
    if getattr(record, "sees", None) is not None:
        return policy.can_see(user, record)
    manager = type(record)._default_manager
    return policy.visible_to(user, manager.filter(pk=record.pk)).exists()


def record_download(user, obj, field: str, name: str) -> None:
    """One audit entry (action "access") naming the file taken."""
    from audit.models import AuditEntry

    AuditEntry.objects.log_create(
        obj,
        force_log=True,
        action=AuditEntry.Action.ACCESS,
        changes={field: [None, name]},
    )


def serve(field_file, *, filename: str, as_attachment: bool = True):
    """The response handing over a stored file: FileResponse, or a header for the web server."""
    mode = (getattr(settings, "FILES_SENDFILE", "") or "").lower()
    if mode in ("x-accel-redirect", "x-sendfile"):
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        response = HttpResponse(content_type=content_type)
        if mode == "x-accel-redirect":
            prefix = getattr(settings, "FILES_ACCEL_PREFIX", "/protected-media/")
            response["X-Accel-Redirect"] = (
                prefix.rstrip("/") + "/" + urllib.parse.quote(field_file.name)
            )
        else:
            response["X-Sendfile"] = field_file.path
        disposition = "attachment" if as_attachment else "inline"
        quoted = urllib.parse.quote(filename)
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quoted}"
        return response
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404
    return FileResponse(handle, as_attachment=as_attachment, filename=filename)


def download(request, model: str, pk: int, field: str):
    """The one view for registered file fields."""
    entry = _REGISTRY.get((model.lower(), field))
    if entry is None or not request.user.is_authenticated:
        raise Http404
    try:
        model_class = apps.get_model(model)
    except (LookupError, ValueError):
        raise Http404
    obj = model_class._default_manager.filter(pk=pk).first()
    if obj is None:
        raise Http404
    record = getattr(obj, entry.owner) if entry.owner else obj
    if record is None or not _visible(request.user, record):
        raise Http404
    field_file = getattr(obj, field)
    if not field_file:
        raise Http404
    name = entry.filename(obj) if entry.filename else field_file.name.rsplit("/", 1)[-1]
    response = serve(field_file, filename=name)
    record_download(request.user, obj, field, name)
    return response
