"""The plan in its official layout: a workbook an office hands on, that imports back into the same plan."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from openpyxl import load_workbook

from benchmarks.generate_table import build_table
from mubiao.exports.official import official_table
from mubiao.exports.xlsx import official_workbook
from mubiao.orgunits.models import OrgUnit, OrgUnitAlias
from mubiao.plans.models import Indicator, Plan
from mubiao.plans.services import ImportOutcome
from mubiao.reporting.importing import import_table
from tests.cli.test_commands import run
from tests.tables.builders import xlsx_bytes

pytestmark = pytest.mark.django_db


def exported(plan: Plan) -> bytes:
    return official_workbook(official_table(plan))


def nothing_changed(outcome: ImportOutcome, values: int) -> None:
    assert not outcome.plan_created
    assert (outcome.counts["created"], outcome.counts["updated"], outcome.counts["cleared"]) == (0, 0, 0)
    assert outcome.counts["unchanged"] == values
    assert outcome.counts["indicators_changed"] == 0
    assert outcome.indicator_changes == []
    assert outcome.conflicts == []


def test_the_seeds_export_imports_back_into_the_same_plan_unchanged(seed_plan: Plan, actor) -> None:
    outcome = import_table(content=exported(seed_plan), filename="分解表.xlsx", actor=actor)

    assert outcome.plan == seed_plan
    nothing_changed(outcome, values=390)


@pytest.mark.usefixtures("no_seed_plan")
def test_a_generated_plan_and_a_cross_table_plan_import_back_unchanged(liuzhou, actor) -> None:
    generated = build_table(indicators=3, units=7, years=(2021, 2023), area="柳州市")
    first = import_table(content=generated.text.encode(), filename="generated.txt", actor=actor, create_units=True)
    crosstab = xlsx_bytes(
        {"分解表": [["柳州市2021年科技任务分解表"], ["地区", "高新技术企业（家）", "技术合同成交额（万元）"],
                    ["城中区", 10, "12.5"], ["鱼峰区", 20, "7.25"], ["合计", 30, "19.75"]]}
    )  # fmt: skip
    second = import_table(content=crosstab, filename="crosstab.xlsx", actor=actor)

    again_first = import_table(content=exported(first.plan), filename="1.xlsx", actor=actor)
    again_second = import_table(content=exported(second.plan), filename="2.xlsx", actor=actor)

    nothing_changed(again_first, values=first.counts["created"])
    nothing_changed(again_second, values=6)
    assert list(second.plan.indicators.values_list("unit_of_measure", flat=True)) == ["家", "万元"]


def test_the_workbook_is_laid_out_for_print_with_figures_as_numbers(seed_plan: Plan) -> None:
    sheet = load_workbook(io.BytesIO(exported(seed_plan)))["分解表"]

    assert (sheet["A1"].value, sheet["A2"].value) == ("附件6", seed_plan.table_title)
    assert [sheet.cell(3, column).value for column in range(1, 6)] == [
        "序号",
        "指标名称",
        "计量单位",
        "完成目标",
        "目标分解",
    ]
    assert [sheet.cell(4, column).value for column in range(5, 9)] == ["年份", "级别", "合计", "柳东"]
    merged = {str(cells) for cells in sheet.merged_cells.ranges}
    assert {"A2:T2", "A3:A4", "E3:S3", "T3:T4", "A5:A14", "E5:E6"} <= merged
    assert sheet.print_title_rows == "$3:$4"
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToHeight) == ("landscape", 9, 0)  # A4, one page wide
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    high_tech_2018 = [[sheet.cell(row, column).value for column in range(5, 9)] for row in (25, 26)]
    assert high_tech_2018 == [[2018, "确保", 310, 120], [None, "实际", 442, 162]]
    assert sheet.cell(25, 7).data_type == "n"
    assert (
        sheet.cell(5, 20).value == "牵头部门：市科技局；责任单位：各县（区）人民政府、柳东新区（高新区）、阳和工业新区"
    )
    assert sheet.cell(sheet.max_row, 1).value == "备注：重大科技成果转化的标准由自治区科技厅定义。"


def test_names_that_begin_like_a_formula_are_text_cells_marked_never_to_run_and_import_back_as_they_are(
    seed_plan: Plan, actor
) -> None:
    Indicator.objects.filter(plan=seed_plan, number="1").update(name='=HYPERLINK("http://x","y")')
    seed_plan.plan_units.filter(header_name="北部").update(header_name="-北部")
    OrgUnitAlias.objects.create(unit=OrgUnit.objects.get(short_name="北部"), alias="-北部")

    content = exported(seed_plan)
    sheet = load_workbook(io.BytesIO(content))["分解表"]
    outcome = import_table(content=content, filename="hostile.xlsx", actor=actor)

    name, beibu = sheet["B5"], sheet["I4"]
    assert (name.value, name.data_type, name.quotePrefix) == ('=HYPERLINK("http://x","y")', "s", True)
    assert (beibu.value, beibu.quotePrefix) == ("-北部", True)
    assert sheet["C5"].quotePrefix is False
    nothing_changed(outcome, values=390)


def test_only_approved_year_end_figures_are_in_the_actual_rows(seed_plan: Plan) -> None:
    from tests.plans.reported_figures import liunan_reports_and_keji_approves

    approved = liunan_reports_and_keji_approves(seed_plan)  # 柳南's 2022 figure for indicator 1: 1
    table = official_table(seed_plan)

    (block,) = [block for block in table.blocks if block.number == "1"]
    actual_2022 = [row for row in block.rows if (row.year, row.level) == (2022, "actual")]
    liunan = table.units.index("柳南")
    assert [row.values[liunan] for row in actual_2022] == [approved.value] == [Decimal(1)]


def test_a_submitted_figure_is_not_in_the_official_table(seed_plan: Plan) -> None:
    from mubiao.accounts.models import RoleKind
    from mubiao.orgunits.models import OrgUnit
    from mubiao.reporting.workflow import actual_enter, actual_submit
    from tests.plans.reported_figures import person

    liunan = OrgUnit.objects.get(short_name="柳南")
    reporter = person("liunan", RoleKind.REPORTER, org_unit=liunan)
    indicator = Indicator.objects.get(plan=seed_plan, number="1")
    figure = actual_enter(actor=reporter, indicator=indicator, org_unit=liunan, period="2022", value="3")
    actual_submit(actor=reporter, actual=figure, expected_version=figure.version)

    (block,) = [block for block in official_table(seed_plan).blocks if block.number == "1"]

    assert [row for row in block.rows if row.level == "actual"] == []


def test_the_command_writes_the_workbook_and_refuses_an_unknown_plan(seed_plan: Plan, tmp_path: Path, capsys) -> None:
    path = tmp_path / "分解表.xlsx"

    assert run("export", "plan", str(seed_plan.pk), "-o", str(path)) == 0
    assert run("export", "plan", "999", "-o", str(tmp_path / "other.xlsx")) == 2

    assert load_workbook(path)["分解表"]["A2"].value == seed_plan.table_title
    assert not (tmp_path / "other.xlsx").exists()
    assert "找不到编号为 999 的规划" in capsys.readouterr().err


def test_the_plan_page_offers_the_workbook_to_every_visitor(client, seed_plan: Plan) -> None:
    from django.urls import reverse

    page = client.get(reverse("web:plan", args=[seed_plan.pk])).content.decode()
    response = client.get(reverse("web:plan_export_xlsx", args=[seed_plan.pk]))
    missing = client.get(reverse("web:plan_export_xlsx", args=[999]))

    assert reverse("web:plan_export_xlsx", args=[seed_plan.pk]) in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["分解表"]
    assert sheet["A2"].value == seed_plan.table_title
    assert missing.status_code == 404


def test_the_api_returns_the_same_workbook(client, seed_plan: Plan) -> None:
    response = client.get(f"/api/plans/{seed_plan.pk}/official-table/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["分解表"]
    assert [sheet.cell(25, column).value for column in range(5, 8)] == [2018, "确保", 310]


def test_a_download_name_keeps_the_title_and_drops_what_a_file_system_refuses() -> None:
    from mubiao.exports.downloads import download_name

    assert download_name("柳州市/科技:方案*2022?", ".xlsx") == "柳州市_科技_方案_2022_.xlsx"
    assert download_name("a" * 200, ".xlsx") == "a" * 80 + ".xlsx"


def test_the_seeds_word_attachment_imports_back_unchanged(seed_plan: Plan, actor) -> None:
    from mubiao.exports.docx import official_document

    document = official_document(official_table(seed_plan))
    outcome = import_table(content=document, filename="分解表.docx", actor=actor)

    nothing_changed(outcome, values=390)


def test_the_word_attachment_is_landscape_and_repeats_its_two_header_rows(seed_plan: Plan) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT

    from mubiao.exports.docx import official_document

    document = Document(io.BytesIO(official_document(official_table(seed_plan))))

    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert [paragraph.text for paragraph in document.paragraphs[:2]] == ["附件6", seed_plan.table_title]
    (table,) = document.tables
    repeated = [row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None for row in table.rows]
    assert repeated[:3] == [True, True, False]
    assert [cell.text for cell in table.rows[1].cells[4:8]] == ["年份", "级别", "合计", "柳东"]
    assert document.paragraphs[-1].text == "备注：重大科技成果转化的标准由自治区科技厅定义。"


@pytest.mark.usefixtures("no_seed_plan")
def test_a_plan_too_wide_for_word_is_refused_at_every_door_and_the_workbook_still_goes_out(
    liuzhou, actor, client, tmp_path: Path, capsys
) -> None:
    from django.urls import reverse

    wide = build_table(indicators=2, units=60, years=(2021, 2022), area="柳州市")
    plan = import_table(content=wide.text.encode(), filename="wide.txt", actor=actor, create_units=True).plan

    assert run("export", "plan", str(plan.pk), "-o", str(tmp_path / "wide.docx")) == 2
    page = client.get(reverse("web:plan_export_docx", args=[plan.pk]))
    api = client.get(f"/api/plans/{plan.pk}/official-table/?file=docx")
    workbook = client.get(reverse("web:plan_export_xlsx", args=[plan.pk]))

    words = "Word 表格最多 63 列，本规划有60个单位（最多56个）：请导出 Excel"
    assert words in capsys.readouterr().err
    assert not (tmp_path / "wide.docx").exists()
    assert page.status_code == 400 and words in page.content.decode()
    assert api.status_code == 400 and api.json() == {"file": [words]}
    assert workbook.status_code == 200


def test_the_api_gives_the_word_attachment_and_refuses_another_kind(client, seed_plan: Plan) -> None:
    from docx import Document

    word = client.get(f"/api/plans/{seed_plan.pk}/official-table/?file=docx")
    other = client.get(f"/api/plans/{seed_plan.pk}/official-table/?file=pdf")

    assert word.status_code == 200
    assert Document(io.BytesIO(b"".join(word.streaming_content))).paragraphs[1].text == seed_plan.table_title
    assert other.status_code == 400


def test_the_command_refuses_a_directory_or_a_missing_folder_as_its_output(
    seed_plan: Plan, tmp_path: Path, capsys
) -> None:
    assert run("export", "plan", str(seed_plan.pk), "-o", str(tmp_path)) == 2
    assert run("export", "plan", str(seed_plan.pk), "-o", str(tmp_path / "missing" / "x.xlsx")) == 2

    errors = capsys.readouterr().err
    assert f"{tmp_path} 是目录：请给出文件名" in errors
    assert f"目录不存在：{tmp_path / 'missing'}" in errors
    assert list(tmp_path.iterdir()) == []


def test_the_command_refuses_a_file_name_that_does_not_match_its_format(
    seed_plan: Plan, tmp_path: Path, capsys
) -> None:
    assert run("export", "plan", str(seed_plan.pk), "-o", str(tmp_path / "a.pdf")) == 2
    assert run("export", "plan", str(seed_plan.pk), "--format", "docx", "-o", str(tmp_path / "a.xlsx")) == 2
    assert run("export", "progress", str(seed_plan.pk), "--year", "2018", "-o", str(tmp_path / "p.csv")) == 2

    errors = capsys.readouterr().err
    assert "输出文件须以 .xlsx 结尾（a.pdf）" in errors
    assert "输出文件须以 .docx 结尾（a.xlsx）" in errors
    assert "输出文件须以 .xlsx 结尾（p.csv）" in errors
    assert list(tmp_path.iterdir()) == []
