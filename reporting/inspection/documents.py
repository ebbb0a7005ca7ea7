"""Render the pack's figures as a DOCX (python-docx, charts embedded as PNG) and an XLSX
(openpyxl, one sheet per section, the same figures)."""

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from core.exports import xlsx_bytes

from . import charts


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else value.isoformat()
    return str(value)


def _on_time(value) -> str:
    if value is None:
        return _("Not submitted")
    return _("On time") if value else _("Late")


def sections(f: dict) -> list[tuple[str, list[str], list[list]]]:
    """Every table of the pack as (title, header, rows): the DOCX and the XLSX both use them."""
    inc = f["incidents"]
    out = []
    out.append(
        (
            _("Incidents by grade"),
            [_("Grade"), _("Incidents")],
            [[r["label"], r["count"]] for r in inc["by_grade"]],
        )
    )
    out.append(
        (
            _("Incidents by category"),
            [_("Category"), _("Incidents")],
            [[r["label"], r["count"]] for r in inc["by_category"]],
        )
    )
    out.append(
        (
            _("Incidents by source"),
            [_("Source"), _("Incidents")],
            [[r["label"], r["count"]] for r in inc["by_source"]],
        )
    )
    out.append(
        (
            _("Handling times (hours)"),
            [_("Measure"), _("Incidents measured"), _("Median"), _("90th percentile")],
            [
                [label, s["count"], s["median"], s["p90"]]
                for label, s in (
                    (_("Time to grade"), inc["time_to_grade"]),
                    (_("Time to first report"), inc["time_to_first_report"]),
                    (_("Time to resolve"), inc["time_to_resolve"]),
                )
            ],
        )
    )
    out.append(
        (
            _("Incidents"),
            [
                _("Reference"),
                _("Title"),
                _("Grade"),
                _("Category"),
                _("Source"),
                _("Discovered"),
                _("To grade (h)"),
                _("To first report (h)"),
                _("To resolve (h)"),
            ],
            [
                [
                    r["reference"],
                    r["title"],
                    r["grade"],
                    r["category"],
                    r["source"],
                    r["discovered_at"],
                    r["to_grade"],
                    r["to_first_report"],
                    r["to_resolve"],
                ]
                for r in inc["rows"]
            ],
        )
    )
    out.append(
        (
            _("Regulatory reports"),
            [
                _("Case"),
                _("Stage"),
                _("Recipient"),
                _("Status"),
                _("Due"),
                _("Submitted"),
                _("On time"),
                _("Reason for lateness"),
                _("Frozen SHA-256"),
            ],
            [
                [
                    r["case"],
                    r["stage"],
                    r["recipient"],
                    r["status"],
                    r["due_at"],
                    r["submitted_at"],
                    _on_time(r["on_time"]),
                    r["late_reason"],
                    r["sha256"],
                ]
                for r in f["reports"]
            ],
        )
    )
    out.append(
        (
            _("Drills and findings"),
            [
                _("Drill"),
                _("Type"),
                _("Status"),
                _("Scheduled"),
                _("Plan version"),
                _("Finding"),
                _("Rectification"),
                _("Proposed plan change"),
            ],
            [
                [
                    d["title"],
                    d["type"],
                    d["status"],
                    d["scheduled_at"],
                    d["plan"],
                    fi["description"],
                    fi["rectification"],
                    fi["plan_change"],
                ]
                for d in f["drills"]["rows"]
                for fi in (
                    d["findings"] or [{"description": "", "rectification": "", "plan_change": ""}]
                )
            ],
        )
    )
    for key, title, name in (
        ("by_role", _("Training coverage by job role"), _("Job role")),
        ("by_department", _("Training coverage by department"), _("Department")),
    ):
        out.append(
            (
                title,
                [
                    name,
                    _("Assigned"),
                    _("Completed"),
                    _("Coverage %"),
                    _("Took the quiz"),
                    _("Passed"),
                    _("Pass rate %"),
                ],
                [
                    [
                        r["name"],
                        r["assigned"],
                        r["completed"],
                        r["coverage"],
                        r["took_quiz"],
                        r["passed"],
                        r["pass_rate"],
                    ]
                    for r in f["training"][key]
                ],
            )
        )
    out.append(
        (
            _("Meetings held"),
            [
                _("Meeting"),
                _("Kind"),
                _("Held"),
                _("Minutes"),
                _("Minutes approved"),
                _("Decisions"),
                _("Adopted changes"),
            ],
            [
                [
                    m["title"],
                    m["kind"],
                    m["held_at"],
                    m["minutes"],
                    m["minutes_approved_at"],
                    m["decisions"],
                    m["adopted_changes"],
                ]
                for m in f["meetings"]
            ],
        )
    )
    out.append(
        (
            _("Obligations"),
            [_("Code"), _("Obligation"), _("Period"), _("Outcome"), _("Met at"), _("Evidence")],
            [
                [r["code"], r["title"], r["period"], r["outcome_label"], r["met_at"], r["evidence"]]
                for r in f["obligations"]["rows"]
            ],
        )
    )
    ag = f["agreements"]
    out.append(
        (
            _("Cooperation agreements"),
            [
                _("Reference"),
                _("Title"),
                _("Counterparty"),
                _("Status"),
                _("Suspended"),
                _("Ends on"),
            ],
            [
                [
                    r["reference"],
                    r["title"],
                    r["counterparty"],
                    r["status"],
                    r["suspended"],
                    r["ends_on"],
                ]
                for r in ag["rows"]
            ],
        )
    )
    sh = f["sharing"]
    out.append(
        (
            _("Data sharing"),
            [_("Item"), _("Count")],
            [[r["label"], r["count"]] for r in sh["rows"]]
            + [[key, value] for key, value in sh["totals"].items()],
        )
    )
    au = f["audit"]
    out.append(
        (
            _("Audit trail"),
            [_("Item"), _("Value")],
            [
                [_("Head entry at the period end"), au["head_id"]],
                [_("Head hash at the period end"), au["head_hash"]],
                [_("Head entry written at"), au["head_at"]],
                [_("Chain verification (whole trail)"), au["verify_result"]],
            ],
        )
    )
    return out


