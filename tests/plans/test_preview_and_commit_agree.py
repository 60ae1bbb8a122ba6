"""A table the preview accepts cannot fail at commit for a reason the preview could have named."""

from __future__ import annotations

import pytest

from mubiao.domain.problems import TableError
from mubiao.plans.importing import preview_file
from mubiao.plans.models import Plan
from mubiao.reporting.importing import import_table
from tests.cli.test_commands import run
from tests.tables.test_import_layouts import LIUZHOU_ROWS, csv

LONG_UNIT = "家(按自治区科技厅认定名单计并含已迁入本市的企业)"


def table_with_a_long_unit_of_measure() -> bytes:
    rows = [row[:] for row in LIUZHOU_ROWS]
    rows[2][2] = LONG_UNIT
    return csv(rows)


@pytest.mark.usefixtures("no_seed_plan")
def test_the_preview_names_a_unit_of_measure_longer_than_its_column_with_its_row(liuzhou) -> None:
    problems = preview_file(table_with_a_long_unit_of_measure(), "科技.csv").understanding.problems

    assert [(p.row, p.message) for p in problems] == [
        (3, f"计量单位“{LONG_UNIT[:40]}”有{len(LONG_UNIT)}个字，超过20个字的上限")
    ]


@pytest.mark.usefixtures("no_seed_plan")
def test_the_commit_refuses_the_same_table_with_the_same_words_and_writes_nothing(liuzhou, actor) -> None:
    with pytest.raises(TableError) as refused:
        import_table(content=table_with_a_long_unit_of_measure(), filename="科技.csv", actor=actor)

    assert [p.message for p in refused.value.problems] == [
        f"计量单位“{LONG_UNIT[:40]}”有{len(LONG_UNIT)}个字，超过20个字的上限"
    ]
    assert not Plan.objects.exists()


@pytest.mark.usefixtures("no_seed_plan")
def test_the_command_line_dry_run_and_the_commit_both_refuse_with_exit_status_2(liuzhou, tmp_path, capsys) -> None:
    table = tmp_path / "科技.csv"
    table.write_bytes(table_with_a_long_unit_of_measure())

    assert run("import", str(table), "--dry-run") == 2
    assert run("import", str(table)) == 2
    assert "超过20个字的上限" in capsys.readouterr().err
    assert not Plan.objects.exists()


HUGE = "99999999999999999999999999999"  # 29 digits: more than Python's default 28-digit precision


def table_with(row: int, column: int, text: str) -> bytes:
    rows = [row_[:] for row_ in LIUZHOU_ROWS]
    rows[row][column] = text
    return csv(rows)


@pytest.mark.usefixtures("no_seed_plan")
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HUGE, f"数值{HUGE}的整数部分超过16位"),
        ("7.12345", "数值7.12345的小数位数超过4位，保存时会被舍入"),
    ],
)
def test_a_figure_too_long_to_store_is_refused_at_its_cell_by_preview_and_commit_alike(
    liuzhou, actor, text, message
) -> None:
    table = table_with(3, 3, text)

    previewed = preview_file(table, "科技.csv").understanding.problems
    with pytest.raises(TableError) as committed:
        import_table(content=table, filename="科技.csv", actor=actor)

    assert [(p.row, p.column, p.message) for p in previewed] == [(4, 4, message)]
    assert [p.message for p in committed.value.problems] == [message]
    assert not Plan.objects.exists()
