"""The CP-SAT model under construction: decision variables and the objective terms the constraint families add."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from zhiban.roster.solver.index import Index
from zhiban.roster.solver.model import Problem

Key = tuple[int, int, str, str]  # (person index, day, shift id, post id)


@dataclass
class Context:
    problem: Problem
    index: Index
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[Key, cp_model.IntVar] = field(default_factory=dict)
    work: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    by_day: dict[tuple[int, int], list[cp_model.IntVar]] = field(default_factory=dict)
    by_shift: dict[tuple[int, int, str], list[cp_model.IntVar]] = field(default_factory=dict)
    objective: list[cp_model.LinearExprT] = field(default_factory=list)

    @property
    def horizon(self) -> int:
        return len(self.problem.days)

    def on(self, p: int, d: int, shift: str) -> list[cp_model.IntVar]:
        """The variables that put person p on the shift on day d (one per post)."""
        return self.by_shift.get((p, d, shift), [])
