"""Synthetic-organisation roster benchmark (ROS-04 benchmark a): our CP-SAT solver against two baselines.

S = 40 people, 1 month (`bureau`: one 24-hour duty a day with a leader on duty, an officer and a driver);
M = 300 people in 30 stations, 1 quarter (`service-center`: day 8–20 and night 20–8, no 连班);
L = 2,000 people in 100 units, 1 quarter (`maintenance`: after-hours duty on working days, a leader and an
officer on rest days and holidays). 5 % of people are on leave for a week or two; the 2026 calendar comes
from `chinesecalendar`. Units are independent, so each is solved on its own, two at a time.
Reported per size and method: hard violations (the solver's checker), fairness spread (max − min points
after the period, worst unit), balance score (pairwise min/max, weighted categories; mean over units),
wall time and peak memory. Writes `bench/results/roster_synthetic.json` and `.md`.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import random
import resource
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chinese_calendar

from bench.foundation import machine
from bench.roster_baselines import least_recent, round_robin
from zhiban.roster.generation.fairness import CATEGORIES, balance_score
from zhiban.roster.solver import (
    Assignment,
    Cover,
    Day,
    Fairness,
    Options,
    Person,
    Post,
    Problem,
    ShiftType,
    Unavailability,
    evaluate,
    solve,
)

RESULTS = Path(__file__).parent / "results"
POINTS = {"weekday": 1.0, "weekend": 1.5, "holiday": 3.0}
NIGHT = 0.5
LEAVE_SHARE = 0.05
TARGETS = {"S": "proven optimal ≤ 2 s", "M": "≤ 20 s", "L": "feasible ≤ 120 s, ≤ 2 GB"}


@dataclass(frozen=True)
class Size:
    name: str
    pack: str
    units: int
    people: int  # per unit
    start: dt.date
    end: dt.date
    time_limit_s: float  # per unit


SIZES = (
    Size("S", "bureau", 1, 40, dt.date(2026, 10, 1), dt.date(2026, 10, 31), 2.0),
    Size("M", "service-center", 30, 10, dt.date(2026, 10, 1), dt.date(2026, 12, 31), 1.0),
    Size("L", "maintenance", 100, 20, dt.date(2026, 10, 1), dt.date(2026, 12, 31), 2.0),
)


def calendar_days(start: dt.date, end: dt.date) -> tuple[Day, ...]:
    days = []
    d = start
    while d <= end:
        if chinese_calendar.is_workday(d):
            kind = "weekday"
        else:
            kind = "holiday" if chinese_calendar.get_holiday_detail(d)[1] else "weekend"
        days.append(Day(d.isoformat(), d.weekday(), kind))
        d += dt.timedelta(days=1)
    return tuple(days)


def _shifts(pack: str) -> tuple[tuple[ShiftType, ...], dict[str, bool], int | None]:
    """Shift types, which are nights, and the minimum rest."""
    if pack == "bureau":
        return (ShiftType("duty", 1440, 9 * 60),), {"duty": False}, None
    if pack == "service-center":
        return (ShiftType("day", 720, 8 * 60), ShiftType("night", 720, 20 * 60)), {"day": False, "night": True}, 8 * 60
    return (
        (ShiftType("after_hours", 900, 17 * 60 + 30), ShiftType("rest_day", 1440, 8 * 60 + 30)),
        {"after_hours": True, "rest_day": False},
        None,
    )


def _cover(pack: str, days: tuple[Day, ...]) -> list[Cover]:
    cover = []
    for i, day in enumerate(days):
        if pack == "bureau":
            cover += [Cover(i, "duty", post, 1, 1, None, None) for post in ("leader", "officer", "driver")]
        elif pack == "service-center":
            cover += [Cover(i, shift, "officer", 1, 1, None, None) for shift in ("day", "night")]
        elif day.kind == "weekday":
            cover.append(Cover(i, "after_hours", "officer", 1, 1, None, None))
        else:
            cover += [Cover(i, "rest_day", post, 1, 1, None, None) for post in ("leader", "officer")]
    return cover


def unit_problem(size: Size, unit: int, rng: random.Random) -> Problem:
    days = calendar_days(size.start, size.end)
    shifts, nights, rest = _shifts(size.pack)
    people = []
    for n in range(size.people):
        quals: frozenset[str] = frozenset()
        if size.pack == "bureau":
            quals = frozenset({"leader"}) if n < 8 else frozenset({"driver"}) if n < 14 else frozenset()
        elif size.pack == "maintenance" and n < 4:
            quals = frozenset({"leader"})
        people.append(Person(f"u{unit}p{n}", qualifications=quals))
    leave = []
    for person in rng.sample(people, max(0, round(len(people) * LEAVE_SHARE))):
        length = rng.randint(7, 14)
        first = rng.randrange(0, len(days) - length)
        leave += [Unavailability(person.id, d) for d in range(first, first + length)]
    posts = (Post("officer", "值班人员"), Post("leader", "带班领导", "leader"), Post("driver", "驾驶员", "driver"))
    points = {(kind, s.id): value + (NIGHT if nights[s.id] else 0) for kind, value in POINTS.items() for s in shifts}
    return Problem(
        people=tuple(people),
        days=days,
        shifts=shifts,
        cover=tuple(_cover(size.pack, days)),
        posts=posts,
        unavailable=tuple(leave),
        min_rest_minutes=rest,
        fairness=Fairness(points, 1),
        name=f"{size.name}-{unit}",
    )


def organisation(size: Size) -> list[Problem]:
    """The units of a size; leave drawn so that 5 % of all people are away (seeded: the same every run)."""
    rng = random.Random(2026)
    problems = [unit_problem(size, u, rng) for u in range(size.units)]
    if size.units > 1:  # 5 % of the whole organisation, spread over units at random
        everyone = [(u, p.id) for u, prob in enumerate(problems) for p in prob.people]
        away = rng.sample(everyone, round(len(everyone) * LEAVE_SHARE))
        horizon = len(problems[0].days)
        extra: dict[int, list[Unavailability]] = {}
        for u, pid in away:
            length = rng.randint(7, 14)
            first = rng.randrange(0, horizon - length)
            extra.setdefault(u, []).extend(Unavailability(pid, d) for d in range(first, first + length))
        problems = [
            Problem(**{**prob.__dict__, "unavailable": tuple(extra.get(u, []))}) for u, prob in enumerate(problems)
        ]
    return problems


def _measure(problem: Problem, roster: tuple[Assignment, ...]) -> dict[str, Any]:
    checked = evaluate(problem, roster)
    after = [p.after for p in checked.points]
    nights = {s.id for s in problem.shifts if s.id in ("night", "after_hours")}
    counts = {p.id: dict.fromkeys(CATEGORIES, 0.0) for p in problem.people}
    for a in roster:
        if a.person in counts:
            counts[a.person][problem.days[a.day].kind] += 1
            if a.shift in nights:
                counts[a.person]["night"] += 1
    return {
        "hard": len(checked.hard),
        "spread": round(max(after) - min(after), 2),
        "balance": balance_score(counts),
        "hard_examples": list(checked.hard[:2]),
    }


def _ours(problem: Problem, limit: float, workers: int = 1) -> dict[str, Any]:
    # The least-recently-on-duty roster is a hint: a feasible start, so a short time limit always has a roster.
    disagreement = ""
    try:
        result = solve(problem, Options(time_limit_s=limit, workers=workers, hints=least_recent(problem)))
    except AssertionError as error:  # the solver's own re-check refused its answer: count it, solve again unhinted
        disagreement = str(error)
        result = solve(problem, Options(time_limit_s=limit, workers=workers))
    out: dict[str, Any] = {"hard": None, "spread": None}
    if result.assignments:
        out = _measure(problem, result.assignments)
    out.update(
        status=str(result.status),
        bound_spread=round(result.bound / 100, 2) if result.bound is not None else None,
        solve_s=round(result.wall_s, 2),
        infeasible=list(result.explanation.infeasible),
        disagreement=disagreement,
    )
    return out


def _baseline(method: Callable[[Problem], tuple[Assignment, ...]], problem: Problem) -> dict[str, Any]:
    return _measure(problem, method(problem))


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round((own + children) / 1024, 1)


def run_method(size_name: str, method: str) -> dict[str, Any]:
    """One size with one method, in a fresh process (for its own peak memory)."""
    size = next(s for s in SIZES if s.name == size_name)
    started = time.perf_counter()
    problems = organisation(size)
    if method == "ours":
        if len(problems) == 1:  # a single unit gets both cores as two CP-SAT workers
            units = [_ours(problems[0], size.time_limit_s, workers=2)]
        else:
            with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
                units = list(pool.map(_ours, problems, [size.time_limit_s] * len(problems)))
    else:
        fn = round_robin if method == "round_robin" else least_recent
        units = [_baseline(fn, p) for p in problems]
    wall = time.perf_counter() - started
    return _summary(size, method, units, wall)


def _summary(size: Size, method: str, units: list[dict[str, Any]], wall: float) -> dict[str, Any]:
    solved = [u for u in units if u.get("hard") is not None]
    out: dict[str, Any] = {
        "size": size.name,
        "method": method,
        "units": len(units),
        "units_with_roster": len(solved),
        "hard_violations": sum(u["hard"] for u in solved),
        "spread_worst_unit": max((u["spread"] for u in solved), default=None),
        "spread_mean": round(sum(u["spread"] for u in solved) / len(solved), 2) if solved else None,
        "balance_mean": round(sum(u["balance"] for u in solved) / len(solved), 4) if solved else None,
        "wall_s": round(wall, 2),
        "peak_mb": _peak_mb(),
        "hard_examples": [e for u in solved for e in u.get("hard_examples", [])][:3],
    }
    if method == "ours":
        statuses = [u["status"] for u in units]
        out["statuses"] = {s: statuses.count(s) for s in sorted(set(statuses))}
        gaps = [u["spread"] - u["bound_spread"] for u in solved if u.get("bound_spread") is not None]
        out["bound_spread_worst_unit"] = max((u["bound_spread"] for u in solved), default=None)
        out["gap_to_bound_worst"] = round(max(gaps), 2) if gaps else None
        out["unit_solve_s_max"] = max((u["solve_s"] for u in units), default=None)
        out["infeasible"] = [r for u in units for r in u.get("infeasible", [])][:3]
        out["solver_checker_disagreements"] = [u["disagreement"] for u in units if u.get("disagreement")]
    return out


def _child(size_name: str, method: str, queue: Any) -> None:
    queue.put(run_method(size_name, method))


def _isolated(size_name: str, method: str) -> dict[str, Any]:
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(size_name, method, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def _verdict(size: str, rows: dict[str, dict[str, Any]]) -> str:
    ours = rows["ours"]
    better = min(
        (rows[b]["spread_worst_unit"] for b in ("round_robin", "least_recent") if rows[b]["hard_violations"] == 0),
        default=None,
    )
    notes = [f"hard violations {ours['hard_violations']}"]
    if size == "S":
        notes.append(f"status {ours['statuses']}, wall {ours['wall_s']} s (target: optimal ≤ 2 s)")
    elif size == "M":
        notes.append(f"wall {ours['wall_s']} s (target ≤ 20 s)")
    else:
        notes.append(f"wall {ours['wall_s']} s (target ≤ 120 s), peak {ours['peak_mb']} MB (target ≤ 2048)")
    notes.append(f"worst gap to the proven minimum spread {ours['gap_to_bound_worst']} (target ≤ 0.5)")
    if better is not None:
        notes.append(f"spread {ours['spread_worst_unit']} vs the better violation-free baseline's {better}")
    return "; ".join(notes)


def main(sizes: tuple[str, ...] = ("S", "M", "L")) -> None:
    rows: dict[str, dict[str, dict[str, Any]]] = {}
    for size in sizes:
        rows[size] = {}
        for method in ("ours", "round_robin", "least_recent"):
            rows[size][method] = _isolated(size, method)
            print(json.dumps(rows[size][method], ensure_ascii=False), flush=True)
    report = {
        "benchmark": "roster_synthetic",
        "machine": machine(),
        "sizes": {s.name: {**s.__dict__, "start": str(s.start), "end": str(s.end)} for s in SIZES if s.name in sizes},
        "results": rows,
        "verdicts": {size: _verdict(size, rows[size]) for size in rows},
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "roster_synthetic.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / "roster_synthetic.md").write_text(markdown(report))


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Roster benchmark (a): synthetic organisations",
        "",
        f"Machine: {report['machine']}. Command: `python -m bench` (or `python -m bench.roster_synthetic`).",
        "Hard violations are counted by the solver's checker (`zhiban.roster.solver.evaluate`); spread is the",
        "max − min of points after the period in the worst unit (weekday 1, weekend 1.5, holiday 3, night +0.5);",
        "balance is the pairwise min/max score with weighted categories, mean over units (1 = perfectly even).",
        "Units are independent and solved separately, two processes at a time; S gets both cores.",
        "",
        "| size | method | units | hard violations | spread (worst unit) | spread (mean) | balance | wall s "
        "| peak MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for size, methods in report["results"].items():
        for method, r in methods.items():
            lines.append(
                f"| {size} | {method} | {r['units_with_roster']}/{r['units']} | {r['hard_violations']} | "
                f"{r['spread_worst_unit']} | {r['spread_mean']} | {r['balance_mean']} | {r['wall_s']} "
                f"| {r['peak_mb']} |"
            )
    lines += ["", "## Ours against the targets", ""]
    for size, verdict in report["verdicts"].items():
        ours = report["results"][size]["ours"]
        lines.append(
            f"- **{size}**: {verdict}. Solver statuses {ours['statuses']}, slowest unit {ours['unit_solve_s_max']} s, "
            f"proven minimum spread (worst unit) {ours['bound_spread_worst_unit']}."
        )
    lines += ["", "## Notes", "", *NOTES]
    return "\n".join(lines) + "\n"


NOTES = [
    "- Our solver minimises the spread of *total* points per unit (the issue's fairness objective), proven",
    "  optimal or within 0.5 of the bound in every unit. Where a few qualified people must cover a post every day",
    "  (S: 8 leaders and 6 drivers for 31 days; L: 4 leaders per unit for every rest day), that minimum is high",
    "  and equals what we reach: the '≤ 1/3 of the better baseline' target is then not attainable (the proven",
    "  minimum is above a third of the baseline's spread). In M, where everyone is interchangeable, it is met.",
    "- The balance score (pairwise min/max per category, weighted) is *lower* for ours than for the baselines in",
    "  M: the solver balances total points, and trades how holidays and nights fall per person against that; a",
    "  per-category term in the objective would be needed to win on this score too. Reported as measured.",
    "- Tried and dropped: the per-category balance as an objective term. As the spread (max − min) of duties per",
    "  category at 0.1 point per duty, one M unit went from proven optimal in 0.56 s to 350 with bound 40 after 5 s,",
    "  and at the benchmark's 1 s per unit no M unit found a roster; a convex per-person cost (the n-th duty of a",
    "  kind costs n − 1) was as bad (S 8.5 unproven, 18 of 30 M units without a roster).",
    "  A second, lexicographic phase (once the points spread is proven, keep it and minimise a convex per-person",
    "  category cost with the time left) was tried as well: on one M unit with 5 s it moved from 1199 toward a",
    "  bound of 1174 and returned the same category counts; the balance score did not change in S or M. Within the",
    "  minimum points spread there is little room to rebalance categories; dropped.",
    "- Round-robin ignores leave and double duty, hence its hard violations; least-recently-on-duty skips those",
    "  on leave and respects rest, and its roster is given to CP-SAT as a hint (a feasible start at once).",
    "- Wall time includes building the instances and the hint; peak memory is the method's process and its",
    "  worker processes. Per-unit time limits: S 2 s, M 1 s, L 2 s; units stop early when proven optimal.",
    "- While this benchmark was written, a hinted, time-limited single-worker solve hit the solver's own",
    "  solver-vs-checker assertion (checker objective 1300 ≠ CP-SAT's 3450: slack in the model's max/min);",
    "  the solver now reports the checker's true cost (commit 5e4132b). The benchmark still counts such cases",
    "  (`solver_checker_disagreements`) and re-solves without the hint; the committed run had none.",
]


if __name__ == "__main__":
    main(tuple(sys.argv[1:]) or ("S", "M", "L"))
