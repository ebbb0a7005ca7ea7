"""Writes of the governance app: the periodic data-sharing evaluation (§7 数据共享评估, O13).

goal → team (管理层 and 执行层) → scope (inventory pre-filled from the ledger) → plan with its
measures, approved by a management-layer officer → monitored execution → report (方案, 目标, 结论,
意见) approved by management, rendered to PDF and DOCX and sent to the sharing parties. The
report's approval is the evidence of O13 for the period it falls in."""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from audit.context import acting_as
from core.errors import ApplicationError
from notifications.services import notify, notify_address

from .. import evaluation_selectors
from ..fields import EVALUATION_MEASURE, EVALUATION_PLAN, EVALUATION_REPORT
from ..models import (
    Counterparty,
    EvaluationMeasure,
    EvaluationMonitorEntry,
    EvaluationRecipient,
    EvaluationScopeItem,
    EvaluationTeamMember,
    SharingEvaluation,
    today_local,
)
from .common import _full_clean, _next_reference

S = SharingEvaluation.State
Layer = EvaluationTeamMember.Layer


def _label(model, name: str) -> str:
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def _locked(evaluation: SharingEvaluation) -> SharingEvaluation:
    return SharingEvaluation.objects.select_for_update().get(pk=evaluation.pk)


def _require_state(evaluation: SharingEvaluation, *states, message) -> None:
    if evaluation.state not in states:
        raise ApplicationError(message)


_PREPARING_ONLY = _("The plan is fixed once submitted: only a plan in preparation changes.")


def _check_period(start, end) -> None:
    if start is None or end is None:
        raise ApplicationError(_("Give the first and last day of the evaluated period."))
    if end < start:
        raise ApplicationError(_("The evaluated period ends before it starts."))
    if end - start > datetime.timedelta(days=366 * 3):
        raise ApplicationError(_("An evaluation covers at most three years."))


def evaluation_create(
    *,
    actor,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    goal: str = "",
) -> SharingEvaluation:
    """An officer starts an evaluation; they join its management layer."""
    policy.require(actor, "governance.evaluation.create")
    if not (title or "").strip():
        raise ApplicationError(_("Give the evaluation a title."))
    _check_period(period_start, period_end)
    with transaction.atomic(), acting_as(actor):
        evaluation = SharingEvaluation(
            title=title.strip()[:200],
            period_start=period_start,
            period_end=period_end,
            goal=(goal or "").strip(),
            created_by=policy.person(actor),
            reference=_next_reference(SharingEvaluation, "EVAL", today_local().year),
        )
        evaluation.save()
        if policy.person(actor) is not None:
            EvaluationTeamMember.objects.create(
                evaluation=evaluation,
                user=actor,
                layer=Layer.MANAGEMENT,
                responsibility=_("Approves the plan and the report"),
            )
    return evaluation


def evaluation_update(*, evaluation: SharingEvaluation, actor, **fields) -> SharingEvaluation:
    """The goal and the plan (scope, objects, organisation, budget, schedule) while preparing."""
    policy.require(actor, "governance.evaluation.change", evaluation)
    unknown = set(fields) - set(EVALUATION_PLAN)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic(), acting_as(actor):
        evaluation = _locked(evaluation)
        _require_state(evaluation, S.PREPARING, message=_PREPARING_ONLY)
        for name, value in fields.items():
            setattr(evaluation, name, value.strip() if isinstance(value, str) else value)
        _full_clean(evaluation, exclude=["report_pdf", "report_docx"])
        _check_period(evaluation.period_start, evaluation.period_end)
        if evaluation.plan_budget is not None and evaluation.plan_budget < 0:
            raise ApplicationError(_("The budget cannot be negative."))
        evaluation.save()
    return evaluation


def evaluation_member_add(
    *, evaluation: SharingEvaluation, actor, user, layer: str, responsibility: str = ""
) -> EvaluationTeamMember:
    policy.require(actor, "governance.evaluation.team", evaluation)
    if user is None or not getattr(user, "is_active", False):
        raise ApplicationError(_("Choose an active person."))
    if layer not in Layer.values:
        raise ApplicationError(_("Choose the layer: management or execution."))
    with transaction.atomic(), acting_as(actor):
        evaluation = _locked(evaluation)
        _require_state(evaluation, S.PREPARING, message=_PREPARING_ONLY)
        if evaluation.team.filter(user=user).exists():
            raise ApplicationError(_("%(person)s is already on the team.") % {"person": user})
        member = EvaluationTeamMember.objects.create(
            evaluation=evaluation,
            user=user,
            layer=layer,
            responsibility=(responsibility or "").strip()[:200],
        )
    return member


