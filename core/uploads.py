"""One check for every uploaded file: size, type by content (magic bytes), no executables.

Use it wherever a file comes in:

    from core.uploads import UploadValidator, validate_upload

    file = models.FileField(..., validators=[UploadValidator()])            # model field
    file = forms.FileField(validators=[UploadValidator(kinds={"pdf"})])     # form field
    file = serializers.FileField(validators=[UploadValidator()])            # DRF field
    kind = validate_upload(uploaded_file)                                   # a service

The name's extension never decides the type: the first bytes do, and a name that claims another
type than the content is refused. Office documents are ZIP files whose members are checked
(DOCX: word/document.xml, XLSX: xl/workbook.xml). ZIP archives are refused when a member is
an executable or the archive would unpack to more than `MAX_UNPACKED_BYTES`; gzip files (and the
tar archives inside them) get the same checks.

By default (`kinds=None`) the common document, image and ZIP types are accepted
(`DEFAULT_KINDS`). PPTX, OLE2 compound files (old .doc/.xls/.ppt and Outlook .msg), 7z, gzip and
packet captures (pcap, pcapng) are recognised by their magic bytes but accepted only where the
caller names them in `kinds` (7z content cannot be inspected; OLE2 documents may carry macros).
Services use `check_upload()`, which raises ApplicationError instead of ValidationError.
"""

import gzip
import io
import tarfile
import time
import zipfile
import zlib
from pathlib import PurePosixPath
from typing import NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError

PDF, PNG, JPEG, GIF, DOCX, XLSX, ZIP, TEXT = (
    "pdf",
    "png",
    "jpeg",
    "gif",
    "docx",
    "xlsx",
    "zip",
    "text",
)
# Recognised by magic bytes but accepted only where a caller asks for them (their content is not
# inspected as deeply: 7z is opaque, OLE2 may carry macros), never by default.
PPTX, OLE, SEVEN_ZIP, GZIP, PCAP = "pptx", "ole", "7z", "gzip", "pcap"
DEFAULT_KINDS = frozenset({PDF, PNG, JPEG, GIF, DOCX, XLSX, ZIP, TEXT})
ALL_KINDS = DEFAULT_KINDS | {PPTX, OLE, SEVEN_ZIP, GZIP, PCAP}
DOCUMENT_KINDS = frozenset({PDF, PNG, JPEG, GIF, DOCX, XLSX, TEXT})

