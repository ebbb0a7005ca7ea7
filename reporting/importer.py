"""Import of past cases from an Excel workbook (issue 21.6): closed cases with their dates, grade,
summary and the report as submitted.

`import_cases(actor=..., workbook=..., commit=False)` is a dry run: every row is checked and every
bad row named ("第 3 行：…"); nothing is written. With `commit=True` the same checks run first
and, if any row is bad, nothing is written either; otherwise all rows are written in one
transaction (all or nothing). Each imported case is created closed, under the reference the year
counter gives (its original number is kept in the description), with a timeline note and an
audit entry that says it was imported (additional data: workbook and row).

Columns (first row, Chinese headers): 标题, 类别, 来源, 级别, 发现时间, 处置完成时间, 关闭时间,
总结, 团队 (optional), 原编号 (optional), and for the report as submitted (all or none):
报告标题, 报送对象, 报告阶段, 报送时间, 是否按时, 回执号.
"""

import io
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import Department
from audit.models import AuditEntry
from core.errors import ApplicationError
from incidents.models import Grade, Incident, TimelineEntry
from incidents.services.common import _next_number

from .documents import snapshot_hash
from .models import Recipient, RegulatoryReport, ReportSubmission, ReportVersion, Stage

COLUMNS = {
    "标题": "title",
    "类别": "category",
    "来源": "source",
    "级别": "grade",
    "发现时间": "discovered_at",
    "处置完成时间": "resolved_at",
    "关闭时间": "closed_at",
    "总结": "summary",
    "团队": "team",
    "原编号": "original_reference",
    "报告标题": "report_title",
    "报送对象": "recipient",
    "报告阶段": "stage",
    "报送时间": "submitted_at",
    "是否按时": "on_time",
    "回执号": "receipt_number",
}
HEADERS = {key: header for header, key in COLUMNS.items()}
REQUIRED = ("title", "category", "grade", "discovered_at", "resolved_at", "closed_at", "summary")
REPORT = ("report_title", "recipient", "submitted_at")
TIMES = ("discovered_at", "resolved_at", "closed_at", "submitted_at")
MAX_ROWS = 5000
# The values a choice column accepts (by code or by Chinese label); a drill is never imported.
CHOICES = {
    "category": Incident.Category.choices,
    "source": [c for c in Incident.Source.choices if c[0] != Incident.Source.DRILL],
    "grade": Grade.choices,
    "recipient": Recipient.choices,
    "stage": Stage.choices,
}


@dataclass
class Row:
    number: int
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """One bad cell (or a rule between cells) of one row: the row's number in the sheet, the
    column header(s) concerned and the reason, in the user's language."""

    row: int
    column: str
    reason: str
    message: str = ""  # the whole sentence, "第 3 行：…。", in the language of the check

    def __str__(self) -> str:
        return self.message


@dataclass
class ImportResult:
    rows: list[Row]
    problems: list[Problem]
    committed: bool = False
    references: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [str(p) for p in self.problems]

    @property
    def ok(self) -> bool:
        return not self.problems


def _choice(value, choices) -> str | None:
    """A choice by its code or its Chinese label."""
    text = str(value).strip()
    with translation.override("zh-hans"):
        for code, label in choices:
            if text in (code, str(label)):
                return code
    return None


def _when(value) -> datetime | None:
    if isinstance(value, datetime):
        dt = value
    else:
        text = str(value).strip()
        for fmt in (
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d",
            "%Y/%m/%d %H:%M",
            "%Y/%m/%d",
        ):
            try:
                dt = datetime.strptime(text, fmt)  # noqa: DTZ007 - made aware just below
                break
            except ValueError:
                continue
        else:
            return None
    return timezone.make_aware(dt) if timezone.is_naive(dt) else dt


def read(workbook) -> list[Row]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(workbook.read()), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file is the same answer to the user
        raise ApplicationError(_("The file is not an Excel workbook (.xlsx)."))
    sheet = wb.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [str(h or "").strip() for h in next(lines, ())]
    if not any(header):
        raise ApplicationError(
            _("The first sheet is empty: its first row must hold the column headers.")
        )
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise ApplicationError(_("Unknown columns: %(names)s.") % {"names": "、".join(unknown)})
    missing = [h for h, key in COLUMNS.items() if key in REQUIRED and h not in header]
    if missing:
        raise ApplicationError(_("Missing columns: %(names)s.") % {"names": "、".join(missing)})
    rows = []
    for number, line in enumerate(lines, start=2):
        values = {
            COLUMNS[h]: v for h, v in zip(header, line, strict=False) if h and v not in (None, "")
        }
        if values:
            rows.append(Row(number, values))
        if len(rows) > MAX_ROWS:
            raise ApplicationError(_("At most %(n)s rows per file.") % {"n": MAX_ROWS})
    if not rows:
        raise ApplicationError(_("The workbook has no rows to import."))
    return rows


