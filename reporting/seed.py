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

# The rules as first seeded (migration 0002), kept as they were so a new database goes through
# the same history as an existing one; `RULES` below is what 0007 brings every database to.
RULES_V1 = [
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

ORDER_218 = "《证券期货业网络和信息安全管理办法》（证监会令第218号）"
FIRM_2012 = (
    "本公司规定，参照已废止的《证券期货业信息安全事件报告与调查处理办法》（证监会公告〔2012〕46号）"
)


def _rule(code, name, regime, recipient, stage, **extra):
    row = {
        "code": code,
        "name": name,
        "regime": regime,
        "recipient": recipient,
        "stage": stage,
        "most_severe_grade": "I",
        "least_severe_grade": "IV",
        "cii_scope": "any",
        "anchor": "discovered",
        "repeat_every_hours": None,
        "effective_from": None,
        "time_of_day": "end_of_day",
        "applies_when": "",
        "basis": "text",
        "source_repealed": False,
        "needs_confirmation": False,
        "note": "",
    }
    row.update(extra)
    return row


def _cac(code, name, recipient, stage, **extra):
    extra.setdefault("least_severe_grade", "III")
    extra.setdefault("effective_from", datetime.date(2025, 11, 1))
    extra.setdefault("source_status", "Q")
    return _rule(code, name, "cac", recipient, stage, **extra)


# Held against regulatory-findings.md (2026-12). "basis": whether the text sets the deadline or
# the firm chose it; "time_of_day": day-based deadlines end at 23:59:59 unless the text counts
# from the trigger's clock (the CAC 30-day summary).
RULES = [
    _rule(
        "csrc-branch-initial",
        "证监局应急报告（首报）",
        "csrc",
        "csrc_branch",
        "initial",
        offset_amount=1,
        offset_unit="hours",
        basis="firm",
        source=ORDER_218 + "第39条",
        source_status="C",
        needs_confirmation=True,
        note="第39条：向中国证监会及其派出机构进行应急报告，不得瞒报、谎报、迟报、漏报；"
        "原文未规定分钟数，也不按级别区分。“发现后1小时”是本公司规定，须对照〔2021〕12号原文确认。",
    ),
    _rule(
        "csrc-initial",
        "证监会应急报告（首报）",
        "csrc",
        "csrc",
        "initial",
        offset_amount=1,
        offset_unit="hours",
        basis="firm",
        source=ORDER_218 + "第39条",
        source_status="C",
        needs_confirmation=True,
        note="第39条：向中国证监会及其派出机构报告，不按级别区分；“1小时”是本公司规定。",
    ),
    _rule(
        "csrc-branch-follow-up",
        "证监局续报（服务中断未恢复期间，发现后2小时起每小时）",
        "csrc",
        "csrc_branch",
        "follow_up",
        offset_amount=2,
        offset_unit="hours",
        repeat_every_hours=1,
        applies_when="outage",
        basis="firm",
        source=FIRM_2012 + "第16条第（三）项",
        source_status="C",
        needs_confirmation=True,
        note="仅见于已废止的2012年办法，且仅针对30分钟内不能恢复的服务中断：立即报告，"
        "此后至少每1小时报告一次直至恢复。现行〔2021〕12号的续报要求未核实；"
        "本规则仅适用于服务中断类事件，服务恢复即停止。",
    ),
    _rule(
        "csrc-branch-preliminary",
        "证监局初步分析报告（原因未查明时，处置结束后5个工作日内）",
        "csrc",
        "csrc_branch",
        "preliminary",
        anchor="resolved",
        offset_amount=5,
        offset_unit="working_days",
        applies_when="cause_unknown",
        basis="firm",
        source=FIRM_2012 + "第18条",
        source_status="S",
        needs_confirmation=True,
        note="2012年办法第18条：原因暂不明确的，先报初步分析报告，查明后再报总结报告。"
        "〔2021〕12号的期限未核实。",
    ),
    _rule(
        "csrc-branch-final",
        "证监局总结报告（处置结束后5个工作日内；原因未查明的，查明后5个工作日内）",
        "csrc",
        "csrc_branch",
        "final",
        anchor="resolved",
        offset_amount=5,
        offset_unit="working_days",
        applies_when="cause_known",
        basis="firm",
        source=FIRM_2012 + "第18条",
        source_status="S",
        needs_confirmation=True,
        note="2012年办法第18条：处置结束、系统恢复正常后5个工作日内提交调查及总结报告；"
        "原因未查明的先报初步分析报告。〔2021〕12号的期限未核实。",
    ),
    _rule(
        "csrc-drill-report",
        "应急演练报告（演练结束后15个工作日内报证监会）",
        "csrc",
        "csrc",
        "drill",
        anchor="drill_completed",
        offset_amount=15,
        offset_unit="working_days",
        applies_when="drill",
        source=ORDER_218 + "第38条",
        source_status="C",
        needs_confirmation=True,
        note="第38条第1款：每年至少开展一次网络安全应急演练，演练结束后15个工作日内向证监会报告"
        "（该款的对象为核心机构，本公司是否适用请合规官确认）。",
    ),
    _cac(
        "cac-provincial-initial",
        "属地省级网信部门报告（其他网络运营者，较大及以上，4小时内）",
        "cac",
        "initial",
        cii_scope="non_cii",
        offset_amount=4,
        offset_unit="hours",
        source=CAC_SOURCE + "第4条",
        note="第4条：“其他网络运营者”向属地省级网信部门报告；关键信息基础设施运营者的渠道是"
        "保护工作部门和公安机关（如本公司选择同时报网信部门，请另设本公司规定）。"
        "首报至少包括：单位与系统、发现时间、事件类型、级别、影响、已采取措施（第7条）。",
    ),
    _cac(
        "cac-cii-protection-initial",
        "关键信息基础设施保护工作部门报告（1小时内）",
        "cii_protection",
        "initial",
        cii_scope="cii",
        offset_amount=1,
        offset_unit="hours",
        source=CAC_SOURCE + "第4条",
        note="涉及关键信息基础设施的，第一时间、最迟1小时内报告保护工作部门和公安机关。",
    ),
    _cac(
        "cac-cii-police-initial",
        "公安机关报告（关键信息基础设施，1小时内）",
        "police",
        "initial",
        cii_scope="cii",
        offset_amount=1,
        offset_unit="hours",
        source=CAC_SOURCE + "第4条",
        note="涉及关键信息基础设施的，第一时间、最迟1小时内报告保护工作部门和公安机关。",
    ),
    _cac(
        "cac-provincial-final",
        "属地省级网信部门总结报告（处置结束后30日内）",
        "cac",
        "final",
        cii_scope="non_cii",
        anchor="resolved",
        offset_amount=30,
        offset_unit="calendar_days",
        time_of_day="trigger_clock",
        source=CAC_SOURCE + "第8条",
        note="第8条：处置结束后30日内按照原渠道上报总结报告（原因、措施、危害、责任处理、整改、教训）。",
    ),
    _cac(
        "cac-cii-protection-final",
        "关键信息基础设施保护工作部门总结报告（处置结束后30日内）",
        "cii_protection",
        "final",
        cii_scope="cii",
        anchor="resolved",
        offset_amount=30,
        offset_unit="calendar_days",
        time_of_day="trigger_clock",
        source=CAC_SOURCE + "第8条",
        note="第8条：总结报告“按照原渠道上报”：关键信息基础设施的原渠道为保护工作部门和公安机关。",
    ),
    _cac(
        "cac-cii-police-final",
        "公安机关总结报告（关键信息基础设施，处置结束后30日内）",
        "police",
        "final",
        cii_scope="cii",
        anchor="resolved",
        offset_amount=30,
        offset_unit="calendar_days",
        time_of_day="trigger_clock",
        source=CAC_SOURCE + "第8条",
        note="第8条：总结报告“按照原渠道上报”：关键信息基础设施的原渠道为保护工作部门和公安机关。",
    ),
    _cac(
        "cac-provincial-supplementary",
        "属地省级网信部门补报（首报仅含第1–2项时，及时补报）",
        "cac",
        "supplementary",
        cii_scope="non_cii",
        anchor="opened",
        applies_when="opened",
        offset_amount=24,
        offset_unit="hours",
        basis="firm",
        needs_confirmation=True,
        source=CAC_SOURCE + "第7条",
        note="第7条：无法在时限内判明原因或影响的，可先报第1–2项，其余“及时补报”。"
        "原文无具体时限；“补报开启后24小时内”是本公司规定。",
    ),
    _cac(
        "cac-cii-protection-supplementary",
        "关键信息基础设施保护工作部门补报（及时补报）",
        "cii_protection",
        "supplementary",
        cii_scope="cii",
        anchor="opened",
        applies_when="opened",
        offset_amount=24,
        offset_unit="hours",
        basis="firm",
        needs_confirmation=True,
        source=CAC_SOURCE + "第7条",
        note="第7条：其余事项“及时补报”。原文无具体时限；24小时是本公司规定。",
    ),
    _cac(
        "cac-cii-police-supplementary",
        "公安机关补报（关键信息基础设施，及时补报）",
        "police",
        "supplementary",
        cii_scope="cii",
        anchor="opened",
        applies_when="opened",
        offset_amount=24,
        offset_unit="hours",
        basis="firm",
        needs_confirmation=True,
        source=CAC_SOURCE + "第7条",
        note="第7条：其余事项“及时补报”。原文无具体时限；24小时是本公司规定。",
    ),
    _cac(
        "cac-police-suspected-crime",
        "涉嫌违法犯罪：及时向公安机关报告",
        "police",
        "crime",
        least_severe_grade="IV",
        anchor="crime_suspected",
        applies_when="suspected_crime",
        offset_amount=2,
        offset_unit="hours",
        basis="firm",
        needs_confirmation=True,
        source=CAC_SOURCE + "第4条",
        note="第4条：涉嫌违法犯罪的，及时向公安机关报告（任何级别、是否关键信息基础设施均适用）。"
        "原文为“及时”，无具体时限；“标记后2小时内”是本公司规定。",
    ),
]

# Retired by 0007: the text sets no split by grade (Order 218 Art. 39).
RETIRED_CODES = {
    "csrc-initial-major": "第218号令第39条不按级别区分，已由“证监会应急报告（首报）”取代。",
}

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
    for row in RULES_V1:
        row = dict(row)
        code = row.pop("code")
        if not ReportingRule.objects.filter(code=code).exists():
            ReportingRule.objects.create(code=code, version=1, is_active=True, **row)


def sync_rules(apps, schema_editor):
    """Bring the seeded rules to `RULES`: a rule that differs gets a new version (the old one
    is kept, inactive, so reports keep the wording they were computed from); a missing rule is
    created; the retired codes are deactivated. An officer's own rules are left alone."""
    from django.db.models import Max

    ReportingRule = apps.get_model("reporting", "ReportingRule")
    for row in RULES:
        row = dict(row)
        code = row.pop("code")
        current = ReportingRule.objects.filter(code=code, is_active=True).first()
        if current is not None and all(getattr(current, k) == v for k, v in row.items()):
            continue
        if current is not None and current.created_by_id is not None:
            continue  # an officer's own version: theirs to change
        last = ReportingRule.objects.filter(code=code).aggregate(m=Max("version"))["m"] or 0
        if current is not None:
            current.is_active = False
            current.save(update_fields=["is_active"])
        ReportingRule.objects.create(code=code, version=last + 1, is_active=True, **row)
    for code, why in RETIRED_CODES.items():
        for rule in ReportingRule.objects.filter(code=code, is_active=True):
            rule.is_active = False
            rule.note = (rule.note + "\n" if rule.note else "") + "已停用：" + why
            rule.save(update_fields=["is_active", "note"])


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
