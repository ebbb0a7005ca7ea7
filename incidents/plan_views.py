"""Pages: emergency plans with versions (§5 应急预案, O7), and the confidential concern channel's
reply thread and anonymous follow-up (§6 宣传, O12)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from core import pages
from deadlines import services as deadline_services

from . import plan_forms as forms
from . import services
from .models import EmergencyPlan, EmergencyPlanVersion, PlanChange
from .services.emergency_plans import PLAN_REVIEW


def _reader(request):
    if not policy.allows(request.user, "incidents.plan.read"):
        raise PermissionDenied


def _plan(request, pk) -> EmergencyPlan:
    _reader(request)
    return get_object_or_404(
        EmergencyPlan.objects.visible_to(request.user).select_related(
            "responsible_leader", "response_plan"
        ),
        pk=pk,
    )


@login_required
def plan_list(request):
    _reader(request)
    plans = EmergencyPlan.objects.visible_to(request.user).select_related("responsible_leader")
    current = {
        v.plan_id: v
        for v in EmergencyPlanVersion.objects.filter(
            plan__in=plans, state=EmergencyPlanVersion.State.IN_FORCE
        )
    }
    rows = [(p, current.get(p.pk)) for p in plans]
    return render(
        request,
        "incidents/plan_list.html",
        {"rows": rows, "can_create": policy.allows(request.user, "incidents.plan.create")},
    )


@login_required
def plan_new(request):
    if not policy.allows(request.user, "incidents.plan.create"):
        raise PermissionDenied
    form = forms.PlanForm(request.POST or None)
    if request.method == "POST":
        plan, ok = pages.submit(
            request,
            form,
            services.plan_create,
            success=_("Plan created with its draft version 1."),
            redisplay=True,
        )
        if ok:
            return redirect(plan)
    return render(request, "incidents/plan_form.html", {"form": form})


def _plan_page(request, plan, *, draft_form=None, propose_form=None, approve_form=None):
    versions = list(
        plan.versions.select_related("approved_by", "drafted_by").prefetch_related("drills")
    )
    changes = list(plan.changes.select_related("version", "adopted_meeting", "incident"))
    draft = next((v for v in versions if v.state == EmergencyPlanVersion.State.DRAFT), None)
    in_force = next((v for v in versions if v.state == EmergencyPlanVersion.State.IN_FORCE), None)
    # Drills that exercised a version (training.Drill.plan_version), read through the relation.
    drills = [(v, d) for v in versions for d in v.drills.all()]
    return render(
        request,
        "incidents/plan_detail.html",
        {
            "plan": plan,
            "versions": versions,
            "draft": draft,
            "in_force": in_force,
            "changes": changes,
            "open_changes": [c for c in changes if c.is_open],
            "drills": drills,
            "review_deadline": deadline_services.active_deadline(plan, PLAN_REVIEW),
            "steps": plan.response_plan.steps.all() if plan.response_plan_id else [],
            "can_draft": policy.allows(request.user, "incidents.plan.version_draft", plan)
            and draft is None,
            "can_approve": draft is not None
            and policy.allows(request.user, "incidents.plan.version_approve", draft),
            "can_propose": policy.allows(request.user, "incidents.plan.propose", plan),
            "can_decide": policy.allows(request.user, "incidents.plan.decide", plan),
            "draft_form": draft_form
            or forms.VersionDraftForm(initial={"body": in_force.body if in_force else ""}),
            "approve_form": approve_form or forms.ApproveForm(),
            "propose_form": propose_form or forms.ProposeForm(),
            "decide_form": forms.DecideForm(),
        },
    )


@login_required
def plan_detail(request, pk):
    return _plan_page(request, _plan(request, pk))


def _post_on_plan_page(request, plan, slot, form, service, success, /, **kwargs):
    """Post one of the plan page's forms: back to the plan when it worked, else the page again
    with that form (slot: its name in _plan_page) showing what is wrong. The service's own
    keywords follow (positional-only above, so `plan=` is the service's)."""
    if pages.submit(request, form, service, success=success, redisplay=True, **kwargs):
        return redirect(plan)
    return _plan_page(request, plan, **{slot: form})


@login_required
@require_POST
def plan_draft(request, pk):
    plan = _plan(request, pk)
    return _post_on_plan_page(
        request,
        plan,
        "draft_form",
        forms.VersionDraftForm(request.POST),
        services.plan_version_draft,
        _("New draft version saved; the responsible leader approves it."),
        plan=plan,
    )


@login_required
@require_POST
def plan_approve(request, pk):
    _reader(request)
    version = get_object_or_404(
        EmergencyPlanVersion.objects.visible_to(request.user).select_related("plan"), pk=pk
    )
    return _post_on_plan_page(
        request,
        version.plan,
        "approve_form",
        forms.ApproveForm(request.POST),
        services.plan_version_approve,
        _("Version approved; the next review is on the deadline engine."),
        version=version,
    )


@login_required
@require_POST
def plan_propose(request, pk):
    plan = _plan(request, pk)
    return _post_on_plan_page(
        request,
        plan,
        "propose_form",
        forms.ProposeForm(request.POST),
        services.plan_change_propose,
        _("Change proposed; it will be listed in the next version."),
        plan=plan,
    )


def _change(request, pk) -> PlanChange:
    _reader(request)
    return get_object_or_404(
        PlanChange.objects.visible_to(request.user).select_related("plan"), pk=pk
    )


def _decide(request, pk, *, adopt: bool, success: str):
    # Rejecting ignores the form's meeting: only an adopted change is listed at a meeting.
    change = _change(request, pk)
    pages.submit(
        request,
        forms.DecideForm(request.POST),
        services.plan_change_decide,
        success=success,
        change=change,
        adopt=adopt,
    )
    return redirect(change.plan)


@login_required
@require_POST
def plan_change_adopt(request, pk):
    return _decide(request, pk, adopt=True, success=_("Change adopted."))


@login_required
@require_POST
def plan_change_reject(request, pk):
    return _decide(request, pk, adopt=False, success=_("Change rejected."))


# --- the concern channel: replies, and the anonymous reporter's follow-up ------------------------


@login_required
@require_POST
def concern_message(request, pk):
    from .selectors import concern_list

    concern = get_object_or_404(concern_list(user=request.user), pk=pk)
    if not policy.allows(request.user, "incidents.concern.message", concern):
        raise PermissionDenied
    pages.submit(
        request,
        forms.MessageForm(request.POST),
        services.concern_message_add,
        success=_("Message sent."),
        concern=concern,
    )
    return redirect("incidents:concern-detail", pk=concern.pk)


def _follow_page(request, *, concern=None, form=None, add_form=None, status=200):
    return render(
        request,
        "incidents/concern_follow.html",
        {
            "concern": concern,
            "form": form or forms.FollowCodeForm(),
            "add_form": add_form or forms.FollowAddForm(),
            "thread": list(concern.messages.all()) if concern else [],
        },
        status=status,
    )


def concern_follow(request):
    """No sign-in: the code is the key. The code travels in a POST body only (never in a URL,
    which logs and browser histories keep)."""
    if request.method != "POST":
        return _follow_page(request)
    form = forms.FollowCodeForm(request.POST)
    valid = form.is_valid()
    concern = services.concern_by_code(form.cleaned_data["code"]) if valid else None
    if concern is None:
        form.add_error(None, _("No concern matches this code. Check it and try again."))
        return _follow_page(request, form=form, status=404 if valid else 400)
    return _follow_page(
        request,
        concern=concern,
        form=form,
        add_form=forms.FollowAddForm(initial={"code": form.cleaned_data["code"]}),
    )


@require_POST
def concern_follow_add(request):
    add_form = forms.FollowAddForm(request.POST)
    if not add_form.is_valid():
        concern = services.concern_by_code(add_form.data.get("code", ""))
        return _follow_page(request, concern=concern, add_form=add_form, status=400)
    code = add_form.cleaned_data["code"]
    _r, ok = pages.attempt(
        request,
        lambda: services.concern_follow_add(code=code, body=add_form.cleaned_data["body"]),
        form=add_form,
        success=_("Thank you. Your facts were added to the concern."),
    )
    concern = services.concern_by_code(code)
    return _follow_page(
        request,
        concern=concern,
        add_form=add_form if not ok else forms.FollowAddForm(initial={"code": code}),
        status=200 if concern else 404,
    )