KIND_LABELS = {
    PDF: "PDF",
    PNG: "PNG",
    JPEG: "JPEG",
    GIF: "GIF",
    DOCX: "Word (DOCX)",
    XLSX: "Excel (XLSX)",
    ZIP: "ZIP",
    TEXT: _("plain text/CSV"),
    PPTX: "PowerPoint (PPTX)",
    OLE: _("Office 97-2003/Outlook (DOC, XLS, PPT, MSG)"),
    SEVEN_ZIP: "7z",
    GZIP: "gzip",
    PCAP: _("packet capture (PCAP)"),
}
# Extensions a name may carry for each kind (a name without an extension is fine).
EXTENSIONS = {
    PDF: {".pdf"},
    PNG: {".png"},
    JPEG: {".jpg", ".jpeg", ".jpe"},
    GIF: {".gif"},
    DOCX: {".docx"},
    XLSX: {".xlsx"},
    ZIP: {".zip"},
    TEXT: {".txt", ".csv", ".log", ".md", ".json", ".xml", ".eml", ".tsv"},
    PPTX: {".pptx"},
    OLE: {".doc", ".xls", ".ppt", ".msg", ".dot", ".xlt", ".pps"},
    SEVEN_ZIP: {".7z"},
    GZIP: {".gz", ".tgz"},
    PCAP: {".pcap", ".pcapng", ".cap"},
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SEVEN_ZIP_MAGIC = b"7z\xbc\xaf\x27\x1c"
GZIP_MAGIC = b"\x1f\x8b"
PCAP_MAGIC = (
    b"\xd4\xc3\xb2\xa1",  # little-endian, microseconds
    b"\xa1\xb2\xc3\xd4",  # big-endian, microseconds
    b"\x4d\x3c\xb2\xa1",  # little-endian, nanoseconds
    b"\xa1\xb2\x3c\x4d",  # big-endian, nanoseconds
)
PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"  # section header block, then a byte-order magic
PCAPNG_BYTE_ORDER = (b"\x4d\x3c\x2b\x1a", b"\x1a\x2b\x3c\x4d")
# Names that are refused whatever the content (Windows/Unix executables and scripts).
EXECUTABLE_EXTENSIONS = frozenset(
    ".exe .com .bat .cmd .msi .msp .scr .pif .cpl .dll .sys .ps1 .psm1 .vbs .vbe .js .jse .mjs"
    " .wsf .wsh .hta .jar .sh .bash .zsh .csh .ksh .run .bin .elf .so .dylib .app .command"
    " .apk .py .pl .rb .php .lnk".split()
)
# Magic numbers of executable formats.
EXECUTABLE_MAGIC = (
    (b"\x7fELF", "ELF"),
    (b"MZ", "Windows PE"),
    (b"\xfe\xed\xfa\xce", "Mach-O"),
    (b"\xfe\xed\xfa\xcf", "Mach-O"),
    (b"\xce\xfa\xed\xfe", "Mach-O"),
    (b"\xcf\xfa\xed\xfe", "Mach-O"),
    (b"\xca\xfe\xba\xbe", "Mach-O/Java"),
    (b"#!", _("script")),
)
# Archive checks are bounded (settings UPLOAD_ARCHIVE_MAX_BYTES, UPLOAD_ARCHIVE_MAX_MEMBERS,
# UPLOAD_ARCHIVE_MAX_RATIO, UPLOAD_CHECK_SECONDS override these defaults).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 2_000
MAX_RATIO = 100
MAX_SECONDS = 5
ARCHIVE_EXTENSIONS = frozenset(
    ".zip .7z .gz .tgz .tar .rar .bz2 .tbz2 .xz .txz .zst .lz .lzma .z .cab .iso .arj .lzh"
    " .jar .war .apk".split()
)
ARCHIVE_MAGIC = (
    b"\x1f\x8b",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!",
    b"BZh",
    b"\xfd7zXZ",
    b"\x28\xb5\x2f\xfd",
)
OFFICE_EXTENSIONS = frozenset(".docx .xlsx .pptx .docm .xlsm .odt .ods .odp".split())
TEXT_ENCODINGS = ("utf-8", "gb18030")  # Chinese CSV exports are often GBK
HEAD_BYTES = 8192


def max_upload_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024)


def _read_head(file, n=HEAD_BYTES) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(n)
    file.seek(position)
    return head if isinstance(head, bytes) else head.encode()


def _extension(name: str) -> str:
    return PurePosixPath((name or "").replace("\\", "/")).suffix.lower()


def _refuse(message, code, **params) -> NoReturn:
    raise ValidationError(message, code=code, params=params)


def _is_text(file) -> bool:
    file.seek(0)
    data = file.read(1024 * 1024)  # the first MiB decides
    file.seek(0)
    if b"\x00" in data:
        return False
    for encoding in TEXT_ENCODINGS:
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is not an error.
            if exc.start >= len(data) - 4 and encoding == "utf-8":
                return True
    return False


class _Budget:
    """What checking one archive may cost: unpacked bytes (at most UPLOAD_ARCHIVE_MAX_BYTES and
    at most UPLOAD_ARCHIVE_MAX_RATIO times the upload's own size, with a small floor so tiny
    files are not judged by ratio), members and wall time (UPLOAD_CHECK_SECONDS)."""

    FLOOR = 8 * 1024 * 1024

    def __init__(self, file):
        file.seek(0, 2)
        self.compressed = max(file.tell(), 1)
        file.seek(0)
        ratio = getattr(settings, "UPLOAD_ARCHIVE_MAX_RATIO", MAX_RATIO)
        self.max_bytes = min(
            getattr(settings, "UPLOAD_ARCHIVE_MAX_BYTES", MAX_UNPACKED_BYTES),
            max(self.FLOOR, ratio * self.compressed),
        )
        self.max_members = getattr(settings, "UPLOAD_ARCHIVE_MAX_MEMBERS", MAX_ZIP_MEMBERS)
        self.deadline = time.monotonic() + getattr(settings, "UPLOAD_CHECK_SECONDS", MAX_SECONDS)
        self.total = 0
        self.members = 0

    def too_big(self):
        _refuse(
            _(
                "The archive unpacks to too many or too large files (at most %(members)s files "
                "and %(size)s, and at most %(ratio)s times its own size)."
            ),
            "zip_bomb",
            members=self.max_members,
            size=filesizeformat(self.max_bytes),
            ratio=getattr(settings, "UPLOAD_ARCHIVE_MAX_RATIO", MAX_RATIO),
        )

    def tick(self):
        if time.monotonic() > self.deadline:
            _refuse(
                _("Checking the archive took too long; upload its files unpacked."),
                "check_timeout",
            )

    def add_member(self, declared_size: int):
        self.members += 1
        self.total += max(declared_size, 0)
        if self.members > self.max_members or self.total > self.max_bytes:
            self.too_big()
        self.tick()

    def consume(self, n: int):
        """Bytes really unpacked (declared sizes can lie)."""
        self.total += n
        if self.total > self.max_bytes:
            self.too_big()
        self.tick()


