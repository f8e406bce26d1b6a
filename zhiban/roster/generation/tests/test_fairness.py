"""Fairness numbers on a hand-computed example: points by category, spread, pairwise balance (ROS-04)."""

from __future__ import annotations

import pytest

from zhiban.roster.generation.fairness import balance_score, category_counts, pairwise_balance, summarise


def test_pairwise_balance_by_hand() -> None:
    # pairs: (1,2) 0.5, (1,4) 0.25, (2,4) 0.5 → 1.25 / 3
    assert pairwise_balance([4, 1, 2]) == pytest.approx(1.25 / 3)
    assert pairwise_balance([0, 0, 3]) == pytest.approx(1 / 3)  # (0,0) balanced, (0,3) twice not
    assert pairwise_balance([2, 2]) == 1.0
    assert pairwise_balance([5]) == 1.0


def test_ros_04_fairness_report_by_hand() -> None:
    duties = [
        ("A", "weekday", False),
        ("A", "weekday", False),
        ("A", "holiday", True),
        ("B", "weekend", False),
        ("B", "weekday", False),
        ("C", "weekday", False),
    ]
    counts = category_counts(duties)
    counts["D"] = dict.fromkeys(counts["A"], 0)
    assert counts["A"] == {"weekday": 2, "weekend": 0, "holiday": 1, "night": 1}
    report = summarise(counts, names={"A": "甲"})
    points = {line.name: line.points for line in report.lines}
    assert points == {
        "甲": 2 + 3 + 0.5,
        "B": 1 + 1.5,
        "C": 1.0,
        "D": 0.0,
    }  # weekday 1, weekend 1.5, holiday 3, night +.5
    assert report.lines[0].name == "甲"
    assert report.spread == 5.5
    # weekday counts 2,1,1,0 → pairs (0,1)0 (0,1)0 (0,2)0 (1,1)1 (1,2).5 (1,2).5 → 2/6
    # weekend 1,0,0,0 → 3 balanced zero pairs of 6 → 3/6; holiday and night the same: 3/6
    expected = (1 * 2 / 6 + 1.5 * 3 / 6 + 3 * 3 / 6 + 0.5 * 3 / 6) / 6.0
    assert report.balance == round(expected, 4)
    assert balance_score({"A": counts["A"], "B": counts["A"]}) == 1.0
