"""Horizontal stacked bar charts as plain SVG numbers for templates (no script, no inline style: CSP).

`core/_stacked_bars.html` draws a `Chart`; each segment carries its fill colour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

BAR_H, GAP, LABEL_W, WIDTH = 18, 6, 120, 520
PALETTE = ("#4a78b5", "#e39b38", "#c0392b", "#5b4a8b", "#2e8b57", "#7f8c8d")


@dataclass(frozen=True)
class Segment:
    category: str
    x: float
    width: float
    fill: str


@dataclass(frozen=True)
class Bar:
    name: str
    y: int
    text_y: int
    total: float
    total_x: float
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int
    height: int
    label_w: int
    bar_h: int


def stacked_bars(
    rows: Sequence[tuple[str, Mapping[str, float], float]], colours: Mapping[str, str] | None = None
) -> Chart:
    """One bar per row `(name, {category: value}, total shown)`, segments side by side, scaled to the longest."""
    categories = list(dict.fromkeys(c for _, values, _ in rows for c in values))
    colours = dict(colours or {}) | {
        c: PALETTE[i % len(PALETTE)] for i, c in enumerate(categories) if c not in (colours or {})
    }
    top = max((sum(v for v in values.values() if v > 0) for _, values, _ in rows), default=0.0) or 1.0
    scale = (WIDTH - LABEL_W - 60) / top
    bars = []
    for i, (name, values, total) in enumerate(rows):
        y = i * (BAR_H + GAP)
        x = float(LABEL_W)
        segments = []
        for category, value in values.items():
            width = round(value * scale, 1)
            if width > 0:
                segments.append(Segment(category, round(x, 1), width, colours[category]))
                x += width
        bars.append(Bar(name, y, y + BAR_H - 4, total, round(x + 4, 1), tuple(segments)))
    return Chart(tuple(bars), WIDTH, max(len(bars) * (BAR_H + GAP), BAR_H), LABEL_W, BAR_H)
