"""Writes of the reporting app. Keyword-only arguments, one transaction each, full validation; (notices)."""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import policy
from core.errors import ApplicationError
from core.uploads import check_upload

from .. import content as report_content
from .. import fields as editable
from .. import rules, work_clocks
from ..models import (
    NOTICE_KINDS,
    RegulatorNotice,
    RegulatoryReport,
    RiskIntelligence,
    Stage,
)
from .common import _pending_states
from .drafting import template_for
from .obligations import _attach_deadline, _retime


def _check_usable(actor, obj):
    """A related record named in a write (the case of a notice, the notice of an item) must be
    one the actor sees: one it may not see is refused like one that does not exist."""
    if obj is not None and actor is not policy.SYSTEM and not policy.can_see(actor, obj):
        raise ApplicationError(_("No such record, or you may not use it."))


def notice_create(
    *,
    reference: str,
    issuer: str,
    title: str,
    received_at,
    feedback_due_at,
    handler,
    actor,
    content: str = "",
    incident=None,
    attachment=None,
) -> RegulatorNotice:
    """Register a notice and open its feedback report, due when the notice says."""
    policy.require(actor, "reporting.notice.create")
    _check_usable(actor, incident)
    if feedback_due_at is None or received_at is None:
        raise ApplicationError(_("A notice needs its received time and feedback deadline."))
    if feedback_due_at <= received_at:
        raise ApplicationError(_("The feedback deadline must be after the notice was received."))
    with transaction.atomic():
        notice = RegulatorNotice(
            reference=reference.strip(),
            issuer=issuer,
            title=title.strip(),
            received_at=received_at,
            feedback_due_at=feedback_due_at,
            handler=handler,
            content=content,
            incident=incident,
            created_by=policy.person(actor),
        )
        notice.full_clean(exclude=["attachment"])
        if attachment is not None:
            check_upload(attachment, kinds=NOTICE_KINDS)
            notice.attachment.save(attachment.name, attachment, save=False)
        notice.save()
        with translation.override("zh-hans"):
            title_text = gettext("Feedback: %(ref)s %(title)s") % {
                "ref": notice.reference,
                "title": notice.title,
            }
        report = RegulatoryReport.objects.create(
            notice=notice,
            incident=incident,
            recipient=notice.issuer,
            stage=Stage.FEEDBACK,
            title=title_text[:300],
            content=report_content.prefill(stage=Stage.FEEDBACK, notice=notice),
            template=template_for(stage=Stage.FEEDBACK, recipient=notice.issuer),
        )
        _attach_deadline(report, rules.Due(feedback_due_at), actor)
    return notice


