import datetime

import pytest
from django.core.files.base import ContentFile

from governance import services
from governance.models import Counterparty

from .sharing_fixtures import catalogue, controller, requester, wide_agreement  # noqa: F401

CITIC = "914403001017814402"
HUAWEI = "914403001922038216"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    # Uploaded files go to a scratch folder; messages are asserted in English (the zh-hans
    # catalogue is checked on its own).
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def counterparty(officer):
    return services.counterparty_create(
        kind=Counterparty.Kind.OPERATING,
        name="中信证券股份有限公司",
        credit_code=CITIC,
        actor=officer,
    )


@pytest.fixture
def other_counterparty(officer):
    return services.counterparty_create(
        kind=Counterparty.Kind.SERVICE, name="华为技术有限公司", credit_code=HUAWEI, actor=officer
    )


@pytest.fixture
def make_agreement(officer, officer2):
    """make_agreement(counterparty, starts_on=…, ends_on=…, level=…, tier=…, approve=True)."""

    def make(
        counterparty, *, starts_on, ends_on, level=3, tier="restricted", approve=True, **extra
    ):
        fields = dict(
            title="数据共享协议",
            counterparty=counterparty,
            scope="external",
            firm_role="provider",
            counterparty_role="recipient",
            data_categories="客户信息",
            permissions="只读",
            firm_responsibilities="提供数据",
            counterparty_responsibilities="安全使用",
            starts_on=starts_on,
            ends_on=ends_on,
            max_data_level=level,
            max_sharing_tier=tier,
            owner=officer,
        )
        fields.update(extra)
        agreement = services.agreement_create(
            actor=officer, document=ContentFile(b"%PDF-1.4\nsigned", name="signed.pdf"), **fields
        )
        if approve:
            services.agreement_submit(agreement=agreement, actor=officer)
            services.agreement_approve(agreement=agreement, actor=officer2)
        return agreement

    return make


@pytest.fixture
def active_agreement(make_agreement, counterparty):
    today = datetime.date.today()
    return make_agreement(
        counterparty,
        starts_on=today - datetime.timedelta(days=100),
        ends_on=today + datetime.timedelta(days=300),
    )
