from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Department, JobRole, User

from . import fields as editable
from .models import Course, CourseMaterial, Drill, DrillObjective, Question, Topic, TrainingPlan

ANSWER_MAX = 300  # Choice.text


class PlanForm(forms.ModelForm):
    class Meta:
        model = TrainingPlan
        fields = list(editable.PLAN)


class CourseForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("Topics covered"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    audience_roles = forms.ModelMultipleChoiceField(
        label=_("Job roles"),
        queryset=JobRole.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    audience_departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    audience_users = forms.ModelMultipleChoiceField(
        label=_("Individuals"),
        queryset=User.objects.filter(is_active=True),
        required=False,
    )

    class Meta:
        model = Course
        fields = list(editable.COURSE)
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}


class MaterialForm(forms.ModelForm):
    class Meta:
        model = CourseMaterial
        fields = ["kind", "title", "file", "url", "body"]


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Question.Kind.choices)
    answers = forms.CharField(
        label=_("Answers"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One answer per line; start each correct answer with an asterisk (*)."),
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def clean_answers(self):
        answers = self.cleaned_data["answers"]
        if any(len(line.strip().lstrip("*").strip()) > ANSWER_MAX for line in answers.splitlines()):
            raise forms.ValidationError(
                _("Each answer can have at most %(limit)d characters."),
                code="max_length",
                params={"limit": ANSWER_MAX},
            )
        return answers

    def choices(self):
        out = []
        for line in self.cleaned_data["answers"].splitlines():
            line = line.strip()
            if line:
                out.append((line.lstrip("*").strip(), line.startswith("*")))
        return out


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How useful was this course? (1 = not at all, 5 = very)"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label=pgettext_lazy("feedback", "Comments"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class EvaluationForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Conclusion"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    improvements = forms.CharField(
        label=_("Improvements for next year"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class DrillForm(forms.ModelForm):
    objectives = forms.CharField(
        label=_("Objectives"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: the objective, a vertical bar (|), then its success criteria."),
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=User.objects.filter(is_active=True)
    )
    observers = forms.ModelMultipleChoiceField(
        label=_("Observers"), queryset=User.objects.filter(is_active=True), required=False
    )

    class Meta:
        model = Drill
        fields = [
            "year",
            "title",
            "scenario",
            "drill_type",
            "incident_category",
            "incident_grade",
            "scheduled_at",
            "coordinator",
            "participants",
            "observers",
            "plan_version",
        ]
        widgets = {"scheduled_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def __init__(self, *args, **kwargs):
        from incidents.models import EmergencyPlanVersion

        super().__init__(*args, **kwargs)
        self.fields["plan_version"].queryset = EmergencyPlanVersion.objects.filter(
            state=EmergencyPlanVersion.State.IN_FORCE
        ).select_related("plan")
        self.fields["plan_version"].required = False

    def objective_pairs(self):
        pairs = []
        for line in self.cleaned_data["objectives"].splitlines():
            if line.strip():
                desc, _sep, criteria = line.partition("|")
                pairs.append((desc.strip(), criteria.strip()))
        return pairs


class ObjectiveResultForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[c for c in DrillObjective.Result.choices if c[0] != "not_assessed"],
    )
    notes = forms.CharField(
        label=_("Observations"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class FindingForm(forms.Form):
    description = forms.CharField(
        label=_("Finding"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    objective = forms.ModelChoiceField(
        label=_("Objective"), queryset=DrillObjective.objects.none(), required=False
    )
    owner = forms.ModelChoiceField(
        label=_("Rectification owner"), queryset=User.objects.filter(is_active=True)
    )
    due_at = forms.DateTimeField(
        label=_("Rectify by"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    plan_change = forms.CharField(
        label=_("Proposed change to the emergency plan"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: listed in the change list of the plan's next version."),
    )

    def __init__(self, *args, drill=None, **kwargs):
        super().__init__(*args, **kwargs)
        if drill is not None:
            self.fields["objective"].queryset = drill.objectives.all()


class DrillCompleteForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    lessons = forms.CharField(
        label=_("Lessons learned"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
