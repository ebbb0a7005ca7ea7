"""Reads of the governance app; every list goes through the visibility rule."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from .models import (
    ActionItem,
    ContactRoleAssignment,
    CooperationAgreement,
    Meeting,
    Obligation,
    ObligationPeriod,
    SharingLogEntry,
    SharingRegistration,
    today_local,
)


def local_day_range(first: datetime.date, last: datetime.date):
    """[start of `first`, start of the day after `last`) as aware datetimes in local time."""
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min)
    )
    return start, end


def agreement_list(*, user, status: str | None = None, on: datetime.date | None = None):
    qs = (
        CooperationAgreement.objects.visible_to(user)
        .with_status(on)
        .select_related("counterparty", "owner")
    )
    if status:
        qs = qs.filter(status_code=status)
    return qs.order_by("ends_on", "reference")


def sharing_log_list(
    *,
    user,
    counterparty=None,
    agreement_reference: str = "",
    data_level: int | None = None,
    sharing_tier: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    bulk: bool | None = None,
):
    qs = SharingLogEntry.objects.visible_to(user)
    if counterparty:
        qs = qs.filter(counterparty=counterparty)
    if agreement_reference:
        qs = qs.filter(agreement_reference__icontains=agreement_reference)
    if data_level:
        qs = qs.filter(data_level=data_level)
    if sharing_tier:
        qs = qs.filter(sharing_tier=sharing_tier)
    if date_from or date_to:
        start, end = local_day_range(
            date_from or datetime.date(2000, 1, 1), date_to or datetime.date(2999, 12, 30)
        )
        qs = qs.filter(logged_at__gte=start, logged_at__lt=end)
    if bulk is not None:
        qs = qs.filter(is_bulk_one_time=bulk)
    return qs.order_by("-logged_at", "-id")


def contact_directory(*, user, on: datetime.date | None = None):
    """Current contact-role holders, ordered by role and scope."""
    return (
        ContactRoleAssignment.objects.visible_to(user)
        .current(on)
        .select_related("holder__department", "deputy", "department", "agreement")
        .order_by("role", "department__name", "agreement__reference", "valid_from")
    )


def meeting_list(*, user, year: int | None = None):
    qs = Meeting.objects.visible_to(user).select_related("organiser", "schedule")
    if year:
        start, end = local_day_range(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        qs = qs.filter(scheduled_at__gte=start, scheduled_at__lt=end)
    return qs.order_by("scheduled_at")


@dataclass
class YearSummary:
    year: int
    met: int = 0
    due: int = 0
    missed: int = 0

    @property
    def total(self):
        return self.met + self.due + self.missed


@dataclass
class Dashboard:
    year: int
    years: list[int]
    rows: list  # [(obligation, [period, ...])]
    summaries: list[YearSummary]
    agreements_by_status: dict
    expiring: list
    upcoming_meetings: list
    open_actions: list
    pending_registrations: int
    max_periods: int = field(default=4)


def obligation_years(*, today: datetime.date | None = None) -> list[int]:
    today = today or today_local()
    first = (
        Obligation.objects.filter(is_active=True)
        .order_by("tracked_from")
        .values_list("tracked_from", flat=True)
        .first()
    )
    start = first.year if first else today.year
    return list(range(start, today.year + 1))


def obligation_grid(*, year: int):
    """[(obligation, [period …])] for one year, in two queries."""
    obligations = list(Obligation.objects.filter(is_active=True).order_by("code"))
    periods = (
        ObligationPeriod.objects.filter(
            obligation__in=obligations,
            starts_on__gte=datetime.date(year, 1, 1),
            starts_on__lte=datetime.date(year, 12, 31),
        )
        .order_by("starts_on")
        .only(
            "id",
            "obligation_id",
            "label",
            "starts_on",
            "ends_on",
            "state",
            "met_at",
            "evidence_label",
            "evidence_url",
        )
    )
    by_obligation: dict[int, list] = {o.pk: [] for o in obligations}
    for p in periods:
        by_obligation[p.obligation_id].append(p)
    return [(o, by_obligation[o.pk]) for o in obligations]


def year_summaries(years: list[int]) -> list[YearSummary]:
    """Met / due / missed per year, in one grouped query."""
    summaries = {y: YearSummary(y) for y in years}
    if not years:
        return []
    rows = (
        ObligationPeriod.objects.filter(
            obligation__is_active=True,
            starts_on__gte=datetime.date(years[0], 1, 1),
            starts_on__lte=datetime.date(years[-1], 12, 31),
        )
        .values("starts_on__year", "state")
        .annotate(n=Count("id"))
    )
    for row in rows:
        summary = summaries.get(row["starts_on__year"])
        if summary:
            setattr(summary, row["state"], row["n"])
    return [summaries[y] for y in years]


def compliance_dashboard(*, user, year: int | None = None) -> Dashboard:
    today = today_local()
    years = obligation_years(today=today)
    year = year if year in years else today.year
    status_counts = dict(
        CooperationAgreement.objects.visible_to(user)
        .with_status(today)
        .values_list("status_code")
        .annotate(n=Count("id"))
        .values_list("status_code", "n")
    )
    expiring = list(
        CooperationAgreement.objects.visible_to(user)
        .in_force(today)
        .filter(ends_on__lte=today + datetime.timedelta(days=60))
        .select_related("counterparty", "owner")
        .order_by("ends_on")[:10]
    )
    now = timezone.now()
    upcoming = list(
        Meeting.objects.visible_to(user)
        .filter(state=Meeting.State.PLANNED, scheduled_at__gte=now)
        .order_by("scheduled_at")[:5]
    )
    open_actions = list(
        ActionItem.objects.visible_to(user)
        .filter(done_at__isnull=True)
        .select_related("owner", "meeting")
        .order_by("due_on")[:10]
    )
    pending = (
        SharingRegistration.objects.visible_to(user)
        .filter(
            Q(state=SharingRegistration.State.AWAITING_AUTHORITY)
            | Q(state=SharingRegistration.State.AWAITING_APPROVAL)
        )
        .count()
    )
    rows = obligation_grid(year=year)
    return Dashboard(
        year=year,
        years=years,
        rows=rows,
        summaries=year_summaries(years),
        agreements_by_status=status_counts,
        expiring=expiring,
        upcoming_meetings=upcoming,
        open_actions=open_actions,
        pending_registrations=pending,
        max_periods=max((len(p) for _o, p in rows), default=0),
    )


# --- the home's panels (core.home) ---------------------------------------------------------------


def obligations_this_quarter(*, today: datetime.date | None = None) -> dict:
    """The obligation periods running in the current quarter, by state (met, due, missed)."""
    today = today or today_local()
    first_month = (today.month - 1) // 3 * 3 + 1
    starts = datetime.date(today.year, first_month, 1)
    ends = (
        datetime.date(today.year + 1, 1, 1)
        if first_month == 10
        else datetime.date(today.year, first_month + 3, 1)
    ) - datetime.timedelta(days=1)
    periods = list(
        ObligationPeriod.objects.filter(
            obligation__is_active=True, starts_on__lte=ends, ends_on__gte=starts
        )
        .select_related("obligation")
        .only("id", "label", "state", "ends_on", "obligation__code", "obligation__title")
        .order_by("ends_on", "obligation__code")
    )
    by_state: dict[str, list] = {s: [] for s in ObligationPeriod.State.values}
    for p in periods:
        by_state.setdefault(p.state, []).append(p)
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    return {"quarter": quarter, "periods": periods, **by_state}


def agreements_expiring(*, user, days: int = 60) -> list:
    today = today_local()
    return list(
        CooperationAgreement.objects.visible_to(user)
        .in_force(today)
        .filter(ends_on__lte=today + datetime.timedelta(days=days))
        .select_related("counterparty")
        .order_by("ends_on")[:10]
    )
