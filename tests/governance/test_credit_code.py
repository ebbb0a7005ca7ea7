import pytest
from django.core.exceptions import ValidationError

from governance.validators import (
    credit_code_check_char,
    is_valid_credit_code,
    validate_credit_code,
)

# Codes of well-known companies, published on their business licences / the national
# enterprise credit information system.
REAL_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "914403001017814402",  # 中信证券股份有限公司
    "91440300100012316L",  # 中国平安保险（集团）股份有限公司
    "9144030010001686XA",  # 招商银行股份有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "91110108558521630L",  # 小米通讯技术有限公司
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code):
    assert is_valid_credit_code(code)
    assert is_valid_credit_code(code.lower())  # typed in lower case
    validate_credit_code(code)


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_single_character_change_fails(code):
    for position in range(18):
        for replacement in "07AX":
            if replacement == code[position]:
                continue
            altered = code[:position] + replacement + code[position + 1 :]
            assert not is_valid_credit_code(altered), altered


@pytest.mark.parametrize(
    "code",
    [
        "91110000100000589B",  # check character wrong (the algorithm gives A)
        "914403001922038217",  # last digit altered
        "914403001922038261",  # two characters swapped
        "91440300192203821",  # too short
        "9144030019220382160",  # too long
        "91440300I922038216",  # I is not in the alphabet
        "",
    ],
)
def test_altered_codes_fail(code):
    assert not is_valid_credit_code(code)
    with pytest.raises(ValidationError):
        validate_credit_code(code)


def test_check_character_is_computed_not_looked_up():
    assert credit_code_check_char("91440300192203821") == "6"
    assert credit_code_check_char("9144030010001686X") == "A"


@pytest.mark.django_db
def test_counterparty_model_validates_code():
    from governance.models import Counterparty

    good = Counterparty(
        kind=Counterparty.Kind.OPERATING, name="中信证券", credit_code=REAL_CODES[1]
    )
    good.full_clean()
    bad = Counterparty(
        kind=Counterparty.Kind.OPERATING, name="某公司", credit_code="914403001017814403"
    )
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert "credit_code" in exc.value.message_dict
