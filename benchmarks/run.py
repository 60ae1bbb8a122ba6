"""`make bench`: time `mubiao import` and `mubiao validate` as whole processes, on SQLite and PostgreSQL.

For each database and each table (the seed, and a generated table 100× larger), every repetition
gets a fresh database: a copy of a freshly migrated template (migrating is not timed). Each command
is a separate process, timed by the wall clock from spawn to exit, so Python and Django start-up
are included; its peak resident memory comes from the kernel (os.wait4). The figures are printed
and written below the marker line of docs/benchmarks.md; the hand-written text above it stays.

    .venv/bin/python -m benchmarks.run [--repeat 5] [--database sqlite --database postgresql] [--no-docs]

PostgreSQL is reached through MUBIAO_BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432/postgres);
when it is unreachable the PostgreSQL half is skipped with a message.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from benchmarks.generate_table import DEFAULT_SEED, generate

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "mubiao" / "examples" / "liuzhou_2018_2022_keji.txt"
DOCS = ROOT / "docs" / "benchmarks.md"
MARKER = "<!-- benchmark results: everything below this line is written by `make bench` (benchmarks/run.py) -->"
POSTGRES_ADMIN = os.environ.get("MUBIAO_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
MUBIAO = Path(sys.executable).with_name("mubiao")


# -- what is measured ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One table to import: its file, what the import must report, and the wall-clock aim per command."""

    key: str
    label: str
    path: Path
    indicators: int
    units: int
    aim_seconds: float


@dataclass(frozen=True)
class Sample:
    """One process run: wall seconds from spawn to exit, peak resident set size in KiB, exit status."""

    seconds: float
    max_rss_kib: int
    status: int


@dataclass
class Series:
    """The repeated samples of one command (or of import + validate) on one database and table."""

    database: str
    case: Case
    step: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def times(self) -> list[float]:
        return [sample.seconds for sample in self.samples]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak_rss_mib(self) -> float | None:
        rss = [sample.max_rss_kib for sample in self.samples if sample.max_rss_kib]
        return max(rss) / 1024 if rss else None

    @property
    def met(self) -> bool:
        return self.median < self.case.aim_seconds


class BenchmarkError(RuntimeError):
    """A command failed or reported something other than what the table holds."""


# The measured command is started by this small launcher, not by the benchmark process itself:
# Linux carries a process's peak RSS across fork and exec, so a child forked straight from this
# process would report at least this process's own size. The launcher (python -S, nothing
# imported but builtins) is smaller than any mubiao process; it times fork → exit by the wall
# clock and reads the peak RSS from os.wait4.
_LAUNCHER = """
import os, sys, time
result, argv = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
with open(result, "w") as out:
    out.write(f"{seconds!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def timed(args: Sequence[str], env: dict[str, str], stdout: Path, stderr: Path) -> Sample:
    """Run one process to its end: wall clock from spawn to exit, and its peak RSS, both via the launcher."""
    result = stdout.with_name("timing")
    result.unlink(missing_ok=True)
    with stdout.open("wb") as out, stderr.open("wb") as err:
        subprocess.run(
            [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(result), *args],
            env=env,
            stdout=out,
            stderr=err,
            check=False,
        )
    try:
        seconds, rss, status = result.read_text().split()
    except (OSError, ValueError) as exc:
        raise BenchmarkError(f"the launcher did not report a timing for {' '.join(args)}: {_tail(stderr)}") from exc
    return Sample(seconds=float(seconds), max_rss_kib=int(rss), status=int(status))


def run_quietly(args: Sequence[str], env: dict[str, str]) -> None:
    result = subprocess.run(list(args), env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BenchmarkError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}")


# -- databases ------------------------------------------------------------------------------------


class Database(Protocol):
    """A database kind that can hand out fresh, migrated databases."""

    name: str
    version: str

    def fresh(self) -> AbstractContextManager[str]:
        """A new migrated database for one repetition, as a DATABASE_URL; gone afterwards."""
        ...

    def close(self) -> None: ...


class SQLiteDatabase:
    """Temporary SQLite files: one migrated template, copied (backup API) for every repetition."""

    name = "SQLite"

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.workdir = workdir / "sqlite"
        self.workdir.mkdir()
        self.version = sqlite3.sqlite_version
        self.template = self.workdir / "template.sqlite3"
        run_quietly(
            [str(MUBIAO), "migrate", "--noinput", "-v", "0"], {**env, "DATABASE_URL": _sqlite_url(self.template)}
        )
        self.count = 0

    @contextmanager
    def fresh(self) -> Iterator[str]:
        self.count += 1
        path = self.workdir / f"run-{os.getpid()}-{self.count}.sqlite3"
        source, target = sqlite3.connect(self.template), sqlite3.connect(path)
        try:
            source.backup(target)  # a consistent copy, whatever is still in the template's WAL
        finally:
            source.close()
            target.close()
        try:
            yield _sqlite_url(path)
        finally:
            for leftover in self.workdir.glob(f"{path.name}*"):
                leftover.unlink()

    def close(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"  # an absolute path: sqlite:////tmp/…


class PostgresDatabase:
    """Databases on the PostgreSQL server: one migrated template, CREATE DATABASE … TEMPLATE per repetition."""

    name = "PostgreSQL"

    def __init__(self, env: dict[str, str], admin: str = POSTGRES_ADMIN, prefix: str = "mubiao_bench") -> None:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict

        self.params = conninfo_to_dict(admin)
        self.connection = psycopg.connect(admin, autocommit=True, connect_timeout=3)
        row = self.connection.execute("SHOW server_version").fetchone()
        self.version = str(row[0]) if row else "unknown"
        self.prefix = f"{prefix}_{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self.count = 0
        try:
            self._drop(self.template)
            self.connection.execute(f'CREATE DATABASE "{self.template}"')
            migrate = [str(MUBIAO), "migrate", "--noinput", "-v", "0"]
            run_quietly(migrate, {**env, "DATABASE_URL": self.url(self.template)})
        except BaseException:
            self.close()
            raise

    def url(self, name: str) -> str:
        """A DATABASE_URL for database `name` on the admin connection's server, as the same user."""
        user = str(self.params.get("user", ""))
        password = str(self.params.get("password", ""))
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = str(self.params.get("host", "localhost"))
        port = str(self.params.get("port", "5432"))
        return f"postgresql://{auth}{host}:{port}/{name}"

    def _drop(self, name: str) -> None:
        self.connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @contextmanager
    def fresh(self) -> Iterator[str]:
        self.count += 1
        name = f"{self.prefix}_{self.count}"
        self._drop(name)
        self.connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        try:
            yield self.url(name)
        finally:
            self._drop(name)

    def close(self) -> None:
        try:
            self._drop(self.template)
        finally:
            self.connection.close()


