"""Every user-facing string ships a Simplified Chinese translation.

For each catalogue, makemessages is run over a scratch copy of its sources and every msgid it
finds must be translated (non-empty, not fuzzy) in the committed catalogue."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP_CATALOGUES = sorted(
    p.parent.parent.parent.parent for p in ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")
)

pytestmark = pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext is not installed")


def _entries(po_text: str) -> dict[str, tuple[str, bool]]:
    """msgid -> (msgstr, fuzzy); plural forms keyed by msgid, translated when msgstr[0] is set."""
    out = {}
    for block in po_text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        body = "\n".join(line for line in lines if not line.startswith("#"))
        m = re.search(r'^msgid ((?:".*"\n?)+)', body, re.M)
        if not m:
            continue
        ctx = re.search(r'^msgctxt ((?:".*"\n?)+)', body, re.M)
        msgid = "".join(re.findall(r'"(.*)"', m.group(1)))
        if ctx:
            msgid = "".join(re.findall(r'"(.*)"', ctx.group(1))) + "\x04" + msgid
        s = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', body, re.M)
        msgstr = "".join(re.findall(r'"(.*)"', s.group(1))) if s else ""
        if msgid:
            out[msgid] = (msgstr, fuzzy)
    return out


def _extract(src: Path, tmp: Path) -> dict:
    work = tmp / src.name
    shutil.copytree(
        src,
        work,
        ignore=shutil.ignore_patterns(
            "locale", "__pycache__", "migrations", ".venv", "var", "tests", "bench"
        ),
    )
    (work / "locale").mkdir()
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": str(ROOT),
        "PATH": "/usr/bin:/bin",
    }
    subprocess.run(
        [sys.executable, "-P", "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return _entries((work / "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8"))


@pytest.mark.parametrize("app_dir", APP_CATALOGUES, ids=lambda p: p.name)
def test_app_catalogue_translates_every_string(app_dir, tmp_path):
    found = _extract(app_dir, tmp_path)
    shipped = _entries(
        (app_dir / "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    )
    missing = sorted(m for m in found if not shipped.get(m, ("", False))[0] or shipped[m][1])
    assert not missing, f"{app_dir.name}: untranslated strings:\n" + "\n".join(missing)


def test_project_templates_catalogue_translates_every_string(tmp_path):
    scratch = tmp_path / "project"
    scratch.mkdir()
    for name in ("templates", "config"):
        shutil.copytree(ROOT / name, scratch / name, ignore=shutil.ignore_patterns("__pycache__"))
    (scratch / "locale").mkdir()
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": str(ROOT),
        "PATH": "/usr/bin:/bin",
    }
    subprocess.run(
        [sys.executable, "-P", "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location"],
        cwd=scratch,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    found = _entries((scratch / "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    shipped = _entries((ROOT / "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    missing = sorted(m for m in found if not shipped.get(m, ("", False))[0] or shipped[m][1])
    assert not missing, "project templates: untranslated strings:\n" + "\n".join(missing)
