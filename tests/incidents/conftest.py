from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Department
from accounts.roles import Role
from incidents import services
from incidents.models import Incident
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _own_close_blockers(monkeypatch):
    """These tests check the incident's own closing rules. Other apps veto closing through the
    registry (reporting: a report to a regulator still owed); tests/reporting covers that."""
    from incidents import closing

    monkeypatch.setattr(closing, "_blockers", [])


@pytest.fixture
def other_department(db):
    return Department.objects.create(name="经纪业务部", code="brokerage")


@pytest.fixture
def outsider_handler(db, other_department):
    """A handler of another team: sees none of the IT team's cases."""
    return make_user("handler3", Role.INCIDENT_HANDLER, department=other_department)


@pytest.fixture
def make_incident(db, handler):
    def _make(actor=None, **kwargs):
        actor = actor or handler
        values = {
            "title": "客户数据疑似泄露",
            "category": Incident.Category.DATA_SECURITY,
            "source": Incident.Source.INTERNAL,
            "discovered_at": timezone.now() - timedelta(hours=2),
            "assignee": actor,
            "actor": actor,
        }
        values.update(kwargs)
        return services.incident_create(**values)

    return _make


@pytest.fixture
def incident(make_incident):
    return make_incident()


@pytest.fixture
def make_user_staff2(db, department):
    return make_user("staff2", Role.STAFF, department=department)
