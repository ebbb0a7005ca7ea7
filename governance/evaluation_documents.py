"""The sharing-evaluation report as PDF (WeasyPrint, Noto Sans CJK SC) and DOCX (python-docx):
the same blocks through the writers the regulatory reports use (reporting.documents), so fonts,
escaping and layout are handled once. Issued in Chinese whatever the viewer's language."""

import hashlib

from django.utils import timezone, translation
from django.utils.translation import gettext as _


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def blocks(evaluation) -> list:
    from reporting.documents import Block

    figures = evaluation.figures or {}
    team = evaluation.team.select_related("user").order_by("layer", "id")
    out = [
        Block("h1", _("Data-sharing evaluation report")),
        Block(
            "table",
            rows=[
                (_("Reference"), evaluation.reference),
                (_("Title"), evaluation.title),
                (
                    _("Evaluated period"),
                    f"{evaluation.period_start:%Y-%m-%d} – {evaluation.period_end:%Y-%m-%d}",
                ),
                (
                    _("Evaluation team"),
                    "\n".join(
                        f"{m.get_layer_display()}：{m.user}"
                        + (f"（{m.responsibility}）" if m.responsibility else "")
                        for m in team
                    ),
                ),
            ],
        ),
        Block("h2", _("Evaluation plan")),
        Block("p", evaluation.report_plan),
        Block("h2", _("Evaluation goal")),
        Block("p", evaluation.report_goal),
        Block("h2", _("Usage frequency and validity per shared data source")),
    ]
    sources = figures.get("sources") or []
    if sources:
        for s in sources:
            out.append(
                Block(
                    "table",
                    rows=[
                        (_("Data category"), s["category"]),
                        (_("Shared data source"), s["source"]),
                        (_("Sharing party"), s["party"] or "—"),
                        (
                            _("Transfers (previous period)"),
                            f"{s['transfers']}（{s['transfers_previous']}）",
                        ),
                        (_("Change of usage frequency"), s["frequency_change"] or "—"),
                        (_("Records shared"), str(s["records"])),
                        (_("Validity rate"), s["validity"] or "—"),
                    ],
                )
            )
        totals = figures.get("totals") or {}
        out.append(
            Block(
                "p",
                _("In all: %(transfers)s transfers, %(records)s records, validity %(validity)s.")
                % {
                    "transfers": totals.get("transfers", 0),
                    "records": totals.get("records", 0),
                    "validity": totals.get("validity") or "—",
                },
            )
        )
    else:
        out.append(Block("p", _("No shared data source was used in the period.")))
    out += [
        Block("h2", _("Evaluation conclusion")),
        Block("p", evaluation.report_conclusion),
        Block("h2", _("Evaluation opinions")),
        Block("p", evaluation.report_opinion),
    ]
    return out


def render(evaluation) -> tuple[bytes, bytes]:
    """(PDF, DOCX). Slow (font loading and subsetting: seconds)."""
    from reporting.documents import to_docx, to_pdf

    with translation.override("zh-hans"):
        title = f"{evaluation.reference} {evaluation.title}"
        approved = timezone.localtime(evaluation.report_approved_at or timezone.now())
        footer = _("Approved by %(who)s on %(when)s") % {
            "who": evaluation.report_approved_by or _("system"),
            "when": f"{approved:%Y-%m-%d %H:%M}",
        }
        parts = blocks(evaluation)
        return to_pdf(title, parts, footer), to_docx(title, parts, footer)
