"""A credit code already registered, typed again in lower case: a readable message in the API
and the admin, never the database constraint's name."""

import pytest

from governance import services
from governance.models import Counterparty

pytestmark = pytest.mark.django_db

CITIC = "914403001017814402"
DUPLICATE_ZH = "该统一社会信用代码已有机构登记。"


@pytest.fixture
def registered(officer):
    return services.counterparty_create(
        kind=Counterparty.Kind.OPERATING, name="中信证券", credit_code=CITIC, actor=officer
    )


def test_api_answers_a_readable_message_in_chinese(client_for, registered, officer, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = client_for(officer).post(
        "/api/governance/counterparties/",
        {"kind": "operating", "name": "另一家公司", "credit_code": CITIC.lower()},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "统一社会信用代码" in text and "_unique" not in text and "Constraint" not in text
    assert Counterparty.objects.count() == 1


def test_api_change_to_a_duplicate_in_lower_case_is_refused_readably(
    client_for, registered, officer, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    other = services.counterparty_create(
        kind=Counterparty.Kind.OPERATING,
        name="招商银行",
        credit_code="9144030010001686XA",
        actor=officer,
    )
    response = client_for(officer).patch(
        f"/api/governance/counterparties/{other.pk}/",
        {"credit_code": CITIC.lower()},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "统一社会信用代码" in text and "_unique" not in text and "Constraint" not in text
    other.refresh_from_db()
    assert other.credit_code == "9144030010001686XA"


def test_admin_form_shows_the_readable_message(client_for, registered, administrator, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = client_for(administrator).post(
        "/admin/governance/counterparty/add/",
        {
            "kind": "operating",
            "name": "另一家公司",
            "credit_code": CITIC.lower(),
            "is_active": "on",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "contacts-MIN_NUM_FORMS": "0",
            "contacts-MAX_NUM_FORMS": "1000",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200  # the form again, with the error
    text = response.content.decode()
    assert DUPLICATE_ZH in text
    assert "_unique" not in text
    assert Counterparty.objects.count() == 1


def test_the_service_refuses_in_plain_words(registered, officer):
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        services.counterparty_create(
            kind=Counterparty.Kind.OPERATING,
            name="另一家公司",
            credit_code=CITIC.lower(),
            actor=officer,
        )
    assert "_unique" not in str(refused.value.message)
