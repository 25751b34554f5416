"""Charts as inline SVG built on the server: no JavaScript, nothing for the CSP to allow.

Only presentation attributes (fill, stroke), never style attributes; every label is escaped. A chart whose bars
are links (drill-down to the filtered queue) is a group of named links, not an image, so keyboards and screen
readers reach every bar."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from markupsafe import Markup

# Colours with at least 3:1 contrast on white (bars are graphics; the legend text is #222).
PALETTE = ("#b03a2e", "#9a5b00", "#1f618d", "#6c3483", "#1e8449", "#4d5656", "#873600", "#117864")
Link = Callable[[int, str], str | None]


def _open(width: int, height: int, title: str, linked: bool) -> Markup:
    return Markup('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="{}" aria-label="{}" '
                  'viewBox="0 0 {} {}" width="100%" height="{}"><title>{}</title>').format(
        "group" if linked else "img", title, width, height, height, title)


def stacked_bars(labels: Sequence[str], series: Mapping[str, Sequence[int]], width: int = 720, height: int = 220,
                 title: str = "", shown: Callable[[str], str] = str, names: Mapping[str, str] | None = None,
                 link: Link | None = None) -> Markup:
    """Vertical stacked bars: one bar per label, one colour per series, with a legend.

    `shown` formats a label for the axis, `names` gives each series' words, `link(i, series)` the drill-down URL."""
    names = names or {}
    n = max(1, len(labels))
    totals = [sum(s[i] for s in series.values()) for i in range(len(labels))]
    top = max([1, *totals])
    left, bottom, legend_h = 40, 30, 18 * ((len(series) + 3) // 4)
    plot_h = height - bottom - legend_h - 10
    bw = (width - left - 10) / n
    parts = [_open(width, height, title, link is not None)]
    parts.append(Markup('<text x="2" y="{}" font-size="10">{}</text>').format(legend_h + 10, top))
    parts.append(Markup('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#666"/>').format(
        left, legend_h + plot_h + 5, width - 10, legend_h + plot_h + 5))
    for i, label in enumerate(labels):
        y = float(legend_h + plot_h + 5)
        for j, (name, values) in enumerate(series.items()):
            h = values[i] / top * plot_h
            if h <= 0:
                continue
            y -= h
            text = f"{shown(label)} · {names.get(name, name)}: {values[i]}"
            rect = Markup('<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}">'
                          '<title>{}</title></rect>').format(
                left + i * bw + 1, y, max(1.0, bw - 2), h, PALETTE[j % len(PALETTE)], text)
            url = link(i, name) if link else None
            parts.append(Markup('<a href="{}" aria-label="{}">{}</a>').format(url, text, rect) if url else rect)
        if n <= 16 or i % max(1, n // 10) == 0:
            parts.append(Markup('<text x="{:.1f}" y="{}" font-size="9" text-anchor="middle">{}</text>').format(
                left + i * bw + bw / 2, height - 8, shown(label)))
    for j, name in enumerate(series):
        x, y = 10 + (j % 4) * (width // 4), 12 + 18 * (j // 4)
        parts.append(Markup('<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
                            '<text x="{}" y="{}" font-size="11">{}</text>').format(
            x, y - 9, PALETTE[j % len(PALETTE)], x + 14, y, names.get(name, name)))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def hbars(rows: Sequence[tuple[str, int]], width: int = 520, title: str = "",
          links: Sequence[str | None] | None = None) -> Markup:
    """Horizontal bars, one per (label, value); `links[i]` makes bar i a link to the filtered queue."""
    row_h, label_w = 22, 170
    height = max(1, len(rows)) * row_h + 10
    top = max([1, *(v for _, v in rows)])
    parts = [_open(width, height, title, bool(links))]
    for i, (label, value) in enumerate(rows):
        y = 5 + i * row_h
        w = value / top * (width - label_w - 50)
        bar = Markup('<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>'
                     '<rect x="{}" y="{}" width="{:.1f}" height="{}" fill="{}"/>'
                     '<text x="{:.1f}" y="{}" font-size="11">{}</text>').format(
            label_w - 6, y + 14, label[:28], label_w, y + 3, max(w, 0.5), row_h - 6, PALETTE[i % len(PALETTE)],
            label_w + w + 4, y + 14, value)
        url = links[i] if links and i < len(links) else None
        # the link's name is its visible text (label and count): no aria-label that could differ from it
        parts.append(Markup('<a href="{}" data-label="{}" data-n="{}">{}</a>').format(url, label, value, bar)
                     if url else bar)
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
