"""Reading uploaded files into grids: workbooks, Word documents, text, and everything refused."""

from __future__ import annotations

import codecs
import hashlib
import re
from datetime import date, datetime, time, timedelta

import pytest

from mubiao.domain.problems import TableError
from mubiao.tables.grid import Grid
from mubiao.tables.sources import MAX_UPLOAD_BYTES, read_grids
from tests.tables.builders import (
    BILLION_LAUGHS,
    WordTable,
    docx_bytes,
    patch_central_directory,
    sheet_part,
    with_cached_values,
    with_doctype,
    with_member,
    with_shared_strings,
    xlsx_bytes,
    zip_bytes,
)

DOCUMENT = "word/document.xml"


def only_grid(content: bytes, filename: str = "表.xlsx") -> Grid:
    grids = read_grids(content, filename)
    assert len(grids) == 1, grids
    return grids[0]


def refusal(content: bytes, filename: str = "表.xlsx") -> str:
    """The message of the TableError reading `content` raises, after checking it names the file."""
    with pytest.raises(TableError) as caught:
        read_grids(content, filename)
    assert caught.value.source == filename
    assert filename in str(caught.value)
    return caught.value.problems[0].message


def with_merge_cells(data: bytes, *refs: str) -> bytes:
    """The workbook's first sheet with <mergeCell> elements added by hand, leaving covered cells' values."""
    cells = b"".join(b'<mergeCell ref="%s"/>' % ref.encode() for ref in refs)
    block = b'</sheetData><mergeCells count="%d">%s</mergeCells>' % (len(refs), cells)
    return with_member(data, sheet_part(), lambda xml: xml.replace(b"</sheetData>", block, 1))


# --- Workbooks --------------------------------------------------------------------------------


def test_each_non_empty_worksheet_is_a_grid_in_workbook_order_with_hidden_sheets_last() -> None:
    data = xlsx_bytes(
        {"隐藏": [["h"]], "表一": [["a"]], "空表": [], "表二": [["b"]]},
        hidden=["隐藏"],
        chartsheets=["图表"],
    )

    grids = read_grids(data, "分解表.xlsx")

    assert [(grid.sheet, grid.rows) for grid in grids] == [("表一", [["a"]]), ("表二", [["b"]]), ("隐藏", [["h"]])]
    assert {grid.source for grid in grids} == {"分解表.xlsx"}


def test_a_merged_range_is_listed_0_based_with_its_text_only_in_its_top_left_cell() -> None:
    rows = [["科技创新目标", "左", "右"], ["指标", "2021", "2022"], ["专利", "3", "4"], ["下", "5", "6"]]
    data = with_merge_cells(xlsx_bytes(rows), "A1:C1", "A3:A4")

    grid = only_grid(data)

    assert grid.merges == [(0, 0, 0, 2), (2, 0, 3, 0)]
    assert grid.rows == [["科技创新目标"], ["指标", "2021", "2022"], ["专利", "3", "4"], ["", "5", "6"]]


def test_merges_written_by_openpyxl_are_read_from_the_sheet_xml() -> None:
    data = xlsx_bytes([["标题"], ["a", "b", "c"]], merges=["A1:C1"])

    assert only_grid(data).merges == [(0, 0, 0, 2)]


def test_a_merged_range_claiming_the_whole_sheet_is_clipped_to_the_table() -> None:
    data = with_merge_cells(xlsx_bytes([["标题", "x"], ["a", "b"], ["c"]]), "A1:XFD1", "A3:A1048576")

    grid = only_grid(data)

    assert grid.rows == [["标题"], ["a", "b"], ["c"]]
    assert grid.merges == [(0, 0, 0, 1)]  # the second range covers nothing but its own cell now


def test_numbers_read_as_the_text_a_person_would_type() -> None:
    data = xlsx_bytes([[0.1 + 0.2, 12.0, 7, -2.5, 1e-7, 123456789012.5, 1e20, True, False]])

    assert only_grid(data).rows == [
        ["0.3", "12", "7", "-2.5", "0.0000001", "123456789012.5", "100000000000000000000", "TRUE", "FALSE"]
    ]


