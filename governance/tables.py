"""django-tables2 tables of the governance pages (docs/design.md): sorting by column, pages of
50, the Bootstrap 5 responsive template (settings.DJANGO_TABLES2_TEMPLATE)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import SharingLogEntry


class SharingLogTable(tables.Table):
    logged_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("Logged at"))
    counterparty_name = tables.Column(verbose_name=_("Counterparty"))
    agreement_reference = tables.Column(verbose_name=_("Agreement"))
    dataset = tables.Column(verbose_name=_("Dataset"))
    data_level = tables.Column(
        verbose_name=_("Level / tier"), order_by=("data_level", "sharing_tier")
    )
    record_count = tables.Column(verbose_name=_("Records"), default="")
    requested_by = tables.Column(verbose_name=_("Requested by"))
    approved_by = tables.Column(verbose_name=_("Approved by"), order_by=("approved_by",))

    class Meta:
        model = SharingLogEntry
        fields = ()
        sequence = (
            "logged_at",
            "counterparty_name",
            "agreement_reference",
            "dataset",
            "data_level",
            "record_count",
            "requested_by",
            "approved_by",
        )
        order_by = "-logged_at"
        empty_text = _(
            "No entries. Approved sharing registrations are logged here when the data is handed over."
        )
        attrs = {"class": "table table-hover align-middle"}

    def render_dataset(self, value, record):
        if record.is_bulk_one_time:
            return format_html('{} <span class="badge warn">{}</span>', value, _("bulk"))
        return value

    def render_data_level(self, record):
        return f"{record.get_data_level_display()} / {record.get_sharing_tier_display()}"

    def render_approved_by(self, record):
        return " ".join(n for n in (record.authority_approved_by, record.approved_by) if n)