def evaluation_member_remove(*, member: EvaluationTeamMember, actor) -> None:
    policy.require(actor, "governance.evaluation.team", getattr(member, "evaluation", None))
    evaluation = member.evaluation
    with transaction.atomic(), acting_as(actor):
        evaluation = _locked(evaluation)
        _require_state(evaluation, S.PREPARING, message=_PREPARING_ONLY)
        member.delete()


def evaluation_scope_prefill(*, evaluation: SharingEvaluation, actor) -> int:
    """The inventory of shared data by category from the ledger of transfers: one line per data
    item and sharing party used in the period, with its usage figures. Lines added by hand stay;
    lines from the ledger are replaced. Returns the number of lines from the ledger."""
    policy.require(actor, "governance.evaluation.change", evaluation)
    with transaction.atomic(), acting_as(actor):
        evaluation = _locked(evaluation)
        _require_state(evaluation, S.PREPARING, S.EXECUTING, message=_PREPARING_ONLY)
        rows = evaluation_selectors.usage_by_source(
            start=evaluation.period_start, end=evaluation.period_end
        )
        kept = {
            (i.source, i.counterparty_id): i.valid_records
            for i in evaluation.scope_items.filter(from_ledger=True)
        }
        evaluation.scope_items.filter(from_ledger=True).delete()
        EvaluationScopeItem.objects.bulk_create(
            [
                EvaluationScopeItem(
                    evaluation=evaluation,
                    category=r.category,
                    source=r.source,
                    counterparty_id=r.counterparty_id,
                    transfers=r.events,
                    transfers_previous=r.events_previous,
                    records=r.records,
                    clean_transfers=r.events - r.mismatches,
                    valid_records=kept.get((r.source, r.counterparty_id)),
                    from_ledger=True,
                )
                for r in rows
            ]
        )
    return len(rows)


def evaluation_scope_item_add(
    *,
    evaluation: SharingEvaluation,
    actor,
    category: str,
    source: str,
    counterparty: Counterparty | None = None,
    note: str = "",
) -> EvaluationScopeItem:
    """A line the ledger does not know (data shared on a medium, a category to look into)."""
    policy.require(actor, "governance.evaluation.change", evaluation)
    if not (category or "").strip() or not (source or "").strip():
        raise ApplicationError(_("Give the data category and the shared data source."))
    with transaction.atomic(), acting_as(actor):
        evaluation = _locked(evaluation)
        _require_state(evaluation, S.PREPARING, message=_PREPARING_ONLY)
        return EvaluationScopeItem.objects.create(
            evaluation=evaluation,
            category=category.strip()[:100],
            source=source.strip()[:200],
            counterparty=counterparty,
            note=(note or "").strip()[:200],
        )


def evaluation_scope_item_observe(
    *, item: EvaluationScopeItem, actor, valid_records: int | None
) -> EvaluationScopeItem:
    """During execution, the execution layer records how many of the records shared were found
    valid (有效数据总量), which gives the source's validity rate."""
    policy.require(actor, "governance.evaluation.change", getattr(item, "evaluation", None))
    if valid_records is not None and valid_records < 0:
        raise ApplicationError(_("The number of valid records cannot be negative."))
    with transaction.atomic(), acting_as(actor):
        evaluation = _locked(item.evaluation)
        _require_state(
            evaluation, S.EXECUTING, message=_("Valid records are observed while executing.")
        )
        if valid_records is not None and item.records and valid_records > item.records:
            raise ApplicationError(
                _("More valid records (%(valid)s) than records shared (%(records)s).")
                % {"valid": valid_records, "records": item.records}
            )
        item.valid_records = valid_records
        item.save(update_fields=["valid_records"])
    return item


