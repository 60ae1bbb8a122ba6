"""`mubiao import --dry-run`, `--save-mapping` and `--mapping`: see the understanding, correct it, reuse it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mubiao.plans.models import Plan, Target
from tests.cli.test_commands import run
from tests.tables.builders import xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_seed_plan")]

ROWS: list[list[object]] = [
    ["柳州市2021年科技任务分解表"],
    ["地区", "高新技术企业（家）", "技术合同（项）"],
    ["城中区", 10, 5],
    ["柳东新区", 4, 2],
    ["鱼峰区", 20, 6],
    ["合计", 30, 11],
]


def workbook(tmp_path: Path, rows: list[list[object]] = ROWS) -> str:
    path = tmp_path / "科技.xlsx"
    path.write_bytes(xlsx_bytes({"说明": [["填表说明"]], "分解表": rows}))
    return str(path)


def test_a_dry_run_prints_the_understanding_and_writes_nothing(liuzhou, tmp_path, capsys):
    assert run("import", workbook(tmp_path), "--dry-run") == 0

    out = capsys.readouterr().out
    assert "科技.xlsx · 工作表“分解表”（共2个：说明、分解表）" in out
    assert "表格结构：单位在行（每行一个单位，每列一个指标）" in out
    assert "表头 第2—2行；名称列 第1列；合计行 6" in out
    assert "单位 3 个：城中区、柳东新区、鱼峰区" in out
    assert "合计校验：2 处，2 处不符" in out
    assert "若第4行“柳东新区”是“其中”项（不计入合计），则全部相符" in out
    assert not Plan.objects.exists()


def test_a_saved_mapping_corrected_and_passed_back_changes_the_reading(liuzhou, tmp_path, capsys):
    table = workbook(tmp_path)
    saved = tmp_path / "mapping.json"
    assert run("import", table, "--dry-run", "--save-mapping", str(saved)) == 0
    mapping = json.loads(saved.read_text("utf-8"))
    assert (mapping["sheet"], mapping["layout"], mapping["total_rows"]) == ("分解表", "units_in_rows", [6])

    mapping["part_rows"] = [4]
    saved.write_text(json.dumps(mapping, ensure_ascii=False), "utf-8")
    capsys.readouterr()
    assert run("import", table, "--mapping", str(saved)) == 0

    plan = Plan.objects.get()
    assert plan.plan_units.get(header_name="柳东新区").part_of == "城中区"
    assert Target.objects.filter(indicator__plan=plan).count() == 8
    assert "未发现问题" in capsys.readouterr().out


def test_a_dry_run_in_json_tags_every_cell(liuzhou, tmp_path, capsys):
    assert run("import", workbook(tmp_path), "--dry-run", "--format", "json") == 0

    report = json.loads(capsys.readouterr().out)
    assert report["layout"] == "units_in_rows" and report["can_commit"] is True
    assert {
        "row": 5,
        "column": 3,
        "indicator": "2",
        "unit": "鱼峰区",
        "year": 2021,
        "level": "committed",
        "value": 6,
    } in report["cells"]
    assert report["rows"]["6"] == "total"
    assert [r["reconciles"] for r in report["reconciliations"]] == [False, False]


def test_a_dry_run_of_a_table_that_cannot_be_imported_exits_2_with_the_problem_and_proposal(liuzhou, tmp_path, capsys):
    rows = [["柳州市科技任务分解表"], *ROWS[1:]]
    assert run("import", workbook(tmp_path, rows), "--dry-run") == 2

    out = capsys.readouterr().out
    assert "无法确定数值属于哪一年" in out
    assert "建议：在映射中填写年份（year），如 2021" in out


def test_a_sheet_named_on_the_command_line_is_the_one_read(liuzhou, tmp_path, capsys):
    assert run("import", workbook(tmp_path), "--dry-run", "--sheet", "说明") == 2
    assert "工作表“说明”" in capsys.readouterr().out

    assert run("import", workbook(tmp_path), "--dry-run", "--sheet", "第三页") == 2
    assert "找不到工作表“第三页”" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "映射文件不是有效的 JSON：第1行第2列"),
        ('{"layout": "sideways"}', "layout 应为 blocks、units_in_columns、units_in_rows 之一"),
        ('{"header_rows": [4, 2]}', "header_rows 应为 [首行, 末行]"),
        ('{"colour": "red"}', "映射中有不认识的项：colour"),
        ('{"part_rows": [0]}', "part_rows 中的行号、列号从1数起"),
    ],
)
def test_a_bad_mapping_file_is_refused_with_what_is_wrong(liuzhou, tmp_path, capsys, text: str, message: str):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(text, "utf-8")

    assert run("import", workbook(tmp_path), "--mapping", str(mapping)) == 2
    assert message in capsys.readouterr().err
    assert not Plan.objects.exists()


@pytest.mark.parametrize("name", ["seed.txt", "twin.xlsx"])
def test_the_findings_printed_after_importing_a_new_plan_are_those_of_the_stored_plan(
    liuzhou, seed_bytes, tmp_path, capsys, name: str
):
    from mubiao.plans.selectors import plan_findings
    from tests.tables.seed_twin import seed_twin_xlsx

    path = tmp_path / name
    path.write_bytes(seed_bytes if name.endswith(".txt") else seed_twin_xlsx())
    assert run("import", str(path), "--format", "json") == 0

    printed = json.loads(capsys.readouterr().out)["findings"]
    stored = json.loads(json.dumps([f.as_dict() for f in plan_findings(Plan.objects.get())], ensure_ascii=False))
    assert len(printed) == 14
    assert printed == stored


def test_names_that_look_like_terminal_markup_are_printed_as_written_in_the_preview_and_after_the_commit(
    liuzhou, tmp_path, capsys
):
    rows: list[list[object]] = [
        ["测试县[bold]2021年科技任务分解表"],
        ["地区", "高新技术企业[/b]（家）"],
        ["[/b]镇", 4],
        ["[red]乡", 6],
        ["合计", 10],
    ]

    assert run("import", workbook(tmp_path, rows), "--dry-run") == 0
    preview = capsys.readouterr().out
    assert run("import", workbook(tmp_path, rows)) == 0
    committed = capsys.readouterr().out

    assert "单位 2 个：[/b]镇*、[red]乡*" in preview
    assert "高新技术企业[/b]" in preview
    assert "新建单位：测试县、[/b]镇、[red]乡" in committed
    assert Target.objects.filter(org_unit__name="[/b]镇", value=4).exists()


def test_a_preview_of_many_units_lists_the_first_hundred_and_the_count(liuzhou, tmp_path, capsys):
    units: list[list[object]] = [[f"第{number}试验镇", number] for number in range(1, 151)]
    rows = [["测试县2021年科技任务分解表"], ["地区", "高新技术企业（家）"], *units, ["合计", sum(range(1, 151))]]

    assert run("import", workbook(tmp_path, rows), "--dry-run") == 0

    out = capsys.readouterr().out
    assert "单位 150 个：第1试验镇*、第2试验镇*" in out
    assert "第100试验镇*…等150个（--format json 列出全部）" in out
    assert "第101试验镇" not in out
