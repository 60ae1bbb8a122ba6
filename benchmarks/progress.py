"""`make bench`, second half: a synthetic province on PostgreSQL, its selectors timed beside bare SQL.

On a fresh PostgreSQL database (a copy of a freshly migrated template, dropped afterwards) the run
times `mubiao synthesize` as a whole process (14 cities × 10 counties × 50 indicators × 5 years × 12
months by default), then — in this process, after Django's set-up — each selector and, beside it, a
hand-written SQL query that computes the same numbers over the same rows: warmed up once, then the
median of N runs. The two answers are compared value by value before anything is timed. The figures
are printed and written between this script's own markers in docs/benchmarks.md (above the section
benchmarks/run.py writes, which it leaves alone).

    .venv/bin/python -m benchmarks.progress [--repeat 20] [--no-docs] [--cities 14 --units 10 --indicators 50]

Reaches PostgreSQL through MUBIAO_BENCH_POSTGRES, as benchmarks/run.py does; skipped with a message
when it is unreachable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from benchmarks.run import (
    DOCS,
    MUBIAO,
    POSTGRES_ADMIN,
    BenchmarkError,
    PostgresDatabase,
    _display_path,
    _load,
    _tail,
    base_env,
    machine,
    timed,
    write_marked_section,
)

BEGIN = "<!-- progress benchmark: begin — the text up to the end marker is written by benchmarks/progress.py -->"
END = "<!-- progress benchmark: end -->"

YEAR = 2021
PERIOD = "2021-06"
INDICATOR = "3"  # a stock: the ranking then also reads last year's levels


@dataclass(frozen=True)
class Aim:
    label: str
    seconds: float


AIMS = {
    "overview": Aim("< 500 ms", 0.5),
    "ranking": Aim("< 500 ms", 0.5),
    "dashboard": Aim("< 50 ms", 0.05),
    # Issue 10: the progress sheet (附件1) of a city, workbook written, in under 1 s.
    "sheet": Aim("< 1 s", 1.0),
    # Issue 10: the 通报 of a city, from its facts to the file: .docx in under 2 s, PDF in under 5 s.
    "bulletin_docx": Aim("< 2 s", 2.0),
    "bulletin_pdf": Aim("< 5 s", 5.0),
}
#: The bulletins take seconds, not milliseconds: fewer runs say as much.
SLOW_REPEAT = 5


@dataclass
class Timing:
    key: str
    label: str
    what: str
    selector: list[float]
    sql: list[float]
    queries: int
    rows: int

    @property
    def selector_median(self) -> float:
        return statistics.median(self.selector)

    @property
    def sql_median(self) -> float:
        return statistics.median(self.sql)

    @property
    def ratio(self) -> float:
        return self.selector_median / self.sql_median

    @property
    def met(self) -> bool:
        return self.selector_median < AIMS[self.key].seconds


# -- the bare SQL ----------------------------------------------------------------------------------

#: The last month a stored period covers, and the annual figure first among equal ends.
_END = "(CASE a.period_kind WHEN 'year' THEN 12 WHEN 'quarter' THEN a.period_number * 3 ELSE a.period_number END)"
_PICK_ORDER = f"{_END} DESC, (a.period_kind = 'year') DESC"
_RATE = (
    "CASE WHEN {actual} IS NULL OR {target} IS NULL OR {target} = 0 THEN NULL "
    "WHEN i.direction = 'lower' THEN CASE WHEN {actual} <= 0 THEN NULL ELSE {target} / {actual} END "
    "ELSE {actual} / {target} END"
)

OVERVIEW_SQL = f"""
WITH plans AS (
    SELECT p.id, p.area_id, o.name AS city, o.position
    FROM plans_plan p JOIN orgunits_orgunit o ON o.id = p.area_id
    WHERE o.parent_id = %(province)s AND p.start_year <= %(year)s AND p.end_year >= %(year)s
), picked AS (
    SELECT DISTINCT ON (a.indicator_id) a.indicator_id, a.value
    FROM reporting_actualvalue a
    JOIN plans_indicator i ON i.id = a.indicator_id
    JOIN plans ON plans.id = i.plan_id
    WHERE a.org_unit_id = plans.area_id AND a.year = %(year)s AND a.value IS NOT NULL AND {_END} <= %(end)s
    ORDER BY a.indicator_id, {_PICK_ORDER}
)
SELECT plans.city, i.number, picked.value, c.value, s.value,
       {_RATE.format(actual="picked.value", target="c.value")}
