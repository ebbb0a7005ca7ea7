"""Seed rows of the approval matrix and the bulk thresholds (used by a migration; officers edit
them afterwards in the admin). Each row says where it comes from and how sure that is."""

STANDARD = "证券行业监管数据共享标准 三(四)"

BULK_THRESHOLDS = [
    # level, records, source, marker
    (4, 1_000, f"{STANDARD} 1 技术要求 d (大批量数据的一次性共享)；阈值由公司设定", "S"),
    (3, 10_000, f"{STANDARD} 1 技术要求 d；阈值由公司设定", "S"),
    (2, 100_000, f"{STANDARD} 1 技术要求 d；阈值由公司设定", "S"),
    (1, 1_000_000, f"{STANDARD} 1 技术要求 d；阈值由公司设定", "S"),
]

# code, name, order, level, tier, area, volume, refuse, approvers, assessment, source, marker
APPROVAL_RULES = [
    (
        "l4-uncontrolled",
        "第4级（极高）数据不得在非可控区域共享",
        10,
        4,
        "",
        "uncontrolled",
        "any",
        True,
        [],
        False,
        f"{STANDARD} 1 非可控区域；公司设定",
        "S",
    ),
    (
        "public-l1-regular",
        "第1级公开数据，非批量：无需审批",
        20,
        1,
        "public",
        "controlled",
        "regular",
        False,
        [],
        False,
        "公司设定",
        "S",
    ),
    (
        "strict-tier",
        "严格受限共享：数据主管部门、数据控制者、合规逐一审批并做安全评估",
        30,
        None,
        "strict",
        "",
        "any",
        False,
        ["data_authority", "data_controller", "compliance"],
        True,
        f"{STANDARD} 1 管理要求 c2, c5; 3 数据主管部门负责共享数据申请的审批",
        "C",
    ),
    (
        "bulk",
        "大批量一次性共享：数据主管部门与合规审批并做安全评估",
        40,
        None,
        "",
        "",
        "bulk",
        False,
        ["data_authority", "compliance"],
        True,
        f"{STANDARD} 1 技术要求 d (宜对大批量数据的一次性共享进行审批和关注)",
        "C",
    ),
    (
        "uncontrolled",
        "非可控区域共享：专项评估，数据主管部门与合规审批",
        50,
        None,
        "",
        "uncontrolled",
        "any",
        False,
        ["data_authority", "compliance"],
        True,
        f"{STANDARD} 1 非可控区域 管理要求 b1 (专项评估), c3 (审核制度)",
        "C",
    ),
    (
        "l4",
        "第4级（极高）数据：数据主管部门与数据控制者审批并做安全评估",
        60,
        4,
        "",
        "",
        "any",
        False,
        ["data_authority", "data_controller"],
        True,
        f"{STANDARD} 1 管理要求 c2 (核心业务数据共享安全评估机制)",
        "C",
    ),
    (
        "l3",
        "第3级（高）数据：数据主管部门审批并做安全评估",
        70,
        3,
        "",
        "",
        "any",
        False,
        ["data_authority"],
        True,
        f"{STANDARD} 1 管理要求 c2；级别由公司设定",
        "S",
    ),
    (
        "default",
        "其他共享：数据主管部门审批",
        1000,
        None,
        "",
        "",
        "any",
        False,
        ["data_authority"],
        False,
        f"{STANDARD} 3 (数据主管部门负责本级数据使用部门共享数据申请的审批管理工作)",
        "C",
    ),
]


def seed(apps):
    ApprovalRule = apps.get_model("governance", "ApprovalRule")
    BulkThreshold = apps.get_model("governance", "BulkThreshold")
    for level, records, source, marker in BULK_THRESHOLDS:
        BulkThreshold.objects.get_or_create(
            data_level=level, defaults={"records": records, "source": source, "marker": marker}
        )
    for row in APPROVAL_RULES:
        code, name, order, level, tier, area, volume, refuse, approvers, assess, source, m = row
        ApprovalRule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "order": order,
                "data_level": level,
                "sharing_tier": tier,
                "area": area,
                "volume": volume,
                "refuse": refuse,
                "approvers": approvers,
                "security_assessment": assess,
                "source": source,
                "marker": m,
            },
        )
