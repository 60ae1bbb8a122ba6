"""The layout mapping: written out, read back, and refused with the field that is wrong."""

from __future__ import annotations

import pytest

from mubiao.tables.mapping import LayoutMapping, MappingError


def test_a_mapping_survives_being_saved_and_read_back():
    mapping = LayoutMapping(sheet="分解表", layout="units_in_rows", header_rows=[3, 4], part_rows=[8, 9], year=2021)

    assert LayoutMapping.from_json(mapping.to_json()) == mapping


def test_a_saved_mapping_keeps_chinese_readable():
    assert '"sheet": "分解表"' in LayoutMapping(sheet="分解表").to_json()


def test_row_lists_are_sorted_and_deduplicated_but_header_rows_keep_their_order():
    mapping = LayoutMapping.from_dict({"part_rows": [9, 8, 9], "header_rows": [3, 3]})

    assert (mapping.part_rows, mapping.header_rows) == ([8, 9], [3, 3])


def test_null_ignore_lists_read_as_empty_and_blank_text_as_unset():
    mapping = LayoutMapping.from_dict({"ignore_rows": None, "area": "  "})

    assert (mapping.ignore_rows, mapping.area) == ([], None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "映射应为一个 JSON 对象"),
        ({"year": 21}, "year 应为四位年份"),
        ({"year": True}, "year 应为正整数"),
        ({"label_column": 0}, "label_column 应为正整数"),
        ({"total_rows": "5"}, "total_rows 应为行号或列号的列表"),
        ({"sheet": 3}, "sheet 应为文字"),
    ],
)
def test_a_field_of_the_wrong_kind_is_refused_by_name(data, message):
    with pytest.raises(MappingError, match=message):
        LayoutMapping.from_dict(data)


def test_a_mapping_file_nested_deeper_than_json_goes_is_refused_as_not_a_mapping() -> None:
    with pytest.raises(MappingError, match="嵌套过深"):
        LayoutMapping.from_json('{"a":' * 20_000 + "1" + "}" * 20_000)
