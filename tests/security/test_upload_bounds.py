"""core.uploads: checking an archive costs bounded work (bytes, members, ratio, time); nested
archives and `../` names are refused, never unpacked."""

import gzip
import io
import tarfile
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from core.uploads import validate_upload


def tar_gz_with_zeros(name: str, size_mib: int) -> bytes:
    """A tar.gz holding one member of `size_mib` MiB of zeros, built without compressing it: a
    gzip file may be a series of gzip members, so one compressed MiB of zeros is repeated."""
    info = tarfile.TarInfo(name)
    info.size = size_mib * 1024 * 1024
    one_mib = gzip.compress(bytes(1024 * 1024), compresslevel=9)
    return b"".join(
        [gzip.compress(info.tobuf(format=tarfile.USTAR_FORMAT))]
        + [one_mib] * size_mib
        + [gzip.compress(bytes(1024))]  # end of archive
    )


def zip_bytes(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


def refusal(name, data, kinds=None):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile(name, data), kinds=kinds)
    info.value.text = info.value.messages[0]  # in Chinese, as the user reads it
    return info.value


def test_tar_gz_holding_a_huge_zero_member_is_refused_at_once():
    data = tar_gz_with_zeros("zeros.bin", 450)
    assert len(data) < 1024 * 1024
    started = time.monotonic()
    error = refusal("logs.tar.gz", data, kinds={"gzip"})
    assert time.monotonic() - started < 1.0
    assert error.code == "zip_bomb"
    assert "解压" in error.text


def test_zip_bomb_is_refused_by_its_ratio():
    data = zip_bytes({"zeros.txt": bytes(20 * 1024 * 1024)})
    assert len(data) < 1024 * 1024
    started = time.monotonic()
    error = refusal("logs.zip", data)
    assert time.monotonic() - started < 1.0
    assert error.code == "zip_bomb"


def test_too_many_members_are_refused():
    with override_settings(UPLOAD_ARCHIVE_MAX_MEMBERS=50):
        error = refusal("many.zip", zip_bytes({f"f{i}.txt": b"x" for i in range(51)}))
    assert error.code == "zip_bomb"


def test_a_plain_gzip_is_unpacked_within_the_budget_only():
    data = gzip.compress(bytes(30 * 1024 * 1024))
    assert validate_upload(SimpleUploadedFile("x.gz", gzip.compress(b"ok\n")), kinds={"gzip"})
    assert refusal("zeros.gz", data, kinds={"gzip"}).code == "zip_bomb"


@pytest.mark.parametrize(
    "members",
    [
        {"inner.zip": zip_bytes({"a.txt": b"a"})},
        {"evidence.dat": zip_bytes({"a.txt": b"a"})},
        {"logs.tar.gz": b"\x1f\x8b\x08\x00" + bytes(20)},
        {"packed.7z": b"7z\xbc\xaf\x27\x1c" + bytes(20)},
    ],
)
def test_nested_archives_are_refused(members):
    error = refusal("outer.zip", zip_bytes(members))
    assert error.code == "nested_archive"
    assert "压缩包" in error.text


@pytest.mark.parametrize("name", ["../../etc/cron.d/x.txt", "/etc/passwd", "a/../../b.txt"])
def test_members_escaping_the_folder_are_refused(name):
    assert refusal("outer.zip", zip_bytes({name: b"x"})).code == "unsafe_member"


def test_tar_members_escaping_the_folder_are_refused():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as archive:
        info = tarfile.TarInfo("../evil.txt")
        info.size = 1
        archive.addfile(info, io.BytesIO(b"x"))
    assert refusal("x.tar.gz", buf.getvalue(), kinds={"gzip"}).code == "unsafe_member"


def test_office_documents_and_ordinary_archives_still_pass():
    from docx import Document

    buf = io.BytesIO()
    Document().save(buf)
    assert validate_upload(SimpleUploadedFile("a.docx", buf.getvalue())) == "docx"
    ordinary = zip_bytes({"logs/app.log": b"line\n" * 1000, "notes.txt": "处置".encode()})
    assert validate_upload(SimpleUploadedFile("a.zip", ordinary)) == "zip"


def test_checks_stop_at_the_time_limit():
    members = {f"f{i}.txt": b"x" for i in range(200)}
    with override_settings(UPLOAD_CHECK_SECONDS=0):
        error = refusal("slow.zip", zip_bytes(members))
    assert error.code == "check_timeout"
