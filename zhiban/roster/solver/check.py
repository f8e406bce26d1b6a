"""The check form of every rule: evaluates any roster against a problem (hard violations, soft costs, objective)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from zhiban.roster.solver.index import Index, qualified, works_type
from zhiban.roster.solver.model import POINT_SCALE, Assignment, Cost, Points, Problem


@dataclass(frozen=True)
class Evaluation:
    hard: tuple[str, ...]
    costs: tuple[Cost, ...]
    points: tuple[Points, ...]

    @property
    def objective(self) -> int:
        return sum(c.amount for c in self.costs)

    @property
    def feasible(self) -> bool:
        return not self.hard


def _blocks(worked: list[bool], value: bool) -> list[tuple[int, int]]:
    """(start, length) of each maximal run of `value`."""
    runs, start = [], None
    for d, w in enumerate([*worked, not value]):
        if w == value and start is None:
            start = d
        elif w != value and start is not None:
            runs.append((start, d - start))
            start = None
    return runs


def _person_rules(problem: Problem, index: Index, pid: str, mine: list[Assignment]) -> list[str]:
    horizon, limits = len(problem.days), index.people[pid].limits
    hard: list[str] = []
    per_day = Counter(a.day for a in mine)
    hard += [f"{pid} day {d}: {n} shifts in one day" for d, n in per_day.items() if n > 1]
    per_type = Counter(a.shift for a in mine)
    for shift, most in limits.max_shifts.items():
        if per_type[shift] > most:
            hard.append(f"{pid}: {per_type[shift]} {shift} shifts, at most {most}")
    minutes = {s.id: s.minutes for s in problem.shifts}
    total = sum(minutes[a.shift] for a in mine)
    if limits.min_minutes is not None and total < limits.min_minutes:
        hard.append(f"{pid}: {total} minutes, at least {limits.min_minutes}")
    if limits.max_minutes is not None and total > limits.max_minutes:
        hard.append(f"{pid}: {total} minutes, at most {limits.max_minutes}")
    worked = [per_day[d] > 0 for d in range(horizon)]
    for start, length in _blocks(worked, True):
        if limits.max_consecutive_days is not None and length > limits.max_consecutive_days:
            hard.append(f"{pid}: {length} working days in a row from day {start}")
        inner = start > 0 and start + length < horizon
        if inner and limits.min_consecutive_days and length < limits.min_consecutive_days:
            hard.append(f"{pid}: only {length} working days in a row from day {start}")
    for start, length in _blocks(worked, False):
        inner = start > 0 and start + length < horizon
        if inner and limits.min_consecutive_days_off and length < limits.min_consecutive_days_off:
            hard.append(f"{pid}: only {length} days off in a row from day {start}")
    if limits.max_weekends is not None:
        weekends = sum(any(worked[d] for d in days) for days in index.weekends().values())
        if weekends > limits.max_weekends:
            hard.append(f"{pid}: works {weekends} weekends, at most {limits.max_weekends}")
    shift_on = {a.day: a.shift for a in mine}
    for a, b in index.successions():
        for d in range(horizon - 1):
            if shift_on.get(d) == a and shift_on.get(d + 1) == b:
                hard.append(f"{pid}: {b} on day {d + 1} may not follow {a} on day {d}")
    return hard


def evaluate(problem: Problem, roster: Iterable[Assignment]) -> Evaluation:
    """Every hard rule broken and every soft cost paid by the roster."""
    index = Index(problem)
    roster = list(roster)
    hard: list[str] = []
    slots = {(c.day, c.shift, c.post) for c in problem.cover}
    for a in roster:
        person = index.people.get(a.person)
        if person is None or (a.day, a.shift, a.post) not in slots:
            hard.append(f"{a}: no such person or post")
            continue
        if not qualified(person, index.posts[a.post]) or not works_type(person, a.shift):
            hard.append(f"{a}: {a.person} may not work {a.shift} as {index.posts[a.post].title}")
        if (a.person, a.day) in index.off:
            hard.append(f"{a}: {a.person} is unavailable ({', '.join(index.off[a.person, a.day])})")
    roster = [a for a in roster if a.person in index.people]
    present = set(roster)
    hard += [f"{pin}: pinned assignment missing" for pin in problem.pins if pin not in present]
    hard += _split_blocks(problem, roster)
    hard += _short_quotas(problem, index, roster)
    hard += _overfull_windows(problem, roster)
    for pid in index.people:
        hard += _person_rules(problem, index, pid, [a for a in roster if a.person == pid])
    costs = _cover_costs(problem, roster, hard) + _wish_costs(problem, roster)
    points = _points(problem, index, roster)
    if problem.fairness is not None and problem.fairness.weight and len(points) > 1:
        after = [round(p.after * POINT_SCALE) for p in points]
        spread = max(after) - min(after)
        if spread:
            detail = f"points spread {spread / POINT_SCALE:g} (max − min)"
            costs.append(Cost("fairness", detail, problem.fairness.weight * spread))
    return Evaluation(tuple(hard), tuple(costs), tuple(points))


def _split_blocks(problem: Problem, roster: list[Assignment]) -> list[str]:
    """Blocks whose days are not all held by the same people (ROS-02)."""
    hard = []
    for block in problem.blocks:
        held = [
            frozenset(a.person for a in roster if (a.day, a.shift, a.post) == (d, shift, block.post))
            for d, shift in block.cells()
        ]
        if len(set(held)) > 1:
            first, last = problem.days[block.days[0]].label, problem.days[block.days[-1]].label
            who = ", ".join(sorted({p for people in held for p in people}))
            where = f"{first}–{last} {block.shift} {block.post}".rstrip()
            hard.append(f"{where}: block split between {who}")
    return hard


def _short_quotas(problem: Problem, index: Index, roster: list[Assignment]) -> list[str]:
    """Shifts with fewer people of the quota's grade than it needs (ROS-01 senior per shift)."""
    hard = []
    for q in problem.quotas:
        held = sum(
            1
            for a in roster
            if (a.day, a.shift, a.post) == (q.day, q.shift, q.post) and index.people[a.person].grade >= q.min_grade
        )
        if held < q.minimum:
            where = f"{problem.days[q.day].label} {q.shift} {q.post}".rstrip()
            hard.append(f"{where}: {held} of grade {q.min_grade} or above, {q.minimum} needed")
    return hard


