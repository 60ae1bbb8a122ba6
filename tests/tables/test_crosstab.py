"""Cross-tab tables in the layouts offices draw: units down the rows or across the columns."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mubiao.domain.readings import TableReading
from mubiao.tables.grid import Grid, Merge
from mubiao.tables.mapping import LayoutMapping
from mubiao.tables.understanding import Understanding, understand

KNOWN = {"城中", "鱼峰", "柳南", "柳北", "柳江", "柳城", "鹿寨", "融安", "融水", "三江"}


def read(
    rows: list[list[str]], merges: list[Merge] | None = None, mapping: LayoutMapping | None = None
) -> Understanding:
    grid = Grid(source="table.xlsx", rows=rows, sheet="Sheet1", merges=merges or [])
    return understand([grid], "table.xlsx", mapping, lambda name: name in KNOWN)


def reading_of(understanding: Understanding) -> TableReading:
    assert understanding.problems == [], understanding.problems
    assert understanding.reading is not None
    return understanding.reading


def value(reading: TableReading, indicator: str, unit: str | None, year: int, level: str) -> Decimal:
    found = [
        v.value
        for v in reading.values
        if (v.indicator_number, v.unit, v.year, v.level) == (indicator, unit, year, level)
    ]
    assert len(found) == 1, f"{indicator} {unit} {year} {level}: {found}"
    return found[0]


def units_in_rows_with_grouped_header() -> tuple[list[list[str]], list[Merge]]:
    """Indicator over 确保/力争, an 'of which' indicator, a county with an 'of which' town, a total at the bottom."""
    rows = [
        ["附件"],
        ["某某市2021年经济发展主要指标任务分解表"],
        ["单位：万元"],
        ["序号", "地区", "地区生产总值", "", "固定资产投资", "", "其中：工业投资", ""],
        ["", "", "确保", "力争", "确保", "力争", "确保", "力争"],
        ["1", "甲 县", "100", "110", "50", "55", "20", "22"],
        ["2", "乙区", "200", "210", "60", "65", "30", "33"],
        ["3", "丙镇", "300", "310", "70", "75", "", "40"],
        ["", "其中：丁村", "30", "31", "7", "7.5", "", ""],
        [],
        ["", "合计", "600", "630", "180", "195", "50", "95"],
        ["要求：各县区按季度报送。"],
    ]
    merges = [(1, 0, 1, 7), (3, 0, 4, 0), (3, 1, 4, 1), (3, 2, 3, 3), (3, 4, 3, 5), (3, 6, 3, 7)]
    return rows, merges


def test_units_down_the_rows_under_a_merged_two_row_header_read_every_cell():
    reading = reading_of(read(*units_in_rows_with_grouped_header()))

    assert [unit.name for unit in reading.units] == ["甲县", "乙区", "丙镇", "丁村"]
    assert [(i.number, i.name, i.unit_of_measure) for i in reading.indicators] == [
        ("1", "地区生产总值", "万元"),
        ("2", "固定资产投资", "万元"),
        ("2.1", "工业投资", "万元"),
    ]
    assert value(reading, "1", "甲县", 2021, "committed") == Decimal(100)
    assert value(reading, "1", "甲县", 2021, "stretch") == Decimal(110)
    assert value(reading, "2", "丁村", 2021, "stretch") == Decimal("7.5")
    assert value(reading, "1", None, 2021, "stretch") == Decimal(630)
    assert (reading.start_year, reading.end_year, reading.area_name) == (2021, 2021, "某某市")


def test_an_of_which_column_becomes_a_child_indicator_and_an_of_which_row_a_child_unit():
    reading = reading_of(read(*units_in_rows_with_grouped_header()))

    assert {i.number: i.parent_number for i in reading.indicators} == {"1": None, "2": None, "2.1": "2"}
    assert {u.name: u.part_of for u in reading.units}["丁村"] == "丙镇"


def test_totals_are_checked_without_their_of_which_parts():
    understanding = read(*units_in_rows_with_grouped_header())

    assert len(understanding.reconciliations) == 6
    assert understanding.unreconciled == []
    assert understanding.findings == []


def test_the_units_line_notes_and_spacer_rows_are_kept_as_text_not_data():
    understanding = read(*units_in_rows_with_grouped_header())

    assert understanding.row_roles[3] == "units_line"
    assert understanding.row_roles[10] == "blank"
    assert understanding.row_roles[12] == "note"
    assert understanding.row_roles[11] == "total"
    assert understanding.row_roles[9] == "part"
    assert "要求：各县区按季度报送。" in reading_of(understanding).notes


def test_each_value_cell_is_tagged_with_what_it_became():
    understanding = read(*units_in_rows_with_grouped_header())

    tag = understanding.tags[(7, 4)]
    assert (tag.indicator_name, tag.unit, tag.year, tag.level) == ("地区生产总值", "乙区", 2021, "stretch")
    assert understanding.tags[(11, 3)].is_total
    assert understanding.tags[(6, 7)].is_part


def test_the_detected_mapping_is_reported_so_a_person_can_correct_it():
    mapping = read(*units_in_rows_with_grouped_header()).mapping

    assert mapping.layout == "units_in_rows"
    assert mapping.header_rows == [4, 5]
    assert mapping.label_column == 2
    assert mapping.total_rows == [11]
    assert mapping.part_rows == [9]
    assert mapping.part_columns == [7, 8]


def test_a_three_row_header_reads_indicator_year_and_level_and_an_of_which_group():
    rows = [
        ["某某县2021—2022年农业农村目标分解表"],
        ["序号", "乡镇", "粮食播种面积（万亩）", "", "", "", "其中", "", "", ""],
        ["", "", "2021年", "", "2022年", "", "水稻", "", "玉米", ""],
        ["", "", "确保", "力争", "确保", "力争", "2021年确保", "2022年确保", "2021年确保", "2022年确保"],
        ["1", "安宜镇", "10", "11", "12", "13", "6", "7", "4", "5"],
        ["2", "范水镇", "20", "21", "22", "23", "9", "9", "11", "13"],
        ["", "全县", "30", "32", "34", "36", "15", "16", "15", "18"],
    ]
    merges = [
        (1, 2, 1, 5),
        (1, 6, 1, 9),
        (2, 2, 2, 3),
        (2, 4, 2, 5),
        (2, 6, 2, 7),
        (2, 8, 2, 9),
        (1, 0, 3, 0),
        (1, 1, 3, 1),
    ]
    reading = reading_of(read(rows, merges))

    assert [(i.number, i.name, i.unit_of_measure, i.parent_number) for i in reading.indicators] == [
        ("1", "粮食播种面积", "万亩", None),
        ("1.1", "水稻", "", "1"),
        ("1.2", "玉米", "", "1"),
    ]
    assert value(reading, "1", "范水镇", 2022, "stretch") == Decimal(23)
    assert value(reading, "1.2", None, 2022, "committed") == Decimal(18)
    assert (reading.start_year, reading.end_year) == (2021, 2022)


def test_a_group_label_written_once_in_text_spreads_over_the_columns_below_it():
    rows = [
        ["某某市2021年任务分解表"],
        ["地区", "地区生产总值", "", "财政收入", ""],
        ["", "确保", "力争", "确保", "力争"],
        ["合计", "30", "33", "3", "4"],
        ["城中区", "10", "11", "1", "1"],
        ["鱼峰区", "20", "22", "2", "3"],
    ]
    reading = reading_of(read(rows))

    assert [i.name for i in reading.indicators] == ["地区生产总值", "财政收入"]
    assert value(reading, "2", "鱼峰区", 2021, "stretch") == Decimal(3)
    assert value(reading, "1", None, 2021, "committed") == Decimal(30)


def units_in_columns() -> list[list[str]]:
    return [
        ["宝应县2022年重点工作目标任务分解表"],
        ["序号", "指标名称", "计量单位", "全县", "安宜镇", "范 水 镇", "氾水镇", "其中：开发区", "牵头部门", "备注"],
        ["1", "一般公共预算收入", "亿元", "30", "10", "12", "8", "3", "县财政局", ""],
        ["2", "固定资产投资", "亿元", "100", "40", "35", "25", "", "县发改委", "季度考核"],
        ["", "其中：工业投资", "亿元", "60", "25", "20", "15", "", "县工信局", ""],
        ["3", "城镇化率", "%", "60%", "55%", "58%", "52%", "", "县住建局", ""],
        ["备注：开发区数据包含在氾水镇内。"],
    ]


def test_units_across_the_columns_with_a_single_level_import_as_committed_for_the_title_year():
    understanding = read(units_in_columns())
    reading = reading_of(understanding)

    assert understanding.layout == "units_in_columns"
    assert [u.name for u in reading.units] == ["安宜镇", "范水镇", "氾水镇", "开发区"]
    assert {v.level for v in reading.values} == {"committed"}
    assert {v.year for v in reading.values} == {2022}
    assert value(reading, "1", "范水镇", 2022, "committed") == Decimal(12)
    assert value(reading, "1", None, 2022, "committed") == Decimal(30)
    assert "表中只有一级目标（任务），按“确保”导入" in reading.notes


def test_units_across_read_units_of_measure_departments_remarks_and_of_which_rows():
    reading = reading_of(read(units_in_columns()))

    indicators = {i.number: i for i in reading.indicators}
    assert indicators["2.1"].name == "工业投资"
    assert indicators["2.1"].parent_number == "2"
    assert indicators["2"].lead_departments == ["县发改委"]
    assert indicators["2"].remarks == "季度考核"
    assert indicators["3"].unit_of_measure == "%"
    assert {u.name: u.part_of for u in reading.units}["开发区"] == "氾水镇"


def test_percentages_in_a_percent_column_are_read_as_their_number():
    reading = reading_of(read(units_in_columns()))

    assert value(reading, "3", "氾水镇", 2022, "committed") == Decimal(52)


def test_rates_are_not_summed_against_their_total():
    understanding = read(units_in_columns())

    assert {r.indicator_number for r in understanding.reconciliations} == {"1", "2", "2.1"}
    assert understanding.unreconciled == []


def test_a_total_column_at_the_end_works_like_one_at_the_start():
    rows = [
        ["柳州市2021年任务分解表"],
        ["序号", "指标", "城中", "鱼峰", "柳南", "合计"],
        ["1", "高新技术企业（家）", "10", "20", "30", "60"],
        ["2", "技术合同成交额（万元）", "1.5", "2.5", "3", "7"],
    ]
    reading = reading_of(read(rows))

    assert value(reading, "1", None, 2021, "committed") == Decimal(60)
    assert [i.unit_of_measure for i in reading.indicators] == ["家", "万元"]
    assert [u.name for u in reading.units] == ["城中", "鱼峰", "柳南"]


def test_known_short_names_tell_the_orientation_when_no_header_names_it():
    rows = [
        ["柳州市2021年任务分解表"],
        ["", "高新技术企业", "技术合同"],
        ["城中", "10", "1"],
        ["鹿寨", "20", "2"],
        ["三江", "5", "1"],
    ]
    understanding = read(rows)

    assert understanding.layout == "units_in_rows"
    assert [u.name for u in reading_of(understanding).units] == ["城中", "鹿寨", "三江"]


def test_years_down_a_column_beside_units_across_read_one_indicator_over_several_rows():
    rows = [
        ["某某县2021-2023年目标分解表"],
        ["序号", "指标名称", "年份", "合计", "安宜镇", "范水镇"],
        ["1", "新增就业（人）", "2021", "300", "100", "200"],
        ["", "", "2022", "330", "110", "220"],
        ["", "", "2023", "1.2万", "0.4万", "0.8万"],
    ]
    merges = [(2, 0, 4, 0), (2, 1, 4, 1)]
    reading = reading_of(read(rows, merges))

    assert len(reading.indicators) == 1
    assert value(reading, "1", "范水镇", 2022, "committed") == Decimal(220)
    assert value(reading, "1", None, 2023, "committed") == Decimal(12000)


# -- what the reader refuses, and says where ---------------------------------------------------


def test_ten_thousands_written_in_a_column_already_counted_in_ten_thousands_are_refused_with_their_cell():
    rows = [
        ["柳州市2021年任务分解表"],
        ["地区", "研发投入（万元）"],
        ["城中区", "1.2万"],
        ["鱼峰区", "300"],
    ]
    understanding = read(rows)

    assert understanding.reading is None
    [problem] = understanding.problems
    assert (problem.row, problem.column) == (3, 2)
    assert "万元" in problem.message and "无法确定数值" in problem.message


@pytest.mark.parametrize(
    ("text", "words"),
    [("#REF!", "错误值“#REF!”"), ("=SUM(B3:B4)", "没有保存计算结果"), ("约100", "不是数值"), ("15%", "百分数")],
)
def test_a_cell_that_is_not_a_figure_is_refused_with_its_row_and_column(text: str, words: str):
    rows = [
        ["柳州市2021年任务分解表"],
        ["地区", "高新技术企业（家）", "技术合同（项）"],
        ["城中区", "10", "3"],
        ["鱼峰区", "20", text],
    ]
    understanding = read(rows)

    assert not understanding.can_commit
    [problem] = understanding.problems
    assert (problem.row, problem.column) == (4, 3)
    assert words in problem.message


def test_full_width_digits_and_thousands_separators_are_read():
    rows = [
        ["柳州市2021年任务分解表"],
        ["地区", "研发投入（万元）"],
        ["城中区", "１２３"],
        ["鱼峰区", "1,234.5"],
    ]
    reading = reading_of(read(rows))

    assert value(reading, "1", "城中区", 2021, "committed") == Decimal(123)
    assert value(reading, "1", "鱼峰区", 2021, "committed") == Decimal("1234.5")


def test_two_columns_that_would_become_the_same_figure_are_reported_not_merged():
    rows = [
        ["柳州市2021年任务分解表"],
        ["地区", "高新技术企业", "高新技术企业"],
        ["城中区", "10", "11"],
        ["鱼峰区", "20", "21"],
    ]
    understanding = read(rows)

    assert understanding.reading is None
    assert (
        "第3行第2列与第3行第3列都读作“高新技术企业 城中区 2021年 确保”，无法区分" in understanding.problems[0].message
    )
    assert any("其中" in proposal for proposal in understanding.proposals)


def test_a_table_without_any_year_asks_for_one_and_a_mapping_year_supplies_it():
    rows = [["柳州市科技任务分解表"], ["地区", "高新技术企业"], ["城中区", "10"], ["鱼峰区", "20"]]

    understanding = read(rows)
    assert understanding.reading is None
    assert "无法确定数值属于哪一年" in understanding.problems[0].message
    assert understanding.proposals == ["在映射中填写年份（year），如 2021"]

    fixed = reading_of(read(rows, mapping=LayoutMapping(year=2023)))
    assert {v.year for v in fixed.values} == {2023}


def test_a_total_that_does_not_reconcile_proposes_the_row_that_would_be_an_of_which_part():
    rows = [
        ["柳州市2021年任务分解表"],
        ["地区", "高新技术企业", "技术合同"],
        ["城中区", "10", "5"],
        ["柳东新区", "4", "2"],
        ["鱼峰区", "20", "6"],
        ["合计", "30", "11"],
    ]
    understanding = read(rows)

    assert [(r.row, r.column, r.total, r.units_sum) for r in understanding.unreconciled] == [
        (6, 2, Decimal(30), Decimal(34)),
        (6, 3, Decimal(11), Decimal(13)),
    ]
    assert understanding.proposals == [
        "2处合计与各单位之和不符；若第4行“柳东新区”是“其中”项（不计入合计），则全部相符：可在映射中把第4行标为其中行"
    ]
    assert understanding.can_commit  # a gap is a finding to report, not a reason to refuse


def test_marking_a_row_as_an_of_which_part_in_the_mapping_makes_the_totals_reconcile():
    rows = [
        ["柳州市2021年任务分解表"],
        ["地区", "高新技术企业"],
        ["城中区", "10"],
        ["柳东新区", "4"],
        ["鱼峰区", "20"],
        ["合计", "30"],
    ]
    understanding = read(rows, mapping=LayoutMapping(part_rows=[4]))

    assert understanding.unreconciled == []
    assert {u.name: u.part_of for u in reading_of(understanding).units}["柳东新区"] == "城中区"


def test_a_total_that_no_single_part_explains_says_so():
    rows = [
        ["柳州市2021年任务分解表"],
        ["地区", "高新技术企业"],
        ["城中区", "10"],
        ["鱼峰区", "20"],
        ["合计", "99"],
    ]
    understanding = read(rows)

    assert understanding.proposals == [
        "1处合计与各单位之和不符（如第5行第2列：合计99，各单位之和30），没有哪一行作为其中项能使其相符，请核对原表"
    ]
    assert [f.rule for f in understanding.findings] == ["sum_mismatch"]


def test_when_neither_axis_looks_like_places_the_reader_asks_for_the_orientation():
    rows = [["某某2021年分解表"], ["", "甲", "乙"], ["子", "1", "2"], ["丑", "3", "4"]]
    understanding = read(rows)

    assert understanding.reading is None
    assert "无法判断单位在行还是在列" in understanding.problems[0].message

    fixed = read(rows, mapping=LayoutMapping(layout="units_in_columns"))
    assert [u.name for u in reading_of(fixed).units] == ["甲", "乙"]


def test_a_header_row_given_in_the_mapping_is_used_instead_of_the_detected_one():
    rows = [
        ["柳州市2021年任务分解表"],
        ["说明", "本表", "由市科技局汇总"],
        ["地区", "高新技术企业", "技术合同"],
        ["城中区", "10", "5"],
    ]
    understanding = read(rows, mapping=LayoutMapping(header_rows=[3, 3]))

    assert understanding.mapping.header_rows == [3, 3]
    assert [i.name for i in reading_of(understanding).indicators] == ["高新技术企业", "技术合同"]


def test_ignored_columns_are_not_read():
    rows = [
        ["柳州市2021年任务分解表"],
        ["地区", "高新技术企业", "上年完成"],
        ["城中区", "10", "8"],
        ["鱼峰区", "20", "x"],
    ]
    understanding = read(rows, mapping=LayoutMapping(ignore_columns=[3]))

    assert [i.name for i in reading_of(understanding).indicators] == ["高新技术企业"]
    assert understanding.column_roles[3] == "ignored"


def test_a_column_of_measure_words_under_a_bare_unit_header_gives_each_indicator_its_unit():
    rows = [
        ["柳州市2021年任务分解表"],
        ["指标", "单位", "城中", "鱼峰"],
        ["高新技术企业", "家", "10", "20"],
        ["技术合同成交额", "万元", "1.5", "2.5"],
    ]
    understanding = read(rows)

    assert [i.unit_of_measure for i in reading_of(understanding).indicators] == ["家", "万元"]
    assert understanding.column_roles[2] == "unit_of_measure"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (LayoutMapping(label_column=9), "名称列第9列超出了表格（共3列）"),
        (LayoutMapping(header_rows=[2, 30]), "表头末行第30行超出了表格（共4行）"),
    ],
)
def test_a_mapping_pointing_outside_the_table_is_a_problem_not_a_crash(mapping: LayoutMapping, message: str):
    rows = [
        ["柳州市2021年任务分解表"],
        ["地区", "高新技术企业", "技术合同"],
        ["城中区", "10", "5"],
        ["鱼峰区", "2", "1"],
    ]

    understanding = read(rows, mapping=mapping)

    assert understanding.reading is None
    assert understanding.problems[0].message == message
