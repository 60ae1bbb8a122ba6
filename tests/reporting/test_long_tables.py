import io

import pytest
from openpyxl import Workbook

from mubiao.domain.problems import TableError
from mubiao.tables.long import Cell, column_role, period_text, read_long_table
from tests.reporting.actual_tables import ROWS, csv_bytes, xlsx_bytes


def test_columns_may_come_in_any_order_beside_others_and_with_a_unit_of_measure() -> None:
    content = csv_bytes(
        [["柳东", "备注", "2019-Q2", "3", "高新技术企业", "170"]],
        header=["单位", "备注", "时间", "序号", "指标名称", "完成值（家）"],
    )

    (row,) = read_long_table(content, "a.csv").rows

    assert row.indicator == (Cell("3", 2, 4), Cell("高新技术企业", 2, 5))
    assert (row.unit, row.period, row.value) == (Cell("柳东", 2, 1), Cell("2019-Q2", 2, 3), Cell("170", 2, 6))


@pytest.mark.parametrize(
    ("header", "role"),
    [("指 标", "name"), ("Indicator", "name"), ("实际值(万元)", "value"), ("数值", "value"), ("备注", None)],
)
def test_a_header_is_known_by_its_words_without_spaces_case_or_unit(header: str, role: str | None) -> None:
    assert column_role(header) == role


def test_tab_separated_text_with_a_title_above_the_header_is_read() -> None:
    content = "2019年上半年完成情况\n\n指标\t单位\t期间\t实际值\n3\t柳东\t2019-Q2\t170\n\n".encode()

    (row,) = read_long_table(content, "a.txt").rows

    assert (row.row, row.value.text) == (4, "170")


def test_a_header_naming_a_column_twice_is_refused() -> None:
    with pytest.raises(TableError) as raised:
        read_long_table(csv_bytes(ROWS, header=["指标", "单位", "期间", "实际值", "完成值"]), "a.csv")

    (problem,) = raised.value.problems
    assert (problem.row, problem.column, problem.message) == (1, 5, "表头“完成值”与第4列重复")


def test_a_workbook_is_read_from_the_first_sheet_that_has_the_header() -> None:
    workbook = Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "说明"
    notes.append(["本表填报2019年实际值"])
    data = workbook.create_sheet("数据")
    data.append(["指标", "单位", "期间", "实际值"])
    data.append([3, "柳东", "2019-Q2", 170.0])
    data.append([4, "柳东", 2019, 0.1])
    out = io.BytesIO()
    workbook.save(out)

    table = read_long_table(out.getvalue(), "a.xlsx")

    assert table.file.sheet == "数据"
    assert [(r.indicator[0].text, r.period.text, r.value.text) for r in table.rows] == [
        ("3", "2019-Q2", "170"),
        ("4", "2019", "0.1"),
    ]


def test_a_sheet_with_a_faulty_header_is_reported_with_its_sheet_name() -> None:
    content = xlsx_bytes([row[:3] for row in ROWS], header=["指标", "单位", "期间"], title="上半年")

    with pytest.raises(TableError) as raised:
        read_long_table(content, "a.xlsx")

    assert "a.xlsx 工作表上半年 第3行：表头缺少实际值列" in str(raised.value)


@pytest.mark.parametrize(
    ("value", "text"), [(12, "12"), (12.0, "12"), (0.1, "0.1"), (1e-05, "0.00001"), ("170.5", "170.5")]
)
def test_spreadsheet_cells_read_as_the_text_that_was_typed(value: object, text: str) -> None:
    table = read_long_table(xlsx_bytes([["4", "柳东", "2019-07", value]]), "a.xlsx")

    assert table.rows[0].value.text == text


@pytest.mark.parametrize(
    ("text", "period"), [("2019-07-01", "2019-07"), ("2019-07-02", "2019-07-02"), ("2019-Q3", "2019-Q3")]
)
def test_a_date_on_the_first_of_a_month_is_that_month(text: str, period: str) -> None:
    assert period_text(text) == period


def test_a_damaged_workbook_and_an_old_xls_are_refused_with_what_to_do() -> None:
    with pytest.raises(TableError, match="文件已损坏，无法作为压缩包"):
        read_long_table(xlsx_bytes(ROWS)[:2000], "a.xlsx")  # cut short: no ZIP directory
    with pytest.raises(TableError, match=r"另存为 \.xlsx"):
        read_long_table(b"\xd0\xcf\x11\xe0", "a.xls")
