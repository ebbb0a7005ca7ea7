"""Writes of the regulatory data catalogue: import the classification and grading table
(分类分级表) from Excel as a draft version, approve its grading (it comes into force, the previous
version is superseded). An import with any bad row is refused whole, each bad row named."""

import hashlib
import io

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policy
from audit.context import acting_as
from core.errors import ApplicationError

from ..models import CatalogueItem, CatalogueVersion, SharingTier

MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024

# Column key → headers accepted (the export writes the first one).
COLUMNS = {
    "code": ("编码", "code", "item code"),
    "name_zh": ("中文名称", "chinese name", "name_zh"),
    "name_en": ("英文名称", "english name", "name_en"),
    "definition": ("定义", "definition"),
    "data_type": ("数据类型", "data type", "data_type"),
    "code_values": ("代码值", "code values", "code_values"),
    "business_category": ("业务类别", "business category", "business_category"),
    "regulatory_attributes": ("监管属性", "regulatory attributes", "regulatory_attributes"),
    "data_level": ("级别", "data level", "level", "data_level"),
    "sharing_tier": ("共享层级", "sharing tier", "tier", "sharing_tier"),
}
REQUIRED: tuple[str, ...] = (
    "code",
    "name_zh",
    "definition",
    "data_type",
    "business_category",
    "data_level",
    "sharing_tier",
)

LABELS = {
    "code": gettext_lazy("item code"),
    "name_zh": gettext_lazy("Chinese name"),
    "definition": gettext_lazy("definition"),
    "data_type": gettext_lazy("data type"),
    "business_category": gettext_lazy("business category"),
    "data_level": gettext_lazy("data level"),
    "sharing_tier": gettext_lazy("default sharing tier"),
}

# What people write in the table for a level (JR/T 0158: 4 极高, 3 高, 2 中, 1 低).
LEVEL_WORDS = {"极高": 4, "高": 3, "中": 2, "低": 1}
TIER_WORDS = {
    "公开": SharingTier.PUBLIC,
    "公开共享": SharingTier.PUBLIC,
    "内部": SharingTier.INTERNAL,
    "内部共享": SharingTier.INTERNAL,
    "受限": SharingTier.RESTRICTED,
    "受限共享": SharingTier.RESTRICTED,
    "严格受限": SharingTier.STRICTLY_RESTRICTED,
    "严格受限共享": SharingTier.STRICTLY_RESTRICTED,
}
TYPE_WORDS = {
    "文本": "text",
    "字符": "text",
    "字符串": "text",
    "整数": "integer",
    "数值": "decimal",
    "小数": "decimal",
    "日期": "date",
    "日期时间": "datetime",
    "代码": "code",
    "布尔": "boolean",
    "是否": "boolean",
    "文件": "binary",
    "二进制": "binary",
}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_level(value: str) -> int | None:
    text = value.replace("第", "").replace("级", "").replace("Level", "").strip()
    if text in LEVEL_WORDS:
        return LEVEL_WORDS[text]
    for word in LEVEL_WORDS:  # "4（极高）", "4 极高"
        text = text.replace(f"（{word}）", "").replace(f"({word})", "").replace(word, "")
    text = text.strip()
    if text.isdigit() and 1 <= int(text) <= 4:
        return int(text)
    return None


def parse_tier(value: str) -> str | None:
    if value in SharingTier.values:
        return value
    if value in TIER_WORDS:
        return TIER_WORDS[value]
    for choice in SharingTier:
        if value.lower() in (str(choice.label).lower(), choice.name.lower()):
            return choice.value
    return None


def parse_type(value: str) -> str | None:
    if value.lower() in CatalogueItem.DataType.values:
        return value.lower()
    if value in TYPE_WORDS:
        return TYPE_WORDS[value]
    for choice in CatalogueItem.DataType:
        if value == str(choice.label):
            return choice.value
    return None


def _check_row(values: dict, seen: dict, number: int):
    """The problems of one row, and its parsed level, tier and data type."""
    row_problems = []
    for key in REQUIRED:
        if not values.get(key):
            row_problems.append(_("%(col)s is empty") % {"col": LABELS[key]})
    level = parse_level(values["data_level"]) if values.get("data_level") else None
    if values.get("data_level") and level is None:
        row_problems.append(
            _("level “%(v)s” is not 1–4 (极高/高/中/低)") % {"v": values["data_level"]}
        )
    tier = parse_tier(values["sharing_tier"]) if values.get("sharing_tier") else None
    if values.get("sharing_tier") and tier is None:
        row_problems.append(
            _("sharing tier “%(v)s” is not one of 公开/内部/受限/严格受限")
            % {"v": values["sharing_tier"]}
        )
    data_type = parse_type(values["data_type"]) if values.get("data_type") else None
    if values.get("data_type") and data_type is None:
        row_problems.append(_("data type “%(v)s” is unknown") % {"v": values["data_type"]})
    if data_type == "code" and not values.get("code_values"):
        row_problems.append(_("a coded item needs its code values"))
    code = values.get("code", "")
    if len(code) > 40:
        row_problems.append(_("the item code is longer than 40 characters"))
    if code and code in seen:
        row_problems.append(
            _("item code %(code)s already appears in row %(row)d")
            % {"code": code, "row": seen[code]}
        )
    if code:
        seen.setdefault(code, number)
    if len(values.get("name_zh", "")) > 200 or len(values.get("name_en", "")) > 200:
        row_problems.append(_("a name is longer than 200 characters"))
    if len(values.get("business_category", "")) > 100:
        row_problems.append(_("the business category is longer than 100 characters"))
    if level is not None and tier is not None:
        if level == 4 and tier == SharingTier.PUBLIC:
            row_problems.append(_("level 4 (very high) data cannot be shared publicly"))
    return row_problems, level, tier, data_type