FROM plans
JOIN plans_indicator i ON i.plan_id = plans.id
LEFT JOIN picked ON picked.indicator_id = i.id
LEFT JOIN plans_target c
    ON c.indicator_id = i.id AND c.org_unit_id = plans.area_id AND c.year = %(year)s AND c.level = 'committed'
LEFT JOIN plans_target s
    ON s.indicator_id = i.id AND s.org_unit_id = plans.area_id AND s.year = %(year)s AND s.level = 'stretch'
ORDER BY plans.position, plans.area_id, plans.id, i.position, i.id
"""

RANKING_SQL = f"""
WITH cols AS (
    SELECT pu.plan_id, pu.org_unit_id, pu.position, o.position AS city_position, i.id AS indicator_id, i.direction
    FROM plans_indicator i
    JOIN plans_plan p ON p.id = i.plan_id
    JOIN orgunits_orgunit o ON o.id = p.area_id
    JOIN plans_planunit pu ON pu.plan_id = p.id
    WHERE o.parent_id = %(province)s AND i.number = %(number)s AND p.start_year <= %(year)s AND p.end_year >= %(year)s
), picked AS (
    SELECT DISTINCT ON (a.indicator_id, a.org_unit_id) a.indicator_id, a.org_unit_id, a.value
    FROM reporting_actualvalue a
    JOIN cols ON cols.indicator_id = a.indicator_id AND cols.org_unit_id = a.org_unit_id
    WHERE a.year = %(year)s AND a.value IS NOT NULL AND {_END} <= %(end)s
    ORDER BY a.indicator_id, a.org_unit_id, {_PICK_ORDER}
), rated AS (
    SELECT cols.plan_id, cols.org_unit_id, cols.position, cols.city_position, picked.value AS actual,
           c.value AS committed, {_RATE.format(actual="picked.value", target="c.value").replace("i.", "cols.")} AS rate
    FROM cols
    LEFT JOIN picked ON picked.indicator_id = cols.indicator_id AND picked.org_unit_id = cols.org_unit_id
    LEFT JOIN plans_target c ON c.indicator_id = cols.indicator_id AND c.org_unit_id = cols.org_unit_id
        AND c.year = %(year)s AND c.level = 'committed'
)
SELECT plan_id, org_unit_id, actual, committed, rate,
       CASE WHEN rate IS NULL THEN NULL ELSE RANK() OVER (ORDER BY rate DESC NULLS LAST) END AS rank