def test_a_percentage_formatted_cell_reads_as_its_percentage_without_float_noise() -> None:
    data = xlsx_bytes(
        [[0.155, 1, 0.3333, 0.1 + 0.2, 15]],
        number_formats={"A1": "0.0%", "B1": "0%", "C1": "0.00%", "D1": "0%", "E1": '0"%"'},
    )

    # A quoted % is only shown, not multiplied: 15 formatted 0"%" is 15.
    assert only_grid(data).rows == [["15.5%", "100%", "33.33%", "30%", "15"]]


def test_dates_read_as_iso_dates() -> None:
    data = xlsx_bytes([[date(2021, 3, 4), datetime(2021, 3, 4, 8, 30)]])

    assert only_grid(data).rows == [["2021-03-04", "2021-03-04 08:30:00"]]


def test_text_is_kept_exactly_as_stored() -> None:
    data = xlsx_bytes([[" 氾 水 镇 ", "牵头部门：\n县科技局"]])

    assert only_grid(data).rows == [[" 氾 水 镇 ", "牵头部门：\n县科技局"]]


def test_numbers_in_plain_number_formats_read_like_unformatted_ones() -> None:
    data = xlsx_bytes(
        [[1234.5, 0.1 + 0.2, 12, -0.5]], number_formats={"A1": "#,##0.00", "B1": "0.00", "C1": "0", "D1": "General"}
    )

    assert only_grid(data).rows == [["1234.5", "0.3", "12", "-0.5"]]


def test_a_number_too_large_for_decimal_arithmetic_reads_as_its_digits() -> None:
    data = xlsx_bytes([[1e30, 1e30, -1.5e40]], number_formats={"B1": "0%"})

    assert only_grid(data).rows == [["1" + "0" * 30, "1" + "0" * 32 + "%", "-15" + "0" * 39]]


def test_times_and_durations_read_as_clock_times_and_spans() -> None:
    data = xlsx_bytes([[time(8, 30), timedelta(hours=26)]])

    assert only_grid(data).rows == [["08:30:00", "1 day, 2:00:00"]]


def test_dates_in_a_workbook_counting_from_1904_read_as_the_dates_shown() -> None:
    rows = [[1, 1.5, 0.5]]
    formats = {"A1": "yyyy-mm-dd", "B1": "yyyy-mm-dd h:mm", "C1": "h:mm"}
    from_1900 = xlsx_bytes(rows, number_formats=formats)
    from_1904 = with_member(
        from_1900, "xl/workbook.xml", lambda xml: xml.replace(b"<workbookPr/>", b'<workbookPr date1904="1"/>')
    )

    assert only_grid(from_1900).rows == [["1900-01-01", "1900-01-01 12:00:00", "12:00:00"]]
    assert only_grid(from_1904).rows == [["1904-01-02", "1904-01-02 12:00:00", "12:00:00"]]


def test_text_stored_as_shared_strings_reads_as_written() -> None:
    data = with_shared_strings(xlsx_bytes([["指标", "2021"], ["专利", 4], [" 氾 水 镇 ", "#REF!"], ["专利", "=B2*2"]]))

    assert only_grid(data).rows == [["指标", "2021"], ["专利", "4"], [" 氾 水 镇 ", "#REF!"], ["专利", "=B2*2"]]


def test_rich_text_reads_as_its_runs_joined_without_phonetic_guides() -> None:
    runs = "<r><t>发明</t></r><r><rPr><b/></rPr><t>专利</t></r>".encode()
    phonetic = b'<rPh sb="0" eb="2"><t>fa ming</t></rPh><phoneticPr fontId="1"/>'

    def formatted(xml: bytes) -> bytes:
        return xml.replace(b"<t>x</t>", runs).replace(b"<t>y</t>", runs + phonetic)

    inline = with_member(xlsx_bytes([["x", "y"]]), sheet_part(), formatted)
    shared = with_member(with_shared_strings(xlsx_bytes([["x", "y"]])), "xl/sharedStrings.xml", formatted)

    assert only_grid(inline).rows == [["发明专利", "发明专利"]]
    assert only_grid(shared).rows == [["发明专利", "发明专利"]]


def test_a_cell_without_a_reference_is_in_the_column_after_the_cell_before_it() -> None:
    data = xlsx_bytes([["a", "b", None, "d"], ["e", "f"], [None, None, "i", "j"]])

    def unreferenced(xml: bytes) -> bytes:
        for attribute in (b' r="B1"', b' r="D1"', b' r="A2"', b' r="D3"'):
            xml = xml.replace(attribute, b"")
        return xml.replace(b'<row r="2">', b"<row>")  # a row without one is the row after the one before

    grid = only_grid(with_member(data, sheet_part(), unreferenced))

    # "d" was written in D1, but without its reference it can only follow "b".
    assert grid.rows == [["a", "b", "d"], ["e", "f"], ["", "", "i", "j"]]


