"""Pure roster solver on OR-Tools CP-SAT (no Django): dataclasses in, assignments and an explanation out."""

from zhiban.roster.solver.check import Evaluation, evaluate
from zhiban.roster.solver.model import (
    Assignment,
    Cost,
    Cover,
    Day,
    Explanation,
    Fairness,
    Limits,
    Options,
    Person,
    Points,
    Post,
    Problem,
    Progress,
    Result,
    ShiftType,
    Status,
    Unavailability,
    Wish,
)
from zhiban.roster.solver.solve import solve

__all__ = [
    "Assignment",
    "Cost",
    "Cover",
    "Day",
    "Evaluation",
    "Explanation",
    "Fairness",
    "Limits",
    "Options",
    "Person",
    "Points",
    "Post",
    "Problem",
    "Progress",
    "Result",
    "ShiftType",
    "Status",
    "Unavailability",
    "Wish",
    "evaluate",
    "solve",
]
