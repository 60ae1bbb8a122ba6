"""Cross-tab tables handed over as Excel workbooks and Word attachments, read through the same preview."""

from __future__ import annotations

from decimal import Decimal

from mubiao.domain.readings import TableReading
from mubiao.tables.mapping import LayoutMapping
from mubiao.tables.sources import read_grids
from mubiao.tables.understanding import Understanding, understand
from tests.tables.builders import WordTable, docx_bytes, with_cached_values, xlsx_bytes

COUNTY_SHEET: list[list[object]] = [
    ["某某县2021—2022年农业农村目标分解表"],
    ["单位：万亩"],
    ["序号", "乡镇", "粮食播种面积", None, None, None, "其中：水稻", None],
    [None, None, "2021年", None, "2022年", None, "2021年", "2022年"],
    [None, None, "确保", "力争", "确保", "力争", "确保", "确保"],
    [1, "安宜镇", 10, 11, 12.5, 13, 6, 7],
    [2, "范 水 镇", 20, 21, 22, 23.25, 9, 9],
    [None, "合计", 30, 32, 34.5, 36.25, 15, 16],
    ["备注：面积以统计年报为准。"],
]
COUNTY_MERGES = ["A1:H1", "C3:F3", "G3:H3", "C4:D4", "E4:F4", "A3:A5", "B3:B5"]


def understanding_of(content: bytes, filename: str, mapping: LayoutMapping | None = None) -> Understanding:
    """How the reader understands a file by itself, knowing no unit names: no register, no database."""
    return understand(read_grids(content, filename), filename, mapping)


def reading(content: bytes, filename: str, mapping: LayoutMapping | None = None) -> TableReading:
    understanding = understanding_of(content, filename, mapping)
    assert understanding.problems == [], understanding.problems
    assert understanding.reading is not None
    return understanding.reading


def figure(table: TableReading, indicator: str, unit: str | None, year: int, level: str) -> Decimal:
    [found] = [
        v.value for v in table.values if (v.indicator_number, v.unit, v.year, v.level) == (indicator, unit, year, level)
    ]
    return found


def test_an_xlsx_with_a_three_row_merged_header_and_an_of_which_column_is_read():
    table = reading(xlsx_bytes(COUNTY_SHEET, merges=COUNTY_MERGES), "农业.xlsx")

    assert [(i.number, i.name, i.unit_of_measure, i.parent_number) for i in table.indicators] == [
        ("1", "粮食播种面积", "万亩", None),
        ("1.1", "水稻", "万亩", "1"),
    ]
    assert [u.name for u in table.units] == ["安宜镇", "范水镇"]
    assert figure(table, "1", "范水镇", 2022, "stretch") == Decimal("23.25")
    assert figure(table, "1.1", None, 2022, "committed") == Decimal(16)
    assert table.notes[-1] == "备注：面积以统计年报为准。"
    assert table.sheet == "Sheet1"


def test_the_sheet_holding_the_table_is_chosen_among_several_and_a_mapping_can_name_another():
    content = xlsx_bytes(
        {"说明": [["填表说明"], ["请按乡镇填写"]], "分解表": COUNTY_SHEET}, merges={"分解表": COUNTY_MERGES}
    )

    understanding = understanding_of(content, "农业.xlsx")
    assert (understanding.grid.sheet, understanding.sheets) == ("分解表", ["说明", "分解表"])
    assert understanding.mapping.sheet == "分解表"

    other = understanding_of(content, "农业.xlsx", LayoutMapping(sheet="说明"))
    assert other.grid.sheet == "说明" and not other.can_commit


def test_percent_formatted_cells_read_as_percentages_in_a_percent_column():
    rows: list[list[object]] = [
        ["柳州市2021年任务分解表"],
        ["地区", "研发投入强度（%）"],
        ["城中区", 0.025],
        ["鱼峰区", 0.0315],
    ]
    table = reading(xlsx_bytes(rows, number_formats={"B3": "0.0%", "B4": "0.00%"}), "强度.xlsx")

    assert figure(table, "1", "城中区", 2021, "committed") == Decimal("2.5")
    assert figure(table, "1", "鱼峰区", 2021, "committed") == Decimal("3.15")


def test_a_formula_with_a_cached_result_reads_its_result_and_one_without_is_refused_at_its_cell():
    rows: list[list[object]] = [
        ["柳州市2021年任务分解表"],
        ["地区", "高新技术企业（家）", "技术合同（项）"],
        ["城中区", 10, 3],
        ["鱼峰区", 20, 4],
        ["合计", "=SUM(B3:B4)", "=SUM(C3:C4)"],
    ]
    cached = with_cached_values(xlsx_bytes(rows), {"B5": 30, "C5": 7})
    assert figure(reading(cached, "t.xlsx"), "2", None, 2021, "committed") == Decimal(7)

    half = with_cached_values(xlsx_bytes(rows), {"B5": 30})
    understanding = understanding_of(half, "t.xlsx")
    [problem] = understanding.problems
    assert (problem.row, problem.column) == (5, 3)
    assert "公式“=SUM(C3:C4)”没有保存计算结果" in problem.message


def test_an_error_value_in_a_workbook_is_refused_at_its_cell():
    rows: list[list[object]] = [
        ["柳州市2021年任务分解表"],
        ["地区", "高新技术企业"],
        ["城中区", 10],
        ["鱼峰区", "#REF!"],
    ]
    [problem] = understanding_of(xlsx_bytes(rows), "t.xlsx").problems

    assert (problem.row, problem.column) == (4, 2)
    assert "Excel 错误值“#REF!”" in problem.message


def test_a_word_table_with_merged_cells_under_its_title_paragraph_is_read():
    table = WordTable(
        rows=[
            ["序号", "县区", "一般公共预算收入（亿元）", "", "固定资产投资（亿元）", ""],
            ["", "", "确保", "力争", "确保", "力争"],
            ["1", "城中", "10", "11", "40", "44"],
            ["2", "鱼峰", "12", "13", "35", "36"],
            ["", "全市", "22", "24", "75", "80"],
        ],
        merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3), (0, 4, 0, 5)],
    )
    content = docx_bytes("附件2", "柳州市2021年财政经济目标任务分解表", table, "备注：按季度通报。")

    understanding = understanding_of(content, "分解表.docx")
    assert understanding.problems == []
    assert understanding.reading is not None
    table_reading = understanding.reading
    assert understanding.layout == "units_in_rows"
    assert (table_reading.title, table_reading.attachment) == ("柳州市2021年财政经济目标任务分解表", "附件2")
    assert [i.name for i in table_reading.indicators] == ["一般公共预算收入", "固定资产投资"]
    assert figure(table_reading, "2", "鱼峰", 2021, "stretch") == Decimal(36)
    assert figure(table_reading, "1", None, 2021, "committed") == Decimal(22)
    assert understanding.unreconciled == []
    assert "备注：按季度通报。" in table_reading.notes