def test_a_formula_with_a_cached_value_reads_as_that_value() -> None:
    data = with_cached_values(xlsx_bytes([["专利", 4], ["", 8], ["合计", "=SUM(B1:B2)"]]), {"B3": 12})

    assert only_grid(data).rows == [["专利", "4"], ["", "8"], ["合计", "12"]]


def test_a_formula_without_a_cached_value_reads_as_its_formula_text() -> None:
    data = xlsx_bytes([["专利", 4], ["", 8], ["合计", "=SUM(B1:B2)"]])

    assert only_grid(data).rows == [["专利", "4"], ["", "8"], ["合计", "=SUM(B1:B2)"]]


def test_a_shared_formula_without_a_cached_value_reads_as_its_own_cells_formula() -> None:
    data = xlsx_bytes([[1, 2, "=A1+B1"], [3, 4, "=A2+B2"]])

    def share(xml: bytes) -> bytes:
        xml = xml.replace(b"<f>A1+B1</f>", b'<f t="shared" ref="C1:C2" si="0">A1+B1</f>')
        return xml.replace(b"<f>A2+B2</f>", b'<f t="shared" si="0"/>')

    grid = only_grid(with_member(data, sheet_part(), share))

    assert grid.rows == [["1", "2", "=A1+B1"], ["3", "4", "=A2+B2"]]


def test_a_formula_whose_cached_result_is_empty_text_reads_as_a_blank() -> None:
    data = with_cached_values(xlsx_bytes([["a", '=IF(1,"","x")']]), {"B1": ""})

    assert only_grid(data).rows == [["a"]]


def test_error_values_keep_their_exact_error_text() -> None:
    data = with_cached_values(xlsx_bytes([["#REF!", "#N/A", "=1/0", "#VALUE!"]]), {"C1": "#DIV/0!"})

    assert only_grid(data).rows == [["#REF!", "#N/A", "#DIV/0!", "#VALUE!"]]


def test_trailing_empty_rows_and_columns_are_trimmed_and_leading_ones_kept() -> None:
    data = xlsx_bytes([[], [], [None, "x", None, " "]], number_formats={"F10": "0.00"})

    assert only_grid(data).rows == [[], [], ["", "x"]]


def test_a_wrong_dimension_tag_does_not_cut_the_sheet_short() -> None:
    data = xlsx_bytes([["a", "b"], ["c", "d"], ["e", "f"]])
    data = with_member(
        data, sheet_part(), lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', xml)
    )

    assert only_grid(data).rows == [["a", "b"], ["c", "d"], ["e", "f"]]


def test_a_workbook_is_read_by_its_content_whatever_its_name() -> None:
    grid = only_grid(xlsx_bytes([["指标", "2021"]]), "分解表.txt")

    assert (grid.sheet, grid.rows) == ("Sheet1", [["指标", "2021"]])


# --- Word documents ---------------------------------------------------------------------------


def test_a_word_table_keeps_merged_cells_as_ranges_with_text_only_in_the_top_left() -> None:
    table = WordTable(
        [["单位", "2021年", ""], ["安宜镇", "确保", "4"], ["", "力争", "5"]],
        merges=[(0, 1, 0, 2), (1, 0, 2, 0)],
    )

    grid = only_grid(docx_bytes("宝应县任务分解表", table), "分解表.docx")

    assert grid.rows == [["宝应县任务分解表"], ["单位", "2021年"], ["安宜镇", "确保", "4"], ["", "力争", "5"]]
    assert grid.merges == [(1, 1, 1, 2), (2, 0, 3, 0)]


