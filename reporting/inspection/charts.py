"""The pack's charts as PNG images (matplotlib, headless), labelled in Chinese with a CJK font
(scripts/_setup.sh ensure_cjk_font installs fonts-noto-cjk)."""

import io
from functools import cache

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "SimHei",
)


@cache
def _family() -> list[str]:
    names = {f.name for f in font_manager.fontManager.ttflist}
    found = [name for name in CJK_FAMILIES if name in names]
    return found + ["DejaVu Sans"]


def bar_png(
    labels: list[str], values: list[float], *, title: str, xlabel: str = "", counts: bool = True
) -> bytes:
    """A horizontal bar chart (long Chinese labels read better across)."""
    fig = Figure(figsize=(6.4, max(1.6, 0.45 * len(labels) + 1.0)), dpi=110)
    ax = fig.subplots()
    family = _family()
    positions = list(range(len(labels)))
    ax.barh(positions, values, color="#0d6efd")
    ax.set_yticks(positions, labels=labels, fontfamily=family)
    ax.invert_yaxis()
    ax.set_title(title, fontfamily=family)
    if xlabel:
        ax.set_xlabel(xlabel, fontfamily=family)
    for pos, value in zip(positions, values, strict=True):
        ax.text(value, pos, f" {value:g}", va="center", fontsize=8)
    if counts:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
