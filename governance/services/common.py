"""Writes of the governance app. Keyword-only arguments, one transaction each, full validation; (common)."""

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError

AGREEMENT_EXPIRY_KIND = "governance.agreement.expiry"


ACTION_ITEM_KIND = "governance.meeting.action"


# Reminders and escalations are read on the morning of the day that counts.
DUE_HOUR = 9


def _full_clean(instance, exclude=None):
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        messages: list[str] = []
        for field, errors in exc.message_dict.items():
            label = str(instance._meta.get_field(field).verbose_name) if field != "__all__" else ""
            messages.extend(f"{label}: {e}" if label else e for e in errors)
        raise ApplicationError("；".join(messages) if messages else _("Invalid data."))


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def local_datetime(day: datetime.date, hour: int = DUE_HOUR, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _next_reference(model, prefix: str, year: int) -> str:
    stem = f"{prefix}-{year}-"
    taken = model.objects.filter(reference__startswith=stem).count()
    n = taken + 1
    while model.objects.filter(reference=f"{stem}{n:04d}").exists():
        n += 1
    return f"{stem}{n:04d}"
