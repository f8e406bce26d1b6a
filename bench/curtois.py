"""Curtois–Qu staff-scheduling benchmark, Instances 1–8, through `zhiban solver curtois` (the roster solver core).

Each instance runs in its own child process (time limit 60 s, 2 workers) so its peak memory is its own; the roster
CSV is re-scored by the checker. Writes `bench/results/curtois.json` and `.md` with the machine noted.
Environment: CURTOIS_TIME_LIMIT (s, default 60), CURTOIS_SEEDS (comma-separated, default "0"; the median run by
objective is reported), CURTOIS_INSTANCES (default "1,2,3,4,5,6,7,8").
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import curtois_plain
from bench.foundation import RESULTS, machine

DATA = Path(__file__).resolve().parent / "data" / "curtois"
BEST = {1: 607, 2: 828, 3: 1001, 4: 1716, 5: 1143, 6: 1950, 7: 1056, 8: 1300}
TARGETS = {  # (seconds, allowed gap %, must be proven optimal) from the Roster issue
    1: (2, 0, True),
    2: (2, 0, True),
    3: (2, 0, True),
    4: (10, 0, True),
    5: (10, 0, True),
    6: (10, 0, True),
    7: (60, 1, False),
    8: (60, 5, False),
}

NOTES = """## What was measured while building the model (2-core machine shared with other work, single runs are noisy)

- **Subsolver.** With 2 workers CP-SAT runs one full-problem subsolver and gives the other thread to LNS and local
  search. The default (`default_lp`) left Instance2 at bound 208 after 20 s (optimum 828), Instance5 at bound 1 after
  60 s (roster 1338) and Instance8 at 2030 after 60 s. `max_lp` (every constraint linearized) proves Instance2 in
  about 1 s and is the solver's default. Tried instead and dropped: `reduced_costs` (Instance4 unproven at 60 s,
  Instance5 1241), `quick_restart` (Instance8 1735), `lb_tree_search` and `pseudo_costs` (Instance5 1239/1240 at 30 s),
  two full subsolvers without LNS (`max_lp` + `core`: Instance5 1245 at 30 s).
- **Minimum blocks as three-variable rows** (`in[d+k] ≥ in[d] − in[d−1]`) instead of one clause per short block:
  Instance4 proven in 42 and 43 s (seeds 0, 1) against 58 s and unproven at 60 s; Instance3 median 2.3 s against
  4.5 s, Instance2 2.6 s against 2.9 s (3 seeds, machine under load). Kept.
- **Worked-day indicator as the sum of the day's variables** instead of a literal tied to it: worse (Instance2
  unproven at 10 s, bound 733). Dropped.
- **The table above**: seeds 0, 1, 2 on a quiet machine, the median run by objective. Single-seed runs of the same
  code while it was built reached 1143 on Instance5 (the best known), 1951 on 6, 1067 on 7 and 1514–1736 on 8;
  without column generation, 1951, 1067 and 1514 on 6–8 in one run each. Instance8's search is the least
  repeatable; 5–8 are limited by proof (5, 6) and by the primal search (7, 8), not by memory (≤ 164 MB).
- **Against the plain model**: ours is better on every instance but one. Instance1 is proven in 0.41 s against the
  plain model's 0.27 s: the column-generation phase costs about 0.15 s there, which CP-SAT alone does not need.
- **Column generation first** (`zhiban/roster/solver/columns.py`, 20 % of the time limit at most): each person's
  feasible rosters as columns of a master LP (GLOP), priced per person by CP-SAT on that person alone, two at a
  time. Its Lagrangian bound is the per-person convex hull: 1716 on Instance4 (CP-SAT's own LP root: about 1580
  after 30 s), 1141 on 5 (root 728, optimum 1143), 1949 on 6 (optimum 1950), 1054 on 7 (best known 1056), converging
  in about 3, 4, 8 and 17 s on a quiet machine. Instance8 does not converge within 36 s. Pricing cut short at 5 ms
  per person (4 × longer whenever that finds nothing) halved the time to converge against exact pricing; Wentges
  smoothing of the duals (α 0.3, 0.5) did not help reliably and was dropped. When it converges, the search stops
  as soon as it reaches the bound, and a restricted-master roster within 1 % of the bound is its hint: this is what
  proves Instance4. Posting the bound as a constraint instead made the search worse (Instance6 2043, 8 1719) and
  was dropped. 5 and 6 stay unproven: their LP bound is 2 and 1 below the optimum, so proving them needs branching
  on this bound (branch-and-price), which is not built.
- Not tried for lack of time: symmetry breaking (the instances have few interchangeable people: days off and
  requests differ), per-instance tuning.
