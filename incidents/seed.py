"""Default grading criteria (v1) and response plans, seeded by a data migration from
`shared/domain/regulatory-reference.md`. Officers confirm or edit them in the admin; [S] rows are
shown as needing confirmation. Kept as plain data here so the migration stays frozen-in-time
(the migration copies nothing from models)."""

CAC = "CAC 2025《国家网络安全事件报告管理办法》附件《网络安全事件分级指南》"
CAC_DRAFT = "CAC《网络安全事件分级指南》2023 征求意见稿（2025 终稿待核）"
PLAN_2017 = "《国家网络安全事件应急预案》（2017）"
CSRC_2012 = "CSRC〔2012〕46号（已废止，仅供参考量级）"
PRODUCT = "产品默认值：未找到监管阈值，请合规官确认"

# code, grade, fact, threshold, system_category, cii_only, description, source, status
CRITERIA = [
    # --- I 特别重大
    (
        "i-persons-leaked",
        "I",
        "persons_leaked",
        100_000_000,
        "",
        False,
        "个人信息泄露 ≥1亿人",
        CAC,
        "Q",
    ),
    (
        "i-cii-outage",
        "I",
        "outage_minutes",
        360,
        "",
        True,
        "关键信息基础设施整体中断 ≥6小时",
        CAC_DRAFT,
        "S",
    ),
    (
        "i-cii-main-outage",
        "I",
        "main_outage_minutes",
        1440,
        "",
        True,
        "关键信息基础设施主要功能中断 ≥24小时",
        CAC_DRAFT,
        "S",
    ),
    (
        "i-economic-loss",
        "I",
        "economic_loss",
        100_000_000,
        "",
        False,
        "直接经济损失 ≥1亿元",
        CAC_DRAFT,
        "S",
    ),
    (
        "i-qualitative",
        "I",
        "qualitative",
        None,
        "",
        False,
        "重要网络和信息系统遭受特别严重的系统损失，造成系统大面积瘫痪、丧失业务处理能力；"
        "或国家秘密信息、重要敏感信息、关键数据丢失或被窃取、篡改、假冒，构成特别严重威胁",
        PLAN_2017,
        "C",
    ),
    # --- II 重大
    (
        "ii-persons-leaked",
        "II",
        "persons_leaked",
        10_000_000,
        "",
        False,
        "个人信息泄露 ≥1000万人",
        CAC,
        "Q",
    ),
    (
        "ii-cii-outage",
        "II",
        "outage_minutes",
        120,
        "",
        True,
        "关键信息基础设施整体中断 ≥2小时",
        CAC_DRAFT,
        "S",
    ),
    (
        "ii-cii-main-outage",
        "II",
        "main_outage_minutes",
        360,
        "",
        True,
        "关键信息基础设施主要功能中断 ≥6小时",
        CAC_DRAFT,
        "S",
    ),
    (
        "ii-economic-loss",
        "II",
        "economic_loss",
        20_000_000,
        "",
        False,
        "直接经济损失 ≥2000万元",
        CAC_DRAFT,
        "S",
    ),
    (
        "ii-investors-leaked-2012",
        "II",
        "persons_leaked",
        100_000,
        "",
        False,
        "投资者数据泄露 ≥10万户（2012办法第11条第8项）",
        CSRC_2012,
        "S",
    ),
    (
        "ii-qualitative",
        "II",
        "qualitative",
        None,
        "",
        False,
        "重要网络和信息系统遭受严重的系统损失，造成系统长时间中断或局部瘫痪，业务处理能力受到极大影响；"
        "或重要敏感信息、关键数据丢失或被窃取、篡改、假冒，构成严重威胁",
        PLAN_2017,
        "C",
    ),
    # --- III 较大
    (
        "iii-persons-leaked",
        "III",
        "persons_leaked",
        1_000_000,
        "",
        False,
        "个人信息泄露 ≥100万人",
        CAC,
        "Q",
    ),
    (
        "iii-cii-outage",
        "III",
        "outage_minutes",
        30,
        "",
        True,
        "关键信息基础设施整体中断 ≥30分钟",
        CAC_DRAFT,
        "S",
    ),
    (
        "iii-cii-main-outage",
        "III",
        "main_outage_minutes",
        120,
        "",
        True,
        "关键信息基础设施主要功能中断 ≥2小时",
        CAC_DRAFT,
        "S",
    ),
    (
        "iii-economic-loss",
        "III",
        "economic_loss",
        5_000_000,
        "",
        False,
        "直接经济损失 ≥500万元",
        CAC_DRAFT,
        "S",
    ),
    (
        "iii-trading-outage-2012",
        "III",
        "outage_minutes",
        5,
        "trading",
        False,
        "集中交易或网上交易系统交易时段累计中断 ≥5分钟（2012办法第12条）",
        CSRC_2012,
        "S",
    ),
    (
        "iii-depository-outage-2012",
        "III",
        "outage_minutes",
        30,
        "depository",
        False,
        "第三方存管或融资融券系统累计中断 ≥30分钟（2012办法第12条）",
        CSRC_2012,
        "S",
    ),
    (
        "iii-bank-futures-outage-2012",
        "III",
        "outage_minutes",
        30,
        "bank_futures",
        False,
        "银期转账系统中断 ≥30分钟（2012办法第12条）",
        CSRC_2012,
        "S",
    ),
    (
        "iii-data-level-4",
        "III",
        "data_level",
        4,
        "",
        False,
        "涉及第4级数据（JR/T 0158-2018）",
        PRODUCT,
        "S",
    ),
    (
        "iii-pfi-c3",
        "III",
        "pfi_class",
        3,
        "",
        False,
        "涉及C3类个人金融信息（JR/T 0171-2020，鉴别信息）",
        PRODUCT,
        "S",
    ),
    (
        "iii-qualitative",
        "III",
        "qualitative",
        None,
        "",
        False,
        "网络和信息系统遭受较大的系统损失，造成系统中断、明显影响系统效率，业务处理能力受到影响；"
        "或重要敏感信息、关键数据丢失或被窃取、篡改、假冒，构成较严重威胁",
        PLAN_2017 + "（3–4级文字取自2023指南草案）",
        "S",
    ),
    # --- IV 一般
    (
        "iv-qualitative",
        "IV",
        "qualitative",
        None,
        "",
        False,
        "除上述情形外，对国家安全、社会秩序、经济建设和公众利益构成一定威胁、造成一定影响的网络安全事件",
        PLAN_2017 + "（3–4级文字取自2023指南草案）",
        "S",
    ),
]

