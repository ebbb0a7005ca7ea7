"""Names both the reports and the notices use: accepted upload kinds and the recipients."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Accepted uploads (type by content): a regulator's notice or a submission receipt is a PDF, a
# Word document, a scan or screenshot; a notice may also come as a spreadsheet or text.
RECEIPT_KINDS = ("docx", "jpeg", "pdf", "png")
NOTICE_KINDS = ("docx", "jpeg", "pdf", "png", "text", "xlsx")


class Recipient(models.TextChoices):
    CSRC = "csrc", _("CSRC")
    CSRC_BRANCH = "csrc_branch", _("CSRC local branch")
    CAC = "cac", _("Provincial cyberspace office")
    CII_PROTECTION = "cii_protection", _("CII protection department")
    POLICE = "police", _("Public security (police)")