def _overfull_windows(problem: Problem, roster: list[Assignment]) -> list[str]:
    """People holding a post of a shift on more days of a window than it allows (ROS-02)."""
    hard = []
    for w in problem.windows:
        days = set(w.days)
        held = Counter(a.person for a in roster if a.day in days and (a.shift, a.post) == (w.shift, w.post))
        for person, count in sorted(held.items()):
            if count > w.maximum:
                first, last = problem.days[w.days[0]].label, problem.days[w.days[-1]].label
                hard.append(f"{first}–{last} {w.shift} {w.post}: {person} holds {count} days, at most {w.maximum}")
    return hard


def _cover_costs(problem: Problem, roster: list[Assignment], hard: list[str]) -> list[Cost]:
    counts = Counter((a.day, a.shift, a.post) for a in roster)
    costs = []
    for c in problem.cover:
        n, where = counts[c.day, c.shift, c.post], f"{problem.days[c.day].label} {c.shift} {c.post}".rstrip()
        if n < c.minimum:
            if c.under_weight is None:
                hard.append(f"{where}: {n} on duty, at least {c.minimum}")
            elif c.under_weight:
                costs.append(
                    Cost("cover", f"{where}: {c.minimum - n} short of {c.minimum}", c.under_weight * (c.minimum - n))
                )
        if c.maximum is not None and n > c.maximum:
            if c.over_weight is None:
                hard.append(f"{where}: {n} on duty, at most {c.maximum}")
            elif c.over_weight:
                costs.append(
                    Cost("cover", f"{where}: {n - c.maximum} over {c.maximum}", c.over_weight * (n - c.maximum))
                )
    return costs


def _wish_costs(problem: Problem, roster: list[Assignment]) -> list[Cost]:
    costs = []
    for w in problem.wishes:
        met = any(a.person == w.person and a.day == w.day and w.shift in (None, a.shift) for a in roster)
        what = w.shift or "duty"
        label = problem.days[w.day].label
        if w.on and not met:
            costs.append(Cost("wish", f"{w.person} asked for {what} on {label}, not given", w.weight))
        if not w.on and met:
            costs.append(Cost("wish", f"{w.person} asked to be free of {what} on {label}, rostered", w.weight))
    return costs


def _points(problem: Problem, index: Index, roster: list[Assignment]) -> list[Points]:
    if problem.fairness is None:
        return []
    gained: Counter[str] = Counter()
    for a in roster:
        gained[a.person] += round(index.day_points(a.day, a.shift) * POINT_SCALE)
    return [
        Points(p.id, p.prior_points, (round(p.prior_points * POINT_SCALE) + gained[p.id]) / POINT_SCALE)
        for p in problem.people
    ]
