"""Reads of the audit trail: the base queryset, the filter set and what a change looks like."""

import django_filters
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .context import Channel
from .models import AuditEntry


def audit_entries() -> QuerySet[AuditEntry]:
    """Newest first, with what the list, the API and the exports show, in one query."""
    return AuditEntry.objects.select_related("actor", "content_type").order_by("-id")


def chain_summary(alias="default") -> dict:
    """How long the chain is and where it ends (a backup's manifest, checked after a restore)."""
    qs = AuditEntry.objects.using(alias)
    last = qs.order_by("-id").values_list("id", "entry_hash").first()
    return {
        "count": qs.count(),
        "last_id": last[0] if last else None,
        "last_hash": last[1] if last else "",
    }


def audited_content_types() -> QuerySet[ContentType]:
    models = auditlog.get_models()
    ids = [ct.id for ct in ContentType.objects.get_for_models(*models).values()]
    return ContentType.objects.filter(id__in=ids).order_by("app_label", "model")


class ContentTypeChoiceFilter(django_filters.ModelChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", lambda request: audited_content_types())
        super().__init__(*args, **kwargs)


class AuditEntryFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(
        label=_("Actor"), method="filter_actor", help_text=_("User name, e-mail or user id")
    )
    model = ContentTypeChoiceFilter(field_name="content_type", label=_("Record type"))
    object_id = django_filters.CharFilter(field_name="object_pk", label=_("Record id"))
    action = django_filters.ChoiceFilter(choices=AuditEntry.Action.choices, label=_("Action"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    # Whole days in the site's time zone (Asia/Shanghai): date_after / date_before.
    date = django_filters.DateFromToRangeFilter(
        field_name="timestamp",
        label=_("Date"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEntry
        fields = ["actor", "model", "object_id", "action", "channel", "date"]

    def filter_actor(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        match = Q(actor__username=value) | Q(actor_email__iexact=value)
        if value.isdigit():
            match |= Q(actor_id=int(value))
        return queryset.filter(match)


def filter_entries(params, *, request=None) -> AuditEntryFilter:
    return AuditEntryFilter(params, queryset=audit_entries(), request=request)


def _field_label(model, name: str) -> str:
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def change_rows(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """(field label, before, after) for each field an entry changed; no queries."""
    model = entry.content_type.model_class()
    rows = []
    for name, value in (entry.changes or {}).items():
        label = _field_label(model, name)
        if isinstance(value, dict) and value.get("type") == "m2m":
            objects = ", ".join(str(o) for o in value.get("objects", []))
            if value.get("operation") == "delete":
                rows.append((label, objects, ""))
            else:
                rows.append((label, "", objects))
        elif isinstance(value, list | tuple) and len(value) == 2:
            before, after = value
            rows.append((label, _display(before), _display(after)))
        else:
            rows.append((label, "", _display(value)))
    return rows


def _display(value) -> str:
    if value is None or value == "None":
        return "—"
    return str(value)


# --- the home's panels (core.home) ---------------------------------------------------------------


def recent_entries(*, limit: int = 8) -> list:
    return list(audit_entries()[:limit])


def chain_tail_status(*, tail: int = 500) -> dict:
    """The chain's last `tail` entries checked now: each entry's content against its hash and
    its link to the entry before. The full walk is `manage.py verify_audit_log`."""
    from .chain import HASHED_FIELDS, compute_hash

    rows = list(
        AuditEntry.objects.order_by("-id").values_list(*HASHED_FIELDS, "entry_hash")[: tail + 1]
    )
    rows.reverse()
    broken_at, prev_id, prev_hash, last_hash, checked = None, None, None, "", 0
    for row in rows:
        values = dict(zip(HASHED_FIELDS, row, strict=False))
        stored = row[-1]
        linked = prev_id is None or (
            values["id"] == prev_id + 1 and (values["prev_hash"] or "") == prev_hash
        )
        if not linked or compute_hash(values, from_db=True) != stored:
            broken_at = values["id"]
            break
        prev_id, prev_hash, last_hash, checked = values["id"], stored, stored, checked + 1
    return {
        "count": AuditEntry.objects.count(),
        "checked": checked,
        "ok": broken_at is None,
        "broken_at": broken_at,
        "last_id": prev_id,
        "last_hash": last_hash,
    }
