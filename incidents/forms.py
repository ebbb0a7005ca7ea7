from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from accounts.roles import Role
from core.uploads import UploadValidator

from . import fields as editable
from .bulk import STATUS_MOVES, TAG_MAX
from .models import (
    EVIDENCE_KINDS,
    AffectedSystem,
    Concern,
    Grade,
    GradingCriterion,
    Incident,
    IncidentTask,
    TimelineEntry,
)

DT = {"type": "datetime-local"}


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def handler_choices():
    return User.objects.filter(
        is_active=True,
        groups__name__in=[Role.INCIDENT_HANDLER, Role.COMPLIANCE_OFFICER],
    ).distinct()


class IncidentForm(forms.ModelForm):
    class Meta:
        model = Incident
        # The page's order: what and where from first.
        fields = [
            "title",
            "category",
            *editable.INCIDENT_AT_CREATION,
            *(f for f in editable.INCIDENT if f not in ("title", "category")),
        ]
        widgets = {
            "occurred_at": DateTimeInput(),
            "discovered_at": DateTimeInput(),
            "contained_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "title": {"required": _("Enter a title.")},
            "discovered_at": {"required": _("Enter when the incident was discovered.")},
            "category": {"required": _("Choose the incident category.")},
            "source": {"required": _("Choose where the incident came from.")},
        }

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = handler_choices()
        self.fields["team"].queryset = Department.objects.all()
        for name in ("occurred_at", "discovered_at", "contained_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if editing:
            del self.fields["source"]  # the source (and drill flag) is fixed at creation
        else:
            del self.fields["contained_at"]


class AffectedSystemForm(forms.ModelForm):
    """One row of the affected-systems table: compact Bootstrap inputs, labelled for screen
    readers by the table's headings."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select form-select-sm"
            else:
                widget.attrs["class"] = "form-control form-control-sm"
            widget.attrs.setdefault("aria-label", str(field.label))


SystemFormSet = inlineformset_factory(
    Incident,
    AffectedSystem,
    form=AffectedSystemForm,
    fields=list(editable.AFFECTED_SYSTEM),
    extra=2,
    can_delete=True,
)


def systems_from(formset) -> list[dict]:
    return [
        {k: v for k, v in f.cleaned_data.items() if k not in ("id", "incident", "DELETE")}
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("name")
    ]


class GradeForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices, required=False)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when overriding the proposal or regrading."),
    )
    qualitative = forms.ModelMultipleChoiceField(
        label=_("Qualitative criteria that apply"),
        queryset=GradingCriterion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qualitative"].queryset = GradingCriterion.objects.filter(
            fact=GradingCriterion.Fact.QUALITATIVE, criterion_set__state="active"
        )


class TimelineForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (k, label)
            for k, label in TimelineEntry.Kind.choices
            if k
            in (
                TimelineEntry.Kind.NOTE,
                TimelineEntry.Kind.ACTION,
                TimelineEntry.Kind.CONTAINMENT,
                TimelineEntry.Kind.COMMUNICATION,
            )
        ],
    )
    at = forms.DateTimeField(
        label=_("Time"),
        required=False,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    text = forms.CharField(
        label=_("What happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Enter the timeline text.")},
    )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=User.objects.none(), required=False
    )
    due_at = forms.DateTimeField(
        label=_("Due at"),
        required=False,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = handler_choices()


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Enter a comment.")},
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"), validators=[UploadValidator(kinds=EVIDENCE_KINDS)])
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class CustodyForm(forms.Form):
    note = forms.CharField(
        label=_("Hand-over (to whom, why)"),
        max_length=500,
        error_messages={"required": _("Describe the hand-over (to whom, why).")},
    )


class RectificationForm(forms.Form):
    title = forms.CharField(label=_("What must be rectified"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    # The page offers the case's team and the handlers; anyone else is named by username (a
    # firm has thousands of staff: no page lists them all).
    owner_username = forms.CharField(
        label=_("Or another person's username"), max_length=150, required=False
    )
    due_at = forms.DateTimeField(
        label=_("Due at"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        username = (data.pop("owner_username", "") or "").strip()
        if username:
            owner = User.objects.filter(is_active=True, username__iexact=username).first()
            if owner is None:
                self.add_error(
                    "owner_username",
                    _("No active user is called “%(username)s”.") % {"username": username},
                )
            data["owner"] = owner
        elif not data.get("owner") and "owner" not in self.errors:
            self.add_error("owner", _("Choose the owner of the rectification item."))
        return data


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RectificationDoneForm(NoteForm):
    """Completing a rectification item: what was done (the service refuses an empty note with
    the same words), and a file as evidence if there is one. My rectification items shows one
    per open item: `auto_id=f"id_r{item.pk}_%s"` keeps their ids apart and the posted names
    (note, file) those the incident page's form posts."""

    note = forms.CharField(
        label=_("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Describe what was done.")},
    )
    file = forms.FileField(
        label=_("Evidence"), required=False, validators=[UploadValidator(kinds=EVIDENCE_KINDS)]
    )


class ResolveForm(forms.Form):
    """Marking a case resolved: the handler states when it was contained and resolved (the
    handling target and the reports are timed from these; nothing is assumed to be "now")."""

    contained_at = forms.DateTimeField(
        label=_("Contained at"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("When the harm stopped spreading (access cut, system isolated)."),
    )
    resolved_at = forms.DateTimeField(
        label=_("Resolved at"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("When service and data were back to normal."),
    )


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _(
                "Write the summary: facts, handling, cause, grade, responsibility and remediation."
            )
        },
    )