# -- the run --------------------------------------------------------------------------------------


def base_env(workdir: Path) -> dict[str, str]:
    """The environment of every measured process: temporary var dir, no inherited database."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    var = workdir / "var"
    var.mkdir(exist_ok=True)
    env["MUBIAO_VAR_DIR"] = str(var)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def check_import(case: Case, stdout: Path) -> None:
    try:
        outcome: dict[str, Any] = json.loads(stdout.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BenchmarkError(f"import of {case.path.name} did not print JSON: {exc}") from exc
    counts = outcome.get("counts", {})
    if (counts.get("indicators"), counts.get("units")) != (case.indicators, case.units):
        raise BenchmarkError(
            f"import of {case.path.name}: {counts.get('indicators')} indicators and {counts.get('units')} units, "
            f"expected {case.indicators} and {case.units}"
        )


def measure(
    database: Database, cases: list[Case], repeat: int, env: dict[str, str], workdir: Path, progress: Progress
) -> list[Series]:
    series: list[Series] = []
    for case in cases:
        importing = Series(database.name, case, "import")
        validating = Series(database.name, case, "validate")
        both = Series(database.name, case, "import + validate")
        task = progress.add_task(f"{database.name} · {case.label}", total=repeat)
        for _ in range(repeat):
            with database.fresh() as url:
                run_env = {**env, "DATABASE_URL": url}
                out, err = workdir / "stdout", workdir / "stderr"
                sample = timed([str(MUBIAO), "import", str(case.path), "--format", "json"], run_env, out, err)
                if sample.status != 0:
                    raise BenchmarkError(f"import of {case.path.name} exited {sample.status}:\n{_tail(err)}")
                check_import(case, out)
                importing.samples.append(sample)
                # Exit status 1 means "the plan has errors": expected, the tables carry planted faults.
                checked = timed([str(MUBIAO), "validate", "--format", "json"], run_env, out, err)
                if checked.status not in (0, 1):
                    raise BenchmarkError(f"validate of {case.path.name} exited {checked.status}:\n{_tail(err)}")
                validating.samples.append(checked)
                both.samples.append(
                    Sample(sample.seconds + checked.seconds, max(sample.max_rss_kib, checked.max_rss_kib), 0)
                )
            progress.advance(task)
        series += [importing, validating, both]
    return series


def measure_startup(
    env: dict[str, str], workdir: Path, repeat: int, database: SQLiteDatabase, progress: Progress
) -> list[Series]:
    """Reference points: a bare interpreter, and `mubiao plans` on an empty database (Django start-up)."""
    reference = Case("startup", "(reference)", SEED, 0, 0, 1.0)
    bare = Series("—", reference, "python -c pass")
    django = Series("SQLite", reference, "mubiao plans")
    out, err = workdir / "stdout", workdir / "stderr"
    task = progress.add_task("start-up reference", total=repeat)
    for _ in range(repeat):
        bare.samples.append(timed([sys.executable, "-c", "pass"], env, out, err))
        with database.fresh() as url:
            django.samples.append(timed([str(MUBIAO), "plans"], {**env, "DATABASE_URL": url}, out, err))
        progress.advance(task)
    return [bare, django]


def _tail(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-3000:]


# -- reporting ------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    import django

    return {
        "CPU": model or platform.processor() or "unknown",
        "cores": f"{os.cpu_count()} ({len(os.sched_getaffinity(0))} usable)",
        "RAM": memory or "unknown",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "SQLite": sqlite3.sqlite_version,
    }


def _load() -> str:
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def _seconds(value: float) -> str:
    return f"{value:.2f}"


def _rss(series: Series) -> str:
    rss = series.peak_rss_mib
    return f"{rss:.0f}" if rss is not None else "—"


def _verdict(series: Series) -> str:
    return "yes" if series.met else "**no**"


def rich_table(results: list[Series], startup: list[Series], repeat: int) -> Table:
    table = Table(title=f"mubiao: whole-process wall time, {repeat} runs each (fresh database per run)")
    for column, justify in (
        ("database", "left"),
        ("table", "left"),
        ("command", "left"),
        ("median s", "right"),
        ("min s", "right"),
        ("max s", "right"),
        ("peak RSS MiB", "right"),
        ("aim", "right"),
        ("met", "center"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    previous = ""
    for series in results:
        if previous and previous != series.database:
            table.add_section()
        previous = series.database
        table.add_row(
            series.database,
            series.case.label,
            series.step,
            _seconds(series.median),
            _seconds(min(series.times)),
            _seconds(max(series.times)),
            _rss(series),
            f"< {series.case.aim_seconds:g} s",
            "[green]yes[/]" if series.met else "[red]no[/]",
        )
    table.add_section()
    for series in startup:
        table.add_row(
            series.database,
            "(reference)" if series.database == "—" else "(reference, empty DB)",
            series.step,
            _seconds(series.median),
            _seconds(min(series.times)),
            _seconds(max(series.times)),
            _rss(series),
            "",
            "",
        )
    return table


def markdown(
    results: list[Series],
    startup: list[Series],
    repeat: int,
    facts: dict[str, str],
    skipped: list[str],
    cases: list[Case],
) -> str:
    lines = [
        f"## Results — {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        "",
        f"Each figure is {repeat} runs of a whole `mubiao` process (interpreter and Django start-up included),",
        "each on a fresh, migrated database; median, min and max wall-clock seconds, and the highest peak",
        "resident memory seen over the runs. The aim is per command, with its start-up.",
        "",
        "| | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in facts.items()),
        "",
        "Tables:",
        "",
        *(f"- **{case.label}**: {_describe(case)}" for case in cases),
        "",
        "| database | table | command | median s | min s | max s | peak RSS MiB | aim | met |",
        "|---|---|---|---:|---:|---:|---:|---:|:---:|",
    ]
    for series in results:
        lines.append(
            f"| {series.database} | {series.case.label} | {series.step} | {_seconds(series.median)} | "
            f"{_seconds(min(series.times))} | {_seconds(max(series.times))} | {_rss(series)} | "
            f"< {series.case.aim_seconds:g} s | {_verdict(series)} |"
        )
    for series in startup:
        lines.append(
            f"| {series.database} | {'(reference)' if series.database == '—' else '(reference, empty DB)'} | "
            f"`{series.step}` | {_seconds(series.median)} | "
            f"{_seconds(min(series.times))} | {_seconds(max(series.times))} | {_rss(series)} | | |"
        )
    lines += ["", "Aims (median wall time of each command, start-up included):", ""]
    for series in results:
        if series.step == "import + validate":
            continue
        state = "met" if series.met else "missed"
        lines.append(
            f"- {series.database}, {series.case.label}, `mubiao {series.step}`: {_seconds(series.median)} s "
            f"against < {series.case.aim_seconds:g} s — **{state}**"
        )
    for note in skipped:
        lines += ["", f"> {note}"]
    return "\n".join(lines) + "\n"


def _describe(case: Case) -> str:
    if case.path.is_relative_to(ROOT):
        where = f"`{_display_path(case.path)}`"
    else:
        where = f"written by `benchmarks/generate_table.py` (seed {DEFAULT_SEED})"
    return f"{where} — {case.indicators} indicators × {case.units} units"


def _display_path(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return path.name


DEFAULT_INTRO = """# Benchmarks