class _BoundedReader(io.RawIOBase):
    """A decompressing stream whose every read is charged to the budget."""

    def __init__(self, stream, budget):
        self.stream, self.budget, self.unpacked = stream, budget, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.stream.read(min(len(buffer), 1024 * 1024))
        self.unpacked += len(data)
        if self.unpacked > self.budget.max_bytes:
            self.budget.too_big()
        self.budget.tick()
        buffer[: len(data)] = data
        return len(data)


def _check_member_name(name: str):
    """`../` or absolute names would land outside the unpacking folder; nested archives are
    never unpacked here, so they are refused (upload their content instead)."""
    clean = (name or "").replace("\\", "/")
    if (
        clean.startswith("/")
        or ".." in PurePosixPath(clean).parts
        or (len(clean) > 1 and clean[1] == ":")
    ):
        _refuse(
            _("The archive contains a file with an unsafe name (%(name)s): not accepted."),
            "unsafe_member",
            name=name,
        )
    if _extension(clean) in EXECUTABLE_EXTENSIONS:
        _refuse_executable_member(name)
    if _extension(clean) in ARCHIVE_EXTENSIONS:
        _refuse_nested(name)


def _refuse_nested(name):
    _refuse(
        _(
            "The archive contains another archive (%(name)s); archives inside archives are not "
            "accepted: upload its files directly."
        ),
        "nested_archive",
        name=name,
    )


def _check_member_head(name: str, head: bytes):
    if any(head.startswith(m) for m, _label in EXECUTABLE_MAGIC):
        _refuse_executable_member(name)
    if head.startswith(ARCHIVE_MAGIC) or (
        head.startswith(b"PK\x03\x04") and _extension(name) not in OFFICE_EXTENSIONS
    ):
        _refuse_nested(name)


def _zip_kind(file) -> str:
    budget = _Budget(file)
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            office = "[Content_Types].xml" in names
            for member in members:
                budget.add_member(member.file_size)
                ratio = getattr(settings, "UPLOAD_ARCHIVE_MAX_RATIO", MAX_RATIO)
                if member.file_size > _Budget.FLOOR and member.file_size > ratio * max(
                    member.compress_size, 1
                ):
                    budget.too_big()
                if not office:
                    _check_member_name(member.filename)
                elif _extension(member.filename) in EXECUTABLE_EXTENSIONS:
                    _refuse_executable_member(member.filename)
                if not member.is_dir() and member.file_size:
                    with archive.open(member) as inner:
                        head = inner.read(8)
                    if office:
                        if any(head.startswith(m) for m, _label in EXECUTABLE_MAGIC):
                            _refuse_executable_member(member.filename)
                    else:
                        _check_member_head(member.filename, head)
    except zipfile.BadZipFile:
        _refuse(_("The file looks like a ZIP archive but is damaged."), "bad_zip")
    except (NotImplementedError, RuntimeError, zlib.error, EOFError):
        _refuse(_("The file looks like a ZIP archive but is damaged."), "bad_zip")
    finally:
        file.seek(0)
    if office:
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
        if "ppt/presentation.xml" in names:
            return PPTX
    return ZIP


def _refuse_executable_member(name):
    _refuse(
        _("The archive contains a program or script (%(name)s): not accepted."),
        "executable_in_zip",
        name=name,
    )


