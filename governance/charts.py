"""Inline SVG charts (no JavaScript, prints in the PDF too)."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

COLOURS = {"met": "#2e7d32", "due": "#f9a825", "missed": "#c62828"}


def year_bars(summaries, *, width=560, height=220) -> str:
    """One stacked bar per year: periods met, due and missed."""
    if not summaries:
        return ""
    top, bottom, left = 20, 30, 36
    plot_h = height - top - bottom
    peak = max((s.total for s in summaries), default=0) or 1
    slot = (width - left) / len(summaries)
    bar_w = min(48, slot * 0.6)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(_("Obligation periods by year"))}">'
    ]
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width}" y2="{top + plot_h}" stroke="#999"/>'
    )
    for i, s in enumerate(summaries):
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h
        for state in ("met", "due", "missed"):
            n = getattr(s, state)
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[state]}"><title>{s.year} {escape(_(state.capitalize()))}: {n}</title></rect>'
            )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{height - 10}" text-anchor="middle" '
            f'font-size="12">{s.year}</text>'
        )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
            f'font-size="11">{s.met}/{s.total}</text>'
        )
    legend_x = left
    for state, label in (("met", _("Met")), ("due", _("Due")), ("missed", _("Missed"))):
        parts.append(
            f'<rect x="{legend_x}" y="4" width="10" height="10" fill="{COLOURS[state]}"/>'
            f'<text x="{legend_x + 14}" y="13" font-size="11">{escape(label)}</text>'
        )
        legend_x += 70
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped labels only


def year_bars_options(summaries) -> dict:
    """The same figures as year_bars, as ECharts options for the web page (core's {% chart %}):
    the legend above the plot, the axis labels inside the card (grid.containLabel), each bar's
    count inside its segment."""
    years = [str(s.year) for s in summaries]
    series = [
        {
            "name": str(label),
            "type": "bar",
            "stack": "periods",
            "barMaxWidth": 48,
            "itemStyle": {"color": COLOURS[state]},
            "label": {"show": True, "color": "#fff", "formatter": "{@[1]}"},
            "data": [[str(s.year), getattr(s, state)] for s in summaries],
            "emphasis": {"focus": "series"},
        }
        for state, label in (("met", _("Met")), ("due", _("Due")), ("missed", _("Missed")))
    ]
    for item in series:
        # no "0" drawn on an empty segment
        item["data"] = [{"value": pair, "label": {"show": bool(pair[1])}} for pair in item["data"]]
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0, "left": "center"},
        "grid": {"top": 40, "left": 8, "right": 16, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": years},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": series,
    }
