"""Documents from officer-editable templates: the same rendered text gives the PDF (WeasyPrint)
and the DOCX (python-docx).

Template markup, one block per line group:
    # Heading            ## Sub-heading
    | label | value      consecutive lines make one two-column table
    anything else        a paragraph (blank lines separate paragraphs)
The body is a Django template rendered against the frozen snapshot (variables such as
{{ incident.reference }}, {{ content.summary }}, {% for f in fields %}…{% endfor %})."""

import hashlib
import io
import json
import re
from dataclasses import dataclass, field

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import VariableNode
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError

# One CJK font in one weight: loading and subsetting a second 20 MB font file doubles the time.
# Autoescape off (in the engine and in every Context): the output is markup for our own block
# parser, never HTML; the HTML writer escapes every text run itself, once.
_ENGINE = Engine(autoescape=False)


@dataclass
class Block:
    kind: str  # "h1", "h2", "p", "table"
    text: str = ""
    rows: list = field(default_factory=list)


def canonical_json(snapshot: dict) -> bytes:
    return json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def snapshot_hash(snapshot: dict) -> str:
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


def check_template(text: str) -> None:
    try:
        _ENGINE.from_string(text)
    except TemplateSyntaxError as exc:
        raise ApplicationError(_("The template has an error: %(error)s") % {"error": exc})


def _compact(value):
    """Blank lines inside a value would end its table cell: keep one line break."""
    if isinstance(value, str):
        return re.sub(r"\n\s*\n", "\n", value.strip())
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


# User text is text: every {{ variable }} is rendered as an opaque run (its line breaks and
# pipes encoded with private-use characters), so a value holding "\n# " or "| label | value"
# can never become a heading or a table row; the runs are decoded after the markup is parsed,
# and HTML-escaped once by the writer (the template context does not escape).
_RUN_OPEN, _RUN_CLOSE, _RUN_NEWLINE, _RUN_BAR = "\ue000", "\ue001", "\ue002", "\ue003"
_RUN_CHARS = re.compile("[\ue000-\ue003]")


def _as_run(text: str) -> str:
    text = _RUN_CHARS.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    return _RUN_OPEN + text.replace("\n", _RUN_NEWLINE).replace("|", _RUN_BAR) + _RUN_CLOSE


def _plain(text: str) -> str:
    text = text.replace(_RUN_OPEN, "").replace(_RUN_CLOSE, "")
    return text.replace(_RUN_NEWLINE, "\n").replace(_RUN_BAR, "|")


def _render_text(body: str, context: dict) -> str:
    template = _ENGINE.from_string(body)
    for node in template.nodelist.get_nodes_by_type(VariableNode):
        # This one node's render is wrapped on purpose (an instance attribute shadows the method).
        node.render = _run_renderer(node.render)  # type: ignore[method-assign]
    return template.render(Context(context, autoescape=False))


def _run_renderer(render):
    def rendered_as_run(context):
        return _as_run(render(context))

    return rendered_as_run


def render_blocks(body: str, snapshot: dict) -> list[Block]:
    blocks = _parse_blocks(body, snapshot)
    for block in blocks:
        block.text = _plain(block.text)
        block.rows = [[_plain(a), _plain(b)] for a, b in block.rows]
    return blocks


def _parse_blocks(body: str, snapshot: dict) -> list[Block]:
    try:
        text = _render_text(body, _compact(snapshot))
    except TemplateSyntaxError as exc:
        raise ApplicationError(_("The template has an error: %(error)s") % {"error": exc})
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush():
        if paragraph:
            blocks.append(Block("p", "\n".join(paragraph)))
            paragraph.clear()

    in_table = False
    for raw in text.splitlines():
        stripped = raw.strip()
        if in_table and stripped and not stripped.startswith(("|", "#")):
            # A line right after a table row continues that row's value.
            blocks[-1].rows[-1][1] += "\n" + stripped
            continue
        in_table = stripped.startswith("|")
        if not stripped:
            flush()
        elif stripped.startswith("## "):
            flush()
            blocks.append(Block("h2", stripped[3:].strip()))
        elif stripped.startswith("# "):
            flush()
            blocks.append(Block("h1", stripped[2:].strip()))
        elif stripped.startswith("|"):
            flush()
            cells = [c.strip() for c in stripped.strip("|").split("|", 1)]
            cells += [""] * (2 - len(cells))
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("table", rows=[cells]))
        else:
            paragraph.append(stripped)
    flush()
    return blocks


