"""Reads of the audit trail: the base queryset, the filter set and what a change looks like."""

import datetime as dt
import json

import django_filters
from auditlog.registry import auditlog
from django import forms
from django.contrib import admin
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from core.labels import shown

from . import registry
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
        label=_("Actor"), method="filter_actor", help_text=_("Name, user name, e-mail or user id")
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        since, until = self.form.fields["date"].widget.widgets
        since.attrs["aria-label"] = _("From date")
        until.attrs["aria-label"] = _("To date")
        for field in self.form.fields.values():  # Bootstrap 5's classes (the design system)
            widgets = getattr(field.widget, "widgets", [field.widget])
            for widget in widgets:
                css = "form-select" if isinstance(widget, forms.Select) else "form-control"
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def filter_actor(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        match = (
            Q(actor__username=value) | Q(actor_email__iexact=value) | Q(actor__display_name=value)
        )
        if value.isdigit():
            match |= Q(actor_id=int(value))
        return queryset.filter(match)


def filter_entries(params, *, request=None) -> AuditEntryFilter:
    return AuditEntryFilter(params, queryset=audit_entries(), request=request)


class Shown(str):
    """A value as an auditor reads it; `url` is where the record it names is read ("" if none);
    `lines` the labelled parts of a JSON value, `data` True for a JSON value nobody labelled."""

    url: str = ""
    lines: list[tuple[str, str]] = []
    data: bool = False

    def __new__(cls, text, url: str = "", *, lines=None, data: bool = False):
        shown = super().__new__(cls, text)
        shown.url = url
        shown.lines = lines or []
        shown.data = data
        return shown


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _field_label(model, name: str) -> str:
    field = _field(model, name)
    if isinstance(field, GenericForeignKey):  # no verbose name of its own
        return str(_("Related record"))
    return str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name


def record_url(content_type: ContentType, pk) -> str:
    """Where a recorded item is read: the model's own page when it has one (every such page is
    addressed by the primary key), otherwise its admin page; no query."""
    model = content_type.model_class()
    if model is None or pk in (None, ""):
        return ""
    if hasattr(model, "get_absolute_url"):
        try:
            return model(pk=pk).get_absolute_url()  # type: ignore[attr-defined]
        except (NoReverseMatch, ValueError, TypeError):
            return ""
    if not admin.site.is_registered(model):
        return ""
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])
    except NoReverseMatch:
        return ""


def _related_model(field):
    if field is None or not (getattr(field, "many_to_one", False) or field.one_to_one):
        return None
    return field.related_model


def _names(entries) -> dict:
    """{(related model, pk as text): name} for every record the page's changes point at: one
    query per related model, whatever the number of rows."""
    wanted: dict = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for name, value in (entry.changes or {}).items():
            related = _related_model(_field(model, name))
            if related is None or not isinstance(value, list | tuple):
                continue
            ids = {str(v) for v in value if v not in (None, "None", "")}
            wanted.setdefault(related, set()).update(ids)
    names = {}
    for related, ids in wanted.items():
        pk_field = related._meta.pk
        keys = []
        for raw in ids:
            try:
                keys.append(pk_field.to_python(raw))
            except ValidationError:
                continue
        for obj in related._default_manager.filter(pk__in=keys):
            names[(related, str(obj.pk))] = str(obj)
    return names


def _json_value(value):
    if isinstance(value, str):  # auditlog without use_json_for_changes keeps JSON as text
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _json_text(value, labels=None) -> str:
    if isinstance(value, list):
        return "、".join(_json_text(v, labels) for v in value) or "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if labels is not None and isinstance(value, str) and value in labels:
        return str(labels[value])
    return shown(value)


def _json_lines(field, value, only=None) -> list[tuple[str, str]] | None:
    """The labelled parts of a JSON value, or None when nobody labelled this field."""
    reader = registry.json_reader(field.model._meta.label, field.name)
    if reader is None:
        return None
    if callable(reader):
        return [(str(label), text) for label, text in reader(value)]
    if isinstance(value, dict):
        keys = [k for k in value if only is None or k in only]
        return [(str(reader.get(k, k)), _json_text(value[k], reader)) for k in keys]
    return [("", _json_text(value, reader))]


