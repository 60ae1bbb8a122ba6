"""`make bench`, fifth part: the decomposition solver (issue 11, "Speed").

Aims: 12 units × 5 years × 2 levels with floors and locks re-solved in under 100 ms (the workspace's grid
must feel instant), and 3,000 units × 5 years × 2 levels in under 5 s. Both in-process, after one solve
that loads scipy (not timed); each time is a whole `solve`: shares, ideal values, Webster's row totals,
the HiGHS programme, the re-check and every cell's reasons. The problems are generated deterministically
(bases 0–200, totals growing each year, a floor of 1, two locked cells). Pure Python: no database.

    .venv/bin/python -m benchmarks.decompose [--repeat 20] [--no-docs]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from decimal import Decimal

from rich.console import Console

from benchmarks.run import machine, write_marked_section
from mubiao.domain.decomposition import Problem, Solution, solve

BEGIN = "<!-- decompose benchmark: begin — the text up to the end marker is written by benchmarks/decompose.py -->"
END = "<!-- decompose benchmark: end -->"
YEARS = (2021, 2022, 2023, 2024, 2025)
AIMS = {12: 0.1, 3000: 5.0}


def problem(units: int, seed: int = 10) -> Problem:
    rnd = random.Random(seed)
    names = tuple(f"单位{i:04d}" for i in range(units))
    totals = {}
    for index, year in enumerate(YEARS):
        totals[("committed", year)] = Decimal(units * (30 + 5 * index))
        totals[("stretch", year)] = Decimal(units * (33 + 6 * index))
    return Problem(
        units=names,
        years=YEARS,
        totals=totals,
        base={name: Decimal(rnd.randint(0, 200)) for name in names},
        floor=Decimal(1),
        locks={(names[1], 2021, "committed"): Decimal(50), (names[-1], 2023, "stretch"): Decimal(60)},
    )


def measure(units: int, repeat: int) -> list[float]:
    given = problem(units)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        answer = solve(given)
        times.append(time.perf_counter() - started)
        if not isinstance(answer, Solution):
            raise SystemExit(f"{units} units: no table ({answer})")
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args(argv)
    solve(problem(12))  # scipy and HiGHS loaded once, as in a running server
    console = Console()
    lines = [
        f"### Results — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        "| problem | cells | runs | median | range | aim | met |",
        "|---|---:|---:|---:|---:|---:|:---:|",
    ]
    for units, runs in ((12, args.repeat), (3000, max(3, args.repeat // 7))):
        times = measure(units, runs)
        median = statistics.median(times)
        aim = AIMS[units]
        cells = units * len(YEARS) * 2
        line = (
            f"| {units} units × 5 years × 2 levels, floor 1, 2 locks | {cells:,} | {runs} | "
            f"{median * 1000:.0f} ms | {min(times) * 1000:.0f}–{max(times) * 1000:.0f} ms | "
            f"< {aim * 1000:.0f} ms | {'yes' if median < aim else 'NO'} |"
        )
        console.print(line)
        lines.append(line)
    lines += ["", "| | |", "|---|---|"] + [f"| {key} | {value} |" for key, value in machine().items()]
    if not args.no_docs:
        write_marked_section(BEGIN, END, "\n".join(lines) + "\n")
        console.print("results written to docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
