"""The fairness report's chart: one stacked bar of weighted points per person, by category."""

from __future__ import annotations

from zhiban.core.charts import Chart, stacked_bars
from zhiban.roster.generation.fairness import Report

COLOURS = {"weekday": "#4a78b5", "weekend": "#e39b38", "holiday": "#c0392b", "night": "#5b4a8b"}


def bar_chart(report: Report) -> Chart:
    """One stacked bar per person (category points side by side), scaled to the highest total."""
    rows = [
        (line.name, {c: n * report.weights.get(c, 0) for c, n in line.counts.items()}, line.total)
        for line in report.lines
    ]
    return stacked_bars(rows, COLOURS)
