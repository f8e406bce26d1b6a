"""Curtois–Qu adapter: the files parse, Instances 1 and 2 reach their proven optima, bad files name the line."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from django.core.management import call_command

from zhiban.roster.solver import Options, Progress, Status, evaluate, solve
from zhiban.roster.solver.curtois import FormatError, load, parse, read_csv

BENCH = Path(__file__).resolve().parents[4] / "bench" / "data" / "curtois"


@pytest.mark.parametrize(("number", "best"), [(1, 607), (2, 828)])
def test_command_reaches_the_proven_optimum_and_the_csv_recomputes_it(
    number: int, best: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "roster.csv"
    instance = BENCH / f"Instance{number}.txt"
    # A generous limit: the search stops as soon as it proves the optimum (about 1 s on a quiet machine).
    call_command("solver", "curtois", str(instance), "--time-limit", "90", "--workers", "2", "--out", str(out))
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    summary = json.loads(lines[0])
    assert summary == {
        **summary,
        "instance": f"Instance{number}",
        "status": "optimal",
        "objective": best,
        "bound": best,
    }
    assert set(summary) == {"instance", "status", "objective", "bound", "wall_s"}
    assert out.read_text().splitlines()[0] == "employee,day,shift"
    checked = evaluate(load(instance), read_csv(out))
    assert checked.hard == ()
    assert checked.objective == best


def test_all_eight_instances_parse() -> None:
    sizes = [
        (len(p.days), len(p.people), len(p.shifts)) for p in (load(BENCH / f"Instance{i}.txt") for i in range(1, 9))
    ]
    assert sizes == [
        (14, 8, 1),
        (14, 14, 2),
        (14, 20, 3),
        (28, 10, 2),
        (28, 16, 2),
        (28, 18, 3),
        (28, 20, 3),
        (28, 30, 4),
    ]


GOOD = (
    "SECTION_HORIZON\r\n7\r\n\r\nSECTION_SHIFTS\r\n# id,minutes,banned\r\nD,480,\r\n\r\n"
    "SECTION_STAFF\r\nA,D=7,2400,0,5,1,1,1\r\n\r\nSECTION_DAYS_OFF\r\nA,0\r\n\r\n"
    "SECTION_SHIFT_ON_REQUESTS\r\nA,1,D,2\r\n\r\nSECTION_SHIFT_OFF_REQUESTS\r\n\r\n"
    "SECTION_COVER\r\n0,D,1,100,1\r\n"
)


def test_small_file_parses_into_the_core_dataclasses() -> None:
    p = parse(GOOD)
    assert p.people[0].limits.max_minutes == 2400
    assert p.people[0].limits.max_shifts == {"D": 7}
    assert p.unavailable[0].day == 0
    assert p.wishes[0].on
    assert p.wishes[0].weight == 2
    assert p.cover[0].under_weight == 100
    assert [d.weekday for d in p.days] == [0, 1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("A,D=7,2400,0,5,1,1,1", "A,D=7,2400,x,5,1,1,1", "line 9: a staff limit must be a whole number"),
        ("A,1,D,2", "A,1,Q,2", "line 15: unknown shift 'Q'"),
        ("A,1,D,2", "B,1,D,2", "line 15: unknown employee 'B'"),
        ("0,D,1,100,1", "9,D,1,100,1", "line 20: day 9 is outside the horizon"),
        ("0,D,1,100,1", "0,D,1,100", "line 20: SECTION_COVER rows have 5 fields"),
        ("\r\n7\r\n", "\r\n10\r\n", "line 2: the horizon must be whole weeks"),
    ],
)
def test_bad_file_names_the_line(old: str, new: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse(GOOD.replace(old, new, 1))


def test_stop_flag_ends_a_long_search_early_keeping_the_best_found() -> None:
    stop = threading.Event()
    timers: list[threading.Timer] = []

    def on_progress(progress: Progress) -> None:
        if not timers:  # half a second after the first roster is found
            timers.append(threading.Timer(0.5, stop.set))
            timers[0].start()

    options = Options(time_limit_s=60, workers=2, stop=stop, on_progress=on_progress, column_share=0)
    result = solve(load(BENCH / "Instance8.txt"), options)
    assert result.wall_s < 10  # Instance8 is far from proven at 60 s
    assert result.status is Status.FEASIBLE
    assert evaluate(load(BENCH / "Instance8.txt"), result.assignments).objective == result.objective


def test_stop_flag_also_ends_column_generation() -> None:
    stop = threading.Event()
    timer = threading.Timer(1.0, stop.set)
    timer.start()
    result = solve(load(BENCH / "Instance8.txt"), Options(time_limit_s=60, workers=2, stop=stop, column_share=0.9))
    timer.cancel()
    assert result.wall_s < 10  # column generation alone would have had 54 s
    assert result.status in (Status.FEASIBLE, Status.UNKNOWN)