def test_titles_go_above_their_table_and_notes_below_it_one_grid_per_table() -> None:
    data = docx_bytes(
        "附件1",
        "××市2021年任务分解表",
        "单位：万元",
        [["指标", "合计"], ["专利", "12"]],
        "备注：合计含市本级。",
        "1. 数据来自统计局",
        "附件2",
        "××市2022年任务分解表",
        [["指标", "合计"], ["专利", "15"]],
        "说明: 以上为预期值",
        "抄送：市政府办公室",
    )

    grids = read_grids(data, "分解表.docx")

    assert [grid.sheet for grid in grids] == ["表1", "表2"]
    assert grids[0].rows == [
        ["附件1"],
        ["××市2021年任务分解表"],
        ["单位：万元"],
        ["指标", "合计"],
        ["专利", "12"],
        ["备注：合计含市本级。"],
        ["1. 数据来自统计局"],
    ]
    # A closing line that is not a note (抄送) belongs to no table.
    assert grids[1].rows == [
        ["附件2"],
        ["××市2022年任务分解表"],
        ["指标", "合计"],
        ["专利", "15"],
        ["说明: 以上为预期值"],
    ]


def test_a_paragraph_after_a_table_that_is_not_a_note_heads_the_next_table() -> None:
    data = docx_bytes([["a"]], "表二", "备注：这是表二上方的说明", [["b"]])

    grids = read_grids(data, "分解表.docx")

    assert [grid.rows for grid in grids] == [[["a"]], [["表二"], ["备注：这是表二上方的说明"], ["b"]]]


def test_a_name_broken_over_lines_in_a_cell_reads_as_one_name() -> None:
    data = docx_bytes([["柳州市\n科技局", "氾 水 镇"]])

    assert only_grid(data, "分解表.docx").rows == [["柳州市科技局", "氾 水 镇"]]


def test_text_typed_with_track_changes_on_is_read_and_deleted_text_is_not() -> None:
    data = docx_bytes([["专利", "10"]])
    tracked = (
        b'<w:del w:id="1" w:author="a" w:date="2021-01-01T00:00:00Z"><w:r><w:delText>10</w:delText></w:r></w:del>'
        b'<w:ins w:id="2" w:author="a" w:date="2021-01-01T00:00:00Z"><w:r><w:t>12</w:t></w:r></w:ins>'
    )
    data = with_member(data, DOCUMENT, lambda xml: xml.replace(b"<w:r><w:t>10</w:t></w:r>", tracked))

    assert only_grid(data, "分解表.docx").rows == [["专利", "12"]]


def test_a_table_inside_a_content_control_is_read() -> None:
    data = docx_bytes("标题", [["a", "b"]])

    def wrap(xml: bytes) -> bytes:
        xml = xml.replace(b"<w:tbl>", b"<w:sdt><w:sdtPr/><w:sdtContent><w:tbl>")
        return xml.replace(b"</w:tbl>", b"</w:tbl></w:sdtContent></w:sdt>")

    assert only_grid(with_member(data, DOCUMENT, wrap), "分解表.docx").rows == [["标题"], ["a", "b"]]


def test_a_word_row_that_starts_after_the_first_column_keeps_its_cells_in_their_columns() -> None:
    data = docx_bytes([["单位", "2021", "2022"], ["", "4", "5"]])

    def skip_first_column(xml: bytes) -> bytes:
        second_row = xml.index(b"<w:tr>", xml.index(b"<w:tr>") + 1)
        first_cell_end = xml.index(b"</w:tc>", second_row) + len(b"</w:tc>")
        return xml[:second_row] + b'<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>' + xml[first_cell_end:]

    grid = only_grid(with_member(data, DOCUMENT, skip_first_column), "分解表.docx")

    assert grid.rows == [["单位", "2021", "2022"], ["", "4", "5"]]


def test_a_word_cell_spanning_millions_of_columns_is_refused_as_damaged() -> None:
    data = docx_bytes(WordTable([["合计", ""], ["1", "2"]], merges=[(0, 0, 0, 1)]))
    data = with_member(data, DOCUMENT, lambda xml: xml.replace(b'w:gridSpan w:val="2"', b'w:gridSpan w:val="99999999"'))

    assert refusal(data, "分解表.docx").startswith("文件已损坏或内容不完整，无法作为Word 文档读取")


def test_a_word_document_without_a_table_is_refused() -> None:
    assert refusal(docx_bytes("只有一段文字"), "说明.docx") == "文件中没有表格"


# --- Text -------------------------------------------------------------------------------------


def test_a_gbk_csv_is_read_as_text() -> None:
    grid = only_grid("指标,安宜镇\n专利,4\n".encode("gbk"), "分解表.csv")

    assert (grid.sheet, grid.rows) == ("", [["指标", "安宜镇"], ["专利", "4"]])


