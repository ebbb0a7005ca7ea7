"""Fixtures of the media register and the sharing evaluation: a catalogue in force."""

import pytest

from governance.models import CatalogueItem, CatalogueVersion


@pytest.fixture
def catalogue(officer):
    version = CatalogueVersion.objects.create(
        number=1, title="监管数据目录", state=CatalogueVersion.State.IN_FORCE, created_by=officer
    )

    def item(code, name, level, category):
        return CatalogueItem.objects.create(
            version=version,
            code=code,
            name_zh=name,
            definition=name,
            data_type=CatalogueItem.DataType.TEXT,
            business_category=category,
            data_level=level,
            sharing_tier="restricted",
        )

    return {
        "trades": item("TRD001", "成交明细", 3, "交易数据"),
        "clients": item("CUS001", "客户身份信息", 4, "客户数据"),
        "news": item("NEW001", "新闻舆情", 1, "新闻舆情数据"),
    }
