"""What each stage of a report must say (per the reference: CAC 2025 Arts. 7–8, the CSRC report
form), how a draft is pre-filled from the incident, and the frozen snapshot that gets hashed."""

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .models import Grade, Stage

FIELD_LABELS = {
    "unit": _("Reporting unit"),
    "systems": _("Systems involved"),
    "discovered_at": _("Discovery time"),
    "incident_type": _("Incident type"),
    "grade": _("Grade"),
    "summary": _("Summary of the incident"),
    "impact": _("Impact (scope, people affected, loss)"),
    "measures": _("Measures taken"),
    "cause": _("Cause"),
    "progress": _("Progress since the last report"),
    "handling": _("How the incident was handled, including reports made"),
    "responsibility": _("Responsibility and accountability"),
    "remediation": _("Remediation"),
    "lessons": _("Lessons learned"),
    "verification": _("Verification result"),
    "result": _("Result and feedback"),
    "contact": _("Contact person and phone"),
}

STAGE_FIELDS: dict[str, list[str]] = {
    Stage.INITIAL: [
        "unit",
        "systems",
        "discovered_at",
        "incident_type",
        "grade",
        "summary",
        "impact",
        "measures",
        "cause",
        "contact",
    ],
    Stage.FOLLOW_UP: ["unit", "systems", "grade", "progress", "impact", "measures", "contact"],
    Stage.FINAL: [
        "unit",
        "systems",
        "discovered_at",
        "incident_type",
        "grade",
        "summary",
        "handling",
        "cause",
        "impact",
        "responsibility",
        "remediation",
        "lessons",
        "contact",
    ],
    Stage.FEEDBACK: ["unit", "summary", "verification", "handling", "result", "contact"],
}
# CAC 2025 Art. 7: what the first report may have left out, supplemented once known.
STAGE_FIELDS[Stage.SUPPLEMENTARY] = [
    "unit",
    "systems",
    "incident_type",
    "grade",
    "impact",
    "measures",
    "cause",
    "contact",
]
STAGE_FIELDS[Stage.CRIME] = [
    "unit",
    "systems",
    "discovered_at",
    "incident_type",
    "summary",
    "impact",
    "measures",
    "contact",
]
# 2012 Art. 18: when the cause is not yet known, a preliminary analysis goes in first.
STAGE_FIELDS[Stage.PRELIMINARY] = [
    "unit",
    "systems",
    "discovered_at",
    "incident_type",
    "grade",
    "summary",
    "handling",
    "cause",
    "impact",
    "contact",
]
STAGE_FIELDS[Stage.DRILL] = ["unit", "summary", "handling", "lessons", "remediation", "contact"]

# An initial report may go out with the unit/system and discovery time only and be completed
# later (CAC 2025 Art. 7); every other stage needs its summary at least.
REQUIRED_FIELDS: dict[str, list[str]] = {
    Stage.INITIAL: ["unit", "systems", "discovered_at"],
    Stage.FOLLOW_UP: ["progress"],
    Stage.FINAL: ["summary", "cause", "remediation"],
    Stage.FEEDBACK: ["verification", "result"],
    Stage.SUPPLEMENTARY: ["incident_type", "grade", "impact", "measures"],
    Stage.CRIME: ["summary"],
    Stage.PRELIMINARY: ["summary", "handling"],
    Stage.DRILL: ["summary"],
}


def grade_label(grade: str) -> str:
    """The grade in the national wording for documents (our own labels, e.g. "III级 较大")."""
    if grade not in Grade.values:
        return ""
    with translation.override("zh-hans"):
        return str(Grade(grade).label)


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def _user_contact(user) -> str:
    if user is None:
        return ""
    # 联系人及电话: a name and a phone number, never an e-mail address.
    return " ".join(p for p in (str(user), user.phone) if p)


def firm_name() -> str:
    """报告单位: the firm profile's name (officers keep it), else the site's name."""
    from django.conf import settings

    from core.models import FirmProfile

    profile = FirmProfile.current()
    if profile is not None and profile.name:
        return profile.name
    return settings.SITE_NAME or ""


def firm_contact() -> str:
    """联系人及电话: the firm profile's reporting contact, name and phone."""
    from core.models import FirmProfile

    profile = FirmProfile.current()
    return profile.contact_line if profile is not None else ""


def prefill(*, stage: str, incident=None, notice=None, previous=None, drill=None) -> dict:
    """Draft content for a new report: facts from the incident (or notice), the text a colleague
    already wrote for the same stage of an earlier report where there is one. The reporting
    unit and contact come from the firm profile."""
    facts: dict[str, str] = {"unit": firm_name()}
    contact = firm_contact()
    with translation.override("zh-hans"):
        if incident is not None:
            systems = ", ".join(
                f"{s.name}（{s.get_category_display()}）" for s in incident.affected_systems.all()
            )
            facts.update(
                {
                    "systems": systems,
                    "discovered_at": _local(incident.discovered_at),
                    "incident_type": str(incident.get_category_display()),
                    "grade": grade_label(incident.grade),
                    "summary": incident.summary or incident.description or incident.title,
                    "impact": _impact(incident),
                    "contact": contact or _user_contact(incident.assignee),
                }
            )
        if notice is not None:
            facts.update(
                {
                    "summary": f"{notice.reference} {notice.title}",
                    "verification": notice.verification,
                    "contact": contact or _user_contact(notice.handler),
                }
            )
        if drill is not None:
            facts.update(
                {
                    "summary": f"{drill.title}：{drill.summary}",
                    "lessons": drill.lessons,
                    "contact": contact or _user_contact(drill.coordinator),
                }
            )
    content = {key: facts.get(key, "") for key in STAGE_FIELDS[stage]}
    for key, value in (previous or {}).items():
        if key in content and value and not content[key]:
            content[key] = value
    return content