FROM rated
ORDER BY rate DESC NULLS LAST, city_position, plan_id, position
"""

DASHBOARD_SQL = f"""
WITH cols AS (
    SELECT %(area)s::bigint AS org_unit_id, 0 AS position, TRUE AS is_city
    UNION ALL
    SELECT org_unit_id, position, FALSE FROM plans_planunit WHERE plan_id = %(plan)s
), picked AS (
    SELECT DISTINCT ON (a.indicator_id, a.org_unit_id) a.indicator_id, a.org_unit_id, a.value
    FROM reporting_actualvalue a JOIN plans_indicator i ON i.id = a.indicator_id
    WHERE i.plan_id = %(plan)s AND a.org_unit_id IN (SELECT org_unit_id FROM cols)
      AND a.year = %(year)s AND a.value IS NOT NULL AND {_END} <= %(end)s
    ORDER BY a.indicator_id, a.org_unit_id, {_PICK_ORDER}
), rated AS (
    SELECT i.id AS indicator_id, i.position AS indicator_position, i.weight, cols.org_unit_id,
           cols.position, cols.is_city, picked.value AS actual, c.value AS committed, s.value AS stretch,
           {_RATE.format(actual="picked.value", target="c.value")} AS rate_committed,
           {_RATE.format(actual="picked.value", target="s.value")} AS rate_stretch
    FROM plans_indicator i CROSS JOIN cols
    LEFT JOIN picked ON picked.indicator_id = i.id AND picked.org_unit_id = cols.org_unit_id
    LEFT JOIN plans_target c ON c.indicator_id = i.id AND c.org_unit_id = cols.org_unit_id
        AND c.year = %(year)s AND c.level = 'committed'
    LEFT JOIN plans_target s ON s.indicator_id = i.id AND s.org_unit_id = cols.org_unit_id
        AND s.year = %(year)s AND s.level = 'stretch'
    WHERE i.plan_id = %(plan)s
), ranked AS (
    SELECT rated.*,
           CASE WHEN is_city OR rate_committed IS NULL THEN NULL
                ELSE RANK() OVER (PARTITION BY indicator_id, is_city OR rate_committed IS NULL
                                  ORDER BY rate_committed DESC) END AS rank
    FROM rated
), scores AS (
    SELECT org_unit_id,
           SUM(weight * rate_committed) / NULLIF(SUM(weight) FILTER (WHERE rate_committed IS NOT NULL), 0) AS score
    FROM rated WHERE NOT is_city GROUP BY org_unit_id
)
SELECT ranked.indicator_id, ranked.org_unit_id, actual, committed, stretch, rate_committed, rate_stretch, rank,
       scores.score, CASE WHEN scores.score IS NULL THEN NULL
                          ELSE RANK() OVER (PARTITION BY ranked.indicator_id, scores.score IS NULL
                                            ORDER BY scores.score DESC) END AS score_rank
