"""Run every benchmark: `python -m bench` (what `make bench` does); `python -m bench NAME …` runs those named."""

import sys

from bench import curtois, deadlines, demo_load, duty_log, foundation, load, queries, roster_synthetic

BENCHMARKS = {
    "foundation": foundation.main,
    "queries": queries.main,
    "demo_load": demo_load.main,
    "curtois": curtois.main,
    "roster_synthetic": roster_synthetic.main,
    "load": load.main,
    "deadlines": lambda: deadlines.main([]),
    "duty_log": lambda: duty_log.main([]),
}

if __name__ == "__main__":
    names = sys.argv[1:] or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        raise SystemExit(f"unknown benchmark {', '.join(unknown)}; one of: {', '.join(BENCHMARKS)}")
    for name in names:
        BENCHMARKS[name]()