_CSS = """
@page { size: A4; margin: 2.2cm 2cm; @bottom-center { content: counter(page) " / " counter(pages);
  font-size: 9pt; } }
body { font-family: "Noto Sans CJK SC", sans-serif; font-size: 11pt; line-height: 1.6; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 12pt; font-weight: normal; }
h2 { font-size: 13pt; margin: 14pt 0 6pt; font-weight: normal; border-bottom: 0.6pt solid #444; }
p { margin: 0 0 8pt; white-space: pre-wrap; }
table { width: 100%; border-collapse: collapse; margin: 0 0 10pt; }
td { border: 0.6pt solid #444; padding: 4pt 6pt; vertical-align: top; white-space: pre-wrap; }
td.label { width: 28%; background: #f2f2f2; }
.footer { margin-top: 18pt; font-size: 9pt; color: #555; }
"""


def to_html(title: str, blocks: list[Block], footer: str = "") -> str:
    parts = [
        '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
    ]
    for block in blocks:
        if block.kind in ("h1", "h2"):
            parts.append(f"<{block.kind}>{escape(block.text)}</{block.kind}>")
        elif block.kind == "p":
            parts.append(f"<p>{escape(block.text)}</p>")
        else:
            rows = "".join(
                f'<tr><td class="label">{escape(a)}</td><td>{escape(b)}</td></tr>'
                for a, b in block.rows
            )
            parts.append(f"<table>{rows}</table>")
    if footer:
        parts.append(f'<p class="footer">{escape(footer)}</p>')
    parts.append("</body></html>")
    return "".join(parts)


def to_pdf(title: str, blocks: list[Block], footer: str = "") -> bytes:
    from weasyprint import HTML

    return HTML(string=to_html(title, blocks, footer)).write_pdf()


def to_docx(title: str, blocks: list[Block], footer: str = "") -> bytes:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = title
    for style_name in ("Normal", "Heading 1", "Heading 2"):
        style = document.styles[style_name]
        style.font.name = "Noto Sans CJK SC"
        # East-Asian text takes its font from w:eastAsia, not from w:ascii.
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Sans CJK SC")
    document.styles["Normal"].font.size = Pt(11)
    for block in blocks:
        if block.kind == "h1":
            document.add_heading(block.text, level=1)
        elif block.kind == "h2":
            document.add_heading(block.text, level=2)
        elif block.kind == "p":
            document.add_paragraph(block.text)
        else:
            table = document.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for label, value in block.rows:
                cells = table.add_row().cells
                cells[0].text = label
                cells[1].text = value
    if footer:
        document.add_paragraph(footer).runs[0].font.size = Pt(8)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_version(version) -> tuple[bytes, bytes]:
    """The PDF and DOCX of an approved version, from its frozen snapshot and the template frozen
    with it. Slow (seconds: font loading and subsetting): call it outside any transaction."""
    from .content import DEFAULT_TEMPLATE_BODY

    snapshot = version.snapshot
    title = snapshot["report"]["title"]
    if version.template_title:
        rendered = render_blocks(version.template_title, snapshot)
        title = rendered[0].text if rendered else title
    blocks = render_blocks(version.template_body or DEFAULT_TEMPLATE_BODY, snapshot)
    footer = f"SHA-256: {version.sha256}"
    return to_pdf(title, blocks, footer), to_docx(title, blocks, footer)