FROM ranked LEFT JOIN scores ON scores.org_unit_id = ranked.org_unit_id
ORDER BY indicator_position, ranked.indicator_id, position
"""


# -- checking that both give the same numbers --------------------------------------------------------

_PLACES = Decimal("1e-12")


def _same(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(Decimal(a) - Decimal(b)) < _PLACES


def _check(label: str, pairs: list[tuple[Any, Any]]) -> None:
    wrong = [(a, b) for a, b in pairs if not (_same(a, b) if isinstance(a, Decimal | None) else a == b)]
    if wrong:
        raise BenchmarkError(f"{label}: the selector and the bare SQL disagree, e.g. {wrong[:3]}")


def check_overview(overview: Any, rows: list[tuple[Any, ...]]) -> None:
    if len(overview.rows) != len(rows):
        raise BenchmarkError(f"overview: {len(overview.rows)} rows from the selector, {len(rows)} from SQL")
    pairs: list[tuple[Any, Any]] = []
    for row, (city, number, actual, committed, stretch, rate) in zip(overview.rows, rows, strict=True):
        pairs += [
            (row.city, city),
            (row.indicator_number, number),
            (row.actual, actual),
            (row.committed, committed),
            (row.stretch, stretch),
            (row.rate_committed, rate),
        ]
    _check("province_overview", pairs)


def check_ranking(ranking: Any, rows: list[tuple[Any, ...]]) -> None:
    if len(ranking.rows) != len(rows):
        raise BenchmarkError(f"ranking: {len(ranking.rows)} rows from the selector, {len(rows)} from SQL")
    by_unit = {
        (plan_id, unit_id): (actual, committed, rate, rank) for plan_id, unit_id, actual, committed, rate, rank in rows
    }
    pairs: list[tuple[Any, Any]] = []
    for row in ranking.rows:
        actual, committed, rate, rank = by_unit[(row.plan_id, row.org_unit_id)]
        pairs += [(row.actual, actual), (row.committed, committed), (row.rate_committed, rate), (row.rank, rank)]
    _check("province_ranking", pairs)


def check_dashboard(progress: Any, scores: Any, rows: list[tuple[Any, ...]], names: dict[int, str]) -> None:
    if len(progress.rows) != len(rows):
        raise BenchmarkError(f"dashboard: {len(progress.rows)} rows from the selector, {len(rows)} from SQL")
    pairs: list[tuple[Any, Any]] = []
    unit_scores: dict[str, Decimal | None] = {}
    for row, sql in zip(progress.rows, rows, strict=True):
        _indicator, unit_id, actual, committed, stretch, rate_c, rate_s, rank, score, _ = sql
        pairs += [
            (row.unit, names[unit_id]),
            (row.actual, actual),
            (row.committed, committed),
            (row.stretch, stretch),
            (row.rate_committed, rate_c),
            (row.rate_stretch, rate_s),
            (row.rank, rank),
        ]
        if not row.is_city:
            unit_scores[row.unit] = score
    pairs += [(score.score, unit_scores[score.unit]) for score in scores]
    _check("plan_progress + plan_scores", pairs)


# -- timing ----------------------------------------------------------------------------------------


def _median_runs(function: Callable[[], Any], repeat: int) -> list[float]:
    function()  # warm-up: connection, caches, the planner's first look
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def measure(repeat: int) -> tuple[list[Timing], dict[str, Any]]:
    """Time the selectors and their bare SQL on the database DATABASE_URL names (Django set up here)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mubiao.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mubiao.domain.periods import Period
    from mubiao.exports.bulletin import bulletin_document
    from mubiao.exports.bulletin_docx import bulletin_docx
    from mubiao.exports.bulletin_pdf import bulletin_pdf
    from mubiao.exports.progress import progress_sheet
    from mubiao.exports.services import draft_for
    from mubiao.exports.xlsx import progress_workbook
    from mubiao.orgunits.models import OrgUnit
    from mubiao.plans.models import Plan, PlanUnit
    from mubiao.reporting.province import province_overview, province_ranking
    from mubiao.reporting.selectors import plan_progress, plan_scores

    province = OrgUnit.objects.get(kind="province", parent=None)
    plan = Plan.objects.select_related("area").filter(area__parent=province).order_by("area__position").first()
    if plan is None:
        raise BenchmarkError("the synthetic province has no plan")
    period = Period.parse(PERIOD)
    end = period.end_month

    def sql(query: str, params: dict[str, Any]) -> Callable[[], list[tuple[Any, ...]]]:
        def run() -> list[tuple[Any, ...]]:
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall()

        return run

    overview_sql = sql(OVERVIEW_SQL, {"province": province.pk, "year": YEAR, "end": end})
    ranking_sql = sql(RANKING_SQL, {"province": province.pk, "number": INDICATOR, "year": YEAR, "end": end})
    dashboard_sql = sql(DASHBOARD_SQL, {"plan": plan.pk, "area": plan.area_id, "year": YEAR, "end": end})

    def overview() -> Any:
        return province_overview(province, YEAR, period)

    def ranking() -> Any:
        return province_ranking(province, INDICATOR, YEAR, period)

    def dashboard() -> Any:
        progress = plan_progress(plan, year=YEAR, period=period)
        return progress, plan_scores(progress)

    def sheet() -> Any:
        made = progress_sheet(plan, year=YEAR, period=period)
        progress_workbook(made)
        return made

    def bulletin(render: Callable[[Any], bytes]) -> Callable[[], Any]:
        def run() -> Any:
            facts, text = draft_for(plan, year=YEAR, period=period)
            render(bulletin_document(facts, text))
            return facts.sheet

        return run

    names = {plan.area_id: plan.area.name}
    names.update(PlanUnit.objects.filter(plan=plan).values_list("org_unit_id", "header_name"))
    check_overview(overview(), overview_sql())
    check_ranking(ranking(), ranking_sql())
    progress, scores = dashboard()
    check_dashboard(progress, scores, dashboard_sql(), names)

    cases = [
        ("overview", "(a) province overview", "`province_overview(province, 2021, 2021-06)`", overview, overview_sql),
        (
            "ranking",
            "(b) ranking, one indicator",
            f"`province_ranking(province, '{INDICATOR}', 2021, 2021-06)`",
            ranking,
            ranking_sql,
        ),
        (
            "dashboard",
            "(c) city dashboard",
            "`plan_progress(plan, year=2021, period=2021-06)` + `plan_scores`",
            dashboard,
            dashboard_sql,
        ),
        (
            "sheet",
            "(d) progress sheet (附件1)",
            "`progress_workbook(progress_sheet(plan, year=2021, period=2021-06))`, last year's figures included",
            sheet,
            dashboard_sql,
        ),
        (
            "bulletin_docx",
            "(e) 通报 as .docx",
            "`draft_for(plan, year=2021, period=2021-06)` (sheet, assessment, ranks before, overdue) + `bulletin_docx`",
            bulletin(bulletin_docx),
            dashboard_sql,
        ),
        (
            "bulletin_pdf",
            "(f) 通报 as PDF",
            "the same facts and text + `bulletin_pdf` (WeasyPrint, CJK fonts embedded)",
            bulletin(bulletin_pdf),
            dashboard_sql,
        ),
    ]
    timings = []
    for key, label, what, selector, bare in cases:
        with CaptureQueriesContext(connection) as captured:
            answer = selector()
        if hasattr(answer, "sections"):
            rows = sum(len(section.rows) for section in answer.sections)
        else:
            rows = len(answer.rows) if hasattr(answer, "rows") else len(answer[0].rows)
        runs = min(repeat, SLOW_REPEAT) if key.startswith("bulletin") else repeat
        selector_times = _median_runs(selector, runs)
        sql_times = _median_runs(bare, runs)
        timings.append(Timing(key, label, what, selector_times, sql_times, len(captured.captured_queries), rows))
    counts = {}
    with connection.cursor() as cursor:
        for label, table in (("actual values", "reporting_actualvalue"), ("targets", "plans_target")):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[label] = cursor.fetchone()[0]
    return timings, {"plan": f"{plan.pk} ({plan.area.name})", **counts}


