"""Awareness campaigns (the standard's §6 宣传, obligation O12): keep staff aware of why
regulatory data sharing matters and encourage them to 「主动关注和报告安全问题」.

A campaign has a topic, an audience (all staff, or departments and job roles), a channel, a
period and its material. Launching it gives every person in the audience a `CampaignReceipt`
(delivered); the person acknowledges it on the campaign page. Reach per department is counted
from the receipts. Every campaign page links the concern form and lists the concerns raised
during its period (without their reporters)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet
from core.models import TimeStampedModel
from core.uploads import UploadValidator

CAMPAIGN_MATERIAL_KINDS = ("docx", "gif", "jpeg", "pdf", "png", "pptx", "text", "xlsx")


class CampaignChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    INTRANET = "intranet", _("Intranet notice")
    POSTER = "poster", _("Posters and screens")
    BRIEFING = "briefing", _("Team briefing")
    OTHER = "other", _("Other")


class AwarenessCampaign(TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        LAUNCHED = "launched", _("Launched")

    topic = models.CharField(_("topic"), max_length=200)
    message = models.TextField(
        _("message"), help_text=_("What staff should know and do; shown on the campaign page.")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=CampaignChannel.choices)
    starts_on = models.DateField(_("runs from"))
    ends_on = models.DateField(_("runs until"))
    material_file = models.FileField(
        _("material (file)"),
        upload_to="training/campaigns/%Y/",
        blank=True,
        validators=[UploadValidator(kinds=CAMPAIGN_MATERIAL_KINDS)],
    )
    material_url = models.URLField(_("material (link)"), blank=True)
    audience_all = models.BooleanField(_("all staff"), default=False)
    audience_departments = models.ManyToManyField(
        "accounts.Department", blank=True, related_name="+", verbose_name=_("departments")
    )
    audience_roles = models.ManyToManyField(
        "accounts.JobRole", blank=True, related_name="+", verbose_name=_("job roles")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("awareness campaign")
        verbose_name_plural = _("awareness campaigns")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="training_campaign_period_order",
            )
        ]

    def __str__(self):
        return self.topic

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("training:campaign", args=[self.pk])

    @classmethod
    def visibility_q(cls, user) -> Q:
        # Staff see the campaigns they received.
        return Q(pk__in=CampaignReceipt.objects.filter(user=user).values("campaign_id"))


class CampaignReceipt(models.Model):
    campaign = models.ForeignKey(
        AwarenessCampaign,
        on_delete=models.CASCADE,
        related_name="receipts",
        verbose_name=_("campaign"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="campaign_receipts",
        verbose_name=_("recipient"),
    )
    # The department when the campaign reached the person: reach stays as it was.
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    delivered_at = models.DateTimeField(_("delivered at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign receipt")
        verbose_name_plural = _("campaign receipts")
        ordering = ["campaign", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="training_receipt_once")
        ]

    def __str__(self):
        return f"{self.campaign} · {self.user}"

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(user=user)
