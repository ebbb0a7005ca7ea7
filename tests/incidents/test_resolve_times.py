"""Marking a case resolved asks the handler when it was contained and when it was resolved:
nothing is assumed to have happened "now" (issue 18: the button silently set both)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import ApplicationError
from incidents import services
from incidents.models import Incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def handling(incident, handler):
    services.incident_grade(incident=incident, actor=handler)
    services.incident_start_handling(incident=incident, actor=handler)
    return incident


def test_the_service_refuses_to_assume_the_resolution_time(handling, handler):
    with pytest.raises(ApplicationError):
        services.incident_resolve(incident=handling, actor=handler)
    handling.refresh_from_db()
    assert handling.status == Incident.Status.HANDLING
    assert handling.resolved_at is None and handling.contained_at is None


def test_the_service_refuses_to_assume_the_containment_time(handling, handler):
    with pytest.raises(ApplicationError, match="contained"):
        services.incident_resolve(
            incident=handling, actor=handler, resolved_at=timezone.now() - timedelta(minutes=5)
        )
    handling.refresh_from_db()
    assert handling.status == Incident.Status.HANDLING and handling.contained_at is None


def test_the_stated_times_are_kept(handling, handler):
    contained = timezone.now() - timedelta(minutes=50)
    resolved = timezone.now() - timedelta(minutes=10)
    services.incident_resolve(
        incident=handling, actor=handler, contained_at=contained, resolved_at=resolved
    )
    handling.refresh_from_db()
    assert (handling.contained_at, handling.resolved_at) == (contained, resolved)


def test_a_containment_recorded_earlier_need_not_be_stated_again(handling, handler):
    contained = timezone.now() - timedelta(minutes=50)
    services.incident_update(incident=handling, actor=handler, contained_at=contained)
    services.incident_resolve(
        incident=handling, actor=handler, resolved_at=timezone.now() - timedelta(minutes=1)
    )
    handling.refresh_from_db()
    assert handling.contained_at == contained


def test_the_page_form_asks_for_both_times(handling, client_for, handler):
    client = client_for(handler)
    html = client.get(
        reverse("incidents:action-form", args=[handling.pk, "resolve"]) + "?fragment=1"
    ).content.decode()
    assert 'name="contained_at"' in html and 'name="resolved_at"' in html
    assert "Contained at" in html and "Resolved at" in html

    # Posting without the times refuses and changes nothing.
    client.post(reverse("incidents:transition", args=[handling.pk, "resolve"]))
    handling.refresh_from_db()
    assert handling.status == Incident.Status.HANDLING

    # Beijing wall-clock times as the handler types them.
    contained = timezone.localtime(timezone.now() - timedelta(minutes=40))
    resolved = timezone.localtime(timezone.now() - timedelta(minutes=5))
    client.post(
        reverse("incidents:transition", args=[handling.pk, "resolve"]),
        {
            "contained_at": contained.strftime("%Y-%m-%dT%H:%M"),
            "resolved_at": resolved.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    handling.refresh_from_db()
    assert handling.status == Incident.Status.RESOLVED
    got = timezone.localtime(handling.contained_at).strftime("%Y-%m-%d %H:%M")
    assert got == contained.strftime("%Y-%m-%d %H:%M")
    got = timezone.localtime(handling.resolved_at).strftime("%Y-%m-%d %H:%M")
    assert got == resolved.strftime("%Y-%m-%d %H:%M")
