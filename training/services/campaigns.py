"""Writes for awareness campaigns (§6 宣传, O12): plan, launch to the audience, acknowledge."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from core.errors import ApplicationError
from core.uploads import check_upload

from ..campaigns import CAMPAIGN_MATERIAL_KINDS, AwarenessCampaign, CampaignChannel, CampaignReceipt


@transaction.atomic
def campaign_create(
    *,
    actor,
    topic: str,
    message: str,
    channel: str,
    starts_on,
    ends_on,
    audience_all: bool = False,
    audience_departments: Iterable = (),
    audience_roles: Iterable = (),
    material_url: str = "",
    material_file=None,
) -> AwarenessCampaign:
    policy.require(actor, "training.campaign.create")
    if not (topic or "").strip() or not (message or "").strip():
        raise ApplicationError(_("Give the campaign a topic and its message."))
    if channel not in CampaignChannel.values:
        raise ApplicationError(_("Choose the channel of the campaign."))
    if not starts_on or not ends_on or ends_on < starts_on:
        raise ApplicationError(_("The campaign must end on or after the day it starts."))
    departments, roles = list(audience_departments), list(audience_roles)
    if not (audience_all or departments or roles):
        raise ApplicationError(_("Choose an audience: all staff, departments or job roles."))
    if material_file:
        check_upload(material_file, kinds=CAMPAIGN_MATERIAL_KINDS)
    campaign = AwarenessCampaign.objects.create(
        topic=topic.strip(),
        message=message.strip(),
        channel=channel,
        starts_on=starts_on,
        ends_on=ends_on,
        audience_all=bool(audience_all),
        material_url=(material_url or "").strip(),
        material_file=material_file or "",
        created_by=policy.person(actor),
    )
    campaign.audience_departments.set(departments)
    campaign.audience_roles.set(roles)
    return campaign


def _audience(campaign: AwarenessCampaign):
    users = get_user_model().objects.filter(is_active=True)
    if campaign.audience_all:
        return users
    q = Q(pk__in=[])
    dept_ids = list(campaign.audience_departments.values_list("pk", flat=True))
    role_ids = list(campaign.audience_roles.values_list("pk", flat=True))
    if dept_ids:
        q |= Q(department_id__in=dept_ids)
    if role_ids:
        q |= Q(job_role_id__in=role_ids)
    return users.filter(q)


@transaction.atomic
def campaign_launch(*, actor, campaign: AwarenessCampaign) -> int:
    """Deliver the campaign to its audience: one receipt each (with the department the person
    is in now), and an in-app notice linking the campaign. Returns how many it reached."""
    from notifications.services import notify

    policy.require(actor, "training.campaign.launch", campaign)
    campaign = AwarenessCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.state != AwarenessCampaign.State.DRAFT:
        raise ApplicationError(_("The campaign has already been launched."))
    if campaign.ends_on < timezone.localdate():
        raise ApplicationError(_("The campaign's period is over; change its dates first."))
    now = timezone.now()
    people = list(_audience(campaign).only("pk", "department_id"))
    if not people:
        raise ApplicationError(_("Nobody is in the campaign's audience."))
    CampaignReceipt.objects.bulk_create(
        [
            CampaignReceipt(
                campaign=campaign, user=p, department_id=p.department_id, delivered_at=now
            )
            for p in people
        ],
        ignore_conflicts=True,
    )
    campaign.state = AwarenessCampaign.State.LAUNCHED
    campaign.launched_at = now
    campaign.save(update_fields=["state", "launched_at", "updated_at"])
    notify(
        recipients=people,
        subject=_("Data-security awareness: %(t)s") % {"t": campaign.topic[:80]},
        url=reverse("training:campaign", args=[campaign.pk]),
        channels=("inapp",),
        dedupe_key=f"campaign:{campaign.pk}",
    )
    return len(people)


@transaction.atomic
def campaign_acknowledge(*, actor, campaign: AwarenessCampaign) -> CampaignReceipt:
    """The recipient confirms they read the campaign (once; later calls change nothing)."""
    # Someone the campaign did not reach has no receipt: the rule refuses the empty one.
    receipt = CampaignReceipt.objects.filter(
        campaign=campaign, user=policy.person(actor)
    ).first() or CampaignReceipt(campaign=campaign)
    policy.require(actor, "training.campaign.acknowledge", receipt)
    if receipt.acknowledged_at is None:
        receipt.acknowledged_at = timezone.now()
        receipt.save(update_fields=["acknowledged_at"])
    return receipt
