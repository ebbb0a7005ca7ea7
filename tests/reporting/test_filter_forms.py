"""The risk-intelligence filter and the metrics year come from form classes: a bad value is
ignored (the page shows everything, or this year), never a 500, and the chosen value stays."""

import pytest
from django.utils import timezone

from reporting.models import RiskIntelligence

pytestmark = pytest.mark.django_db


def test_intelligence_filter_keeps_its_choice_and_ignores_nonsense(client_for, officer):
    client = client_for(officer)
    body = client.get("/reporting/intelligence/", {"status": "closed"}).content.decode()
    assert '<option value="closed" selected>' in body
    assert 'name="status"' in body and 'class="form-select' in body
    assert client.get("/reporting/intelligence/", {"status": "nonsense"}).status_code == 200
    assert RiskIntelligence.Status.CLOSED == "closed"


def test_metrics_year_field_shows_the_year_and_ignores_nonsense(client_for, officer):
    client = client_for(officer)
    year = timezone.localdate().year
    body = client.get("/reporting/metrics/", {"year": "abc"}).content.decode()
    assert f'name="year" value="{year}"' in body
    body = client.get("/reporting/metrics/", {"year": "2025"}).content.decode()
    assert 'name="year" value="2025"' in body and "2025" in body


def test_report_list_filter_keeps_its_choice_and_ignores_nonsense(client_for, officer):
    client = client_for(officer)
    body = client.get("/reporting/", {"status": "approved"}).content.decode()
    assert '<option value="approved" selected>' in body
    assert client.get("/reporting/", {"status": "nonsense"}).status_code == 200


def test_agreement_list_and_dashboard_filters_come_from_their_forms(client_for, officer):
    client = client_for(officer)
    body = client.get("/governance/agreements/", {"status": "active"}).content.decode()
    assert '<option value="active" selected>' in body
    assert client.get("/governance/agreements/", {"status": "nonsense"}).status_code == 200
    year = timezone.localdate().year
    body = client.get("/governance/", {"year": str(year)}).content.decode()
    assert f'<option value="{year}" selected>' in body
    assert 'name="year"' in body and "data-autosubmit" in body
