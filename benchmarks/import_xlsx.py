"""`make bench`, third part: a 5 MB .xlsx previewed and committed as whole processes, on PostgreSQL and SQLite.

The aims: "A 5 MB .xlsx (e.g. 3,000 units × 20 indicators) previews in under 10 s and commits in
under 20 s on PostgreSQL, with peak memory under 500 MB" (issue 5, §6), tightened by issue 9 (§8) once
an import's created values became one audit record: the commit in under 15 s, the preview in under 6 s.
The workbook is written once by benchmarks/generate_xlsx.py (deterministic; kept in a temporary
directory for the run). Then, for each database and each repetition, on a fresh database copied from a
freshly migrated template (migrating is not timed), as separate processes:

- preview: `mubiao import FILE --dry-run` — read, understand, reconcile the totals, show what a commit
  would do (the area is new, so every unit is new);
- commit: `mubiao import FILE --create-units` — all of the above, then the whole import in one
  transaction (the area, its 3,000 units with an audit record each, the plan, every value with its
  cell, and one audit record of the import naming the stored file), then the validation the command prints.

Wall clock from spawn to exit and peak resident memory (os.wait4) come from benchmarks/run.py's
launcher. After each commit the database is checked (not timed): as many targets as the workbook has
value cells, each with its cell, one audit record of the import, every unit created. The figures are
printed and written between this script's own markers in docs/benchmarks.md (above the section
benchmarks/run.py writes).

    .venv/bin/python -m benchmarks.import_xlsx [--repeat 3] [--database postgresql --database sqlite] [--no-docs]
        [--units 3000 --indicators 20 --years 6]

PostgreSQL is reached through MUBIAO_BENCH_POSTGRES, as benchmarks/run.py does; its databases here are
named bench_xlsx_<pid>_…; when the server is unreachable the PostgreSQL half is skipped with a message.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sqlite3
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from benchmarks.generate_xlsx import DEFAULT_SEED, DEFAULT_YEARS, GeneratedWorkbook, build_workbook
from benchmarks.run import (
    DOCS,
    MUBIAO,
    POSTGRES_ADMIN,
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
    timed,
    write_marked_section,
)

BEGIN = "<!-- xlsx import benchmark: begin — the text up to the end marker is written by benchmarks/import_xlsx.py -->"
END = "<!-- xlsx import benchmark: end -->"


@dataclass(frozen=True)
class Aim:
    seconds: float
    peak_mb: float


AIMS = {"preview": Aim(6.0, 500.0), "commit": Aim(15.0, 500.0)}
COMMANDS = {"preview": ["--dry-run"], "commit": ["--create-units"]}


@dataclass
class Series:
    database: str
    step: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def aim(self) -> Aim:
        return AIMS[self.step]

    @property
    def times(self) -> list[float]:
        return [sample.seconds for sample in self.samples]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak_mb(self) -> float:
        """The highest peak RSS over the runs, in MB (10⁶ bytes, the issue's unit)."""
        return max(sample.max_rss_kib for sample in self.samples) * 1024 / 1_000_000

    @property
    def time_met(self) -> bool:
        return self.median < self.aim.seconds

    @property
    def memory_met(self) -> bool:
        return self.peak_mb < self.aim.peak_mb


# -- checking what the commands did (not timed) ------------------------------------------------------


def check_preview(book: GeneratedWorkbook, stdout: Path) -> None:
    text = stdout.read_text(encoding="utf-8", errors="replace")
    cells = book.value_cells + len(book.totals)
    expected = [
        f"单位 {len(book.units)} 个",
        f"指标 {len(book.indicators)} 个",
        f"数值 {cells} 个",
        f"合计校验：{len(book.totals)} 处，全部相符",
        "可以导入",
    ]
    missing = [phrase for phrase in expected if phrase not in text]
    if missing:
        raise BenchmarkError(f"the preview does not say {missing}:\n{text[:2000]}")


def stored_counts(url: str) -> dict[str, int]:
    """Targets, their audit records, and org units in the database at `url`."""
    queries = {
        "targets": "SELECT COUNT(*) FROM plans_target",
        "target audit records": "SELECT COUNT(*) FROM audit_auditrecord WHERE object_type = 'plans.target'",
        "import audit records": "SELECT COUNT(*) FROM audit_auditrecord WHERE action = 'import'",
        "targets with provenance": "SELECT COUNT(*) FROM plans_target WHERE source_file_id IS NOT NULL "
        "AND source_row IS NOT NULL AND source_column IS NOT NULL",
        "org units": "SELECT COUNT(*) FROM orgunits_orgunit",
        "org unit audit records": "SELECT COUNT(*) FROM audit_auditrecord WHERE object_type = 'orgunits.orgunit'",
    }
    if url.startswith("sqlite:///"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return {key: connection.execute(sql).fetchone()[0] for key, sql in queries.items()}
        finally:
            connection.close()
    import psycopg

    with psycopg.connect(url) as pg:
        found = {}
        for key, sql in queries.items():
            row = pg.execute(sql).fetchone()
            found[key] = int(row[0]) if row else 0
        return found


def check_commit(book: GeneratedWorkbook, stdout: Path, url: str) -> None:
    text = stdout.read_text(encoding="utf-8", errors="replace")
    cells = book.value_cells + len(book.totals)
    if f"新增 {cells}" not in text:
        raise BenchmarkError(f"the commit did not report {cells} new values:\n{text[:2000]}")
    units = len(book.units) + 1  # and the area
    expected = {
        "targets": cells,
        # The values an import creates are one record of the import (issue 9, §8); each keeps its cell.
        "target audit records": 0,
        "import audit records": 1,
        "targets with provenance": cells,
        "org units": units,
        "org unit audit records": units,
    }
    found = stored_counts(url)
    if found != expected:
        raise BenchmarkError(f"after the commit the database holds {found}, expected {expected}")


# -- the run ------------------------------------------------------------------------------------------


def measure(
    database: Database, book: GeneratedWorkbook, repeat: int, env: dict[str, str], workdir: Path, progress: Progress
) -> list[Series]:
    found = {step: Series(database.name, step) for step in COMMANDS}
    task = progress.add_task(f"{database.name} · preview + commit", total=repeat)
    out, err = workdir / "stdout", workdir / "stderr"
    for _ in range(repeat):
        for step, options in COMMANDS.items():
            with database.fresh() as url:
                run_env = {**env, "DATABASE_URL": url}
                sample = timed([str(MUBIAO), "import", str(book.path), *options], run_env, out, err)
                if sample.status != 0:
                    raise BenchmarkError(f"{step} of {book.path.name} exited {sample.status}:\n{_tail(err)}")
                if step == "preview":
                    check_preview(book, out)
                else:
                    check_commit(book, out, url)
                found[step].samples.append(sample)
        progress.advance(task)
    return list(found.values())


def _describe(book: GeneratedWorkbook) -> str:
    cells = book.value_cells + len(book.totals)
    return (
        f"{len(book.units):,} units × {len(book.indicators)} indicators × {len(book.years)} years "
        f"({book.years[0]}—{book.years[-1]}) × 2 levels = {book.value_cells:,} value cells, "
        f"{cells:,} with the total row; {book.size:,} bytes ({book.size / 1_000_000:.2f} MB, "
        f"{book.size / 2**20:.2f} MiB)"
    )


def _mark(met: bool, rich: bool) -> str:
    if rich:
        return "[green]yes[/]" if met else "[red]no[/]"
    return "yes" if met else "**no**"


def rich_table(results: list[Series], repeat: int) -> Table:
    table = Table(title=f"mubiao import of a 5 MB .xlsx: whole processes, {repeat} runs each (fresh database per run)")
    for column, justify in (
        ("database", "left"),
        ("step", "left"),
        ("median s", "right"),
        ("min s", "right"),
        ("max s", "right"),
        ("aim s", "right"),
        ("met", "center"),
        ("peak RSS MB", "right"),
        ("aim MB", "right"),
        ("met", "center"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for series in results:
        table.add_row(*_cells(series, rich=True))
    return table


def _cells(series: Series, *, rich: bool) -> list[str]:
    command = " ".join(COMMANDS[series.step])
    return [
        series.database,
        f"{series.step} (`{command}`)" if not rich else f"{series.step} ({command})",
        f"{series.median:.2f}",
        f"{min(series.times):.2f}",
        f"{max(series.times):.2f}",
        f"< {series.aim.seconds:g}",
        _mark(series.time_met, rich),
        f"{series.peak_mb:.0f}",
        f"< {series.aim.peak_mb:g}",
        _mark(series.memory_met, rich),
    ]


def markdown(
    results: list[Series], book: GeneratedWorkbook, repeat: int, facts: dict[str, str], skipped: list[str]
) -> str:
    lines = [
        f"### Results — {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        "",
        f"Workbook (`benchmarks/generate_xlsx.py`, seed {DEFAULT_SEED}): {_describe(book)}.",
        "",
        f"Each figure is {repeat} runs of a whole `mubiao import FILE …` process (start-up included), each on a",
        "fresh, migrated database; median, min and max wall-clock seconds, and the highest peak resident",
        "memory seen over the runs, in MB (10⁶ bytes).",
        "",
        "| database | step | median s | min s | max s | aim s | met | peak RSS MB | aim MB | met |",
        "|---|---|---:|---:|---:|---:|:---:|---:|---:|:---:|",
    ]
    lines += ["| " + " | ".join(_cells(series, rich=False)) + " |" for series in results]
    lines += ["", "| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in facts.items()]
    for note in skipped:
        lines += ["", f"> {note}"]
    return "\n".join(lines) + "\n"


def write_docs(section: str, path: Path = DOCS) -> None:
    write_marked_section(BEGIN, END, section, path)


def _postgres(env: dict[str, str], console: Console, skipped: list[str]) -> Database | None:
    try:
        return PostgresDatabase(env, prefix="bench_xlsx")  # apart from benchmarks/run.py's databases
    except BenchmarkError:
        raise
    except Exception as exc:  # unreachable server, refused login…: skip, and say why
        reason = " ".join(str(exc).split())
        message = f"PostgreSQL skipped: cannot use {POSTGRES_ADMIN} ({type(exc).__name__}: {reason})"
        console.print(f"[yellow]{message}[/]")
        skipped.append(message)
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time the preview and commit of a 5 MB .xlsx on PostgreSQL and SQLite."
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (default 3)")
    parser.add_argument(
        "--database",
        action="append",
        choices=["postgresql", "sqlite"],
        help="database to measure (repeatable; default both)",
    )
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--years", type=int, default=DEFAULT_YEARS)
    parser.add_argument("--no-docs", action="store_true", help=f"do not rewrite {_display_path(DOCS)}")
    args = parser.parse_args(argv)
    wanted = args.database or ["postgresql", "sqlite"]
    console = Console() if sys.stdout.isatty() else Console(width=140)  # a log file keeps the table whole

    workdir = Path(tempfile.mkdtemp(prefix="mubiao-bench-xlsx-"))
    env = base_env(workdir)
    facts = machine()
    load_at_start = _load()
    results: list[Series] = []
    skipped: list[str] = []
    databases: list[Database] = []
    try:
        with console.status("writing the workbook and migrating template databases (not timed)…"):
            book = build_workbook(
                workdir / f"generated_{args.units}x{args.indicators}x{args.years}.xlsx",
                units=args.units,
                indicators=args.indicators,
                years=args.years,
            )
            makers: dict[str, Callable[[], Database | None]] = {
                "postgresql": lambda: _postgres(env, console, skipped),
                "sqlite": lambda: SQLiteDatabase(workdir, env),
            }
            for name in ("postgresql", "sqlite"):
                if name in wanted:
                    database = makers[name]()
                    if database is not None:
                        databases.append(database)
        console.print(f"workbook: {_describe(book)}")
        for database in databases:
            facts[database.name] = (
                f"{database.version} (server)" if isinstance(database, PostgresDatabase) else database.version
            )
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
        ) as progress:
            for database in databases:
                results += measure(database, book, args.repeat, env, workdir, progress)
    except BenchmarkError as error:
        console.print(f"[red]benchmark failed:[/] {error}")
        return 2
    finally:
        for database in databases:
            database.close()
        shutil.rmtree(workdir, ignore_errors=True)

    facts["load average at start (1/5/15 min)"] = load_at_start
    facts["load average at end (1/5/15 min)"] = _load()
    console.print(rich_table(results, args.repeat))
    for series in results:
        if not (series.time_met and series.memory_met):
            console.print(
                f"[red]aim missed[/]: {series.database} {series.step} — {series.median:.2f} s "
                f"(aim < {series.aim.seconds:g} s), peak {series.peak_mb:.0f} MB (aim < {series.aim.peak_mb:g} MB)"
            )
    if not args.no_docs:
        write_docs(markdown(results, book, args.repeat, facts, skipped))
        console.print(f"results written to {_display_path(DOCS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