def _json_shown(field, value, only=None) -> Shown:
    value = _json_value(value)
    if value in (None, "", [], {}):
        return Shown("—")
    lines = _json_lines(field, value, only)
    if lines is None:
        return Shown(json.dumps(value, ensure_ascii=False, sort_keys=True), data=True)
    text = "；".join(f"{label}：{text}" if label else text for label, text in lines)
    return Shown(text or "—", lines=[line for line in lines if line[0]])


def _changed_keys(before, after) -> set | None:
    """Of two JSON objects, the keys whose values differ (a report's content changes a field or
    two at a time; the auditor reads those, not the whole form twice)."""
    before, after = _json_value(before), _json_value(after)
    if not isinstance(after, dict):
        return None
    before = before if isinstance(before, dict) else {}

    def norm(v):
        return None if v in ("", None, [], {}) else v

    return {k for k in set(before) | set(after) if norm(before.get(k)) != norm(after.get(k))}


def _shown(field, value, names: dict, only=None) -> Shown:
    if isinstance(field, models.JSONField):
        return _json_shown(field, value, only)
    if value is None or value == "None" or value == "":
        return Shown("—")
    if field is not None and registry.is_code(field.model._meta.label, field.name):
        return Shown(str(value), data=True)
    if field is None:
        return Shown(str(value))
    related = _related_model(field)
    if related is not None:
        key = str(value)
        ct = ContentType.objects.get_for_model(related)  # cached per process
        name = names.get((related, key))
        if name is None:  # deleted since: the id is all the log knows
            return Shown(f"{related._meta.verbose_name} #{key}")
        return Shown(name, record_url(ct, key))
    if getattr(field, "flatchoices", None):
        for code, label in field.flatchoices:
            if str(code) == str(value):
                return Shown(str(label))
    if isinstance(field, models.BooleanField):
        truth = value if isinstance(value, bool) else str(value) in ("True", "true", "1")
        return Shown(_("Yes") if truth else _("No"))
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is not None:
            if timezone.is_naive(moment):  # django-auditlog stores naive UTC
                moment = moment.replace(tzinfo=dt.UTC)
            return Shown(timezone.localtime(moment).strftime("%Y-%m-%d %H:%M"))
    return Shown(str(value))


def change_rows(entry: AuditEntry, names: dict | None = None) -> list[tuple[str, Shown, Shown]]:
    """(field label, before, after) for each field an entry changed, as an auditor reads them:
    choice labels, 是/否, local times, related records by name (from `names`, see `_names`)."""
    model = entry.content_type.model_class()
    names = names or {}
    rows = []
    for name, value in (entry.changes or {}).items():
        field = _field(model, name)
        label = _field_label(model, name)
        if isinstance(value, dict) and value.get("type") == "m2m":
            objects = Shown(", ".join(str(o) for o in value.get("objects", [])))
            if value.get("operation") == "delete":
                rows.append((label, objects, Shown("")))
            else:
                rows.append((label, Shown(""), objects))
        elif isinstance(value, list | tuple) and len(value) == 2:
            before, after = value
            only = _changed_keys(before, after) if isinstance(field, models.JSONField) else None
            rows.append(
                (label, _shown(field, before, names, only), _shown(field, after, names, only))
            )
        else:
            rows.append((label, Shown(""), _shown(field, value, names)))
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


def readable_rows(entries) -> list[tuple[AuditEntry, list]]:
    """A page of entries with their changes, related records named in one query per model."""
    entries = list(entries)
    names = _names(entries)
    for entry in entries:
        entry.record_url = record_url(entry.content_type, entry.object_pk)
    return [(entry, change_rows(entry, names)) for entry in entries]