def _gzip_kind(file) -> str:
    """A gzip stream: refused when it unpacks to a program, to a tar archive holding one, an
    unsafe name or another archive, or beyond the budget (bytes, ratio, members, time). Every
    unpacked byte is counted as it is read, and a tar member whose declared size breaks the
    budget is refused before it is read."""
    budget = _Budget(file)
    file.seek(0)
    try:
        with gzip.GzipFile(fileobj=file, mode="rb") as stream:
            reader = io.BufferedReader(_BoundedReader(stream, budget), buffer_size=64 * 1024)
            head = reader.peek(512)[:512]
            for magic, _label in EXECUTABLE_MAGIC:
                if head.startswith(magic):
                    _refuse_executable_member(_("the compressed file"))
            if len(head) >= 262 and head[257:262] == b"ustar":
                with tarfile.open(fileobj=reader, mode="r|") as archive:
                    for member in archive:
                        budget.add_member(member.size)
                        _check_member_name(member.name)
                        if member.issym() or member.islnk():
                            _refuse(
                                _("The archive contains a link (%(name)s): not accepted."),
                                "unsafe_member",
                                name=member.name,
                            )
                        if member.isfile() and member.size:
                            inner = archive.extractfile(member)
                            member_head = inner.read(8) if inner else b""
                            _check_member_head(member.name, member_head)
            else:
                while reader.read(1024 * 1024):
                    pass
    except ValidationError:
        raise
    except (OSError, EOFError, tarfile.TarError, zlib.error):
        _refuse(_("The file looks like a compressed archive but is damaged."), "bad_gzip")
    finally:
        file.seek(0)
    return GZIP


def detect_kind(file) -> str | None:
    """The file's type from its content, one of ALL_KINDS, or None when unknown.
    Raises ValidationError for executables and damaged or dangerous archives."""
    head = _read_head(file)
    for magic, label in EXECUTABLE_MAGIC:
        if head.startswith(magic):
            _refuse(
                _("Programs and scripts cannot be uploaded (the file is a %(format)s executable)."),
                "executable",
                format=label,
            )
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(file)
    if head.startswith(OLE_MAGIC):
        return OLE
    if head.startswith(SEVEN_ZIP_MAGIC):
        return SEVEN_ZIP
    if head.startswith(GZIP_MAGIC):
        return _gzip_kind(file)
    if head.startswith(PCAP_MAGIC) or (
        head.startswith(PCAPNG_MAGIC) and head[8:12] in PCAPNG_BYTE_ORDER
    ):
        return PCAP
    if _is_text(file):
        return TEXT
    return None


def validate_upload(file, *, kinds=None, max_bytes=None) -> str:
    """Check one uploaded file; returns its kind or raises ValidationError (readable message)."""
    kinds = frozenset(kinds or DEFAULT_KINDS)
    max_bytes = max_bytes or max_upload_bytes()
    name = getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
        file.seek(0)
    if size > max_bytes:
        _refuse(
            _("The file is too large (%(size)s); at most %(limit)s may be uploaded."),
            "too_large",
            size=filesizeformat(size),
            limit=filesizeformat(max_bytes),
        )
    if size == 0:
        _refuse(_("The file is empty."), "empty")
    extension = _extension(name)
    if extension in EXECUTABLE_EXTENSIONS:
        _refuse(
            _("Programs and scripts (%(extension)s files) cannot be uploaded."),
            "executable_name",
            extension=extension,
        )
    kind = detect_kind(file)
    if kind is None or kind not in kinds:
        _refuse(
            _("This type of file is not accepted here. Accepted: %(kinds)s."),
            "type_not_allowed",
            kinds="、".join(str(KIND_LABELS[k]) for k in sorted(kinds)),
        )
    # A text file may carry any of the text names; other kinds must not pretend to be something else.
    if extension and extension not in EXTENSIONS[kind]:
        _refuse(
            _("The file name (%(extension)s) does not match its content (%(kind)s)."),
            "extension_mismatch",
            extension=extension,
            kind=KIND_LABELS[kind],
        )
    return kind


def check_upload(file, *, kinds=None, max_bytes=None) -> str:
    """`validate_upload` for services: the refusal becomes an ApplicationError (a 400 from the API,
    a form error on a page) carrying the same readable message."""
    try:
        return validate_upload(file, kinds=kinds, max_bytes=max_bytes)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0]) from exc


@deconstructible
class UploadValidator:
    """Field validator (model, form or DRF field) around `validate_upload`."""

    def __init__(self, kinds=None, max_bytes=None):
        self.kinds = tuple(sorted(kinds)) if kinds else None
        self.max_bytes = max_bytes

    def __call__(self, file):
        # A FieldFile already stored (an unchanged model field on re-save) was checked on upload.
        if getattr(file, "_committed", False) is True and not hasattr(file, "content_type"):
            return
        validate_upload(file, kinds=self.kinds, max_bytes=self.max_bytes)

    def __eq__(self, other):
        return (
            isinstance(other, UploadValidator)
            and self.kinds == other.kinds
            and self.max_bytes == other.max_bytes
        )
