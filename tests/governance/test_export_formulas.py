"""Governance's CSV and Excel exports write a would-be formula as text (core.exports)."""

import csv
import io

import pytest

from tests.governance.test_registrations import register
from tests.security.test_export_formulas import ATTACK, formulas_in, text_cell

pytestmark = pytest.mark.django_db


def test_sharing_log_exports_write_the_title_as_text(
    active_agreement, counterparty, handler, auditor, client_for
):
    register(handler, counterparty, active_agreement, dataset=ATTACK, purpose="-1+1")
    client = client_for(auditor)
    text = client.get("/governance/sharing-log/", {"format": "csv"}).content.decode("utf-8-sig")
    (row,) = list(csv.reader(io.StringIO(text)))[1:]
    assert "'" + ATTACK in row and "'-1+1" in row
    content = client.get("/governance/sharing-log/", {"format": "xlsx"}).content
    assert formulas_in(content) == []
    assert text_cell(content, ATTACK).data_type == "s"
