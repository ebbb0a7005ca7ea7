"""Writes of the reporting app. Keyword-only arguments, one transaction each, full validation; (templates)."""

from django.db import transaction

from .. import documents
from ..models import (
    ReportTemplate,
)
from .common import _require_writer


def template_save(*, template: ReportTemplate, actor) -> ReportTemplate:
    _require_writer(actor)
    documents.check_template(template.title)
    documents.check_template(template.body)
    with transaction.atomic():
        template.full_clean()
        template.save()
    return template
