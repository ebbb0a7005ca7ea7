"""Pages of the register of sharing media and of the sharing evaluation: thin views that parse a
form, run one service through core.pages and redirect to the record (one URL per action)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts.policy import visible_to
from accounts.policy.pages import writer_action
from core import pages

from . import evaluation_selectors
from . import media_forms as forms
from .models import (
    EvaluationScopeItem,
    EvaluationTeamMember,
    MediumHandover,
    MediumUseRequest,
    SharingEvaluation,
    SharingMedium,
)
from .services import evaluation as evaluation_services
from .services import media as media_services

# --- sharing media ----------------------------------------------------------------------------


def _medium(request, pk) -> SharingMedium:
    return get_object_or_404(visible_to(request.user, SharingMedium.objects.all()), pk=pk)


@login_required
def medium_list(request):
    media = (
        visible_to(request.user, SharingMedium.objects.all())
        .select_related("custodian", "backup_medium")
        .order_by(F("disposed_at").asc(nulls_first=True), "reference")
    )
    can_register = policy.allows(request.user, "governance.medium.create")
    return render(
        request,
        "governance/medium_list.html",
        {
            "media": media,
            "form": forms.MediumForm() if can_register else None,
            "today": timezone.localdate(),
        },
    )


@writer_action
def medium_create(request):
    medium, ok = pages.submit(
        request,
        forms.MediumForm(request.POST, request.FILES),
        media_services.medium_register,
        success=_("Medium registered; its first security check is scheduled."),
    )
    return redirect(medium if ok else "governance:medium-list")


@login_required
def medium_detail(request, pk):
    medium = get_object_or_404(
        visible_to(request.user, SharingMedium.objects.all()).select_related(
            "custodian", "backup_medium", "disposed_by", "disposal_witness"
        ),
        pk=pk,
    )
    user = request.user
    allows = policy.allows
    requests = medium.use_requests.select_related("requested_by", "decided_by")
    handovers = medium.handovers.select_related("from_user", "to_user", "initiated_by")
    today = timezone.localdate()
    return render(
        request,
        "governance/medium_detail.html",
        {
            "m": medium,
            "checks": medium.checks.select_related("checked_by")[:20],
            "requests": requests,
            "handovers": handovers,
            "open_handover": next((h for h in handovers if h.state == "pending"), None),
            "may_change": allows(user, "governance.medium.change", medium),
            "may_check": allows(user, "governance.medium.check", medium),
            "may_request": allows(user, "governance.medium.use_request", medium),
            "may_decide": allows(user, "governance.medium.use_decide", medium),
            "may_return": allows(user, "governance.medium.check", medium),
            "may_handover": allows(user, "governance.medium.handover", medium),
            "may_dispose": allows(user, "governance.medium.dispose", medium),
            "check_form": forms.CheckForm(initial={"checked_on": today, "result": "passed"}),
            "request_form": forms.UseRequestForm(
                medium=medium, initial={"needed_from": today, "return_by": today}
            ),
            "handover_form": forms.HandoverForm(),
            "dispose_form": forms.DisposeForm(initial={"disposed_on": today}),
            "liability_form": forms.LiabilityAgreementForm(
                initial={"owner_name": medium.owner_name}
            ),
            "decline_form": forms.HandoverDeclineForm(),
            # Each request's own action forms, with their own ids (the label names its field).
            "request_rows": [
                (
                    r,
                    forms.CommentForm(auto_id=f"id_use_{r.pk}_%s"),
                    forms.ReturnForm(auto_id=f"id_use_{r.pk}_%s"),
                )
                for r in requests
            ],
        },
    )


@writer_action
def medium_liability(request, pk):
    medium = _medium(request, pk)
    pages.submit(
        request,
        forms.LiabilityAgreementForm(request.POST, request.FILES),
        media_services.medium_attach_liability_agreement,
        success=_("Liability agreement filed."),
        medium=medium,
    )
    return redirect(medium)


@writer_action
def medium_check(request, pk):
    medium = _medium(request, pk)
    pages.submit(
        request,
        forms.CheckForm(request.POST),
        media_services.medium_check_record,
        success=_("Security check recorded; the next one is scheduled."),
        medium=medium,
    )
    return redirect(medium)


@writer_action
def medium_use_request(request, pk):
    medium = _medium(request, pk)
    pages.submit(
        request,
        forms.UseRequestForm(request.POST, medium=medium),
        media_services.medium_use_request,
        success=_("Request sent for approval."),
        medium=medium,
    )
    return redirect(medium)


def _use_request(request, pk, request_pk) -> MediumUseRequest:
    medium = _medium(request, pk)
    return get_object_or_404(MediumUseRequest, pk=request_pk, medium=medium)


@writer_action
def medium_use_approve(request, pk, request_pk):
    use = _use_request(request, pk, request_pk)
    pages.submit(
        request,
        forms.CommentForm(request.POST),
        media_services.medium_use_approve,
        success=_("Use approved: the medium is lent out."),
        use_request=use,
    )
    return redirect(use.medium)


@writer_action
def medium_use_refuse(request, pk, request_pk):
    use = _use_request(request, pk, request_pk)
    pages.submit(
        request,
        forms.CommentForm(request.POST),
        media_services.medium_use_refuse,
        success=_("Request refused."),
        use_request=use,
    )
    return redirect(use.medium)


@writer_action
def medium_use_return(request, pk, request_pk):
    use = _use_request(request, pk, request_pk)
    pages.submit(
        request,
        forms.ReturnForm(request.POST),
        media_services.medium_use_return,
        success=_("Return recorded: the medium is in store."),
        use_request=use,
    )
    return redirect(use.medium)


@writer_action
def medium_handover(request, pk):
    medium = _medium(request, pk)
    pages.submit(
        request,
        forms.HandoverForm(request.POST),
        media_services.medium_handover_start,
        success=_("Handover started: it completes when both parties have confirmed."),
        medium=medium,
    )
    return redirect(medium)


def _handover(request, pk, handover_pk) -> MediumHandover:
    medium = _medium(request, pk)
    return get_object_or_404(MediumHandover, pk=handover_pk, medium=medium)


@writer_action
def medium_handover_confirm(request, pk, handover_pk):
    handover = _handover(request, pk, handover_pk)
    pages.run(
        request,
        media_services.medium_handover_confirm,
        success=_("Confirmation recorded."),
        handover=handover,
    )
    return redirect(handover.medium)


@writer_action
def medium_handover_decline(request, pk, handover_pk):
    handover = _handover(request, pk, handover_pk)
    pages.submit(
        request,
        forms.HandoverDeclineForm(request.POST),
        media_services.medium_handover_decline,
        success=_("Handover stopped; the custodian stays."),
        handover=handover,
    )
    return redirect(handover.medium)


@writer_action
def medium_dispose(request, pk):
    medium = _medium(request, pk)
    pages.submit(
        request,
        forms.DisposeForm(request.POST, request.FILES),
        media_services.medium_dispose,
        success=_("Disposal recorded with its witness and certificate."),
        medium=medium,
    )
    return redirect(medium)


# --- sharing evaluations ----------------------------------------------------------------------


@login_required
def evaluation_list(request):
    can_create = policy.allows(request.user, "governance.evaluation.create")
    today = timezone.localdate()
    return render(
        request,
        "governance/evaluation_list.html",
        {
            "evaluations": evaluation_selectors.evaluation_list(user=request.user),
            "form": forms.EvaluationCreateForm(
                initial={
                    "period_start": today.replace(month=1, day=1),
                    "period_end": today.replace(month=12, day=31),
                    "title": _("Data-sharing evaluation %(year)s") % {"year": today.year},
                }
            )
            if can_create
            else None,
        },
    )


@writer_action
def evaluation_create(request):
    evaluation, ok = pages.submit(
        request,
        forms.EvaluationCreateForm(request.POST),
        evaluation_services.evaluation_create,
        success=_("Evaluation started: form the team and set the scope."),
    )
    return redirect(evaluation if ok else "governance:evaluation-list")


@login_required
def evaluation_detail(request, pk):
    e = evaluation_selectors.evaluation_detail(user=request.user, pk=pk)
    user = request.user
    scope = list(e.scope_items.select_related("counterparty"))
    return render(
        request,
        "governance/evaluation_detail.html",
        {
            "e": e,
            "team": e.team.select_related("user").order_by("layer", "id"),
            "scope": scope,
            "measures": e.measures.select_related("supervisor"),
            "monitoring": e.monitor_entries.select_related("recorded_by"),
            "recipients": e.recipients.select_related("counterparty"),
            "may_change": policy.allows(user, "governance.evaluation.change", e),
            "may_team": policy.allows(user, "governance.evaluation.team", e),
            "may_approve": policy.allows(user, "governance.evaluation.approve", e)
            and user.pk in e.manager_ids,
            "may_monitor": policy.allows(user, "governance.evaluation.monitor", e),
            "may_send": policy.allows(user, "governance.evaluation.send", e),
            "plan_form": forms.EvaluationPlanForm(instance=e),
            "report_form": forms.EvaluationReportForm(instance=e),
            "member_form": forms.MemberForm(),
            "scope_form": forms.ScopeItemForm(),
            "measure_form": forms.MeasureForm(),
            "monitor_form": forms.MonitorForm(),
            "decision_form": forms.EvaluationDecisionForm(),
            "scope_rows": [
                (
                    item,
                    forms.ObserveForm(
                        initial={"valid_records": item.valid_records},
                        auto_id=f"id_observe_{item.pk}_%s",
                    ),
                )
                for item in scope
            ],
            "steps": _steps(e),
        },
    )


def _steps(e: SharingEvaluation) -> list[tuple[str, bool]]:
    """The six steps of §7 and whether each is done."""
    S = SharingEvaluation.State
    after_plan = e.state in (S.EXECUTING, S.REPORTING, S.REPORT_SUBMITTED, S.APPROVED)
    return [
        (_("Goal"), bool(e.goal.strip())),
        (_("Team"), e.team.exists()),
        (_("Scope"), e.scope_items.exists()),
        (_("Plan approved"), after_plan),
        (_("Execution"), e.finished_at is not None),
        (_("Report approved"), e.state == S.APPROVED),
    ]


def _evaluation(request, pk) -> SharingEvaluation:
    return get_object_or_404(visible_to(request.user, SharingEvaluation.objects.all()), pk=pk)


@writer_action
def evaluation_update(request, pk):
    e = _evaluation(request, pk)
    pages.submit(
        request,
        forms.EvaluationPlanForm(request.POST, instance=SharingEvaluation.objects.get(pk=e.pk)),
        evaluation_services.evaluation_update,
        success=_("Plan saved."),
        evaluation=e,
    )
    return redirect(e)


@writer_action
def evaluation_member_add(request, pk):
    e = _evaluation(request, pk)
    pages.submit(
        request,
        forms.MemberForm(request.POST),
        evaluation_services.evaluation_member_add,
        success=_("Team member added."),
        evaluation=e,
    )
    return redirect(e)


@writer_action
def evaluation_member_remove(request, pk, member_pk):
    e = _evaluation(request, pk)
    member = get_object_or_404(EvaluationTeamMember, pk=member_pk, evaluation=e)
    pages.run(
        request,
        evaluation_services.evaluation_member_remove,
        success=_("Team member removed."),
        member=member,
    )
    return redirect(e)


@writer_action
def evaluation_prefill(request, pk):
    e = _evaluation(request, pk)
    result, ok = pages.run(request, evaluation_services.evaluation_scope_prefill, evaluation=e)
    if ok:
        messages.success(
            request, _("%(n)s shared data sources taken from the ledger.") % {"n": result}
        )
    return redirect(e)


@writer_action
def evaluation_scope_add(request, pk):
    e = _evaluation(request, pk)
    pages.submit(
        request,
        forms.ScopeItemForm(request.POST),
        evaluation_services.evaluation_scope_item_add,
        success=_("Line added to the scope."),
        evaluation=e,
    )
    return redirect(e)


@writer_action
def evaluation_observe(request, pk, item_pk):
    e = _evaluation(request, pk)
    item = get_object_or_404(EvaluationScopeItem, pk=item_pk, evaluation=e)
    pages.submit(
        request,
        forms.ObserveForm(request.POST),
        evaluation_services.evaluation_scope_item_observe,
        success=_("Valid records recorded."),
        item=item,
    )
    return redirect(e)


@writer_action
def evaluation_measure_add(request, pk):
    e = _evaluation(request, pk)
    pages.submit(
        request,
        forms.MeasureForm(request.POST),
        evaluation_services.evaluation_measure_add,
        success=_("Measure added to the plan."),
        evaluation=e,
    )
    return redirect(e)


def _simple(service, success, *, comment=False):
    @writer_action
    def view(request, pk):
        e = _evaluation(request, pk)
        if comment:
            pages.submit(
                request,
                forms.EvaluationDecisionForm(request.POST),
                service,
                success=success,
                evaluation=e,
            )
        else:
            pages.run(request, service, success=success, evaluation=e)
        return redirect(e)

    return view


evaluation_plan_submit = _simple(
    evaluation_services.evaluation_plan_submit, _("Plan submitted to the management layer.")
)
evaluation_plan_approve = _simple(
    evaluation_services.evaluation_plan_approve,
    _("Plan approved: the evaluation is executing."),
    comment=True,
)
evaluation_plan_return = _simple(
    evaluation_services.evaluation_plan_return, _("Plan returned."), comment=True
)
evaluation_finish = _simple(
    evaluation_services.evaluation_execution_finish,
    _("Execution finished: the figures are computed and the report drafted."),
)
evaluation_report_submit = _simple(
    evaluation_services.evaluation_report_submit, _("Report submitted for approval.")
)
evaluation_report_approve = _simple(
    evaluation_services.evaluation_report_approve,
    _("Report approved: PDF and DOCX issued; O13 is met for the period."),
)
evaluation_report_return = _simple(
    evaluation_services.evaluation_report_return, _("Report returned."), comment=True
)


@writer_action
def evaluation_send(request, pk):
    e = _evaluation(request, pk)
    result, ok = pages.run(request, evaluation_services.evaluation_report_send, evaluation=e)
    if ok:
        messages.success(
            request, _("Report sent to %(n)s contacts of the sharing parties.") % {"n": len(result)}
        )
    return redirect(e)


@writer_action
def evaluation_monitor(request, pk):
    e = _evaluation(request, pk)
    pages.submit(
        request,
        forms.MonitorForm(request.POST),
        evaluation_services.evaluation_monitor_record,
        success=_("Monitoring entry recorded."),
        evaluation=e,
    )
    return redirect(e)


@writer_action
def evaluation_report_save(request, pk):
    e = _evaluation(request, pk)
    pages.submit(
        request,
        forms.EvaluationReportForm(request.POST, instance=SharingEvaluation.objects.get(pk=e.pk)),
        evaluation_services.evaluation_report_save,
        success=_("Report saved."),
        evaluation=e,
    )
    return redirect(e)
