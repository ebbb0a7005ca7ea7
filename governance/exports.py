"""File exports for auditors and officers: CSV, Excel, vCard, PDF."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core.exports import CSV, XLSX, csv_bytes, xlsx_bytes
from core.exports import download as _download


def xlsx_response(sheets: list[tuple[str, list, list[list]]], filename: str):
    """sheets: [(title, header, rows)]."""
    return _download(xlsx_bytes(sheets), XLSX, filename)


def csv_response(header, rows, filename):
    """Through the one writer (core.exports): BOM, and no cell a spreadsheet would run."""
    return _download(csv_bytes(header, rows), CSV, filename)


def sharing_log_rows(entries):
    header = [
        _("Logged at"),
        _("Counterparty"),
        _("Agreement"),
        _("Dataset"),
        _("Purpose"),
        _("Data level"),
        _("Sharing tier"),
        _("Bulk one-time"),
        _("Records"),
        _("Planned sharing date"),
        _("Requested by"),
        _("Data-authority approval by"),
        _("Approved by"),
    ]
    rows = [
        [
            e.logged_at,
            e.counterparty_name,
            e.agreement_reference,
            e.dataset,
            e.purpose,
            e.data_level,
            e.get_sharing_tier_display(),
            _("Yes") if e.is_bulk_one_time else _("No"),
            e.record_count,
            e.planned_on,
            e.requested_by,
            e.authority_approved_by,
            e.approved_by,
        ]
        for e in entries.iterator()
    ]
    return header, rows


def directory_rows(assignments):
    header = [
        _("Role"),
        _("Scope"),
        _("Holder"),
        _("Department"),
        _("Phone"),
        _("E-mail"),
        _("Deputy"),
        _("Deputy phone"),
        _("Valid from"),
        _("Valid until"),
    ]
    rows = [
        [
            a.get_role_display(),
            a.scope_label,
            str(a.holder),
            str(a.holder.department or ""),
            a.holder.phone,
            a.holder.email,
            str(a.deputy or ""),
            a.deputy.phone if a.deputy else "",
            a.valid_from,
            a.valid_until,
        ]
        for a in assignments
    ]
    return header, rows


def _vcard_escape(text) -> str:
    return (
        str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    )


def vcards(assignments) -> str:
    """vCard 3.0, one card per person, with every role they hold as TITLE/NOTE."""
    people: dict[int, dict] = {}
    for a in assignments:
        for user, as_deputy in ((a.holder, False), (a.deputy, True)):
            if user is None:
                continue
            entry = people.setdefault(user.pk, {"user": user, "roles": []})
            label = a.get_role_display()
            if as_deputy:
                label = _("Deputy %(role)s") % {"role": label}
            entry["roles"].append(f"{label} ({a.scope_label})")
    cards = []
    for entry in people.values():
        user = entry["user"]
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"FN:{_vcard_escape(user)}",
            f"N:{_vcard_escape(user.last_name)};{_vcard_escape(user.first_name or user)};;;",
        ]
        if user.department_id:
            lines.append(f"ORG:{_vcard_escape(user.department)}")
        lines.append(f"TITLE:{_vcard_escape('; '.join(entry['roles']))}")
        if user.phone:
            lines.append(f"TEL;TYPE=WORK,VOICE:{_vcard_escape(user.phone)}")
        if user.email:
            lines.append(f"EMAIL;TYPE=INTERNET:{user.email}")
        lines.append("END:VCARD")
        cards.append("\r\n".join(lines))
    return "\r\n".join(cards) + "\r\n"


def dashboard_sheets(dashboard):
    header = [
        _("Obligation"),
        _("Period"),
        _("Starts on"),
        _("Ends on"),
        _("State"),
        _("Met at"),
        _("Evidence"),
        _("Evidence link"),
    ]
    rows = []
    for obligation, periods in dashboard.rows:
        for p in periods:
            rows.append(
                [
                    f"{obligation.code} {obligation.title}",
                    p.label,
                    p.starts_on,
                    p.ends_on,
                    p.get_state_display(),
                    p.met_at,
                    p.evidence_label,
                    p.evidence_url,
                ]
            )
    summary = [[s.year, s.met, s.due, s.missed, s.total] for s in dashboard.summaries]
    return [
        (_("Obligations %(year)s") % {"year": dashboard.year}, header, rows),
        (_("Summary by year"), [_("Year"), _("Met"), _("Due"), _("Missed"), _("Total")], summary),
    ]


def pdf_response(template: str, context: dict, filename: str, request=None):
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    base_url = request.build_absolute_uri("/") if request else None
    pdf = HTML(string=html, base_url=base_url).write_pdf()
    return _download(pdf, "application/pdf", filename)