def test_a_utf8_tsv_with_a_byte_order_mark_is_read_as_text() -> None:
    grid = only_grid(codecs.BOM_UTF8 + "指标\t安宜镇\n专利\t4\n".encode(), "分解表.tsv")

    assert grid.rows == [["指标", "安宜镇"], ["专利", "4"]]


def test_semicolon_separated_text_is_split_into_cells() -> None:
    assert only_grid(b"a;b\n1;2\n", "t.csv").rows == [["a", "b"], ["1", "2"]]


def test_text_named_as_a_workbook_is_read_as_text() -> None:
    assert only_grid("指标\t合计\n".encode(), "分解表.xlsx").rows == [["指标", "合计"]]


def test_text_with_only_separators_is_refused_as_having_no_table() -> None:
    assert refusal(b",,\n,,\n", "t.csv") == "文件中没有表格"


# --- Refusals: size and kind ------------------------------------------------------------------


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read() -> None:
    message = refusal(b"a" * (MAX_UPLOAD_BYTES + 1), "大.csv")

    assert message == "文件有20,971,521字节，超过导入上限20,971,520字节（20 MB）"


def test_an_old_binary_xls_or_doc_is_refused_with_how_to_convert_it() -> None:
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504

    assert refusal(ole2, "分解表.xls") == "旧版 .xls/.doc 格式，请在 Excel/Word 中另存为 .xlsx/.docx 后再导入"


def test_a_password_protected_office_file_is_refused_as_encrypted() -> None:
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le")

    assert refusal(ole2, "分解表.xlsx").startswith("文件设置了打开密码")


def test_a_pdf_is_refused_with_how_to_get_its_table_out() -> None:
    assert (
        refusal(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "分解表.pdf") == "PDF 文件，请先复制或导出表格为文本/Excel"
    )


def test_a_zip_that_is_neither_workbook_nor_document_is_refused() -> None:
    message = refusal(zip_bytes({"readme.txt": b"hello"}), "分解表.zip")

    assert message == "压缩包（ZIP）文件，不是 Excel 工作簿或 Word 文档"


