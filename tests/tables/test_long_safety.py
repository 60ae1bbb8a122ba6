"""An actuals workbook is opened by the same safe reader as a decomposition table, and refused in its words."""

from __future__ import annotations

import datetime

import pytest

from mubiao.domain.problems import TableError
from mubiao.tables.long import read_long_table
from mubiao.tables.sources import read_grids
from tests.tables.builders import (
    BILLION_LAUGHS,
    patch_central_directory,
    sheet_part,
    with_doctype,
    with_member,
    xlsx_bytes,
    zip_bytes,
)

ACTUALS = [["指标", "单位", "期间", "实际值"], ["4", "柳东", "2019-07", 6]]


def refusals(content: bytes, filename: str = "实际值.xlsx") -> tuple[str, str]:
    """The words refusing `content` as an actuals table, and as a plan table."""
    with pytest.raises(TableError) as as_actuals:
        read_long_table(content, filename)
    with pytest.raises(TableError) as as_plan:
        read_grids(content, filename)
    return str(as_actuals.value), str(as_plan.value)


def test_a_zip_bomb_posing_as_an_actuals_workbook_is_refused_as_a_plan_table_is() -> None:
    bomb = zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": bytes(5 * 1024 * 1024),
        }
    )

    as_actuals, as_plan = refusals(bomb)

    assert as_actuals == as_plan
    assert "疑似压缩炸弹，已拒绝" in as_actuals


def test_an_actuals_workbook_declaring_more_than_200_mb_unpacked_is_refused_as_a_plan_table_is() -> None:
    data = patch_central_directory(xlsx_bytes(ACTUALS), sheet_part(), declared_size=300 * 1024 * 1024)

    as_actuals, as_plan = refusals(data)

    assert as_actuals == as_plan
    assert "超过上限209,715,200字节（200 MB），疑似压缩炸弹" in as_actuals


def test_a_dtd_in_an_actuals_workbook_is_refused_before_any_entity_is_expanded() -> None:
    data = with_member(xlsx_bytes(ACTUALS), sheet_part(), lambda xml: with_doctype(xml, BILLION_LAUGHS))

    as_actuals, as_plan = refusals(data)

    assert as_actuals == as_plan
    assert "XML 中含有 DTD/实体声明，出于安全原因拒绝" in as_actuals


def test_an_actuals_workbook_over_the_upload_limit_is_refused_as_a_plan_table_is() -> None:
    data = b"PK\x03\x04" + bytes(20 * 1024 * 1024)

    as_actuals, as_plan = refusals(data)

    assert as_actuals == as_plan
    assert "超过导入上限20,971,520字节（20 MB）" in as_actuals


def test_a_safe_actuals_workbook_still_reads_a_typed_month_that_excel_made_a_date() -> None:
    table = read_long_table(xlsx_bytes([ACTUALS[0], ["4", "柳东", datetime.datetime(2019, 7, 1), 6]]), "a.xlsx")

    assert [(row.period.text, row.value.text) for row in table.rows] == [("2019-07", "6")]