def _check(row: Row) -> list[Problem]:  # noqa: C901 - one check per column, in column order
    v, problems = row.values, []

    def bad(keys, reason):
        columns = "、".join(HEADERS[k] for k in ((keys,) if isinstance(keys, str) else keys))
        message = _("Row %(n)s: %(problem)s.") % {"n": row.number, "problem": reason}
        problems.append(Problem(row.number, columns, reason, message))

    for key in REQUIRED:
        if key not in v:
            bad(key, _("%(column)s is empty") % {"column": HEADERS[key]})
    if "title" in v and len(str(v["title"])) > 200:
        bad("title", _("the title is longer than 200 characters"))
    if "category" in v and not (code := _choice(v["category"], CHOICES["category"])):
        bad("category", _("unknown category “%(v)s”") % {"v": v["category"]})
    elif "category" in v:
        v["category"] = code
    source = _choice(v.get("source", Incident.Source.INTERNAL), CHOICES["source"])
    if source is None:
        bad("source", _("unknown source “%(v)s”") % {"v": v.get("source")})
    v["source"] = source
    if "grade" in v and not (grade := _choice(v["grade"], CHOICES["grade"])):
        bad("grade", _("unknown grade “%(v)s”") % {"v": v["grade"]})
    elif "grade" in v:
        v["grade"] = grade
    for key in TIMES:
        if key in v:
            parsed = _when(v[key])
            if parsed is None:
                bad(key, _("“%(v)s” is not a date and time") % {"v": v[key]})
            v[key] = parsed
    order = TIMES[:3]
    times = [v.get(k) for k in order]
    if all(times) and not (times[0] <= times[1] <= times[2] <= timezone.now()):
        bad(order, _("the times must run discovered ≤ resolved ≤ closed, none in the future"))
    if "team" in v:
        team = Department.objects.filter(name=str(v["team"]).strip()).first()
        if team is None:
            bad("team", _("unknown team “%(v)s”") % {"v": v["team"]})
        v["team"] = team
    report = [k for k in REPORT if k in v]
    if report and len(report) != len(REPORT):
        bad(
            [k for k in REPORT if k not in v],
            _("a report needs its title, recipient and submission time"),
        )
    if "recipient" in v and not (code := _choice(v["recipient"], CHOICES["recipient"])):
        bad("recipient", _("unknown recipient “%(v)s”") % {"v": v["recipient"]})
    elif "recipient" in v:
        v["recipient"] = code
    stage = _choice(v.get("stage", Stage.INITIAL), CHOICES["stage"])
    if stage is None:
        bad("stage", _("unknown report stage “%(v)s”") % {"v": v.get("stage")})
    v["stage"] = stage
    on_time = str(v.get("on_time", "是")).strip()
    if on_time not in ("是", "否", "True", "False", "1", "0"):
        bad("on_time", _("“是否按时” must be 是 or 否"))
    v["on_time"] = on_time in ("是", "True", "1")
    return problems


def import_cases(*, actor, workbook, name: str = "", commit: bool = False) -> ImportResult:
    policy.require(actor, "incidents.history.import")
    rows = read(workbook)
    problems = [problem for row in rows for problem in _check(row)]
    result = ImportResult(rows, problems)
    if problems or not commit:
        return result
    with transaction.atomic():
        for row in rows:
            result.references.append(_create(actor, row, name).reference)
    result.committed = True
    return result


def _label(key: str, code: str) -> str:
    """A choice's Chinese label, as a person types it in the workbook."""
    with translation.override("zh-hans"):
        return str(dict(CHOICES[key])[code])


def _example() -> dict:
    """One row the importer accepts, in the words a person types (labels, not codes)."""
    year = timezone.localdate().year - 1
    discovered = datetime(year, 3, 1, 9, 0)  # noqa: DTZ001 - a wall-clock time, as in Excel
    return {
        "title": _("Trojan on an office workstation after a phishing e-mail (example)"),
        "category": _label("category", Incident.Category.MALWARE),
        "source": _label("source", Incident.Source.INTERNAL),
        "grade": Grade.IV.value,
        "discovered_at": discovered,
        "resolved_at": discovered.replace(hour=18),
        "closed_at": discovered.replace(day=10, hour=10),
        "summary": _("Workstation isolated, trojan removed, all staff reminded."),
        "team": "",
        "original_reference": f"{year}-007",
        "report_title": _("Initial report: phishing e-mail"),
        "recipient": _label("recipient", Recipient.CSRC_BRANCH),
        "stage": _label("stage", Stage.INITIAL),
        "submitted_at": discovered.replace(hour=11),
        "on_time": "是",
        "receipt_number": f"BS-{year}-001",
    }


