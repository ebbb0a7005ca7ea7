"""Agreements and counterparties in the one search box (core.search)."""

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.search import Hit, Source, contains_any, snippet

from .models import CooperationAgreement, Counterparty


def search_agreements(user, query: str, limit: int) -> list[Hit]:
    agreements = (
        CooperationAgreement.objects.visible_to(user)
        .filter(
            contains_any(("reference", "title", "data_categories", "counterparty__name"), query)
        )
        .select_related("counterparty")
        .order_by("-created_at")[:limit]
    )
    return [
        Hit(
            title=f"{agreement.reference} {agreement.title}",
            url=reverse("governance:agreement-detail", args=[agreement.pk]),
            snippet=agreement.counterparty.name if agreement.counterparty_id else "",
            rank=0 if agreement.reference.upper() == query.upper() else 1,
            when=agreement.created_at,
            badge=agreement.get_status_display(),
        )
        for agreement in agreements
    ]


def search_counterparties(user, query: str, limit: int) -> list[Hit]:
    """A counterparty links to its newest agreement the user may see (the admin page else)."""
    newest = (
        CooperationAgreement.objects.visible_to(user)
        .filter(counterparty=OuterRef("pk"))
        .order_by("-created_at")
        .values("pk")[:1]
    )
    parties = (
        Counterparty.objects.visible_to(user)
        .filter(contains_any(("name", "short_name", "credit_code", "notes"), query))
        .annotate(agreement_id=Subquery(newest))
        .order_by("name")[:limit]
    )
    return [
        Hit(
            title=party.name,
            url=reverse("governance:agreement-detail", args=[party.agreement_id])
            if party.agreement_id
            else reverse("admin:governance_counterparty_change", args=[party.pk]),
            snippet=snippet(party.notes, query) if party.notes else party.short_name,
            rank=1,
            badge=party.get_kind_display(),
        )
        for party in parties
    ]


SOURCES = [
    Source("agreements", _("Agreements"), search_agreements, order=60),
    Source("counterparties", _("Counterparties"), search_counterparties, order=70),
]
