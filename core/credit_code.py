"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character alphabet (no I, O, S, V, Z): registration authority (1),
organisation category (1), administrative division (6 digits), the organisation code of
GB 11714 (8 characters + its own check character), and a final check character computed over
the first 17 with weights 3^(i) mod 31.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
# GB 11714 organisation code: 8 body characters (digits or capital letters A=10 … Z=35).
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def credit_code_check_char(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def organisation_code_check_char(body8: str) -> str:
    def value(ch):
        return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10

    rest = 11 - sum(value(ch) * w for ch, w in zip(body8, ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(rest, str(rest))


def normalise_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def is_valid_credit_code(value: str) -> bool:
    code = normalise_credit_code(value)
    if len(code) != 18 or any(ch not in ALPHABET for ch in code):
        return False
    if not code[2:8].isdigit():
        return False
    body = code[8:16]
    if not body.isalnum() or not body.isascii():
        return False
    if organisation_code_check_char(body) != code[16]:
        return False
    return credit_code_check_char(code[:17]) == code[17]


def validate_credit_code(value: str) -> None:
    if not is_valid_credit_code(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a valid unified social credit code: it must have 18 "
                "characters and correct check characters (GB 32100-2015)."
            ),
            code="invalid_credit_code",
            params={"value": value},
        )