def _impact(incident) -> str:
    parts = []
    if incident.persons_leaked:
        parts.append(f"涉及个人信息 {incident.persons_leaked} 人")
    if incident.records_leaked:
        parts.append(f"泄露记录 {incident.records_leaked} 条")
    if incident.economic_loss:
        parts.append(f"直接经济损失 {incident.economic_loss} 元")
    for system in incident.affected_systems.all():
        if system.outage_minutes:
            parts.append(f"{system.name} 全部中断 {system.outage_minutes} 分钟")
        if system.main_function_outage_minutes:
            parts.append(f"{system.name} 主要功能中断 {system.main_function_outage_minutes} 分钟")
    return "；".join(parts)


def build_snapshot(report, *, author, approved_by, approved_at) -> dict:
    """Everything the approved document shows, frozen (labels in Chinese, times in Shanghai)."""
    with translation.override("zh-hans"):
        fields = [
            {"key": key, "label": str(FIELD_LABELS[key]), "value": report.content.get(key, "")}
            for key in STAGE_FIELDS[report.stage]
        ]
        snapshot = {
            "report": {
                "id": report.pk,
                "title": report.title,
                "recipient": report.recipient,
                "recipient_label": str(report.get_recipient_display()),
                "stage": report.stage,
                "stage_label": str(report.get_stage_display()),
                "sequence": report.sequence,
                "version": report.version,
                "is_drill": report.is_drill,
                "due_at": _local(report.due_at),
                "due_label": report.due_label,
            },
            "content": {f["key"]: f["value"] for f in fields},
            "fields": fields,
            "author": str(author),
            "approved_by": str(approved_by),
            "approved_at": _local(approved_at),
            "unit": report.content.get("unit", ""),
        }
        if report.incident_id:
            incident = report.incident
            snapshot["incident"] = {
                "reference": incident.reference,
                "title": incident.title,
                "grade": incident.grade,
                "grade_label": grade_label(incident.grade),
                "discovered_at": _local(incident.discovered_at),
                "resolved_at": _local(incident.resolved_at),
            }
        if report.notice_id:
            notice = report.notice
            snapshot["notice"] = {
                "reference": notice.reference,
                "title": notice.title,
                "issuer_label": str(notice.get_issuer_display()),
                "received_at": _local(notice.received_at),
                "feedback_due_at": _local(notice.feedback_due_at),
            }
    return snapshot


DEFAULT_TEMPLATE_BODY = """# {{ report.title }}
{% if report.is_drill %}【演练】本报告为应急演练材料，不作为正式报送。
{% endif %}
| 报送对象 | {{ report.recipient_label }}
| 报告类型 | {{ report.stage_label }}{% if report.sequence > 1 %}（第{{ report.sequence }}次）{% endif %}
{% if report.due_label %}| 报送期限 | {{ report.due_label }}
{% endif %}{% if incident %}| 事件编号 | {{ incident.reference }}
| 事件名称 | {{ incident.title }}
| 事件级别 | {{ incident.grade_label }}
| 发现时间 | {{ incident.discovered_at }}
{% endif %}{% if notice %}| 通报文号 | {{ notice.reference }}
| 通报事项 | {{ notice.title }}
| 反馈期限 | {{ notice.feedback_due_at }}
{% endif %}
## 报告内容
{% for f in fields %}| {{ f.label }} | {{ f.value|default:"—" }}
{% endfor %}
## 签发
| 报告单位 | {{ unit|default:"—" }}
| 填报人 | {{ author }}
| 审核签发人 | {{ approved_by }}
| 签发时间 | {{ approved_at }}
| 版本 | 第{{ report.version }}版
"""


def snapshot_lines(snapshot) -> list[tuple[str, str]]:
    """A frozen version as the audit log shows it: the report, its fields by label, who approved."""
    if not isinstance(snapshot, dict):
        return [("", str(snapshot))]
    report = snapshot.get("report") or {}
    lines = [(str(_("Report")), str(report.get("title") or "—"))]
    for field in snapshot.get("fields") or []:
        lines.append((str(field.get("label") or field.get("key")), str(field.get("value") or "—")))
    if snapshot.get("approved_by"):
        lines.append((str(_("Approved by")), str(snapshot["approved_by"])))
        lines.append((str(_("Approved at")), str(snapshot.get("approved_at") or "—")))
    return lines