def evaluation_measure_add(*, evaluation: SharingEvaluation, actor, **fields) -> EvaluationMeasure:
    """One measure of the plan with its method, tools, risks, rollback, contingency and
    supervision (who reviews it)."""
    policy.require(actor, "governance.evaluation.change", evaluation)
    unknown = set(fields) - set(EVALUATION_MEASURE)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    measure = EvaluationMeasure(evaluation=evaluation, **fields)
    for name in EVALUATION_MEASURE:
        value = getattr(measure, name if name != "supervisor" else "supervisor_id")
        if name != "tools" and (value is None or (isinstance(value, str) and not value.strip())):
            label = _label(EvaluationMeasure, name)
            raise ApplicationError(_("Fill in “%(field)s” for the measure.") % {"field": label})
    _full_clean(measure, exclude=["evaluation"])
    with transaction.atomic(), acting_as(actor):
        evaluation = _locked(evaluation)
        _require_state(evaluation, S.PREPARING, message=_PREPARING_ONLY)
        measure.save()
    return measure


def _plan_gaps(evaluation: SharingEvaluation) -> list[str]:
    gaps = []
    if not evaluation.goal.strip():
        gaps.append(_("the goal"))
    layers = set(evaluation.team.values_list("layer", flat=True))
    if Layer.MANAGEMENT not in layers:
        gaps.append(_("a management-layer member"))
    if Layer.EXECUTION not in layers:
        gaps.append(_("an execution-layer member"))
    if not evaluation.scope_items.exists():
        gaps.append(_("the scope inventory"))
    for name in ("plan_scope", "plan_objects", "plan_organisation", "plan_schedule"):
        if not getattr(evaluation, name).strip():
            gaps.append(_label(SharingEvaluation, name))
    if evaluation.plan_budget is None:
        gaps.append(_label(SharingEvaluation, "plan_budget"))
    if not evaluation.measures.exists():
        gaps.append(_("at least one measure"))
    return gaps


def evaluation_plan_submit(*, evaluation: SharingEvaluation, actor) -> SharingEvaluation:
    """The execution layer submits the plan; the management layer is asked to approve it."""
    policy.require(actor, "governance.evaluation.change", evaluation)
    with transaction.atomic(), acting_as(actor):
        evaluation = _locked(evaluation)
        _require_state(evaluation, S.PREPARING, message=_("This plan is not in preparation."))
        gaps = _plan_gaps(evaluation)
        if gaps:
            raise ApplicationError(
                _("The plan is not complete: add %(gaps)s.") % {"gaps": "、".join(gaps)}
            )
        evaluation.state = S.PLAN_SUBMITTED
        evaluation.plan_submitted_at = timezone.now()
        evaluation.save()
        _tell(
            evaluation,
            evaluation.manager_ids,
            _("Evaluation plan %(ref)s awaits your approval"),
            "plan-submitted",
        )
    return evaluation


def _tell(evaluation, user_ids, subject, event: str, body: str = "") -> None:
    from django.contrib.auth import get_user_model

    people = list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))
    if people:
        notify(
            recipients=people,
            subject=subject % {"ref": evaluation.reference},
            body=body,
            url=evaluation.get_absolute_url(),
            dedupe_key=f"governance:evaluation:{evaluation.pk}:{event}:{timezone.now():%Y%m%d%H%M%S%f}",
        )


def _require_manager(evaluation: SharingEvaluation, actor) -> None:
    if actor is policy.SYSTEM:
        return
    if actor.pk not in evaluation.manager_ids:
        raise ApplicationError(
            _("Only a member of the evaluation's management layer approves its plan and report.")
        )


def evaluation_plan_approve(
    *, evaluation: SharingEvaluation, actor, comment: str = ""
) -> SharingEvaluation:
    """The management layer approves the plan; execution starts under its supervision."""
    policy.require(actor, "governance.evaluation.approve", evaluation)
    with transaction.atomic(), acting_as(actor):
        evaluation = _locked(evaluation)
        _require_state(
            evaluation, S.PLAN_SUBMITTED, message=_("No plan of this evaluation awaits approval.")
        )
        _require_manager(evaluation, actor)
        now = timezone.now()
        evaluation.state = S.EXECUTING
        evaluation.plan_approved_by = policy.person(actor)
        evaluation.plan_approved_at = now
        evaluation.plan_comment = (comment or "").strip()
        evaluation.started_at = now
        evaluation.save()
        _tell(
            evaluation,
            evaluation.executor_ids,
            _("Evaluation plan %(ref)s approved: execution starts"),
            "plan-approved",
            evaluation.plan_comment,
        )
    return evaluation


