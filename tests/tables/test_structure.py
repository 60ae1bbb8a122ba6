from decimal import Decimal

import pytest

from mubiao.domain.problems import TableError
from mubiao.domain.readings import TableReading
from mubiao.tables.grid import read_text_grid
from mubiao.tables.structure import read_table
from tests.tables.tables import seed_lines, seed_text, seed_with, small_county_table, tsv

LIUZHOU_UNITS = ["柳东", "北部", "鱼峰", "柳南", "柳北", "城中", "鹿寨", "柳城", "柳江", "融安", "融水", "三江"]


def read(data: bytes, name: str = "table.txt") -> TableReading:
    return read_table(read_text_grid(data, name))


@pytest.fixture(scope="module")
def seed() -> TableReading:
    return read(seed_text().encode("utf-8"), "seed.txt")


def row_of(reading: TableReading, number: str, year: int, level: str) -> dict[str | None, Decimal]:
    return {v.unit: v.value for v in reading.values if (v.indicator_number, v.year, v.level) == (number, year, level)}


def test_the_seed_gives_its_title_area_years_and_attachment(seed: TableReading) -> None:
    assert seed.title == "柳州市科技创新支撑工业高质量发展实施方案目标分解任务表（2018-2022年）"
    assert seed.plan_title == "柳州市科技创新支撑工业高质量发展实施方案"
    assert (seed.area_name, seed.start_year, seed.end_year, seed.attachment) == ("柳州市", 2018, 2022, "附件6")


def test_the_seed_names_its_twelve_units_in_header_order_with_sanjiang_last(seed: TableReading) -> None:
    assert [unit.name for unit in seed.units] == LIUZHOU_UNITS
    assert (seed.units[-1].row, seed.units[-1].column) == (8, 18)


def test_the_seed_has_four_indicators_with_goals_departments_and_the_remark_on_the_fourth(seed: TableReading) -> None:
    assert [(i.number, i.name) for i in seed.indicators] == [
        ("1", "国家级创新平台"),
        ("2", "高层次创新人才和团队"),
        ("3", "高新技术企业"),
        ("4", "重大科技成果转化"),
    ]
    assert [i.lead_departments for i in seed.indicators] == [
        ["市科技局"],
        ["市人力资源社会保障局", "市科技局"],
        ["市科技局"],
        ["市科技局"],
    ]
    assert seed.indicators[0].responsible_units == "各县（区）人民政府、柳东新区（高新区）、阳和工业新区"
    assert seed.indicators[3].remarks == "重大科技成果转化的标准由自治区科技厅定义。"
    assert [i.remarks for i in seed.indicators[:3]] == ["", "", ""]
    assert seed.indicators[2].goal_text.startswith("每年高新技术企业保有量（到2020年确保完成460家")


def test_the_header_one_column_left_of_the_data_still_maps_every_unit(seed: TableReading) -> None:
    row = row_of(seed, "3", 2019, "committed")

    assert row[None] == 450
    assert [row[name] for name in LIUZHOU_UNITS] == [176, 55, 30, 53, 19, 29, 23, 11, 37, 7, 6, 4]


def test_a_block_whose_text_cell_pushed_its_last_units_right_is_mapped_by_its_own_columns(seed: TableReading) -> None:
    row = row_of(seed, "2", 2022, "stretch")

    assert row[None] == 12
    assert all(row[name] == 1 for name in LIUZHOU_UNITS)
    assert any("融水在第18列" in note for note in seed.mapping_notes)


def test_the_three_cells_lost_in_extraction_stay_blank(seed: TableReading) -> None:
    assert "三江" not in row_of(seed, "3", 2018, "committed")
    assert "三江" not in row_of(seed, "4", 2018, "committed")
    assert "三江" not in row_of(seed, "4", 2018, "stretch")


def test_blank_cells_are_not_values(seed: TableReading) -> None:
    assert row_of(seed, "1", 2018, "committed") == {None: 2, "柳江": 1, "融安": 1}


def test_the_actual_row_is_read_as_actual_values(seed: TableReading) -> None:
    row = row_of(seed, "3", 2018, "actual")

    assert (row[None], row["柳东"], row["三江"]) == (442, 162, 3)
    assert row_of(seed, "3", 2018, "stretch") == {}


