"""PDF documents (WeasyPrint, Noto CJK): training certificates and drill reports."""

from django.template.loader import render_to_string
from django.utils import timezone, translation


def _render(template: str, context: dict) -> bytes:
    html = render_to_string(template, context)
    # Imported here: importing WeasyPrint parses its stylesheets, which every process would pay
    # at start-up for a page few requests need.
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def certificate_pdf(*, assignment) -> bytes:
    """The certificate is issued in Chinese (the firm's working language) whatever the
    viewer's interface language, so one person's certificates all read the same."""
    with translation.override("zh-hans"):
        return _render(
            "training/pdf/certificate.html",
            {
                "a": assignment,
                "name": str(assignment.user),
                "course": assignment.course,
                "completed_on": timezone.localtime(assignment.completed_at).date(),
                "issued_at": timezone.localtime(),
            },
        )


def drill_report_pdf(*, drill, context: dict) -> bytes:
    with translation.override("zh-hans"):
        return _render("training/pdf/drill_report.html", {"drill": drill, **context})
