import datetime as dt

import pytest
from django.utils import timezone

from accounts.roles import Role
from governance import services as governance_services
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def leader(db, department):
    """The plan's responsible leader (a compliance officer holding the compliance-head role)."""
    user = make_user(
        "leader", Role.COMPLIANCE_OFFICER, department=department, display_name="张领导"
    )
    governance_services.contact_role_assign(
        role="compliance_head",
        holder=user,
        valid_from=timezone.localdate() - dt.timedelta(days=1),
        actor=user,
    )
    return user