# name, category, grade, target hours, follow-up hours, steps [(title, due hours)]
PLANS = [
    (
        "通用应急预案",
        "",
        "",
        72,
        24,
        [
            ("确认事件范围并初步定级", 2),
            ("采取遏制措施，保全现场与证据", 4),
            ("评估是否需向监管机构报告", 4),
            ("查明原因并消除影响", 48),
            ("撰写事件总结", 120),
        ],
    ),
    (
        "数据安全事件预案（重大及以上）",
        "data_security",
        "II",
        24,
        12,
        [
            ("启动应急预案，通知应急领导小组", 1),
            ("阻断泄露途径，保全日志与证据", 2),
            ("评估受影响个人与数据级别", 4),
            ("通知受影响的个人与相关方", 24),
            ("查明原因并消除影响", 24),
            ("撰写事件总结", 72),
        ],
    ),
    (
        "数据安全事件预案（特别重大）",
        "data_security",
        "I",
        12,
        6,
        [
            ("立即启动应急预案，上报应急领导小组", 1),
            ("阻断泄露途径，保全日志与证据", 1),
            ("评估受影响个人与数据级别", 2),
            ("通知受影响的个人与相关方", 12),
            ("撰写事件总结", 72),
        ],
    ),
    (
        "网络攻击事件预案",
        "network_attack",
        "",
        48,
        24,
        [
            ("隔离受影响主机与网段", 2),
            ("收集攻击痕迹与样本", 4),
            ("清除威胁并加固", 24),
            ("撰写事件总结", 120),
        ],
    ),
    (
        "设备设施故障预案",
        "equipment_failure",
        "",
        24,
        24,
        [
            ("切换备用系统，恢复服务", 1),
            ("统计中断时长与影响范围", 4),
            ("撰写事件总结", 120),
        ],
    ),
]


# --- 2026-12: the criteria held against the texts (regulatory-findings.md) -------------------
# Criteria from the replaced 2012 CSRC measures are kept in the set for reference only: a
# repealed source never proposes a grade. The CAC guide's personal-information thresholds
# (≥100万 III, ≥1000万 II, ≥1亿 I, 「以上均包括本数」) decide.

CSRC_2012_READ = "CSRC〔2012〕46号（已废止，仅供参考）"
CSRC_2021_TABLE = (
    "证监会公告〔2021〕12号《证券期货业网络安全事件报告与调查处理办法》附表"
    "（官方PDF未读到：合规官按附表填写阈值后启用）"
)
GRADE_WORDS = {"I": "I级 特别重大", "II": "II级 重大", "III": "III级 较大"}
CLASS_WORDS = {5: "五类", 4: "四类", 3: "三类", 2: "二类", 1: "一类"}

