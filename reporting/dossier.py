"""The case dossier (issue 21.4): one PDF and one DOCX per case, in Chinese: overview, grade
decisions with the criteria they matched, timeline, tasks, evidence with SHA-256 and custody,
regulatory reports with their versions' hashes and submissions, rectification and summary.

The layout is a Django template in the report documents' block markup (reporting.documents:
"# " heading, "| label | value" table rows, paragraphs): the newest active `DossierTemplate`, which
an officer edits in the admin (checked against a sample case before it is saved), or else the file
`reporting/dossier/case.txt` (a firm may override it in the project's template directory).
"""

from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import policy
from core.errors import ApplicationError
from incidents.models import Incident

from . import documents
from .models import DossierTemplate, RegulatoryReport

TEMPLATE = "reporting/dossier/case.txt"


def _at(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def _who(user) -> str:
    return str(user) if user else "—"


def snapshot(incident: Incident) -> dict:
    """Everything the dossier shows, as plain values (labels in Chinese)."""
    with translation.override("zh-hans"):
        case = {
            "reference": incident.reference,
            "title": incident.title,
            "category": str(incident.get_category_display()),
            "source": str(incident.get_source_display()),
            "grade": incident.grade or "—",
            "status": str(incident.get_status_display()),
            "discovered_at": _at(incident.discovered_at),
            "resolved_at": _at(incident.resolved_at),
            "closed_at": _at(incident.closed_at),
            "assignee": _who(incident.assignee),
            "team": str(incident.team or "—"),
            "description": incident.description,
            "summary": incident.summary or "—",
        }
        decisions = [
            {
                "decided_at": _at(d.decided_at),
                "old_grade": d.old_grade or "—",
                "grade": d.grade,
                "proposed_grade": d.proposed_grade,
                "decided_by": _who(d.decided_by),
                "reason": d.reason,
                "matched": d.matched or [],
            }
            for d in incident.grade_decisions.select_related("decided_by").order_by("decided_at")
        ]
        timeline = [
            {
                "at": _at(t.at),
                "kind": str(t.get_kind_display()),
                "text": t.text,
                "actor": _who(t.actor),
            }
            for t in incident.timeline.select_related("actor").order_by("at", "id")
        ]
        tasks = [
            {
                "title": t.title,
                "state": str(t.get_state_display()),
                "assignee": _who(t.assignee),
                "due_at": _at(t.due_at),
            }
            for t in incident.tasks.select_related("assignee").order_by("id")
        ]
        evidence = [
            {
                "name": e.original_name,
                "sha256": e.sha256,
                "size": e.size,
                "uploaded_at": _at(e.uploaded_at),
                "uploaded_by": _who(e.uploaded_by),
                "custody": [
                    {
                        "at": _at(c.at),
                        "action": str(c.get_action_display()),
                        "actor": _who(c.actor),
                        "note": c.note,
                    }
                    for c in e.custody.select_related("actor").order_by("at", "id")
                ],
            }
            for e in incident.evidence.select_related("uploaded_by").order_by("id")
        ]
        reports = [
            {
                "title": r.title,
                "recipient": str(r.get_recipient_display()),
                "stage": str(r.get_stage_display()),
                "status": str(r.get_status_display()),
                "versions": [
                    {
                        "number": v.number,
                        "sha256": v.sha256,
                        "approved_at": _at(v.approved_at),
                        "approved_by": _who(v.approved_by),
                    }
                    for v in r.versions.select_related("approved_by").order_by("number")
                ],
                "submissions": [
                    {
                        "submitted_at": _at(s.submitted_at),
                        "channel": str(s.get_channel_display()),
                        "on_time": s.on_time,
                        "late_reason": s.late_reason,
                        "receipt_number": s.receipt_number or "—",
                    }
                    for s in r.submissions.order_by("submitted_at")
                ],
            }
            for r in RegulatoryReport.objects.filter(incident=incident, is_drill=False).order_by(
                "created_at"
            )
        ]
        rectification = [
            {
                "title": r.title,
                "state": str(r.get_state_display()),
                "owner": _who(r.owner),
                "due_at": _at(r.due_at),
            }
            for r in incident.rectifications.select_related("owner").order_by("id")
        ]
    return {
        "case": case,
        "grade_decisions": decisions,
        "timeline": timeline,
        "tasks": tasks,
        "evidence": evidence,
        "reports": reports,
        "rectification": rectification,
    }


def template_body() -> str:
    """The officer's active template, else the file."""
    stored = DossierTemplate.objects.filter(is_active=True).order_by("-updated_at").first()
    if stored is not None:
        return stored.body
    return file_template_body()


def file_template_body() -> str:
    return get_template(TEMPLATE).template.source  # type: ignore[attr-defined]  # Django backend


_AT = "2026-03-01 09:30"
SAMPLE = {  # a made-up case with one of everything, to try a template on before it is saved
    "case": {
        "reference": "SJAQ-2026-000001",
        "title": "网上交易系统客户信息泄露（样例）",
        "category": "数据安全事件",
        "source": "内部发现",
        "grade": "III",
        "status": "处置中",
        "discovered_at": _AT,
        "resolved_at": "—",
        "closed_at": "—",
        "assignee": "张三",
        "team": "信息技术部",
        "description": "样例描述。",
        "summary": "—",
    },
    "grade_decisions": [
        {
            "decided_at": _AT,
            "old_grade": "—",
            "grade": "III",
            "proposed_grade": "III",
            "decided_by": "张三",
            "reason": "样例",
            "matched": [
                {"code": "D-1", "grade": "III", "description": "样例标准", "source": "样例"}
            ],
        }
    ],
    "timeline": [{"at": _AT, "kind": "备注", "text": "样例记录", "actor": "张三"}],
    "tasks": [{"title": "样例任务", "state": "待办", "assignee": "张三", "due_at": _AT}],
    "evidence": [
        {
            "name": "sample.log",
            "sha256": "0" * 64,
            "size": 1,
            "uploaded_at": _AT,
            "uploaded_by": "张三",
            "custody": [{"at": _AT, "action": "上传", "actor": "张三", "note": "样例"}],
        }
    ],
    "reports": [
        {
            "title": "首报（样例）",
            "recipient": "证监局",
            "stage": "首报",
            "status": "已报送",
            "versions": [
                {"number": 1, "sha256": "0" * 64, "approved_at": _AT, "approved_by": "李四"}
            ],
            "submissions": [
                {
                    "submitted_at": _AT,
                    "channel": "系统报送",
                    "on_time": True,
                    "late_reason": "",
                    "receipt_number": "—",
                }
            ],
        }
    ],
    "rectification": [{"title": "样例整改", "state": "进行中", "owner": "张三", "due_at": _AT}],
}


def check_template(body: str) -> None:
    """Compile `body` and lay it out for the sample case; ApplicationError (Chinese) if either
    fails or nothing at all comes out."""
    if not (body or "").strip():
        raise ApplicationError(_("The dossier template is empty."))
    documents.check_template(body)
    try:
        blocks = documents.render_blocks(body, SAMPLE)
    except ApplicationError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of a user's template is a refusal
        raise ApplicationError(
            _("The template could not be rendered for a sample case: %(error)s") % {"error": exc}
        ) from exc
    if not blocks:
        raise ApplicationError(_("The dossier template renders nothing for a sample case."))


def render(*, actor, incident: Incident, kind: str) -> bytes:
    """The case's dossier as "pdf" or "docx", for whoever may read the case (the caller found
    `incident` through `visible_to(actor)`)."""
    policy.require(actor, "incidents.read")
    blocks = documents.render_blocks(template_body(), snapshot(incident))
    title = f"案件卷宗 {incident.reference}"
    footer = f"生成时间 {_at(timezone.now())}"
    if kind == "pdf":
        return documents.to_pdf(title, blocks, footer)
    return documents.to_docx(title, blocks, footer)