def test_a_truncated_workbook_is_refused_as_damaged() -> None:
    data = xlsx_bytes([["a"]])

    assert refusal(data[: len(data) // 2]) == "文件已损坏，无法作为压缩包（xlsx/docx）打开"


def test_a_workbook_with_broken_sheet_xml_is_refused_as_damaged_not_with_a_traceback() -> None:
    data = with_member(xlsx_bytes([["a"]]), sheet_part(), lambda xml: xml[: len(xml) // 2])

    assert refusal(data).startswith("文件已损坏或内容不完整，无法作为Excel 工作簿读取（")


def test_an_empty_workbook_is_refused_as_having_no_table() -> None:
    assert refusal(xlsx_bytes({"Sheet1": [], "Sheet2": [[None, " "]]})) == "文件中没有表格"


# --- Refusals: zip bombs and hostile containers -----------------------------------------------

XLSX_SKELETON = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


def test_a_zip_bomb_posing_as_a_workbook_is_refused_naming_the_member() -> None:
    data = zip_bytes({**XLSX_SKELETON, "xl/worksheets/sheet1.xml": bytes(5 * 1024 * 1024)})

    message = refusal(data)

    assert message.startswith("文件内的“xl/worksheets/sheet1.xml”解压后5,242,880字节，压缩比约")
    assert message.endswith("超过200:1，疑似压缩炸弹，已拒绝")


def test_a_workbook_declaring_more_than_200_mb_unpacked_is_refused() -> None:
    data = patch_central_directory(xlsx_bytes([["a"]]), sheet_part(), declared_size=300 * 1024 * 1024)

    assert "超过上限209,715,200字节（200 MB），疑似压缩炸弹" in refusal(data)


def test_a_zip_with_more_than_ten_thousand_members_is_refused() -> None:
    data = zip_bytes({**XLSX_SKELETON, **{f"xl/media/{n}.bin": b"" for n in range(10_000)}}, compresslevel=1)

    assert refusal(data) == "压缩包内有10,002个文件，超过上限10,000个，疑似恶意文件，已拒绝"


def test_a_workbook_with_an_encrypted_member_is_refused() -> None:
    data = patch_central_directory(xlsx_bytes([["a"]]), "xl/workbook.xml", encrypted=True)

    assert refusal(data) == "文件内的“xl/workbook.xml”已加密，无法读取"


# --- Refusals: DTDs ---------------------------------------------------------------------------

DTD_MESSAGE = "XML 中含有 DTD/实体声明，出于安全原因拒绝（文件内的“{}”）"
LAUGHING_STRINGS = b'<?xml version="1.0" encoding="UTF-8"?>' + BILLION_LAUGHS + b"<sst><si><t>&lol9;</t></si></sst>"


def test_a_billion_laughs_in_a_workbooks_shared_strings_is_refused() -> None:
    data = with_member(xlsx_bytes([["a"]]), "xl/sharedStrings.xml", LAUGHING_STRINGS)

    assert refusal(data) == DTD_MESSAGE.format("xl/sharedStrings.xml")


def test_a_dtd_in_a_word_documents_part_is_refused() -> None:
    data = with_member(docx_bytes([["a"]]), "word/styles.xml", with_doctype)

    assert refusal(data, "分解表.docx") == DTD_MESSAGE.format("word/styles.xml")


def test_a_dtd_in_a_part_not_named_xml_is_refused_too() -> None:
    data = with_member(xlsx_bytes([["a"]]), "xl/worksheets/sheet9.dat", LAUGHING_STRINGS)

    assert refusal(data) == DTD_MESSAGE.format("xl/worksheets/sheet9.dat")


def test_a_dtd_behind_a_comment_that_looks_like_a_tag_is_refused() -> None:
    sneaky = b'<?xml version="1.0"?><!-- <sst> -->' + BILLION_LAUGHS + b"<sst/>"
    data = with_member(xlsx_bytes([["a"]]), "xl/sharedStrings.xml", sneaky)

    assert refusal(data) == DTD_MESSAGE.format("xl/sharedStrings.xml")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_dtd_in_a_utf16_or_utf32_part_is_refused(encoding: str) -> None:
    text = f'<?xml version="1.0" encoding="{encoding}"?>' + BILLION_LAUGHS.decode() + "<sst/>"
    data = with_member(xlsx_bytes([["a"]]), "xl/sharedStrings.xml", text.encode(encoding))

    assert refusal(data) == DTD_MESSAGE.format("xl/sharedStrings.xml")


def test_a_part_whose_prolog_cannot_be_shown_free_of_a_dtd_is_refused() -> None:
    long_prolog = b'<?xml version="1.0"?><!--' + b"x" * 70_000 + b"--><sst/>"
    utf7 = b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE x+AD4-<sst/>'
    shifting = b'<?xml version="1.0" encoding="HZ-GB-2312"?><sst/>'

    for part in (long_prolog, utf7, shifting):
        message = refusal(with_member(xlsx_bytes([["a"]]), "xl/sharedStrings.xml", part))
        assert message.startswith("文件内的“xl/sharedStrings.xml”开头无法识别")


def test_a_long_comment_after_the_root_element_is_not_mistaken_for_a_long_prolog() -> None:
    data = xlsx_bytes([["a"]])
    data = with_member(
        data, sheet_part(), lambda xml: xml.replace(b"<sheetData>", b"<!--" + b"x" * 70_000 + b"--><sheetData>")
    )

    assert only_grid(data).rows == [["a"]]


def test_merged_ranges_covering_more_than_a_million_cells_are_refused() -> None:
    data = xlsx_bytes([["a"]] + [[]] * 98 + [[None] * 16383 + ["z"]])
    data = with_merge_cells(data, "A1:XFD100", "A2:XFD99")

    assert "合并单元格区域共" in refusal(data)


def test_merges_and_formulas_are_found_however_far_into_a_large_sheet_they_are() -> None:
    # 40 rows of 64,000 hex digits (which do not compress a thousand to one): several chunks' worth.
    filler = [["".join(hashlib.sha256(f"{row}-{n}".encode()).hexdigest() for n in range(1000))] for row in range(40)]
    data = xlsx_bytes([*filler, ["合计", 1, 2, "=B41+C41"], ["注"]], merges=["A42:C42"])

    grid = only_grid(data)

    assert grid.rows[40:] == [["合计", "1", "2", "=B41+C41"], ["注"]]
    assert grid.merges == [(41, 0, 41, 2)]
