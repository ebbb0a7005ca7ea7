"""Each entity's editable fields are declared once (the app's fields.py); the page form, the API
serializer and the service take them from there. This fails when one of them drifts."""

import inspect

import pytest

from governance import api as governance_api
from governance import fields as governance_fields
from governance import forms as governance_forms
from governance import services as governance_services
from incidents import api as incidents_api
from incidents import fields as incidents_fields
from incidents import forms as incidents_forms
from incidents import services as incidents_services
from reporting import api as reporting_api
from reporting import fields as reporting_fields
from reporting import forms as reporting_forms
from reporting import services as reporting_services
from training import fields as training_fields
from training import forms as training_forms
from training import services as training_services

INC, R, G = incidents_fields, reporting_fields, governance_fields


def form_fields(form_class) -> set[str]:
    return set(form_class.base_fields)


def writable(serializer_class) -> set[str]:
    return {name for name, f in serializer_class().fields.items() if not f.read_only}


def keywords(service, *, besides=("actor",)) -> set[str]:
    params = inspect.signature(service).parameters.values()
    return {p.name for p in params if p.kind is p.KEYWORD_ONLY} - set(besides)


FORMS = {
    "incident": (incidents_forms.IncidentForm, {*INC.INCIDENT, *INC.INCIDENT_AT_CREATION}),
    "affected system": (incidents_forms.SystemFormSet.form, set(INC.AFFECTED_SYSTEM)),
    "task": (incidents_forms.TaskForm, set(INC.TASK)),
    "concern": (incidents_forms.ConcernForm, set(INC.CONCERN)),
    "notice": (reporting_forms.NoticeForm, {*R.NOTICE, *R.NOTICE_FILE}),
    "notice handling": (reporting_forms.NoticeHandlingForm, set(R.NOTICE_HANDLING)),
    "intelligence": (reporting_forms.IntelligenceForm, set(R.INTELLIGENCE)),
    "sharing registration": (governance_forms.RegistrationForm, set(G.REGISTRATION)),
    "training plan": (training_forms.PlanForm, set(training_fields.PLAN)),
    "course": (training_forms.CourseForm, set(training_fields.COURSE)),
}

SERIALIZERS = {
    "incident": (
        incidents_api.IncidentWriteSerializer,
        {*INC.INCIDENT, *INC.INCIDENT_AT_CREATION, "affected_systems"},
    ),
    "affected system": (incidents_api.AffectedSystemSerializer, set(INC.AFFECTED_SYSTEM)),
    "task": (incidents_api.TaskSerializer, {*INC.TASK, *INC.TASK_WORKFLOW}),
    "concern": (incidents_api.ConcernSerializer, set(INC.CONCERN)),
    "notice": (
        reporting_api.NoticeSerializer,
        {*R.NOTICE, *R.NOTICE_HANDLING, *R.NOTICE_LINKS},
    ),
    "intelligence": (
        reporting_api.IntelligenceSerializer,
        {*R.INTELLIGENCE, *R.INTELLIGENCE_LINKS},
    ),
    "sharing registration": (governance_api.RegistrationSerializer, set(G.REGISTRATION)),
}


@pytest.mark.parametrize("entity", sorted(FORMS))
def test_the_page_form_takes_the_declared_fields(entity):
    form_class, declared = FORMS[entity]
    assert form_fields(form_class) == declared


@pytest.mark.parametrize("entity", sorted(SERIALIZERS))
def test_the_api_writes_the_declared_fields(entity):
    serializer_class, declared = SERIALIZERS[entity]
    assert writable(serializer_class) == declared


def test_the_services_take_the_declared_fields():
    assert set(incidents_services.EDITABLE_FIELDS) == set(INC.INCIDENT)
    assert keywords(incidents_services.task_create, besides=("actor", "incident")) == set(INC.TASK)
    assert keywords(incidents_services.concern_submit, besides=("reporter",)) == set(INC.CONCERN)
    assert keywords(governance_services.sharing_registration_create) == set(G.REGISTRATION)
    assert keywords(reporting_services.notice_create) >= set(R.NOTICE)
    assert keywords(training_services.plan_create) == set(training_fields.PLAN)
    assert keywords(training_services.course_create, besides=("actor", "plan")) == set(
        training_fields.COURSE
    )


def test_an_undeclared_field_is_refused_by_the_service(db, officer):
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        reporting_services.intelligence_create(actor=officer, status="closed")
