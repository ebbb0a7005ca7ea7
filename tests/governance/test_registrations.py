import datetime
import io

import pytest
from django.db import connection, transaction
from openpyxl import load_workbook

from accounts.models import Department
from core.errors import ApplicationError
from governance import services
from governance.models import SharingLogEntry, SharingRegistration

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def register(actor, counterparty, agreement, **extra):
    fields = dict(
        counterparty=counterparty,
        agreement=agreement,
        dataset="客户交易流水",
        purpose="风险监测",
        data_level=2,
        sharing_tier="internal",
        actor=actor,
    )
    fields.update(extra)
    return services.sharing_registration_create(**fields)


def test_covered_share_is_approved_and_logged(active_agreement, counterparty, handler):
    r = register(handler, counterparty, active_agreement)
    assert r.state == SharingRegistration.State.APPROVED
    (entry,) = SharingLogEntry.objects.all()
    assert entry.agreement_reference == active_agreement.reference
    assert entry.counterparty_name == counterparty.name


def test_refused_without_agreement(counterparty, handler):
    with pytest.raises(ApplicationError, match="without a cooperation agreement"):
        register(handler, counterparty, None)
    assert not SharingRegistration.objects.exists()


def test_refused_against_expired_agreement(make_agreement, counterparty, handler):
    expired = make_agreement(
        counterparty,
        starts_on=TODAY - datetime.timedelta(days=400),
        ends_on=TODAY - datetime.timedelta(days=1),
    )
    with pytest.raises(ApplicationError, match="not in force"):
        register(handler, counterparty, expired)
    assert not SharingLogEntry.objects.exists()


def test_refused_when_level_or_tier_not_covered(make_agreement, counterparty, handler):
    narrow = make_agreement(
        counterparty,
        starts_on=TODAY - datetime.timedelta(days=1),
        ends_on=TODAY + datetime.timedelta(days=300),
        level=2,
        tier="internal",
    )
    with pytest.raises(ApplicationError, match="level 2; this dataset is level 3"):
        register(handler, counterparty, narrow, data_level=3)
    with pytest.raises(ApplicationError, match="Sharing refused"):
        register(handler, counterparty, narrow, sharing_tier="restricted")
    # The same level and a looser tier are covered.
    assert register(handler, counterparty, narrow, sharing_tier="public").state == "approved"


def test_refused_when_agreement_is_with_someone_else(active_agreement, other_counterparty, handler):
    with pytest.raises(ApplicationError, match="is not with"):
        register(handler, other_counterparty, active_agreement)


def test_strictly_restricted_needs_data_authority_department(
    make_agreement, counterparty, handler, staff, officer
):
    agreement = make_agreement(
        counterparty,
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=300),
        level=4,
        tier="strict",
        owner=staff,  # a share is registered under an agreement the requester may see
    )
    r = register(staff, counterparty, agreement, data_level=4, sharing_tier="strict")
    assert r.state == SharingRegistration.State.AWAITING_AUTHORITY
    assert not SharingLogEntry.objects.exists()
    outside = Department.objects.create(name="经纪业务部", code="brokerage", kind="data_source")
    officer.department = outside
    officer.save()
    with pytest.raises(ApplicationError, match="data-authority department"):
        services.sharing_registration_authority_approve(registration=r, actor=officer)
    # handler's department (fixture) is the data-authority department.
    services.sharing_registration_authority_approve(registration=r, actor=handler)
    assert r.state == SharingRegistration.State.APPROVED
    assert SharingLogEntry.objects.get().authority_approved_by.startswith(str(handler))


def test_bulk_one_time_share_is_flagged_for_compliance_approval(
    active_agreement, counterparty, handler, officer2
):
    with pytest.raises(ApplicationError, match="number of records"):
        register(handler, counterparty, active_agreement, is_bulk_one_time=True)
    r = register(handler, counterparty, active_agreement, is_bulk_one_time=True, record_count=50000)
    assert r.state == SharingRegistration.State.AWAITING_APPROVAL
    assert not SharingLogEntry.objects.exists()
    with pytest.raises(ApplicationError, match="compliance officer"):
        services.sharing_registration_approve(registration=r, actor=handler)
    services.sharing_registration_approve(registration=r, actor=officer2)
    entry = SharingLogEntry.objects.get()
    assert entry.is_bulk_one_time and entry.record_count == 50000


def test_sharing_log_is_append_only(active_agreement, counterparty, handler):
    register(handler, counterparty, active_agreement)
    entry = SharingLogEntry.objects.get()
    entry.dataset = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        SharingLogEntry.objects.all().update(dataset="x")
    if connection.vendor == "postgresql":
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE governance_sharinglogentry SET dataset = 'x'")


def test_auditor_filters_and_exports_the_log(
    make_agreement, active_agreement, counterparty, other_counterparty, handler, auditor, client_for
):
    other = make_agreement(
        other_counterparty, starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=100)
    )
    register(handler, counterparty, active_agreement, dataset="数据甲")
    register(handler, other_counterparty, other, dataset="数据乙", data_level=1)
    client = client_for(auditor)
    page = client.get("/governance/sharing-log/", {"counterparty": counterparty.pk})
    assert "数据甲" in page.content.decode() and "数据乙" not in page.content.decode()
    csv = client.get("/governance/sharing-log/", {"data_level": 1, "format": "csv"})
    text = csv.content.decode("utf-8-sig")
    assert "数据乙" in text and "数据甲" not in text
    xlsx = client.get("/governance/sharing-log/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3
    api = client.get("/api/governance/sharing-log/", {"counterparty": other_counterparty.pk})
    assert api.json()["count"] == 1
    # Auditors never register shares.
    r = client.post(
        "/api/governance/registrations/",
        {
            "counterparty": counterparty.pk,
            "agreement": active_agreement.pk,
            "dataset": "x",
            "purpose": "x",
            "data_level": 1,
            "sharing_tier": "public",
            "planned_on": TODAY,
        },
    )
    assert r.status_code == 403


def test_refusal_shows_on_the_page_and_in_the_api(
    make_agreement, counterparty, handler, client_for
):
    narrow = make_agreement(
        counterparty,
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=30),
        level=1,
        tier="public",
    )
    client = client_for(handler)
    data = {
        "counterparty": counterparty.pk,
        "agreement": narrow.pk,
        "dataset": "d",
        "purpose": "p",
        "data_level": 3,
        "sharing_tier": "public",
        "planned_on": TODAY.isoformat(),
    }
    page = client.post("/governance/registrations/", data)
    assert page.status_code == 200
    html = page.content.decode()
    # the refusal is a form error, shown above the form (crispy's alert) and the form kept open
    assert (
        "alert-danger" in html
        and narrow.reference in html
        and '<details class="card mb-3" open>' in html
    )
    api = client.post("/api/governance/registrations/", data)
    assert api.status_code == 400 and narrow.reference in api.json()["detail"]
    assert not SharingRegistration.objects.exists()


def test_refusal_message_ships_in_simplified_chinese(counterparty, handler):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ApplicationError) as exc:
        register(handler, counterparty, None)
    assert "未签订合作协议" in str(exc.value.message)
