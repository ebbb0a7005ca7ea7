"""The classification and grading table written out as Excel, in the columns the import reads
(so an export, edited and imported again, is the next version)."""

from core.exports import xlsx_bytes

from .models import CatalogueVersion
from .services.catalogue import COLUMNS, TIER_WORDS, TYPE_WORDS

_TIER_WORD = {}
for _word, _tier in TIER_WORDS.items():
    _TIER_WORD.setdefault(str(_tier), _word)
_TYPE_WORD = {}
for _word, _type in TYPE_WORDS.items():
    _TYPE_WORD.setdefault(_type, _word)


def catalogue_rows(version: CatalogueVersion):
    header = [accepted[0] for accepted in COLUMNS.values()]
    rows = [
        [
            item.code,
            item.name_zh,
            item.name_en,
            item.definition,
            _TYPE_WORD.get(item.data_type, item.data_type),
            item.code_values,
            item.business_category,
            item.regulatory_attributes,
            item.data_level,
            _TIER_WORD.get(item.sharing_tier, item.sharing_tier),
        ]
        for item in version.items.order_by("business_category", "code")
    ]
    return header, rows


def catalogue_xlsx(version: CatalogueVersion) -> bytes:
    header, rows = catalogue_rows(version)
    return xlsx_bytes([("分类分级表", header, rows)])