`make bench` (`benchmarks/run.py`) times `mubiao import` and `mubiao validate` as whole processes.
"""


def write_docs(section: str, path: Path = DOCS) -> None:
    """Replace what follows the marker line; keep the hand-written text above it."""
    text = path.read_text(encoding="utf-8") if path.exists() else DEFAULT_INTRO
    intro = text.split(MARKER, 1)[0].rstrip("\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{intro}\n\n{MARKER}\n\n{section}", encoding="utf-8")


def write_marked_section(begin: str, end: str, section: str, path: Path = DOCS) -> None:
    """Replace the text between a script's own markers; add them above run.py's marker when missing.

    The other benchmark scripts keep their results here, apart from run.py's, which own the end.
    """
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{begin}\n\n{section}\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    elif MARKER in text:
        head, tail = text.split(MARKER, 1)
        text = f"{head.rstrip()}\n\n{block}\n\n{MARKER}{tail}"
    else:
        text = f"{text.rstrip()}\n\n{block}\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time mubiao import and validate on SQLite and PostgreSQL.")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (default 5)")
    parser.add_argument(
        "--database",
        action="append",
        choices=["sqlite", "postgresql"],
        help="database to measure (repeatable; default both)",
    )
    parser.add_argument("--indicators", type=int, default=40, help="indicators of the generated table")
    parser.add_argument("--units", type=int, default=120, help="units of the generated table")
    parser.add_argument("--no-docs", action="store_true", help=f"do not rewrite {_display_path(DOCS)}")
    args = parser.parse_args(argv)
    wanted = args.database or ["sqlite", "postgresql"]
    console = Console()

    workdir = Path(tempfile.mkdtemp(prefix="mubiao-bench-"))
    env = base_env(workdir)
    big = workdir / f"generated_{args.indicators}x{args.units}.txt"
    big.write_text(generate(indicators=args.indicators, units=args.units, seed=DEFAULT_SEED), encoding="utf-8")
    scale = (args.indicators * args.units) // (4 * 12)
    cases = [
        Case("seed", "seed (4 × 12)", SEED, 4, 12, 1.0),
        Case("big", f"generated ({args.indicators} × {args.units}, {scale}×)", big, args.indicators, args.units, 5.0),
    ]
    facts = machine()
    load_at_start = _load()
    results: list[Series] = []
    startup: list[Series] = []
    skipped: list[str] = []
    databases: list[Database] = []
    sqlite_db: SQLiteDatabase | None = None
    try:
        with console.status("migrating template databases (not timed)…"):
            sqlite_db = SQLiteDatabase(workdir, env)  # also serves the start-up reference
            if "sqlite" in wanted:
                databases.append(sqlite_db)
            if "postgresql" in wanted:
                try:
                    databases.append(PostgresDatabase(env))
                except BenchmarkError:
                    raise
                except Exception as exc:  # unreachable server, refused login…: skip, and say why
                    reason = " ".join(str(exc).split())
                    message = f"PostgreSQL skipped: cannot use {POSTGRES_ADMIN} ({type(exc).__name__}: {reason})"
                    console.print(f"[yellow]{message}[/]")
                    skipped.append(message.strip())
        for database in databases:
            facts[database.name] = f"{database.version} (server)" if database is not sqlite_db else database.version
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            for database in databases:
                results += measure(database, cases, args.repeat, env, workdir, progress)
            startup = measure_startup(env, workdir, args.repeat, sqlite_db, progress)
    except BenchmarkError as error:
        console.print(f"[red]benchmark failed:[/] {error}")
        return 2
    finally:
        for database in databases:
            if database is not sqlite_db:
                database.close()
        if sqlite_db is not None:
            sqlite_db.close()
        shutil.rmtree(workdir, ignore_errors=True)

    facts["load average at start (1/5/15 min)"] = load_at_start
    facts["load average at end (1/5/15 min)"] = _load()
    console.print(rich_table(results, startup, args.repeat))
    for series in results:
        if series.step != "import + validate" and not series.met:
            console.print(
                f"[red]aim missed[/]: {series.database} {series.case.label} `mubiao {series.step}` "
                f"{series.median:.2f} s ≥ {series.case.aim_seconds:g} s"
            )
    if not args.no_docs:
        write_docs(markdown(results, startup, args.repeat, facts, skipped, cases))
        console.print(f"results written to {_display_path(DOCS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
