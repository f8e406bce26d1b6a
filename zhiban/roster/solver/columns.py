"""Column generation: a lower bound, and a starting roster, for problems whose people are coupled only by cover.

The compact CP-SAT model relaxes each person's rules (runs, rest, weekends, minutes) into a weak LP: on the
Curtois–Qu Instance5 its root bound is 728 for an optimum of 1143. Here each person's feasible rosters are
enumerated lazily instead ("columns"): a master LP (GLOP) picks a convex mix of rosters per person to meet cover,
and a pricing problem per person (CP-SAT on that person alone, built by the same constraint families as the full
model, so the rules cannot drift) finds the roster with the most negative reduced cost. The Lagrangian value

    L(π) = Σ π·need + Σ_person min_roster (cost − π·a) + Σ_cover min over shortfall and excess

is a valid lower bound for any duals π, taken from the pricing solver's own proven bound, so the bound stays valid
when time runs out mid-iteration. At convergence it equals the master LP, as strong as the per-person convex hull.
A restricted master IP over the columns found then gives a starting roster.
"""

from __future__ import annotations

import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from zhiban.roster.solver.build import build
from zhiban.roster.solver.context import Context
from zhiban.roster.solver.model import Assignment, Cover, Person, Problem

SCALE = 1000  # duals are rounded to thousandths in the integer pricing objective; the error is bounded below
PATIENCE = 0.005  # seconds of pricing per person at first; multiplied by 4 whenever that finds nothing new
ARTIFICIAL = 1_000_000  # cost of a unit of shortfall or excess where the cover row makes it hard
Slot = tuple[int, str, str]  # (day, shift, post)


@dataclass(frozen=True)
class Columns:
    bound: int | None  # a proven lower bound on the objective, or None when no iteration finished
    converged: bool  # no roster of negative reduced cost remains: the bound is the master LP's
    start: tuple[Assignment, ...]  # the best roster the restricted master found (empty if none)
    start_objective: int | None
    iterations: int


def separable(problem: Problem) -> bool:
    """Whether people interact only through cover, so that per-person pricing is exact (no fairness spread, no
    quota over several people)."""
    if problem.quotas and len(problem.people) > 1:
        return False
    return problem.fairness is None or not problem.fairness.weight or len(problem.people) < 2


def _alone(problem: Problem, person: Person, slots: list[Slot]) -> Problem:
    """The problem restricted to one person, with every slot open and no cover requirement."""
    return replace(
        problem,
        people=(person,),
        cover=tuple(Cover(d, shift, post) for d, shift, post in slots),
        unavailable=tuple(u for u in problem.unavailable if u.person == person.id),
        pins=tuple(a for a in problem.pins if a.person == person.id),
        wishes=tuple(w for w in problem.wishes if w.person == person.id),
        quotas=(),
        fairness=None,
    )


def _sides(c: Cover, people: int) -> tuple[int, int, int]:
    """A cover row's cost per person short, cost per person over the maximum, and the free room between the two."""
    under = ARTIFICIAL if c.under_weight is None else c.under_weight
    if c.maximum is None:
        return under, 0, people
    return under, ARTIFICIAL if c.over_weight is None else c.over_weight, max(c.maximum - c.minimum, 0)


class _NoRoster(Exception):
    """Someone has no feasible roster at all: the full model will say why."""


class _Pricer:
    """One person's pricing problem, built once and re-solved with each iteration's duals."""

    def __init__(self, problem: Problem, person: Person, slots: list[Slot], seed: int) -> None:
        self.ctx: Context = build(_alone(problem, person, slots))
        self.solver = cp_model.CpSolver()
        self.solver.parameters.num_workers = 1
        self.solver.parameters.random_seed = seed
        self.horizon = len(problem.days)

    def price(self, duals: dict[Slot, float], seconds: float) -> tuple[float, int, list[Slot], bool] | None:
        """(lower bound on the min of cost − π·a, the roster's cost, its slots, whether proven) or None if none."""
        ctx = self.ctx
        terms = [SCALE * t for t in ctx.objective]
        terms += [-round(SCALE * duals[k[1:]]) * v for k, v in ctx.x.items() if duals[k[1:]]]
        ctx.model.minimize(sum(terms))
        self.solver.parameters.max_time_in_seconds = max(seconds, 0.01)
        code = self.solver.solve(ctx.model)
        if code == cp_model.INFEASIBLE:
            raise _NoRoster
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        # Each slot's rounded dual is off by at most 0.5 / SCALE, and a roster has at most one slot a day.
        low = self.solver.best_objective_bound / SCALE - self.horizon * 0.5 / SCALE
        roster = [k[1:] for k, v in ctx.x.items() if self.solver.boolean_value(v)]
        cost = sum(self.solver.value(t) for t in ctx.objective)
        return low, cost, roster, code == cp_model.OPTIMAL


