"""Awareness campaign pages (§6 宣传, O12): plan and launch (officers), read and acknowledge
(recipients), reach per department and the concerns raised during the campaign."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import policy
from core import pages

from . import services
from .campaigns import AwarenessCampaign, CampaignReceipt


class CampaignForm(forms.ModelForm):
    material_url = forms.URLField(
        label=gettext_lazy("Material (link)"), required=False, assume_scheme="https"
    )

    class Meta:
        model = AwarenessCampaign
        fields = [
            "topic",
            "message",
            "channel",
            "starts_on",
            "ends_on",
            "audience_all",
            "audience_departments",
            "audience_roles",
            "material_url",
            "material_file",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "message": forms.Textarea(attrs={"rows": 4}),
        }


def campaign_reach(campaign: AwarenessCampaign) -> list[dict]:
    """Per department: how many the campaign reached and how many acknowledged it."""
    rows = (
        CampaignReceipt.objects.filter(campaign=campaign)
        .values("department__name")
        .annotate(
            delivered=Count("pk"), acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False))
        )
        .order_by("department__name")
    )
    return [
        {
            "department": r["department__name"] or "—",
            "delivered": r["delivered"],
            "acknowledged": r["acknowledged"],
            "rate": round(100 * r["acknowledged"] / r["delivered"]) if r["delivered"] else 0,
        }
        for r in rows
    ]


def concerns_during(campaign: AwarenessCampaign):
    """Concerns staff raised during the campaign's period (read without their reporters)."""
    from incidents.models import Concern

    return Concern.objects.filter(
        created_at__date__gte=campaign.starts_on, created_at__date__lte=campaign.ends_on
    ).only("pk", "summary", "state", "created_at", "confidentiality")


@login_required
def campaign_list(request):
    can_create = policy.allows(request.user, "training.campaign.create")
    form = CampaignForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_create:
            raise PermissionDenied
        campaign, ok = pages.submit(
            request,
            form,
            services.campaign_create,
            success=_("Campaign saved as a draft; launch it to reach its audience."),
            redisplay=True,
        )
        if ok:
            return redirect(campaign)
    campaigns = AwarenessCampaign.objects.visible_to(request.user).annotate(
        delivered=Count("receipts"),
        acknowledged=Count("receipts", filter=Q(receipts__acknowledged_at__isnull=False)),
    )
    return render(
        request,
        "training/campaign_list.html",
        {"campaigns": campaigns, "form": form, "can_create": can_create},
    )


def _campaign(request, pk) -> AwarenessCampaign:
    return get_object_or_404(AwarenessCampaign.objects.visible_to(request.user), pk=pk)


@login_required
def campaign_detail(request, pk):
    campaign = _campaign(request, pk)
    receipt = CampaignReceipt.objects.filter(campaign=campaign, user=request.user).first()
    concerns = concerns_during(campaign)
    reach = campaign_reach(campaign)
    return render(
        request,
        "training/campaign_detail.html",
        {
            "campaign": campaign,
            "receipt": receipt,
            "reach": reach,
            "delivered": sum(r["delivered"] for r in reach),
            "acknowledged": sum(r["acknowledged"] for r in reach),
            "concerns": concerns,
            "concern_count": len(concerns),
            # Triagers open the concerns; others see how many were raised.
            "may_open_concerns": policy.allows(request.user, "incidents.read"),
            "can_launch": campaign.state == AwarenessCampaign.State.DRAFT
            and policy.allows(request.user, "training.campaign.launch", campaign),
            "departments": campaign.audience_departments.all(),
            "roles": campaign.audience_roles.all(),
        },
    )


@login_required
@require_POST
def campaign_launch(request, pk):
    campaign = _campaign(request, pk)
    count, ok = pages.run(request, services.campaign_launch, campaign=campaign)
    if ok:
        from django.contrib import messages

        messages.success(request, _("Campaign launched to %(n)s people.") % {"n": count})
    return redirect(campaign)


@login_required
@require_POST
def campaign_acknowledge(request, pk):
    campaign = _campaign(request, pk)
    pages.run(
        request,
        services.campaign_acknowledge,
        success=_("Thank you for confirming."),
        campaign=campaign,
    )
    return redirect(campaign)
