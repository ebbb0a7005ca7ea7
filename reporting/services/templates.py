"""Writes of the reporting app. Keyword-only arguments, one transaction each, full validation; (templates)."""

from django.db import transaction

from accounts import policy

from .. import documents, dossier
from ..models import (
    DossierTemplate,
    ReportTemplate,
)


def template_save(*, template: ReportTemplate, actor) -> ReportTemplate:
    policy.require(actor, "reporting.template.change", template)
    documents.check_template(template.title)
    documents.check_template(template.body)
    with transaction.atomic():
        template.full_clean()
        template.save()
    return template


def dossier_template_save(*, actor, template: DossierTemplate) -> DossierTemplate:
    """Save the dossier's layout after compiling it and rendering it against a sample case: a
    broken template is refused (ApplicationError, in Chinese) and the stored one stays."""
    policy.require(actor, "reporting.dossier_template.change", template)
    dossier.check_template(template.body)
    with transaction.atomic():
        template.full_clean()
        template.save()
    return template
