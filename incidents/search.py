"""Incidents in the one search box (core.search): reference, title, description and timeline
notes, for what `visible_to(user)` lets the user see."""

from django.db import connection
from django.db.models import BooleanField, Case, Q, When
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.search import Hit, Source, snippet

from .models import Incident, TimelineEntry


def _contains(table: str, column: str, query: str) -> Q:
    """`column` contains `query`. A two-character query has no trigram: on PostgreSQL the bigram
    index (`ir_bigrams`, migration 0011) narrows the rows and LIKE confirms."""
    found = Q(**{f"{column}__icontains": query})
    if len(query) == 2 and connection.vendor == "postgresql":
        bigram = RawSQL(  # noqa: S611 - table and column are ours; the query is a parameter
            f'ir_bigrams("{table}"."{column}") @> ARRAY[%s]::text[]',
            [query.upper()],
            output_field=BooleanField(),
        )
        found &= Q(bigram)
    return found


def _incident_hit(incident, rank: int, text: str, query: str) -> Hit:
    return Hit(
        title=f"{incident.reference} {incident.title}",
        url=reverse("incidents:detail", args=[incident.pk]),
        snippet=snippet(text, query),
        rank=rank,
        when=incident.discovered_at,
        badge=incident.get_status_display(),
    )


def search_incidents(user, query: str, limit: int) -> list[Hit]:
    """One query: the exact reference ranks 0, a reference or title match 1, a description
    match 2; newest first within a rank."""
    reference = query.upper()
    table = Incident._meta.db_table
    in_title = _contains(table, "title", query)
    if len(query) > 2:  # references are Latin and digits: a two-character part names nothing
        in_title |= Q(reference__icontains=query)
    rank = Case(When(reference=reference, then=0), When(in_title, then=1), default=2)
    incidents = (
        Incident.objects.visible_to(user)
        .filter(Q(reference=reference) | in_title | _contains(table, "description", query))
        .annotate(search_rank=rank)
        .only("id", "reference", "title", "description", "status", "discovered_at")
        .order_by("search_rank", "-discovered_at")[:limit]
    )
    return [
        _incident_hit(
            incident,
            incident.search_rank,
            incident.description,
            query,
        )
        for incident in incidents
    ]


def search_timeline(user, query: str, limit: int) -> list[Hit]:
    entries = (
        TimelineEntry.objects.visible_to(user)
        .filter(_contains(TimelineEntry._meta.db_table, "text", query))
        .select_related("incident")
        .only("id", "at", "kind", "text", "incident__id", "incident__reference", "incident__title")
        .order_by("-at")[:limit]
    )
    return [
        Hit(
            title=f"{entry.incident.reference} {entry.incident.title}",
            url=reverse("incidents:detail", args=[entry.incident_id]) + "#timeline",
            snippet=snippet(entry.text, query),
            rank=3,
            when=entry.at,
            badge=entry.get_kind_display(),
        )
        for entry in entries
    ]


SOURCES = [
    Source("incidents", _("Incidents"), search_incidents, order=10),
    Source("timeline", _("Timeline notes"), search_timeline, order=20),
]
