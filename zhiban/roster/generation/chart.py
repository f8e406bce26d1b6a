"""A horizontal bar chart of points per person as plain SVG numbers for the template (no script, no style)."""

from __future__ import annotations

from dataclasses import dataclass

from zhiban.roster.generation.fairness import Report

BAR_H, GAP, LABEL_W, WIDTH = 18, 6, 120, 520


@dataclass(frozen=True)
class Segment:
    category: str
    x: float
    width: float


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


def bar_chart(report: Report) -> Chart:
    """One stacked bar per person (category points side by side), scaled to the highest total."""
    top = report.highest or 1.0
    scale = (WIDTH - LABEL_W - 60) / top
    bars = []
    for i, line in enumerate(report.lines):
        y = i * (BAR_H + GAP)
        x = float(LABEL_W)
        segments = []
        for category, count in line.counts.items():
            width = round(count * report.weights.get(category, 0) * scale, 1)
            if width > 0:
                segments.append(Segment(category, round(x, 1), width))
                x += width
        bars.append(Bar(line.name, y, y + BAR_H - 4, line.total, round(x + 4, 1), tuple(segments)))
    return Chart(tuple(bars), WIDTH, max(len(bars) * (BAR_H + GAP), BAR_H), LABEL_W, BAR_H)
