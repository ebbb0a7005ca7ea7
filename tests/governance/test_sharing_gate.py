"""The pre-share gate: each refusal names its rule; level and tier come from the catalogue; the
approval matrix and bulk thresholds decide who approves; the §1 c2 assessment comes first."""

import datetime

import pytest
from django.utils import timezone

from governance.models import (
    ApprovalRule,
    BulkThreshold,
    CatalogueItem,
    CooperationAgreement,
    SharingRequest,
)
from governance.services import catalogue as catalogue_services
from governance.services.sharing_gate import (
    GateRefusal,
    sharing_request_assess,
    sharing_request_create,
    sharing_request_decide,
)

from .sharing_fixtures import ROWS, request_fields, workbook

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def refused(rule, actor, **fields):
    with pytest.raises(GateRefusal) as caught:
        sharing_request_create(actor=actor, **fields)
    assert caught.value.rule == rule
    assert f"“{rule}”" in caught.value.message
    assert not SharingRequest.objects.exists()
    return caught.value


def test_level_and_tier_are_derived_from_the_items(catalogue, active_agreement, requester):
    request = sharing_request_create(
        actor=requester,
        **request_fields(active_agreement, [catalogue["JY-001"], catalogue["KH-002"]]),
    )
    # JY-001 is level 2 internal, KH-002 level 3 restricted: the request is the stricter.
    assert (request.data_level, request.sharing_tier) == (3, "restricted")
    assert request.matched_rule.code == "l3"
    assert request.state == SharingRequest.State.PENDING
    assert request.required_approvers == ["data_authority"]
    assert request.assessment_required


def test_public_level_one_is_approved_at_once(catalogue, active_agreement, requester):
    request = sharing_request_create(
        actor=requester, **request_fields(active_agreement, [catalogue["GG-001"]])
    )
    assert request.state == SharingRequest.State.APPROVED
    assert request.matched_rule.code == "public-l1-regular"


def test_bulk_threshold_replaces_the_tick_box(catalogue, active_agreement, requester):
    threshold = BulkThreshold.objects.get(data_level=2).records
    small = sharing_request_create(
        actor=requester,
        **request_fields(active_agreement, [catalogue["JY-001"]], record_count=threshold - 1),
    )
    big = sharing_request_create(
        actor=requester,
        **request_fields(active_agreement, [catalogue["JY-001"]], record_count=threshold),
    )
    assert not small.is_bulk and small.matched_rule.code == "default"
    assert big.is_bulk and big.matched_rule.code == "bulk"
    assert big.required_approvers == ["data_authority", "compliance"]


def test_level_four_is_never_approved_automatically(
    catalogue, wide_agreement, requester, handler, controller, officer2
):
    request = sharing_request_create(
        actor=requester, **request_fields(wide_agreement, [catalogue["KH-001"]])
    )
    assert request.matched_rule.code == "strict-tier"
    assert request.required_approvers == ["data_authority", "data_controller", "compliance"]
    with pytest.raises(Exception, match="security assessment"):
        sharing_request_decide(actor=handler, request=request, approve=True)
    sharing_request_assess(
        actor=handler,
        request=request,
        purpose="监管报送必需",
        scope="仅证件号，合规",
        method="专线加密接口",
        duties="接收方不得留存",
        conclusion="可共享",
    )
    request = sharing_request_decide(actor=handler, request=request, approve=True)
    assert request.state == SharingRequest.State.PENDING
    with pytest.raises(Exception, match="Data controller"):
        sharing_request_decide(actor=officer2, request=request, approve=True)
    sharing_request_decide(actor=controller, request=request, approve=True)
    request = sharing_request_decide(actor=officer2, request=request, approve=True)
    assert request.state == SharingRequest.State.APPROVED
    assert [a.approver for a in request.approvals.all()] == [
        "data_authority",
        "data_controller",
        "compliance",
    ]


def test_approver_refusal_names_the_approver(catalogue, active_agreement, requester, handler):
    request = sharing_request_create(
        actor=requester, **request_fields(active_agreement, [catalogue["JY-001"]])
    )
    request = sharing_request_decide(
        actor=handler, request=request, approve=False, comment="用途不明确"
    )
    assert request.state == SharingRequest.State.REFUSED
    assert request.refused_rule == "approver:data_authority"


def test_requester_cannot_approve_own_request(catalogue, active_agreement, handler):
    request = sharing_request_create(
        actor=handler, **request_fields(active_agreement, [catalogue["JY-001"]])
    )
    with pytest.raises(Exception, match="cannot approve"):
        sharing_request_decide(actor=handler, request=request, approve=True)


# --- every refusal rule -----------------------------------------------------------------


def test_refused_agreement_missing(catalogue, requester):
    refused("agreement-missing", requester, **request_fields(None, [catalogue["JY-001"]]))


def test_refused_no_items(catalogue, active_agreement, requester):
    refused("no-items", requester, **request_fields(active_agreement, []))


def test_refused_items_not_in_force(catalogue, active_agreement, requester, officer):
    draft = catalogue_services.catalogue_import(
        actor=officer, content=workbook(ROWS), file_name="v2.xlsx", title="草稿"
    )
    item = CatalogueItem.objects.get(version=draft, code="JY-001")
    refused("items-not-in-force", requester, **request_fields(active_agreement, [item]))