- The plain CP-SAT model (`bench/curtois_plain.py`: one Boolean per person, day and shift, each rule in its most
  direct form, default parameters) runs once per instance with the same time limit, workers and first seed; its
  figures are the `plain_*` columns. The benchmark README's plain figures (22, 58 and 54 s for Instances 4–6) were
  not reproduced here: this plain model leaves 4–6 unproven at 60 s with bounds near 200.
"""

CHILD = r"""
import json, resource, sys
from zhiban.roster.solver.cli import run_curtois
from zhiban.roster.solver.curtois import load, read_csv
from zhiban.roster.solver.check import evaluate
instance, limit, seed, out = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
line = run_curtois(instance, time_limit=limit, workers=2, out=out, seed=seed)
checked = evaluate(load(instance), read_csv(out))
line["checked_objective"] = checked.objective if line["objective"] is not None else None
line["hard_violations"] = len(checked.hard) if line["objective"] is not None else None
line["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
print(json.dumps(line))
"""


def _run(number: int, limit: float, seed: int, tmp: Path) -> dict[str, Any]:
    args = [str(DATA / f"Instance{number}.txt"), str(limit), str(seed), str(tmp / f"roster{number}.csv")]
    done = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"Instance{number} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if result["hard_violations"] or result["checked_objective"] != result["objective"]:
        raise SystemExit(f"Instance{number}: the checker disagrees with the solver: {result}")
    result["seed"] = seed
    return result


def _verdict(number: int, run: dict[str, Any]) -> str:
    seconds, gap, proven = TARGETS[number]
    wall, objective = run["wall_s"], run["objective"]
    if objective is None:
        return "missed (no roster)"
    in_time = wall <= seconds * 1.01  # a 60 s limit ends a few milliseconds past 60 s
    ok = (run["status"] == "optimal" if proven else run["gap_pct"] <= gap) and in_time
    want = f"{'proven optimal' if proven else f'gap ≤ {gap} %'} ≤ {seconds} s"
    return ("met" if ok else "missed") + f" ({want})"


def _against_plain(ours: dict[str, Any], plain: dict[str, Any]) -> str:
    """Never worse than the plain model in the same time: a roster at least as good, proven no later."""
    if plain["objective"] is None:
        return "not worse"
    if ours["objective"] is None or ours["objective"] > plain["objective"]:
        return "worse"
    if plain["status"] == "optimal" and (ours["status"] != "optimal" or ours["wall_s"] > plain["wall_s"] * 1.1):
        return "worse (proof)"
    return "not worse"


def main() -> None:
    limit = float(os.environ.get("CURTOIS_TIME_LIMIT", "60"))
    seeds = [int(s) for s in os.environ.get("CURTOIS_SEEDS", "0").split(",")]
    numbers = [int(n) for n in os.environ.get("CURTOIS_INSTANCES", "1,2,3,4,5,6,7,8").split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for number in numbers:
            runs = [_run(number, limit, seed, Path(directory)) for seed in seeds]
            for run in runs:
                objective = run["objective"]
                gap = None if objective is None else round(100 * (objective - BEST[number]) / BEST[number], 2)
                run["gap_pct"] = gap
            runs.sort(key=lambda r: (r["objective"] is None, r["objective"] or 0, r["wall_s"]))
            median = runs[len(runs) // 2]
            row = {**median, "best_known": BEST[number], "runs": len(runs)}
            row["median_wall_s"] = statistics.median(r["wall_s"] for r in runs)
            row["target"] = _verdict(number, median)
            plain = curtois_plain.solve(str(DATA / f"Instance{number}.txt"), limit, seed=seeds[0])
            row["plain_status"], row["plain_objective"] = plain["status"], plain["objective"]
            row["plain_bound"], row["plain_wall_s"] = plain["bound"], plain["wall_s"]
            row["vs_plain"] = _against_plain(median, plain)
            rows.append(row)
            print(json.dumps(row), flush=True)
    report = {
        "benchmark": "curtois",
        "machine": machine(),
        "time_limit_s": limit,
        "workers": 2,
        "seeds": seeds,
        "instances": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "curtois.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    columns = ["instance", "status", "objective", "bound", "best_known", "gap_pct", "wall_s", "peak_rss_mb", "target"]
    columns += ["plain_status", "plain_objective", "plain_bound", "plain_wall_s", "vs_plain"]
    lines = [
        "# Curtois–Qu benchmark (Instances 1–8)",
        "",
        f"Machine: {report['machine']}. Command: `make bench` (`python -m bench`), or one instance with "
        f"`zhiban solver curtois INSTANCE.txt --time-limit {limit:g} --workers 2 --out ROSTER.csv`. "
        f"Time limit {limit:g} s, 2 workers, seeds {seeds} (median run by objective). Every roster re-scored from "
        "its CSV by the checker: 0 hard violations, same objective.",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *["| " + " | ".join(str(r[c]) for c in columns) + " |" for r in rows],
        "",
        NOTES,
    ]
    (RESULTS / "curtois.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