def summary_lines(f: dict) -> list[str]:
    inc, ob, ag = f["incidents"], f["obligations"]["counts"], f["agreements"]["counts"]
    return [
        _("%(n)s incidents; %(r)s regulatory reports, %(late)s late.")
        % {
            "n": inc["count"],
            "r": len(f["reports"]),
            "late": sum(1 for r in f["reports"] if r["on_time"] is False),
        },
        _("%(d)s drills with %(fi)s findings, %(ok)s rectified.")
        % {
            "d": len(f["drills"]["rows"]),
            "fi": f["drills"]["findings"],
            "ok": f["drills"]["rectified"],
        },
        _("%(m)s meetings held.") % {"m": len(f["meetings"])},
        _(
            "Obligations: %(met)s met on time, %(late)s met late, %(missed)s missed, %(due)s still due."
        )
        % ob,
        _("Agreements: %(in_force)s in force, %(expiring)s expiring, %(suspended)s suspended.")
        % ag,
        {
            True: _("Audit chain: intact (%(detail)s)"),
            False: _("Audit chain: BROKEN (%(detail)s)"),
            None: _("Audit chain: %(detail)s"),
        }[f["audit"]["verified"]]
        % {"detail": f["audit"]["verify_result"]},
    ]


def _charts(f: dict) -> list[bytes]:
    inc = f["incidents"]
    out = []
    if inc["by_grade"]:
        out.append(
            charts.bar_png(
                [r["label"] for r in inc["by_grade"]],
                [r["count"] for r in inc["by_grade"]],
                title=_("Incidents by grade"),
            )
        )
    if inc["by_category"]:
        out.append(
            charts.bar_png(
                [r["label"] for r in inc["by_category"]],
                [r["count"] for r in inc["by_category"]],
                title=_("Incidents by category"),
            )
        )
    dept = f["training"]["by_department"]
    if dept:
        out.append(
            charts.bar_png(
                [r["name"] for r in dept],
                [r["coverage"] for r in dept],
                title=_("Training coverage by department (%)"),
                counts=False,
            )
        )
    ob = f["obligations"]
    out.append(
        charts.bar_png(
            [ob["labels"][k] for k in ob["counts"]],
            list(ob["counts"].values()),
            title=_("Obligations"),
        )
    )
    return out


def title_of(f: dict) -> str:
    return _("Data-security inspection pack %(start)s – %(end)s") % {
        "start": f["start"].isoformat(),
        "end": f["end"].isoformat(),
    }


def build_docx(f: dict) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(10)
    # East-Asian text takes its font from w:eastAsia, not from w:ascii (as reporting/documents).
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Sans CJK SC")
    doc.add_heading(title_of(f), level=0)
    doc.add_paragraph(_("Generated %(at)s.") % {"at": _fmt(f["generated_at"])})
    doc.add_heading(_("Summary"), level=1)
    for line in summary_lines(f):
        doc.add_paragraph(line, style="List Bullet")
    if f["sharing"].get("note"):
        doc.add_paragraph(f["sharing"]["note"])
    doc.add_heading(_("Charts"), level=1)
    for png in _charts(f):
        doc.add_picture(io.BytesIO(png), width=Cm(15))
    for title, header, rows in sections(f):
        doc.add_heading(title, level=1)
        if not rows:
            doc.add_paragraph(_("None in the period."))
            continue
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = str(text)
            for run in cell.paragraphs[0].runs:
                run.font.bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = _fmt(value)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def build_xlsx(f: dict) -> bytes:
    """The same figures, one sheet per table, through the kit's one Excel writer (text is
    never a formula)."""
    sheets = [(_("Summary"), [title_of(f)], [[line] for line in summary_lines(f)])]
    used = {sheets[0][0]}
    for title, header, rows in sections(f):
        name, n = title[:31], 2
        while name in used:
            name, n = f"{title[:28]} {n}", n + 1
        used.add(name)
        sheets.append((name, header, [[_xlsx(v) for v in row] for row in rows]))
    return xlsx_bytes(sheets)


def _xlsx(value):
    # Booleans read as 是/否 like the DOCX; the rest as the kit writes them.
    return _fmt(value) if isinstance(value, bool) else value
