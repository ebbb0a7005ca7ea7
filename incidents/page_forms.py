"""The incident page's action forms, rendered from the form classes in `incidents.forms`.

The page itself carries no form fields: each action is a link to `incidents:action-form`, which
renders the form on demand (opened in place by static/js/app.js, or as a page of its own without
script). The form posts to the action's own view, which validates with the same form class.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from core.errors import ApplicationError

from . import forms, grading
from .models import Evidence, Incident, RectificationItem


def _open(incident, item) -> bool:
    return incident.status != Incident.Status.CLOSED


def _always(incident, item) -> bool:
    return True


def _grade_initial(form, incident, item):
    try:
        proposal = grading.propose(incident=incident)
    except ApplicationError:  # no active criteria set: the form still opens
        proposal = None
    form.initial["grade"] = proposal.grade if proposal else incident.grade
    form.initial["qualitative"] = list(incident.qualitative_criteria.values_list("pk", flat=True))


def _resolve_initial(form, incident, item):
    form.initial["contained_at"] = incident.contained_at


def _summary_initial(form, incident, item):
    form.initial["summary"] = incident.summary


def _owner_choices(form, incident, item):
    """The case's team and the handlers; anyone else is named by username (a firm has
    thousands of staff: no form lists them all)."""
    handles = Exists(
        User.groups.through.objects.filter(
            user_id=OuterRef("pk"),
            group__name__in=[Role.INCIDENT_HANDLER, Role.COMPLIANCE_OFFICER],
        )
    )
    form.fields["owner"].queryset = (
        User.objects.filter(is_active=True)
        .filter(Q(handles) | Q(department_id=incident.team_id or 0))
        .order_by("username", "id")
    )


@dataclass(frozen=True)
class PageForm:
    title: Any  # what the link on the page and the form's heading say
    form_class: type
    submit: Any
    url: Any  # (incident, item) -> the URL the form posts to
    applies: Any = _open  # (incident, item) -> whether the case offers this action now
    item: str = ""  # "evidence" or "rectification": a form for one row of the page
    multipart: bool = False
    prepare: Any = None  # (form, incident, item): initial values, narrower choices
    item_states: tuple = field(default=())


def _transition(action):
    return lambda incident, item: reverse("incidents:transition", args=[incident.pk, action])


def _incident_url(name):
    return lambda incident, item: reverse(name, args=[incident.pk])


def _rectification_url(action):
    return lambda incident, item: reverse("incidents:rectification-action", args=[item.pk, action])


PAGE_FORMS = {
    "resolve": PageForm(
        _("Mark resolved"),
        forms.ResolveForm,
        _("Mark resolved"),
        _transition("resolve"),
        applies=lambda incident, item: incident.status == Incident.Status.HANDLING,
        prepare=_resolve_initial,
    ),
    "summary": PageForm(
        _("Write the summary"),
        forms.SummaryForm,
        _("Save summary"),
        _transition("summarise"),
        applies=lambda incident, item: incident.status == Incident.Status.RESOLVED,
        prepare=_summary_initial,
    ),
    "grade": PageForm(
        _("Grade"),
        forms.GradeForm,
        _("Record the grade"),
        _incident_url("incidents:grade"),
        prepare=_grade_initial,
    ),
    "task": PageForm(
        _("Add task"), forms.TaskForm, _("Add task"), _incident_url("incidents:task-add")
    ),
    "timeline": PageForm(
        _("Add entry"), forms.TimelineForm, _("Add entry"), _incident_url("incidents:timeline-add")
    ),
    "evidence": PageForm(
        _("Upload evidence"),
        forms.EvidenceForm,
        _("Upload"),
        _incident_url("incidents:evidence-upload"),
        multipart=True,
    ),
    "custody": PageForm(
        _("Record a hand-over"),
        forms.CustodyForm,
        _("Record"),
        lambda incident, item: reverse("incidents:custody-add", args=[item.pk]),
        applies=_always,
        item="evidence",
    ),
    "rectification": PageForm(
        _("Add rectification item"),
        forms.RectificationForm,
        _("Add item"),
        _incident_url("incidents:rectification-add"),
        prepare=_owner_choices,
    ),
    "complete": PageForm(
        _("Mark done"),
        forms.RectificationDoneForm,
        _("Mark done"),
        _rectification_url("complete"),
        applies=_always,
        item="rectification",
        multipart=True,
        item_states=(RectificationItem.State.OPEN,),
    ),
    "verify": PageForm(
        _("Verify"),
        forms.NoteForm,
        _("Verify"),
        _rectification_url("verify"),
        applies=_always,
        item="rectification",
        item_states=(RectificationItem.State.DONE,),
    ),
    "reject": PageForm(
        _("Send back"),
        forms.NoteForm,
        _("Send back"),
        _rectification_url("reject"),
        applies=_always,
        item="rectification",
        item_states=(RectificationItem.State.DONE,),
    ),
    "comment": PageForm(
        _("Comment"),
        forms.CommentForm,
        _("Comment"),
        _incident_url("incidents:comment-add"),
        applies=_always,
    ),
}

_ITEMS = {"evidence": Evidence, "rectification": RectificationItem}


def build(name: str, incident, item_pk=None):
    """(spec, unbound form, row object or None, the URL it posts to) for one action of this
    case; 404 for an action the case does not offer now."""
    from django.http import Http404

    spec = PAGE_FORMS.get(name)
    if spec is None or bool(spec.item) != (item_pk is not None):
        raise Http404
    item = None
    if spec.item:
        item = get_object_or_404(_ITEMS[spec.item], pk=item_pk, incident=incident)
        if spec.item_states and item.state not in spec.item_states:
            raise Http404
    if not spec.applies(incident, item):
        raise Http404
    form = spec.form_class(auto_id=f"id_{name}_%s")
    if spec.prepare:
        spec.prepare(form, incident, item)
    return spec, form, item, spec.url(incident, item)