def test_each_value_keeps_the_row_and_column_it_was_read_from(seed: TableReading) -> None:
    (total,) = [
        v for v in seed.values if (v.indicator_number, v.unit, v.year, v.level) == ("3", None, 2018, "committed")
    ]

    assert (total.row, total.column, total.value) == (29, 6, 310)


def test_the_seed_gives_three_hundred_and_ninety_values(seed: TableReading) -> None:
    assert len(seed.values) == 390
    assert sum(1 for v in seed.values if v.level == "actual") == 13


def test_an_aligned_table_with_the_total_last_and_spaced_names_is_read(tmp_path) -> None:
    reading = read(tsv(small_county_table()), "county.txt")

    assert reading.area_name == "宝应县"
    assert [u.name for u in reading.units] == ["安宜镇", "范水镇", "氾水镇"]
    assert row_of(reading, "1", 2022, "stretch") == {None: 20, "安宜镇": 7, "范水镇": 8}
    assert reading.indicators[0].lead_departments == ["县市场监管局"]


def test_a_table_cut_short_is_refused_as_truncated_naming_the_indicator_and_row() -> None:
    truncated = "\n".join(seed_lines()[:33]).encode("utf-8")

    with pytest.raises(TableError) as caught:
        read(truncated, "cut.txt")

    (problem,) = caught.value.problems
    assert "指标3“高新技术企业”缺少2021、2022年的目标行" in problem.message
    assert problem.row == 33
    assert "cut.txt 第33行" in str(caught.value)


def test_a_year_outside_the_plan_is_refused_with_its_row_and_column() -> None:
    with pytest.raises(TableError) as caught:
        read(seed_with(37, 4, "2024"), "late.txt")

    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (37, 4)
    assert "年份2024不在规划期2018—2022年内" in problem.message


def test_text_in_a_number_cell_is_refused_with_its_row_and_column() -> None:
    with pytest.raises(TableError) as caught:
        read(seed_with(29, 7, "一百二十"), "words.txt")

    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (29, 7)
    assert "“一百二十”不是数值" in problem.message
    assert "words.txt 第29行第7列" in str(caught.value)


def test_a_file_without_a_header_row_is_refused() -> None:
    with pytest.raises(TableError, match="找不到表头行"):
        read(tsv([["甲", "乙"], ["1", "2"]]), "plain.txt")


def test_a_header_without_data_rows_is_refused() -> None:
    with pytest.raises(TableError, match="表头之后没有数据行"):
        read("\n".join(seed_lines()[:8]).encode("utf-8"), "header-only.txt")


def test_a_level_row_repeated_for_the_same_year_is_refused() -> None:
    rows = small_county_table()
    rows.append(["", "", "", "2022", "确保", "1", "1", "1", "3", ""])

    with pytest.raises(TableError, match="2022年“确保”行重复出现"):
        read(tsv(rows))


def test_more_numeric_columns_than_units_is_refused_not_guessed() -> None:
    rows = small_county_table()
    rows[3] = ["1", "发明专利", "", "2021", "确保", "4", "5", "3", "12", "9", "牵头部门：县市场监管局"]

    with pytest.raises(TableError, match="有5列数值，但表头只列出3个单位和1个合计列"):
        read(tsv(rows))


def test_numbers_in_a_row_without_a_level_word_are_refused() -> None:
    rows = small_county_table()
    rows.insert(5, ["", "", "", "", "", "1", "2", "3", "6", ""])

    with pytest.raises(TableError, match="没有“确保”“力争”或“实际”"):
        read(tsv(rows))


def test_a_block_that_could_be_read_two_ways_is_reported_instead_of_guessed() -> None:
    # One value per row, header names unaligned with any column: no checksum or position decides.
    rows = [
        ["某县目标分解表（2021年）"],
        ["序号", "指标名称", "完成目标", "年份", "级别", "合计", "", "甲镇", "", "乙镇"],
        ["1", "专利", "", "2021", "确保", "2", "", "", "2", "", "牵头部门：县科技局"],
    ]

    with pytest.raises(TableError) as caught:
        read(tsv(rows))

    assert "合计校验无法区分" in str(caught.value)
