"""The pre-share gate: a sharing request is checked against its agreement (coverage, term,
suspension, area, non-plaintext duty), the cross-border rule and the approval matrix; the first
matching matrix row decides who must approve and whether the §1 c2 security assessment is
required. Every refusal names the rule that refused (`GateRefusal.rule`)."""

import datetime
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from audit.context import acting_as
from core.errors import ApplicationError
from notifications.events import localized, notify_event

from ..models import (
    ApprovalRule,
    Approver,
    BulkThreshold,
    CatalogueItem,
    ContactRole,
    ContactRoleAssignment,
    CooperationAgreement,
    SharingApproval,
    SharingArea,
    SharingMethod,
    SharingRequest,
    SharingTier,
    today_local,
)
from ..sharing_events import SHARING_REQUEST_WAITING
from .common import _full_clean, _next_reference
from .sharing import _is_data_authority

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class GateRefusal(ApplicationError):
    """The gate refused; `rule` is the code of the check or matrix row that refused."""

    def __init__(self, rule: str, message: str):
        super().__init__(
            _("Refused by rule “%(rule)s”: %(why)s") % {"rule": rule, "why": message},
            extra={"rule": rule},
        )
        self.rule = rule


def derive_grade(items) -> tuple[int, str]:
    """The request's level (the highest of its items) and tier (the strictest)."""
    level = max(item.data_level for item in items)
    tier = max((item.sharing_tier for item in items), key=SharingTier.rank)
    return level, tier


def is_bulk(level: int, records: int) -> bool:
    threshold = BulkThreshold.objects.filter(data_level=level).first()
    return threshold is not None and records >= threshold.records


def match_rule(*, level: int, tier: str, area: str, bulk: bool) -> ApprovalRule | None:
    for rule in ApprovalRule.objects.filter(active=True).order_by("order", "code"):
        if rule.data_level is not None and rule.data_level != level:
            continue
        if rule.sharing_tier and rule.sharing_tier != tier:
            continue
        if rule.area and rule.area != area:
            continue
        if rule.volume == ApprovalRule.Volume.BULK and not bulk:
            continue
        if rule.volume == ApprovalRule.Volume.REGULAR and bulk:
            continue
        return rule
    return None


def check_agreement(
    *,
    agreement: CooperationAgreement,
    level: int,
    tier: str,
    area: str,
    encrypted: bool,
    valid_from: datetime.date,
    valid_until: datetime.date,
) -> None:
    """The agreement's checks, each refusing with its own rule code."""
    ref = agreement.reference
    if agreement.suspended_at:
        raise GateRefusal(
            "agreement-suspended",
            _("agreement %(ref)s is suspended (reason: %(reason)s).")
            % {"ref": ref, "reason": agreement.suspension_reason},
        )
    S = CooperationAgreement.Status
    status = agreement.status_on(max(valid_from, today_local()))
    if status not in (S.ACTIVE, S.EXPIRING):
        raise GateRefusal(
            "agreement-not-in-force",
            _("agreement %(ref)s is not in force (status: %(status)s).")
            % {"ref": ref, "status": S(status).label},
        )
    if valid_from < agreement.starts_on or valid_until > agreement.ends_on:
        raise GateRefusal(
            "agreement-term",
            _("the sharing period %(a)s–%(b)s lies outside the agreement's term %(s)s–%(e)s.")
            % {
                "a": valid_from.isoformat(),
                "b": valid_until.isoformat(),
                "s": agreement.starts_on.isoformat(),
                "e": agreement.ends_on.isoformat(),
            },
        )
    if agreement.max_data_level < level:
        raise GateRefusal(
            "agreement-level",
            _("agreement %(ref)s covers data up to level %(max)s; the items are level %(level)s.")
            % {"ref": ref, "max": agreement.max_data_level, "level": level},
        )
    if not agreement.covers(level=level, tier=tier):
        raise GateRefusal(
            "agreement-tier",
            _("agreement %(ref)s covers sharing up to “%(max)s”; the items are “%(tier)s”.")
            % {
                "ref": ref,
                "max": SharingTier(agreement.max_sharing_tier).label,
                "tier": SharingTier(tier).label,
            },
        )
    if area == SharingArea.UNCONTROLLED and agreement.area != SharingArea.UNCONTROLLED:
        raise GateRefusal(
            "agreement-area",
            _("agreement %(ref)s allows sharing in the controlled area only.") % {"ref": ref},
        )
    if area == SharingArea.UNCONTROLLED and not agreement.special_assessment.strip():
        raise GateRefusal(
            "uncontrolled-special-assessment",
            _(
                "sharing in the uncontrolled area needs the agreement's special security assessment."
            ),
        )
    if not encrypted and agreement.non_plaintext_only:
        raise GateRefusal(
            "agreement-non-plaintext",
            _("agreement %(ref)s allows data to leave only encrypted or masked.") % {"ref": ref},
        )
    if not encrypted and area == SharingArea.UNCONTROLLED:
        raise GateRefusal(
            "uncontrolled-plaintext",
            _("in the uncontrolled area data is shared only in non-plaintext form."),
        )


