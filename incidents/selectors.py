"""Reads. Every read goes through `visible_to(user)` (accounts.policy)."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from accounts.people import NAME_FIELDS, name_fields, name_from_row
from accounts.policy import can_see
from accounts.roles import Role
from core.labels import choice_labels
from core.params import whole_number
from core.prepared import PreparedQuery, Row, model_fields, to_instance
from deadlines.selectors import deadline_rows_for

from . import grading
from .models import (
    AffectedSystem,
    Comment,
    Concern,
    CustodyEntry,
    Evidence,
    Grade,
    GradeDecision,
    GradingCriterion,
    GradingCriterionSet,
    Incident,
    IncidentTask,
    RectificationItem,
    SourceStatus,
    SystemCategory,
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
        qs = qs.filter(assignee_id=whole_number(filters, "assignee"))
    if filters.get("source"):
        qs = qs.filter(source=filters["source"])
    if filters.get("drill") in ("0", "no", False):
        qs = qs.real()
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(reference__icontains=q) | Q(title__icontains=q))
    if filters.get("overdue") in ("1", "yes", True, "true"):
        qs = qs.filter(_overdue_q(timezone.now())).exclude(status=Incident.Status.CLOSED)
    return qs.order_by(*list_order(filters.get("sort")))


# The list's sortable columns (`sort=reference`, `sort=-discovered_at`); newest discovery first
# otherwise. Each ends on the id so that pages never overlap.
SORTS = {
    "reference": ("year", "number", "id"),
    "title": ("title", "id"),
    "grade": ("grade", "id"),
    "status": ("status", "id"),
    "discovered_at": ("discovered_at", "id"),
}


def list_order(sort) -> tuple:
    sort = (sort or "").strip()
    key = sort.lstrip("-")
    if key not in SORTS:
        return ("-discovered_at", "-id")
    columns = SORTS[key]
    return tuple(f"-{c}" for c in columns) if sort.startswith("-") else columns


LIST_ROW_FIELDS = (
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
    "assignee_id",
    *name_fields("assignee"),
    "team_id",
    "team__name",
)


def incident_list_rows(*, user, filters=None):
    """`incident_list` as plain rows (the list API's page of 50: no model instances)."""
    return incident_list(user=user, filters=filters).values(*LIST_ROW_FIELDS)


def incident_get(*, user, pk) -> Incident:
    return get_object_or_404(
        Incident.objects.visible_to(user).select_related(
            "assignee", "team", "created_by", "counterparty", "agreement", "response_plan"
        ),
        pk=pk,
    )


def incident_page(*, user, pk) -> dict:
    """Everything the incident page shows: the case, then its lists as rows from prepared
    queries (compiled once per process, see core.prepared) on one cursor, a fixed number of
    reads."""
    with connections[router.db_for_read(Incident)].cursor() as cursor:
        incident = _page_incident(user, pk, cursor)
        return _page_lists(incident, cursor)


def _page_lists(incident, cursor) -> dict:
    ids = {"incident": incident.pk, "cursor": cursor}
    labels = choice_labels(SystemCategory)
    systems = _SYSTEMS.rows(**ids)
    for s in systems:
        s["category_label"] = labels.get(s["category"], s["category"])

    labels = choice_labels(TimelineEntry.Kind)
    timeline = _TIMELINE.rows(**ids)
    for e in timeline:
        e["actor_name"] = name_from_row(e, "actor")
        e["kind_label"] = labels.get(e["kind"], e["kind"])

    now = timezone.now()
    kinds, states = choice_labels(IncidentTask.Kind), choice_labels(IncidentTask.State)
    tasks = _TASKS.rows(**ids)
    for t in tasks:
        t["assignee_name"] = name_from_row(t, "assignee")
        t["kind_label"] = kinds.get(t["kind"], t["kind"])
        t["state_label"] = states.get(t["state"], t["state"])
        t["is_overdue"] = t["state"] == IncidentTask.State.OPEN and bool(
            t["due_at"] and t["due_at"] < now
        )

    labels = choice_labels(CustodyEntry.Action)
    custody: dict[int, list] = {}
    for c in _CUSTODY.rows(**ids):
        c["actor_name"] = name_from_row(c, "actor")
        c["action_label"] = labels.get(c["action"], c["action"])
        custody.setdefault(c["evidence_id"], []).append(c)
    labels = choice_labels(Evidence.Integrity)
    evidence = _EVIDENCE.rows(**ids)
    for e in evidence:
        e["uploaded_by_name"] = name_from_row(e, "uploaded_by")
        e["integrity_label"] = labels.get(e["integrity"], e["integrity"])
        e["custody"] = custody.get(e["id"], [])

    labels = choice_labels(RectificationItem.State)
    rectifications = _RECTIFICATIONS.rows(**ids)
    for r in rectifications:
        r["owner_name"] = name_from_row(r, "owner")
        r["verified_by_name"] = name_from_row(r, "verified_by")
        r["state_label"] = labels.get(r["state"], r["state"])

    decisions = _DECISIONS.rows(**ids)
    for d in decisions:
        d["decided_by_name"] = name_from_row(d, "decided_by")

    comments = _COMMENTS.rows(**ids)
    for c in comments:
        c["author_name"] = name_from_row(c, "author")

    proposal, qualitative, ticked = None, [], set()
    if incident.status != Incident.Status.CLOSED:
        ticked = {r["gradingcriterion_id"] for r in _TICKED.rows(**ids)}
        criteria = _ACTIVE_CRITERIA.rows(cursor=cursor)
        if criteria:
            labels = choice_labels(SourceStatus)
            for c in criteria:
                c["pk"] = c["id"]
                c["source_status_label"] = labels.get(c["source_status"], c["source_status"])
            criterion_set = Row(
                id=criteria[0]["criterion_set_id"], version=criteria[0]["criterion_set__version"]
            )
            proposal = grading.propose(
                incident=incident,
                criterion_set=criterion_set,
                criteria=criteria,
                systems=systems,
                ticked_ids=ticked,
            )
            qualitative = [c for c in criteria if c["fact"] == GradingCriterion.Fact.QUALITATIVE]
    return {
        "incident": incident,
        "systems": systems,
        "timeline": timeline,
        "tasks": tasks,
        "evidence": evidence,
        "rectifications": rectifications,
        "decisions": decisions,
        "comments": comments,
        "deadlines": deadline_rows_for(incident, cursor=cursor),
        "proposal": proposal,
        "qualitative_criteria": qualitative,
        "ticked_criteria": ticked,
        "now": now,
    }


def _page_incident(user, pk, cursor=None) -> Incident:
    """The case as a model instance, read by a prepared query and checked with the same
    visibility rule as every list (a case the user may not see is a 404, as elsewhere)."""
    rows = _PAGE_INCIDENT.rows(pk=pk, cursor=cursor) if str(pk).isdigit() else []
    if not rows:
        raise Http404
    row = rows[0]
    incident = to_instance(Incident, row)
    if not can_see(user, incident):
        raise Http404
    incident.assignee_name = name_from_row(row, "assignee")
    incident.team_name = row["team__name"] or ""
    return incident


def people_choices(*, team_id=None) -> dict:
    """The select options of the page's forms, as (id, name) pairs from one read: handlers
    (task assignee), and handlers plus the case team's members (rectification owner; anyone
    else is named by username, as a firm's whole staff is too long a list for a page)."""
    handlers, owners = [], []
    for r in _PEOPLE.rows(team=team_id or 0):
        pair = (r["id"], name_from_row(r))
        owners.append(pair)
        if r["handles"]:
            handlers.append(pair)
    return {"handlers": handlers, "owners": owners}


# Prepared reads of the incident page (compiled once per process and database).

_PAGE_INCIDENT = PreparedQuery(
    lambda pk: Incident.objects.filter(pk=pk).values(
        *model_fields(Incident), *name_fields("assignee"), "team__name"
    ),
    "pk",
)
_SYSTEMS = PreparedQuery(
    lambda incident: (
        AffectedSystem.objects.filter(incident_id=incident)
        .order_by("id")
        .values(
            "name",
            "category",
            "is_cii",
            "outage_minutes",
            "main_function_outage_minutes",
            "system_class",
            "abnormality_percent",
            "abnormality_minutes",
        )
    ),
    "incident",
)
_TIMELINE = PreparedQuery(
    lambda incident: (
        TimelineEntry.objects.filter(incident_id=incident)
        .order_by("-at", "-id")
        .values("at", "kind", "text", *name_fields("actor"))[:TIMELINE_LIMIT]
    ),
    "incident",
)
_TASKS = PreparedQuery(
    lambda incident: (
        IncidentTask.objects.filter(incident_id=incident)
        .order_by("order", "id")
        .values("id", "title", "kind", "state", "due_at", *name_fields("assignee"))
    ),
    "incident",
)
_EVIDENCE = PreparedQuery(
    lambda incident: (
        Evidence.objects.filter(incident_id=incident)
        .order_by("-uploaded_at", "-id")
        .values(
            "id",
            "original_name",
            "description",
            "size",
            "sha256",
            "uploaded_at",
            "integrity",
            *name_fields("uploaded_by"),
        )
    ),
    "incident",
)
_CUSTODY = PreparedQuery(
    lambda incident: (
        CustodyEntry.objects.filter(evidence__incident_id=incident)
        .order_by("evidence_id", "at", "id")
        .values("evidence_id", "at", "action", "note", *name_fields("actor"))
    ),
    "incident",
)
_RECTIFICATIONS = PreparedQuery(
    lambda incident: (
        RectificationItem.objects.filter(incident_id=incident)
        .order_by("due_at", "id")
        .values(
            "id",
            "title",
            "completion_note",
            "due_at",
            "state",
            "verified_at",
            *name_fields("owner"),
            *name_fields("verified_by"),
        )
    ),
    "incident",
)
_DECISIONS = PreparedQuery(
    lambda incident: (
        GradeDecision.objects.filter(incident_id=incident)
        .order_by("-decided_at", "-id")
        .values(
            "decided_at",
            "old_grade",
            "grade",
            "proposed_grade",
            "overridden",
            "reason",
            "matched",
            "criterion_set__version",
            *name_fields("decided_by"),
        )
    ),
    "incident",
)
_COMMENTS = PreparedQuery(
    lambda incident: (
        Comment.objects.filter(incident_id=incident)
        .order_by("created_at", "id")
        .values("body", "created_at", *name_fields("author"))
    ),
    "incident",
)
_TICKED = PreparedQuery(
    lambda incident: Incident.qualitative_criteria.through.objects.filter(
        incident_id=incident
    ).values("gradingcriterion_id"),
    "incident",
)
_ACTIVE_CRITERIA = PreparedQuery(
    lambda: (
        GradingCriterion.objects.filter(criterion_set__state=GradingCriterionSet.State.ACTIVE)
        .order_by("order", "id")
        .values(
            "id",
            "criterion_set_id",
            "criterion_set__version",
            "grade",
            "fact",
            "operator",
            "threshold",
            "system_category",
            "cii_only",
            "conditions",
            "is_active",
            "source_repealed",
            "description",
            "source",
            "source_status",
            "order",
        )
    )
)
_PEOPLE = PreparedQuery(
    lambda team: (
        User.objects.filter(is_active=True)
        .annotate(
            handles=Exists(
                User.groups.through.objects.filter(
                    user_id=OuterRef("pk"),
                    group__name__in=[Role.INCIDENT_HANDLER, Role.COMPLIANCE_OFFICER],
                )
            )
        )
        .filter(Q(handles=True) | Q(department_id=team))
        .order_by("username", "id")
        .values("id", *NAME_FIELDS, "handles")
    ),
    "team",
)


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


def my_rectifications(*, user):
    return (
        RectificationItem.objects.visible_to(user)
        .filter(owner=user)
        .select_related("incident")
        .order_by("state", "due_at")
    )


# --- the home's panels (core.home) ---------------------------------------------------------------

HOME_LIMIT = 10


def case_deadline_clocks(incident_ids: list[int]) -> list:
    """incidents.clocks source: the engine's deadlines on the cases themselves (handling
    targets and the like), one read."""
    from deadlines.models import Deadline

    from .clocks import CaseClock

    ct = ContentType.objects.get_for_model(Incident)
    rows = (
        Deadline.objects.filter(content_type=ct, object_id__in=incident_ids)
        .exclude(state=Deadline.State.CANCELLED)
        .values("object_id", "title", "due_at", "state", "url")
    )
    states = choice_labels(Deadline.State)
    return [
        CaseClock(
            incident_id=r["object_id"],
            title=r["title"],
            due_at=r["due_at"],
            url=r["url"],
            done=r["state"] not in Deadline.ACTIVE_STATES,
            status=states.get(r["state"], r["state"]),
            status_code=r["state"],
            section="case",
        )
        for r in rows
    ]


def my_open_cases(*, user, limit: int = HOME_LIMIT) -> list:
    """The user's open cases, the one whose nearest clock runs out first on top (cases with
    no running clock after, newest first). Each case carries `clock`, its nearest open clock."""
    from . import clocks

    cases = list(
        Incident.objects.visible_to(user)
        .filter(assignee=user)
        .exclude(status=Incident.Status.CLOSED)
        .only("id", "reference", "title", "status", "grade", "discovered_at")
        .order_by("-discovered_at", "-id")[:200]
    )
    found = clocks.clocks_for([c.pk for c in cases])
    for case in cases:
        case.clock = clocks.nearest(found.get(case.pk, []))
    far = timezone.now() + timedelta(days=36500)
    cases.sort(key=lambda c: c.clock.due_at if c.clock and c.clock.due_at else far)
    return cases[:limit]


def my_open_tasks(*, user, limit: int = 6) -> list:
    return list(
        IncidentTask.objects.filter(assignee=user, state=IncidentTask.State.OPEN)
        .filter(incident__in=Incident.objects.visible_to(user).values("pk"))
        .select_related("incident")
        .only("id", "title", "due_at", "incident__id", "incident__reference")
        .order_by("due_at", "id")[:limit]
    )


def my_open_rectifications(*, user, limit: int = HOME_LIMIT) -> list:
    return list(
        my_rectifications(user=user)
        .filter(state__in=RectificationItem.OPEN_STATES)
        .order_by("due_at", "id")[:limit]
    )


def my_recent_concerns(*, user, limit: int = 5) -> list:
    return list(
        Concern.objects.filter(reporter=user)
        .select_related("incident")
        .order_by("-created_at", "-id")[:limit]
    )


def incidents_by_grade(*, user, year: int) -> list[dict]:
    """Real cases discovered in `year` per grade (ungraded as its own row), for the chart."""
    from django.db.models import Count

    counts = dict(
        Incident.objects.visible_to(user)
        .real()
        .filter(discovered_at__year=year)
        .values_list("grade")
        .annotate(n=Count("id"))
        .values_list("grade", "n")
    )
    from django.utils.translation import gettext

    rows = [
        {"grade": g, "label": gettext("Grade %(grade)s") % {"grade": g}, "n": counts.get(g, 0)}
        for g in Grade.values
    ]
    rows.append({"grade": "", "label": gettext("Not graded"), "n": counts.get("", 0)})
    return rows