def notice_update(*, notice: RegulatorNotice, actor, **changes) -> RegulatorNotice:
    """Handling notes, handler, status and a moved feedback deadline (e.g. the regulator agreed
    to an extension)."""
    policy.require(actor, "reporting.notice.change", notice)
    allowed = set(editable.NOTICE_UPDATE)
    unknown = set(changes) - allowed
    if unknown:
        raise ApplicationError(
            _("Unknown notice fields: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    if changes.get("incident") is not None:
        _check_usable(actor, changes["incident"])
    with transaction.atomic():
        notice = RegulatorNotice.objects.select_for_update().get(pk=notice.pk)
        old_due = notice.feedback_due_at
        for key, value in changes.items():
            setattr(notice, key, value)
        if notice.feedback_due_at <= notice.received_at:
            raise ApplicationError(
                _("The feedback deadline must be after the notice was received.")
            )
        notice.full_clean(exclude=["attachment"])
        notice.save()
        if notice.feedback_due_at != old_due:
            for report in notice.feedback_reports.filter(
                status__in=_pending_states(False)
            ).select_related("deadline"):
                _retime(
                    report,
                    None,
                    rules.Due(notice.feedback_due_at),
                    reason=_("Feedback deadline changed by the regulator."),
                    actor=actor,
                )
    return notice


def intelligence_create(*, actor, **fields) -> RiskIntelligence:
    policy.require(actor, "reporting.intelligence.create")
    allowed = {*editable.INTELLIGENCE, *editable.INTELLIGENCE_LINKS}
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    _check_usable(actor, fields.get("notice"))
    _check_usable(actor, fields.get("counterparty"))
    with transaction.atomic():
        item = RiskIntelligence(reported_by=policy.person(actor), **fields)
        if item.counterparty is not None:
            if item.party != RiskIntelligence.Party.PARTNER:
                raise ApplicationError(
                    _("A registered counterparty is named only for an item about a partner.")
                )
            if not item.party_name.strip():
                item.party_name = item.counterparty.name
        if item.party != RiskIntelligence.Party.FIRM and not item.party_name.strip():
            raise ApplicationError(_("Name the related party or partner concerned."))
        item.full_clean()
        item.save()
        work_clocks.intelligence_arrived(item=item)
    return item


def intelligence_triage_to_incident(*, item: RiskIntelligence, incident, actor) -> RiskIntelligence:
    policy.require(actor, "reporting.intelligence.triage", item)
    if incident is None:
        raise ApplicationError(_("Choose the incident this item belongs to."))
    _check_usable(actor, incident)
    with transaction.atomic():
        item = RiskIntelligence.objects.select_for_update().get(pk=item.pk)
        if item.status != RiskIntelligence.Status.NEW:
            raise ApplicationError(_("This item has already been triaged."))
        item.status = RiskIntelligence.Status.INCIDENT
        item.incident = incident
        item.triaged_by = policy.person(actor)
        item.triaged_at = timezone.now()
        item.save()
        work_clocks.intelligence_triaged(item=item)
    return item


def intelligence_default_category(kind: str) -> str:
    """The incident category an item of this kind usually becomes (the promoter may change it)."""
    from incidents.models import IncidentCategory as C

    categories: dict[str, str] = {
        RiskIntelligence.Kind.LEAK: C.DATA_SECURITY,
        RiskIntelligence.Kind.DATA_FOR_SALE: C.DATA_SECURITY,
        RiskIntelligence.Kind.IMPERSONATION: C.NETWORK_ATTACK,  # phishing / counterfeit apps
        RiskIntelligence.Kind.NEGATIVE_NEWS: C.CONTENT_SECURITY,
    }
    return categories.get(kind, C.OTHER)


def _intelligence_facts(item: RiskIntelligence) -> str:
    """The item's facts as the new incident's description (in Chinese, like the documents)."""
    with translation.override("zh-hans"):
        party = str(item.get_party_display())
        if item.party_name:
            party = f"{party}：{item.party_name}"
        lines = [
            f"{gettext('Kind')}：{item.get_kind_display()}",
            f"{gettext('Concerns')}：{party}",
            f"{gettext('Where it was found')}：{item.source}"
            + (f" {item.source_url}" if item.source_url else ""),
            f"{gettext('Observed at')}：{report_content._local(item.observed_at)}",
        ]
        if item.notice_id:
            lines.append(f"{gettext('Regulator notice')}：{item.notice}")
    details = item.details.strip()
    return "\n".join([item.summary, *([details] if details else []), "", *lines])


def intelligence_promote(
    *, item: RiskIntelligence, actor, category: str = "", title: str = "", assignee=None
):
    """Open a new incident from an item (source: risk intelligence) and triage the item to it,
    in one transaction through incidents' own `incident_create`. The incident is discovered
    when the item was observed: reporting deadlines count from then, not from the promotion."""
    from incidents import services as incident_services
    from incidents.models import Incident

    policy.require(actor, "reporting.intelligence.promote", item)
    with transaction.atomic():
        item = (
            RiskIntelligence.objects.select_for_update(of=("self",))
            .select_related("notice", "counterparty")
            .get(pk=item.pk)
        )
        if item.status != RiskIntelligence.Status.NEW:
            raise ApplicationError(_("This item has already been triaged."))
        incident = incident_services.incident_create(
            title=(title or "").strip() or item.summary,
            description=_intelligence_facts(item),
            category=category or intelligence_default_category(item.kind),
            source=Incident.Source.RISK_INTELLIGENCE,
            discovered_at=item.observed_at,
            assignee=assignee or policy.person(actor),
            actor=actor,
            # About a partner: a partner incident (the standard §5), linked to the registered
            # counterparty and its agreement, or named when the partner is not registered.
            **_partner_of(item),
        )
        item.status = RiskIntelligence.Status.INCIDENT
        item.incident = incident
        item.triaged_by = policy.person(actor)
        item.triaged_at = timezone.now()
        item.save()
        work_clocks.intelligence_triaged(item=item)
    return incident


def _partner_of(item: RiskIntelligence) -> dict:
    if item.party != RiskIntelligence.Party.PARTNER:
        return {}
    if item.counterparty_id:
        return {"counterparty": item.counterparty}
    return {"counterparty_name": item.party_name.strip()[:200]}


def intelligence_close(*, item: RiskIntelligence, reason: str, actor) -> RiskIntelligence:
    policy.require(actor, "reporting.intelligence.triage", item)
    if not str(reason).strip():
        raise ApplicationError(_("Say why the item is closed without an incident."))
    with transaction.atomic():
        item = RiskIntelligence.objects.select_for_update().get(pk=item.pk)
        if item.status != RiskIntelligence.Status.NEW:
            raise ApplicationError(_("This item has already been triaged."))
        item.status = RiskIntelligence.Status.CLOSED
        item.closed_reason = reason.strip()
        item.triaged_by = policy.person(actor)
        item.triaged_at = timezone.now()
        item.save()
        work_clocks.intelligence_triaged(item=item)
    return item
