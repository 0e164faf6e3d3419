"""Server-rendered SVG charts with text alternatives (no JavaScript, no external library).

Each function returns Markup for a ``<figure>``: an ``<svg role="img">`` with ``<title>`` and
``<desc>``, a caption, and the same numbers as a table in a ``<details>`` element, so screen
readers and people who prefer numbers get them too. Only SVG presentation attributes are used
(no ``style``), so the site's strict Content Security Policy holds. Values may be a number or a
suppressed cell such as ``"<5"``, drawn as a short hatched bar and labelled as given.
"""
from __future__ import annotations

from itertools import count
from typing import Sequence

from markupsafe import Markup, escape

# colour-blind-safe palette (Okabe & Ito, "Color Universal Design", 2002), dark enough for 3:1
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#666666", "#000000"]
_ids = count(1)


def _n(value) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0


def _shown(value) -> str:
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value)


def _table(caption: str, header: Sequence[str], rows: list[Sequence]) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
    body = "".join("<tr>" + f'<th scope="row">{escape(r[0])}</th>'
                   + "".join(f"<td>{escape(_shown(v))}</td>" for v in r[1:]) + "</tr>" for r in rows)
    return (f'<details class="chart-data"><summary>{escape(caption)}</summary>'
            f'<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>')


def _figure(uid: str, title: str, desc: str, svg_body: str, width: int, height: int, table: str) -> Markup:
    return Markup(
        f'<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-labelledby="{uid}-t {uid}-d" font-family="sans-serif" font-size="12">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>{svg_body}</svg>'
        f'<figcaption>{escape(title)}</figcaption>{table}</figure>')


def _hatch(uid: str) -> str:
    return (f'<defs><pattern id="{uid}-h" width="4" height="4" patternUnits="userSpaceOnUse">'
            f'<path d="M0,4 L4,0" stroke="#444" stroke-width="1"/></pattern></defs>')


def bar_chart(rows: list[tuple[str, object]], title: str, *, value_label: str, table_label: str,
              width: int = 640) -> Markup:
    """Horizontal bars, one per ``(label, value)`` in the given order. Returns ``Markup("")``
    for no rows."""
    if not rows:
        return Markup("")
    uid = f"chart{next(_ids)}"
    top = max((_n(v) for _l, v in rows), default=0) or 1
    label_w, bar_h, gap = 200, 18, 6
    plot_w = width - label_w - 70
    parts = [_hatch(uid)]
    for i, (label, value) in enumerate(rows):
        y = 8 + i * (bar_h + gap)
        text = str(label) if len(str(label)) <= 32 else str(label)[:31] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" fill="#222">{escape(text)}</text>')
        if isinstance(value, (int, float)):
            w = max(1.0, plot_w * _n(value) / top) if value else 0
            parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[0]}"/>')
        else:
            w = 8
            parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="url(#{uid}-h)" stroke="#444"/>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 13}" fill="#222">{escape(_shown(value))}</text>')
    height = 16 + len(rows) * (bar_h + gap)
    desc = "; ".join(f"{label}: {_shown(value)}" for label, value in rows)
    return _figure(uid, title, desc, "".join(parts), width, height,
                   _table(table_label, ["", value_label], [(label, value) for label, value in rows]))


def stacked_bar_chart(rows: list[tuple[str, dict[str, object]]], groups: list[tuple[str, str]], title: str, *,
                      table_label: str, total_label: str, totals: list[int] | None = None,
                      width: int = 640) -> Markup:
    """One horizontal bar per ``(label, {group code: count})``, split by group in the order of
    ``groups`` (``(code, label)``), with a legend; ``totals`` (default: the sum of each row's
    counts) are written after the bars. A suppressed count (``"<5"``) is drawn as a hatched
    segment of 2.5 units and written as given. Returns ``Markup("")`` for no rows."""
    if not rows:
        return Markup("")
    uid = f"chart{next(_ids)}"
    used = [(code, label) for code, label in groups if any(counts.get(code) for _l, counts in rows)]
    colour = {code: PALETTE[i % len(PALETTE)] for i, (code, _label) in enumerate(used)}

    def width_of(value) -> float:
        return _n(value) if isinstance(value, (int, float)) else (2.5 if value else 0.0)

    totals = totals or [int(sum(_n(v) for v in counts.values())) for _l, counts in rows]
    top = max(sum(width_of(v) for v in counts.values()) for _l, counts in rows) or 1
    label_w, bar_h, gap = 200, 18, 6
    plot_w = width - label_w - 60
    parts = [_hatch(uid)]
    for i, (code, label) in enumerate(used):  # the legend, in rows of three
        x, y = 10 + (i % 3) * (width // 3), 14 + (i // 3) * 18
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour[code]}"/>'
                     f'<text x="{x + 18}" y="{y}" fill="#222">{escape(label)}</text>')
    top_y = 14 + ((len(used) + 2) // 3) * 18 + 6
    for i, (label, counts) in enumerate(rows):
        y = top_y + i * (bar_h + gap)
        text = str(label) if len(str(label)) <= 32 else str(label)[:31] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" fill="#222">{escape(text)}</text>')
        x = float(label_w)
        for code, _glabel in used:
            n = counts.get(code, 0)
            if n:
                w = plot_w * width_of(n) / top
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour[code]}"/>')
                if not isinstance(n, (int, float)):
                    parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="url(#{uid}-h)"/>')
                x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 13}" fill="#222">{totals[i]}</text>')
    height = top_y + len(rows) * (bar_h + gap) + 6
    desc = "; ".join(f"{label}: " + ", ".join(f"{g} {counts.get(c, 0)}" for c, g in used) for label, counts in rows)
    header = [""] + [g for _c, g in used] + [total_label]
    table_rows = [[label] + [counts.get(c, 0) for c, _g in used] + [totals[i]] for i, (label, counts) in enumerate(rows)]
    return _figure(uid, title, desc, "".join(parts), width, height, _table(table_label, header, table_rows))


def column_chart(points: list[tuple[str, int]], title: str, *, value_label: str, table_label: str,
                 width: int = 640, height: int = 200) -> Markup:
    """Vertical columns over time, ``(period label, count)`` oldest first; the first, last and
    every few labels are written under the axis. Returns ``Markup("")`` for no points."""
    if not points:
        return Markup("")
    uid = f"chart{next(_ids)}"
    top = max(n for _p, n in points) or 1
    left, bottom, plot_h = 40, height - 30, height - 50
    step = (width - left - 10) / len(points)
    parts = [f'<line x1="{left}" y1="{bottom}" x2="{width - 10}" y2="{bottom}" stroke="#444"/>',
             f'<text x="{left - 6}" y="{bottom - plot_h + 4}" text-anchor="end" fill="#222">{top}</text>',
             f'<text x="{left - 6}" y="{bottom}" text-anchor="end" fill="#222">0</text>']
    every = max(1, len(points) // 6)
    for i, (period, n) in enumerate(points):
        h = plot_h * n / top
        x = left + i * step
        parts.append(f'<rect x="{x + 1:.1f}" y="{bottom - h:.1f}" width="{max(1.0, step - 2):.1f}" height="{h:.1f}" '
                     f'fill="{PALETTE[0]}"/>')
        if i % every == 0 or i == len(points) - 1:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{bottom + 16}" text-anchor="middle" fill="#222">'
                         f'{escape(period)}</text>')
    desc = "; ".join(f"{period}: {n}" for period, n in points)
    return _figure(uid, title, desc, "".join(parts), width, height,
                   _table(table_label, ["", value_label], points))
