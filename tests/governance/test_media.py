"""The register of sharing media (三(四) 1 a1–a5, 非可控区域 a): checks on the deadline engine, use
requests, handover confirmed by both parties, disposal with a witness and a hashed certificate."""

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile

from core.errors import ApplicationError, NotPermitted
from deadlines.models import Deadline
from deadlines.services import deadlines_for
from governance.models import MediumCheck, MediumHandover, MediumUseRequest, SharingMedium
from governance.services import media as services
from security import files

from .depth_fixtures import catalogue  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

CERT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="certificate.pdf", body=CERT):
    return ContentFile(body, name=name)


@pytest.fixture
def medium(officer, handler):
    return services.medium_register(
        actor=officer,
        name="加密移动硬盘 A",
        kind=SharingMedium.Kind.ENCRYPTED_DRIVE,
        serial_number="SN-001",
        custodian=handler,
        max_level=3,
        has_independent_security=True,
        backup_note="同步备份至机房加密存储",
        check_interval_days=90,
    )


def open_deadlines(subject, kind):
    return deadlines_for(subject, kind=kind).filter(state__in=Deadline.ACTIVE_STATES)


def test_registering_schedules_the_first_check_for_the_custodian(medium, handler):
    (deadline,) = open_deadlines(medium, services.MEDIUM_CHECK_KIND)
    assert deadline.owner == handler
    assert medium.reference.startswith("MED-") and medium.next_check_due == (
        datetime.date.today() + datetime.timedelta(days=90)
    )


def test_a_medium_outside_the_controlled_area_needs_the_liability_agreement(officer, handler):
    fields = dict(
        name="第三方专线",
        kind=SharingMedium.Kind.WIRED,
        custodian=handler,
        area="uncontrolled",
        ownership="third_party",
        owner_name="某通信公司",
        max_level=2,
        backup_note="备用线路",
    )
    with pytest.raises(ApplicationError, match="liability agreement"):
        services.medium_register(actor=officer, **fields)
    medium = services.medium_register(
        actor=officer, liability_agreement=pdf("liability.pdf"), **fields
    )
    assert medium.liability_agreement_sha256 == hashlib.sha256(CERT).hexdigest()


def test_no_medium_without_a_backup_choice(officer, handler):
    with pytest.raises(ApplicationError, match="backup"):
        services.medium_register(
            actor=officer, name="光盘", kind="optical", custodian=handler, max_level=2
        )


def test_only_officers_register(handler):
    with pytest.raises(NotPermitted):
        services.medium_register(
            actor=handler, name="x", kind="other", custodian=handler, max_level=1, backup_note="b"
        )


def test_a_check_meets_the_deadline_and_schedules_the_next(medium, handler, officer):
    first = open_deadlines(medium, services.MEDIUM_CHECK_KIND).get()
    with pytest.raises(ApplicationError, match="found"):
        services.medium_check_record(medium=medium, actor=handler, result="findings")
    services.medium_check_record(
        medium=medium, actor=handler, result="findings", findings="外壳有划痕，加密正常"
    )
    first.refresh_from_db()
    assert first.state == Deadline.State.MET
    (second,) = open_deadlines(medium, services.MEDIUM_CHECK_KIND)
    assert second.pk != first.pk
    assert MediumCheck.objects.get(medium=medium).findings == "外壳有划痕，加密正常"


def test_use_request_approval_and_return(medium, staff, officer, handler, catalogue):  # noqa: F811
    today = datetime.date.today()
    with pytest.raises(ApplicationError, match="up to level 3 only: CUS001 客户身份信息"):
        services.medium_use_request(
            medium=medium,
            actor=handler,
            purpose="报送",
            items=[catalogue["clients"], catalogue["trades"]],
            needed_from=today,
            return_by=today,
        )
    request = services.medium_use_request(
        medium=medium,
        actor=handler,
        purpose="向交易所报送",
        items=[catalogue["trades"]],
        needed_from=today,
        return_by=today + datetime.timedelta(days=2),
    )
    for nobody in (handler, staff):
        with pytest.raises(NotPermitted):
            services.medium_use_approve(use_request=request, actor=nobody)
    services.medium_use_approve(use_request=request, actor=officer)
    medium.refresh_from_db()
    assert medium.state == SharingMedium.State.IN_USE
    assert request.data_level == 3  # derived from the items, never typed
    (due,) = open_deadlines(request, services.MEDIUM_RETURN_KIND)
    assert due.owner == handler
    services.medium_use_return(use_request=request, actor=handler, condition="完好")
    medium.refresh_from_db()
    request.refresh_from_db()
    assert medium.state == SharingMedium.State.IN_STORE
    assert request.state == MediumUseRequest.State.RETURNED
    assert not open_deadlines(request, services.MEDIUM_RETURN_KIND).exists()


