"""Charts as inline SVG built on the server: no JavaScript, nothing for the CSP to allow.

Only presentation attributes (fill, stroke), never style attributes; every label is escaped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup

PALETTE = ("#c0392b", "#d68910", "#2471a3", "#7d3c98", "#229954", "#5d6d7e", "#a04000", "#1abc9c")


def stacked_bars(labels: Sequence[str], series: Mapping[str, Sequence[int]], width: int = 720, height: int = 220,
                 title: str = "") -> Markup:
    """Vertical stacked bars: one bar per label, one colour per series, with a legend."""
    n = max(1, len(labels))
    totals = [sum(s[i] for s in series.values()) for i in range(len(labels))]
    top = max([1, *totals])
    left, bottom, legend_h = 40, 30, 18 * ((len(series) + 3) // 4)
    plot_h = height - bottom - legend_h - 10
    bw = (width - left - 10) / n
    parts = [Markup('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {} {}" '
                    'width="100%" height="{}"><title>{}</title>').format(width, height, height, title)]
    parts.append(Markup('<text x="2" y="{}" font-size="10">{}</text>').format(legend_h + 10, top))
    parts.append(Markup('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999"/>').format(
        left, legend_h + plot_h + 5, width - 10, legend_h + plot_h + 5))
    for i, label in enumerate(labels):
        y = float(legend_h + plot_h + 5)
        for j, (name, values) in enumerate(series.items()):
            h = values[i] / top * plot_h
            if h <= 0:
                continue
            y -= h
            parts.append(Markup('<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}">'
                                '<title>{} {}: {}</title></rect>').format(
                left + i * bw + 1, y, max(1.0, bw - 2), h, PALETTE[j % len(PALETTE)], label, name, values[i]))
        if n <= 16 or i % max(1, n // 10) == 0:
            parts.append(Markup('<text x="{:.1f}" y="{}" font-size="9" text-anchor="middle">{}</text>').format(
                left + i * bw + bw / 2, height - 8, label[-5:]))
    for j, name in enumerate(series):
        x, y = 10 + (j % 4) * (width // 4), 12 + 18 * (j // 4)
        parts.append(Markup('<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
                            '<text x="{}" y="{}" font-size="11">{}</text>').format(
            x, y - 9, PALETTE[j % len(PALETTE)], x + 14, y, name))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def hbars(rows: Sequence[tuple[str, int]], width: int = 520, title: str = "") -> Markup:
    """Horizontal bars, one per (label, value)."""
    row_h, label_w = 22, 170
    height = max(1, len(rows)) * row_h + 10
    top = max([1, *(v for _, v in rows)])
    parts = [Markup('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {} {}" '
                    'width="100%" height="{}"><title>{}</title>').format(width, height, height, title)]
    for i, (label, value) in enumerate(rows):
        y = 5 + i * row_h
        w = value / top * (width - label_w - 50)
        parts.append(Markup('<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>'
                            '<rect x="{}" y="{}" width="{:.1f}" height="{}" fill="{}"/>'
                            '<text x="{:.1f}" y="{}" font-size="11">{}</text>').format(
            label_w - 6, y + 14, label[:28], label_w, y + 3, w, row_h - 6, PALETTE[i % len(PALETTE)],
            label_w + w + 4, y + 14, value))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
