"""Small inline SVG bar charts: no library, nothing fetched when the page opens."""
from __future__ import annotations

from html import escape


def bar_chart(title: str, data: list[tuple[str, int]], *, label_width: int = 150, width: int = 420) -> str:
    """Horizontal bars, one per (label, count), largest scale = the widest bar."""
    if not data:
        return f'<figure class="chart"><figcaption>{escape(title)}</figcaption><p class="empty">—</p></figure>'
    bar_h, gap = 18, 6
    top = max(n for _, n in data) or 1
    span = width - label_width - 40
    rows = []
    for i, (label, n) in enumerate(data):
        y = i * (bar_h + gap)
        w = max(2, round(span * n / top))
        short = label if len(label) <= 12 else label[:11] + "…"
        rows.append(
            f'<g class="bar"><title>{escape(label)}: {n}</title>'
            f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end">{escape(short)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{w}" height="{bar_h}" rx="2"></rect>'
            f'<text x="{label_width + w + 4}" y="{y + 13}" class="n">{n}</text></g>'
        )
    height = len(data) * (bar_h + gap)
    return (
        f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        + "".join(rows) + "</svg></figure>"
    )
