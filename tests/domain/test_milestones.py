from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from mubiao.domain.milestones import infer_direction, infer_kind, infer_unit_of_measure, parse_milestones
from mubiao.domain.values import Comparison, Direction, IndicatorKind, Level

PLATFORMS = (
    "新增高层次创新孵化平台数量（到2020年确保完成12家以上，力争完成15家；到2022年确保完成20家以上，力争完成24家。）"
)


def test_it_reads_committed_at_least_and_stretch_exactly_from_a_goal_text() -> None:
    milestones = parse_milestones(PLATFORMS)

    assert [(m.year, m.level, m.value, m.comparison) for m in milestones] == [
        (2020, Level.COMMITTED, Decimal(12), Comparison.AT_LEAST),
        (2020, Level.STRETCH, Decimal(15), Comparison.EXACTLY),
        (2022, Level.COMMITTED, Decimal(20), Comparison.AT_LEAST),
        (2022, Level.STRETCH, Decimal(24), Comparison.EXACTLY),
    ]
    assert milestones[0].phrase == "到2020年确保完成12家以上"


def test_a_clause_without_a_level_word_binds_the_committed_level() -> None:
    milestones = parse_milestones("到2025年完成300项。")

    assert [(m.year, m.level, m.value) for m in milestones] == [(2025, Level.COMMITTED, Decimal(300))]


def test_words_like_not_less_than_make_a_milestone_a_floor() -> None:
    (milestone,) = parse_milestones("到2021年确保不低于8.5万亩")

    assert milestone.value == Decimal("8.5")
    assert milestone.comparison is Comparison.AT_LEAST
    assert milestone.unit_of_measure == "万亩"


def test_a_goal_text_without_milestones_gives_none() -> None:
    assert parse_milestones("每年新增重大科技成果转化数量") == []


def test_the_unit_of_measure_is_the_one_the_milestones_state() -> None:
    assert infer_unit_of_measure(PLATFORMS) == "家"
    assert infer_unit_of_measure("（到2020年确保完成20个，力争完成23个。）") == "个"
    assert infer_unit_of_measure("无里程碑", fallback="项") == "项"


def test_new_items_make_a_flow_and_holdings_make_a_stock() -> None:
    assert infer_kind("每年新增重大科技成果转化数量") is IndicatorKind.FLOW
    assert infer_kind("每年高新技术企业保有量") is IndicatorKind.STOCK
    assert infer_kind("高层次创新人才") is IndicatorKind.FLOW


def test_cutting_or_capping_makes_an_indicator_lower_is_better() -> None:
    assert infer_direction("单位GDP能耗下降15%") is Direction.LOWER
    assert infer_direction("每年高新技术企业保有量") is Direction.HIGHER


@given(
    year=st.integers(min_value=2000, max_value=2099),
    committed=st.integers(min_value=1, max_value=100_000),
    extra=st.integers(min_value=0, max_value=1000),
    unit=st.sampled_from(["家", "个", "项", "万亩", "亿元"]),
    at_least=st.booleans(),
)
def test_any_milestone_written_the_usual_way_reads_back(
    year: int, committed: int, extra: int, unit: str, at_least: bool
) -> None:
    text = f"（到{year}年确保完成{committed}{unit}{'以上' if at_least else ''}，力争完成{committed + extra}{unit}。）"

    first, second = parse_milestones(text)

    assert (first.year, first.level, first.value, first.unit_of_measure) == (year, Level.COMMITTED, committed, unit)
    assert first.comparison is (Comparison.AT_LEAST if at_least else Comparison.EXACTLY)
    assert (second.level, second.value) == (Level.STRETCH, committed + extra)
