"""Unified social credit code (统一社会信用代码): the check lives on the ground floor
(core.credit_code), where the firm's own profile uses it too."""

from core.credit_code import (  # noqa: F401
    ALPHABET,
    credit_code_check_char,
    is_valid_credit_code,
    normalise_credit_code,
    organisation_code_check_char,
    validate_credit_code,
)
