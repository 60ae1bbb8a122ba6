"""`make bench`, fourth part: the official-layout export of a 3,000-unit plan, as a whole process.

The aim (issue 10, "Speed"): "the official-layout export of a 3,000-unit plan in under 10 s". The plan
is the one benchmarks/import_xlsx.py commits — 3,000 units × 20 indicators × 6 years × 2 levels,
720,240 targets — imported once per database (not timed) into a fresh database copied from a migrated
template. Then `mubiao export plan -o FILE.xlsx` runs `--repeat` times as separate processes; wall
clock from spawn to exit and peak resident memory come from benchmarks/run.py's launcher. After each
run the workbook is checked (not timed): a zip whose sheet holds a number for every target.

    .venv/bin/python -m benchmarks.export_xlsx [--repeat 3] [--database postgresql --database sqlite] [--no-docs]

The figures are printed and written between this script's own markers in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import statistics
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from benchmarks.generate_xlsx import DEFAULT_YEARS, GeneratedWorkbook, build_workbook
from benchmarks.import_xlsx import _postgres
from benchmarks.run import (
    DOCS,
    MUBIAO,
    BenchmarkError,
    Database,
    PostgresDatabase,
    Sample,
    SQLiteDatabase,
    _display_path,
    _load,
    _tail,
    base_env,
    machine,
    run_quietly,
    timed,
    write_marked_section,
)

BEGIN = "<!-- xlsx export benchmark: begin — the text up to the end marker is written by benchmarks/export_xlsx.py -->"
END = "<!-- xlsx export benchmark: end -->"
AIM_SECONDS = 10.0
#: A numeric cell of the sheet: XlsxWriter writes <c r="H5" s="7"><v>1234.5</v></c> and no t="…".
_NUMBER_CELL = re.compile(rb'<c r="[A-Z]+\d+"(?: s="\d+")?><v>')


def check_workbook(path: Path, book: GeneratedWorkbook) -> None:
    """The export holds a number for each of the plan's targets (and one per merged year cell)."""
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    numbers = len(_NUMBER_CELL.findall(sheet))
    targets = book.value_cells + len(book.totals)
    years = len(book.indicators) * len(book.years)
    if numbers != targets + years:
        raise BenchmarkError(f"the export holds {numbers:,} numbers, expected {targets + years:,}")


def measure(
    database: Database, book: GeneratedWorkbook, repeat: int, env: dict[str, str], workdir: Path
) -> list[Sample]:
    out, err = workdir / "stdout", workdir / "stderr"
    exported = workdir / "export.xlsx"
    samples = []
    with database.fresh() as url:
        run_env = {**env, "DATABASE_URL": url}
        run_quietly([str(MUBIAO), "import", str(book.path), "--create-units", "--format", "json"], run_env)
        for _ in range(repeat):
            exported.unlink(missing_ok=True)
            sample = timed([str(MUBIAO), "export", "plan", "-o", str(exported)], run_env, out, err)
            if sample.status != 0:
                raise BenchmarkError(f"the export exited {sample.status}:\n{_tail(err)}")
            check_workbook(exported, book)
            samples.append(sample)
    return samples


def markdown(results: dict[str, list[Sample]], book: GeneratedWorkbook, repeat: int, facts: dict[str, str]) -> str:
    lines = [
        f"### Results — {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        "",
        f"The plan of the import benchmark: {len(book.units):,} units × {len(book.indicators)} indicators × "
        f"{len(book.years)} years × 2 levels, {book.value_cells + len(book.totals):,} targets. Each figure is "
        f"{repeat} runs of a whole `mubiao export plan -o FILE.xlsx` process (start-up included); median, min "
        "and max wall-clock seconds, and the highest peak resident memory over the runs.",
        "",
        "| database | median s | min s | max s | aim s | met | peak RSS MB |",
        "|---|---:|---:|---:|---:|:---:|---:|",
    ]
    for name, samples in results.items():
        times = [sample.seconds for sample in samples]
        median = statistics.median(times)
        peak = max(sample.max_rss_kib for sample in samples) * 1024 / 1_000_000
        met = "yes" if median < AIM_SECONDS else "**no**"
        lines.append(
            f"| {name} | {median:.2f} | {min(times):.2f} | {max(times):.2f} | < {AIM_SECONDS:g} | {met} | {peak:.0f} |"
        )
    lines += ["", "| | |", "|---|---|", *[f"| {key} | {value} |" for key, value in facts.items()]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the official-layout export of a 3,000-unit plan.")
    parser.add_argument("--repeat", type=int, default=3, help="runs per database (default 3)")
    parser.add_argument("--database", action="append", choices=["postgresql", "sqlite"], help="default both")
    parser.add_argument("--no-docs", action="store_true", help=f"do not rewrite {_display_path(DOCS)}")
    args = parser.parse_args(argv)
    wanted = args.database or ["postgresql", "sqlite"]
    console = Console() if sys.stdout.isatty() else Console(width=140)
    workdir = Path(tempfile.mkdtemp(prefix="mubiao-bench-export-"))
    env = base_env(workdir)
    facts = machine()
    facts["load average at start (1/5/15 min)"] = _load()
    results: dict[str, list[Sample]] = {}
    databases: list[Database] = []
    skipped: list[str] = []
    try:
        with console.status("writing the workbook, migrating and importing (not timed)…"):
            book = build_workbook(workdir / "plan.xlsx", units=3000, indicators=20, years=DEFAULT_YEARS)
            makers: dict[str, Callable[[], Database | None]] = {
                "postgresql": lambda: _postgres(env, console, skipped),
                "sqlite": lambda: SQLiteDatabase(workdir, env),
            }
            databases = [d for name in ("postgresql", "sqlite") if name in wanted and (d := makers[name]())]
        for database in databases:
            facts[database.name] = (
                f"{database.version} (server)" if isinstance(database, PostgresDatabase) else database.version
            )
            with console.status(f"{database.name}: importing the plan, then {args.repeat} exports…"):
                results[database.name] = measure(database, book, args.repeat, env, workdir)
    except BenchmarkError as error:
        console.print(f"[red]benchmark failed:[/] {error}")
        return 2
    finally:
        for database in databases:
            database.close()
        shutil.rmtree(workdir, ignore_errors=True)
    facts["load average at end (1/5/15 min)"] = _load()
    section = markdown(results, book, args.repeat, facts)
    console.print(section, markup=False)
    for note in skipped:
        console.print(note, markup=False)
    if not args.no_docs:
        write_marked_section(BEGIN, END, section, DOCS)
        console.print(f"results written to {_display_path(DOCS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
