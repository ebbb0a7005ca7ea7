"""Writes. Keyword-only arguments, one transaction each, full validation; expected failures (cases)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import policy
from core.errors import ApplicationError

from .. import deadline_links, events, grading
from ..closing import Blocker
from ..closing import close_blockers as close_blockers_of_apps
from ..models import (
    Grade,
    GradeDecision,
    GradingCriterion,
    Incident,
    IncidentTask,
    RectificationItem,
    TimelineEntry,
)
from ..signals import incident_graded, incident_reassigned, incident_resolved
from .common import (
    EDITABLE_FIELDS,
    FACT_FIELDS,
    S,
    _check_assignee,
    _check_transition,
    _lock,
    _next_number,
    _partner_agreement,
    _replace_systems,
    _timeline,
    _validate_facts,
    _validate_partner,
    _validate_times,
    select_response_plan,
)


@transaction.atomic
def incident_create(
    *,
    title: str,
    category: str,
    source: str,
    discovered_at,
    actor=None,
    description: str = "",
    occurred_at=None,
    contained_at=None,
    assignee=None,
    team=None,
    counterparty=None,
    agreement=None,
    counterparty_name: str = "",
    affected_systems=(),
    **facts,
) -> Incident:
    policy.require(actor, "incidents.incident.create")
    title = (title or "").strip()
    if not title:
        raise ApplicationError(_("Enter a title."))
    if category not in Incident.Category.values:
        raise ApplicationError(_("Choose a valid incident category."))
    if source not in Incident.Source.values:
        raise ApplicationError(_("Choose a valid source."))
    unknown = set(facts) - set(FACT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected arguments: {sorted(unknown)}")
    _validate_times(occurred_at=occurred_at, discovered_at=discovered_at, contained_at=contained_at)
    if counterparty is not None and agreement is None:
        agreement = _partner_agreement(counterparty)
    _validate_partner(
        source=source,
        counterparty=counterparty,
        agreement=agreement,
        counterparty_name=counterparty_name,
    )
    _validate_facts(facts)
    _check_assignee(assignee)
    if team is None:
        team = getattr(assignee, "department", None) or getattr(actor, "department", None)

    year = timezone.localdate().year
    number = _next_number(year)
    incident = Incident.objects.create(
        reference=f"SJAQ-{year}-{number:04d}",
        year=year,
        number=number,
        title=title,
        description=description,
        category=category,
        source=source,
        is_drill=source == Incident.Source.DRILL,
        discovered_at=discovered_at,
        occurred_at=occurred_at,
        contained_at=contained_at,
        assignee=assignee,
        team=team,
        counterparty=counterparty,
        agreement=agreement,
        counterparty_name=counterparty_name,
        created_by=policy.person(actor),
        **facts,
    )
    _replace_systems(incident, affected_systems)
    _timeline(
        incident,
        actor,
        TimelineEntry.Kind.CREATED,
        _("Case %(ref)s opened (source: %(source)s).")
        % {"ref": incident.reference, "source": incident.get_source_display()},
    )
    if incident.is_partner_incident:
        _open_partner_investigation(incident, actor)
    if incident.assignee_id and incident.assignee_id != getattr(actor, "pk", None):
        events.incident_assigned(incident)
    return incident


def _open_partner_investigation(incident, actor):
    """The standard: investigate at once when a partner has an incident with our data."""
    plan = select_response_plan(category=incident.category, grade="")
    hours = plan.partner_followup_hours if plan else 24
    now = timezone.now()
    partner = str(incident.counterparty or incident.counterparty_name)
    IncidentTask.objects.create(
        incident=incident,
        title=_("Investigate and assess the partner incident (%(partner)s)") % {"partner": partner},
        description=_(
            "Establish which data we provided is involved, assess the impact and press the "
            "partner to remedy."
        ),
        kind=IncidentTask.Kind.INVESTIGATION,
        assignee=incident.assignee,
        due_at=now + timedelta(hours=hours),
    )
    deadline_links.partner_followup_open(incident=incident, hours=hours, actor=actor)
    _timeline(
        incident,
        actor,
        TimelineEntry.Kind.TASK,
        _("Partner incident: investigation task and follow-up deadline opened."),
    )
    _notify_partner_security_contacts(incident, actor)


def _notify_partner_security_contacts(incident, actor):
    """The standard §5: press the partner to remedy. Its security contacts get an e-mail
    through the outbox (once per case and contact); the case records what was sent to whom."""
    from django.conf import settings

    from notifications.services import notify_address

    counterparty = incident.counterparty
    if counterparty is None:
        return
    contacts = [
        c for c in counterparty.contacts.filter(is_security_contact=True).order_by("pk") if c.email
    ]
    if not contacts:
        _timeline(
            incident,
            actor,
            TimelineEntry.Kind.PARTNER_NOTICE,
            _(
                "No security contact with an e-mail address is registered for %(partner)s: "
                "nobody was e-mailed. Reach the partner another way and record it."
            )
            % {"partner": counterparty},
        )
        return
    handler = incident.assignee
    values = {
        "ref": incident.reference,
        "partner": counterparty.name,
        "firm": settings.SITE_NAME,
        "agreement": incident.agreement.reference if incident.agreement_id else "—",
        "title": incident.title,
        "handler": f"{handler} <{handler.email}>" if handler and handler.email else "—",
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[%(ref)s] Data security incident involving data provided by %(firm)s") % values
        body = (
            _(
                "To the security contact of %(partner)s:\n\n"
                "We have learned of a data security incident at your organisation that may involve "
                "data we provided under cooperation agreement %(agreement)s: %(title)s.\n\n"
                "Please investigate at once, take remedial measures, and tell us which of our data "
                "is involved, what you have done and when the remedy will be complete. Until the "
                "remedy is verified, sharing under the agreement may be suspended.\n\n"
                "Our case: %(ref)s. Handler: %(handler)s."
            )
            % values
        )
    for contact in contacts:
        notify_address(
            address=contact.email,
            subject=subject,
            body=body,
            dedupe_key=f"partner-incident:{incident.pk}:contact:{contact.pk}",
        )
        _timeline(
            incident,
            actor,
            TimelineEntry.Kind.PARTNER_NOTICE,
            _("E-mail queued to the security contact %(name)s <%(email)s> of %(partner)s.")
            % {"name": contact.name, "email": contact.email, "partner": counterparty}
            + "\n"
            + _("Subject: %(subject)s") % {"subject": subject}
            + "\n\n"
            + body,
        )


@transaction.atomic
def incident_update(*, incident, actor, affected_systems=None, **changes) -> Incident:
    policy.require(actor, "incidents.incident.change", incident)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected arguments: {sorted(unknown)}")
    incident = _lock(incident)
    old_assignee = incident.assignee
    if incident.status == S.CLOSED:
        raise ApplicationError(_("A closed incident cannot be edited."))
    if "title" in changes and not (changes["title"] or "").strip():
        raise ApplicationError(_("Enter a title."))
    if "category" in changes and changes["category"] not in Incident.Category.values:
        raise ApplicationError(_("Choose a valid incident category."))
    if "assignee" in changes:
        _check_assignee(changes["assignee"])
    was_partner = incident.is_partner_incident
    for key, value in changes.items():
        setattr(incident, key, value)
    if changes.get("counterparty") is not None and "agreement" not in changes:
        incident.agreement = _partner_agreement(changes["counterparty"])
    _validate_times(
        occurred_at=incident.occurred_at,
        discovered_at=incident.discovered_at,
        contained_at=incident.contained_at,
        resolved_at=incident.resolved_at,
    )
    _validate_partner(
        source=incident.source,
        counterparty=incident.counterparty,
        agreement=incident.agreement,
        counterparty_name=incident.counterparty_name,
    )
    _validate_facts({k: getattr(incident, k) for k in FACT_FIELDS})
    incident.save()
    if incident.is_partner_incident and not was_partner:
        _open_partner_investigation(incident, actor)
    if incident.assignee_id != getattr(old_assignee, "pk", None):
        _reassigned(incident, old_assignee, actor)
    if affected_systems is not None:
        _replace_systems(incident, affected_systems)
    if incident.grade and (affected_systems is not None or any(k in FACT_FIELDS for k in changes)):
        proposal = grading.propose(incident=incident)
        if proposal.grade != incident.grade:
            _timeline(
                incident,
                actor,
                TimelineEntry.Kind.NOTE,
                _("Facts changed: the criteria now propose grade %(proposed)s (current %(grade)s).")
                % {"proposed": proposal.grade, "grade": incident.grade},
            )
    if "discovered_at" in changes and incident.grade and incident.response_plan_id:
        deadline_links.handling_target_schedule(
            incident=incident,
            plan=incident.response_plan,
            actor=actor,
            reason=_("discovery time corrected"),
        )
    return incident


def _reassigned(incident, old_assignee, actor):
    """The case changed hands: every open deadline on it (its own here, reports' through the
    signal) goes to the new handler in this transaction, both are told, the new one is assigned."""
    reason = _("Case %(ref)s reassigned") % {"ref": incident.reference}
    subjects = [incident]
    for _receiver, records in incident_reassigned.send(
        sender=Incident,
        incident=incident,
        old_assignee=old_assignee,
        new_assignee=incident.assignee,
        actor=actor,
    ):
        subjects.extend(records or [])
    deadline_links.follow_owner(
        subjects=subjects, owner=incident.assignee, actor=actor, reason=reason
    )
    if incident.assignee_id != getattr(actor, "pk", None):
        events.incident_assigned(incident)


@transaction.atomic
def incident_grade(
    *, incident, actor, grade: str | None = None, reason: str = "", qualitative_ids=None
) -> GradeDecision:
    """Confirm the proposed grade or override it (reason required); regrading keeps history,
    re-plans tasks, moves grade-dependent deadlines and sends `incident_graded`."""
    policy.require(actor, "incidents.incident.grade", incident)
    incident = _lock(incident)
    if incident.status == S.CLOSED:
        raise ApplicationError(_("A closed incident cannot be regraded."))
    reason = (reason or "").strip()
    if qualitative_ids is not None:
        valid = GradingCriterion.objects.filter(
            pk__in=list(qualitative_ids),
            fact=GradingCriterion.Fact.QUALITATIVE,
            criterion_set__state="active",
        )
        if len(valid) != len(set(qualitative_ids)):
            raise ApplicationError(_("Tick only qualitative criteria of the active set."))
        incident.qualitative_criteria.set(valid)
    proposal = grading.propose(incident=incident)
    grade = grade or proposal.grade
    if grade not in Grade.values:
        raise ApplicationError(_("Choose a valid grade."))
    old_grade = incident.grade
    if old_grade and old_grade == grade:
        raise ApplicationError(_("The incident is already graded %(grade)s.") % {"grade": grade})
    overridden = grade != proposal.grade
    if overridden and not reason:
        raise ApplicationError(
            _("Overriding the proposed grade %(proposed)s requires a reason.")
            % {"proposed": proposal.grade}
        )
    if old_grade and not reason:
        raise ApplicationError(_("Regrading requires a reason."))

    decision = GradeDecision.objects.create(
        incident=incident,
        criterion_set=proposal.criterion_set,
        old_grade=old_grade,
        proposed_grade=proposal.grade,
        grade=grade,
        overridden=overridden,
        reason=reason,
        matched=[c.snapshot() for c in proposal.matched],
        facts=proposal.facts,
        decided_by=policy.person(actor),
    )
    incident.grade = grade
    if incident.status == S.NEW:
        incident.status = S.GRADED
    plan = select_response_plan(category=incident.category, grade=grade)
    incident.response_plan = plan
    incident.save(update_fields=["grade", "status", "response_plan", "updated_at"])
    if plan:
        _apply_plan(incident, plan, actor)
        deadline_links.handling_target_schedule(
            incident=incident,
            plan=plan,
            actor=actor,
            reason=_("graded %(old)s → %(new)s") % {"old": old_grade or "—", "new": grade},
        )
    if old_grade:
        text = _("Regraded %(old)s → %(new)s: %(reason)s") % {
            "old": old_grade,
            "new": grade,
            "reason": reason,
        }
    else:
        text = _("Graded %(grade)s (proposed %(proposed)s).") % {
            "grade": grade,
            "proposed": proposal.grade,
        }
        if reason:
            text += " " + reason
    _timeline(incident, actor, TimelineEntry.Kind.GRADED, text)
    incident_graded.send(
        sender=Incident,
        incident=incident,
        old_grade=old_grade,
        new_grade=grade,
        actor=actor,
        reason=reason,
    )
    return decision


def _apply_plan(incident, plan, actor=None):
    have = set(incident.tasks.exclude(plan_step=None).values_list("plan_step_id", flat=True))
    base = incident.discovered_at
    start = incident.tasks.count()
    rows = [
        IncidentTask(
            incident=incident,
            title=step.title,
            description=step.description,
            kind=IncidentTask.Kind.PLAN,
            plan_step=step,
            assignee=incident.assignee,
            due_at=base + timedelta(hours=step.due_offset_hours)
            if step.due_offset_hours is not None
            else None,
            order=start + i,
        )
        for i, step in enumerate(plan.steps.all())
        if step.pk not in have
    ]
    created = IncidentTask.objects.bulk_create(rows)
    deadline_links.tasks_open(tasks=created, actor=actor)


@transaction.atomic
def incident_start_handling(*, incident, actor) -> Incident:
    policy.require(actor, "incidents.incident.transition", incident)
    incident = _lock(incident)
    _check_transition(incident, S.HANDLING)
    incident.status = S.HANDLING
    incident.save(update_fields=["status", "updated_at"])
    _timeline(incident, actor, TimelineEntry.Kind.STATUS, _("Handling started."))
    return incident


@transaction.atomic
def incident_resolve(*, incident, actor, resolved_at=None, contained_at=None) -> Incident:
    policy.require(actor, "incidents.incident.transition", incident)
    incident = _lock(incident)
    _check_transition(incident, S.RESOLVED)
    # The handler states both times: nothing is assumed to have happened "now".
    if resolved_at is None:
        raise ApplicationError(_("State when the incident was resolved."))
    if resolved_at > timezone.now() + timedelta(minutes=5):
        raise ApplicationError(_("The resolution time cannot be in the future."))
    incident.contained_at = contained_at or incident.contained_at
    if incident.contained_at is None:
        raise ApplicationError(_("State when the incident was contained."))
    if incident.contained_at > resolved_at:
        raise ApplicationError(_("An incident cannot be contained after it was resolved."))
    _validate_times(
        occurred_at=incident.occurred_at,
        discovered_at=incident.discovered_at,
        resolved_at=resolved_at,
    )
    incident.resolved_at = resolved_at
    incident.status = S.RESOLVED
    incident.save(update_fields=["status", "resolved_at", "contained_at", "updated_at"])
    deadline_links.handling_target_meet(incident=incident, actor=actor, met_at=resolved_at)
    _timeline(incident, actor, TimelineEntry.Kind.STATUS, _("Resolved."))
    incident_resolved.send(sender=Incident, incident=incident, actor=actor)
    return incident


@transaction.atomic
def incident_summarise(*, incident, actor, summary: str) -> Incident:
    policy.require(actor, "incidents.incident.transition", incident)
    incident = _lock(incident)
    _check_transition(incident, S.SUMMARISED)
    summary = (summary or "").strip()
    if not summary:
        raise ApplicationError(
            _("Write the summary: facts, handling, cause, grade, responsibility and remediation.")
        )
    incident.summary = summary
    incident.status = S.SUMMARISED
    incident.save(update_fields=["status", "summary", "updated_at"])
    _timeline(incident, actor, TimelineEntry.Kind.STATUS, _("Summary written."))
    return incident


def close_refusals(incident) -> list[str]:
    reasons = []
    open_items = incident.rectifications.filter(state__in=RectificationItem.OPEN_STATES).count()
    if open_items:
        reasons.append(
            _("%(n)d rectification item(s) are still open or awaiting verification.")
            % {"n": open_items}
        )
    reasons.extend(str(b) for b in close_blockers_of_apps(incident))
    return reasons


def close_blockers(incident) -> list[Blocker]:
    """What stops the case from closing, one per record to finish first, each linked to it."""
    url = incident.get_absolute_url()
    items = (
        incident.rectifications.filter(state__in=RectificationItem.OPEN_STATES)
        .order_by("due_at", "id")
        .values("id", "title")
    )
    blockers = [
        Blocker(
            _("Rectification item still open: %(title)s") % {"title": r["title"]},
            f"{url}#rect-{r['id']}",
        )
        for r in items
    ]
    return blockers + close_blockers_of_apps(incident)


@transaction.atomic
def incident_close(*, incident, actor) -> Incident:
    policy.require(actor, "incidents.incident.transition", incident)
    incident = _lock(incident)
    _check_transition(incident, S.CLOSED)
    reasons = close_refusals(incident)
    if reasons:
        raise ApplicationError(
            _("The incident cannot be closed yet: %(reasons)s") % {"reasons": " ".join(reasons)},
            extra={"reasons": reasons},
        )
    incident.status = S.CLOSED
    incident.closed_at = timezone.now()
    incident.save(update_fields=["status", "closed_at", "updated_at"])
    _timeline(incident, actor, TimelineEntry.Kind.STATUS, _("Closed."))
    return incident