DESCRIPTION_FIXES = {
    "ii-investors-leaked-2012": "投资者数据泄露 ≥10万人（2012办法第11条第8项；已废止，仅供参考）",
}

# code, grade, description (reference only: the 2012 text, repealed)
REFERENCE_2012 = [
    (
        "iii-settlement-before-open-2012",
        "III",
        "开市前未能完成清算交收（2012办法第12条第（六）项；已废止，仅供参考）",
    ),
]


def template_2021():
    """The structure of the 2021 grading table (附表): system class × service-capability
    abnormality × duration, and data leaks by volume — thresholds empty, inactive."""
    rows = []
    for grade in ("I", "II", "III"):
        for cls in (5, 4, 3, 2, 1):
            rows.append(
                {
                    "code": f"csrc2021-class{cls}-{grade.lower()}",
                    "grade": grade,
                    "fact": "abnormality_minutes",
                    "threshold": None,
                    "conditions": [
                        {"fact": "system_class", "operator": "eq", "threshold": cls},
                        {"fact": "abnormality_percent", "operator": "gte", "threshold": None},
                    ],
                    "description": f"【模板·待填写，未启用】{CLASS_WORDS[cls]}信息系统：服务能力异常"
                    f" ≥__% 且持续 ≥__分钟 → {GRADE_WORDS[grade]}",
                }
            )
        rows.append(
            {
                "code": f"csrc2021-leak-{grade.lower()}",
                "grade": grade,
                "fact": "records_leaked",
                "threshold": None,
                "conditions": [],
                "description": f"【模板·待填写，未启用】数据泄露 ≥__条 → {GRADE_WORDS[grade]}",
            }
        )
    return rows


def revise_criteria(apps, schema_editor):
    """A new active version of the criteria: 2012 criteria for reference only, the 2021 table
    as an inactive template. Grades already given keep their version and snapshot."""
    from decimal import Decimal

    from django.db.models import Max
    from django.utils import timezone

    CriterionSet = apps.get_model("incidents", "GradingCriterionSet")
    Criterion = apps.get_model("incidents", "GradingCriterion")
    active = CriterionSet.objects.filter(state="active").first()
    if active is None or active.criteria.filter(code__startswith="csrc2021-").exists():
        return
    version = (CriterionSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    new = CriterionSet.objects.create(
        version=version,
        name="定级标准（对照监管文本修订，2026-12）",
        state="draft",
        notes="2012年办法的标准仅供参考（已废止，不参与定级建议）；〔2021〕12号附表的结构作为"
        "未启用的模板，待合规官依官方附表填写后启用。",
    )
    rows = []
    order = 0
    for c in active.criteria.order_by("order", "id"):
        repealed = c.source == CSRC_2012 or c.code.endswith("-2012")
        rows.append(
            Criterion(
                criterion_set=new,
                code=c.code,
                grade=c.grade,
                fact=c.fact,
                operator=c.operator,
                threshold=c.threshold,
                system_category=c.system_category,
                cii_only=c.cii_only,
                conditions=c.conditions,
                is_active=c.is_active,
                source_repealed=c.source_repealed or repealed,
                description=DESCRIPTION_FIXES.get(c.code, c.description),
                source=CSRC_2012_READ if repealed else c.source,
                source_status="C" if repealed else c.source_status,
                order=c.order,
            )
        )
        order = max(order, c.order)
    for code, grade, description in REFERENCE_2012:
        order += 10
        rows.append(
            Criterion(
                criterion_set=new,
                code=code,
                grade=grade,
                fact="qualitative",
                description=description,
                source=CSRC_2012_READ,
                source_status="C",
                source_repealed=True,
                order=order,
            )
        )
    for row in template_2021():
        order += 10
        rows.append(
            Criterion(
                criterion_set=new,
                code=row["code"],
                grade=row["grade"],
                fact=row["fact"],
                operator="gte",
                threshold=Decimal(row["threshold"]) if row["threshold"] is not None else None,
                conditions=row["conditions"],
                is_active=False,
                description=row["description"],
                source=CSRC_2021_TABLE,
                source_status="S",
                order=order,
            )
        )
    Criterion.objects.bulk_create(rows)
    CriterionSet.objects.filter(pk=active.pk).update(state="retired")
    new.state = "active"
    new.approved_at = timezone.now()
    new.save(update_fields=["state", "approved_at"])
