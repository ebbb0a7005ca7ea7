"""Report documents carry the firm's identity from the firm profile officers keep: 报告单位 and
联系人及电话 (a name and a phone number, never an e-mail address)."""

import pytest

from accounts import firm as core_services
from accounts.policy import PolicyDenied
from core.errors import ApplicationError
from core.models import FirmProfile
from reporting import services
from reporting.content import DEFAULT_TEMPLATE_BODY
from reporting.documents import render_blocks
from reporting.models import RegulatoryReport

from .conftest import NON_CII, grade

pytestmark = pytest.mark.django_db

CITIC = "914403001017814402"


@pytest.fixture
def profile(officer):
    return core_services.firm_profile_update(
        actor=officer,
        name="中信证券股份有限公司",
        credit_code=CITIC.lower(),
        address="广东省深圳市福田区中心三路8号",
        regulator_branch="深圳证监局",
        contact_name="周联络",
        contact_phone="0755-23835888",
    )


def cac_initial(cii_incident, handler):
    incident = grade(cii_incident(**NON_CII), "III", handler)
    return RegulatoryReport.objects.get(incident=incident, recipient="cac", stage="initial")


def test_profile_fills_reporting_unit_and_contact_in_the_document(
    profile, cii_incident, handler, officer2
):
    assert profile.credit_code == CITIC  # typed in lower case, kept in upper case
    report = cac_initial(cii_incident, handler)
    assert report.content["unit"] == "中信证券股份有限公司"
    assert report.content["contact"] == "周联络 0755-23835888"
    services.report_update(report=report, content={"measures": "切换"}, actor=handler)
    services.report_request_approval(report=report, actor=handler)
    version = services.report_approve(report=report, actor=officer2)
    blocks = render_blocks(DEFAULT_TEMPLATE_BODY, version.snapshot)
    rows = dict(row for block in blocks if block.kind == "table" for row in block.rows)
    assert rows["报告单位"] == "中信证券股份有限公司"
    assert rows["联系人及电话"] == "周联络 0755-23835888"


def test_without_a_profile_the_contact_is_never_an_email_address(cii_incident, handler, settings):
    settings.SITE_NAME = ""
    report = cac_initial(cii_incident, handler)
    assert "@" not in report.content["contact"]
    assert report.content["contact"] == "李处置"
    assert report.content["unit"] == ""


def test_only_officers_edit_the_profile_and_codes_are_checked(officer, handler):
    with pytest.raises(PolicyDenied):
        core_services.firm_profile_update(actor=handler, name="某公司")
    with pytest.raises(ApplicationError):
        core_services.firm_profile_update(
            actor=officer, name="某公司", credit_code="914403001017814403"
        )
    core_services.firm_profile_update(actor=officer, name="甲证券")
    core_services.firm_profile_update(actor=officer, name="乙证券")
    assert list(FirmProfile.objects.values_list("name", flat=True)) == ["乙证券"]  # one row
