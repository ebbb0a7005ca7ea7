"""Default reporting rules and document templates, seeded from
../shared/domain/regulatory-reference.md (§3). Each rule keeps its source and status; [S] rows
and the CSRC "immediately" default are marked to confirm so an officer checks them.

Used by a data migration: plain data only, no model imports."""

import datetime

CSRC_SOURCE_2021 = "《证券期货业网络安全事件报告与调查处理办法》（证监会公告〔2021〕12号）；《证券期货业网络和信息安全管理办法》（证监会令第218号）第39条"
CSRC_SOURCE_2012 = (
    "原《证券期货业信息安全事件报告与调查处理办法》（证监会公告〔2012〕46号，已废止）第16–18条"
)
CAC_SOURCE = "《国家网络安全事件报告管理办法》（国家网信办，2025年9月11日发布，2025年11月1日施行）"

RULES = [
    {
        "code": "csrc-branch-initial",
        "name": "证监局紧急报告（首报）",
        "regime": "csrc",
        "recipient": "csrc_branch",
        "stage": "initial",
        "most_severe_grade": "I",
        "least_severe_grade": "IV",
        "cii_scope": "any",
        "anchor": "discovered",
        "offset_amount": 1,
        "offset_unit": "hours",
        "source": CSRC_SOURCE_2021,
        "source_status": "S",
        "needs_confirmation": True,
        "note": "第218号令第39条要求“应急报告”，不得迟报；原文为“立即”报告，未给出分钟数。"
        "此处“发现后1小时”是可配置的默认值，须对照〔2021〕12号原文确认。",
    },
    {
        "code": "csrc-initial-major",
        "name": "证监会紧急报告（特别重大、重大事件）",
        "regime": "csrc",
        "recipient": "csrc",
        "stage": "initial",
        "most_severe_grade": "I",
        "least_severe_grade": "II",
        "cii_scope": "any",
        "anchor": "discovered",
        "offset_amount": 1,
        "offset_unit": "hours",
        "source": CSRC_SOURCE_2021,
        "source_status": "S",
        "needs_confirmation": True,
        "note": "第218号令第39条：向中国证监会及其派出机构报告。特别重大、重大事件同时直报证监会"
        "属于本系统的默认理解，时限“立即”按1小时配置，均待对照原文确认。",
    },
    {
        "code": "csrc-branch-follow-up",
        "name": "证监局续报（服务恢复前每小时）",
        "regime": "csrc",
        "recipient": "csrc_branch",
        "stage": "follow_up",
        "most_severe_grade": "I",
        "least_severe_grade": "IV",
        "cii_scope": "any",
        "anchor": "discovered",
        "offset_amount": 2,
        "offset_unit": "hours",
        "repeat_every_hours": 1,
        "source": CSRC_SOURCE_2012,
        "source_status": "S",
        "needs_confirmation": True,
        "note": "2012年办法：服务30分钟内不能恢复的，立即报告并至少每1小时续报直至恢复。"
        "2021年办法的续报要求未核实。",
    },
    {
        "code": "csrc-branch-final",
        "name": "证监局总结报告（处置结束后5个工作日内）",
        "regime": "csrc",
        "recipient": "csrc_branch",
        "stage": "final",
        "most_severe_grade": "I",
        "least_severe_grade": "IV",
        "cii_scope": "any",
        "anchor": "resolved",
        "offset_amount": 5,
        "offset_unit": "working_days",
        "source": CSRC_SOURCE_2012,
        "source_status": "S",
        "needs_confirmation": True,
        "note": "2012年办法第18条：处置结束、系统恢复正常后5个工作日内提交调查及总结报告。"
        "2021年办法的期限未核实。",
    },
    {
        "code": "cac-provincial-initial",
        "name": "属地省级网信部门报告（较大及以上，4小时内）",
        "regime": "cac",
        "recipient": "cac",
        "stage": "initial",
        "most_severe_grade": "I",
        "least_severe_grade": "III",
        "cii_scope": "any",
        "anchor": "discovered",
        "offset_amount": 4,
        "offset_unit": "hours",
        "effective_from": datetime.date(2025, 11, 1),
        "source": CAC_SOURCE + "第4条",
        "source_status": "Q",
        "needs_confirmation": False,
        "note": "首报至少包括：单位与系统、发现时间、事件类型、级别、影响、已采取措施（第7条）。",
    },
    {
        "code": "cac-cii-protection-initial",
        "name": "关键信息基础设施保护工作部门报告（1小时内）",
        "regime": "cac",
        "recipient": "cii_protection",
        "stage": "initial",
        "most_severe_grade": "I",
        "least_severe_grade": "III",
        "cii_scope": "cii",
        "anchor": "discovered",
        "offset_amount": 1,
        "offset_unit": "hours",
        "effective_from": datetime.date(2025, 11, 1),
        "source": CAC_SOURCE + "第4条",
        "source_status": "Q",
        "needs_confirmation": False,
        "note": "涉及关键信息基础设施的，第一时间、最迟1小时内报告保护工作部门和公安机关。",
    },
    {
        "code": "cac-cii-police-initial",
        "name": "公安机关报告（关键信息基础设施，1小时内）",
        "regime": "cac",
        "recipient": "police",
        "stage": "initial",
        "most_severe_grade": "I",
        "least_severe_grade": "III",
        "cii_scope": "cii",
        "anchor": "discovered",
        "offset_amount": 1,
        "offset_unit": "hours",
        "effective_from": datetime.date(2025, 11, 1),
        "source": CAC_SOURCE + "第4条",
        "source_status": "Q",
        "needs_confirmation": False,
        "note": "涉嫌违法犯罪的，另应及时向公安机关报告。",
    },
    {
        "code": "cac-provincial-final",
        "name": "属地省级网信部门总结报告（处置结束后30日内）",
        "regime": "cac",
        "recipient": "cac",
        "stage": "final",
        "most_severe_grade": "I",
        "least_severe_grade": "III",
        "cii_scope": "any",
        "anchor": "resolved",
        "offset_amount": 30,
        "offset_unit": "calendar_days",
        "effective_from": datetime.date(2025, 11, 1),
        "source": CAC_SOURCE + "第8条",
        "source_status": "Q",
        "needs_confirmation": False,
        "note": "总结报告包括原因、措施、危害、责任处理、整改、教训，按原渠道报送。",
    },
]

