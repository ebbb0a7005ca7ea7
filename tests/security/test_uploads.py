"""core.uploads: size, type by content, no executables."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from core.uploads import UploadValidator, validate_upload


def upload(name, data):
    return SimpleUploadedFile(name, data)


def docx_bytes():
    from docx import Document

    buf = io.BytesIO()
    document = Document()
    document.add_paragraph("事件报告")
    document.save(buf)
    return buf.getvalue()


def xlsx_bytes():
    from openpyxl import Workbook

    buf = io.BytesIO()
    Workbook().save(buf)
    return buf.getvalue()


def zip_bytes(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
ACCEPTED = [
    ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "pdf"),
    ("shot.png", PNG, "png"),
    ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20, "jpeg"),
    ("anim.gif", b"GIF89a" + b"\x00" * 20, "gif"),
    ("signed.docx", None, "docx"),
    ("sheet.xlsx", None, "xlsx"),
    ("logs.zip", None, "zip"),
    ("notes.txt", "处置记录：已隔离主机。\n".encode(), "text"),
    ("export.csv", "编号,名称\n1,交易系统\n".encode("gb18030"), "text"),
    ("noextension", b"plain words\n", "text"),
]


@pytest.mark.parametrize("name,data,kind", ACCEPTED)
def test_accepted_types(name, data, kind):
    data = data or {"docx": docx_bytes, "xlsx": xlsx_bytes}.get(kind, lambda: None)()
    if kind == "zip":
        data = zip_bytes({"a.log": "x", "b.csv": "1,2"})
    assert validate_upload(upload(name, data)) == kind


EXECUTABLES = [
    ("tool", b"\x7fELF\x02\x01\x01" + b"\x00" * 40),
    ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 40),
    ("app", b"\xcf\xfa\xed\xfe" + b"\x00" * 40),
    ("run.txt", b"#!/bin/sh\nrm -rf /\n"),
]


@pytest.mark.parametrize("name,data", EXECUTABLES)
def test_executables_by_content_are_refused(name, data):
    with pytest.raises(ValidationError) as exc, translation.override("zh-hans"):
        validate_upload(upload(name, data))
    assert exc.value.code == "executable"
    with translation.override("zh-hans"):
        assert "不能上传程序或脚本" in str(exc.value.messages[0])


@pytest.mark.parametrize("name", ["invoice.exe", "fix.bat", "install.sh", "app.js", "x.PS1"])
def test_executable_names_are_refused(name):
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload(name, b"harmless text\n"))
    assert exc.value.code == "executable_name"


def test_zip_with_an_executable_member_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("evidence.zip", zip_bytes({"readme.txt": "x", "payload.exe": "MZ"})))
    assert exc.value.code == "executable_in_zip"
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("evidence.zip", zip_bytes({"innocent.dat": b"\x7fELF\x02"})))
    assert exc.value.code == "executable_in_zip"


def test_name_must_match_content():
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("report.pdf", PNG))
    assert exc.value.code == "extension_mismatch"
    with pytest.raises(ValidationError):
        validate_upload(upload("page.html", b"<script>alert(1)</script>"))


def test_unknown_binary_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("blob.bin2", bytes(range(256)) * 4))
    assert exc.value.code == "type_not_allowed"


def test_size_limit_from_settings_and_per_call():
    with override_settings(UPLOAD_MAX_BYTES=100):
        with pytest.raises(ValidationError) as exc, translation.override("zh-hans"):
            validate_upload(upload("big.txt", b"a" * 101))
        assert exc.value.code == "too_large"
        assert validate_upload(upload("ok.txt", b"a" * 100)) == "text"
    with pytest.raises(ValidationError):
        validate_upload(upload("big.txt", b"a" * 11), max_bytes=10)


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("empty.txt", b""))
    assert exc.value.code == "empty"


def test_kinds_can_be_narrowed():
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("notes.txt", b"text"), kinds={"pdf"})
    assert exc.value.code == "type_not_allowed"


def test_validator_works_on_form_and_drf_fields_and_deconstructs():
    from django import forms
    from rest_framework import serializers

    class Form(forms.Form):
        file = forms.FileField(validators=[UploadValidator(kinds={"pdf"})])

    form = Form(files={"file": upload("x.exe", b"MZ")})
    assert not form.is_valid() and "file" in form.errors

    class Serializer(serializers.Serializer):
        file = serializers.FileField(validators=[UploadValidator()])

    s = Serializer(data={"file": upload("x.sh", b"#!/bin/sh")})
    assert not s.is_valid() and "file" in s.errors

    # Pass kinds as a tuple on model fields, so migrations serialize it in a stable order.
    path, args, kwargs = UploadValidator(kinds=("pdf", "png")).deconstruct()
    assert path == "core.uploads.UploadValidator" and kwargs == {"kinds": ("pdf", "png")}
    assert UploadValidator(kinds={"pdf"}) == UploadValidator(kinds=["pdf"])
