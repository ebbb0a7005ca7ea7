"""The workbook kept between the import's dry run and its confirmation (issue 21.6).

A clean dry run keeps the uploaded bytes in a private file (VAR_DIR/import-staging, mode 0600,
named by a random token, never under MEDIA_ROOT) and notes in the session its SHA-256, its name
and when it was checked. "确认导入" posts the SHA-256 the page showed; the import runs only on the
kept bytes, and only when the posted hash, the session's hash and the hash of the bytes read back
all agree: a file checked in another tab, a forged hash or a file changed on disk is refused,
and a re-upload is never taken for the checked file.

Claiming renames the file first (atomic), so a double click cannot import the same workbook
twice. Files are deleted after the import, when refused, when another file is checked, and after
`TTL` by the sweep that every dry run starts with.
"""

import hashlib
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import ApplicationError

SESSION_KEY = "reporting.import"
TTL = 2 * 60 * 60  # seconds a checked workbook waits for its confirmation


@dataclass(frozen=True)
class Staged:
    sha256: str
    name: str
    rows: int
    token: str
    checked_at: float

    @property
    def path(self) -> Path:
        return directory() / f"{self.token}.xlsx"


def directory() -> Path:
    path = Path(settings.VAR_DIR) / "import-staging"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sweep(now: float | None = None) -> None:
    """Delete kept workbooks (and claims left by a crash) older than TTL."""
    limit = (now or time.time()) - TTL
    for path in directory().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            continue


def keep(session, *, data: bytes, name: str, rows: int) -> Staged:
    """Keep a clean workbook for its confirmation; the one kept before is dropped."""
    discard(session)
    staged = Staged(digest(data), name, rows, secrets.token_hex(16), time.time())
    descriptor = os.open(staged.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as fh:
        fh.write(data)
    session[SESSION_KEY] = {
        "sha256": staged.sha256,
        "name": staged.name,
        "rows": staged.rows,
        "token": staged.token,
        "checked_at": staged.checked_at,
    }
    return staged


def pending(session) -> Staged | None:
    """The workbook waiting for confirmation in this session, if it is still there."""
    entry = session.get(SESSION_KEY)
    if not entry:
        return None
    try:
        staged = Staged(**entry)
    except TypeError:
        session.pop(SESSION_KEY, None)
        return None
    if time.time() - staged.checked_at > TTL or not staged.path.exists():
        discard(session)
        return None
    return staged


def discard(session) -> None:
    entry = session.pop(SESSION_KEY, None)
    if entry and entry.get("token"):
        (directory() / f"{entry['token']}.xlsx").unlink(missing_ok=True)


def claim(session, *, sha256: str) -> tuple[Staged, bytes]:
    """The kept bytes of the workbook whose hash the confirmation posted, taken out of the
    staging folder (a second claim of the same file finds nothing). Raises ApplicationError
    when there is none, when it expired, or when the hashes disagree."""
    staged = pending(session)
    if staged is None:
        raise ApplicationError(
            _(
                "No checked workbook is waiting for confirmation (it may have expired): upload it again."
            )
        )
    if not secrets.compare_digest(sha256 or "", staged.sha256):
        raise ApplicationError(
            _(
                "This is not the workbook that was checked last (%(name)s): nothing was imported. "
                "Check the file again, then confirm on its result page."
            )
            % {"name": staged.name}
        )
    claimed = staged.path.with_suffix(".claimed")
    try:
        staged.path.rename(claimed)
    except FileNotFoundError:
        session.pop(SESSION_KEY, None)
        raise ApplicationError(_("This workbook is already being imported."))
    session.pop(SESSION_KEY, None)
    try:
        data = claimed.read_bytes()
    finally:
        claimed.unlink(missing_ok=True)
    if digest(data) != staged.sha256:
        raise ApplicationError(
            _(
                "The kept workbook changed after it was checked: nothing was imported. Upload it again."
            )
        )
    return staged, data
