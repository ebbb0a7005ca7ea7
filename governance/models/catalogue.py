"""The regulatory data catalogue (监管数据目录) and its classification and grading table (分类分级表).

A catalogue version is a whole table: imported (or copied) as a draft, approved by an officer
who thereby approves the grading, and from then on the one in force until the next approval.
Each data item carries its JR/T 0158-2018 level (4 极高, 3 高, 2 中, 1 低) and the sharing tier it
is shared at by default; sharing requests, ledger events and media name items, and their level
and tier are read from here, never typed by a requester."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet
from core.models import TimeStampedModel

from .common import DataLevel, SharingTier

# JR/T 0158-2018 level names (via JR/T 0176.5-2024 Table 3): 4 is the most sensitive.
LEVEL_NAMES = {
    4: _("very high"),
    3: _("high"),
    2: _("medium"),
    1: _("low"),
}


def _with_role(user) -> Q:
    from accounts.policy import ANY_ROLE, has_any

    return Q() if has_any(user, ANY_ROLE) else Q(pk__in=[])


def level_label(level: int) -> str:
    """'Level 4 (very high)' in the reader's language."""
    return _("Level %(n)s (%(name)s)") % {"n": level, "name": LEVEL_NAMES.get(int(level), "")}


class CatalogueVersionQuerySet(VisibleQuerySet):
    def in_force(self):
        return self.filter(state=CatalogueVersion.State.IN_FORCE)


class CatalogueVersion(TimeStampedModel):
    """One version of the classification and grading table."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_FORCE = "in_force", _("In force")
        SUPERSEDED = "superseded", _("Superseded")

    number = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    source_file_name = models.CharField(_("imported file"), max_length=200, blank=True)
    source_file_sha256 = models.CharField(_("imported file SHA-256"), max_length=64, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grading approved by"),
    )
    approved_at = models.DateTimeField(_("grading approved at"), null=True, blank=True)
    approval_comment = models.TextField(_("approval comment"), blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    objects = CatalogueVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["state"],
                condition=Q(state="in_force"),
                name="governance_catalogue_one_in_force",
            )
        ]

    def __str__(self):
        return _("Catalogue v%(n)s %(title)s") % {"n": self.number, "title": self.title}

    @classmethod
    def visibility_q(cls, user) -> Q:
        # The catalogue is the firm's shared vocabulary: everyone with a role reads it.
        return _with_role(user)

    def sees(self, user) -> bool:
        """`visibility_q` for one version (accounts.policy.can_see)."""
        from accounts.policy import ANY_ROLE, has_any

        return has_any(user, ANY_ROLE)


class CatalogueItemQuerySet(VisibleQuerySet):
    def in_force(self):
        return self.filter(version__state=CatalogueVersion.State.IN_FORCE)


class CatalogueItem(models.Model):
    """A data item of the regulatory data catalogue with its grade."""

    class DataType(models.TextChoices):
        TEXT = "text", _("Text")
        INTEGER = "integer", _("Integer")
        DECIMAL = "decimal", _("Decimal")
        DATE = "date", _("Date")
        DATETIME = "datetime", _("Date and time")
        CODE = "code", _("Code (from a code list)")
        BOOLEAN = "boolean", _("Yes/no")
        BINARY = "binary", _("File or binary")

    version = models.ForeignKey(
        CatalogueVersion,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("catalogue version"),
    )
    code = models.CharField(_("item code"), max_length=40)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    definition = models.TextField(_("definition"))
    data_type = models.CharField(_("data type"), max_length=10, choices=DataType.choices)
    code_values = models.TextField(
        _("code values"), blank=True, help_text=_("For a coded item: value=meaning, one a line.")
    )
    business_category = models.CharField(_("business category"), max_length=100, db_index=True)
    regulatory_attributes = models.TextField(
        _("regulatory attributes"),
        blank=True,
        help_text=_("What the firm adds: reporting rule, source system, owner department…"),
    )
    data_level = models.PositiveSmallIntegerField(_("data level"), choices=DataLevel.choices)
    sharing_tier = models.CharField(
        _("default sharing tier"), max_length=12, choices=SharingTier.choices
    )
    row_number = models.PositiveIntegerField(_("row in the imported table"), null=True, blank=True)

    objects = CatalogueItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("catalogue data item")
        verbose_name_plural = _("catalogue data items")
        ordering = ["version", "business_category", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="governance_catalogue_item_code_once"
            ),
            models.CheckConstraint(
                condition=Q(data_level__gte=1, data_level__lte=4),
                name="governance_catalogue_item_level_range",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name_zh}"

    @property
    def level_label(self) -> str:
        return level_label(self.data_level)

    @classmethod
    def visibility_q(cls, user) -> Q:
        return _with_role(user)