DEADLINE_KINDS = [
    (
        "reporting.initial",
        "首报报送期限",
        [
            {"offset": "-30m", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {
                "offset": "0",
                "recipients": ["owner", "role:incident_lead"],
                "channels": ["inapp", "email"],
            },
            {
                "offset": "+1h",
                "recipients": ["role:compliance_head"],
                "channels": ["inapp", "email"],
                "repeat_every": "2h",
            },
        ],
    ),
    (
        "reporting.follow_up",
        "续报报送期限",
        [
            {"offset": "-15m", "recipients": ["owner"], "channels": ["inapp"]},
            {
                "offset": "0",
                "recipients": ["owner", "role:incident_lead"],
                "channels": ["inapp", "email"],
            },
            {
                "offset": "+1h",
                "recipients": ["role:compliance_head"],
                "channels": ["inapp", "email"],
            },
        ],
    ),
    (
        "reporting.final",
        "总结报告报送期限",
        [
            {"offset": "-2d", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {
                "offset": "0",
                "recipients": ["owner", "role:incident_lead"],
                "channels": ["inapp", "email"],
            },
            {
                "offset": "+1h",
                "recipients": ["role:compliance_head"],
                "channels": ["inapp", "email"],
                "repeat_every": "1d",
            },
        ],
    ),
    (
        "reporting.feedback",
        "监管通报反馈期限",
        [
            {"offset": "-1d", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {
                "offset": "0",
                "recipients": ["owner", "role:incident_lead"],
                "channels": ["inapp", "email"],
            },
            {
                "offset": "+1h",
                "recipients": ["role:compliance_head"],
                "channels": ["inapp", "email"],
                "repeat_every": "1d",
            },
        ],
    ),
]


def seed_rules(apps, schema_editor):
    ReportingRule = apps.get_model("reporting", "ReportingRule")
    for row in RULES:
        row = dict(row)
        code = row.pop("code")
        if not ReportingRule.objects.filter(code=code).exists():
            ReportingRule.objects.create(code=code, version=1, is_active=True, **row)


def seed_templates(apps, schema_editor):
    from .content import DEFAULT_TEMPLATE_BODY

    ReportTemplate = apps.get_model("reporting", "ReportTemplate")
    names = {
        "initial": "网络安全事件情况报告书（首报）",
        "follow_up": "网络安全事件续报",
        "final": "网络安全事件总结报告",
        "feedback": "监管通报核查处置情况反馈",
    }
    for stage, name in names.items():
        ReportTemplate.objects.get_or_create(
            stage=stage,
            recipient="",
            name=name,
            defaults={"title": "{{ report.title }}", "body": DEFAULT_TEMPLATE_BODY},
        )


def seed_kinds(apps, schema_editor):
    from deadlines.seed import ensure_kind

    for code, label, steps in DEADLINE_KINDS:
        ensure_kind(apps, code=code, label=label, steps=steps)
