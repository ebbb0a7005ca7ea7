import pytest
from django.utils import translation

from training.models import Topic

pytestmark = pytest.mark.django_db


def test_catalogue_is_shipped_in_simplified_chinese():
    with translation.override("zh-hans"):
        assert str(Topic.INCIDENT_HANDLING.label) == "事件处置流程"
    with translation.override("en"):
        assert str(Topic.INCIDENT_HANDLING.label) == "Incident-handling procedures"


def test_my_trainings_page_in_chinese_by_default(staff, client_for):
    page = client_for(staff).get("/training/").content.decode()
    assert "我的培训" in page
    assert ">我的培训</h1>" in page
