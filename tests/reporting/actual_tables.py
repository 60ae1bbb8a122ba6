"""Long tables of actual values built in tests: the seed plan's 2019 quarterly and monthly figures.

高新技术企业 (indicator 3) is a stock: 2018 ended at 柳州市 442, 柳东 162, 北部 45; the 2019 committed
targets are 450, 176 and 55. 重大科技成果转化 (indicator 4) is a flow, reported year to date, monthly
(the `monthly_transfers` fixture of tests/reporting/conftest.py sets that frequency: figures are
reported at their indicator's frequency only).
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

HEADER = ["指标", "单位", "期间", "实际值"]

ROWS = [
    ["高新技术企业", "柳州市", "2019-Q1", "445"],
    ["高新技术企业", "柳东", "2019-Q1", "165"],
    ["高新技术企业", "北部", "2019-Q1", "46"],
    ["高新技术企业", "柳州市", "2019-Q2", "447"],
    ["高新技术企业", "柳东", "2019-Q2", "170"],
    ["高新技术企业", "北部", "2019-Q2", "48"],
    ["4", "柳州市", "2019-01", "5"],
    ["4", "柳州市", "2019-02", "9"],
    ["4", "柳州市", "2019-03", "17"],
]


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]], header: list[str] = HEADER, title: str = "2019年实际值") -> bytes:
    """A workbook with a title line and a blank line above the header, as offices write them."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(["柳州市科技创新指标完成情况"])
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_row(index: int, column: int, text: str) -> list[list[str]]:
    """ROWS with one cell replaced (0-based, in ROWS; the file's row is index + 2)."""
    rows = [list(row) for row in ROWS]
    rows[index][column] = text
    return rows