# -- reporting -------------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def rich_table(timings: list[Timing], repeat: int) -> Table:
    table = Table(title=f"synthetic province on PostgreSQL: median of {repeat} in-process runs")
    for column in ("measurement", "rows", "queries", "selector ms", "bare SQL ms", "ratio", "aim", "met"):
        table.add_column(column, justify="left" if column == "measurement" else "right")
    for t in timings:
        table.add_row(
            t.label,
            str(t.rows),
            str(t.queries),
            _ms(t.selector_median),
            _ms(t.sql_median),
            f"{t.ratio:.1f}×",
            AIMS[t.key].label,
            "yes" if t.met else "no",
        )
    return table


def markdown(
    timings: list[Timing], synthesis: dict[str, Any], repeat: int, facts: dict[str, str], extra: dict[str, Any]
) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"### Results — {now}",
        "",
        f"`mubiao synthesize` (defaults: {synthesis['spec']}), one whole process on a fresh database: "
        f"**{synthesis['seconds']:.1f} s** wall, peak RSS {synthesis['rss_mib']:.0f} MiB; "
        f"{extra['actual values']:,} actual values and {extra['targets']:,} targets written.",
        "",
        f"Then in-process, period {PERIOD} of {YEAR}, the city dashboard for plan {extra['plan']}; "
        f"warm-up once, then the median of {repeat} runs (min–max in brackets). The ratio is selector ÷ bare SQL.",
        "",
        "| measurement | call | rows | queries | selector ms | bare SQL ms | ratio | aim | met |",
        "|---|---|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for t in timings:
        lines.append(
            f"| {t.label} | {t.what} | {t.rows} | {t.queries} | {_ms(t.selector_median)} "
            f"({_ms(min(t.selector))}–{_ms(max(t.selector))}) | {_ms(t.sql_median)} "
            f"({_ms(min(t.sql))}–{_ms(max(t.sql))}) | {t.ratio:.1f}× | {AIMS[t.key].label} | "
            f"{'yes' if t.met else '**no**'} |"
        )
    lines += ["", "| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in facts.items()]
    return "\n".join(lines) + "\n"


def write_docs(section: str, path: Path = DOCS) -> None:
    write_marked_section(BEGIN, END, section, path)


def synthesize(env: dict[str, str], workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        str(MUBIAO),
        "synthesize",
        "--format",
        "json",
        "--cities",
        str(args.cities),
        "--units",
        str(args.units),
        "--indicators",
        str(args.indicators),
    ]
    out, err = workdir / "stdout", workdir / "stderr"
    sample = timed(command, env, out, err)
    if sample.status != 0:
        raise BenchmarkError(f"mubiao synthesize exited {sample.status}:\n{_tail(err)}")
    outcome = json.loads(out.read_text(encoding="utf-8"))
    spec = f"{args.cities} cities × {args.units} counties × {args.indicators} indicators × 5 years × 12 months"
    return {"seconds": sample.seconds, "rss_mib": sample.max_rss_kib / 1024, "counts": outcome["counts"], "spec": spec}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the province selectors against bare SQL on PostgreSQL.")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per measurement (default 20)")
    parser.add_argument("--cities", type=int, default=14)
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--no-docs", action="store_true", help=f"do not rewrite {_display_path(DOCS)}")
    args = parser.parse_args(argv)
    console = Console()
    workdir = Path(tempfile.mkdtemp(prefix="mubiao-bench-progress-"))
    env = base_env(workdir)
    facts = machine()
    facts.pop("SQLite", None)
    facts["load average at start (1/5/15 min)"] = _load()
    database: PostgresDatabase | None = None
    try:
        with console.status("migrating a template database (not timed)…"):
            try:
                database = PostgresDatabase(env)
            except Exception as exc:
                reason = " ".join(str(exc).split())
                console.print(f"[yellow]progress benchmark skipped: cannot use {POSTGRES_ADMIN} ({reason})[/]")
                return 0
        facts["PostgreSQL"] = f"{database.version} (server)"
        with database.fresh() as url:
            run_env = {**env, "DATABASE_URL": url}
            with console.status("mubiao synthesize (timed, one process)…"):
                synthesis = synthesize(run_env, workdir, args)
            os.environ["DATABASE_URL"] = url
            os.environ["MUBIAO_VAR_DIR"] = run_env["MUBIAO_VAR_DIR"]
            with console.status(f"timing selectors and bare SQL ({args.repeat} runs each)…"):
                try:
                    timings, extra = measure(args.repeat)
                finally:
                    from django.db import connections

                    connections.close_all()  # before the database is dropped
    except BenchmarkError as error:
        console.print(f"[red]progress benchmark failed:[/] {error}")
        return 2
    finally:
        if database is not None:
            database.close()
        shutil.rmtree(workdir, ignore_errors=True)
    facts["load average at end (1/5/15 min)"] = _load()
    console.print(f"mubiao synthesize: {synthesis['seconds']:.1f} s, peak RSS {synthesis['rss_mib']:.0f} MiB")
    console.print(rich_table(timings, args.repeat))
    for t in timings:
        if not t.met:
            console.print(f"[red]aim missed[/]: {t.label} {_ms(t.selector_median)} ms ≥ {AIMS[t.key].label}")
    if not args.no_docs:
        write_docs(markdown(timings, synthesis, args.repeat, facts, extra))
        console.print(f"results written to {_display_path(DOCS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
