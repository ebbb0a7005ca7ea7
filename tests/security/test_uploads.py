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


# --- formats recognised by magic bytes, accepted only when asked for ----------------------------

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
SEVEN_Z = b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 24
PCAP_LE = b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00" + b"\x00" * 16
PCAP_BE = b"\xa1\xb2\xc3\xd4\x00\x02\x00\x04" + b"\x00" * 16
PCAPNG = b"\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x4d\x3c\x2b\x1a" + b"\x00" * 16
EXTRA_KINDS = ("pptx", "ole", "7z", "gzip", "pcap")


def gzip_bytes(data):
    import gzip

    return gzip.compress(data)


def tar_gz_bytes(members):
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def pptx_bytes():
    return zip_bytes(
        {"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p:presentation/>"}
    )


@pytest.mark.parametrize(
    "name,data,kind",
    [
        ("minutes.doc", OLE2, "ole"),
        ("ledger.xls", OLE2, "ole"),
        ("slides.ppt", OLE2, "ole"),
        ("phish.msg", OLE2, "ole"),
        ("logs.7z", SEVEN_Z, "7z"),
        ("syslog.gz", None, "gzip"),
        ("logs.tar.gz", None, "gzip"),
        ("capture.pcap", PCAP_LE, "pcap"),
        ("capture.pcap", PCAP_BE, "pcap"),
        ("capture.pcapng", PCAPNG, "pcap"),
        ("deck.pptx", None, "pptx"),
    ],
)
def test_extra_kinds_recognised_by_magic_bytes(name, data, kind):
    if data is None:
        data = {
            "syslog.gz": lambda: gzip_bytes(b"Jan 1 sshd: Accepted\n"),
            "logs.tar.gz": lambda: tar_gz_bytes({"a.log": b"line\n"}),
            "deck.pptx": pptx_bytes,
        }[name]()
    assert validate_upload(upload(name, data), kinds=EXTRA_KINDS) == kind


@pytest.mark.parametrize(
    "name,data",
    [("minutes.doc", OLE2), ("logs.7z", SEVEN_Z), ("capture.pcap", PCAP_LE)],
)
def test_extra_kinds_are_not_accepted_by_default(name, data):
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload(name, data))
    assert exc.value.code == "type_not_allowed"


def test_extra_kinds_must_match_their_names():
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("report.pdf", OLE2), kinds=("ole", "pdf"))
    assert exc.value.code == "extension_mismatch"
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("capture.7z", PCAP_LE), kinds=EXTRA_KINDS)
    assert exc.value.code == "extension_mismatch"


def test_gzip_holding_a_program_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_upload(
            upload("tool.gz", gzip_bytes(b"\x7fELF\x02\x01" + b"\x00" * 64)), kinds=EXTRA_KINDS
        )
    assert exc.value.code == "executable_in_zip"
    with pytest.raises(ValidationError) as exc:
        validate_upload(
            upload("logs.tar.gz", tar_gz_bytes({"a.log": b"x", "run.sh": b"echo"})),
            kinds=EXTRA_KINDS,
        )
    assert exc.value.code == "executable_in_zip"
    with pytest.raises(ValidationError) as exc:
        validate_upload(
            upload("logs.tar.gz", tar_gz_bytes({"a.log": b"x", "innocent": b"MZ\x90\x00"})),
            kinds=EXTRA_KINDS,
        )
    assert exc.value.code == "executable_in_zip"


def test_damaged_gzip_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("broken.gz", b"\x1f\x8b\x08\x00garbage"), kinds=EXTRA_KINDS)
    assert exc.value.code == "bad_gzip"


def test_pcapng_magic_needs_its_byte_order_mark():
    # "\n\r\r\n" followed by ordinary text is text, not a capture.
    assert validate_upload(upload("notes.txt", b"\n\r\r\nplain words here\n")) == "text"


def test_check_upload_raises_an_application_error():
    from core.errors import ApplicationError
    from core.uploads import check_upload

    with pytest.raises(ApplicationError) as exc, translation.override("zh-hans"):
        check_upload(upload("report.pdf", b"MZ\x90\x00" + b"\x00" * 40), kinds=("pdf",))
    with translation.override("zh-hans"):
        assert "不能上传程序或脚本" in str(exc.value.message)
    assert check_upload(upload("report.pdf", b"%PDF-1.7\n"), kinds=("pdf",)) == "pdf"