def sharing_request_create(
    *,
    actor,
    agreement: CooperationAgreement | None,
    items,
    area: str,
    method: str,
    channel: str,
    record_count: int,
    purpose: str,
    post_share_duties: str,
    valid_from: datetime.date,
    valid_until: datetime.date,
    encrypted: bool = True,
    cross_border: bool = False,
    cross_border_legal_basis: str = "",
    checksums: list[str] | None = None,
) -> SharingRequest:
    """Put a share through the gate. Level and tier come from the catalogue items."""
    policy.require(actor, "governance.sharing_request.create", agreement)
    if agreement is None:
        raise GateRefusal(
            "agreement-missing", _("no data may be shared without a cooperation agreement.")
        )
    items = list(items)
    if not items:
        raise GateRefusal("no-items", _("name the catalogue data items to be shared."))
    stale = [i.code for i in items if not CatalogueItem.objects.in_force().filter(pk=i.pk).exists()]
    if stale:
        raise GateRefusal(
            "items-not-in-force",
            _("items %(codes)s are not in the catalogue version in force.")
            % {"codes": ", ".join(stale)},
        )
    if area not in SharingArea.values:
        raise ApplicationError(_("Unknown sharing area."))
    if method not in SharingMethod.values:
        raise ApplicationError(_("Unknown sharing method."))
    if valid_until < valid_from:
        raise GateRefusal("period-order", _("the sharing period ends before it starts."))
    if record_count is None or int(record_count) <= 0:
        raise GateRefusal("volume", _("give the number of records to be shared."))
    if not purpose.strip():
        raise GateRefusal("purpose", _("give the purpose of the share."))
    if not post_share_duties.strip():
        raise GateRefusal(
            "post-share-duties", _("state the recipient's duties and constraints after sharing.")
        )
    if cross_border and not cross_border_legal_basis.strip():
        raise GateRefusal(
            "cross-border-basis",
            _("data leaving the mainland needs its recorded legal basis (技术要求 j)."),
        )
    checksums = [c.strip().lower() for c in (checksums or []) if c.strip()]
    bad = [c for c in checksums if not SHA256.match(c)]
    if bad:
        raise ApplicationError(_("A checksum must be 64 hexadecimal digits (SHA-256)."))
    level, tier = derive_grade(items)
    check_agreement(
        agreement=agreement,
        level=level,
        tier=tier,
        area=area,
        encrypted=encrypted,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    bulk = is_bulk(level, int(record_count))
    rule = match_rule(level=level, tier=tier, area=area, bulk=bulk)
    if rule is None:
        raise GateRefusal("no-matrix-rule", _("no row of the approval matrix covers this share."))
    if rule.refuse:
        raise GateRefusal(rule.code, str(rule.name))
    request = SharingRequest(
        agreement=agreement,
        counterparty=agreement.counterparty,
        data_level=level,
        sharing_tier=tier,
        area=area,
        method=method,
        channel=channel.strip(),
        record_count=int(record_count),
        is_bulk=bulk,
        encrypted=encrypted,
        checksums=checksums,
        purpose=purpose.strip(),
        cross_border=cross_border,
        cross_border_legal_basis=cross_border_legal_basis.strip(),
        post_share_duties=post_share_duties.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        matched_rule=rule,
        required_approvers=list(rule.approvers),
        assessment_required=rule.security_assessment,
        requested_by=actor,
        reference="pending",
    )
    with transaction.atomic(), acting_as(actor):
        request.reference = _next_reference(SharingRequest, "GXQ", valid_from.year)
        _full_clean(request)
        if not request.required_approvers:
            request.state = SharingRequest.State.APPROVED
            request.decided_at = timezone.now()
        request.save()
        request.items.set(items)
        _tell_next_approver(request)
    return request


def holds(user, approver: str) -> bool:
    if approver == Approver.DATA_AUTHORITY:
        return _is_data_authority(user)
    if approver == Approver.DATA_CONTROLLER:
        return (
            ContactRoleAssignment.objects.current()
            .filter(role=ContactRole.DATA_CONTROLLER, holder=user)
            .exists()
        )
    if approver == Approver.COMPLIANCE:
        return policy.allows(user, "governance.sharing_request.decide_compliance")
    return False


def approver_candidates(approver: str):
    from accounts.models import Department, User
    from accounts.roles import Role

    if approver == Approver.DATA_AUTHORITY:
        held = ContactRoleAssignment.objects.current().filter(
            role=ContactRole.DATA_AUTHORITY_CONTACT
        )
        return list(
            User.objects.filter(is_active=True, department__kind=Department.Kind.DATA_AUTHORITY)
        ) + [a.holder for a in held.select_related("holder")]
    if approver == Approver.DATA_CONTROLLER:
        held = ContactRoleAssignment.objects.current().filter(role=ContactRole.DATA_CONTROLLER)
        return [a.holder for a in held.select_related("holder")]
    return list(policy.holders(frozenset({Role.COMPLIANCE_OFFICER})))


def next_approver(request: SharingRequest) -> str | None:
    done = set(request.approvals.values_list("approver", flat=True))
    for approver in request.required_approvers:
        if approver not in done:
            return approver
    return None


def _tell_next_approver(request: SharingRequest) -> None:
    if request.state != SharingRequest.State.PENDING:
        return
    approver = next_approver(request)
    if approver is None:
        return
    notify_event(
        kind=SHARING_REQUEST_WAITING,
        recipients=[u for u in approver_candidates(approver) if u.pk != request.requested_by_id],
        subject=localized(
            _("Sharing request %(ref)s waits for your approval"), ref=request.reference
        ),
        url=request.get_absolute_url(),
        key=f"sharing-request-{request.pk}-{approver}",
    )


def sharing_request_assess(
    *,
    actor,
    request: SharingRequest,
    purpose: str,
    scope: str,
    method: str,
    duties: str,
    conclusion: str,
) -> SharingRequest:
    """The §1 c2 security assessment of a core-data share, by a data-authority approver or an
    officer (not the requester)."""
    policy.require(actor, "governance.sharing_request.assess", request)
    if request.state != SharingRequest.State.PENDING:
        raise ApplicationError(_("Only a request awaiting approval can be assessed."))
    if actor.pk == request.requested_by_id:
        raise ApplicationError(_("Whoever requested a share cannot assess it."))
    if not (holds(actor, Approver.DATA_AUTHORITY) or holds(actor, Approver.COMPLIANCE)):
        raise ApplicationError(_("The data-authority department or compliance assesses a share."))
    parts = [purpose, scope, method, duties, conclusion]
    if any(not p.strip() for p in parts):
        raise ApplicationError(
            _("Fill in all five parts: purpose, scope and compliance, method, duties, conclusion.")
        )
    with transaction.atomic(), acting_as(actor):
        request.assessment_purpose = purpose.strip()
        request.assessment_scope = scope.strip()
        request.assessment_method = method.strip()
        request.assessment_duties = duties.strip()
        request.assessment_conclusion = conclusion.strip()
        request.assessed_by = actor
        request.assessed_at = timezone.now()
        request.save()
    return request


def sharing_request_decide(
    *, actor, request: SharingRequest, approve: bool, comment: str = ""
) -> SharingRequest:
    """The next required approver decides. A refusal ends the request; the last approval
    approves it (after the agreement is checked again as it is now)."""
    policy.require(actor, "governance.sharing_request.decide", request)
    with transaction.atomic(), acting_as(actor):
        request = SharingRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != SharingRequest.State.PENDING:
            raise ApplicationError(_("This request is not waiting for approval."))
        approver = next_approver(request)
        if approver is None:
            raise ApplicationError(_("This request is not waiting for approval."))
        if actor.pk == request.requested_by_id:
            raise ApplicationError(_("Whoever requested a share cannot approve it."))
        if not holds(actor, approver):
            raise ApplicationError(
                _("This step is decided by: %(who)s.") % {"who": Approver(approver).label}
            )
        if approve and request.assessment_required and request.assessed_at is None:
            raise ApplicationError(
                _("Record the security assessment (§1 c2) before approving this share.")
            )
        if not approve and not comment.strip():
            raise ApplicationError(_("Say why the share is refused."))
        now = timezone.now()
        SharingApproval.objects.create(
            request=request,
            approver=approver,
            decision=SharingApproval.Decision.APPROVED
            if approve
            else SharingApproval.Decision.REFUSED,
            decided_by=actor,
            decided_at=now,
            comment=comment.strip(),
        )
        if not approve:
            request.state = SharingRequest.State.REFUSED
            request.refused_rule = f"approver:{approver}"
            request.decision_comment = comment.strip()
            request.decided_at = now
        elif next_approver(request) is None:
            request.agreement.refresh_from_db()
            check_agreement(
                agreement=request.agreement,
                level=request.data_level,
                tier=request.sharing_tier,
                area=request.area,
                encrypted=request.encrypted,
                valid_from=max(request.valid_from, today_local()),
                valid_until=request.valid_until,
            )
            request.state = SharingRequest.State.APPROVED
            request.decided_at = now
        request.save()
        _tell_next_approver(request)
    return request


def sharing_request_withdraw(*, actor, request: SharingRequest) -> SharingRequest:
    policy.require(actor, "governance.sharing_request.withdraw", request)
    if request.state not in (SharingRequest.State.PENDING, SharingRequest.State.APPROVED):
        raise ApplicationError(_("This request is already closed."))
    with transaction.atomic(), acting_as(actor):
        request.state = SharingRequest.State.WITHDRAWN
        request.decided_at = timezone.now()
        request.save()
    return request


def sharing_request_declare_checksum(
    *, actor, request: SharingRequest, checksum: str
) -> SharingRequest:
    """Declare the SHA-256 of a file or medium image before it is transferred."""
    policy.require(actor, "governance.sharing_request.withdraw", request)
    checksum = checksum.strip().lower()
    if not SHA256.match(checksum):
        raise ApplicationError(_("A checksum must be 64 hexadecimal digits (SHA-256)."))
    if request.state != SharingRequest.State.APPROVED:
        raise ApplicationError(_("Checksums are declared on an approved request."))
    with transaction.atomic(), acting_as(actor):
        if checksum not in request.checksums:
            request.checksums = [*request.checksums, checksum]
            request.save()
    return request
