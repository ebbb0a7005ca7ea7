"""Reads. Every read goes through `visible_to(user)` (accounts.policy)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.roles import Role, user_roles

from . import grading
from .models import (
    Concern,
    CustodyEntry,
    Evidence,
    Incident,
    IncidentTask,
    RectificationItem,
    TimelineEntry,
)

TIMELINE_LIMIT = 200


def _overdue_q(now):
    from deadlines.models import Deadline

    ct = ContentType.objects.get_for_model(Incident)
    open_deadline = Deadline.objects.filter(
        content_type=ct,
        object_id=OuterRef("pk"),
        state__in=(Deadline.State.OPEN, Deadline.State.MISSED),
        due_at__lt=now,
    )
    overdue_task = IncidentTask.objects.filter(
        incident=OuterRef("pk"), state=IncidentTask.State.OPEN, due_at__lt=now
    )
    return Exists(open_deadline) | Exists(overdue_task)


def incident_list(*, user, filters=None):
    """The visible cases, newest discovery first, with what a list row shows."""
    filters = filters or {}
    qs = (
        Incident.objects.visible_to(user)
        .select_related("assignee", "team")
        .only(
            "id",
            "reference",
            "title",
            "category",
            "source",
            "is_drill",
            "status",
            "grade",
            "discovered_at",
            "resolved_at",
            "assignee__id",
            "assignee__username",
            "assignee__display_name",
            "assignee__first_name",
            "assignee__last_name",
            "team__id",
            "team__name",
        )
    )
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("grade"):
        qs = qs.filter(grade="" if filters["grade"] == "none" else filters["grade"])
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    if filters.get("assignee"):
        qs = qs.filter(assignee_id=filters["assignee"])
    if filters.get("source"):
        qs = qs.filter(source=filters["source"])
    if filters.get("drill") in ("0", "no", False):
        qs = qs.real()
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(reference__icontains=q) | Q(title__icontains=q))
    if filters.get("overdue") in ("1", "yes", True, "true"):
        qs = qs.filter(_overdue_q(timezone.now())).exclude(status=Incident.Status.CLOSED)
    return qs.order_by("-discovered_at", "-id")


def incident_get(*, user, pk) -> Incident:
    return get_object_or_404(
        Incident.objects.visible_to(user).select_related(
            "assignee", "team", "created_by", "counterparty", "agreement", "response_plan"
        ),
        pk=pk,
    )


def incident_page(*, user, pk) -> dict:
    """Everything the incident page shows, in a fixed number of queries."""
    incident = incident_get(user=user, pk=pk)
    systems = list(incident.affected_systems.all())
    timeline = list(
        TimelineEntry.objects.filter(incident=incident)
        .select_related("actor")
        .order_by("-at", "-id")[:TIMELINE_LIMIT]
    )
    tasks = list(incident.tasks.select_related("assignee", "completed_by").order_by("order", "id"))
    evidence = list(
        Evidence.objects.filter(incident=incident)
        .select_related("uploaded_by")
        .prefetch_related(
            Prefetch("custody", queryset=CustodyEntry.objects.select_related("actor"))
        )
    )
    rectifications = list(
        incident.rectifications.select_related("owner", "verified_by").order_by("due_at", "id")
    )
    decisions = list(incident.grade_decisions.select_related("decided_by", "criterion_set"))
    comments = list(incident.comments.select_related("author"))
    deadlines = list(_deadlines(incident))
    proposal = None
    if incident.status != Incident.Status.CLOSED:
        ticked = set(incident.qualitative_criteria.values_list("pk", flat=True))
        proposal = grading.propose(incident=incident, systems=systems, ticked_ids=ticked)
    return {
        "incident": incident,
        "systems": systems,
        "timeline": timeline,
        "tasks": tasks,
        "evidence": evidence,
        "rectifications": rectifications,
        "decisions": decisions,
        "comments": comments,
        "deadlines": deadlines,
        "proposal": proposal,
        "now": timezone.now(),
    }


def _deadlines(incident):
    from deadlines import services as deadline_services

    return deadline_services.deadlines_for(incident).select_related("owner", "kind")


def timeline_for(*, user, incident_pk):
    return (
        TimelineEntry.objects.visible_to(user)
        .filter(incident_id=incident_pk)
        .select_related("actor")
        .order_by("-at", "-id")
    )


def concern_list(*, user, state=None):
    qs = Concern.objects.visible_to(user).select_related("reporter", "incident", "triaged_by")
    if state:
        qs = qs.filter(state=state)
    return qs


def is_triager(user) -> bool:
    return bool(
        user_roles(user) & {Role.INCIDENT_HANDLER, Role.COMPLIANCE_OFFICER, Role.ADMINISTRATOR}
    )


def my_rectifications(*, user):
    return (
        RectificationItem.objects.visible_to(user)
        .filter(owner=user)
        .select_related("incident")
        .order_by("state", "due_at")
    )