def evaluation_plan_return(
    *, evaluation: SharingEvaluation, actor, comment: str
) -> SharingEvaluation:
    policy.require(actor, "governance.evaluation.approve", evaluation)
    if not (comment or "").strip():
        raise ApplicationError(_("Say what has to change."))
    with transaction.atomic(), acting_as(actor):
        evaluation = _locked(evaluation)
        _require_state(
            evaluation, S.PLAN_SUBMITTED, message=_("No plan of this evaluation awaits approval.")
        )
        _require_manager(evaluation, actor)
        evaluation.state = S.PREPARING
        evaluation.plan_comment = comment.strip()
        evaluation.plan_submitted_at = None
        evaluation.save()
        _tell(
            evaluation,
            evaluation.executor_ids,
            _("Evaluation plan %(ref)s returned"),
            "plan-returned",
            evaluation.plan_comment,
        )
    return evaluation


def evaluation_monitor_record(
    *, evaluation: SharingEvaluation, actor, kind: str, note: str
) -> EvaluationMonitorEntry:
    """The supervision of the execution (评估过程监控): progress, deviations, reviews."""
    policy.require(actor, "governance.evaluation.monitor", evaluation)
    if kind not in EvaluationMonitorEntry.Kind.values:
        raise ApplicationError(_("Choose what the entry records."))
    if not (note or "").strip():
        raise ApplicationError(_("Write what was observed."))
    with transaction.atomic(), acting_as(actor):
        evaluation = _locked(evaluation)
        _require_state(
            evaluation, S.EXECUTING, message=_("Monitoring is recorded while the evaluation runs.")
        )
        return EvaluationMonitorEntry.objects.create(
            evaluation=evaluation, kind=kind, note=note.strip(), recorded_by=actor
        )


def evaluation_execution_finish(*, evaluation: SharingEvaluation, actor) -> SharingEvaluation:
    """Execution is over: the usage figures are computed and the report is drafted from the
    plan and the goal, for the execution layer to complete."""
    policy.require(actor, "governance.evaluation.change", evaluation)
    with transaction.atomic(), acting_as(actor):
        evaluation = _locked(evaluation)
        _require_state(evaluation, S.EXECUTING, message=_("The evaluation is not executing."))
        if not evaluation.monitor_entries.exists():
            raise ApplicationError(
                _("Record at least one monitoring entry: the execution must be supervised.")
            )
        evaluation.state = S.REPORTING
        evaluation.finished_at = timezone.now()
        evaluation.figures = evaluation_selectors.figures(evaluation)
        if not evaluation.report_goal.strip():
            evaluation.report_goal = evaluation.goal
        if not evaluation.report_plan.strip():
            evaluation.report_plan = evaluation_selectors.plan_summary(evaluation)
        evaluation.save()
    return evaluation


def evaluation_report_save(*, evaluation: SharingEvaluation, actor, **fields) -> SharingEvaluation:
    policy.require(actor, "governance.evaluation.change", evaluation)
    unknown = set(fields) - set(EVALUATION_REPORT)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic(), acting_as(actor):
        evaluation = _locked(evaluation)
        _require_state(
            evaluation, S.REPORTING, message=_("The report is written after the execution.")
        )
        for name, value in fields.items():
            setattr(evaluation, name, (value or "").strip())
        evaluation.save()
    return evaluation


def evaluation_report_submit(*, evaluation: SharingEvaluation, actor) -> SharingEvaluation:
    policy.require(actor, "governance.evaluation.change", evaluation)
    with transaction.atomic(), acting_as(actor):
        evaluation = _locked(evaluation)
        _require_state(evaluation, S.REPORTING, message=_("No report of this evaluation is open."))
        missing = [
            _label(SharingEvaluation, n)
            for n in EVALUATION_REPORT
            if not getattr(evaluation, n).strip()
        ]
        if missing:
            raise ApplicationError(
                _("The report is not complete: fill in %(gaps)s.") % {"gaps": "、".join(missing)}
            )
        evaluation.figures = evaluation_selectors.figures(evaluation)
        evaluation.state = S.REPORT_SUBMITTED
        evaluation.report_submitted_at = timezone.now()
        evaluation.save()
        _tell(
            evaluation,
            evaluation.manager_ids,
            _("Evaluation report %(ref)s awaits your approval"),
            "report-submitted",
        )
    return evaluation