def read_table(content: bytes) -> list[CatalogueItem]:
    """The items of an .xlsx classification and grading table, unsaved; any bad row (or a
    missing column) raises one ApplicationError naming every problem by row number."""
    import openpyxl

    if len(content) > MAX_BYTES:
        raise ApplicationError(_("The file is larger than 10 MB."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not xlsx
        raise ApplicationError(_("The file is not an Excel workbook (.xlsx)."))
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise ApplicationError(_("The table is empty."))
    names = [_cell(h).lower() for h in header]
    where: dict[str, int] = {}
    for key, accepted in COLUMNS.items():
        for i, name in enumerate(names):
            if name in accepted:
                where[key] = i
                break
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in where]
    if missing:
        raise ApplicationError(
            _("The table lacks the column(s): %(cols)s.") % {"cols": "、".join(missing)}
        )
    problems: list[str] = []
    items: list[CatalogueItem] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(rows, start=2):
        values = {k: _cell(raw[i]) if i < len(raw) else "" for k, i in where.items()}
        if not any(values.values()):
            continue  # blank lines between blocks are not data
        if len(items) + len(problems) >= MAX_ROWS:
            raise ApplicationError(_("The table has more than %(n)d rows.") % {"n": MAX_ROWS})
        row_problems, level, tier, data_type = _check_row(values, seen, number)
        code = values.get("code", "")
        if row_problems:
            problems.append(
                _("Row %(row)d (%(code)s): %(what)s")
                % {"row": number, "code": code or "—", "what": "；".join(row_problems)}
            )
            continue
        items.append(
            CatalogueItem(
                code=code,
                name_zh=values["name_zh"],
                name_en=values.get("name_en", ""),
                definition=values["definition"],
                data_type=data_type,
                code_values=values.get("code_values", ""),
                business_category=values["business_category"],
                regulatory_attributes=values.get("regulatory_attributes", ""),
                data_level=level,
                sharing_tier=tier,
                row_number=number,
            )
        )
    if problems:
        raise ApplicationError(
            _("Nothing was imported: %(n)d row(s) are wrong. %(rows)s")
            % {"n": len(problems), "rows": " ".join(problems)},
            extra={"rows": problems},
        )
    if not items:
        raise ApplicationError(_("The table has no data rows."))
    return items


def catalogue_import(*, actor, content: bytes, file_name: str, title: str) -> CatalogueVersion:
    """A new draft version from an Excel table (the whole table, or nothing)."""
    policy.require(actor, "governance.catalogue.import")
    if not title.strip():
        raise ApplicationError(_("Give the version a title."))
    items = read_table(content)
    with transaction.atomic(), acting_as(actor):
        number = (CatalogueVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        version = CatalogueVersion.objects.create(
            number=number,
            title=title.strip()[:200],
            source_file_name=file_name[:200],
            source_file_sha256=hashlib.sha256(content).hexdigest(),
            created_by=actor,
        )
        for item in items:
            item.version = version
        CatalogueItem.objects.bulk_create(items)
    return version


def catalogue_approve(*, actor, version: CatalogueVersion, comment: str = "") -> CatalogueVersion:
    """Approve the grading of a draft: it comes into force, the one before is superseded."""
    policy.require(actor, "governance.catalogue.approve", version)
    if version.state != CatalogueVersion.State.DRAFT:
        raise ApplicationError(_("Only a draft version can be approved."))
    if version.created_by_id == actor.pk:
        raise ApplicationError(_("Whoever imported a grading cannot approve it too."))
    now = timezone.now()
    with transaction.atomic(), acting_as(actor):
        for old in CatalogueVersion.objects.select_for_update().in_force():
            old.state = CatalogueVersion.State.SUPERSEDED
            old.superseded_at = now
            old.save(update_fields=["state", "superseded_at", "updated_at"])
        version.state = CatalogueVersion.State.IN_FORCE
        version.approved_by = actor
        version.approved_at = now
        version.approval_comment = comment.strip()
        version.save()
    return version