def test_nobody_approves_their_own_use(medium, officer, catalogue):  # noqa: F811
    today = datetime.date.today()
    request = services.medium_use_request(
        medium=medium,
        actor=officer,
        purpose="报送",
        items=[catalogue["news"]],
        needed_from=today,
        return_by=today,
    )
    with pytest.raises(ApplicationError, match="own request"):
        services.medium_use_approve(use_request=request, actor=officer)


def test_handover_passes_the_right_of_use_only_when_the_receiver_confirms(
    medium, handler, handler2, officer, staff
):
    handover = services.medium_handover_start(
        medium=medium, actor=handler, to_user=handler2, reason="岗位调整"
    )
    # The custodian's own start is the giver's confirmation; the medium is still theirs.
    assert handover.from_confirmed_at is not None and handover.to_confirmed_at is None
    medium.refresh_from_db()
    assert medium.custodian == handler
    with pytest.raises(NotPermitted):
        services.medium_handover_confirm(handover=handover, actor=staff)
    with pytest.raises(ApplicationError, match="already confirmed"):
        services.medium_handover_confirm(handover=handover, actor=handler)

    services.medium_handover_confirm(handover=handover, actor=handler2)
    handover.refresh_from_db()
    medium.refresh_from_db()
    assert handover.state == MediumHandover.State.COMPLETED
    assert medium.custodian == handler2
    # The open check deadline follows the medium to its new custodian.
    assert open_deadlines(medium, services.MEDIUM_CHECK_KIND).get().owner == handler2


def test_an_officer_started_handover_needs_both_parties(medium, handler, handler2, officer):
    handover = services.medium_handover_start(
        medium=medium, actor=officer, to_user=handler2, reason="保管人离岗"
    )
    assert handover.from_confirmed_at is None
    services.medium_handover_confirm(handover=handover, actor=handler2)
    medium.refresh_from_db()
    assert medium.custodian == handler  # the giver has not confirmed yet
    services.medium_handover_confirm(handover=handover, actor=handler)
    medium.refresh_from_db()
    assert medium.custodian == handler2


def test_a_declined_handover_leaves_the_custodian(medium, handler, handler2):
    handover = services.medium_handover_start(
        medium=medium, actor=handler, to_user=handler2, reason="调岗"
    )
    services.medium_handover_decline(handover=handover, actor=handler2, comment="不在本部门")
    handover.refresh_from_db()
    medium.refresh_from_db()
    assert handover.state == MediumHandover.State.DECLINED and medium.custodian == handler


def test_disposal_needs_a_witness_and_keeps_the_certificate_hash(
    medium, officer, officer2, handler
):
    with pytest.raises(ApplicationError, match="witness"):
        services.medium_dispose(
            medium=medium, actor=officer, method="消磁并物理粉碎", witness=None, certificate=pdf()
        )
    with pytest.raises(ApplicationError, match="someone other"):
        services.medium_dispose(
            medium=medium, actor=officer, method="消磁", witness=officer, certificate=pdf()
        )
    with pytest.raises(ApplicationError, match="certificate"):
        services.medium_dispose(
            medium=medium, actor=officer, method="消磁", witness=officer2, certificate=None
        )
    with pytest.raises(NotPermitted):
        services.medium_dispose(
            medium=medium, actor=handler, method="消磁", witness=officer2, certificate=pdf()
        )

    services.medium_dispose(
        medium=medium, actor=officer, method="消磁并物理粉碎", witness=officer2, certificate=pdf()
    )
    medium.refresh_from_db()
    assert medium.state == SharingMedium.State.DISPOSED
    assert medium.disposal_witness == officer2 and medium.disposed_by == officer
    assert medium.disposal_certificate_sha256 == hashlib.sha256(CERT).hexdigest()
    with medium.disposal_certificate.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == medium.disposal_certificate_sha256
    assert files.url_for(medium, "disposal_certificate").startswith("/files/")
    assert not open_deadlines(medium, services.MEDIUM_CHECK_KIND).exists()
    with pytest.raises(ApplicationError, match="disposed"):
        services.medium_check_record(medium=medium, actor=handler, result="passed")


def test_a_medium_lent_out_is_not_disposed_of(medium, officer, officer2, handler, catalogue):  # noqa: F811
    today = datetime.date.today()
    request = services.medium_use_request(
        medium=medium,
        actor=handler,
        purpose="报送",
        items=[catalogue["news"]],
        needed_from=today,
        return_by=today,
    )
    services.medium_use_approve(use_request=request, actor=officer)
    with pytest.raises(ApplicationError, match="lent out"):
        services.medium_dispose(
            medium=medium, actor=officer, method="粉碎", witness=officer2, certificate=pdf()
        )
