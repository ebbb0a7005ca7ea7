"""Governance records: who the firm shares regulatory data with, under which agreement, who holds (common)."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

# Accepted uploads (type by content, core.uploads): a signed agreement is a PDF, a Word document
# or a scan; meeting papers and obligation evidence may also be spreadsheets, slides or text.
AGREEMENT_DOCUMENT_KINDS = ("docx", "jpeg", "pdf", "png")


MEETING_ATTACHMENT_KINDS = ("docx", "gif", "jpeg", "pdf", "png", "pptx", "text", "xlsx")


EVIDENCE_FILE_KINDS = ("docx", "gif", "jpeg", "pdf", "png", "pptx", "text", "xlsx", "zip")


# An active agreement within this many days of its end counts as "expiring".
EXPIRING_WITHIN_DAYS = 60


def today_local() -> datetime.date:
    return timezone.localdate()


class DataLevel(models.IntegerChoices):
    """JR/T 0158-2018 levels; 4 is the most sensitive."""

    L1 = 1, _("Level 1")
    L2 = 2, _("Level 2")
    L3 = 3, _("Level 3")
    L4 = 4, _("Level 4")


class SharingTier(models.TextChoices):
    PUBLIC = "public", _("Public sharing")
    INTERNAL = "internal", _("Internal sharing")
    RESTRICTED = "restricted", _("Restricted sharing")
    STRICTLY_RESTRICTED = "strict", _("Strictly restricted sharing")

    @classmethod
    def rank(cls, value) -> int:
        """Order of openness: an agreement covering a stricter tier covers the looser ones."""
        return [c.value for c in cls].index(value)


class SharingArea(models.TextChoices):
    CONTROLLED = "controlled", _("Controlled area")
    UNCONTROLLED = "uncontrolled", _("Uncontrolled area")


def _is_firm_handler(user) -> bool:
    return user.has_role(Role.INCIDENT_HANDLER)
