from django.db import models
from django.utils.translation import gettext_lazy as _

from .credit_code import validate_credit_code


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Heartbeat(models.Model):
    """Last time a background process proved it was alive (worker: a task ran; beat: it ticked)."""

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    seen_at = models.DateTimeField(_("seen at"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"


class FirmProfile(TimeStampedModel):
    """The firm's own identity, one row, edited by compliance officers: what report documents
    print as the reporting unit (报告单位) and the reporting contact (联系人及电话)."""

    name = models.CharField(_("firm name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    regulator_branch = models.CharField(
        _("regulator branch"),
        max_length=100,
        blank=True,
        help_text=_("The CSRC local branch (派出机构) the firm reports to, e.g. 深圳证监局."),
    )
    contact_name = models.CharField(_("reporting contact"), max_length=60, blank=True)
    contact_phone = models.CharField(_("reporting contact's phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("firm profile")
        verbose_name_plural = _("firm profile")

    def __str__(self):
        return self.name

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first()

    @property
    def contact_line(self) -> str:
        return " ".join(p for p in (self.contact_name, self.contact_phone) if p)