class ConcernForm(forms.ModelForm):
    class Meta:
        model = Concern
        fields = list(editable.CONCERN)
        widgets = {
            "observed_at": DateTimeInput(),
            "details": forms.Textarea(attrs={"rows": 5}),
            "confidentiality": forms.RadioSelect,
        }
        error_messages = {"summary": {"required": _("Say briefly what you noticed.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["observed_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        # Not chosen: a named report, as before the channel offered the other two.
        self.fields["confidentiality"].required = False

    def clean_confidentiality(self):
        return self.cleaned_data.get("confidentiality") or Concern.Confidentiality.NAMED


class PromoteForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Incident.Category.choices)
    title = forms.CharField(label=_("Incident title"), max_length=200, required=False)
    outcome = forms.CharField(
        label=_("Message to the reporter"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CloseConcernForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the reporter)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reporter a reason for closing the concern.")},
    )


# --- the list's filters and the bulk toolbars (GET filters and small action forms) ----------------


class IncidentFilterForm(forms.Form):
    """The incident list's filters (GET; the query parameters' names are the fields'). The
    choices come from the view, which has them already (per-language label tables, the handlers
    read once), so the form adds no query."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Reference or title"),
                "class": "form-control-sm",
            }
        ),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    grade = forms.ChoiceField(label=_("Grade"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    overdue = forms.BooleanField(
        label=_("Overdue only"),
        required=False,
        # The parameter reads overdue=1, as links and bookmarks made before this form do.
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )

    def __init__(self, *args, statuses=(), grades=(), categories=(), assignees=(), **kwargs):
        kwargs.setdefault("auto_id", "f-%s")
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *statuses]
        self.fields["grade"].choices = [("", _("All grades")), ("none", _("Not graded")), *grades]
        self.fields["category"].choices = [("", _("All categories")), *categories]
        self.fields["assignee"].choices = [("", _("Anyone")), *((str(i), n) for i, n in assignees)]
        for name in ("status", "grade", "category", "assignee"):
            self.fields[name].widget.attrs["class"] = "form-select-sm"

    def filters(self) -> dict[str, str]:
        """The filters as the selector takes them (strings; "" when not set). A value the form
        refuses is said under its field and still passed on as given, so the list answers as it
        always did (no rows for an unknown status, 400 for an assignee that is not a number)."""
        self.is_valid()  # cleaned_data then holds the fields that are valid
        data = {**{k: self.data.get(k, "") for k in self.errors}, **self.cleaned_data}
        out = {k: str(data.get(k) or "") for k in ("status", "grade", "category", "assignee")}
        out["q"] = str(data.get("q") or "").strip()
        out["overdue"] = "1" if data.get("overdue") else ""
        return out


class _AssigneeForm(forms.Form):
    """Assign the ticked rows: any active user is accepted (the service checks who may take
    the work); the select offers the handlers the view passes in. The toolbar's other buttons
    post the same HTML form: no field of it may be required in the browser."""

    use_required_attribute = False

    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        queryset=User.objects.filter(is_active=True),
        empty_label=_("Assign to…"),
        error_messages={
            "required": _("Choose who to assign to."),
            "invalid_choice": _("Choose who to assign to."),
        },
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["assignee"].widget
        widget.choices = [("", _("Assign to…")), *choices]
        widget.attrs.update({"class": "form-select form-select-sm", "aria-label": _("Assignee")})


class BulkAssignForm(_AssigneeForm):
    """The incident list's bulk toolbar: assign the ticked cases."""


class TaskBulkAssignForm(_AssigneeForm):
    """The incident page's task toolbar: assign the ticked tasks."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_task_%s")
        super().__init__(*args, **kwargs)


class BulkTagForm(forms.Form):
    """The incident list's bulk toolbar: tag the ticked cases (the service says what is wrong
    with an empty or a long tag)."""

    use_required_attribute = False

    tag = forms.CharField(
        label=_("Tag"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].widget.attrs.update(
            {"maxlength": TAG_MAX, "placeholder": _("Tag"), "aria-label": _("Tag")}
        )


class BulkStatusForm(forms.Form):
    """The incident list's bulk toolbar: move the ticked cases to a status."""

    use_required_attribute = False

    status = forms.ChoiceField(
        label=_("Status"),
        error_messages={
            "required": _("Choose a status the list can move cases to."),
            "invalid_choice": _("Choose a status the list can move cases to."),
        },
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(v, label) for v, (_s, label) in STATUS_MOVES.items()]
        self.fields["status"].widget.attrs["aria-label"] = _("Status")


class TaskBulkStateForm(forms.Form):
    """The incident page's task toolbar: set the ticked tasks' state."""

    use_required_attribute = False

    state = forms.ChoiceField(
        label=_("State"),
        error_messages={
            "required": _("Choose a valid task state."),
            "invalid_choice": _("Choose a valid task state."),
        },
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_task_%s")
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = IncidentTask.State.choices
        self.fields["state"].widget.attrs["aria-label"] = _("State")


class ConcernFilterForm(forms.Form):
    """The concern queue's filter (GET ?state=; the submitted ones when none is asked for)."""

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=Concern.State.choices,
        widget=forms.Select(attrs={"class": "form-select-sm w-auto", "data-autosubmit": ""}),
    )

    def state_or_default(self) -> str:
        valid = self.is_valid() and self.cleaned_data["state"]
        return self.cleaned_data["state"] if valid else Concern.State.SUBMITTED
