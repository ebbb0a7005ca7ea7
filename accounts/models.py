from typing import ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class Department(TimeStampedModel):
    class Kind(models.TextChoices):
        DATA_SOURCE = "data_source", _("Data-source department")
        DATA_USING = "data_using", _("Data-using department")
        DATA_AUTHORITY = "data_authority", _("Data-authority department")
        OTHER = "other", _("Other department")

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent department"),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self):
        return self.name


class JobRole(TimeStampedModel):
    """A job position (岗位); trainings target these."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)
    handles_data = models.BooleanField(
        _("touches regulatory data"),
        default=True,
        help_text=_("Holders of this role are data contacts in the standard's sense."),
    )

    class Meta:
        verbose_name = _("job role")
        verbose_name_plural = _("job roles")
        ordering = ["name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    display_name = models.CharField(
        _("display name"),
        max_length=60,
        blank=True,
        help_text=_("Full name as shown to colleagues, e.g. 张伟"),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("department"),
    )
    job_role = models.ForeignKey(
        JobRole,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="holders",
        verbose_name=_("job role"),
    )
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("manager"),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        default="zh-hans",
        choices=[("zh-hans", "简体中文"), ("en", "English")],
    )
    event_email = models.BooleanField(
        _("e-mail me about assignments and approvals"),
        default=True,
        help_text=_(
            "In-app notices always arrive; untick to stop the e-mail copy of event notices "
            "(deadline reminders follow their policy)."
        ),
    )

    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        from .people import full_name

        # display_name first, so lists that load only it never fetch the deferred name fields
        return self.display_name or full_name("", self.first_name, self.last_name, self.username)

    def get_short_name(self):
        return self.display_name or super().get_short_name() or self.username

    def get_full_name(self):
        # The admin's user menu shows this (its fallback is the account name).
        return self.display_name or super().get_full_name()

    def has_role(self, *codes) -> bool:
        from .roles import user_roles

        return bool(user_roles(self) & set(codes))
