"""Writes of the reporting app. Keyword-only arguments, one transaction each, full validation; (templates)."""

from django.db import transaction

from accounts import policy

from .. import documents
from ..models import (
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