class _Master:
    """The master LP: a convex mix of known rosters per person, cover met with priced shortfall and excess."""

    def __init__(self, problem: Problem) -> None:
        self.problem, n = problem, len(problem.people)
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        self.objective = self.lp.Objective()
        self.objective.SetMinimization()
        self.convexity = [self.lp.Constraint(1, 1) for _ in range(n)]
        self.rows: dict[Slot, pywraplp.Constraint] = {}
        self.sides: dict[Slot, tuple[int, int, int]] = {}
        for c in problem.cover:
            key = (c.day, c.shift, c.post)
            row = self.lp.Constraint(c.minimum, c.minimum)  # count + short − free − over = minimum
            under, over, free = _sides(c, n)
            for bound, sign, cost in ((c.minimum, 1, under), (free, -1, 0), (n, -1, over)):
                var = self.lp.NumVar(0, bound, "")
                row.SetCoefficient(var, sign)
                self.objective.SetCoefficient(var, cost)
            self.rows[key], self.sides[key] = row, (under, over, free)
        self.pool: list[tuple[int, int, list[Slot]]] = []

    def add(self, person: int, cost: int, roster: list[Slot]) -> None:
        var = self.lp.NumVar(0, 1, "")
        self.objective.SetCoefficient(var, cost)
        self.convexity[person].SetCoefficient(var, 1)
        for slot in roster:
            self.rows[slot].SetCoefficient(var, 1)
        self.pool.append((person, cost, roster))

    def duals(self) -> tuple[dict[Slot, float], list[float]]:
        self.lp.Solve()
        return {k: row.dual_value() for k, row in self.rows.items()}, [c.dual_value() for c in self.convexity]

    def cover_part(self, duals: dict[Slot, float]) -> float:
        """π·need plus the cheapest shortfall and excess at these duals."""
        n, total = len(self.problem.people), 0.0
        for c in self.problem.cover:
            key = (c.day, c.shift, c.post)
            pi, (under, over, free) = duals[key], self.sides[key]
            total += pi * c.minimum + min(0.0, (under - pi) * c.minimum)
            total += min(0.0, pi * free) + min(0.0, (over + pi) * n)
        return total

    def best_integer(self, seconds: float, workers: int) -> tuple[int, list[tuple[int, list[Slot]]]] | None:
        """The restricted master as an IP: one known roster per person, cover costs as in the full model."""
        m = cp_model.CpModel()
        picks = [m.new_bool_var(f"r{i}") for i in range(len(self.pool))]
        for p in range(len(self.problem.people)):
            m.add_exactly_one([v for v, (q, _, _) in zip(picks, self.pool, strict=True) if q == p])
        terms = [cost * v for v, (_, cost, _) in zip(picks, self.pool, strict=True)]
        holders: dict[Slot, list[cp_model.IntVar]] = {}
        for v, (_, _, roster) in zip(picks, self.pool, strict=True):
            for slot in roster:
                holders.setdefault(slot, []).append(v)
        n = len(self.problem.people)
        for c in self.problem.cover:
            key = (c.day, c.shift, c.post)
            (under, over, free), count = self.sides[key], sum(holders.get(key, []))
            short, spare, excess = m.new_int_var(0, c.minimum, ""), m.new_int_var(0, free, ""), m.new_int_var(0, n, "")
            m.add(count + short - spare - excess == c.minimum)
            terms += [under * short, over * excess]
        m.minimize(sum(terms))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(seconds, 0.01)
        solver.parameters.num_workers = workers
        if solver.solve(m) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        chosen = [(q, roster) for v, (q, _, roster) in zip(picks, self.pool, strict=True) if solver.boolean_value(v)]
        return round(solver.objective_value), chosen


def generate(
    problem: Problem, seconds: float, workers: int = 2, seed: int = 0, stop: threading.Event | None = None
) -> Columns:
    """Column generation for at most `seconds` (the restricted master IP gets a tenth of it at the end)."""
    try:
        return _generate(problem, seconds, workers, seed, stop or threading.Event())
    except _NoRoster:
        return Columns(None, False, (), None, 0)


def _generate(problem: Problem, seconds: float, workers: int, seed: int, stop: threading.Event) -> Columns:
    deadline = time.perf_counter() + seconds * 0.9
    slots = sorted({(c.day, c.shift, c.post) for c in problem.cover})
    pricers = [_Pricer(problem, person, slots, seed) for person in problem.people]
    master = _Master(problem)
    duals, convexity = dict.fromkeys(slots, 0.0), [0.0] * len(pricers)
    best, iterations, converged = -math.inf, 0, False
    patience = PATIENCE
    with ThreadPoolExecutor(max(workers, 1)) as pool:  # CP-SAT releases the GIL while it solves
        while time.perf_counter() < deadline and not stop.is_set():
            left = min(deadline - time.perf_counter(), patience)
            jobs = [pool.submit(pricer.price, duals, left) for pricer in pricers]
            priced = [r for job in jobs if (r := job.result()) is not None]
            if len(priced) < len(pricers):  # someone's pricing found no roster in time
                patience *= 4
                continue
            iterations += 1
            value, added = master.cover_part(duals), 0
            proven = all(r[3] for r in priced)
            for p, (low, cost, roster, _) in enumerate(priced):
                value += low
                reduced = cost - sum(duals[s] for s in roster) - convexity[p]
                if iterations == 1 or reduced < -1e-6:
                    master.add(p, cost, roster)
                    added += 1
            best = max(best, value)
            if not added:
                if proven:
                    converged = True
                    break
                patience *= 4  # pricing cut short found nothing new: give each person longer
                continue
            duals, convexity = master.duals()
    bound = math.ceil(best - 1e-6) if best > -math.inf else None
    start: tuple[Assignment, ...] = ()
    start_objective = None
    if master.pool and not stop.is_set():
        found = master.best_integer(seconds * 0.1, workers)
        if found is not None:
            start_objective, chosen = found
            ids = [person.id for person in problem.people]
            start = tuple(Assignment(ids[p], d, shift, post) for p, roster in chosen for d, shift, post in roster)
    return Columns(bound, converged, start, start_objective, iterations)
