"""Incidents in the one search box (core.search): reference, title, description and timeline
notes, for what `visible_to(user)` lets the user see.

Speed (bench/search.py, 100,000 cases and 1,000,000 notes): each query below asks for at most
`limit` ids ordered by recency, with one kind of match per query, so PostgreSQL either walks a
recency index until it has `limit` matches (a common word: a few hundred rows) or reads the few
matches from a trigram/bigram GIN index and sorts them (a rare word). Nothing ranks, counts or
sorts every match; the page says "more" when there is one more than it shows.
"""

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.search import Hit, Source, snippet

from .models import Incident, TimelineEntry


def _contains(table: str, column: str, query: str) -> Q:
    """`column` contains `query`. A two-character query has no trigram: on PostgreSQL the bigram
    index (`ir_bigrams`, migration 0011) finds the rows, and `strpos` confirms cheaply while a
    recency index is walked (`ir_bigrams` is marked expensive, migration 0013,, so it is never
    computed row by row). Not LIKE: the planner guesses a LIKE on top of the bigram ten times
    too rare and then sorts every match of a common word."""
    if len(query) == 2 and connection.vendor == "postgresql":
        return Q(
            RawSQL(  # noqa: S611 - table and column are ours; the query is a parameter
                f'ir_bigrams("{table}"."{column}") @> ARRAY[%s]::text[]'
                f' AND strpos(UPPER("{table}"."{column}"), %s) > 0',
                [query.upper(), query.upper()],
                output_field=BooleanField(),
            )
        )
    return Q(**{f"{column}__icontains": query})


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
    """The exact reference ranks 0, a reference or title match 1, a description match 2; newest
    first within a rank. One LIMIT-ed query per rank, the next asked only while fewer than
    `limit` were found."""
    reference = query.upper()
    table = Incident._meta.db_table
    in_title = _contains(table, "title", query)
    if len(query) > 2:  # references are Latin and digits: a two-character part names nothing
        in_title |= Q(reference__icontains=query)
    visible = (
        Incident.objects.visible_to(user)
        .only("id", "reference", "title", "description", "status", "discovered_at")
        .order_by("-discovered_at", "-id")
    )
    tiers = [
        (0, Q(reference=reference)),
        (1, in_title),
        (2, _contains(table, "description", query)),
    ]
    found: dict[int, Hit] = {}
    for rank, condition in tiers:
        wanted = limit - len(found)
        if wanted <= 0:
            break
        # The ids already found may match again (a title hit's description): ask for that many more.
        for incident in visible.filter(condition)[: wanted + len(found)]:
            if incident.pk not in found and len(found) < limit:
                found[incident.pk] = _incident_hit(incident, rank, incident.description, query)
    return list(found.values())


def search_timeline(user, query: str, limit: int) -> list[Hit]:
    """Newest matching notes first. The visibility rule is a semi-join on the case ids (`IN`),
    so a common word walks the notes' recency index (`inc_timeline_at_idx`) and stops early."""
    cases = Incident.objects.visible_to(user).values("id")
    entries = (
        TimelineEntry.objects.filter(_contains(TimelineEntry._meta.db_table, "text", query))
        .filter(incident_id__in=cases)
        .select_related("incident")
        .only("id", "at", "kind", "text", "incident__id", "incident__reference", "incident__title")
        .order_by("-at", "-id")[:limit]
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