def test_refused_period_order(catalogue, active_agreement, requester):
    fields = request_fields(
        active_agreement, [catalogue["JY-001"]], valid_until=TODAY - datetime.timedelta(days=1)
    )
    refused("period-order", requester, **fields)


def test_refused_volume(catalogue, active_agreement, requester):
    refused(
        "volume",
        requester,
        **request_fields(active_agreement, [catalogue["JY-001"]], record_count=0),
    )


def test_refused_purpose(catalogue, active_agreement, requester):
    refused(
        "purpose", requester, **request_fields(active_agreement, [catalogue["JY-001"]], purpose=" ")
    )


def test_refused_post_share_duties(catalogue, active_agreement, requester):
    fields = request_fields(active_agreement, [catalogue["JY-001"]], post_share_duties="")
    refused("post-share-duties", requester, **fields)


def test_refused_cross_border_without_legal_basis(catalogue, active_agreement, requester):
    fields = request_fields(active_agreement, [catalogue["JY-001"]], cross_border=True)
    refused("cross-border-basis", requester, **fields)
    fields["cross_border_legal_basis"] = "《数据出境安全评估办法》评估通过（编号 X）"
    request = sharing_request_create(actor=requester, **fields)
    assert request.cross_border and "数据出境" in request.cross_border_legal_basis


def test_refused_agreement_suspended(catalogue, active_agreement, requester, officer):
    CooperationAgreement.objects.filter(pk=active_agreement.pk).update(
        suspended_at=timezone.now(), suspension_reason="合作方数据泄露"
    )
    active_agreement.refresh_from_db()
    refused(
        "agreement-suspended", requester, **request_fields(active_agreement, [catalogue["JY-001"]])
    )


def test_refused_agreement_not_in_force(catalogue, make_agreement, counterparty, requester):
    expired = make_agreement(
        counterparty,
        starts_on=TODAY - datetime.timedelta(days=400),
        ends_on=TODAY - datetime.timedelta(days=1),
    )
    refused("agreement-not-in-force", requester, **request_fields(expired, [catalogue["JY-001"]]))


def test_refused_outside_agreement_term(catalogue, active_agreement, requester):
    fields = request_fields(
        active_agreement,
        [catalogue["JY-001"]],
        valid_until=active_agreement.ends_on + datetime.timedelta(days=1),
    )
    refused("agreement-term", requester, **fields)


def test_refused_agreement_level(catalogue, active_agreement, requester):
    # active_agreement covers level 3; KH-001 is level 4.
    refused("agreement-level", requester, **request_fields(active_agreement, [catalogue["KH-001"]]))


def test_refused_agreement_tier(catalogue, make_agreement, counterparty, requester):
    internal_only = make_agreement(
        counterparty,
        starts_on=TODAY - datetime.timedelta(days=1),
        ends_on=TODAY + datetime.timedelta(days=300),
        level=4,
        tier="internal",
    )
    refused("agreement-tier", requester, **request_fields(internal_only, [catalogue["KH-002"]]))


def test_refused_agreement_area(catalogue, active_agreement, requester):
    fields = request_fields(active_agreement, [catalogue["JY-001"]], area="uncontrolled")
    refused("agreement-area", requester, **fields)


def test_refused_uncontrolled_without_special_assessment(catalogue, wide_agreement, requester):
    CooperationAgreement.objects.filter(pk=wide_agreement.pk).update(special_assessment="")
    wide_agreement.refresh_from_db()
    fields = request_fields(wide_agreement, [catalogue["JY-001"]], area="uncontrolled")
    refused("uncontrolled-special-assessment", requester, **fields)


def test_refused_agreement_non_plaintext(catalogue, wide_agreement, requester):
    fields = request_fields(wide_agreement, [catalogue["JY-001"]], encrypted=False)
    refused("agreement-non-plaintext", requester, **fields)


def test_refused_uncontrolled_plaintext(catalogue, wide_agreement, requester):
    CooperationAgreement.objects.filter(pk=wide_agreement.pk).update(non_plaintext_only=False)
    wide_agreement.refresh_from_db()
    fields = request_fields(
        wide_agreement, [catalogue["JY-001"]], area="uncontrolled", encrypted=False
    )
    refused("uncontrolled-plaintext", requester, **fields)


def test_refused_by_a_matrix_row(catalogue, wide_agreement, requester):
    fields = request_fields(wide_agreement, [catalogue["KH-001"]], area="uncontrolled")
    error = refused("l4-uncontrolled", requester, **fields)
    assert "非可控区域" in error.message


def test_refused_when_no_matrix_row_matches(catalogue, active_agreement, requester):
    ApprovalRule.objects.update(active=False)
    refused("no-matrix-rule", requester, **request_fields(active_agreement, [catalogue["JY-001"]]))


def test_matrix_is_data_an_officer_edits(catalogue, active_agreement, requester):
    rule = ApprovalRule.objects.get(code="default")
    assert rule.source and rule.marker in "CQS"
    rule.approvers = ["compliance"]
    rule.save()
    request = sharing_request_create(
        actor=requester, **request_fields(active_agreement, [catalogue["JY-001"]])
    )
    assert request.required_approvers == ["compliance"]
