"""What mubiao's management commands share, whichever app they live in: the base command, JSON
output, findings tables, error reports with their exit codes, progress bars, reading an input file.

A low-level helper like mubiao.db: it knows the domain core's plain values and nothing of the apps,
so the commands of every app (org units, plans, reporting, accounts) can build on it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from mubiao.domain.findings import Finding
from mubiao.domain.problems import TableError
from mubiao.domain.values import LEVEL_LABELS, Severity


class MubiaoCommand(BaseCommand):
    """Base of mubiao's own commands."""

    # System checks import the URL conf and with it the API: skipping them halves the start-up of
    # command-line work, which the checks do not concern (Django's own commands still run them).
    requires_system_checks: list[str] = []


EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def console(stream: Any = None) -> Console:
    # emoji=False: a name such as “:fire:” is printed as written, and 3,000 unit names print 0.3 s sooner.
    return Console(file=stream or sys.stdout, soft_wrap=True, highlight=False, emoji=False)


def print_json(data: Any, stream: Any = None) -> None:
    (stream or sys.stdout).write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def fail_with_table_error(error: TableError, as_json: bool) -> NoReturn:
    """Report every problem of a refused table, then exit 2: nothing was written."""
    if as_json:
        print_json({"errors": [problem.as_dict(error.source) for problem in error.problems]})
    else:
        err = console(sys.stderr)
        err.print(f"[bold red]无法导入[/]：发现 {len(error.problems)} 个问题，数据库未作任何改动。")
        for problem in error.problems:
            err.print(f"  • {problem.located(error.source)}", markup=False)
    raise SystemExit(EXIT_BAD_INPUT)


def fail(message: str, as_json: bool = False) -> NoReturn:
    if as_json:
        print_json({"errors": [{"message": message}]})
    else:
        console(sys.stderr).print(f"[bold red]错误[/]：{escape(message)}")
    raise SystemExit(EXIT_BAD_INPUT)


@contextmanager
def steps(total: int, quiet: bool) -> Iterator[Any]:
    """A progress bar on stderr for work with several stages; silent for JSON output."""
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(file=sys.stderr),
        transient=True,
        disable=quiet,
    )
    with progress:
        task = progress.add_task("开始", total=total)

        def advance(description: str) -> None:
            progress.update(task, description=description)
            progress.advance(task)

        yield advance


def findings_table(findings: list[Finding], out: Console) -> None:
    """Findings as one line each, grouped by indicator: readable in any terminal width."""
    if not findings:
        out.print("[green]未发现问题。[/]")
        return
    current = None
    for finding in findings:
        if finding.indicator != current:
            current = finding.indicator
            out.print(f"\n[bold]{escape(f'{finding.indicator_number}. {finding.indicator}')}[/]")
        style = _SEVERITY_STYLE[finding.severity.value]
        place = " · ".join(
            part
            for part in (
                f"{finding.year}年" if finding.year else "",
                LEVEL_LABELS.get(finding.level or "", ""),
                finding.unit or "整行",
            )
            if part
        )
        out.print(
            f"  [{style}]{finding.severity.label}[/] {escape(f'{place}：{finding.message}')} [dim]({finding.rule})[/]"
        )
    out.print()


def findings_summary(findings: list[Finding]) -> str:
    counts = {severity: sum(1 for f in findings if f.severity is severity) for severity in Severity}
    return f"错误 {counts[Severity.ERROR]} 个，警告 {counts[Severity.WARNING]} 个，提示 {counts[Severity.INFO]} 个"


def read_input(path: Path, as_json: bool) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        fail(f"{path}：文件不存在", as_json)
    except IsADirectoryError:
        fail(f"{path}：这是一个目录，不是文件", as_json)
    except PermissionError:
        fail(f"{path}：没有读取权限", as_json)