def evaluation_report_return(
    *, evaluation: SharingEvaluation, actor, comment: str
) -> SharingEvaluation:
    policy.require(actor, "governance.evaluation.approve", evaluation)
    if not (comment or "").strip():
        raise ApplicationError(_("Say what has to change."))
    with transaction.atomic(), acting_as(actor):
        evaluation = _locked(evaluation)
        _require_state(
            evaluation,
            S.REPORT_SUBMITTED,
            message=_("No report of this evaluation awaits approval."),
        )
        _require_manager(evaluation, actor)
        evaluation.state = S.REPORTING
        evaluation.report_submitted_at = None
        evaluation.save()
        _tell(
            evaluation,
            evaluation.executor_ids,
            _("Evaluation report %(ref)s returned"),
            "report-returned",
            comment.strip(),
        )
    return evaluation


def evaluation_report_approve(*, evaluation: SharingEvaluation, actor) -> SharingEvaluation:
    """The management layer approves the report: it is rendered to PDF and DOCX (the PDF's
    SHA-256 kept) and O13 is met for the period the approval falls in."""
    policy.require(actor, "governance.evaluation.approve", evaluation)
    from .. import evaluation_documents
    from .obligations import _reevaluate_for_day

    with transaction.atomic(), acting_as(actor):
        evaluation = _locked(evaluation)
        _require_state(
            evaluation,
            S.REPORT_SUBMITTED,
            message=_("No report of this evaluation awaits approval."),
        )
        _require_manager(evaluation, actor)
        evaluation.state = S.APPROVED
        evaluation.report_approved_by = policy.person(actor)
        evaluation.report_approved_at = timezone.now()
        pdf, docx = evaluation_documents.render(evaluation)
        stem = evaluation.reference
        evaluation.report_sha256 = evaluation_documents.sha256(pdf)
        evaluation.report_pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        evaluation.report_docx.save(f"{stem}.docx", ContentFile(docx), save=False)
        evaluation.save()
        _reevaluate_for_day(timezone.localdate(evaluation.report_approved_at))
        _tell(
            evaluation,
            evaluation.member_ids(),
            _("Evaluation report %(ref)s approved"),
            "report-approved",
        )
    return evaluation


def evaluation_report_send(*, evaluation: SharingEvaluation, actor) -> list[EvaluationRecipient]:
    """The approved report goes to the sharing parties in scope: each contact with an e-mail
    address of each counterparty gets the goal, the conclusion, the opinions and the report's
    SHA-256 (an outside address cannot open the firm's pages; the files follow by the agreed
    channel). Sending again reaches only contacts added since."""
    policy.require(actor, "governance.evaluation.send", evaluation)
    with transaction.atomic(), acting_as(actor):
        evaluation = _locked(evaluation)
        _require_state(
            evaluation, S.APPROVED, message=_("Only an approved report is sent to the parties.")
        )
        parties = Counterparty.objects.filter(
            pk__in=evaluation.scope_items.exclude(counterparty=None).values("counterparty")
        ).prefetch_related("contacts")
        contacts = [
            (party, c) for party in parties for c in party.contacts.all() if c.email.strip()
        ]
        if not contacts:
            raise ApplicationError(
                _(
                    "No sharing party in the scope has a contact with an e-mail address: add "
                    "the contacts to the counterparties first."
                )
            )
        already = set(evaluation.recipients.values_list("counterparty_id", "email"))
        subject = _("Data-sharing evaluation report %(ref)s: %(title)s") % {
            "ref": evaluation.reference,
            "title": evaluation.title,
        }
        body = "\n\n".join(
            [
                _("Goal: %(text)s") % {"text": evaluation.report_goal},
                _("Conclusion: %(text)s") % {"text": evaluation.report_conclusion},
                _("Opinions: %(text)s") % {"text": evaluation.report_opinion},
                _("Report SHA-256: %(hash)s") % {"hash": evaluation.report_sha256},
            ]
        )
        sent = []
        for party, contact in contacts:
            key = (party.pk, contact.email.strip().lower())
            if key in already:
                continue
            already.add(key)
            notify_address(
                address=contact.email,
                subject=subject,
                body=body,
                dedupe_key=f"governance:evaluation-report:{evaluation.pk}:{party.pk}",
            )
            sent.append(
                EvaluationRecipient.objects.create(
                    evaluation=evaluation,
                    counterparty=party,
                    name=contact.name,
                    email=key[1],
                )
            )
        if not sent:
            raise ApplicationError(_("The report has already been sent to every contact."))
        evaluation.report_sent_at = timezone.now()
        evaluation.save(update_fields=["report_sent_at", "updated_at"])
    return sent