def _note(key: str) -> str:
    if key == "grade":
        labels = "、".join(_label(key, code) for code, _text in CHOICES[key])
        return _("I, II, III or IV (or the full name: %(values)s).") % {"values": labels}
    if key in CHOICES:
        labels = "、".join(_label(key, code) for code, _text in CHOICES[key])
        return _("One of: %(values)s.") % {"values": labels}
    notes = {
        "title": _("At most 200 characters."),
        "summary": _("What happened and what was done."),
        "team": _("The name of a department as registered in the system; may be left empty."),
        "original_reference": _("The case's number in the old records; kept in its description."),
        "report_title": _("Fill in the report columns for a case reported to a regulator."),
        "on_time": _("是 or 否; empty means 是."),
        "receipt_number": _("The regulator's receipt or reference number, if any."),
    }
    if key in TIMES:
        return _("A date and time, e.g. 2024-03-01 09:00, or an Excel date.")
    return str(notes.get(key, ""))


def template_workbook() -> bytes:
    """The workbook a person fills in: the first sheet has exactly the headers `read` expects
    (COLUMNS, in order) and one example row; a second sheet says what each column takes."""
    from openpyxl.styles import Font

    from core.exports import append_row, new_workbook

    wb = new_workbook()
    sheet = wb.create_sheet(_("Past cases"))
    append_row(sheet, list(COLUMNS), font=Font(bold=True))
    example = _example()
    append_row(sheet, [example[key] for key in COLUMNS.values()])
    for index, header in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 22 if COLUMNS[header] in TIMES else 18
        if COLUMNS[header] in TIMES:
            sheet.cell(row=2, column=index).number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "A2"
    guide = wb.create_sheet(_("How to fill in"))
    bold = Font(bold=True)
    append_row(guide, [_("Column"), _("Required"), _("What to enter")], font=bold)
    for header, key in COLUMNS.items():
        if key in REQUIRED:
            need = _("Required")
        elif key in REPORT:
            need = _("Required for a report")
        else:
            need = _("Optional")
        append_row(guide, [header, need, _note(key)])
    append_row(guide, [])
    append_row(
        guide,
        [
            _(
                "Row 2 of the first sheet is an example: replace it with your cases. Only the "
                "first sheet is read; every row is checked before anything is imported."
            )
        ],
    )
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 14
    guide.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _create(actor, row: Row, name: str) -> Incident:
    v = row.values
    person = policy.person(actor)
    year = timezone.localdate().year
    number = _next_number(year)
    original = str(v.get("original_reference", "")).strip()
    description = _("Imported from the history workbook %(file)s, row %(row)s.") % {
        "file": name or "-",
        "row": row.number,
    }
    if original:
        description += " " + _("Original reference: %(ref)s.") % {"ref": original}
    incident = Incident.objects.create(
        reference=f"SJAQ-{year}-{number:04d}",
        year=year,
        number=number,
        title=str(v["title"]).strip(),
        description=description,
        category=v["category"],
        source=v["source"],
        status=Incident.Status.CLOSED,
        grade=v["grade"],
        discovered_at=v["discovered_at"],
        contained_at=v["resolved_at"],
        resolved_at=v["resolved_at"],
        closed_at=v["closed_at"],
        summary=str(v["summary"]).strip(),
        team=v.get("team"),
        created_by=person,
    )
    TimelineEntry.objects.create(
        incident=incident, actor=person, kind=TimelineEntry.Kind.NOTE, text=description
    )
    if "report_title" in v:
        _report(incident, person, v)
    AuditEntry.objects.log_create(
        incident,
        force_log=True,
        action=AuditEntry.Action.UPDATE,
        changes={"imported": [None, f"{name or '-'}#{row.number}"]},
        additional_data={"imported": True, "workbook": name, "row": row.number},
    )
    return incident


def _report(incident, person, v) -> None:
    report = RegulatoryReport.objects.create(
        incident=incident,
        recipient=v["recipient"],
        stage=v["stage"],
        status=RegulatoryReport.Status.SUBMITTED,
        title=str(v["report_title"]).strip()[:300],
        author=person,
    )
    snapshot = {"imported": True, "title": report.title, "incident": incident.reference}
    version = ReportVersion.objects.create(
        report=report,
        number=1,
        snapshot=snapshot,
        sha256=snapshot_hash(snapshot),
        author=person,
        approved_by=person,
        approved_at=v["submitted_at"],
    )
    ReportSubmission.objects.create(
        report=report,
        version=version,
        channel=ReportSubmission.Channel.values[0],
        submitted_at=v["submitted_at"],
        submitted_by=person,
        on_time=v["on_time"],
        late_reason="" if v["on_time"] else _("Imported: late as recorded in the history."),
        receipt_number=str(v.get("receipt_number", "")).strip()[:120],
    )
